"""The app database's schema creation when several processes start on a new database at once."""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import urllib.request

import pytest
from sqlalchemy import inspect

from app.auth import store
from app.database import create_tables, engine
from tests.app.served import gunicorn_server
from tests.backends.fixtures import BACKENDS, new_database

PROCESSES = 6


@pytest.fixture(params=BACKENDS)
def database_backend(request) -> str:
    return request.param


def _create(urls: list[str], ready) -> None:
    for url in urls:
        ready.wait()  # every process checks for the tables at the same moment
        create_tables(store.metadata, engine(url))


def test_processes_creating_the_tables_together_all_succeed(database_backend, tmp_path):
    """Three new databases, each created by six processes at once (the processes start once: imports are
    slow), on SQLite and PostgreSQL."""
    context = multiprocessing.get_context("spawn")
    with contextlib.ExitStack() as stack:
        urls = [stack.enter_context(new_database(database_backend, tmp_path)) for _round in range(3)]
        ready = context.Barrier(PROCESSES)
        workers = [context.Process(target=_create, args=(urls, ready)) for _ in range(PROCESSES)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(120)
        assert [worker.exitcode for worker in workers] == [0] * PROCESSES
        for url in urls:
            with engine(url).connect() as connection:
                assert set(store.metadata.tables) <= set(inspect(connection).get_table_names())


def test_two_workers_start_on_a_new_database_without_a_secret_key(
    trained_artifacts, app_settings, fresh_database
):
    """What `make run` does on a fresh clone: the workers create the tables and the session key themselves."""
    settings = dataclasses.replace(app_settings, database_url=fresh_database, secret_key=None)
    with (
        gunicorn_server(trained_artifacts, settings, workers=2) as base,
        urllib.request.urlopen(f"{base}/api/v1/health", timeout=10) as answer,
    ):
        assert answer.status == 200
