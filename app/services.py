"""The app's services, built once at start and reachable from pages and the API.

`create_app` builds them and registers them on its Flask server; pages and the API call `get_services()`,
which answers for the app serving the request (there is no process-wide "current app").
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, has_app_context

from app.applications import ApplicationRepository
from app.artifacts import Artifacts, load_artifacts
from app.clients import ClientRepository
from app.config import Settings
from app.scoring import ScoringService

EXTENSION = "credit_scoring"


@dataclass(frozen=True, eq=False)
class Services:
    """Settings, loaded artifacts, the applications store, the scoring service and the client repository of
    one running app."""

    settings: Settings
    artifacts: Artifacts
    scoring: ScoringService
    clients: ClientRepository
    applications: ApplicationRepository


def build_services(settings: Settings) -> Services:
    """Load the artifacts and build the services on them (ArtifactsError when the folder is unusable)."""
    artifacts = load_artifacts(settings.artifacts_dir)
    applications = ApplicationRepository.open(settings.database_url, artifacts)
    return Services(
        settings,
        artifacts,
        ScoringService(artifacts, applications),
        ClientRepository.from_artifacts(artifacts, applications),
        applications,
    )


def get_services() -> Services:
    """The services of the app handling the current request (RuntimeError outside an app's context)."""
    if has_app_context() and EXTENSION in current_app.extensions:
        return current_app.extensions[EXTENSION]
    raise RuntimeError("no app here: build it with app.create_app(), and call this within its context")


def services_of(server: Flask) -> Services:
    """The services of the app on `server` (from outside a request: a test, a benchmark)."""
    return server.extensions[EXTENSION]
