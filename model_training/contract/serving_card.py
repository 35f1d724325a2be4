"""serving.json: everything the app needs to score, decide and explain, and to say which model it is.

Written by training (model_training.export.serving_card), read by the app (app.artifacts.read_model_card)
and outside tools: field names are those serving.json has always had.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from model_training.contract._base import Record

#: A value of a hyperparameter or an option, as JSON holds it (bool before int: True is an int).
Scalar = bool | int | float | str | None


@dataclass(frozen=True)
class LocalText:
    """One text in French and in English (a feature's label or description)."""

    fr: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"fr": self.fr, "en": self.en}


@dataclass(frozen=True)
class ModelIdentity:
    """Which model this is: registry name and version, the run, the configuration that won."""

    name: str
    version: str | None
    alias: str | None
    is_champion: bool
    previous_champion: str | None
    registry_message: str
    run_id: str | None
    model_uri: str
    candidate: str
    model_type: str
    imbalance_strategy: str
    params: dict[str, Scalar]
    n_trees: int | None
    loading: str


@dataclass(frozen=True)
class Reliability:
    """Mean predicted probability and observed default rate per quantile bin (equal counts)."""

    mean_predicted: tuple[float, ...]
    observed_rate: tuple[float, ...]
    count: tuple[int, ...]


@dataclass(frozen=True)
class Calibration:
    """The Platt map: calibrated log-odds = a * raw log-odds + b."""

    method: str
    a: float
    b: float
    brier: float
    reliability: Reliability


@dataclass(frozen=True)
class CvMetrics:
    """Out-of-fold figures of the final configuration (model_training.evaluate), with folds and seed."""

    folds: int
    seed: int
    roc_auc_by_fold: tuple[float, ...]
    roc_auc: float
    roc_auc_fold_mean: float
    roc_auc_fold_std: float
    pr_auc: float
    business_cost: float
    threshold: float
    business_cost_at_0_5: float
    cost_accept_all: float
    cost_refuse_all: float
    gain_over_accept_all: float
    gain_over_refuse_all: float
    recall_defaulters: float
    precision_defaulters: float
    approval_rate: float
    brier: float
    calibration_a: float
    calibration_b: float
    fit_seconds: float
    note: str


@dataclass(frozen=True)
class SearchSummary:
    """The hyperparameter search and whether its best trial was adopted."""

    trials: int
    search_folds_seed: int
    start_roc_auc: float
    best_roc_auc: float
    best_params: dict[str, Scalar]
    fold_gain: float
    fold_gain_standard_error: float
    adopted: bool
    rule: str


@dataclass(frozen=True)
class ExplanationNote:
    """How the app explains this model, and what it fills missing values with before the booster."""

    method: str
    scale: str
    #: values the training pipeline fills missing features with before its booster (SMOTE variants)
    booster_imputation: dict[str, float] | None = None


@dataclass(frozen=True)
class TrainingData:
    """Which data the model was trained on, precise enough to tell two trainings apart."""

    folder: str
    fingerprint_sha256: str
    labelled_clients: int
    defaulters: int
    default_rate: float
    production_clients: int
    features: int


@dataclass(frozen=True)
class TrainingOptions:
    """The `train` command's options (paths as text, the effective number of trials)."""

    data: str
    out: str
    quick: bool
    trials: int
    model: str
    cost_fn: float
    cost_fp: float
    seed: int
    #: at most this many labelled clients compared candidates and ran the search (absent before it existed)
    screening_clients: int | None = None


@dataclass(frozen=True)
class ServingCard(Record):
    """serving.json."""

    FILE: ClassVar[str] = "serving.json"
    SCHEMA_VERSION: ClassVar[int] = 1
    REBUILD: ClassVar[str] = "python -m model_training train --data DIR --out {folder}"
    WHAT: ClassVar[str] = "serving card"

    model: ModelIdentity
    run_id: str | None
    threshold: float
    cost_fn: float
    cost_fp: float
    decision_rule: str
    calibration: Calibration
    cv_metrics: CvMetrics
    hyperparameter_search: SearchSummary | None
    feature_names: tuple[str, ...]
    categorical_features: dict[str, tuple[str, ...]]
    feature_descriptions: dict[str, LocalText]
    feature_sources: dict[str, str]
    labels: dict[str, LocalText]
    descriptive_fields: tuple[str, ...]
    explanation: ExplanationNote
    training_data: TrainingData
    trained_at: str
    options: TrainingOptions = field(repr=False)
