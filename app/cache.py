"""The per-client result cache (flask-caching): in-process by default, Redis when CACHE_REDIS_URL is set
(shared by every worker and server; what is cached, under which keys and for how long: docs/database.md).

Scoring results are cached only inside a Flask app context whose app initialised this cache, so the scoring
service stays a plain object in scripts, benchmarks and unit tests. A cache that does not answer (Redis
restarting) costs the computation, never the answer: the result is computed and a warning logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app, has_app_context
from flask_caching import Cache

from app.config import Settings

F = TypeVar("F", bound=Callable[..., Any])

cache = Cache()
log = logging.getLogger(__name__)


def _in_a_cached_app() -> bool:
    return has_app_context() and cache in current_app.extensions.get("cache", {})


def cache_key(method: Callable[..., Any], instance: Any, *args: Any) -> str:
    """The key of `method(instance, *args)`'s entry: the method, the instance's model identity, the arguments
    (flask-caching puts CACHE_KEY_PREFIX before it)."""
    name = f"{method.__module__}.{method.__qualname__}"
    return f"{name}:{instance.__caching_id__()}:{':'.join(map(repr, args))}"


def memoized(method: F) -> F:
    """Memoize a method on its positional arguments when a cached app is running; call it straight otherwise.

    The key holds the instance's `__caching_id__` (the model's identity), so two models never share an entry
    and gunicorn workers sharing a Redis cache share entries. Unlike flask-caching's `memoize`, the key is
    built without inspecting the signature on every call: a cache hit must cost far less than the model.
    """

    @wraps(method)
    def call(self: Any, *args: Any) -> Any:
        if not _in_a_cached_app():
            return method(self, *args)
        key = cache_key(method, self, *args)
        try:
            found = cache.get(key)
        except Exception as error:  # redis' ConnectionError, TimeoutError...: compute it, uncached
            _cache_failed(error)
            return method(self, *args)
        if found is None:
            found = method(self, *args)
            try:
                cache.set(key, found)
            except Exception as error:
                _cache_failed(error)
        return found

    call.uncached = method  # type: ignore[attr-defined]
    return call  # type: ignore[return-value]


_last_warning = [0.0]


def _cache_failed(error: BaseException) -> None:
    """One warning a minute at most while the cache is out of reach (not one per request)."""
    now = time.monotonic()
    if now - _last_warning[0] >= 60.0:
        _last_warning[0] = now
        log.warning("cache: not answering (%s: %s); results computed uncached", type(error).__name__, error)


def init_cache(server: Flask, settings: Settings) -> None:
    """Attach the cache to the Flask server with the deployment's backend."""
    cache.init_app(server, config=settings.cache_config())
