"""drift/summary.json: the drift report's verdicts, written by `python -m model_training drift`.

Read by the drift page at each request (a few kilobytes). The version field has always been called
`format_version` in this file; outside tools read it, so it keeps that name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from model_training.contract._base import Record


@dataclass(frozen=True)
class DriftSide:
    """One side of the comparison (reference: application_train, current: application_test)."""

    table: str
    rows: int
    rows_compared: int
    #: how the compared rows were drawn, None when all were compared
    sample: str | None


@dataclass(frozen=True)
class DriftData:
    folder: str | None
    reference: DriftSide
    current: DriftSide


@dataclass(frozen=True)
class DriftModel:
    """Whether the model's top features and score were compared (not without model artifacts)."""

    used: bool
    artifacts: str | None
    note: str
    top_features: tuple[str, ...]


@dataclass(frozen=True)
class DatasetDrift:
    """evidently's dataset verdict: drifted when the share of drifted columns reaches the threshold."""

    drifted: bool
    drifted_columns: int
    drifted_share: float
    drift_share_threshold: float
    test: str
    columns: int


@dataclass(frozen=True)
class ScoreDrift:
    """The score's PSI over reference deciles and its reading (stable / moderate / significant)."""

    column: str
    psi: float
    reading: str
    bins: int
    method: str
    threshold: float
    drifted: bool
    reference: str
    current: str


@dataclass(frozen=True)
class ColumnDrift:
    """One compared column: evidently's test, its score against the threshold, the model's importance."""

    column: str
    source: str
    type: str
    method: str
    #: "distance" (grows with drift) or "p_value" (shrinks with drift)
    score_kind: str
    drift_score: float
    threshold: float
    drifted: bool
    #: mean |SHAP|, None when the column is not a model feature
    importance: float | None


@dataclass(frozen=True)
class NotCompared:
    column: str
    reason: str


@dataclass(frozen=True)
class DriftSummary(Record):
    """drift/summary.json."""

    FILE: ClassVar[str] = "drift/summary.json"
    SCHEMA_VERSION: ClassVar[int] = 1
    VERSION_FIELD: ClassVar[str] = "format_version"
    REBUILD: ClassVar[str] = "python -m model_training drift --data DIR --artifacts {folder}"
    WHAT: ClassVar[str] = "drift summary"
    ALLOW_NAN: ClassVar[bool] = False

    built_at: str
    evidently_version: str
    data: DriftData
    model: DriftModel
    dataset: DatasetDrift
    #: None when no model was compared
    score: ScoreDrift | None
    #: drifted first, then by importance
    columns: tuple[ColumnDrift, ...]
    not_compared: tuple[NotCompared, ...]

    def check(self) -> tuple[str, str] | None:
        numbers = [
            ("dataset.drifted_share", self.dataset.drifted_share),
            ("dataset.drift_share_threshold", self.dataset.drift_share_threshold),
        ]
        if self.score is not None:
            numbers.append(("score.psi", self.score.psi))
        for i, column in enumerate(self.columns):
            numbers += [(f"columns[{i}].drift_score", column.drift_score)]
            numbers += [(f"columns[{i}].threshold", column.threshold)]
        for name, value in numbers:
            if not math.isfinite(value):
                return name, "is not a finite number"
        return None
