"""The JSON API, `/api/v1`: health, the model, a stored client's score and explanation, a new application
scored without being stored; credit files stored and scored, read back and decided on are in
`app.api_applications`, on the same blueprint.

Every answer is JSON, errors included: 400 with a message per field or query parameter, 404 for an unknown
client or path, 405 with the allowed methods (any method, TRACE and QUERY included), 415 for a body that is
not JSON. Each route accepts the usual methods and answers 405 itself, so that no request under /api/v1 can
fall through to the dashboard's pages. The query parameters a route reads are checked against the OpenAPI
document's declaration of them (`app.openapi.QUERY_PARAMETERS`): what it declares is what is accepted.

Every route but /health needs `Authorization: Bearer <token>` (401 otherwise, checked by `app.auth.guard`
before the route runs); a route open to some roles only says so with `route(..., roles=...)` and answers 403
to the others. A 500 carries an `error_id` that is also in the log, next to the stack trace.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from app.audit import record_event
from app.i18n import LANGUAGES, language, t
from app.identity import ROLES, current_identity
from app.openapi import QUERY_PARAMETERS, openapi_document
from app.reasons import principal_reasons
from app.recourse import offered_recourse
from app.scoring import UnknownClient
from app.security import body_timed_out, error_id, with_error_headers
from app.security import http_error as page_http_error
from app.services import get_services
from app.validation import REASONS_PER_SIDE, TOP_CONTRIBUTIONS, FieldErrors, check_whole_number, field_bounds
from model_training.credit_file import REQUIRED_APPLICATION_FIELDS
from model_training.schema import CLIENT_ID

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
api = Blueprint("api", __name__, url_prefix=PREFIX)
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
#: (rule, methods) of every route, for the OpenAPI document and its sync test.
ROUTES: list[tuple[str, tuple[str, ...]]] = []
#: The roles each route is open to, when not every role (for the OpenAPI document and its test).
RESTRICTED: dict[str, tuple[str, ...]] = {}
#: The methods each view answers (its Allow header), by endpoint.
ALLOWED: dict[str, str] = {}
DEFAULT_REASONS = 3
#: The range of each whole-number query parameter (the OpenAPI document declares the same).
_WHOLE_PARAMETERS = {"reasons": REASONS_PER_SIDE, "top": TOP_CONTRIBUTIONS}


def answer_language() -> str:
    """?lang=en, else the browser's Accept-Language, else the deployment's language."""
    asked = request.args.get("lang")
    if asked:
        return language(asked)
    best = request.accept_languages.best_match(LANGUAGES)
    return best or get_services().settings.lang


def json_error(status: int, code: str, message: str, **extra: object) -> tuple[Response, int]:
    return jsonify({"error": code, "status": status, "message": message, **extra}), status


def openapi_path(flask_rule: str) -> str:
    """A Flask rule as the OpenAPI document writes it: /clients/<client_id> is /clients/{client_id}."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", flask_rule)


def _query_errors(declared: tuple[dict[str, Any], ...]) -> dict[str, str]:
    """A message per query parameter the route does not declare, or declares but not with this value."""
    lang = answer_language()
    known = {parameter["name"] for parameter in declared}
    errors = {name: t("error.unknown_parameter", lang) for name in request.args if name not in known}
    for parameter in declared:
        name = parameter["name"]
        if name not in request.args:
            continue
        text = request.args.get(name, "")
        if name in _WHOLE_PARAMETERS:
            message = check_whole_number(text, _WHOLE_PARAMETERS[name], lang)[1]
        else:
            accepted = parameter["schema"]["enum"]
            message = (
                None
                if text in accepted
                else t("error.unknown_level", lang, value=repr(text), levels=", ".join(accepted))
            )
        if message:
            errors[name] = message
    return errors


