"""The app's own database (users, API tokens, audit log, the applications store): SQLite in `data/` by
default, any SQLAlchemy URL (PostgreSQL in production) through `Settings.database_url` (DATABASE_URL).

The engines are `model_training.store.engine`'s, shared with the training CLI that stores batches.
"""

from __future__ import annotations

from sqlalchemy import Engine

from app.config import DEFAULT_DATABASE_URL, current_settings
from model_training.store.engine import create_tables, open_engine

__all__ = ["DEFAULT_DATABASE_URL", "create_tables", "database_url", "engine"]


def database_url() -> str:
    """The database of the app serving the current request (its `Settings.database_url`)."""
    return current_settings().database_url


def engine(url: str | None = None) -> Engine:
    """The engine of `url` (default: the current app's database) for this process."""
    return open_engine(url or database_url())
