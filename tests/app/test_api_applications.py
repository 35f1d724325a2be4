"""POST /api/v1/applications, GET /api/v1/applications/<id> and the advisor's decision, through Flask's test
client on the app's own database (these tests store applications: the session's portfolio is left alone)."""

from __future__ import annotations

import copy
import dataclasses
import json
import os

import pytest
from sqlalchemy import func, select

from app import create_app, get_services
from app.api_applications import MAX_BODY_BYTES, request_digest
from app.applications import ApplicationRepository
from app.audit import EventFilter, audit_log, query_events
from app.openapi import CREDIT_FILE_EXAMPLE
from model_training.credit_file import REQUIRED_APPLICATION_FIELDS
from model_training.store import tables
from model_training.store.applications import IdempotencyKey
from model_training.store.tables import NEW_CLIENT_BASE
from tests.signin import NAMES, bearer


@pytest.fixture(scope="module")
def settings(app_settings, module_database):
    """The module's own store, on SQLite and on PostgreSQL (the module runs once on each)."""
    return dataclasses.replace(app_settings, database_url=module_database)


@pytest.fixture(scope="module")
def app(trained_artifacts, settings):
    return create_app(trained_artifacts, settings)


def _client(app, settings, role: str):
    client = app.server.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = bearer(settings.database_url, role)["Authorization"]
    return client


@pytest.fixture(scope="module")
def advisor(app, settings):
    return _client(app, settings, "advisor")


@pytest.fixture(scope="module")
def admin(app, settings):
    return _client(app, settings, "admin")


@pytest.fixture
def stored_rows(app):
    """How many applications the store holds now (a callable: count before and after)."""

    def count() -> int:
        with app.server.app_context(), get_services().applications.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(tables.applications)).scalar_one()

    return count


def _file(**application: object) -> dict:
    """The OpenAPI example's credit file, with some application fields changed (None: left out)."""
    document = copy.deepcopy(CREDIT_FILE_EXAMPLE)
    for name, value in application.items():
        if value is None:
            document["application"].pop(name, None)
        else:
            document["application"][name] = value
    return document


def _without_nulls(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


# --- POST: stored, scored, explained ---------------------------------------------------------------------


def test_a_new_client_is_stored_scored_and_served_like_the_exported_ones(app, advisor, stored_rows):
    before = stored_rows()
    response = advisor.post("/api/v1/applications?lang=en", json=_file())
    assert response.status_code == 201, response.json
    body = response.json
    assert stored_rows() == before + 1
    assert body["client_id"] >= NEW_CLIENT_BASE and body["batch"].startswith("api-")
    assert {"application_id", "probability", "decision", "threshold", "model_version", "received_at"} <= set(
        body
    )
    assert body["decision"] == ("refuse" if body["probability"] >= body["threshold"] else "accept")
    assert body["lang"] == "en" and body["reasons"]["raising"] + body["reasons"]["lowering"]
    assert response.headers["Location"].endswith(f"/api/v1/applications/{body['application_id']}")
    with app.server.app_context():
        services = get_services()
        stored = services.applications.read(body["application_id"])
        assert stored is not None and stored.source == "api" and stored.received_by == NAMES["advisor"]
        (score,) = stored.scores
        assert body["probability"] == score.probability and body["decision"] == score.decision
        portfolio = services.applications.frame()
        assert body["client_id"] in portfolio["SK_ID_CURR"].to_list()
    served = advisor.get(f"/api/v1/clients/{body['client_id']}/score?lang=en")
    assert served.status_code == 200
    assert served.json["probability"] == pytest.approx(body["probability"], abs=1e-12)
    assert served.json["reasons"] == body["reasons"]


def test_an_application_with_its_own_sk_id_curr_is_served_under_it(advisor):
    response = advisor.post("/api/v1/applications", json=_file(SK_ID_CURR=990_001))
    assert response.status_code == 201 and response.json["client_id"] == 990_001
    served = advisor.get("/api/v1/clients/990001/score")
    assert served.status_code == 200 and served.json["probability"] == pytest.approx(
        response.json["probability"]
    )


# --- idempotency -----------------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_and_body_answers_the_first_application_and_stores_nothing(
    advisor, admin, stored_rows
):
    document = _file(AMT_CREDIT=612000.0)
    key = {"Idempotency-Key": "order-2026-12-05-0001"}
    before = stored_rows()
    first = advisor.post("/api/v1/applications", json=document, headers=key)
    assert first.status_code == 201 and stored_rows() == before + 1
    again = advisor.post("/api/v1/applications", json=document, headers=key)
    assert again.status_code == 200 and again.json == first.json
    # the same file written with its keys in another order and other spacing is the same request
    reordered = json.dumps(dict(reversed(list(document.items()))), indent=2)
    third = advisor.post("/api/v1/applications", data=reordered, content_type="application/json", headers=key)
    assert third.status_code == 200 and third.json["application_id"] == first.json["application_id"]
    assert stored_rows() == before + 1
    # keys belong to their API user: another user's identical key is another application
    other = admin.post("/api/v1/applications", json=document, headers=key)
    assert other.status_code == 201 and other.json["application_id"] != first.json["application_id"]
    assert stored_rows() == before + 2


