"""Sign in, sign out, and entering and leaving meeting mode: plain HTML forms posted to the server.

Each form carries a CSRF token (`app.auth.csrf`). Failed sign-in passwords count against the user and the
address; past the limit, even the right password waits. Failed meeting-exit passwords count against the
advisor only, as a growing delay shown on the client's screen, after which the right password always works
(`app.auth.throttle`).
"""

from __future__ import annotations

import logging
import math
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Blueprint, redirect, request, session
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from app.audit import record_event as audit
from app.auth import csrf, store, throttle
from app.auth.guard import (
    CLIENT_ID,
    LOGIN_PATH,
    LOGOUT_PATH,
    MEETING_LEAVE,
    MEETING_START,
    SESSION_COOKIE_KEY,
    current_session,
    meeting_path,
    session_key,
)
from app.auth.login_page import login_page
from app.config import Settings
from app.i18n import language, t
from app.identity import set_identity
from app.security import message_page
from app.services import get_services
from app.users import MAX_PASSWORD, authenticate

log = logging.getLogger(__name__)
auth_views = Blueprint("auth", __name__)
SAFE_PATH = re.compile(r"/[A-Za-z0-9/_.\-]*")
KEPT_QUERY = ("lang", "other")  # the only query parameters a page link carries


def _settings() -> Settings:
    return get_services().settings


def _form_lang() -> str:
    return language(request.form.get("lang") or request.args.get("lang") or _settings().lang)


def safe_next(value: object) -> str:
    """Where to go after signing in: a path of this site (never another site), else the portfolio."""
    if not isinstance(value, str) or len(value) > 300 or "\\" in value:
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not SAFE_PATH.fullmatch(parts.path) or parts.path.startswith("//"):
        return "/"
    if parts.path == LOGIN_PATH:
        return "/"
    query = [
        (k, v) for k, v in parse_qsl(parts.query) if k in KEPT_QUERY and re.fullmatch(r"[A-Za-z0-9]{1,12}", v)
    ]
    return parts.path + (f"?{urlencode(query)}" if query else "")


# --- sign in and out ----------------------------------------------------------------------------------------


@auth_views.get(LOGIN_PATH)
def show_login() -> Response:
    lang = _form_lang()
    target = safe_next(request.args.get("next"))
    if current_session() is not None:
        return redirect(target, 303)
    notice = "signed_out" if request.args.get("bye") == "1" else None
    return login_page(lang, target, notice=notice)


@auth_views.post(LOGIN_PATH)
def sign_in() -> Response:
    lang = _form_lang()
    target = safe_next(request.form.get("next"))
    name = (request.form.get("username") or "").strip()[:64]
    password = request.form.get("password") or ""
    if not csrf.valid_form_token(request.form.get(csrf.FIELD)):
        audit("login_failed", user=name, status=400, detail="reason=csrf")
        return login_page(lang, target, error="csrf", status=400, username=name)
    if not name or not password:
        return login_page(lang, target, error="missing", status=400, username=name)
    try:
        return _check_and_open_session(lang, target, name, password)
    except SQLAlchemyError as error:  # the app database refuses (down, full, read-only): say so, no trace
        log.error("sign-in impossible, the app database refuses: %s", str(error).splitlines()[0])
        return login_page(lang, target, error="unavailable", status=503, username=name)


def _check_and_open_session(lang: str, target: str, name: str, password: str) -> Response:
    """The rate limit, then the password, then a new session; each refusal counted and audited."""
    settings = _settings()
    keys = throttle.keys_for(name, request.remote_addr)
    wait = throttle.minutes_locked(keys, settings)
    if wait:
        audit("login_failed", user=name, status=429, detail="reason=too_many_attempts")
        return login_page(lang, target, error="locked", status=429, username=name, minutes=wait)
    identity = authenticate(name, password[: MAX_PASSWORD + 1])
    if identity is None:
        throttle.record_failure(keys, settings)
        audit("login_failed", user=name, status=401, detail="reason=bad_credentials")
        return login_page(lang, target, error="invalid", status=401, username=name)
    throttle.forgive(identity.name)
    store.forget_idle_sessions(settings.session_minutes * 60)
    key = store.open_session(identity.name)
    session.clear()  # nothing of the signed-out visit carries over (session fixation)
    session[SESSION_COOKIE_KEY] = key
    session.permanent = True
    csrf.renew_seed()
    set_identity(identity)
    audit("login")
    return redirect(target, 303)


