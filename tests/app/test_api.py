import pytest

from app import create_app, get_services
from app.explanation import sigmoid
from app.openapi import APPLICATION_EXAMPLE
from model_training.credit_file import REQUIRED_APPLICATION_FIELDS
from tests.signin import bearer


@pytest.fixture(scope="module")
def app(trained_artifacts, app_settings):
    return create_app(trained_artifacts, app_settings)


@pytest.fixture(scope="module")
def client(app, app_database):
    """A program calling the API with an admin's token (admins may call every route)."""
    client = app.server.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = bearer(app_database, "admin")["Authorization"]
    return client


@pytest.fixture(scope="module")
def client_id(app) -> int:
    with app.server.app_context():
        return int(get_services().artifacts.production_features.ids[0])


def test_health(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200 and response.json["status"] == "ok"


def test_model_card(client):
    body = client.get("/api/v1/model").json
    assert {"version", "run_id", "threshold", "cv_metrics", "cost_fn", "cost_fp"} <= set(body)
    assert 0 < body["threshold"] < 1


def test_client_score_is_the_service_score_and_the_booster_by_hand(app, client, client_id):
    body = client.get(f"/api/v1/clients/{client_id}/score").json
    with app.server.app_context():
        services = get_services()
        score = services.scoring.score_client(client_id)
        artifacts = services.artifacts
        raw = float(
            artifacts.booster.predict(artifacts.production_features.row(client_id), raw_score=True)[0]
        )
    by_hand = sigmoid(artifacts.model.calibration_a * raw + artifacts.model.calibration_b)
    assert body["probability"] == pytest.approx(score.probability, abs=1e-12)
    assert body["probability"] == pytest.approx(by_hand, abs=1e-9)
    assert body["decision"] == ("refuse" if score.probability >= score.threshold else "accept")
    assert body["threshold"] == score.threshold
    assert body["model_version"] == artifacts.model.version
    assert body["decision_label"] in ("Crédit accordé", "Crédit refusé")
    reasons = body["reasons"]["raising"] + body["reasons"]["lowering"]
    assert reasons and all(r["sentence"] and r["feature"] not in r["sentence"] for r in reasons)


def test_score_and_explanation_answers_say_what_would_change_the_decision(app, client):
    """Every production client's answer carries `recourse`: its offers are re-scored under the threshold."""
    with app.server.app_context():
        services = get_services()
        ids = [int(i) for i in services.artifacts.production_features.ids]
        refused = [i for i in ids if services.scoring.score_client(i).decision == "refuse"]
        accepted = next(i for i in ids if i not in refused)
    answers = [client.get(f"/api/v1/clients/{i}/score").json for i in refused]
    with_offers = [a for a in answers if a["recourse"]["status"] == "offers"]
    assert with_offers and all(a["recourse"]["status"] in ("offers", "none") for a in answers)
    for answer in with_offers:
        for offer in answer["recourse"]["offers"]:
            assert offer["probability"] < answer["threshold"]
            assert {"AMT_CREDIT", "AMT_ANNUITY"} <= set(offer["changes"])
            assert offer["monthly_payment"] == offer["changes"]["AMT_ANNUITY"]
    client_id = with_offers[0]["client_id"]
    explained = client.get(f"/api/v1/clients/{client_id}/explanation?top=3").json
    assert explained["recourse"] == with_offers[0]["recourse"]
    assert client.get(f"/api/v1/clients/{accepted}/score").json["recourse"]["status"] == "accepted"


def test_a_reference_clients_answer_has_no_recourse(app, client):
    """A reference client is a past decision: its answer says `recourse: null`, not an error."""
    with app.server.app_context():
        reference = int(get_services().artifacts.reference.get_column("SK_ID_CURR")[0])
    answer = client.get(f"/api/v1/clients/{reference}/score")
    assert answer.status_code == 200 and answer.json["recourse"] is None


def test_client_explanation_adds_up(client, client_id):
    body = client.get(f"/api/v1/clients/{client_id}/explanation?lang=en").json
    total = body["base_value"] + sum(c["contribution"] for c in body["contributions"])
    assert total == pytest.approx(body["log_odds"], abs=1e-9)
    assert sigmoid(body["log_odds"]) == pytest.approx(body["probability"], abs=1e-12)
    assert body["lang"] == "en" and body["decision_label"].startswith("Credit")
    assert len(client.get(f"/api/v1/clients/{client_id}/explanation?top=3").json["contributions"]) == 3


def test_the_explanation_speaks_in_concepts_that_add_up(client, client_id):
    """`concepts` beside `contributions`: each concept's contribution is the sum of its features', the
    concepts sum to the features, their points walk to the probability; every reason names its concept."""
    body = client.get(f"/api/v1/clients/{client_id}/explanation?lang=en").json
    concepts, contributions = body["concepts"], body["contributions"]
    assert concepts and all(
        {"concept", "label", "contribution", "points", "features"} <= set(c) for c in concepts
    )
    by_feature = {c["feature"]: c for c in contributions}
    for concept in concepts:
        members = [by_feature[f] for f in concept["features"]]
        assert {m["concept"] for m in members} == {concept["concept"]}
        assert sum(m["contribution"] for m in members) == pytest.approx(concept["contribution"], abs=1e-9)
    total = sum(c["contribution"] for c in concepts)
    assert total == pytest.approx(sum(c["contribution"] for c in contributions), abs=1e-9)
    points = sum(c["points"] for c in concepts)
    assert points == pytest.approx(body["probability"] - body["base_probability"], abs=1e-12)
    assert all(c["concept"] for c in contributions)
    reasons = client.get(f"/api/v1/clients/{client_id}/score?lang=en").json["reasons"]
    every = reasons["raising"] + reasons["lowering"]
    assert every and all(r["concept"] and r["label"] for r in every)
    assert len({r["concept"] for r in every}) == len(every)  # one reason per concept


def test_language_from_accept_language(client, client_id):
    body = client.get(
        f"/api/v1/clients/{client_id}/score", headers={"Accept-Language": "en-GB,en;q=0.9"}
    ).json
    assert body["lang"] == "en"


@pytest.mark.parametrize("bad_id", ["1", "abc", "-5", "1.5", "99999999999999999999"])
def test_unknown_or_malformed_client_is_404_json(client, bad_id):
    for path in (f"/api/v1/clients/{bad_id}/score", f"/api/v1/clients/{bad_id}/explanation"):
        response = client.get(path)
        assert response.status_code == 404 and response.is_json and response.json["error"] == "unknown_client"


def test_post_score_with_application_fields(app, client, client_id):
    with app.server.app_context():
        scoring = get_services().scoring
        fields = {k: v for k, v in scoring.stored_application(client_id).items() if v is not None}
        expected = scoring.score_application(fields).score.probability
    response = client.post("/api/v1/score", json=fields)
    assert response.status_code == 200
    assert response.json["probability"] == pytest.approx(expected, abs=1e-12)
    assert {"probability", "decision", "threshold", "reasons", "model_version"} <= set(response.json)


def test_post_score_decides_nothing_on_an_empty_or_partial_application(client):
    """The issue's case: income, credit, annuity and birth date only were scored 3.8 % and granted."""
    four = {"AMT_INCOME_TOTAL": 135000, "AMT_CREDIT": 568800, "AMT_ANNUITY": 20560.5, "DAYS_BIRTH": -15000}
    response = client.post("/api/v1/score?lang=en", json=four)
    assert response.status_code == 400 and response.json["error"] == "incomplete_application"
    missing = [name for name in REQUIRED_APPLICATION_FIELDS if name not in four]
    assert response.json["message"] == f"incomplete application: missing {', '.join(missing)}"
    assert list(response.json["fields"]) == missing and "probability" not in response.json
    empty = client.post("/api/v1/score", json={})
    assert empty.status_code == 400 and list(empty.json["fields"]) == list(REQUIRED_APPLICATION_FIELDS)
    nulled = client.post("/api/v1/score", json={**APPLICATION_EXAMPLE, "AMT_ANNUITY": None})
    assert nulled.status_code == 400 and list(nulled.json["fields"]) == ["AMT_ANNUITY"]


def test_post_score_with_the_required_fields_only_is_scored(client):
    required = {name: APPLICATION_EXAMPLE[name] for name in REQUIRED_APPLICATION_FIELDS}
    response = client.post("/api/v1/score", json=required)
    assert response.status_code == 200 and 0 <= response.json["probability"] <= 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"AMT_CREDIT": "500000"}, "AMT_CREDIT"),  # wrong type
        ({"CNT_CHILDREN": 1.5}, "CNT_CHILDREN"),  # not whole
        ({"AMT_INCOME_TOTAL": -1000}, "AMT_INCOME_TOTAL"),  # out of range
        ({"EXT_SOURCE_2": 3}, "EXT_SOURCE_2"),  # out of range
        ({"DAYS_BIRTH": 1000, "DAYS_EMPLOYED": 365243}, "DAYS_BIRTH"),  # out of range (not working)
        ({"NAME_CONTRACT_TYPE": "Mortgage"}, "NAME_CONTRACT_TYPE"),  # unknown level
        ({"FAVOURITE_COLOUR": "blue"}, "FAVOURITE_COLOUR"),  # unknown field
        ({"TARGET": 0}, "TARGET"),  # the answer is not an input
        ({"AMT_CREDIT": 1000, "AMT_ANNUITY": 5000}, "AMT_ANNUITY"),  # inconsistent
    ],
)
def test_post_score_bad_fields_are_400_with_a_message_per_field(client, payload, field):
    response = client.post("/api/v1/score?lang=en", json={**APPLICATION_EXAMPLE, **payload})
    assert response.status_code == 400
    assert response.json["error"] == "invalid_fields"
    assert list(response.json["fields"]) == [field] and response.json["fields"][field]


