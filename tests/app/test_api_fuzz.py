"""Bad input thrown at the API by hypothesis, through Flask's test client: malformed applications for
POST /api/v1/score (wrong types, huge numbers, NaN and infinity, nested objects, unknown fields), bodies that
are not JSON, wrong content types, huge and deeply nested bodies, and malformed client ids, paths and query
strings for the GET routes. Whatever comes in, the answer is never a 5xx, always JSON with a message when it
is an error.

Credit files for POST /api/v1/applications (on an app with its own database): a wrong type deep in a nested
record, unknown tables and fields at every level, records in the wrong place, 10,000 bureau records, files
that are not JSON or not a file; each is a 400 naming the path (`bureau[0].bureau_balance[1].STATUS`) and
the applications table holds as many rows after as before (a random application that happens to be
complete is stored: one row more).

Deterministic (derandomized) and bounded: a few thousand inputs in well under a minute; the count is printed
at the end of the run. Every call but the token test carries an advisor's API token."""

from __future__ import annotations

import copy
import json
import string
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from sqlalchemy import func, select

from app import create_app, get_services
from app.config import SETTINGS_EXTENSION
from app.openapi import CREDIT_FILE_EXAMPLE
from app.validation import APPLICATION_TABLE
from model_training import schema
from model_training.data import polars_schema
from model_training.store import tables as store_tables
from tests.signin import bearer

_SIDE_CHILDREN = ("POS_CASH_balance", "installments_payments", "credit_card_balance")

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


# --- the credit file: POST /api/v1/applications, on the fuzz's own database ------------------------------

_PARENTS = {"bureau": ("bureau_balance",), "previous_application": _SIDE_CHILDREN}
#: Where each table's records live in the OpenAPI example's file (the base every malformed file comes from).
_RECORDS = {
    "application_test": ("application",),
    "bureau": ("bureau", 0),
    "bureau_balance": ("bureau", 0, "bureau_balance", 1),
    "previous_application": ("previous_application", 0),
    "installments_payments": ("previous_application", 0, "installments_payments", 0),
}


@pytest.fixture(scope="module")
def file_app(trained_artifacts, app_settings, tmp_path_factory):
    """An app on its own database: a malformed file that were stored would show there, and nowhere else."""
    folder = tmp_path_factory.mktemp("api_fuzz")
    return create_app(trained_artifacts, replace(app_settings, database_url=f"sqlite:///{folder / 'app.db'}"))


@pytest.fixture(scope="module")
def file_client(file_app):
    client = file_app.server.test_client()
    database = file_app.server.extensions[SETTINGS_EXTENSION].database_url
    client.environ_base["HTTP_AUTHORIZATION"] = bearer(database, "advisor")["Authorization"]
    return client


@pytest.fixture(scope="module")
def stored_count(file_app):
    def count() -> int:
        with file_app.server.app_context(), get_services().applications.engine.connect() as connection:
            return connection.execute(
                select(func.count()).select_from(store_tables.applications)
            ).scalar_one()

    return count


def _path(parts: tuple) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _at(document: dict, parts: tuple) -> dict:
    node: object = document
    for part in parts:
        node = node[part]  # type: ignore[index]
    assert isinstance(node, dict)
    return node


def refused_file(client, stored_count, document: object, path: str | None, kind: str) -> None:
    """The file is refused with a 400 naming `path` (when given), and nothing is stored."""
    before = stored_count()
    body = json.dumps(document, allow_nan=True)
    response = client.post("/api/v1/applications", data=body, content_type="application/json")
    check(response, kind)
    assert response.status_code == 400, response.get_json()
    if path is not None:
        assert path in response.get_json()["fields"], (path, response.get_json())
    assert stored_count() == before


def _wrong_values(dtype: pl.DataType) -> st.SearchStrategy:
    """Values a field of this loader dtype refuses: text or booleans for a number, a fraction for a whole
    number, numbers or unknown text for a category, lists and objects for anything."""
    shapes = st.one_of(
        st.lists(leaf, min_size=0, max_size=3), st.dictionaries(st.text(max_size=5), leaf, max_size=2)
    )
    if isinstance(dtype, pl.Enum):
        levels = set(dtype.categories.to_list())
        return st.one_of(
            numbers, st.booleans(), st.text(max_size=20).filter(lambda v: v not in levels), shapes
        )
    wrong = st.one_of(odd_text, st.booleans(), shapes)
    if dtype.is_integer():
        wrong = st.one_of(
            wrong, st.floats(allow_nan=False, allow_infinity=False).filter(lambda v: v != int(v))
        )
    return wrong


@st.composite
def wrong_type_deep(draw) -> tuple[dict, str]:
    table = draw(st.sampled_from(sorted(_RECORDS)))
    dtypes = {
        n: d for n, d in polars_schema(table).items() if n not in ("SK_ID_CURR", "SK_ID_BUREAU", "SK_ID_PREV")
    }
    field = draw(st.sampled_from(sorted(dtypes)))
    document = copy.deepcopy(CREDIT_FILE_EXAMPLE)
    _at(document, _RECORDS[table])[field] = draw(_wrong_values(dtypes[field]))
    return document, _path((*_RECORDS[table], field))


