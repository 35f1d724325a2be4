"""The result cache, in-process and on Redis: CACHE_REDIS_URL starts the app and its answers are cached there;
a new champion (the hot swap) never answers from its predecessor's entries; a Redis that does not answer
costs the computation, never the answer; a CACHE_REDIS_URL that is not one is refused in one sentence."""

from __future__ import annotations

import dataclasses
import logging

import pytest
import redis

from app import create_app
from app.cache import cache, cache_key
from app.config import load_settings
from app.scoring import ScoringService
from app.server import WATCH_EXTENSION
from model_training.schema import CLIENT_ID
from tests.app.test_hot_swap import NEW_VERSION, _champion, _promote_copy, _request_and_settle, _services
from tests.backends.fixtures import new_cache, server_url
from tests.signin import bearer


def _signed_client(app, settings):
    client = app.server.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = bearer(settings.database_url, "advisor")["Authorization"]
    return client


def _contributions_key(app, client_id: int) -> str:
    """The cache key of the client's explanation under the app's current model."""
    services = _services(app)
    application = services.applications.application_id(client_id)
    method = ScoringService._client_contributions.uncached  # type: ignore[attr-defined]
    return cache_key(method, services.scoring, client_id, application)


def _cached(app, key: str):
    with app.server.app_context():
        return cache.get(key)


def test_cache_redis_url_starts_the_app_and_its_answers_are_cached_in_redis(trained_artifacts, tmp_path):
    url = server_url("redis")
    environment = {
        "CACHE_REDIS_URL": url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "SECRET_KEY": "tests-only-signing-key",
    }
    with new_cache("redis") as on_redis:
        settings = on_redis(load_settings(environment))
        assert settings.cache_config()["CACHE_TYPE"] == "RedisCache"
        app = create_app(trained_artifacts, settings)
        client = _signed_client(app, settings)
        client_id = int(_services(app).applications.frame()[CLIENT_ID][0])
        key = _contributions_key(app, client_id)
        first = client.get(f"/api/v1/clients/{client_id}/score").json
        assert client.get(f"/api/v1/clients/{client_id}/score").json == first
        stored = redis.Redis.from_url(url)
        try:
            assert stored.exists(settings.cache_key_prefix + key)  # in Redis, under the model's identity
            assert 0 < stored.ttl(settings.cache_key_prefix + key) <= settings.cache_timeout  # it expires
        finally:
            stored.close()


def test_a_new_champion_never_answers_from_its_predecessors_cache(
    trained_artifacts, app_settings, tmp_path, cache_settings
):
    artifacts = _champion(trained_artifacts, tmp_path)
    settings = cache_settings(
        dataclasses.replace(app_settings, database_url=f"sqlite:///{tmp_path / 'app.db'}")
    )
    app = create_app(artifacts, settings)
    watch = app.server.extensions[WATCH_EXTENSION]
    watch.poll_seconds = 0.0
    client = _signed_client(app, settings)
    client_id = int(_services(app).applications.frame()[CLIENT_ID][0])
    old_key = _contributions_key(app, client_id)
    old = client.get(f"/api/v1/clients/{client_id}/score").json
    assert _cached(app, old_key) is not None  # the old model's answer is in the cache

    _promote_copy(trained_artifacts, artifacts)
    _request_and_settle(client, watch)
    new_key = _contributions_key(app, client_id)
    new = client.get(f"/api/v1/clients/{client_id}/score").json

    assert new_key != old_key and _cached(app, new_key) is not None  # an entry of its own
    assert (old["model_version"], new["model_version"]) != (NEW_VERSION, NEW_VERSION)
    assert new["model_version"] == NEW_VERSION and new["probability"] != old["probability"]
    uncached = _services(app).scoring.score_client(client_id)  # outside the app: computed, no cache
    assert new["probability"] == pytest.approx(uncached.probability, abs=1e-6)


def test_a_redis_that_does_not_answer_costs_the_computation_not_the_answer(
    trained_artifacts, app_settings, tmp_path, caplog
):
    unreachable = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there
    settings = dataclasses.replace(
        app_settings, database_url=f"sqlite:///{tmp_path / 'app.db'}", cache_redis_url=unreachable
    )
    app = create_app(trained_artifacts, settings)
    client = _signed_client(app, settings)
    client_id = int(_services(app).applications.frame()[CLIENT_ID][0])
    with caplog.at_level(logging.WARNING, logger="app.cache"):
        answers = [client.get(f"/api/v1/clients/{client_id}/score") for _ in range(3)]
    assert [a.status_code for a in answers] == [200] * 3
    assert answers[0].json == answers[2].json
    assert sum("cache: not answering" in r.message for r in caplog.records) == 1  # one line, not one a call


@pytest.mark.parametrize("given", ["http://cache:6379/0", "cache:6379", "postgresql://u:secret@db/x"])
def test_a_cache_url_that_is_not_redis_is_refused_without_echoing_it(given):
    with pytest.raises(ValueError, match="CACHE_REDIS_URL must start with redis://") as refused:
        load_settings({"CACHE_REDIS_URL": given})
    assert "secret" not in str(refused.value)
