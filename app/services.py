"""The app's services, built once at start and reachable from pages and the API.

`create_app` builds them and registers them on the Flask server; pages call `get_services()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, has_app_context

from app.artifacts import Artifacts, load_artifacts
from app.clients import ClientRepository
from app.config import Settings
from app.scoring import ScoringService

EXTENSION = "credit_scoring"


@dataclass(frozen=True, eq=False)
class Services:
    """Settings, loaded artifacts, the scoring service and the client repository of one running app."""

    settings: Settings
    artifacts: Artifacts
    scoring: ScoringService
    clients: ClientRepository


_latest: Services | None = None


def build_services(settings: Settings) -> Services:
    """Load the artifacts and build the services on them (ArtifactsError when the folder is unusable)."""
    artifacts = load_artifacts(settings.artifacts_dir)
    return Services(
        settings, artifacts, ScoringService(artifacts), ClientRepository.from_artifacts(artifacts)
    )


def set_services(services: Services) -> None:
    global _latest
    _latest = services


def get_services() -> Services:
    """The services of the app handling the current request, else of the app built last."""
    if has_app_context() and EXTENSION in current_app.extensions:
        return current_app.extensions[EXTENSION]
    if _latest is None:
        raise RuntimeError("the app's services are not built yet: call app.create_app() first")
    return _latest
