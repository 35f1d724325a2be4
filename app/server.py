"""The one Dash server: pages for people, `/api/v1` for programs, both over the same services.

`create_app` loads the artifacts once, then builds Dash with its pages (`pages/`) and static files
(`assets/`, served locally: the app works offline), the JSON API blueprint, the cache, access control
(`app.auth`: every request is signed in, by a session or an API token) and the security headers.
Every request first lets `app.model_watch` look (cheaply) for a newly exported champion or challenger.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import dash
from dash import html
from flask import Flask

from app.api import api
from app.audit_export import audit_export
from app.auth import init_auth
from app.cache import init_cache
from app.config import PROJECT_DIR, SETTINGS_EXTENSION, Settings, load_settings
from app.drift_report import drift_report
from app.gate import GATE
from app.i18n import t
from app.json_answers import FiniteJSONProvider
from app.model_watch import ModelWatch
from app.security import init_security
from app.services import EXTENSION, build_services
from app.summary import client_summary
from components import client_picker  # noqa: F401 - its callbacks are Dash hooks: imported before any app

PAGES_DIR = PROJECT_DIR / "pages"
#: Where the app's ModelWatch is registered on its Flask server.
WATCH_EXTENSION = "credit_scoring_watch"
ASSETS_DIR = PROJECT_DIR / "assets"


def _shell() -> html.Div:
    """The frame around every page; pages draw their own navigation (see components.navigation)."""
    return html.Div(dash.page_container, id="app-shell")


def _first_request_alone(server: Flask) -> None:
    """Dash builds its callback map and page routes during the first request, in hooks that mark themselves
    done as they start: with several threads per worker (`threads` in gunicorn.conf.py) a second request
    arriving meanwhile would find half a map. The first request of each process runs alone; then requests
    go straight in."""
    first = threading.Lock()
    started = threading.Event()
    serve = server.wsgi_app

    def wsgi_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not started.is_set():
            with first:
                if not started.is_set():
                    try:
                        return serve(environ, start_response)
                    finally:
                        started.set()
        return serve(environ, start_response)

    server.wsgi_app = wsgi_app  # type: ignore[method-assign]


def _watched(server: Flask, watch: ModelWatch) -> None:
    """Each request: a look for new exports (a clock read mostly), then served under the shared gate."""
    serve = server.wsgi_app

    def wsgi_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        watch.poll()
        with GATE.shared():
            return serve(environ, start_response)

    server.wsgi_app = wsgi_app  # type: ignore[method-assign]


def create_app(artifacts_dir: Path | str | None = None, settings: Settings | None = None) -> dash.Dash:
    """The Dash app of `settings` (default: read from the environment, `load_settings()`) serving
    `artifacts_dir` (default: the settings' artifacts folder).

    The settings and services are registered on the Flask server: the database, the audit log, the pages
    and the API read them from the app serving the request. Raises ArtifactsError, one line naming what is
    missing and the command that builds it.
    """
    settings = settings or load_settings()
    if artifacts_dir is not None:
        settings = dataclasses.replace(settings, artifacts_dir=Path(artifacts_dir))
    services = build_services(settings)
    server = Flask(__name__)
    server.extensions[SETTINGS_EXTENSION] = settings
    server.extensions[EXTENSION] = services
    server.extensions[WATCH_EXTENSION] = ModelWatch(
        settings,
        current=lambda: server.extensions[EXTENSION],
        install=lambda new: server.extensions.__setitem__(EXTENSION, new),
    )
    # pages may read the services when Dash imports them, and access control opens the database: both
    # happen within this app's context
    with server.app_context():
        return _build(server, settings)


def _build(server: Flask, settings: Settings) -> dash.Dash:
    app = dash.Dash(
        __name__,
        server=server,  # type: ignore[arg-type]  # a Flask instance, as Dash documents; its annotation omits it
        use_pages=True,
        pages_folder=str(PAGES_DIR),
        assets_folder=str(ASSETS_DIR),
        suppress_callback_exceptions=True,
        external_stylesheets=[],
        serve_locally=True,
        title=t("app.title", settings.lang),
        update_title=None,  # type: ignore[arg-type]  # None (documented): the tab's title never changes
    )
    app.layout = _shell
    server.json = FiniteJSONProvider(server)  # no NaN/Infinity in an answer; UTF-8; keys in their order
    server.register_blueprint(api)
    server.register_blueprint(drift_report)
    server.register_blueprint(audit_export)
    server.register_blueprint(client_summary)
    init_cache(server, settings)
    init_auth(app, settings)
    init_security(app, hsts=settings.secure_cookies)
    _first_request_alone(server)
    _watched(server, server.extensions[WATCH_EXTENSION])
    return app
