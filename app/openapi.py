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
from model_training.concepts import CONCEPTS
from model_training.credit_file import MAX_RECORDS, REQUIRED_APPLICATION_FIELDS, credit_file_json_schema
from model_training.decision import DECISIONS, RULE
from model_training.schema import CLIENT_ID
from model_training.store.applications import MAX_REASON_CHARS
from model_training.store.tables import NEW_CLIENT_BASE

_ERROR = {"$ref": "#/components/schemas/Error"}


#: A complete application (every required field, a few others), the example of both request bodies.
APPLICATION_EXAMPLE: dict[str, Any] = {
    "NAME_CONTRACT_TYPE": "Cash loans",
    "AMT_INCOME_TOTAL": 135000.0,
    "AMT_CREDIT": 568800.0,
    "AMT_ANNUITY": 20560.5,
    "AMT_GOODS_PRICE": 450000.0,
    "DAYS_BIRTH": -19241,
    "DAYS_EMPLOYED": -2329,
    "NAME_INCOME_TYPE": "Working",
    "NAME_EDUCATION_TYPE": "Higher education",
    "NAME_FAMILY_STATUS": "Married",
    "NAME_HOUSING_TYPE": "House / apartment",
    "CNT_CHILDREN": 0,
    "CNT_FAM_MEMBERS": 2.0,
    "FLAG_OWN_CAR": "N",
    "FLAG_OWN_REALTY": "Y",
    "EXT_SOURCE_2": 0.79,
}


def _required(properties: dict[str, Any], names: tuple[str, ...]) -> None:
    """A required field cannot be null either: null is a missing value, and "incomplete application"."""
    for name in names:
        field = properties[name] = dict(properties[name])
        field.pop("nullable", None)
        if field.get("default", 0) is None:
            del field["default"]
        if "enum" in field:
            field["enum"] = [level for level in field["enum"] if level is not None]


def _application_fields() -> dict[str, object]:
    properties = {name: field_schema(column) for name, column in application_columns().items()}
    _required(properties, REQUIRED_APPLICATION_FIELDS)
    return {
        "type": "object",
        "description": "Kaggle application_test fields; a field left out is a missing value, as in the data,"
        " but the fields a lender always has are required (400 incomplete_application otherwise).",
        "properties": properties,
        "required": list(REQUIRED_APPLICATION_FIELDS),
        "additionalProperties": False,
        "example": APPLICATION_EXAMPLE,
    }


#: The credit file's record schemas are named as its pydantic models, but for the application's record:
#: "Application" already names the fields of POST /score.
_RENAMED = {"Application": "CreditFileApplication"}


def _component(name: str) -> str:
    return _RENAMED.get(name, name)


