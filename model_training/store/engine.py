"""One SQLAlchemy engine per database URL and process, shared by the app and the training CLI.

SQLite (the default, a file in `data/`) gets WAL and a busy timeout so that readers never wait for a writer;
any other URL (PostgreSQL in production) gets a pre-ping pool. Engines are made lazily in the process that
uses them: SQLite connections must not cross a fork (gunicorn workers, a test's child process).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, MetaData, Table, create_engine, event

from model_training.errors import InputError

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
            cursor.execute("PRAGMA busy_timeout=5000")
            _write_ahead_log(cursor)
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _write_ahead_log(cursor: sqlite3.Cursor) -> None:
    """Switch a new file to WAL (it stays so). The switch needs the file to itself and SQLite answers "locked"
    at once rather than wait: a new database whose schema another process is creating, under the schema lock
    (model_training.store.schema), is tried again for up to 5 s."""
    deadline = time.monotonic() + 5.0
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def open_engine(url: str) -> Engine:
    """The engine of `url` for this process (made on first use)."""
    return _engine(url, os.getpid())


def create_tables(metadata: MetaData, db: Engine, tables: Sequence[Table] | None = None) -> None:
    """Create the missing tables and bring the others up to date (model_training.store.schema), safe when
    several processes start on a new database at once: two gunicorn workers booting on a new database once
    both found no table, and the second failed with "table ... already exists"; the schema lock serialises
    them now, on SQLite and PostgreSQL alike."""
    from model_training.store.schema import ensure_schema

    ensure_schema(metadata, db, tables)


def database_url(given: str | None = None) -> str:
    """--database, else DATABASE_URL, else the app's default SQLite file: the app's own store."""
    return given or os.environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL


@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """A database that cannot be opened or written is one sentence (the URL without its password)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

    try:
        yield
    except (ArgumentError, NoSuchModuleError) as error:
        # not echoed: a URL that does not parse may still hold a password
        raise InputError(f"database URL: not one SQLAlchemy can open ({error})") from None
    except DBAPIError as error:
        shown = make_url(url).render_as_string(hide_password=True)
        reason = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else type(error).__name__
        raise InputError(f"database {shown}: {reason}; nothing was stored") from None
    except OSError as error:  # the SQLite file's folder cannot be made
        raise InputError(f"database {url}: {error.strerror or error}; nothing was stored") from None