@settings(FUZZ, max_examples=400)
@given(case=wrong_type_deep())
def test_a_wrong_type_deep_in_a_credit_file_is_400_naming_its_path(file_client, stored_count, case):
    document, path = case
    refused_file(file_client, stored_count, document, path, "file wrong type")


@st.composite
def unknown_field(draw) -> tuple[dict, str]:
    """A field no table has (or a key the nesting gives, such as SK_ID_BUREAU), at any level."""
    place = draw(st.sampled_from([(), *sorted(_RECORDS.values())]))
    name = draw(
        st.one_of(
            st.sampled_from(
                ["SK_ID_BUREAU", "SK_ID_PREV", "TARGET", "credit_history", "Bureau", "AMT_credit"]
            ),
            st.text(min_size=1, max_size=20),
        )
    )
    document = copy.deepcopy(CREDIT_FILE_EXAMPLE)
    target = _at(document, place)
    assume(name not in target and name not in _known_fields(place))
    target[name] = draw(leaf)
    return document, _path((*place, name))


def _known_fields(place: tuple) -> set[str]:
    if not place:
        return {"application", *_PARENTS}
    table = next(t for t, p in _RECORDS.items() if p == place)
    names = set(polars_schema(table)) - ({"SK_ID_CURR"} if table != "application_test" else set())
    names -= {"SK_ID_BUREAU", "SK_ID_PREV"}
    return names | set(_PARENTS.get(table, ()))


@settings(FUZZ, max_examples=300)
@given(case=unknown_field())
def test_an_unknown_table_or_field_is_400_naming_its_path(file_client, stored_count, case):
    document, path = case
    refused_file(file_client, stored_count, document, path, "file unknown field")


#: Records put where they do not belong: (where, the table whose rows are put there).
_MISPLACED = [
    ((), "bureau_balance"),
    ((), "installments_payments"),
    ((), "POS_CASH_balance"),
    ((), "credit_card_balance"),
    (("bureau", 0), "installments_payments"),
    (("bureau", 0), "POS_CASH_balance"),
    (("bureau", 0), "previous_application"),
    (("previous_application", 0), "bureau_balance"),
    (("previous_application", 0), "bureau"),
    (("application",), "bureau"),
    (("bureau", 0, "bureau_balance", 0), "bureau_balance"),
]


@settings(FUZZ, max_examples=100)
@given(case=st.sampled_from(_MISPLACED), rows=st.integers(min_value=1, max_value=3))
def test_a_record_in_the_wrong_place_is_400_naming_where(file_client, stored_count, case, rows):
    place, table = case
    document = copy.deepcopy(CREDIT_FILE_EXAMPLE)
    _at(document, place)[table] = [{"MONTHS_BALANCE": -1}] * rows
    refused_file(file_client, stored_count, document, _path((*place, table)), "file misplaced")


@pytest.mark.parametrize(
    ("table", "count", "path"),
    [
        ("bureau", 10_000, "bureau"),
        ("previous_application", 201, "previous_application"),
        ("bureau_balance", 121, "bureau[0].bureau_balance"),
    ],
)
def test_too_many_records_are_refused_at_once(file_client, stored_count, table, count, path):
    document = copy.deepcopy(CREDIT_FILE_EXAMPLE)
    record = {"bureau_balance": {"MONTHS_BALANCE": -1}}.get(table, {})
    if table == "bureau_balance":
        document["bureau"][0]["bureau_balance"] = [record] * count
    else:
        document[table] = [record] * count
    started = time.perf_counter()
    refused_file(file_client, stored_count, document, path, "file too many")
    assert time.perf_counter() - started < 5


def test_a_file_of_more_records_than_any_applicant_has_is_refused_whole(file_client, stored_count):
    months = [{"MONTHS_BALANCE": -m, "STATUS": "0"} for m in range(120)]
    document = {**CREDIT_FILE_EXAMPLE, "bureau": [{"bureau_balance": months}] * 200}  # 24,200 records
    refused_file(file_client, stored_count, document, "credit_file", "file too many")


@settings(FUZZ, max_examples=300)
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        any_json.map(json.dumps).map(str.encode),
    )
)
def test_a_credit_file_that_is_not_json_or_not_a_file_is_refused(file_client, stored_count, body):
    before = stored_count()
    response = file_client.post("/api/v1/applications", data=body, content_type="application/json")
    check(response, "file bytes")
    assert response.status_code == 400 and stored_count() == before


@settings(FUZZ, max_examples=200)
@given(
    application=st.dictionaries(field_names, values, max_size=12),
    side=st.dictionaries(st.sampled_from(["bureau", "previous_application", "x"]), values, max_size=2),
)
def test_a_random_application_never_causes_a_5xx(file_client, stored_count, application, side):
    before = stored_count()
    document = {"application": application, **side}
    response = file_client.post(
        "/api/v1/applications", data=json.dumps(document), content_type="application/json"
    )
    check(response, "file random")
    assert response.status_code in (201, 400)
    assert stored_count() == before + (response.status_code == 201)