def test_post_score_lists_every_bad_field(client):
    bad = {"AMT_CREDIT": "x", "FOO": 1, "CNT_CHILDREN": -1}
    response = client.post("/api/v1/score", json={**APPLICATION_EXAMPLE, **bad})
    assert set(response.json["fields"]) == {"AMT_CREDIT", "FOO", "CNT_CHILDREN"}


def test_post_score_needs_a_json_object(client):
    assert client.post("/api/v1/score", data="AMT_CREDIT=5").status_code == 415
    assert client.post("/api/v1/score", data="AMT", content_type="text/plain").status_code == 415
    broken = client.post("/api/v1/score", data="{oops", content_type="application/json")
    assert broken.status_code == 400 and broken.json["error"] == "bad_json"
    listed = client.post("/api/v1/score", json=[1, 2])
    assert listed.status_code == 400 and "_body" in listed.json["fields"]
    empty = client.post("/api/v1/score", data="", content_type="application/json")
    assert empty.status_code == 400


def test_wrong_methods_are_405_json_with_allow(client, client_id):
    for method, path, allowed in [
        ("post", "/api/v1/health", "GET"),
        ("delete", f"/api/v1/clients/{client_id}/score", "GET"),
        ("get", "/api/v1/score", "POST"),
        ("put", "/api/v1/score", "POST"),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code == 405 and response.is_json, (method, path)
        assert allowed in response.headers["Allow"]


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "CONNECT", "FOO"])
def test_methods_no_route_registers_are_405_with_the_routes_own_allow(client, client_id, method):
    for path, allowed in [
        ("/api/v1/health", "GET, HEAD, OPTIONS"),
        (f"/api/v1/clients/{client_id}/score", "GET, HEAD, OPTIONS"),
        ("/api/v1/score", "POST, OPTIONS"),
    ]:
        response = client.open(path, method=method)
        assert response.status_code == 405 and response.is_json, (method, path)
        assert response.headers["Allow"] == allowed and method in response.json["message"]
    assert client.open("/api/v1/nothing", method=method).status_code == 404


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("top=-3", "top"),
        ("top=0", "top"),
        ("top=1.5", "top"),
        ("reasons=51", "reasons"),
        ("reasons=abc", "reasons"),
        ("reasons=-1", "reasons"),
        ("reasons=%203", "reasons"),
        ("lang=de", "lang"),
        ("lang=EN", "lang"),
        ("verbose=1", "verbose"),
    ],
)
def test_query_parameters_out_of_their_declared_range_are_400_naming_them(client, client_id, query, named):
    response = client.get(f"/api/v1/clients/{client_id}/explanation?{query}")
    assert response.status_code == 400 and list(response.json["fields"]) == [named], response.json
    assert client.get(f"/api/v1/clients/{client_id}/explanation?top=3&reasons=50&lang=en").status_code == 200