def route(
    rule: str, methods: tuple[str, ...], roles: tuple[str, ...] = ROLES
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a view under every method, answering 405 (JSON, with Allow) for those it does not serve,
    and 403 to a token whose role is not in `roles`."""

    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        allowed = (*methods, "HEAD") if "GET" in methods else methods
        declared = QUERY_PARAMETERS.get(openapi_path(PREFIX + rule), ())

        @wraps(view)
        def guarded(**kwargs: Any) -> Any:
            if request.method == "OPTIONS":
                return Response(status=204, headers={"Allow": ", ".join((*allowed, "OPTIONS"))})
            if request.method not in allowed:
                response, status = json_error(
                    405,
                    "method_not_allowed",
                    t("api.method_not_allowed", answer_language(), method=request.method),
                )
                response.headers["Allow"] = ", ".join(allowed)
                return response, status
            identity = current_identity()
            if identity is not None and identity.role not in roles:
                return json_error(
                    403, "forbidden", t("api.forbidden", answer_language(), roles=", ".join(roles))
                )
            errors = _query_errors(declared)
            if errors:
                return json_error(
                    400, "invalid_parameters", t("api.invalid_parameters", answer_language()), fields=errors
                )
            return view(**kwargs)

        api.add_url_rule(rule, view.__name__, guarded, methods=ALL_METHODS, strict_slashes=False)
        ALLOWED[f"{api.name}.{view.__name__}"] = ", ".join((*allowed, "OPTIONS"))
        ROUTES.append((PREFIX + rule, methods))
        if set(roles) != set(ROLES):
            RESTRICTED[PREFIX + rule] = roles
        return view

    return register


def _client_id(text: str) -> int:
    """A client id from the URL; anything but a whole number is an unknown client (404), and so is a number
    that SK_ID_CURR (an int32) cannot hold."""
    if not (text.isascii() and text.isdigit()) or len(text) > 12:  # "¹".isdigit() is True, int("¹") fails
        raise UnknownClient(text)
    number = int(text)
    id_range = field_bounds(CLIENT_ID)
    if id_range is not None and id_range.high is not None and number > id_range.high:
        raise UnknownClient(number)
    return number


def _reasons_count() -> int:
    """?reasons=N, already checked by the route (`_query_errors`)."""
    return int(request.args.get("reasons", DEFAULT_REASONS))


@route("/health", ("GET",))
def health() -> Response:
    """Alive, and which model serves how many clients (production: the stored applicants)."""
    services = get_services()
    return jsonify(
        {
            "status": "ok",
            "model_version": services.artifacts.model.version,
            "production_clients": services.clients.production.height,
            "reference_clients": services.artifacts.reference.height,
        }
    )


@route("/model", ("GET",), roles=("admin",))
def model() -> Response:
    """The live model: name, version, run id, threshold, cost weights, cross-validated metrics (admins: the
    same as the model page)."""
    services = get_services()
    return jsonify(
        {**services.artifacts.model.as_dict(), "mlflow_tracking_uri": services.settings.mlflow_tracking_uri}
    )


@route("/clients/<client_id>/score", ("GET",))
def client_score(client_id: str) -> Response:
    """Probability of default, decision, threshold and principal reasons of a stored client."""
    lang = answer_language()
    explanation = get_services().scoring.explain_client(_client_id(client_id))
    reasons = principal_reasons(explanation, lang, _reasons_count())
    answer = explanation.score.as_dict(lang)
    return jsonify({**answer, "reasons": reasons.as_dict(), "recourse": _recourse(client_id), "lang": lang})


def _recourse(client_id: str) -> dict[str, object] | None:
    """What would change the decision (app.recourse); null for a reference client: a past decision."""
    recourse = offered_recourse(get_services().scoring, _client_id(client_id))
    return None if recourse is None else recourse.as_dict()


@route("/clients/<client_id>/explanation", ("GET",))
def client_explanation(client_id: str) -> Response:
    """Exact contributions of every feature (or the ?top=N strongest) on the calibrated log-odds scale."""
    lang = answer_language()
    explanation = get_services().scoring.explain_client(_client_id(client_id))
    top = request.args.get("top", type=int)  # checked by the route: a whole number from 1
    reasons = principal_reasons(explanation, lang, _reasons_count())
    answer = explanation.as_dict(lang, top)
    return jsonify({**answer, "reasons": reasons.as_dict(), "recourse": _recourse(client_id), "lang": lang})


class BodyRefused(Exception):
    """A request body refused before it is read as data: not JSON (415), unreadable (400), too large (413)."""

    def __init__(self, answer: tuple[Response, int]):
        self.answer = answer


def json_body(lang: str, max_bytes: int | None = None) -> object:
    """The request's JSON document; BodyRefused (its JSON answer ready) when it is not JSON, cannot be
    parsed, or is longer than `max_bytes`."""
    if not request.is_json:
        raise BodyRefused(json_error(415, "unsupported_media_type", t("api.unsupported_media_type", lang)))
    if max_bytes is not None:
        request.max_content_length = max_bytes
    try:
        return json.loads(request.get_data(as_text=True) or "null")
    except RequestEntityTooLarge:
        limit = f"{(max_bytes or 0) // 2**20} MiB"
        raise BodyRefused(
            json_error(413, "body_too_large", t("api.body_too_large", lang, limit=limit))
        ) from None
    except (ValueError, RecursionError) as error:  # RecursionError: nested deeper than the parser goes
        raise BodyRefused(json_error(400, "bad_json", t("api.bad_json", lang, detail=str(error)))) from None


def incomplete_application(missing: list[str], lang: str, prefix: str = "") -> tuple[Response, int]:
    """400 "incomplete application" naming each required field the application lacks."""
    message = t("api.incomplete_application", lang, fields=", ".join(missing))
    fields = {f"{prefix}{name}": t("error.required", lang) for name in missing}
    return json_error(400, "incomplete_application", message, fields=fields)


@route("/score", ("POST",))
def score_application() -> tuple[Response, int] | Response:
    """Score a new application: a JSON object of Kaggle application fields; absent fields are missing,
    but the fields a lender always has (`REQUIRED_APPLICATION_FIELDS`) must be there: no decision is made
    on an empty file."""
    lang = answer_language()
    fields = json_body(lang)
    if isinstance(fields, dict):
        missing = [name for name in REQUIRED_APPLICATION_FIELDS if fields.get(name) is None]
        if missing:
            return incomplete_application(missing, lang)
    explanation = get_services().scoring.score_application(fields, lang)
    reasons = principal_reasons(explanation, lang, _reasons_count())
    return jsonify({**explanation.score.as_dict(lang), "reasons": reasons.as_dict(), "lang": lang})


@route("/openapi.json", ("GET",))
def openapi() -> Response:
    """This API described in OpenAPI 3."""
    services = get_services()
    ids = services.artifacts.production_features.ids
    example = int(ids[0]) if len(ids) else None
    return jsonify(openapi_document(services.artifacts.model.version, example))


@route("/", ("GET",))
def index() -> Response:
    """Where to start: the OpenAPI document and the routes."""
    return jsonify({"openapi": f"{PREFIX}/openapi.json", "routes": [rule for rule, _ in ROUTES]})


@api.route("/<path:unknown>", methods=ALL_METHODS)
def not_found(unknown: str) -> tuple[Response, int]:
    """Any other path under /api/v1: JSON 404, never the dashboard's HTML."""
    return json_error(404, "not_found", t("api.not_found", answer_language(), path=request.path))


@api.after_request
def audit_call(response: Response) -> Response:
    """One audit event per call: who, the route, the status, the client and score when the answer has them.

    Recording only queues the event (app.audit); a failure to record is logged and never fails the call.
    """
    try:
        payload = response.get_json(silent=True) if response.is_json and not response.is_streamed else None
        answer = payload if isinstance(payload, dict) else {}
        probability = answer.get("probability")
        decision = answer.get("decision")
        record_event(
            "api_call",
            client_id=_audited_client(answer.get("client_id")),
            probability=probability if isinstance(probability, float) else None,
            decision=decision if isinstance(decision, str) else None,
            status=response.status_code,
        )
    except Exception:
        log.exception("audit: could not record the API call %s %s", request.method, request.path)
    return response


def _audited_client(answered: object) -> int | None:
    """The client id the answer names, else a well-formed one from the URL (an unknown client's 404)."""
    if isinstance(answered, int) and not isinstance(answered, bool):
        return answered
    asked = (request.view_args or {}).get("client_id")
    try:
        return _client_id(asked) if isinstance(asked, str) else None
    except UnknownClient:
        return None


@api.errorhandler(UnknownClient)
def unknown_client(error: UnknownClient) -> tuple[Response, int]:
    lang = answer_language()
    if isinstance(error.client_id, str):
        return json_error(404, "unknown_client", t("api.bad_client_id", lang, client_id=error.client_id))
    return json_error(404, "unknown_client", t("api.unknown_client", lang, client_id=error.client_id))


@api.errorhandler(BodyRefused)
def body_refused(error: BodyRefused) -> tuple[Response, int]:
    return error.answer


@api.errorhandler(FieldErrors)
def invalid_fields(error: FieldErrors) -> tuple[Response, int]:
    return json_error(400, "invalid_fields", t("api.invalid_fields", answer_language()), fields=error.errors)


@api.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    """werkzeug's errors as JSON, with their headers (Allow on a 405, Retry-After...)."""
    status = error.code or 500
    response, _ = json_error(
        status, (error.name or "error").lower().replace(" ", "_"), error.description or ""
    )
    response.status_code = status
    return with_error_headers(response, error)


@api.app_errorhandler(MethodNotAllowed)
def method_not_allowed(error: MethodNotAllowed) -> Response | tuple[Response, int]:
    """A method no route registers (TRACE, QUERY...) is refused by the routing, before any view: under
    /api/v1 the answer says which methods the route does serve, else it is the app's usual error page."""
    if not request.path.startswith(PREFIX):
        return page_http_error(error)
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, _ = adapter.match(method="GET")
    except HTTPException:
        endpoint = None
    if endpoint not in ALLOWED:  # the catch-all: no such resource, whatever the method
        return json_error(404, "not_found", t("api.not_found", answer_language(), path=request.path))
    response, status = json_error(
        405, "method_not_allowed", t("api.method_not_allowed", answer_language(), method=request.method)
    )
    response.headers["Allow"] = ALLOWED[endpoint]
    return response, status


@api.errorhandler(Exception)
def internal_error(error: Exception) -> Response | tuple[Response, int]:
    if isinstance(error, TimeoutError):  # the body stopped coming: 408, not a server error
        log.warning("%s %s: the request body stopped coming (%s)", request.method, request.path, error)
        return body_timed_out()
    reference = error_id()
    log.exception("unexpected error %s on %s %s", reference, request.method, request.path)
    return json_error(500, "internal_error", t("api.internal_error", answer_language()), error_id=reference)


# The routes of stored applications and of monitoring live in their own modules, on this blueprint
# (registered on import).
from app import api_applications, api_monitoring  # noqa: E402, F401
