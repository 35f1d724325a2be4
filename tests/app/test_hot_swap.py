"""Promotion without downtime: a running app notices a new champion (ARTIFACTS/serving.json) or a challenger
appearing, changing or leaving, loads it in the background and swaps its services; a request keeps the
services it started with; a failed load keeps the running model; the portfolio follows the new champion.
The last test runs a real gunicorn under load through a champion swap: no request fails."""

from __future__ import annotations

import copy
import dataclasses
import json
import random
import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import polars as pl
import pytest

from app import create_app, get_services
from app.openapi import CREDIT_FILE_EXAMPLE
from app.server import WATCH_EXTENSION
from model_training.export import swap_into_place
from model_training.schema import CLIENT_ID
from tests.app.served import gunicorn_server
from tests.app.test_shadow_scoring import _roles, export_copy
from tests.signin import bearer

NEW_VERSION = "3"
NEW_RUN = "d" * 32


def _champion(source: Path, folder: Path) -> Path:
    artifacts = folder / "artifacts"
    shutil.copytree(source, artifacts, ignore=shutil.ignore_patterns("challenger", "previous"))
    return artifacts


def _promote_copy(source: Path, artifacts: Path, version: str = NEW_VERSION, run: str = NEW_RUN) -> None:
    """What `promote` does to the folder: a whole export of another version put in place in one rename."""
    staging = artifacts.parent / f".staging-{version}"
    export_copy(source, staging, version, run, shift=0.4)
    swap_into_place(staging, artifacts)


@pytest.fixture
def running(trained_artifacts, app_settings, tmp_path):
    artifacts = _champion(trained_artifacts, tmp_path)
    settings = dataclasses.replace(app_settings, database_url=f"sqlite:///{tmp_path / 'app.db'}")
    app = create_app(artifacts, settings)
    watch = app.server.extensions[WATCH_EXTENSION]
    watch.poll_seconds = 0.0
    client = app.server.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = bearer(settings.database_url, "advisor")["Authorization"]
    return app, client, watch, artifacts, settings


def _services(app):
    with app.server.app_context():
        return get_services()


def _request_and_settle(client, watch, path: str = "/api/v1/health"):
    """One request (it lets the watch look), then the reload it started, if any, to its end."""
    client.get(path)
    watch.wait(60)


def test_a_new_champion_is_served_without_a_restart_and_the_portfolio_follows_it(running, trained_artifacts):
    app, client, watch, artifacts, settings = running
    posted = client.post("/api/v1/applications", json=copy.deepcopy(CREDIT_FILE_EXAMPLE)).json
    before = _services(app)
    portfolio = before.applications.frame()
    client_id = int(portfolio[CLIENT_ID][0])
    old = client.get(f"/api/v1/clients/{client_id}/score").json

    _promote_copy(trained_artifacts, artifacts)
    _request_and_settle(client, watch)

    after = _services(app)
    assert after is not before and watch.swaps == 1
    assert after.artifacts.model.version == NEW_VERSION
    new = client.get(f"/api/v1/clients/{client_id}/score").json
    assert new["model_version"] == NEW_VERSION and old["model_version"] != NEW_VERSION
    assert new["probability"] > old["probability"]  # the new calibration is shifted up
    # every client of the old portfolio, the one posted through the API included, is scored by the new one
    followed = after.applications.frame()
    assert followed[CLIENT_ID].to_list() == portfolio[CLIENT_ID].to_list()
    assert posted["client_id"] in followed[CLIENT_ID].to_list()
    # each stored score keeps the version that produced it: the old ones are all still there
    roles = _roles(settings.database_url)
    assert roles[(old["model_version"], "champion")] == portfolio.height
    assert roles[(NEW_VERSION, "champion")] == portfolio.height
    # the next application is decided by the new champion
    response = client.post("/api/v1/applications", json=copy.deepcopy(CREDIT_FILE_EXAMPLE))
    assert response.status_code == 201 and response.json["model_version"] == NEW_VERSION


def test_a_request_finishes_on_the_services_it_started_with(running, trained_artifacts):
    app, _, watch, artifacts, _ = running
    _promote_copy(trained_artifacts, artifacts)
    with app.server.test_request_context("/api/v1/health"):
        first = get_services()
        assert watch.reload() is True
        assert get_services() is first  # pinned for this request
    assert _services(app) is not first and _services(app).artifacts.model.version == NEW_VERSION


def test_a_broken_new_export_keeps_the_running_model(running, caplog):
    app, client, watch, artifacts, _ = running
    before = _services(app)
    card = json.loads((artifacts / "serving.json").read_text())
    card["threshold"] = 7  # refused by the artifacts' checks
    (artifacts / "serving.json").write_text(json.dumps(card))
    _request_and_settle(client, watch)
    assert _services(app) is before and watch.swaps == 0
    assert watch.last_error is not None and "threshold" in watch.last_error
    assert "the running model keeps serving" in caplog.text
    client_id = int(before.applications.frame()[CLIENT_ID][0])
    response = client.get(f"/api/v1/clients/{client_id}/score")
    assert response.status_code == 200 and response.json["model_version"] == before.artifacts.model.version


