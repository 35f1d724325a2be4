"""The backend fixtures themselves: each test gets a database and a cache nobody else sees."""

from __future__ import annotations

from sqlalchemy import inspect

from app.cache import cache
from app.config import Settings
from app.database import engine
from tests.backends.fixtures import new_database


def test_a_fresh_database_is_empty_and_writable(fresh_database, tmp_path):
    with engine(fresh_database).begin() as connection:
        assert inspect(connection).get_table_names() == []
        connection.exec_driver_sql("CREATE TABLE mine (x INTEGER)")
    backend = "sqlite" if fresh_database.startswith("sqlite") else "postgresql"
    with new_database(backend, tmp_path) as other, engine(other).connect() as connection:
        assert other != fresh_database
        assert inspect(connection).get_table_names() == []  # another test's database sees nothing of it


def test_a_fresh_cache_starts_empty_and_keeps_what_is_set(cache_settings):
    from flask import Flask

    settings = cache_settings(Settings())
    server = Flask(__name__)
    cache.init_app(server, config=settings.cache_config())
    with server.app_context():
        assert cache.get("answer") is None
        cache.set("answer", {"probability": 0.25})
        assert cache.get("answer") == {"probability": 0.25}
