"""CSRF tokens for the app's own HTML forms (sign in, sign out, meeting mode): a random seed kept in the
signed session cookie, and the same seed signed with a time stamp in a hidden field of each form.

A page on another site can make the browser post a form here, but it can neither read the cookie nor sign a
seed, so it cannot send a matching field. The seed is renewed at each sign-in.
"""

from __future__ import annotations

import hmac
import secrets

from flask import current_app, session
from itsdangerous import BadData, URLSafeTimedSerializer

FIELD = "csrf_token"
SESSION_KEY = "csrf"
MAX_AGE_SECONDS = 12 * 3600  # a sign-in page left open over a working day still works


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="pret-a-depenser.form")  # type: ignore[arg-type]


def form_token() -> str:
    """The token to put in a form's hidden field (creates the seed on first use)."""
    if SESSION_KEY not in session:
        session[SESSION_KEY] = secrets.token_urlsafe(24)
    return _serializer().dumps(session[SESSION_KEY])


def valid_form_token(token: object) -> bool:
    """Whether a posted token was issued to this browser in the last MAX_AGE_SECONDS."""
    seed = session.get(SESSION_KEY)
    if not isinstance(token, str) or not seed or len(token) > 400:
        return False
    try:
        signed = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except BadData:
        return False
    return isinstance(signed, str) and hmac.compare_digest(signed, seed)


def renew_seed() -> None:
    """A fresh seed at sign-in, so that a token captured before cannot be replayed in the new session."""
    session[SESSION_KEY] = secrets.token_urlsafe(24)
