"""The per-client result cache (flask-caching): in-process by default, Redis when CACHE_REDIS_URL is set.

Scoring results are cached only inside a Flask app context whose app initialised this cache, so the scoring
service stays a plain object in scripts, benchmarks and unit tests.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app, has_app_context
from flask_caching import Cache

from app.config import Settings

F = TypeVar("F", bound=Callable[..., Any])

cache = Cache()


def _in_a_cached_app() -> bool:
    return has_app_context() and cache in current_app.extensions.get("cache", {})


def memoized(method: F) -> F:
    """Memoize a method on its positional arguments when a cached app is running; call it straight otherwise.

    The key holds the instance's `__caching_id__` (the model's identity), so two models never share an entry
    and gunicorn workers sharing a Redis cache share entries. Unlike flask-caching's `memoize`, the key is
    built without inspecting the signature on every call: a cache hit must cost far less than the model.
    """
    name = f"{method.__module__}.{method.__qualname__}"

    @wraps(method)
    def call(self: Any, *args: Any) -> Any:
        if not _in_a_cached_app():
            return method(self, *args)
        key = f"{name}:{self.__caching_id__()}:{':'.join(map(repr, args))}"
        found = cache.get(key)
        if found is None:
            found = method(self, *args)
            cache.set(key, found)
        return found

    call.uncached = method  # type: ignore[attr-defined]
    return call  # type: ignore[return-value]


def init_cache(server: Flask, settings: Settings) -> None:
    """Attach the cache to the Flask server with the deployment's backend."""
    cache.init_app(server, config=settings.cache_config())
