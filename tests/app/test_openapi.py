import re

import pytest

from app.api import ROUTES, openapi_path
from app.api_applications import IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY
from app.openapi import APPLICATION_EXAMPLE, CREDIT_FILE_EXAMPLE, openapi_document
from app.validation import FieldErrors, application_columns, consistency_errors, validate_application
from model_training.credit_file import MAX_RECORDS, REQUIRED_APPLICATION_FIELDS, validate_credit_file
from model_training.store.applications import MAX_REASON_CHARS


def test_every_route_is_described_with_its_methods():
    paths = openapi_document()["paths"]
    described = {(path, method.upper()) for path, operations in paths.items() for method in operations}
    served = {(openapi_path(rule), method) for rule, methods in ROUTES for method in methods}
    assert served == described


def _fields() -> dict:
    return openapi_document()["components"]["schemas"]["Application"]["properties"]


def test_every_application_field_is_documented():
    fields = _fields()
    assert set(fields) == set(application_columns())
    assert {"AMT_CREDIT", "NAME_CONTRACT_TYPE", "EXT_SOURCE_2"} <= set(fields) and "TARGET" not in fields


def _accepted(name: str, value: object) -> bool:
    try:
        validate_application({name: value})
    except FieldErrors:
        return False
    return True


def test_levels_are_declared_as_the_validation_reads_them():
    contract = _fields()["NAME_CONTRACT_TYPE"]
    assert "nullable" not in contract and "Cash loans, Revolving loans" in contract["description"]  # required
    assert _fields()["CODE_GENDER"]["nullable"]
    for text in (
        "Cash loans",
        "cash LOANS",
        "  Revolving loans ",
        "Cash",
        "Cash loans!",
        "\u212aash loans",
        "x",
    ):
        declared = re.search(contract["pattern"], text) is not None  # Python's re, as the checks read it
        assert declared == _accepted("NAME_CONTRACT_TYPE", text), text


@pytest.mark.parametrize(
    ("field", "declared", "inside", "outside"),
    [
        ("FLAG_MOBIL", {"minimum": 0, "maximum": 1}, [0, 1], [-1, 2]),
        ("DAYS_ID_PUBLISH", {"maximum": 0}, [0, -100], [1]),
        ("EXT_SOURCE_2", {"minimum": 0, "maximum": 1}, [0, 0.5, 1], [-0.1, 1.1]),
        ("AMT_CREDIT", {"minimum": 0, "exclusiveMinimum": True}, [0.01, 1e9], [0, -5]),
        ("SK_ID_CURR", {"minimum": -(2**31), "maximum": 2**31 - 1}, [0, 2**31 - 1], [2**31]),
        ("DAYS_BIRTH", {"maximum": -6574.5}, [-6575, -30000], [-6574, 10]),
    ],
)
def test_ranges_the_validation_enforces_are_declared(field, declared, inside, outside):
    assert declared.items() <= _fields()[field].items()
    assert all(_accepted(field, value) for value in inside)
    assert not any(_accepted(field, value) for value in outside)


def test_days_employed_declares_the_not_working_sentinel():
    days = _fields()["DAYS_EMPLOYED"]
    assert days["anyOf"] == [{"minimum": -36525, "maximum": 0}, {"enum": [365243]}]
    assert _accepted("DAYS_EMPLOYED", 365243) and not _accepted("DAYS_EMPLOYED", 365242)


def _schemas(node: object):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _schemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schemas(value)


def test_a_nullable_enum_lists_null():
    document = openapi_document()
    enums = [schema for schema in _schemas(document) if "enum" in schema and schema.get("nullable")]
    assert all(None in schema["enum"] for schema in enums)


def test_query_parameters_declare_their_ranges():
    explanation = openapi_document()["paths"]["/api/v1/clients/{client_id}/explanation"]["get"]
    parameters = {p["name"]: p["schema"] for p in explanation["parameters"]}
    assert parameters["reasons"] == {"type": "integer", "minimum": 0, "maximum": 50}
    assert parameters["top"]["minimum"] == 1 and parameters["lang"]["enum"] == ["fr", "en"]
    assert parameters["client_id"] == {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}


def test_recourse_declares_the_statuses_and_kinds_the_code_gives():
    from typing import get_args

    from app.recourse import OfferKind, RecourseStatus

    schemas = openapi_document()["components"]["schemas"]
    assert schemas["Score"]["properties"]["recourse"] == {"$ref": "#/components/schemas/Recourse"}
    assert schemas["Recourse"]["properties"]["status"]["enum"] == list(get_args(RecourseStatus))
    assert schemas["Offer"]["properties"]["kind"]["enum"] == list(get_args(OfferKind))


def test_decision_enum_is_the_shared_codes():
    decision = openapi_document()["components"]["schemas"]["Score"]["properties"]["decision"]
    assert decision["enum"] == ["accept", "refuse"]


def test_required_application_fields_are_declared_required_and_not_nullable():
    schemas = openapi_document()["components"]["schemas"]
    for name in ("Application", "CreditFileApplication"):
        schema = schemas[name]
        assert schema["required"] == list(REQUIRED_APPLICATION_FIELDS), name
        for field in REQUIRED_APPLICATION_FIELDS:
            declared = schema["properties"][field]
            assert "nullable" not in declared and None not in declared.get("enum", []), (name, field)
    assert schemas["CreditFileApplication"]["properties"]["CODE_GENDER"]["nullable"]


def test_the_credit_file_schema_is_openapi_30_and_every_reference_resolves():
    document = openapi_document()
    schemas = document["components"]["schemas"]
    for schema in _schemas(document):
        assert "$defs" not in schema and "const" not in schema and schema.get("type") != "null", schema
        if "$ref" in schema:
            assert schema["$ref"].removeprefix("#/components/schemas/") in schemas, schema["$ref"]
    body = document["paths"]["/api/v1/applications"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/CreditFile"}
    bureau = schemas["CreditFile"]["properties"]["bureau"]
    assert bureau["maxItems"] == MAX_RECORDS["bureau"]
    assert schemas["BureauCredit"]["properties"]["bureau_balance"]["items"]["$ref"].endswith(
        "BureauBalanceMonth"
    )
    assert schemas["BureauCredit"]["additionalProperties"] is False


def test_the_examples_are_accepted():
    validate_credit_file(CREDIT_FILE_EXAMPLE)
    assert validate_application(APPLICATION_EXAMPLE) and not consistency_errors(
        APPLICATION_EXAMPLE, set(APPLICATION_EXAMPLE), "en"
    )


@pytest.mark.parametrize(
    ("key", "accepted"),
    [
        ("a", True),
        ("550e8400-e29b-41d4-a716-446655440000", True),
        ("!~", True),
        ("x" * 255, True),
        ("", False),
        ("x" * 256, False),
        ("two words", False),
        ("clé", False),
    ],
)
def test_the_idempotency_key_is_declared_as_the_api_reads_it(key, accepted):
    operation = openapi_document()["paths"]["/api/v1/applications"]["post"]
    (header,) = [p for p in operation["parameters"] if p["in"] == "header"]
    assert header["name"] == IDEMPOTENCY_HEADER and not header["required"]
    assert (re.search(header["schema"]["pattern"], key) is not None) == accepted
    assert (IDEMPOTENCY_KEY.fullmatch(key) is not None) == accepted


def test_the_decision_request_declares_the_reason_limit_the_store_keeps():
    decision = openapi_document()["components"]["schemas"]["DecisionRequest"]
    assert decision["properties"]["reason"]["maxLength"] == MAX_REASON_CHARS
    assert decision["properties"]["final_decision"]["enum"] == ["accept", "refuse"]
