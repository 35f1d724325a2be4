"""Security headers on every kind of response, error pages without stack traces, and the API's tokens."""

from __future__ import annotations

import logging

import pytest

from app import create_app
from app.api import RESTRICTED
from app.drift_report import REPORT_URL
from app.openapi import ADMIN_PATHS, PUBLIC_PATHS, openapi_document
from app.users import issue_token, revoke_tokens
from tests.signin import account, bearer, signed_in_client


@pytest.fixture(scope="module")
def app(drifted_artifacts, app_settings):
    return create_app(drifted_artifacts, app_settings)


@pytest.fixture(scope="module")
def admin(app):
    return signed_in_client(app, "admin")


def policy(response) -> dict[str, str]:
    directives = (
        part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";")
    )
    return {name: value for name, value in directives}


def test_every_response_carries_the_security_headers(app, admin):
    responses = {
        "page": admin.get("/clients"),
        "sign-in page": app.server.test_client().get("/login"),
        "api": app.server.test_client().get("/api/v1/health"),
        "asset": admin.get("/assets/pret-a-depenser.css"),
        "refused": app.server.test_client().get("/_dash-layout"),
    }
    for what, response in responses.items():
        assert response.headers["X-Content-Type-Options"] == "nosniff", what
        assert response.headers["X-Frame-Options"] == "DENY", what
        assert response.headers["Referrer-Policy"] == "same-origin", what
        rules = policy(response)
        assert rules["default-src"] == "'self'" and rules["connect-src"] == "'self'", what
        assert rules["frame-ancestors"] == "'none'" and rules["object-src"] == "'none'", what
        assert "unsafe" not in rules["script-src"], what
    assert responses["page"].headers["Cache-Control"] == "no-store"  # a client's data stays out of caches
    assert responses["api"].headers["Cache-Control"] == "no-store"
    assert "no-store" not in responses["asset"].headers.get("Cache-Control", "")


def test_dash_inline_scripts_are_allowed_by_their_hash_only(app, admin):
    page = admin.get("/")
    allowed = policy(page)["script-src"].split()
    assert allowed[0] == "'self'"
    assert set(allowed[1:]) == set(app.csp_hashes()) and allowed[1:]


def test_the_drift_report_may_be_framed_by_the_app_only_and_runs_sandboxed(admin):
    response = admin.get(REPORT_URL)
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    rules = policy(response)
    assert rules["frame-ancestors"] == "'self'" and rules["sandbox"].startswith("allow-scripts")
    assert "allow-same-origin" not in rules["sandbox"]  # its scripts never reach the app's cookies
    assert rules["connect-src"] == "'self'"


def test_an_unexpected_error_is_a_page_with_a_reference_that_is_in_the_log(
    drifted_artifacts, caplog, app_settings, app_database
):
    app = create_app(drifted_artifacts, app_settings)

    def broken():
        raise RuntimeError("a bug with a secret detail")

    app.server.add_url_rule("/broken-page", "broken_page", broken)
    app.server.add_url_rule("/api/v1-broken", "broken_api", broken)
    client = signed_in_client(app, "advisor")
    with caplog.at_level(logging.ERROR, logger="app.security"):
        page = client.get("/broken-page")
        data = client.get("/api/v1-broken", headers=bearer(app_database, "advisor"))
    html = page.get_data(as_text=True)
    assert page.status_code == 500 and "text/html" in page.content_type
    assert "secret detail" not in html and "Traceback" not in html and "RuntimeError" not in html
    reference = html.split("référence ")[1].split("\u00a0")[0]
    assert len(reference) == 12 and reference in caplog.text and "secret detail" in caplog.text
    assert data.status_code == 500 and data.json["error_id"] in caplog.text
    assert "secret detail" not in data.get_data(as_text=True)


def test_a_wrong_method_on_a_page_is_a_page_not_a_traceback(admin):
    response = admin.post("/clients")
    assert response.status_code == 405 and "text/html" in response.content_type
    assert "Erreur 405" in response.get_data(as_text=True)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}  # werkzeug's, kept
    traced = admin.open("/clients", method="TRACE")
    assert traced.status_code == 405 and "GET" in traced.headers["Allow"]


# --- API tokens ---------------------------------------------------------------------------------------------


def test_the_api_needs_a_token_except_for_health(app):
    client = app.server.test_client()
    assert client.get("/api/v1/health").status_code == 200
    for path in ("/api/v1/clients/100002/score", "/api/v1/model", "/api/v1/openapi.json", "/api/v1/nowhere"):
        missing = client.get(path)
        assert missing.status_code == 401 and missing.is_json and "Bearer" in missing.json["message"]
        assert missing.headers["WWW-Authenticate"].startswith("Bearer")
        for header in ("Bearer pad_not-a-token", "Basic dXNlcjpwYXNz", "Bearer", "pad_x"):
            wrong = client.get(path, headers={"Authorization": header})
            assert wrong.status_code == 401 and wrong.json["error"] == "unauthorized"
    assert client.post("/api/v1/score", json={}).status_code == 401


def test_a_revoked_token_stops_working_at_once(app, app_database):
    client = app.server.test_client()
    token = issue_token(account(app_database, "advisor").name, url=app_database)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/openapi.json", headers=headers).status_code == 200
    revoke_tokens(account(app_database, "advisor").name, url=app_database)
    assert client.get("/api/v1/openapi.json", headers=headers).status_code == 401


def test_admin_routes_answer_403_to_an_advisors_token(app, app_database):
    client = app.server.test_client()
    assert set(RESTRICTED) == set(ADMIN_PATHS)
    for path in ADMIN_PATHS:
        refused = client.get(path, headers=bearer(app_database, "advisor"))
        assert refused.status_code == 403 and refused.json["error"] == "forbidden"
        assert client.get(path, headers=bearer(app_database, "admin")).status_code == 200


def test_a_web_session_is_not_an_api_token(app, admin):
    assert admin.get("/api/v1/openapi.json").status_code == 401


def test_openapi_declares_the_bearer_scheme_and_its_refusals():
    document = openapi_document()
    assert document["components"]["securitySchemes"]["bearer"] == {
        **document["components"]["securitySchemes"]["bearer"],
        "type": "http",
        "scheme": "bearer",
    }
    assert document["security"] == [{"bearer": []}]
    for path, operations in document["paths"].items():
        for operation in operations.values():
            if path in PUBLIC_PATHS:
                assert operation["security"] == []
            else:
                assert "401" in operation["responses"]
                assert ("403" in operation["responses"]) == (path in ADMIN_PATHS)
