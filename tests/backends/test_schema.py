"""Schema creation and upgrades (model_training/store/schema.py), on SQLite and PostgreSQL: a database made
before a step is upgraded and keeps its rows; a new one is made in the newest shape with its steps recorded;
running it again changes nothing; processes upgrading one database at once all succeed."""

from __future__ import annotations

import contextlib
import multiprocessing

from sqlalchemy import func, insert, inspect, select, text

from app import audit
from app.audit import build_event
from app.database import create_tables, engine
from model_training.store.schema import STEPS_INFO, schema_steps
from tests.backends.fixtures import new_database

STEP = audit.metadata.info[STEPS_INFO][0]
PROCESSES = 4


def _indexes(url: str) -> set[str]:
    with engine(url).connect() as connection:
        return {index["name"] for index in inspect(connection).get_indexes("audit_events")}


def _steps(url: str) -> list[str]:
    with engine(url).connect() as connection:
        return list(connection.execute(select(schema_steps.c.step)).scalars())


def _made_before_the_step(url: str) -> None:
    """The audit table as the previous release made it (metadata.create_all, no index, no schema_steps),
    with events in it."""
    audit.metadata.create_all(engine(url), tables=[audit.audit_events])
    with engine(url).begin() as connection:
        connection.execute(text("DROP INDEX audit_events_newest"))
        rows = [build_event("login", user=f"u{i}").row() for i in range(5)]
        connection.execute(insert(audit.audit_events), rows)


def test_a_database_made_before_a_step_is_upgraded_and_keeps_its_rows(fresh_database):
    _made_before_the_step(fresh_database)
    assert "audit_events_newest" not in _indexes(fresh_database)
    assert "schema_steps" not in inspect(engine(fresh_database)).get_table_names()

    create_tables(audit.metadata, engine(fresh_database), [audit.audit_events])
    assert "audit_events_newest" in _indexes(fresh_database)
    assert _steps(fresh_database) == [STEP.name]
    with engine(fresh_database).connect() as connection:
        assert connection.execute(select(func.count()).select_from(audit.audit_events)).scalar_one() == 5

    create_tables(audit.metadata, engine(fresh_database))  # again, and the other audit table: nothing twice
    assert _steps(fresh_database) == [STEP.name]
    assert {"audit_events", "audit_views"} <= set(inspect(engine(fresh_database)).get_table_names())


def test_a_new_database_is_made_in_the_newest_shape_with_its_steps_recorded(fresh_database):
    create_tables(audit.metadata, engine(fresh_database))
    assert "audit_events_newest" in _indexes(fresh_database)
    assert _steps(fresh_database) == [STEP.name]  # recorded, not run: the table was made with its index


def test_a_step_cut_short_runs_again_without_failing(fresh_database):
    """A step whose work was done but not recorded (a crash between the two) runs again harmlessly."""
    create_tables(audit.metadata, engine(fresh_database))
    with engine(fresh_database).begin() as connection:
        connection.execute(schema_steps.delete())
    create_tables(audit.metadata, engine(fresh_database))
    assert _steps(fresh_database) == [STEP.name]


def _upgrade(url: str, ready) -> None:
    ready.wait()
    create_tables(audit.metadata, engine(url))


def test_processes_upgrading_one_database_at_once_all_succeed(tmp_path):
    """On PostgreSQL (SQLite's own race: tests/app/test_database.py): the step runs once, every process
    finds the database up to date."""
    context = multiprocessing.get_context("spawn")
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(new_database("postgresql", tmp_path))
        _made_before_the_step(url)
        ready = context.Barrier(PROCESSES)
        workers = [context.Process(target=_upgrade, args=(url, ready)) for _ in range(PROCESSES)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(120)
        assert [worker.exitcode for worker in workers] == [0] * PROCESSES
        assert _steps(url) == [STEP.name] and "audit_events_newest" in _indexes(url)
