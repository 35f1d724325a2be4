"""Access control of the web app and the API: sign-in, sessions, roles, API tokens, meeting mode.

`init_auth(app, settings)` wires it onto the Dash app's Flask server: the session cookie's settings and
signing key, the gate every request passes (`guard`), and the sign-in/out and meeting-mode forms (`views`).
Who is calling is then read everywhere with `app.identity.current_identity()`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import dash

from app.auth.access import CallbackOwners
from app.config import Settings

log = logging.getLogger(__name__)


def signing_key(settings: Settings) -> str:
    """SECRET_KEY, else a key generated once and kept in the app database (said in the log)."""
    if settings.secret_key:
        return settings.secret_key
    from app.auth.store import stored_secret_key

    log.warning(
        "SECRET_KEY is not set: session cookies are signed with a key generated and kept in the app "
        "database%s; set SECRET_KEY in production",
        " (demo mode)" if settings.demo_accounts else "",
    )
    return stored_secret_key()


def init_auth(app: dash.Dash, settings: Settings) -> None:
    from app.auth.guard import check_request
    from app.auth.views import auth_views

    server = app.server
    server.secret_key = signing_key(settings)
    server.config.update(
        SESSION_COOKIE_NAME="pad_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_minutes),
        MAX_FORM_MEMORY_SIZE=64 * 1024,
    )
    owners = CallbackOwners(app)
    server.before_request(lambda: check_request(settings, owners))
    server.register_blueprint(auth_views)
