"""Monitoring records: what the store's batches showed once the model was in production, one record per
batch (or calendar window) and model, kept in the app database (`monitoring_records`, written with
`model_training.store.applications.put_monitoring_record`, read with `monitoring_records`).

`BatchDrift` (kind "batch_drift"): the batch's applicants against the training reference, the score's PSI
and the drift of the model's most important features. `BatchPerformance` (kind "batch_performance"): once
outcomes are known, what the model really did on the batch, each figure with a bootstrap interval, beside
what cross-validation promised.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from model_training.contract._base import Record

BATCH_DRIFT, BATCH_PERFORMANCE = "batch_drift", "batch_performance"


def batch_drift_key(window: str, subject: str) -> str:
    """Subject under which a drift record is stored (`BatchDrift.key`)."""
    return subject if window == "batch" else f"{window}:{subject}"


@dataclass(frozen=True)
class FeatureDrift:
    """One of the model's important features on the batch against the training reference."""

    feature: str
    #: 1 for the model's most important feature (mean |SHAP| on the reference)
    importance_rank: int
    drifted: bool
    #: evidently's drift score for the column and the method that gave it (Wasserstein, Jensen-Shannon...)
    score: float
    method: str
    #: the population stability index over reference deciles, when the feature is a number
    psi: float | None = None


@dataclass(frozen=True)
class BatchDrift(Record):
    """A batch's (or a window's) data drift against the training reference."""

    FILE: ClassVar[str] = "monitoring_records[batch_drift]"
    SCHEMA_VERSION: ClassVar[int] = 1
    REBUILD: ClassVar[str] = "python -m model_training drift --batch NAME --artifacts {folder}"
    WHAT: ClassVar[str] = "a batch's drift record"
    ALLOW_NAN: ClassVar[bool] = False

    #: the batch's name, or the window's label ("2026-03" for a month, "2026-W10" for a week)
    subject: str
    #: "batch", "month" or "week"
    window: str
    #: the first and last day (ISO) the compared applications were received
    first_received: str | None
    last_received: str | None
    model_name: str
    model_version: str
    model_run_id: str
    #: applications compared
    n: int
    score_psi: float
    #: stable (< 0.1), moderate (0.1 to 0.25), significant (> 0.25)
    score_psi_reading: str
    #: the model's most important features, most important first
    features: tuple[FeatureDrift, ...]
    #: evidently's dataset verdict (share of drifted columns against its threshold)
    dataset_drifted: bool
    drifted_share: float
    #: the batch's evidently report, relative to the artifacts folder, when it was written
    report: str | None
    computed_at: str
    #: important features left out of the comparison (no value on one side: evidently cannot compare them)
    not_compared: tuple[str, ...] = ()
    #: applicants compared on each side (a seeded sample beyond model_training.drift.MAX_ROWS)
    n_compared: int | None = None
    reference_n: int | None = None

    @property
    def key(self) -> str:
        """The record's subject in the store: a batch by its name, a window prefixed by its kind
        ("month:2026-03"), so that the month 2026-03 never replaces the batch named 2026-03."""
        return batch_drift_key(self.window, self.subject)

    @property
    def drifted_features(self) -> tuple[str, ...]:
        """Important features that drifted: a warning even when the dataset-level rule says no drift."""
        return tuple(f.feature for f in self.features if f.drifted)

    def check(self) -> tuple[str, str] | None:
        if self.window not in ("batch", "month", "week"):
            return "window", f"is {self.window!r}, expected batch, month or week"
        if self.n < 0 or not math.isfinite(self.score_psi):
            return "n", "and score_psi must be a count and a finite number"
        return None


@dataclass(frozen=True)
class Interval:
    """A figure and its bootstrap interval (None when there is too little data to say)."""

    value: float | None
    low: float | None
    high: float | None
    #: why the figure or its interval is missing (too few outcomes, a single class), None when both are there
    reason: str | None = None

    def holds(self, figure: float) -> bool:
        """Whether `figure` lies inside the interval (always, when there is no interval)."""
        return self.low is None or self.high is None or self.low <= figure <= self.high


@dataclass(frozen=True)
class CalibrationBin:
    """One decile of the predicted probability: what was predicted, what was observed."""

    n: int
    predicted: float
    observed: Interval


@dataclass(frozen=True)
class BatchPerformance(Record):
    """What the model really did on a batch's applications whose outcome is known (matured)."""

    FILE: ClassVar[str] = "monitoring_records[batch_performance]"
    SCHEMA_VERSION: ClassVar[int] = 1
    REBUILD: ClassVar[str] = "python -m model_training outcomes --file FILE.csv --artifacts {folder}"
    WHAT: ClassVar[str] = "a batch's performance record"
    ALLOW_NAN: ClassVar[bool] = False

    subject: str
    window: str
    model_name: str
    model_version: str
    model_run_id: str
    threshold: float
    #: applications of the batch scored by this model, and those with a known outcome
    n: int
    n_outcomes: int
    roc_auc: Interval
    #: business cost per applicant at the threshold (cost_fn per missed default, cost_fp per good refused)
    cost: Interval
    approval_rate: Interval
    default_rate: Interval
    calibration: tuple[CalibrationBin, ...]
    #: what cross-validation promised (serving.json): ROC AUC and cost per applicant
    cv_roc_auc: float | None
    cv_cost: float | None
    #: the cross-validated cost lies outside the observed cost's interval: the model no longer performs as
    #: promised (or never did on this population)
    cost_warning: bool
    bootstrap_samples: int
    computed_at: str
