"""governance.json: the governance audit of the final configuration's out-of-fold scores.

Computed by model_training.governance at training, logged on the MLflow parent run
(`governance/governance.json`, without `registry` and `tracking`, which exist only once the model is
registered) and exported with the model; read by the model page (app.governance) and the methodology note
(model_training.report).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from model_training.contract._base import Record


@dataclass(frozen=True)
class ModelFeatures:
    """The model's feature list and the features derived from the applicant's sex and age."""

    count: int
    names: tuple[str, ...]
    gender_derived: tuple[str, ...]
    age_derived: tuple[str, ...]


@dataclass(frozen=True)
class RatioOptimum:
    """The cheapest threshold when a defaulter accepted costs ``ratio`` good clients refused."""

    ratio: float
    threshold: float
    cost: float
    approval_rate: float

    @property
    def cost_per_1000(self) -> float:
        return 1000.0 * self.cost


@dataclass(frozen=True)
class CalibrationSummary:
    """Reliability bins, Brier score, expected calibration error and the worst bin."""

    bins: int
    binning: str
    mean_predicted: tuple[float, ...]
    observed_rate: tuple[float, ...]
    count: tuple[int, ...]
    brier: float
    expected_calibration_error: float | None
    largest_gap: float | None
    largest_gap_bin: int


@dataclass(frozen=True)
class Tolerance:
    """When the largest gap of a metric between judged groups is flagged.

    ``kind`` "ratio": flagged when lowest / highest < limit (four-fifths rule); "difference": flagged when
    highest - lowest > limit; "context": shown, never flagged (what happened, not what the model did).
    """

    kind: str
    limit: float | None
    rule: str


@dataclass(frozen=True)
class GroupMetrics:
    """Outcomes and decisions of one group at the production threshold.

    FNR: share of the group's defaulters the model accepts (the lender's loss); FPR: share of its good
    clients the model refuses (the applicants' harm). A metric is None when its denominator is empty.
    """

    attribute: str
    group: str
    n: int
    defaulters: int
    default_rate: float
    approval_rate: float
    fnr: float | None
    fpr: float | None
    auc: float | None
    judged: dict[str, bool] = field(default_factory=dict)

    def metric(self, name: str) -> float | None:
        """One of the fairness metrics by name (the tables loop over them)."""
        value = getattr(self, name)
        return None if value is None else float(value)


@dataclass(frozen=True)
class Gap:
    """The largest gap of one metric between the judged groups of one attribute, and its verdict.

    ``status``: "flagged" (beyond tolerance), "within", "context" (never flagged) or "too_small" (fewer than
    two groups large enough to judge). ``noise`` is two standard errors of the difference of the two rates,
    to tell a real gap from sampling noise (None for AUC).
    """

    attribute: str
    metric: str
    status: str
    highest_group: str | None = None
    highest: float | None = None
    lowest_group: str | None = None
    lowest: float | None = None
    gap: float | None = None
    ratio: float | None = None
    noise: float | None = None
    tolerance: str = ""


@dataclass(frozen=True)
class AttributeAudit:
    """One protected attribute: the column it comes from, its groups and the largest gap per metric."""

    source: str
    groups: tuple[GroupMetrics, ...]
    gaps: tuple[Gap, ...]


@dataclass(frozen=True)
class Fairness:
    """The fairness audit at the production threshold."""

    threshold: float
    min_count: int
    tolerances: dict[str, Tolerance]
    attributes: dict[str, AttributeAudit]
    flagged: int

    @property
    def gaps(self) -> list[Gap]:
        """Every attribute's gaps, in order."""
        return [gap for audit in self.attributes.values() for gap in audit.gaps]


@dataclass(frozen=True)
class RegistryVersion:
    """One registered version as the registry snapshot saw it at export."""

    version: str
    aliases: tuple[str, ...]
    run_id: str | None
    created_at: str | None
    candidate: str | None
    cv_business_cost: float | None
    cv_roc_auc: float | None
    cv_roc_auc_fold_std: float | None
    threshold: float | None
    cost_weights: str | None
    data_fingerprint: str | None


@dataclass(frozen=True)
class Registry:
    """The registered model, the version this export serves and every version, newest first."""

    name: str
    served_version: str | None
    versions: tuple[RegistryVersion, ...]


@dataclass(frozen=True)
class Tracking:
    """Where the run can be opened: its experiment and, for a tracking server, its http(s) address."""

    run_id: str
    experiment_id: str
    server: str | None


@dataclass(frozen=True)
class GovernanceRecord(Record):
    """governance.json (and `governance/governance.json` of the MLflow parent run)."""

    FILE: ClassVar[str] = "governance.json"
    SCHEMA_VERSION: ClassVar[int] = 1
    REBUILD: ClassVar[str] = "python -m model_training train --data DIR --out {folder}"
    WHAT: ClassVar[str] = "governance record"

    computed_on: str
    applicants: int
    threshold: float
    cost_fn: float
    cost_fp: float
    model_features: ModelFeatures
    cost_by_ratio: tuple[RatioOptimum, ...]
    calibration: CalibrationSummary
    fairness: Fairness
    #: filled once the model is registered: absent from the MLflow run's copy
    registry: Registry | None = None
    tracking: Tracking | None = None
