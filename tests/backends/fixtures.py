"""The database and cache backends tests run on: SQLite and the in-process cache always, PostgreSQL and Redis
when tests/backends/servers.sh started them (TEST_POSTGRES_URL, TEST_REDIS_URL; `make test` does).

Registered from tests/conftest.py. A test (or a module) asks for
- `fresh_database`: the URL of a database made for it alone, once per backend ("sqlite", "postgresql");
- `module_database`: the same, made once per module and backend (for a module's app built once);
- `cache_settings`: a function turning Settings into the same on a fresh cache, once per cache ("simple",
  "redis"): a Redis key prefix of its own, its keys deleted afterwards.
Without a server's URL its parameter is skipped with the reason, or fails when CI_REQUIRE_BACKENDS=1 (CI must
never pass by skipping them).
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app.audit import close_audit_logs
from app.config import Settings
from model_training.store.engine import open_engine

BACKENDS = ("sqlite", "postgresql")
CACHES = ("simple", "redis")
_SERVER_URLS = {"postgresql": "TEST_POSTGRES_URL", "redis": "TEST_REDIS_URL"}


def server_url(backend: str) -> str:
    """The URL of the test server of `backend`; skipped without one, failed when CI requires it."""
    variable = _SERVER_URLS[backend]
    url = os.environ.get(variable, "").strip()
    if url:
        return url
    reason = f"{backend}: {variable} is not set (start the test servers: tests/backends/servers.sh start)"
    if os.environ.get("CI_REQUIRE_BACKENDS", "").strip() == "1":
        pytest.fail(f"CI_REQUIRE_BACKENDS=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@contextmanager
def new_database(backend: str, folder: Path) -> Iterator[str]:
    """A database of its own: a new SQLite file in `folder`, or `CREATE DATABASE pad_<random>` on the test
    PostgreSQL server, dropped afterwards (with its connections: the app's pooled ones are still open)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'pad_{secrets.token_hex(4)}.db'}"
        return
    server = make_url(server_url(backend))
    name = f"pad_{secrets.token_hex(6)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.set(database=name).render_as_string(hide_password=False)
        try:
            yield url
        finally:
            close_audit_logs(url)  # what the test's app still queues is stored before the drop
            open_engine(url).dispose()
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def fresh_database(request, tmp_path) -> Iterator[str]:
    """A new, empty app database for this test, on each backend."""
    with new_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="module", params=BACKENDS)
def module_database(request, tmp_path_factory) -> Iterator[str]:
    """A new, empty app database for this module, on each backend."""
    with new_database(request.param, tmp_path_factory.mktemp("module_database")) as url:
        yield url


@contextmanager
def new_cache(kind: str) -> Iterator[Callable[[Settings], Settings]]:
    """Settings on a cache of their own: the in-process one, or the test Redis under a new key prefix."""
    if kind == "simple":
        yield lambda settings: dataclasses.replace(settings, cache_redis_url=None, cache_type="SimpleCache")
        return

    url = server_url(kind)
    prefix = f"pad-test-{secrets.token_hex(6)}:"
    try:
        yield lambda settings: dataclasses.replace(settings, cache_redis_url=url, cache_key_prefix=prefix)
    finally:
        forget_keys(url, prefix)


def forget_keys(url: str, prefix: str) -> None:
    """Delete a test's Redis entries (its own key prefix) from the shared test Redis."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture(params=CACHES)
def cache_settings(request) -> Iterator[Callable[[Settings], Settings]]:
    """`cache_settings(settings)`: the same settings on a fresh cache, on each cache backend."""
    with new_cache(request.param) as on_cache:
        yield on_cache