def _openapi_30(node: Any) -> Any:
    """A pydantic JSON Schema (2020-12) in OpenAPI 3.0's dialect: `$defs` refs point into components,
    `anyOf [X, null]` is X with `nullable` (and null among an enum's values), `const` is a one-value enum;
    pydantic's generated titles are left out."""
    if isinstance(node, list):
        return [_openapi_30(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _openapi_30(value) for key, value in node.items() if key != "title"}
    if "$ref" in node:
        node["$ref"] = "#/components/schemas/" + _component(node["$ref"].rsplit("/", 1)[-1])
    branches = node.get("anyOf")
    if isinstance(branches, list) and {"type": "null"} in branches:
        others = [branch for branch in node.pop("anyOf") if branch != {"type": "null"}]
        node = {**others[0], **node} if len(others) == 1 else {**node, "anyOf": others}
        node["nullable"] = True
        if "enum" in node:
            node["enum"] = [*node["enum"], None]
    if "const" in node:
        node["enum"] = [node.pop("const")]
    return node


#: A small credit file: the application, one credit at the bureau with two months, one earlier
#: application with one instalment.
CREDIT_FILE_EXAMPLE: dict[str, Any] = {
    "application": APPLICATION_EXAMPLE,
    "bureau": [
        {
            "CREDIT_ACTIVE": "Closed",
            "CREDIT_CURRENCY": "currency 1",
            "DAYS_CREDIT": -1500,
            "CREDIT_DAY_OVERDUE": 0,
            "AMT_CREDIT_SUM": 90000.0,
            "CREDIT_TYPE": "Consumer credit",
            "DAYS_CREDIT_UPDATE": -1200,
            "bureau_balance": [{"MONTHS_BALANCE": -2, "STATUS": "0"}, {"MONTHS_BALANCE": -1, "STATUS": "C"}],
        }
    ],
    "previous_application": [
        {
            "NAME_CONTRACT_TYPE": "Consumer loans",
            "AMT_ANNUITY": 5000.0,
            "AMT_APPLICATION": 45000.0,
            "AMT_CREDIT": 45000.0,
            "NAME_CONTRACT_STATUS": "Approved",
            "DAYS_DECISION": -800,
            "CNT_PAYMENT": 12.0,
            "installments_payments": [
                {
                    "NUM_INSTALMENT_VERSION": 1.0,
                    "NUM_INSTALMENT_NUMBER": 1,
                    "DAYS_INSTALMENT": -770.0,
                    "DAYS_ENTRY_PAYMENT": -772.0,
                    "AMT_INSTALMENT": 5000.0,
                    "AMT_PAYMENT": 5000.0,
                }
            ],
        }
    ],
}


def credit_file_schemas() -> dict[str, Any]:
    """The credit file's schemas for components/schemas, from the pydantic models that validate it
    (`credit_file_json_schema`), with the required application fields declared as such."""
    schema = credit_file_json_schema()
    definitions = schema.pop("$defs")
    schemas = {_component(name): _openapi_30(body) for name, body in definitions.items()}
    application = schemas["CreditFileApplication"]
    application["properties"] = dict(application["properties"])
    _required(application["properties"], REQUIRED_APPLICATION_FIELDS)
    application["required"] = list(REQUIRED_APPLICATION_FIELDS)
    root = _openapi_30(schema)
    root["description"] = (
        "One applicant's credit file: the application and the records of the six side tables nested under"
        " it, with the Kaggle column names (keys such as SK_ID_BUREAU and SK_ID_PREV are given by the"
        f" nesting, never sent). At most {MAX_RECORDS['bureau']} bureau credits and"
        f" {MAX_RECORDS['previous_application']} earlier applications; an absent field is a missing value."
    )
    root["example"] = CREDIT_FILE_EXAMPLE
    return {"CreditFile": root, **schemas}


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
    "/api/v1/applications": (_LANG, _REASONS),
    "/api/v1/applications/{application_id}": (_LANG,),
    "/api/v1/applications/{application_id}/decision": (_LANG,),
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


_APPLICATION_ID = {
    "name": "application_id",
    "in": "path",
    "required": True,
    "description": "The id POST /api/v1/applications answered.",
    "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
}
_IDEMPOTENCY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "A key of yours for this application (a UUID...): a retry with the same key and body"
    " answers the first application instead of storing it again; the same key with another body is a 409."
    " Keys are per API user.",
    "schema": {"type": "string", "pattern": "^[!-~]{1,255}$", "minLength": 1, "maxLength": 255},
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
                "description": "One message per bad field or query parameter (400 only).",
            },
        },
    },
    "Reason": {
        "type": "object",
        "description": "A concept's part in the score (model_training.concepts), told through its feature"
        " that pushes its way the most.",
        "properties": {
            "concept": {"type": "string", "enum": [c.key for c in CONCEPTS]},
            "label": {
                "type": "string",
                "description": "The concept's words.",
                "example": "Revenus et charges",
            },
            "points": {
                "type": "number",
                "description": "Step in probability (0.062 = 6.2 points) walking the concepts by influence.",
            },
            "contribution": {"type": "number", "description": "Sum of the concept's calibrated log-odds."},
            "feature": {"type": "string"},
            "feature_label": {"type": "string"},
            "value_text": {"type": "string"},
            "standing": {
                "type": "string",
                "nullable": True,
                "enum": ["lowest10", "lowest20", "typical", "highest20", "highest10", None],
                "description": "Where the client stands among the reference applicants.",
            },
            "sentence": {
                "type": "string",
                "example": "Scores de crédit externes — score externe 2 : parmi les 10 % les plus bas des"
                " demandeurs. Augmente le risque de 6,2 points.",
            },
        },
    },
    "Concept": {
        "type": "object",
        "properties": {
            "concept": {"type": "string", "enum": [c.key for c in CONCEPTS]},
            "label": {"type": "string"},
            "contribution": {"type": "number", "description": "Sum of its features' calibrated log-odds."},
            "points": {"type": "number", "description": "Step in probability; the steps add up to it."},
            "features": {"type": "array", "items": {"type": "string"}},
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
            "recourse": {"$ref": "#/components/schemas/Recourse"},
            "lang": {"type": "string"},
        },
    },
    "Offer": {
        "type": "object",
        "description": "An acceptable loan within the product's limits, re-scored (app.recourse).",
        "required": ["kind", "amount", "term_months", "monthly_payment", "probability", "changes"],
        "properties": {
            "kind": {"type": "string", "enum": ["lower_amount", "longer_term", "both"]},
            "amount": {"type": "number", "nullable": True, "description": "AMT_CREDIT, euros."},
            "term_months": {
                "type": "integer",
                "nullable": True,
                "description": "Null for a revolving credit.",
            },
            "monthly_payment": {
                "type": "number",
                "nullable": True,
                "description": "AMT_ANNUITY: a level payment at the loan's own rate over the term.",
            },
            "probability": {"type": "number", "nullable": True, "description": "Under the threshold."},
            "changes": {
                "type": "object",
                "additionalProperties": {"type": "number", "nullable": True},
                "description": "The Kaggle fields to change (AMT_CREDIT, AMT_ANNUITY, AMT_GOODS_PRICE).",
            },
        },
    },
    "Recourse": {
        "type": "object",
        "nullable": True,
        "description": "What would change the decision; null for a reference client (a past decision).",
        "required": ["status", "offers", "current"],
        "properties": {
            "status": {
                "type": "string",
                "enum": ["accepted", "offers", "none"],
                "description": "accepted: nothing to change; none: nothing within the limits is acceptable.",
            },
            "offers": {"type": "array", "items": {"$ref": "#/components/schemas/Offer"}},
            "current": {
                "type": "object",
                "properties": {
                    "amount": {"type": "number", "nullable": True},
                    "term_months": {"type": "integer", "nullable": True},
                    "monthly_payment": {"type": "number", "nullable": True},
                    "probability": {"type": "number", "nullable": True},
                },
            },
            "threshold": {"type": "number", "nullable": True},
            "limits": {
                "type": "object",
                "properties": {
                    "smallest_amount": {"type": "number"},
                    "longest_term_months": {"type": "integer"},
                },
            },
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
                    "concepts": {"type": "array", "items": {"$ref": "#/components/schemas/Concept"}},
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
                                "concept": {"type": "string", "enum": [c.key for c in CONCEPTS]},
                            },
                        },
                    },
                },
            },
        ]
    },
    "Application": _application_fields(),
    "ApplicationScore": {
        "allOf": [
            {"$ref": "#/components/schemas/Score"},
            {
                "type": "object",
                "required": ["application_id", "client_id", "batch", "received_at", "reasons"],
                "properties": {
                    "application_id": {"type": "integer", "description": "GET /api/v1/applications/{id}"},
                    "client_id": {
                        "type": "integer",
                        "description": "The application's SK_ID_CURR, or the number the store gave a new"
                        f" client (from {NEW_CLIENT_BASE:,}); GET /api/v1/clients/{{id}}/score serves it.",
                    },
                    "batch": {"type": "string", "example": "api-2026-12-05"},
                    "received_at": {"type": "string", "format": "date-time"},
                },
            },
        ]
    },
    "StoredReason": {
        "type": "object",
        "description": "One of the strongest contributions, language-free (calibrated log-odds).",
        "properties": {
            "feature": {"type": "string"},
            "contribution": {"type": "number"},
            "value": {"type": "number", "nullable": True},
            "concept": {"type": "string", "description": "The feature's concept (model_training.concepts)."},
        },
    },
    "StoredScore": {
        "type": "object",
        "description": "What one model said about the application; never changed afterwards.",
        "properties": {
            "score_id": {"type": "integer"},
            "application_id": {"type": "integer"},
            "model_name": {"type": "string"},
            "model_version": {"type": "string"},
            "model_run_id": {"type": "string"},
            "threshold": {"type": "number"},
            "probability": {"type": "number", "minimum": 0, "maximum": 1},
            "decision": {"type": "string", "enum": list(DECISIONS)},
            "reasons": {"type": "array", "items": {"$ref": "#/components/schemas/StoredReason"}},
            "scored_at": {"type": "string", "format": "date-time"},
            "scored_by": {"type": "string"},
        },
    },
    "HumanDecision": {
        "type": "object",
        "description": "The advisor's final decision; the latest one is in force.",
        "properties": {
            "decision_id": {"type": "integer"},
            "application_id": {"type": "integer"},
            "score_id": {"type": "integer", "description": "The score the advisor decided on."},
            "model_decision": {"type": "string", "enum": list(DECISIONS)},
            "final_decision": {"type": "string", "enum": list(DECISIONS)},
            "follows_model": {"type": "boolean"},
            "reason": {"type": "string", "nullable": True},
            "decided_by": {"type": "string"},
            "decided_at": {"type": "string", "format": "date-time"},
        },
    },
    "StoredApplication": {
        "type": "object",
        "required": ["application_id", "client_id", "batch", "source", "received_at", "scores"],
        "properties": {
            "schema_version": {"type": "integer"},
            "application_id": {"type": "integer"},
            "client_id": {"type": "integer"},
            "batch": {"type": "string"},
            "source": {"type": "string", "enum": ["api", "form", "batch", "export"]},
            "received_at": {"type": "string", "format": "date-time"},
            "received_by": {"type": "string"},
            "scores": {"type": "array", "items": {"$ref": "#/components/schemas/StoredScore"}},
            "decisions": {"type": "array", "items": {"$ref": "#/components/schemas/HumanDecision"}},
            "credit_file": {
                "type": "object",
                "description": "The file as received (side tables absent when they stayed in a batch's"
                " own files).",
            },
        },
    },
    "DecisionRequest": {
        "type": "object",
        "required": ["final_decision"],
        "additionalProperties": False,
        "properties": {
            "final_decision": {"type": "string", "enum": list(DECISIONS)},
            "reason": {
                "type": "string",
                "nullable": True,
                "maxLength": MAX_REASON_CHARS,
                "description": "Required when the final decision differs from the model's (400 otherwise).",
            },
        },
        "example": {"final_decision": "refuse", "reason": "Revenus non justifiés"},
    },
    "Decision": {
        "allOf": [
            {"$ref": "#/components/schemas/HumanDecision"},
            {
                "type": "object",
                "properties": {
                    "client_id": {"type": "integer"},
                    "probability": {"type": "number", "description": "The model's, unchanged."},
                },
            },
        ]
    },
}


