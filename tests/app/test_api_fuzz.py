"""Bad input thrown at the API by hypothesis, through Flask's test client: malformed applications for
POST /api/v1/score (wrong types, huge numbers, NaN and infinity, nested objects, unknown fields), bodies that
are not JSON, wrong content types, huge and deeply nested bodies, and malformed client ids, paths and query
strings for the GET routes. Whatever comes in, the answer is never a 5xx, always JSON with a message when it
is an error. Deterministic (derandomized) and bounded: a few thousand inputs in well under 30 s; the count
is printed at the end of the run. Every call but the token test carries an advisor's API token."""

from __future__ import annotations

import json
import string
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from app import create_app, get_services
from app.validation import APPLICATION_TABLE
from model_training import schema
from tests.signin import bearer

# hypothesis caches Unicode tables and constants in .hypothesis/ of the working directory: not in the project
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "hypothesis-pret-a-depenser")
TRIED: Counter[str] = Counter()
FUZZ = settings(
    deadline=None,  # a shared 2-core machine: time is bounded by max_examples, not per example
    derandomize=True,  # the same inputs on every run: a failure reproduces, the count is stable
    database=None,  # nothing written into the project
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def app(trained_artifacts, app_settings):
    return create_app(trained_artifacts, app_settings)


@pytest.fixture(scope="module")
def client(app, request, app_database):
    """A program holding an advisor's API token; prints how many inputs were tried once the module is done."""
    client = app.server.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = bearer(app_database, "advisor")["Authorization"]
    yield client
    detail = ", ".join(f"{kind} {count}" for kind, count in sorted(TRIED.items()))
    with request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
        print(f"\napi fuzz: {sum(TRIED.values())} malformed inputs tried ({detail}), no 5xx")


@pytest.fixture(scope="module")
def client_ids(app) -> list[int]:
    with app.server.app_context():
        return [int(i) for i in get_services().artifacts.production_features.ids[:5]]


def check(response, kind: str) -> None:
    """Never a server error; JSON always; an error names what is wrong."""
    TRIED[kind] += 1
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
    body = response.get_json()
    if response.status_code >= 400:
        assert isinstance(body, dict) and body.get("message"), body
    elif response.status_code == 200 and kind.startswith("score"):
        assert 0 <= body["probability"] <= 1 and body["decision"] and body["threshold"]


# --- what goes into a field ------------------------------------------------------------------------------

numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1, 2**63, -(2**63) - 1, 10**308, 1e-320, 365243]),
)
odd_text = st.one_of(
    st.sampled_from(["NaN", "nan", "inf", "-Infinity", "1e309", "", " ", "12 500,50", "0x10", "null", "∞"]),
    st.text(max_size=40),
    st.text(alphabet=string.digits + ".,-e ", max_size=20),
)
leaf = st.one_of(st.none(), st.booleans(), numbers, odd_text)
values = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


#: the real application fields (most keys), and unknown ones
field_names = st.one_of(st.sampled_from(schema.column_names(APPLICATION_TABLE)), st.text(max_size=30))
applications = st.dictionaries(field_names, values, max_size=12)
any_json = st.one_of(applications, values)


@settings(FUZZ, max_examples=800)
@given(payload=any_json)
def test_score_never_fails_on_a_malformed_application(client, payload):
    body = json.dumps(payload, allow_nan=True)  # NaN and Infinity literals, as sloppy clients send them
    check(client.post("/api/v1/score", data=body, content_type="application/json"), "score json")


@settings(FUZZ, max_examples=400)
@given(body=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_score_never_fails_on_a_body_that_is_not_json(client, body):
    check(client.post("/api/v1/score", data=body, content_type="application/json"), "score bytes")


@settings(FUZZ, max_examples=200)
@given(
    content_type=st.one_of(
        st.sampled_from(
            ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/xml", ""]
        ),
        st.text(alphabet=string.ascii_letters + "/;=-+ ", max_size=40),
    ),
    payload=applications,
)
def test_score_answers_a_wrong_content_type_with_json(client, content_type, payload):
    response = client.post("/api/v1/score", data=json.dumps(payload), headers={"Content-Type": content_type})
    check(response, "score content type")


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,  # deep nesting: the JSON parser's recursion limit
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        json.dumps({"AMT_CREDIT": "9" * 1_000_000}).encode(),  # one huge number as text
        json.dumps({f"FIELD_{i}": i for i in range(100_000)}).encode(),  # many unknown fields
        json.dumps({"AMT_CREDIT": 1.0, "pad": "x" * 8_000_000}).encode(),  # a body of 8 MB
    ],
    ids=["deep list", "deep object", "huge number", "many fields", "8 MB"],
)
def test_score_survives_huge_bodies(client, body):
    check(client.post("/api/v1/score", data=body, content_type="application/json"), "score huge")


# --- GET routes: ids, paths and query strings -------------------------------------------------------------

path_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=string.digits, min_size=1, max_size=30),
    st.sampled_from(["-1", "0", "1e5", "١٢٣", "%00", "..", "../../etc/passwd", "%2e%2e%2f", " 100002", "+1"]),
)


@settings(FUZZ, max_examples=500)
@given(client_id=path_text, route=st.sampled_from(["score", "explanation"]))
def test_client_routes_never_fail_on_a_malformed_id(client, client_id, route):
    from urllib.parse import quote

    check(client.get(f"/api/v1/clients/{quote(client_id, safe='')}/{route}"), "client id")


@settings(FUZZ, max_examples=300)
@given(
    reasons=st.one_of(st.none(), path_text),
    top=st.one_of(st.none(), path_text),
    lang=st.one_of(st.none(), path_text),
    index=st.integers(min_value=0, max_value=4),
    route=st.sampled_from(["score", "explanation"]),
)
def test_query_strings_never_break_a_known_client(client, client_ids, reasons, top, lang, index, route):
    query = {k: v for k, v in (("reasons", reasons), ("top", top), ("lang", lang)) if v is not None}
    response = client.get(f"/api/v1/clients/{client_ids[index]}/{route}", query_string=query)
    check(response, "query string")
    assert response.status_code in (200, 400)


@settings(FUZZ, max_examples=300)
@given(
    path=st.text(alphabet=string.ascii_letters + string.digits + "/._-%~", max_size=60),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]),
)
def test_any_path_and_method_under_the_api_answers_json(client, path, method):
    response = client.open(f"/api/v1/{path}", method=method)
    TRIED["path"] += 1
    assert response.status_code < 500
    if method not in ("HEAD", "OPTIONS") and not 300 <= response.status_code < 400:  # "//" is redirected
        assert response.mimetype == "application/json"


@settings(FUZZ, max_examples=200)
@given(
    header=st.one_of(
        st.text(alphabet=string.printable.strip(), max_size=80),  # a header cannot carry line breaks
        st.text(alphabet=string.ascii_letters + string.digits + "_-", max_size=60).map("Bearer {}".format),
        st.sampled_from(
            ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer pad_", "Bearer pad_" + "A" * 5000]
        ),
    )
)
def test_a_malformed_token_is_refused_with_json(app, header):
    response = app.server.test_client().get("/api/v1/model", headers={"Authorization": header})
    check(response, "token")
    assert response.status_code == 401
