import re

import pytest

from app.api import ROUTES, openapi_path
from app.openapi import openapi_document
from app.validation import FieldErrors, application_columns, validate_application


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
    assert contract["nullable"] and "Cash loans, Revolving loans" in contract["description"]
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


def test_decision_enum_is_the_shared_codes():
    decision = openapi_document()["components"]["schemas"]["Score"]["properties"]["decision"]
    assert decision["enum"] == ["accept", "refuse"]
