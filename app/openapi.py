"""The OpenAPI 3 description of `/api/v1`, written by hand (a test checks that every route is in it), with its
bearer-token scheme (every route but /health; /model for administrators only).

The application fields of `POST /score` are listed from the Kaggle schema, the one definition the loader,
the features and the validation share.
"""

from __future__ import annotations

from typing import Any

from model_training import schema
from model_training.decision import DECISIONS, RULE

_KINDS = {"int": {"type": "integer"}, "float": {"type": "number"}}
_ERROR = {"$ref": "#/components/schemas/Error"}


def _application_fields() -> dict[str, object]:
    properties: dict[str, object] = {}
    for column in schema.columns("application_test"):
        if column.kind == "category":
            properties[column.name] = {"type": "string", "enum": [*column.levels], "nullable": True}
        else:
            properties[column.name] = {**_KINDS[column.kind], "nullable": True}
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


_LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "Language of labels and messages (fr by default, or from Accept-Language).",
    "schema": {"type": "string", "enum": ["fr", "en"]},
}
_REASONS = {
    "name": "reasons",
    "in": "query",
    "required": False,
    "description": "How many reasons each way (default 3).",
    "schema": {"type": "integer", "minimum": 0, "maximum": 50},
}
_CLIENT_ID = {
    "name": "client_id",
    "in": "path",
    "required": True,
    "description": "SK_ID_CURR of a production or reference client.",
    "schema": {"type": "integer"},
}

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
                "description": "One message per bad field (400 only).",
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


def openapi_document(model_version: str = "") -> dict[str, object]:
    """The OpenAPI 3.0 document of /api/v1."""
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
                    "parameters": [_CLIENT_ID, _LANG, _REASONS],
                    "responses": {
                        "200": _response("The client's score.", "#/components/schemas/Score"),
                        "404": _error("Unknown client or not a whole-number id."),
                    },
                }
            },
            "/api/v1/clients/{client_id}/explanation": {
                "get": {
                    "summary": "Exact SHAP contributions of every feature (calibrated log-odds)",
                    "parameters": [
                        _CLIENT_ID,
                        _LANG,
                        _REASONS,
                        {
                            "name": "top",
                            "in": "query",
                            "required": False,
                            "description": "Only the N strongest contributions.",
                            "schema": {"type": "integer", "minimum": 1},
                        },
                    ],
                    "responses": {
                        "200": _response("The explanation.", "#/components/schemas/Explanation"),
                        "404": _error("Unknown client or not a whole-number id."),
                    },
                }
            },
            "/api/v1/score": {
                "post": {
                    "summary": "Score a new application",
                    "parameters": [_LANG, _REASONS],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Application"}}
                        },
                    },
                    "responses": {
                        "200": _response("The application's score.", "#/components/schemas/Score"),
                        "400": _error("A message per bad field: wrong type, out of range, unknown field."),
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
