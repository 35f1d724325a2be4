"""The applications routes of /api/v1: a loan-origination system sends a credit file and gets a stored,
explained decision; an advisor records the final decision.

- `POST /applications`: one credit file (model_training.credit_file) validated, featurised, scored and
  stored by the applications repository (`services().applications.submit`); the answer is the stored score
  with its principal reasons, 201 the first time. An `Idempotency-Key` header makes a retry of the same
  body return the first answer (200, nothing stored twice); the same key with another body is a 409.
- `GET /applications/<application_id>`: the stored application, its scores and decisions, and the file as
  received.
- `POST /applications/<application_id>/decision`: the advisor's final decision, following the model or
  overriding it with a reason (EU AI Act art. 14, human oversight); the model's score is never changed and
  the decision is audited.

Every refusal is JSON naming what is wrong: a credit file's problems by their path
(``bureau[2].AMT_CREDIT_SUM``), the header, the body's field.
"""

from __future__ import annotations

import hashlib
import json
import re

from flask import Response, jsonify, request

from app.api import (
    DEFAULT_REASONS,
    answer_language,
    api,
    incomplete_application,
    json_body,
    json_error,
    route,
)
from app.audit import record_human_decision
from app.explanation import Explanation, Score
from app.i18n import t
from app.identity import current_identity
from app.reasons import principal_reasons
from app.services import Services, get_services
from model_training.contract import StoredApplication, StoredScore
from model_training.contract._base import encode
from model_training.credit_file import REQUIRED_APPLICATION_FIELDS, CreditFileError
from model_training.decision import DECISIONS
from model_training.store import applications as store
from model_training.store.applications import MAX_REASON_CHARS, IdempotencyConflict, IdempotencyKey

IDEMPOTENCY_HEADER = "Idempotency-Key"
#: 1 to 255 visible ASCII characters: a UUID, a request number... (a space at either end would not survive
#: HTTP's header parsing, so none is accepted anywhere).
IDEMPOTENCY_KEY = re.compile(r"[!-~]{1,255}")
#: Largest credit-file body. The shared sample's fullest applicant (1,422 records) is 70 KB of JSON; a file
#: of MAX_FILE_RECORDS of the widest records (credit-card months, about 600 bytes each) about 12 MB.
MAX_BODY_BYTES = 16 * 2**20
#: Largest application id in the URL: the column is a 32-bit integer.
_MAX_APPLICATION_ID = 2**31 - 1
_DECISION_FIELDS = ("final_decision", "reason")


class UnknownApplication(LookupError):
    def __init__(self, application_id: str):
        self.application_id = application_id
        super().__init__(f"unknown application {application_id}")


def _application_id(text: str) -> int:
    """The id from the URL; anything but a whole number from 1 that the column can hold is unknown (404)."""
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or not 1 <= int(text) <= _MAX_APPLICATION_ID:
        raise UnknownApplication(text)
    return int(text)


def request_digest(document: object) -> str:
    """sha256 of the body's canonical JSON (sorted keys, no spaces): the same file sent with its keys in
    another order or other spacing is the same request."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _caller() -> str:
    identity = current_identity()
    return identity.name if identity is not None else "anonymous"


def _idempotency_key(lang: str) -> str | None | tuple[Response, int]:
    """The header's key, None without the header, or the 400 answer for a malformed one."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None or IDEMPOTENCY_KEY.fullmatch(key):
        return key
    message = t("api.bad_idempotency_key", lang)
    return json_error(400, "invalid_header", message, fields={IDEMPOTENCY_HEADER: message})


def _serving_score(services: Services, stored: StoredApplication) -> StoredScore | None:
    model = services.applications.model
    return stored.score_by(model.name, model.version, model.run_id)


def _explanation(services: Services, stored: StoredApplication, score: StoredScore) -> Explanation:
    """The exact explanation of the stored score: through the scoring service's cache when the application
    is the client's latest (what /clients/<id>/score serves), else from the feature row stored with it."""
    scoring = services.scoring
    if services.applications.application_id(stored.client_id) == stored.application_id:
        return scoring.explain_client(stored.client_id)
    features = store.score_features(services.applications.engine, score.score_id)
    assert features is not None  # a stored score always has its feature row
    return scoring.explain_features(features, stored.client_id)


