"""The OpenAPI 3 description of `/api/v1`, written by hand (a test checks that every route is in it), with its
bearer-token scheme (every route but /health; /model for administrators only).

The application fields of `POST /score` are listed from the Kaggle schema, the one definition the loader,
the features and the validation share, each with the type, levels and range `app.validation` enforces
(`field_schema`); the query parameters' ranges come from there too. What the document declares is what the
API accepts: schemathesis checks both ways (tests/app/test_api_contract.py).
"""

from __future__ import annotations

from typing import Any

from app.i18n import LANGUAGES
from app.validation import (
    REASONS_PER_SIDE,
    TOP_CONTRIBUTIONS,
    Bounds,
    application_columns,
    field_bounds,
    field_schema,
)
from model_training.decision import DECISIONS, RULE
from model_training.schema import CLIENT_ID

_ERROR = {"$ref": "#/components/schemas/Error"}


def _application_fields() -> dict[str, object]:
    properties = {name: field_schema(column) for name, column in application_columns().items()}
    return {
        "type": "object",
        "description": "Kaggle application_test fields; a field left out is a missing value, as in the data.",
        "properties": properties,
        "additionalProperties": False,
        "example": {
            "AMT_INCOME_TOTAL": 135000,
            "AMT_CREDIT": 568800,
            "AMT_ANNUITY": 20560.5,
            "EXT_SOURCE_2": 0.79,
        },
    }


def _response(description: str, schema_ref: str) -> dict[str, object]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": schema_ref}}}}


def _error(description: str) -> dict[str, object]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR}}}


def _whole(bounds: Bounds) -> dict[str, object]:
    return {"type": "integer", "minimum": bounds.low, "maximum": bounds.high}


_LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "Language of labels and messages (else from Accept-Language, else the deployment's).",
    "schema": {"type": "string", "enum": list(LANGUAGES)},
}
_REASONS = {
    "name": "reasons",
    "in": "query",
    "required": False,
    "description": "How many reasons each way (default 3).",
    "schema": _whole(REASONS_PER_SIDE),
}
_TOP = {
    "name": "top",
    "in": "query",
    "required": False,
    "description": "Only the N strongest contributions (all of them when N is larger).",
    "schema": _whole(TOP_CONTRIBUTIONS),
}
#: The query parameters each route reads: app/api.py checks them from here, the document lists them.
QUERY_PARAMETERS: dict[str, tuple[dict[str, Any], ...]] = {
    "/api/v1/clients/{client_id}/score": (_LANG, _REASONS),
    "/api/v1/clients/{client_id}/explanation": (_LANG, _REASONS, _TOP),
    "/api/v1/score": (_LANG, _REASONS),
}


def _client_id(example: int | None) -> dict[str, object]:
    """The path's client id: a stored client's SK_ID_CURR, an int32 like the column."""
    id_range = field_bounds(CLIENT_ID)
    assert id_range is not None
    described: dict[str, object] = {
        "name": "client_id",
        "in": "path",
        "required": True,
        "description": "SK_ID_CURR of a production or reference client.",
        "schema": {"type": "integer", "minimum": 0, "maximum": id_range.high},
    }
    return described if example is None else described | {"example": example}


_SCHEMAS: dict[str, object] = {
    "Error": {
        "type": "object",
        "required": ["error", "status", "message"],
        "properties": {
            "error": {"type": "string", "example": "invalid_fields"},
            "status": {"type": "integer"},
            "message": {"type": "string"},
            "fields": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "One message per bad field or query parameter (400 only).",
            },
        },
    },
    "Reason": {
        "type": "object",
        "properties": {
            "feature": {"type": "string"},
            "label": {"type": "string"},
            "value_text": {"type": "string"},
            "contribution": {"type": "number", "description": "Calibrated log-odds."},
            "sentence": {"type": "string", "example": "Score externe 2 faible (0,21) : augmente le risque"},
        },
    },
    "Reasons": {
        "type": "object",
        "properties": {
            "raising": {"type": "array", "items": {"$ref": "#/components/schemas/Reason"}},
            "lowering": {"type": "array", "items": {"$ref": "#/components/schemas/Reason"}},
        },
    },
    "Score": {
        "type": "object",
        "required": ["probability", "decision", "threshold", "model_version"],
        "properties": {
            "client_id": {"type": "integer", "nullable": True},
            "probability": {"type": "number", "minimum": 0, "maximum": 1, "description": "Calibrated."},
            "decision": {
                "type": "string",
                "enum": list(DECISIONS),
                "description": f"Language-neutral code: {RULE}; decision_label carries the words.",
            },
            "decision_label": {"type": "string", "example": "Crédit accordé"},
            "threshold": {"type": "number"},
            "distance_to_threshold": {"type": "number", "description": "probability - threshold"},
            "model_version": {"type": "string"},
            "reasons": {"$ref": "#/components/schemas/Reasons"},
            "lang": {"type": "string"},
        },
    },
    "Explanation": {
        "allOf": [
            {"$ref": "#/components/schemas/Score"},
            {
                "type": "object",
                "properties": {
                    "base_value": {"type": "number"},
                    "base_probability": {"type": "number"},
                    "log_odds": {"type": "number", "description": "base_value + sum of contributions"},
                    "scale": {"type": "string", "example": "calibrated log-odds"},
                    "contributions": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "feature": {"type": "string"},
                                "label": {"type": "string"},
                                "value": {"type": "number", "nullable": True},
                                "value_text": {"type": "string"},
                                "contribution": {"type": "number"},
                            },
                        },
                    },
                },
            },
        ]
    },
    "Application": _application_fields(),
}


