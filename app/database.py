"""The app's own database (users, API tokens, audit log): SQLite in `data/` by default, any SQLAlchemy URL
(PostgreSQL in production) through DATABASE_URL.

One engine per URL and process: gunicorn workers fork after `--preload`, so the engine is created lazily
in each worker (SQLite connections must not cross a fork).
"""

from __future__ import annotations

import os
from functools import cache

from sqlalchemy import Engine, create_engine, event

from app.config import PROJECT_DIR

DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_DIR / 'data' / 'app.db'}"


def database_url() -> str:
    """DATABASE_URL, else the SQLite file `data/app.db` of the project."""
    return os.environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL


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
    """The engine of `url` (default: `database_url()`) for this process."""
    return _engine(url or database_url(), os.getpid())