def test_the_same_key_with_another_body_is_a_conflict_and_stores_nothing(advisor, stored_rows):
    key = {"Idempotency-Key": "order-2026-12-05-0002"}
    assert advisor.post("/api/v1/applications", json=_file(), headers=key).status_code == 201
    before = stored_rows()
    response = advisor.post("/api/v1/applications?lang=en", json=_file(AMT_CREDIT=700000.0), headers=key)
    assert response.status_code == 409 and response.json["error"] == "idempotency_conflict"
    assert "Idempotency-Key" in response.json["fields"] and "another" in response.json["message"]
    assert stored_rows() == before


@pytest.mark.parametrize("key", ["", "a" * 256, "two words", "clé", "tab\there"])
def test_a_malformed_idempotency_key_is_400_naming_the_header(advisor, stored_rows, key):
    before = stored_rows()
    response = advisor.post("/api/v1/applications", json=_file(), headers={"Idempotency-Key": key})
    assert response.status_code == 400 and list(response.json["fields"]) == ["Idempotency-Key"]
    assert stored_rows() == before


def test_the_request_digest_is_the_canonical_json():
    assert request_digest({"a": 1, "b": [1, 2]}) == request_digest({"b": [1, 2], "a": 1})
    assert request_digest({"a": 1}) != request_digest({"a": 1.5})


# --- refusals: a path per problem, nothing stored ---------------------------------------------------------


def _bad_deep_type() -> dict:
    document = _file()
    document["bureau"][0]["bureau_balance"][1]["MONTHS_BALANCE"] = "last month"
    return document


def _instalment_under_bureau() -> dict:
    document = _file()
    document["bureau"][0]["installments_payments"] = [{"AMT_PAYMENT": 10.0}]
    return document


@pytest.mark.parametrize(
    ("document", "path"),
    [
        (_bad_deep_type(), "bureau[0].bureau_balance[1].MONTHS_BALANCE"),
        (_instalment_under_bureau(), "bureau[0].installments_payments"),
        ({**_file(), "credit_history": []}, "credit_history"),
        ({**_file(), "bureau_balance": [{"MONTHS_BALANCE": -1}]}, "bureau_balance"),
        (_file(NAME_CONTRACT_TYPE="Mortgage"), "application.NAME_CONTRACT_TYPE"),
        ({**_file(), "bureau": [{}] * 10_000}, "bureau"),
        ({"bureau": []}, "application"),
    ],
    ids=[
        "deep type",
        "record in the wrong place",
        "unknown table",
        "child at top level",
        "level",
        "10k",
        "none",
    ],
)
def test_a_bad_credit_file_is_400_naming_the_path_and_stores_nothing(advisor, stored_rows, document, path):
    before = stored_rows()
    response = advisor.post("/api/v1/applications", json=document)
    assert response.status_code == 400, response.json
    assert response.json["error"] == "invalid_credit_file" and path in response.json["fields"], response.json
    assert stored_rows() == before


def test_an_incomplete_application_is_400_naming_the_missing_fields(advisor, stored_rows):
    before = stored_rows()
    response = advisor.post("/api/v1/applications?lang=en", json=_file(AMT_ANNUITY=None, DAYS_BIRTH=None))
    assert response.status_code == 400 and response.json["error"] == "incomplete_application"
    assert response.json["message"] == "incomplete application: missing AMT_ANNUITY, DAYS_BIRTH"
    assert set(response.json["fields"]) == {"application.AMT_ANNUITY", "application.DAYS_BIRTH"}
    only_four = {
        "application": {
            "AMT_INCOME_TOTAL": 1e5,
            "AMT_CREDIT": 3e5,
            "AMT_ANNUITY": 1.5e4,
            "DAYS_BIRTH": -15000,
        }
    }
    response = advisor.post("/api/v1/applications", json=only_four)
    assert (
        response.status_code == 400 and len(response.json["fields"]) == len(REQUIRED_APPLICATION_FIELDS) - 4
    )
    assert stored_rows() == before