_INTERVAL = {
    "type": "object",
    "nullable": True,
    "description": "A figure and its 95 % percentile bootstrap interval; `reason` says why one is missing.",
    "required": ["value", "low", "high", "reason"],
    "properties": {
        "value": {"type": "number", "nullable": True},
        "low": {"type": "number", "nullable": True},
        "high": {"type": "number", "nullable": True},
        "reason": {"type": "string", "nullable": True},
    },
}
#: GET /api/v1/monitoring (app/api_monitoring.py).
_MONITORING_SCHEMAS: dict[str, object] = {
    "Interval": _INTERVAL,
    "BatchMonitoring": {
        "type": "object",
        "required": ["batch", "n", "score_psi", "drifted_features", "n_outcomes", "roc_auc", "cost"],
        "properties": {
            "batch": {"type": "string"},
            "n": {"type": "integer", "description": "Applications of the batch the serving model scored."},
            "score_psi": {
                "type": "number",
                "nullable": True,
                "description": "The score's PSI against training (null until `drift --batch` ran).",
            },
            "drifted_features": {
                "type": "array",
                "nullable": True,
                "items": {"type": "string"},
                "description": "The model's important features that drifted (null without a drift record).",
            },
            "n_outcomes": {"type": "integer", "description": "Applications with a known outcome."},
            "roc_auc": {"$ref": "#/components/schemas/Interval"},
            "cost": {"$ref": "#/components/schemas/Interval"},
            "approval_rate": {"$ref": "#/components/schemas/Interval"},
            "default_rate": {"$ref": "#/components/schemas/Interval"},
            "cost_warning": {
                "type": "boolean",
                "nullable": True,
                "description": "The cross-validated cost lies outside the observed cost's interval.",
            },
            "calibration": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "n": {"type": "integer"},
                        "predicted": {"type": "number"},
                        "observed": {"$ref": "#/components/schemas/Interval"},
                    },
                },
            },
        },
    },
    "Monitoring": {
        "type": "object",
        "required": ["model", "cross_validation", "batches"],
        "properties": {
            "model": {"type": "object"},
            "cross_validation": {
                "type": "object",
                "properties": {"roc_auc": {"type": "number"}, "cost": {"type": "number"}},
            },
            "batches": {"type": "array", "items": {"$ref": "#/components/schemas/BatchMonitoring"}},
        },
    },
}