@route("/applications", ("POST",))
def submit_application() -> tuple[Response, int]:
    """Store and score one credit file; the stored score with its principal reasons."""
    lang = answer_language()
    key = _idempotency_key(lang)
    if isinstance(key, tuple):
        return key
    document = json_body(lang, MAX_BODY_BYTES)
    services = get_services()
    by = _caller()
    idempotency = IdempotencyKey(by, key, request_digest(document)) if key is not None else None
    try:
        stored, created = services.applications.submit(document, source="api", by=by, idempotency=idempotency)
    except IdempotencyConflict:
        message = t("api.idempotency_conflict", lang)
        return json_error(409, "idempotency_conflict", message, fields={IDEMPOTENCY_HEADER: message})
    except CreditFileError as error:
        application = document.get("application") if isinstance(document, dict) else None
        if list(error.errors) == ["application"] and isinstance(application, dict):
            missing = [name for name in REQUIRED_APPLICATION_FIELDS if application.get(name) is None]
            if missing:
                return incomplete_application(missing, lang, prefix="application.")
        return json_error(400, "invalid_credit_file", t("api.invalid_credit_file", lang), fields=error.errors)
    score = _serving_score(services, stored)
    if score is None:  # a retry after the serving model changed: the first answer's model is gone
        version = services.applications.model.version
        return json_error(409, "not_scored", t("api.not_scored_by_model", lang, version=version))
    explanation = _explanation(services, stored, score)
    reasons = principal_reasons(explanation, lang, request.args.get("reasons", DEFAULT_REASONS, type=int))
    answer = {
        "application_id": stored.application_id,
        **Score(stored.client_id, score.probability, score.threshold, score.model_version).as_dict(lang),
        "batch": stored.batch,
        "received_at": stored.received_at,
        "reasons": reasons.as_dict(),
        "lang": lang,
    }
    response = jsonify(answer)
    response.headers["Location"] = (
        f"{request.script_root}{api.url_prefix}/applications/{stored.application_id}"
    )
    return response, 201 if created else 200


@route("/applications/<application_id>", ("GET",))
def read_application(application_id: str) -> Response:
    """A stored application: who sent it, when, in which batch, every score and decision, and the file."""
    services = get_services()
    number = _application_id(application_id)
    stored = services.applications.read(number)
    if stored is None:
        raise UnknownApplication(application_id)
    document = store.credit_file(services.applications.engine, number)
    return jsonify({**stored.to_dict(), "credit_file": document})


def _decision_errors(body: object, lang: str) -> dict[str, str]:
    """A message per bad field of a decision: {"final_decision": "accept"|"refuse", "reason": text}."""
    if not isinstance(body, dict):
        return {"_body": t("error.not_an_object", lang)}
    errors = {name: t("error.unknown_field", lang) for name in body if name not in _DECISION_FIELDS}
    final = body.get("final_decision")
    if final not in DECISIONS:
        levels = ", ".join(DECISIONS)
        errors["final_decision"] = (
            t("error.required", lang)
            if final is None
            else t(
                "error.unknown_level", lang, value=json.dumps(final, ensure_ascii=False)[:80], levels=levels
            )
        )
    reason = body.get("reason")
    if reason is not None and not isinstance(reason, str):
        errors["reason"] = t("error.not_text", lang, value=json.dumps(reason, ensure_ascii=False)[:80])
    elif isinstance(reason, str) and len(reason) > MAX_REASON_CHARS:  # as declared: spaces count
        errors["reason"] = t("error.too_long", lang, max=MAX_REASON_CHARS, count=len(reason))
    return errors


@route("/applications/<application_id>/decision", ("POST",))
def decide_application(application_id: str) -> tuple[Response, int]:
    """The advisor's final decision on an application: following the model, or overriding it with a reason."""
    lang = answer_language()
    number = _application_id(application_id)
    body = json_body(lang)
    errors = _decision_errors(body, lang)
    if errors:
        return json_error(400, "invalid_fields", t("api.invalid_fields", lang), fields=errors)
    assert isinstance(body, dict)
    services = get_services()
    stored = services.applications.read(number)
    if stored is None:
        raise UnknownApplication(application_id)
    score = _serving_score(services, stored)
    if score is None:
        version = services.applications.model.version
        return json_error(409, "not_scored", t("api.not_scored_by_model", lang, version=version))
    final, reason = body["final_decision"], (body.get("reason") or "").strip() or None
    if final != score.decision and reason is None:
        message = t("api.reason_required", lang)
        return json_error(400, "reason_required", message, fields={"reason": message})
    try:
        decision = services.applications.decide(number, final, reason, _caller())
    except store.StoreError as error:  # the store's own checks, should ours have missed one
        return json_error(400, "invalid_fields", t("api.invalid_fields", lang), fields={"_body": str(error)})
    record_human_decision(decision, stored.client_id, score.probability)
    recorded = encode(decision)
    assert isinstance(recorded, dict)
    return jsonify({"client_id": stored.client_id, "probability": score.probability, **recorded}), 201


@api.errorhandler(UnknownApplication)
def unknown_application(error: UnknownApplication) -> tuple[Response, int]:
    lang = answer_language()
    return json_error(
        404, "unknown_application", t("api.unknown_application", lang, application_id=error.application_id)
    )


__all__ = ["IDEMPOTENCY_HEADER", "MAX_BODY_BYTES", "request_digest"]