def test_unknown_api_paths_are_404_json_not_the_dashboard(client):
    for path in ("/api/v1/nothing", "/api/v1/clients/1", "/api/v1/clients/"):
        response = client.get(path)
        assert response.status_code == 404 and response.is_json, path


def test_odd_payloads_never_cause_a_500(client):
    payloads: list[dict[str, object]] = [
        {"AMT_CREDIT": {"nested": 1}},
        {"AMT_CREDIT": [1, 2]},
        {"AMT_CREDIT": 1e308, "AMT_ANNUITY": 1e-300},
        {"AMT_CREDIT": None, "NAME_CONTRACT_TYPE": None},
        {"DAYS_EMPLOYED": 365243, "DAYS_BIRTH": -20000},
        {"CNT_CHILDREN": 10**30},
        {"": 1},
        {"SK_ID_CURR": "x"},
        {"NAME_CONTRACT_TYPE": 3},
        {"FLAG_OWN_CAR": True},
    ]
    for payload in payloads:
        for sent in (payload, {**APPLICATION_EXAMPLE, **payload}):  # refused as incomplete, then checked
            response = client.post("/api/v1/score", json=sent)
            assert response.status_code in (200, 400), (sent, response.status_code, response.json)
            assert response.is_json


def test_openapi_document_is_served(client):
    body = client.get("/api/v1/openapi.json").json
    assert body["openapi"].startswith("3.") and "/api/v1/score" in body["paths"]
    assert {"/api/v1/applications", "/api/v1/applications/{application_id}"} <= set(body["paths"])