def test_a_challenger_appearing_changing_and_leaving_is_followed(running, trained_artifacts):
    app, client, watch, artifacts, settings = running
    champion = _services(app).artifacts
    export_copy(trained_artifacts, artifacts / ".incoming", "5", "e" * 32, shift=0.2)
    (artifacts / ".incoming").rename(artifacts / "challenger")
    _request_and_settle(client, watch)
    services = _services(app)
    assert services.challenger is not None and services.challenger.model.version == "5"
    assert services.artifacts is champion  # the champion was not loaded again
    assert _roles(settings.database_url)[("5", "challenger")] == len(champion.production_features)

    staging = artifacts / ".incoming"
    export_copy(trained_artifacts, staging, "6", "f" * 32, shift=0.3)
    swap_into_place(staging, artifacts / "challenger")
    _request_and_settle(client, watch)
    assert _services(app).challenger.model.version == "6"
    response = client.post("/api/v1/applications", json=copy.deepcopy(CREDIT_FILE_EXAMPLE))
    stored = _services(app).applications.read(response.json["application_id"])
    assert {(s.model_version, s.role) for s in stored.scores} == {
        (champion.model.version, "champion"),
        ("6", "challenger"),
    }

    shutil.rmtree(artifacts / "challenger")
    _request_and_settle(client, watch)
    assert _services(app).challenger is None and watch.swaps == 3


def test_nothing_changed_nothing_loaded(running):
    app, client, watch, *_ = running
    before = _services(app)
    for _ in range(3):
        _request_and_settle(client, watch)
    assert _services(app) is before and watch.swaps == 0


# --- a real server under load through a promotion -------------------------------------------------------

USERS = 4
#: Seconds of load before the swap, and the most the swap may take to reach every worker.
BEFORE_SWAP = 4.0
SETTLE_LIMIT = 60.0
#: Seconds of load once every answer carries the new version.
AFTER_SETTLED = 4.0


def _call(url: str, headers: dict[str, str], body: dict | None = None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={**headers, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


def test_a_load_runs_through_a_promotion_without_a_failed_request(trained_artifacts, app_settings, tmp_path):
    artifacts = _champion(trained_artifacts, tmp_path)
    settings = dataclasses.replace(app_settings, database_url=f"sqlite:///{tmp_path / 'app.db'}")
    ids = pl.read_parquet(artifacts / "clients/production.parquet", columns=[CLIENT_ID])[CLIENT_ID].to_list()
    old_version = json.loads((artifacts / "serving.json").read_text())["model"]["version"]
    headers = bearer(settings.database_url, "advisor")
    answers: list[tuple[float, str, int, str | None]] = []  # (time, kind, status, model_version)
    failures: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    with gunicorn_server(artifacts, settings) as base:

        def user(seed: int) -> None:
            rng = random.Random(seed)
            while not stop.is_set():
                if rng.random() < 0.7:
                    kind, url, body = "score", f"{base}/api/v1/clients/{rng.choice(ids)}/score", None
                else:
                    kind, url, body = (
                        "application",
                        f"{base}/api/v1/applications",
                        copy.deepcopy(CREDIT_FILE_EXAMPLE),
                    )
                try:
                    status, answer = _call(url, headers, body)
                except OSError as error:
                    status, answer = 0, {}
                    with lock:
                        failures.append(f"{kind}: {error}")
                with lock:
                    answers.append((time.monotonic(), kind, status, answer.get("model_version")))

        threads = [threading.Thread(target=user, args=(seed,)) for seed in range(USERS)]
        for thread in threads:
            thread.start()
        try:
            time.sleep(BEFORE_SWAP)
            swapped_at = time.monotonic()
            _promote_copy(trained_artifacts, artifacts)
            settled_at = None
            while time.monotonic() - swapped_at < SETTLE_LIMIT:
                time.sleep(0.5)
                with lock:
                    recent = [a for a in answers if a[0] > time.monotonic() - 2.5]
                if recent and all(a[3] == NEW_VERSION for a in recent) and len(recent) >= 8:
                    settled_at = time.monotonic()
                    break
            time.sleep(AFTER_SETTLED)
        finally:
            stop.set()
            for thread in threads:
                thread.join(120)

    errors = [a for a in answers if a[2] not in (200, 201)]
    before = [a for a in answers if a[0] < swapped_at]
    took = settled_at - swapped_at if settled_at else float("nan")
    print(
        f"\nload through a promotion: {len(answers)} requests "
        f"({sum(a[1] == 'application' for a in answers)} applications posted), {len(errors)} errors, "
        f"new version everywhere {took:.1f} s after the swap"
    )
    assert not failures and not errors, (failures[:5], errors[:5])
    assert before and all(a[3] == old_version for a in before)
    assert settled_at is not None, "the new champion did not reach every worker"
    assert all(a[3] == NEW_VERSION for a in answers if a[0] > settled_at)
    assert len(answers) > 50


def test_a_new_champion_needing_features_its_predecessor_lacked_scores_nothing_it_cannot(running, caplog):
    from app.applications import catch_up
    from model_training.scorer import ModelIdentity

    app, _, _, _, settings = running
    services = _services(app)
    scorer = services.applications.scorer
    newcomer = ModelIdentity("credit-scoring", "8", "8" * 32, scorer.threshold)
    fewer = scorer.feature_names[1:]  # the predecessor did not compute the first feature
    assert catch_up(settings.database_url, scorer, newcomer, services.applications.model, fewer) == 0
    assert "were not scored by it" in caplog.text
    assert ("8", "champion") not in _roles(settings.database_url)
    # with every feature, every application is scored, a chunk at a time, and once only
    every = scorer.feature_names
    added = catch_up(settings.database_url, scorer, newcomer, services.applications.model, every, chunk=50)
    assert added == services.applications.frame().height > 50
    assert catch_up(settings.database_url, scorer, newcomer, services.applications.model, every) == 0
