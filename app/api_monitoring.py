"""`GET /api/v1/monitoring` (administrators): the serving model batch by batch, what the model page shows.

Per stored batch: `batch`, `n` (applications the serving model scored), the drift record's `score_psi` and
drifted important features (null until `drift --batch` has run), and once outcomes are known (`outcomes
--file`) `n_outcomes`, `roc_auc`, `cost`, `approval_rate`, `default_rate` and the calibration by decile, each
figure with its bootstrap interval (`{value, low, high, reason}`), beside what cross-validation promised.
Everything is read from the monitoring records of the store; nothing is computed on the request.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from app.api import route
from app.services import get_services
from model_training.batch_performance import performance_by_batch, scored_counts
from model_training.contract.monitoring import (
    BATCH_DRIFT,
    BatchDrift,
    BatchPerformance,
    Interval,
)
from model_training.scorer import ModelIdentity
from model_training.store import applications as store


def interval_json(interval: Interval) -> dict[str, Any]:
    return {"value": interval.value, "low": interval.low, "high": interval.high, "reason": interval.reason}


def performance_json(record: BatchPerformance | None) -> dict[str, Any]:
    """The performance fields of a batch's entry (null figures when no outcome is known)."""
    if record is None or record.n_outcomes == 0:
        return {
            "n_outcomes": 0,
            **dict.fromkeys(("roc_auc", "cost", "approval_rate", "default_rate", "cost_warning")),
            "calibration": [],
        }
    return {
        "n_outcomes": record.n_outcomes,
        "roc_auc": interval_json(record.roc_auc),
        "cost": interval_json(record.cost),
        "approval_rate": interval_json(record.approval_rate),
        "default_rate": interval_json(record.default_rate),
        "cost_warning": record.cost_warning,
        "calibration": [
            {"n": b.n, "predicted": b.predicted, "observed": interval_json(b.observed)}
            for b in record.calibration
        ],
    }


def monitoring_answer(engine: Any, model: ModelIdentity, cv_roc_auc: float, cv_cost: float) -> dict[str, Any]:
    """The monitoring of `model`, one entry per batch it scored (the newest batch first)."""
    drift = {
        r.subject: r
        for r in store.monitoring_records(engine, BATCH_DRIFT, BatchDrift, model)
        if r.window == "batch"
    }
    performance = performance_by_batch(engine, model)
    scored = scored_counts(engine, model)
    order = [b["name"] for b in store.batch_names(engine) if b["name"] in scored]
    batches = []
    for batch in order:
        found = drift.get(batch)
        batches.append(
            {
                "batch": batch,
                "n": scored[batch],
                "score_psi": None if found is None else found.score_psi,
                "drifted_features": None if found is None else list(found.drifted_features),
                **performance_json(performance.get(batch)),
            }
        )
    return {
        "model": {
            "name": model.name,
            "version": model.version,
            "run_id": model.run_id,
            "threshold": model.threshold,
        },
        "cross_validation": {"roc_auc": cv_roc_auc, "cost": cv_cost},
        "batches": batches,
    }


@route("/monitoring", ("GET",), roles=("admin",))
def monitoring() -> Response:
    """Drift and real performance of the serving model, batch by batch (admins)."""
    services = get_services()
    repository = services.applications
    cv = services.artifacts.model.cv_metrics
    return jsonify(monitoring_answer(repository.engine, repository.model, cv.roc_auc, cv.business_cost))
