"""The app's own database (users, API tokens, audit log): SQLite in `data/` by default, any SQLAlchemy URL
(PostgreSQL in production) through `Settings.database_url` (DATABASE_URL).

One engine per URL and process, created lazily in the process that uses it: SQLite connections must not
cross a fork (gunicorn workers, a test's child process).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache

from sqlalchemy import Engine, MetaData, Table, create_engine, event
from sqlalchemy.exc import DBAPIError

from app.config import DEFAULT_DATABASE_URL, current_settings

__all__ = ["DEFAULT_DATABASE_URL", "create_tables", "database_url", "engine"]


def database_url() -> str:
    """The database of the app serving the current request (its `Settings.database_url`)."""
    return current_settings().database_url


@cache
def _engine(url: str, pid: int) -> Engine:
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 5})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:  # WAL: readers never wait for the audit writer
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def engine(url: str | None = None) -> Engine:
    """The engine of `url` (default: the current app's database) for this process."""
    return _engine(url or database_url(), os.getpid())


def create_tables(metadata: MetaData, db: Engine, tables: Sequence[Table] | None = None) -> None:
    """`metadata.create_all`, safe when several processes start on a new database at once.

    Checking for a table and creating it are two statements: two gunicorn workers booting on a new database
    both found no table, and the second failed with "table ... already exists" (the start aborted). When
    that happens the other process has just created the table, so checking again finds it.
    """
    attempts = len(tables if tables is not None else metadata.tables) + 1  # each lost race is one table fewer
    for attempt in range(attempts):
        try:
            metadata.create_all(db, tables=tables, checkfirst=True)
            return
        except DBAPIError as error:
            if "already exists" not in str(error.orig).lower() or attempt == attempts - 1:
                raise