def test_bodies_that_are_not_a_credit_file_are_refused_with_json(advisor, stored_rows):
    before = stored_rows()
    assert advisor.post("/api/v1/applications", data="application=1").status_code == 415
    broken = advisor.post("/api/v1/applications", data='{"application": {', content_type="application/json")
    assert broken.status_code == 400 and broken.json["error"] == "bad_json"
    for body in ([CREDIT_FILE_EXAMPLE], "file", None, 3, ""):
        data = json.dumps(body) if body != "" else ""
        response = advisor.post("/api/v1/applications", data=data, content_type="application/json")
        assert response.status_code == 400 and response.json["fields"], body
    assert stored_rows() == before


def test_a_body_larger_than_the_limit_is_413_json(advisor, stored_rows):
    before = stored_rows()
    body = json.dumps({**_file(), "pad": "x" * MAX_BODY_BYTES}).encode()
    response = advisor.post("/api/v1/applications", data=body, content_type="application/json")
    assert response.status_code == 413 and response.is_json and response.json["error"] == "body_too_large"
    assert stored_rows() == before


# --- GET: the application and its file as received ------------------------------------------------------


@pytest.fixture(scope="module")
def real_file() -> dict:
    """A real applicant's full credit file from the shared sample (the example's when it is absent)."""
    folder = os.environ.get("HOMECREDIT_DIR")
    if not folder:
        return _file()
    from model_training.credit_file_sample import credit_file_document, fullest_applicants, read_sample

    sample = read_sample(folder)
    document = credit_file_document(fullest_applicants(sample, 1)[0], sample)
    document["application"].pop("SK_ID_CURR")  # a new client here: the export holds synthetic ids only
    return document


def test_get_after_post_gives_the_file_as_received(advisor, real_file):
    posted = advisor.post("/api/v1/applications", json=real_file)
    assert posted.status_code == 201, posted.json
    response = advisor.get(f"/api/v1/applications/{posted.json['application_id']}")
    assert response.status_code == 200
    body = response.json
    assert _without_nulls(body["credit_file"]) == _without_nulls(real_file)
    assert body["client_id"] == posted.json["client_id"] and body["source"] == "api"
    assert body["received_by"] == NAMES["advisor"] and body["decisions"] == []
    (score,) = body["scores"]
    assert score["probability"] == posted.json["probability"] and score["reasons"]


@pytest.mark.parametrize("bad_id", ["0", "-1", "abc", "1.5", "99999999999", "2147483648", "٣"])
def test_unknown_or_malformed_application_ids_are_404_json(advisor, bad_id):
    for response in (
        advisor.get(f"/api/v1/applications/{bad_id}"),
        advisor.post(f"/api/v1/applications/{bad_id}/decision", json={"final_decision": "accept"}),
    ):
        assert response.status_code == 404 and response.json["error"] == "unknown_application"
    assert advisor.get("/api/v1/applications/2147483647").status_code == 404


# --- the advisor's decision ----------------------------------------------------------------------------


def _decisions_audited(settings, client_id: int) -> list[dict]:
    audit_log(settings.database_url).flush()
    selection = EventFilter(kind="human_decision", client_id=client_id)
    return query_events(selection, url=settings.database_url).rows


