"""The app database's schema creation when several processes start on a new database at once."""

from __future__ import annotations

import dataclasses
import multiprocessing
import urllib.request

from app.auth import store
from app.database import create_tables, engine
from tests.app.served import gunicorn_server

PROCESSES = 6


def _create(url: str, ready) -> None:
    ready.wait()  # every process checks for the tables at the same moment
    create_tables(store.metadata, engine(url))


def test_processes_creating_the_tables_together_all_succeed(tmp_path):
    context = multiprocessing.get_context("spawn")
    for round_ in range(3):
        url = f"sqlite:///{tmp_path / f'new{round_}.db'}"
        ready = context.Barrier(PROCESSES)
        workers = [context.Process(target=_create, args=(url, ready)) for _ in range(PROCESSES)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert [worker.exitcode for worker in workers] == [0] * PROCESSES
        tables = set(store.metadata.tables)
        with engine(url).connect() as connection:
            names = {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master")}
        assert tables <= names


def test_two_workers_start_on_a_new_database_without_a_secret_key(trained_artifacts, app_settings, tmp_path):
    """What `make run` does on a fresh clone: the workers create the tables and the session key themselves."""
    new_database = f"sqlite:///{tmp_path / 'app.db'}"
    settings = dataclasses.replace(app_settings, database_url=new_database, secret_key=None)
    with (
        gunicorn_server(trained_artifacts, settings, workers=2) as base,
        urllib.request.urlopen(f"{base}/api/v1/health", timeout=10) as answer,
    ):
        assert answer.status == 200
