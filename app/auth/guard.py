"""The one gate every request passes: who is calling (bearer token or session cookie), then whether they may.

- `/api/v1/*`: a bearer token, except `/api/v1/health` (and CORS preflights); 401 JSON otherwise. Each API
  route checks the caller's role itself (`app.api.route(..., roles=...)`), answering 403.
- Everything else needs a web session, except the sign-in page and the two style sheets it uses. A page
  asked for without one redirects to the sign-in page; any other request (Dash's layout, dependencies,
  callbacks, component files, assets) answers 401.
- Admin pages (`register_page(..., admin=True)`) and every callback or route belonging to them answer 403 to
  an advisor; the router callback that renders a page is judged by the page it renders.
- In meeting mode, only the meeting view of that one client, its callbacks, its printable summary
  (`app.summary`) and the leave form are served.
- A callback let through is told to the audit log as what the person did: its page and purpose.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import dash
from flask import g, jsonify, redirect, request, session
from werkzeug.wrappers import Response  # flask's redirect() gives this base class; flask's own derive from it

from app.audit import CallbackPlace, page_rendered, set_callback_place
from app.auth import access, store
from app.config import Settings
from app.i18n import t
from app.identity import Identity, set_identity
from app.security import message_page, request_language
from app.summary import summary_client

API_PREFIX = "/api/v1"
PUBLIC_API = ("/api/v1/health",)
LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
MEETING_START = "/meeting/start"
MEETING_LEAVE = "/meeting/leave"
SESSION_COOKIE_KEY = "sid"
#: What the sign-in page needs before anyone is signed in: itself and its two style sheets.
PUBLIC_WEB = (LOGIN_PATH, "/assets/bootstrap.min.css", "/assets/pret-a-depenser.css", "/_favicon.ico")
CALLBACK_PATH = "/_dash-update-component"
#: Dash's own routes and files: never a page, never a place a person is redirected to.
INTERNAL = ("/_dash-", "/assets/", "/_favicon.ico", "/_reload-hash")
#: Served to a session in meeting mode besides the meeting view: the files any Dash page needs.
MEETING_FILES = (
    "/_dash-layout",
    "/_dash-dependencies",
    "/_dash-component-suites/",
    "/assets/",
    "/_favicon.ico",
)
CLIENT_ID = re.compile(r"[0-9]{1,12}")


# --- who is calling -----------------------------------------------------------------------------------------


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def web_session(settings: Settings) -> store.SignedIn | None:
    """The open session of the cookie's key, or None (an expired or unknown key leaves the cookie)."""
    key = session.get(SESSION_COOKIE_KEY)
    if not isinstance(key, str):
        return None
    state = store.signed_in(key, settings.session_minutes * 60)
    if state is None:
        session.pop(SESSION_COOKIE_KEY, None)
    return state


def current_session() -> store.SignedIn | None:
    """The web session resolved for this request (None for the API and signed-out visitors)."""
    return g.get("web_session")


def session_key() -> str | None:
    key = session.get(SESSION_COOKIE_KEY)
    return key if isinstance(key, str) else None


# --- answers ------------------------------------------------------------------------------------------------


