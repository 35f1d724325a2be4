"""The app's own database (users, API tokens, audit log): SQLite in `data/` by default, any SQLAlchemy URL
(PostgreSQL in production) through `Settings.database_url` (DATABASE_URL).

One engine per URL and process, created lazily in the process that uses it: SQLite connections must not
cross a fork (gunicorn workers, a test's child process).
"""

from __future__ import annotations

import os
from functools import cache

from sqlalchemy import Engine, create_engine, event

from app.config import DEFAULT_DATABASE_URL, current_settings

__all__ = ["DEFAULT_DATABASE_URL", "database_url", "engine"]


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