def test_following_the_model_needs_no_reason_overriding_it_does(advisor, settings):
    posted = advisor.post("/api/v1/applications", json=_file(AMT_CREDIT=450000.0)).json
    number, model = posted["application_id"], posted["decision"]
    other = "accept" if model == "refuse" else "refuse"
    path = f"/api/v1/applications/{number}/decision?lang=en"

    followed = advisor.post(path, json={"final_decision": model})
    assert followed.status_code == 201, followed.json
    assert followed.json["follows_model"] is True and followed.json["reason"] is None
    assert followed.json["decided_by"] == NAMES["advisor"] and followed.json["model_decision"] == model

    for reason in (None, "", "   "):
        refused = advisor.post(path, json={"final_decision": other, "reason": reason})
        assert refused.status_code == 400 and list(refused.json["fields"]) == ["reason"], refused.json
        assert "reason" in refused.json["message"]

    overridden = advisor.post(path, json={"final_decision": other, "reason": "  Garant solvable apporté  "})
    assert overridden.status_code == 201
    assert (
        overridden.json["follows_model"] is False and overridden.json["reason"] == "Garant solvable apporté"
    )

    stored = advisor.get(f"/api/v1/applications/{number}").json
    assert [d["final_decision"] for d in stored["decisions"]] == [model, other]
    (score,) = stored["scores"]  # the model's own output is unchanged
    assert score["decision"] == model and score["probability"] == posted["probability"]

    audited = _decisions_audited(settings, posted["client_id"])
    assert len(audited) == 2
    details = sorted((json.loads(row["detail"]) for row in audited), key=lambda d: d["follows_model"])
    assert details[0] == {
        "application_id": number,
        "model_decision": model,
        "final_decision": other,
        "follows_model": False,
        "reason": "Garant solvable apporté",
    }
    assert details[1]["follows_model"] is True and details[1]["final_decision"] == model
    assert {row["user_name"] for row in audited} == {NAMES["advisor"]}


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({}, "final_decision"),
        ({"final_decision": "maybe"}, "final_decision"),
        ({"final_decision": "accept", "reason": 3}, "reason"),
        ({"final_decision": "accept", "reason": "x" * 2001}, "reason"),
        ({"final_decision": "accept", "note": "x"}, "note"),
        (["accept"], "_body"),
    ],
)
def test_a_malformed_decision_is_400_naming_the_field(advisor, body, named):
    number = advisor.post("/api/v1/applications", json=_file()).json["application_id"]
    response = advisor.post(f"/api/v1/applications/{number}/decision", json=body)
    assert response.status_code == 400 and named in response.json["fields"], response.json
    assert advisor.get(f"/api/v1/applications/{number}").json["decisions"] == []


def test_an_admin_may_record_a_decision_too(admin):
    posted = admin.post("/api/v1/applications", json=_file()).json
    response = admin.post(
        f"/api/v1/applications/{posted['application_id']}/decision",
        json={"final_decision": posted["decision"]},
    )
    assert response.status_code == 201 and response.json["decided_by"] == NAMES["admin"]


def test_without_a_token_nothing_is_stored(app, stored_rows):
    before = stored_rows()
    response = app.server.test_client().post("/api/v1/applications", json=_file())
    assert response.status_code == 401 and stored_rows() == before


def test_an_application_the_serving_model_never_scored_is_a_409_not_a_500(app, advisor):
    """A retry after the model changed, or a decision on an application of another model: said, not a 500."""
    document = _file(AMT_CREDIT=333000.0)
    key = "scored-by-an-older-model"
    with app.server.app_context():
        services = get_services()
        older = ApplicationRepository(
            services.applications.database_url, services.artifacts, services.scoring.scorer
        )
        older.model = dataclasses.replace(older.model, version="0-older")
        digest = IdempotencyKey(NAMES["advisor"], key, request_digest(document))
        stored, created = older.submit(document, source="api", by=NAMES["advisor"], idempotency=digest)
    assert created
    retry = advisor.post("/api/v1/applications", json=document, headers={"Idempotency-Key": key})
    assert retry.status_code == 409 and retry.json["error"] == "not_scored", retry.json
    decision = advisor.post(
        f"/api/v1/applications/{stored.application_id}/decision", json={"final_decision": "accept"}
    )
    assert decision.status_code == 409 and decision.json["error"] == "not_scored"
    assert advisor.get(f"/api/v1/applications/{stored.application_id}").json["decisions"] == []


def test_a_value_beyond_float32_gives_answers_that_are_still_json(advisor):
    """A huge income is a valid number but no float32 holds it: its feature is infinite. Python would write
    `Infinity`, which is not JSON: every answer writes null instead (app.json_answers)."""
    response = advisor.post("/api/v1/applications", json=_file(AMT_INCOME_TOTAL=1e300))
    assert response.status_code == 201, response.json
    client_id = response.json["client_id"]
    for path in (
        f"/api/v1/clients/{client_id}/explanation",
        f"/api/v1/applications/{response.json['application_id']}",
    ):
        answer = advisor.get(path)
        assert answer.status_code == 200
        written: list[str] = []
        json.loads(answer.get_data(as_text=True), parse_constant=written.append)
        assert not written, f"{path} wrote {written}"
    factors = advisor.get(f"/api/v1/clients/{client_id}/explanation").json["contributions"]
    income = [f for f in factors if f["feature"] == "AMT_INCOME_TOTAL"]
    assert not income or income[0]["value"] is None
