import re

from app.api import ROUTES
from app.openapi import openapi_document


def _openapi_path(flask_rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", flask_rule)


def test_every_route_is_described_with_its_methods():
    paths = openapi_document()["paths"]
    described = {(path, method.upper()) for path, operations in paths.items() for method in operations}
    served = {(_openapi_path(rule), method) for rule, methods in ROUTES for method in methods}
    assert served == described


def test_every_application_field_is_documented():
    fields = openapi_document()["components"]["schemas"]["Application"]["properties"]
    assert {"AMT_CREDIT", "NAME_CONTRACT_TYPE", "EXT_SOURCE_2"} <= set(fields)
    assert "TARGET" not in fields
    assert fields["NAME_CONTRACT_TYPE"]["enum"] == ["Cash loans", "Revolving loans"]


def test_decision_enum_is_the_shared_codes():
    decision = openapi_document()["components"]["schemas"]["Score"]["properties"]["decision"]
    assert decision["enum"] == ["accept", "refuse"]