def openapi_document(model_version: str = "", example_client: int | None = None) -> dict[str, object]:
    """The OpenAPI 3.0 document of /api/v1; `example_client` is a stored client's id, shown as the example."""
    client_id = _client_id(example_client)
    bad_query = _error("A query parameter out of its range or not a whole number (named in `fields`).")
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {
            "title": "Prêt à dépenser – credit scoring API",
            "version": "1",
            "description": f"Scores and explains credit applications. Model version {model_version}.",
        },
        "paths": {
            "/api/v1/": {
                "get": {
                    "summary": "Where to start",
                    "responses": {"200": {"description": "Links to the routes."}},
                }
            },
            "/api/v1/health": {
                "get": {
                    "summary": "Service health",
                    "responses": {"200": {"description": "The service is up."}},
                }
            },
            "/api/v1/model": {
                "get": {
                    "summary": "The live model: version, run id, threshold, cross-validated metrics",
                    "responses": {"200": {"description": "Model card."}},
                }
            },
            "/api/v1/clients/{client_id}/score": {
                "get": {
                    "summary": "Score, decision and principal reasons of a stored client",
                    "parameters": [client_id, *QUERY_PARAMETERS["/api/v1/clients/{client_id}/score"]],
                    "responses": {
                        "200": _response("The client's score.", "#/components/schemas/Score"),
                        "400": bad_query,
                        "404": _error("Unknown client or not a whole-number id."),
                    },
                }
            },
            "/api/v1/clients/{client_id}/explanation": {
                "get": {
                    "summary": "Exact SHAP contributions of every feature (calibrated log-odds)",
                    "parameters": [client_id, *QUERY_PARAMETERS["/api/v1/clients/{client_id}/explanation"]],
                    "responses": {
                        "200": _response("The explanation.", "#/components/schemas/Explanation"),
                        "400": bad_query,
                        "404": _error("Unknown client or not a whole-number id."),
                    },
                }
            },
            "/api/v1/score": {
                "post": {
                    "summary": "Score a new application",
                    "parameters": [*QUERY_PARAMETERS["/api/v1/score"]],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Application"}}
                        },
                    },
                    "responses": {
                        "200": _response("The application's score.", "#/components/schemas/Score"),
                        "400": _error(
                            "A message per bad field: wrong type, out of range, unknown field, fields that"
                            " contradict each other (an annuity above the credit...), a bad query parameter."
                        ),
                        "415": _error("The body is not JSON."),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": {"description": "OpenAPI 3 document."}},
                }
            },
        },
        "components": {"schemas": _SCHEMAS},
    }
    return _secured(document)


#: Routes open without a token; routes open to administrators only (app/api.py `route(..., roles=...)`).
PUBLIC_PATHS = ("/api/v1/health",)
ADMIN_PATHS = ("/api/v1/model",)
_BEARER = {
    "type": "http",
    "scheme": "bearer",
    "description": "An API token issued with `python -m app.users token NAME`: "
    "`Authorization: Bearer <token>`. Tokens carry their user's role (advisor or admin).",
}


def _secured(document: dict[str, Any]) -> dict[str, Any]:
    """The bearer scheme on every operation but the public ones, with their 401 (and 403) answers."""
    document["components"]["securitySchemes"] = {"bearer": _BEARER}
    document["security"] = [{"bearer": []}]
    for path, operations in document["paths"].items():
        for operation in operations.values():
            if path in PUBLIC_PATHS:
                operation["security"] = []
                continue
            operation["responses"]["401"] = _error("No token, or an unknown or revoked one.")
            if path in ADMIN_PATHS:
                operation["responses"]["403"] = _error("The token's user is not an administrator.")
                operation["description"] = "Administrators only."
    return document
