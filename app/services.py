"""The app's services, built once at start and reachable from pages and the API.

`create_app` builds them and registers them on its Flask server; pages and the API call `get_services()`,
which answers for the app serving the request (there is no process-wide "current app"). When a new champion
or challenger is exported, `app.model_watch` builds new services in the background and swaps them in: a
request keeps the services it started with (pinned on flask.g), new requests get the new ones.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, g, has_app_context

from app.applications import ApplicationRepository, Challenger
from app.artifacts import Artifacts, ArtifactsError, ModelCard, check_artifacts, load_artifacts
from app.clients import ClientRepository
from app.config import Settings
from app.gate import GATE
from app.scoring import ScoringService

EXTENSION = "credit_scoring"
#: The challenger's export, inside the champion's (docs: the model lifecycle contract).
CHALLENGER = "challenger"

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class Services:
    """Settings, loaded artifacts, the applications store, the scoring service and the client repository of
    one running app."""

    settings: Settings
    artifacts: Artifacts
    scoring: ScoringService
    clients: ClientRepository
    applications: ApplicationRepository
    #: the model scoring in shadow (ARTIFACTS/challenger/), None when there is none or it is unusable
    challenger: Challenger | None = None


def challenger_dir(artifacts_dir: Path) -> Path:
    return Path(artifacts_dir) / CHALLENGER


def load_challenger(artifacts_dir: Path, previous: Challenger | None = None) -> Challenger | None:
    """The challenger's export when ARTIFACTS/challenger/ exists and passes the champion's checks; None
    otherwise (a broken one is logged: it never stops the app). `previous` is reused when it is the same
    model."""
    folder = challenger_dir(artifacts_dir)
    if not folder.is_dir():
        return None
    try:
        card = check_artifacts(folder)
        if previous is not None and _same_card(previous.artifacts, card):
            return previous
        with GATE.alone():
            loaded = load_artifacts(folder)
        return Challenger.of(loaded)
    except ArtifactsError as error:
        log.error("challenger left out, no shadow scores: %s", error)
    except Exception:  # anything else a damaged export raises: logged, the champion serves on
        log.exception("challenger left out, no shadow scores: %s could not be loaded", folder)
    return None


def _same_card(artifacts: Artifacts, card: ModelCard) -> bool:
    model = artifacts.model
    return (card.name, card.version, card.run_id, card.threshold) == (
        model.name,
        model.version,
        model.run_id,
        model.threshold,
    )


def build_services(settings: Settings, previous: Services | None = None) -> Services:
    """Load the artifacts (and the challenger's) and build the services on them (ArtifactsError when the
    champion's folder is unusable). `previous`: the services running now, whose loaded models are reused
    when they are still the ones exported."""
    card = check_artifacts(settings.artifacts_dir)
    if previous is not None and _same_card(previous.artifacts, card):
        artifacts = previous.artifacts
    else:
        with GATE.alone():  # table reads: never beside a request's polars work (app/gate.py)
            artifacts = load_artifacts(settings.artifacts_dir)
    challenger = load_challenger(settings.artifacts_dir, previous.challenger if previous else None)
    if challenger is not None and _same_card(artifacts, challenger.artifacts.model):
        challenger = None  # the champion itself: nothing to compare
    applications = ApplicationRepository.open(settings.database_url, artifacts, challenger)
    return Services(
        settings,
        artifacts,
        ScoringService(artifacts, applications),
        ClientRepository.from_artifacts(artifacts, applications),
        applications,
        challenger,
    )


def get_services() -> Services:
    """The services of the app handling the current request (RuntimeError outside an app's context): the
    same ones for the whole request, even when new ones are swapped in meanwhile."""
    if has_app_context() and EXTENSION in current_app.extensions:
        pinned = g.get(EXTENSION)
        if pinned is None:
            pinned = current_app.extensions[EXTENSION]
            setattr(g, EXTENSION, pinned)
        return pinned
    raise RuntimeError("no app here: build it with app.create_app(), and call this within its context")


def services_of(server: Flask) -> Services:
    """The services of the app on `server` (from outside a request: a test, a benchmark)."""
    return server.extensions[EXTENSION]
