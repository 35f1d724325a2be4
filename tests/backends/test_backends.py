"""The backend fixtures themselves: each test gets a database and a cache nobody else sees."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from app.cache import cache
from app.config import Settings
from app.database import engine
from tests.backends.fixtures import new_database, server_url


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


def test_without_a_server_its_cases_are_skipped_locally_and_fail_in_ci(monkeypatch):
    monkeypatch.delenv("TEST_POSTGRES_URL", raising=False)
    monkeypatch.delenv("CI_REQUIRE_BACKENDS", raising=False)
    with pytest.raises(pytest.skip.Exception, match="TEST_POSTGRES_URL is not set"):
        server_url("postgresql")
    monkeypatch.setenv("CI_REQUIRE_BACKENDS", "1")
    with pytest.raises(
        pytest.fail.Exception, match="CI_REQUIRE_BACKENDS=1 but postgresql: TEST_POSTGRES_URL"
    ):
        server_url("postgresql")
    monkeypatch.setenv("TEST_POSTGRES_URL", "postgresql+psycopg://u@127.0.0.1:1/x")
    assert server_url("postgresql") == "postgresql+psycopg://u@127.0.0.1:1/x"
