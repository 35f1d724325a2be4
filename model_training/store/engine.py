"""One SQLAlchemy engine per database URL and process, shared by the app and the training CLI.

SQLite (the default, a file in `data/`) gets WAL and a busy timeout so that readers never wait for a writer;
any other URL (PostgreSQL in production) gets a pre-ping pool. Engines are made lazily in the process that
uses them: SQLite connections must not cross a fork (gunicorn workers, a test's child process).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, MetaData, Table, create_engine, event
from sqlalchemy.exc import DBAPIError

#: The app database when no URL is given (DATABASE_URL): a SQLite file in the project's data/ folder, the same
#: for the app and the training CLI's `score` command.
DEFAULT_DATABASE_URL = f"sqlite:///{Path(__file__).resolve().parents[2] / 'data' / 'app.db'}"


@cache
def _engine(url: str, pid: int) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 5})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:  # WAL: readers never wait for a writer
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def open_engine(url: str) -> Engine:
    """The engine of `url` for this process (made on first use)."""
    return _engine(url, os.getpid())


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