@auth_views.post(LOGOUT_PATH)
def sign_out() -> Response:
    lang = _form_lang()
    if not csrf.valid_form_token(request.form.get(csrf.FIELD)):
        return _expired_form(lang)
    key = session_key()
    if key:
        audit("logout")
        store.end_session(key)
    session.clear()
    set_identity(None)
    return redirect(f"{LOGIN_PATH}?" + urlencode({"bye": 1} | ({"lang": lang} if lang != "fr" else {})), 303)


# --- meeting mode -------------------------------------------------------------------------------------------


def _expired_form(lang: str) -> Response:
    return message_page(
        t("auth.csrf_title", lang), t("auth.csrf", lang), lang, 400, link=("/", t("errorpage.home", lang))
    )


@auth_views.post(MEETING_START)
def start_meeting() -> Response:
    """Show this client their own view: from now on the session serves nothing else (app.auth.guard)."""
    lang = _form_lang()
    if not csrf.valid_form_token(request.form.get(csrf.FIELD)):
        return _expired_form(lang)
    text = (request.form.get("client_id") or "").strip()
    client_id = int(text) if CLIENT_ID.fullmatch(text) else None
    if client_id is None or get_services().clients.get_client(client_id) is None:
        message = t("meeting.bad_client", lang, client_id=text[:20] or "—")
        return message_page(
            t("meeting.title_generic", lang), message, lang, 400, link=("/", t("errorpage.home", lang))
        )
    store.set_meeting(session_key() or "", client_id)  # the gate let only a signed-in session post here
    audit("meeting_enter", client_id=client_id)
    return redirect(meeting_path(client_id, lang), 303)


@auth_views.post(MEETING_LEAVE)
def leave_meeting() -> Response:
    """The manager's password ends meeting mode; anything else goes back to the client's view, saying why.

    Never a lock: a wrong password only delays the next attempt (per advisor, shown on screen), and once the
    delay has passed the right password is always checked.
    """
    lang = _form_lang()
    state, key = current_session(), session_key()
    if state is None or key is None or state.meeting_client_id is None:
        return redirect("/", 303)
    client_id, name = state.meeting_client_id, state.identity.name

    def back(error: str) -> Response:
        page = meeting_path(client_id, lang)
        return redirect(f"{page}{'&' if '?' in page else '?'}error={error}", 303)

    if not csrf.valid_form_token(request.form.get(csrf.FIELD)):
        return back("csrf")
    wait = throttle.meeting_exit_wait(name)
    if wait > 0:  # refused unchecked: guessing during the delay neither works nor lengthens it
        audit(
            "meeting_exit_refused",
            client_id=client_id,
            status=429,
            detail=f"reason=too_soon; wait={math.ceil(wait)}s",
        )
        return back("wait")
    if authenticate(name, (request.form.get("password") or "")[: MAX_PASSWORD + 1]) is None:
        failures = throttle.record_meeting_failure(name)
        delay = throttle.meeting_exit_delay(failures)
        audit(
            "meeting_exit_refused",
            client_id=client_id,
            status=401,
            detail=f"reason=bad_password; failures={failures}; next_attempt_in={delay}s",
        )
        return back("wrong")
    store.set_meeting(key, None)
    throttle.forgive_meeting(name)
    audit("meeting_leave", client_id=client_id)
    return redirect(f"/client/{client_id}" + (f"?lang={lang}" if lang != "fr" else ""), 303)