def _json(status: int, code: str, message: str) -> Response:
    response = jsonify({"error": code, "status": status, "message": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = (
            'Bearer realm="api"' if request.path.startswith(API_PREFIX) else "Session"
        )
    return response


def _refuse(status: int, lang: str) -> Response:
    """401 or 403, as JSON for programs and Dash's requests, as a page for a person."""
    key = "auth.signed_out" if status == 401 else "auth.forbidden"
    if request.path.startswith(("/_dash-", API_PREFIX)) or request.method == "POST":
        return _json(status, "unauthorized" if status == 401 else "forbidden", t(key, lang))
    title = t("auth.signed_out_title" if status == 401 else "auth.forbidden_title", lang)
    return message_page(title, t(key, lang), lang, status, link=("/", t("errorpage.home", lang)))


def login_redirect(lang: str) -> Response:
    wanted = request.full_path.rstrip("?") if request.query_string else request.path
    query = {"next": wanted} | ({"lang": lang} if request.args.get("lang") else {})
    return redirect(f"{LOGIN_PATH}?{urlencode(query)}", 302)


def meeting_path(client_id: int, lang: str) -> str:
    return f"/meeting/{client_id}" + (f"?lang={lang}" if lang != "fr" else "")


# --- the rules ----------------------------------------------------------------------------------------------


def _is_page_request() -> bool:
    return request.method in ("GET", "HEAD") and not request.path.startswith((*INTERNAL, API_PREFIX))


def _callback_body() -> Mapping[str, Any] | None:
    try:
        body = json.loads(request.get_data(cache=True) or b"null")
    except ValueError:
        return None
    return body if isinstance(body, Mapping) else None


def _route_owner(path: str) -> access.PageRule | None:
    """The page that declares this non-page route as its own (`register_page(..., routes=[...])`)."""
    for module, page in dash.page_registry.items():
        if path in (page.get("routes") or ()):
            return next(rule for rule in access.page_rules() if rule.module == module)
    return None


def _meeting_client(rule: access.PageRule | None, path: str) -> int | None:
    """The client id in a meeting page's path, if the path is one."""
    if rule is None or not rule.meeting:
        return None
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return int(last) if CLIENT_ID.fullmatch(last) else None


def _check_api(lang: str) -> Response | None:
    if request.path.rstrip("/") in PUBLIC_API or request.method == "OPTIONS":
        return None
    token = bearer_token()
    if token is None:
        return _json(401, "unauthorized", t("auth.api_no_token", lang))
    from app.users import identity_for_token

    identity = identity_for_token(token)
    if identity is None:
        return _json(401, "unauthorized", t("auth.api_bad_token", lang))
    set_identity(identity)
    return None


def _check_meeting(state: store.SignedIn, owners: access.CallbackOwners, lang: str) -> Response | None:
    """A session showing one client: that client's view, its files and the leave form; nothing else."""
    client = state.meeting_client_id
    if client is None:  # not in a meeting (the caller checks): nothing to hold back
        return None
    path = request.path
    if path == MEETING_LEAVE or (path.startswith(MEETING_FILES) and request.method in ("GET", "HEAD")):
        return None
    if request.method in ("GET", "HEAD") and summary_client(path) == client:  # the client's own summary
        return None
    if path == CALLBACK_PATH:
        body = _callback_body()
        if body is None:
            return _json(400, "bad_request", t("auth.bad_callback", lang))
        if access.is_router_call(body):
            target = access.router_path(body) or ""
            allowed = _meeting_client(access.page_for_path(target), target) == client
        else:
            pages = owners.pages(body)
            allowed = bool(pages) and all(rule.meeting for rule in pages)
        return None if allowed else _json(403, "meeting_mode", t("auth.meeting_only", lang))
    if _is_page_request():
        if _meeting_client(access.page_for_path(path), path) == client:
            return None
        return redirect(meeting_path(client, lang), 303)
    return _json(403, "meeting_mode", t("auth.meeting_only", lang))


def _check_role(identity: Identity, owners: access.CallbackOwners, lang: str) -> Response | None:
    """Admin pages, their callbacks and their routes, for admins only."""
    path = request.path
    if path == CALLBACK_PATH:
        body = _callback_body()
        if body is None:
            return _json(400, "bad_request", t("auth.bad_callback", lang))
        if access.is_router_call(body):
            rule = access.page_for_path(access.router_path(body) or "")
            return None if rule is None or rule.allows(identity) else _refuse(403, lang)
        return None if all(rule.allows(identity) for rule in owners.pages(body)) else _refuse(403, lang)
    rule = _route_owner(path) or (access.page_for_path(path) if _is_page_request() else None)
    if rule is not None and not rule.allows(identity):
        return _refuse(403, lang)
    return None


def check_request(settings: Settings, owners: access.CallbackOwners) -> Response | None:
    """Resolve who is calling, then None to let the request through or the refusal to send instead."""
    set_identity(None)
    set_callback_place(None)
    g.web_session = None
    lang = request_language(settings.lang)
    if request.path.startswith(API_PREFIX):
        return _check_api(lang)
    state = web_session(settings)
    g.web_session = state
    if state is None:
        if request.path in PUBLIC_WEB:
            return None
        return login_redirect(lang) if _is_page_request() else _refuse(401, lang)
    set_identity(state.identity)
    if state.meeting_client_id is not None:
        refusal = _check_meeting(state, owners, lang)
    else:
        refusal = _check_role(state.identity, owners, lang)
    if refusal is None and request.path == CALLBACK_PATH:
        _tell_the_audit_log(state, owners)
    return refusal


def _tell_the_audit_log(state: store.SignedIn, owners: access.CallbackOwners) -> None:
    """The page and purpose of a callback, for its audit events; a page rendered ends the previous view."""
    body = _callback_body() or {}
    if access.is_router_call(body):
        page = (access.router_path(body) or "/").rstrip("/") or "/"
        page_rendered(state.key_hash, page)
        set_callback_place(CallbackPlace(page, "page", state.key_hash, renders_page=True))
        return
    paths = sorted(rule.path for rule in owners.pages(body))
    set_callback_place(CallbackPlace(" + ".join(paths) or "?", owners.purpose(body), state.key_hash))