def openapi_document(model_version: str = "", example_client: int | None = None) -> dict[str, Any]:
    """The OpenAPI 3.0 document of /api/v1; `example_client` is a stored client's id, shown as the example."""
    client_id = _client_id(example_client)
    application_id = _APPLICATION_ID
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
            "/api/v1/monitoring": {
                "get": {
                    "summary": "Drift and real performance of the serving model, batch by batch",
                    "responses": {
                        "200": _response(
                            "Per batch: applicants, score PSI, drifted important features and, once outcomes"
                            " are known, ROC AUC, cost, approval and default rates with bootstrap intervals.",
                            "#/components/schemas/Monitoring",
                        )
                    },
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
                            " contradict each other (an annuity above the credit...), a bad query parameter;"
                            " an incomplete application (error incomplete_application, naming the missing"
                            " required fields): no decision is made without them."
                        ),
                        "415": _error("The body is not JSON."),
                    },
                }
            },
            "/api/v1/applications": {
                "post": {
                    "summary": "Store and score a new application with its credit file",
                    "description": "The answer is the stored score with its principal reasons. With an"
                    " Idempotency-Key, a retry of the same body answers the first application (200)"
                    " and stores nothing.",
                    "parameters": [_IDEMPOTENCY, *QUERY_PARAMETERS["/api/v1/applications"]],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/CreditFile"}}
                        },
                    },
                    "responses": {
                        "201": _response("Stored and scored.", "#/components/schemas/ApplicationScore"),
                        "200": _response(
                            "A retry with the same Idempotency-Key and body: the first answer.",
                            "#/components/schemas/ApplicationScore",
                        ),
                        "400": _error(
                            "A message per bad path in `fields` (`bureau[2].AMT_CREDIT_SUM`): wrong type,"
                            " unknown value or field, a record in the wrong place, too many records; an"
                            " incomplete application (error incomplete_application, naming the missing"
                            " fields); a malformed Idempotency-Key; a bad query parameter; unreadable JSON."
                        ),
                        "409": _error(
                            "The Idempotency-Key was already used with another body (idempotency_conflict),"
                            " or its application was scored by a model that no longer serves (not_scored)."
                        ),
                        "413": _error("The body is larger than the API takes."),
                        "415": _error("The body is not JSON."),
                    },
                }
            },
            "/api/v1/applications/{application_id}": {
                "get": {
                    "summary": "A stored application: its scores, decisions and the credit file as received",
                    "parameters": [
                        application_id,
                        *QUERY_PARAMETERS["/api/v1/applications/{application_id}"],
                    ],
                    "responses": {
                        "200": _response("The application.", "#/components/schemas/StoredApplication"),
                        "400": bad_query,
                        "404": _error("Unknown application or not a whole-number id."),
                    },
                }
            },
            "/api/v1/applications/{application_id}/decision": {
                "post": {
                    "summary": "Record the advisor's final decision: follow the model, or override it with"
                    " a reason",
                    "description": "The model's score is never changed; the decision is audited.",
                    "parameters": [
                        application_id,
                        *QUERY_PARAMETERS["/api/v1/applications/{application_id}/decision"],
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/DecisionRequest"}}
                        },
                    },
                    "responses": {
                        "201": _response("Recorded.", "#/components/schemas/Decision"),
                        "400": _error(
                            "A message per bad field; an override without a reason (error reason_required)."
                        ),
                        "404": _error("Unknown application or not a whole-number id."),
                        "409": _error("The serving model has not scored this application."),
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
        "components": {"schemas": {**_SCHEMAS, **_MONITORING_SCHEMAS, **credit_file_schemas()}},
    }
    return _secured(document)


#: Routes open without a token; routes open to administrators only (app/api.py `route(..., roles=...)`).
PUBLIC_PATHS = ("/api/v1/health",)
ADMIN_PATHS = ("/api/v1/model", "/api/v1/monitoring")
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
