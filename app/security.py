"""Security headers on every response, and error pages that never show a stack trace.

The Content-Security-Policy is the smallest one under which every page runs without a console error in
Chromium (each directive below was removed in turn and put back when something broke): only our own files
plus the few inline scripts Dash writes in its index page, allowed by their SHA-256 (computed by Dash itself);
no 'unsafe-eval'. Styles need 'unsafe-inline' (the Dash renderer and dcc set inline styles) and images
`data:` (Plotly's and Bootstrap's inline images). Nothing is loaded from another site, nothing is posted
elsewhere, and no site may frame the app. The evidently drift report is the one exception: its inline scripts
are its own, so it gets a policy of its own ('unsafe-inline' scripts, still no eval), may be framed by the
app only, and runs sandboxed (a unique origin), so that whatever it runs never reaches the app's cookies.

An unexpected error is logged with a short id; the person sees a page (or JSON) with that id and nothing else.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from html import escape

import dash
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, RequestTimeout

from app.i18n import language, t

log = logging.getLogger(__name__)

FRAMED_BY_APP = ("/reports/drift.html",)
#: Responses a browser may keep: our static files; everything else may carry a client's data.
CACHEABLE = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
JSON_PREFIXES = ("/api/", "/_dash-")

_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}
_REPORT_POLICY = {
    **_POLICY,
    "script-src": "'self' 'unsafe-inline'",
    "frame-ancestors": "'self'",
    "sandbox": "allow-scripts allow-popups allow-downloads",
}


def content_security_policy(script_hashes: Sequence[str] = (), *, framed_report: bool = False) -> str:
    """The policy of a response: the app's (with Dash's inline-script hashes) or the drift report's."""
    policy = dict(_REPORT_POLICY if framed_report else _POLICY)
    if script_hashes and not framed_report:
        policy["script-src"] = " ".join(["'self'", *script_hashes])
    return "; ".join(f"{name} {value}" for name, value in policy.items())


def _script_hashes(app: dash.Dash) -> list[str]:
    """Hashes of the inline scripts of Dash's index page; only the page's HTML needs them."""
    return list(app.csp_hashes())


def add_security_headers(response: Response, app: dash.Dash, *, hsts: bool) -> Response:
    framed = request.path in FRAMED_BY_APP
    html = response.mimetype == "text/html"
    hashes = _script_hashes(app) if html and not framed else ()
    response.headers["Content-Security-Policy"] = content_security_policy(hashes, framed_report=framed)
    response.headers["X-Frame-Options"] = "SAMEORIGIN" if framed else "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if not request.path.startswith(CACHEABLE):
        response.headers["Cache-Control"] = "no-store"
    if hsts:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


# --- pages without Dash: errors (and the sign-in page, app.auth) -------------------------------------------


def request_language(default: str = "fr") -> str:
    """?lang=, else the deployment's language: as on every page, the language is in the URL."""
    return language(request.args.get("lang") or default)


def html_page(title: str, body: str, lang: str, status: int = 200) -> Response:
    """A complete page in the app's look, with no script at all; `body` is HTML the caller escaped."""
    page = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} – {escape(t('nav.brand', lang))}</title>"
        '<link rel="stylesheet" href="/assets/bootstrap.min.css">'
        '<link rel="stylesheet" href="/assets/pret-a-depenser.css"></head>'
        f'<body><main class="container py-5 plain-page" id="main-content" style="max-width: 36rem">'
        f"{body}</main></body></html>"
    )
    return Response(page, status=status, mimetype="text/html")


def message_page(
    title: str, message: str, lang: str, status: int, *, link: tuple[str, str] | None = None
) -> Response:
    """A title, one paragraph and an optional link (href, text)."""
    body = f'<h1 class="h3">{escape(title)}</h1><p class="lead" id="error-message">{escape(message)}</p>'
    if link:
        body += f'<p><a href="{escape(link[0])}">{escape(link[1])}</a></p>'
    return html_page(title, body, lang, status)


def error_id() -> str:
    """A short reference a person can read out to support, found in the log next to the stack trace."""
    return uuid.uuid4().hex[:12]


def _wants_json() -> bool:
    return request.path.startswith(JSON_PREFIXES) or request.is_json


def with_error_headers(response: Response, error: HTTPException) -> Response:
    """The error's own headers on our answer (Allow on a 405, Retry-After on a 503...): werkzeug puts them on
    its HTML page, which we replace; the body's type stays ours."""
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def http_error(error: HTTPException) -> Response:
    status = error.code or 500
    lang = request_language()
    if _wants_json():
        code = (error.name or "error").lower().replace(" ", "_")
        response = jsonify({"error": code, "status": status, "message": error.description or ""})
        response.status_code = status
        return with_error_headers(response, error)
    key = f"errorpage.http_{status}" if status in (400, 404, 405) else "errorpage.http_other"
    home = ("/", t("errorpage.home", lang))
    page = message_page(t("errorpage.http_title", lang, status=status), t(key, lang), lang, status, link=home)
    return with_error_headers(page, error)


def body_timed_out() -> Response:
    """408 when the request's body stopped coming (reads time out: app/gunicorn_worker.py); gunicorn then
    closes the connection, its body being incomplete."""
    return http_error(RequestTimeout())


def unexpected_error(error: Exception) -> Response | tuple[Response, int]:
    """Any exception nobody handled: logged with its stack trace and an id; the person gets the id only."""
    if isinstance(error, HTTPException):
        return http_error(error)
    if isinstance(error, TimeoutError):
        log.warning("%s %s: the request body stopped coming (%s)", request.method, request.path, error)
        return body_timed_out()
    reference = error_id()
    log.exception("unexpected error %s on %s %s", reference, request.method, request.path)
    lang = request_language()
    message = t("errorpage.unexpected", lang, reference=reference)
    if _wants_json():
        body = {"error": "internal_error", "status": 500, "message": message, "error_id": reference}
        return jsonify(body), 500
    title = t("errorpage.unexpected_title", lang)
    return message_page(title, message, lang, 500, link=("/", t("errorpage.home", lang)))


def init_security(app: dash.Dash, *, hsts: bool = False) -> None:
    """Headers on every response of the app's server, and its error pages."""
    server: Flask = app.server
    server.after_request(lambda response: add_security_headers(response, app, hsts=hsts))
    server.register_error_handler(HTTPException, http_error)
    server.register_error_handler(Exception, unexpected_error)
