"""What the model page (/model) reads: governance.json, the cost curve for any FN:FP ratio, the MLflow link.

governance.json is written by training (model_training.governance); an older export has none, and the page
then says which command builds it. The cost curve is recomputed from the reference clients' out-of-fold
scores (loaded with the artifacts): one sort when first asked, then each ratio is one vectorised pass,
kept per ratio. Nothing here imports MLflow: the page must answer in milliseconds.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from weakref import WeakKeyDictionary

import numpy as np

from app.artifacts import PROBABILITY, TARGET, Artifacts
from app.config import Settings, current_settings
from model_training.contract import ContractError, GovernanceRecord, RegistryVersion, Tracking
from model_training.cost import DecisionCounts, decision_counts
from model_training.governance import (
    GOVERNANCE_FILE,
    RATIOS,
    RatioCurve,
    gender_features,
    public_server_url,
    ratio_curve,
)

BUILD_COMMAND = "python -m model_training train --data DIR --out {artifacts}"
MAKE_COMMAND = "make -B train"
MLFLOW_UI_COMMAND = "make mlflow-ui"
MIN_RATIO, MAX_RATIO = RATIOS[0], RATIOS[-1]


class GovernanceError(ValueError):
    """governance.json exists but cannot be used; the message names the file, the field and the command."""


def load_governance(directory: Path) -> GovernanceRecord | None:
    """governance.json of the artifacts folder; None when the export predates it.

    A file that is damaged, incomplete or of another schema version (the page would half-show it) is a
    GovernanceError saying so in one line.
    """
    path = Path(directory) / GOVERNANCE_FILE
    if not path.is_file():
        return None
    try:
        return GovernanceRecord.read(path)
    except ContractError as error:
        raise GovernanceError(str(error)) from None


def parse_ratio(value: object) -> int | None:
    """The slider's value as a whole FN:FP ratio within the slider's range; None otherwise."""
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        return None
    if not number.is_integer() or not MIN_RATIO <= number <= MAX_RATIO:
        return None
    return int(number)


def slider_ratio(cost_fn: float, cost_fp: float) -> int:
    """Where the slider starts: the production ratio, rounded and kept within the slider's range."""
    ratio = cost_fn / cost_fp if cost_fp > 0 else MAX_RATIO
    return int(min(MAX_RATIO, max(MIN_RATIO, round(ratio))))


@dataclass(eq=False)
class CostCurves:
    """The reference clients' out-of-fold scores, counted once, and the curve of each ratio asked for."""

    y_true: np.ndarray
    probability: np.ndarray
    counts: DecisionCounts
    production_threshold: float
    _by_ratio: dict[int, RatioCurve] = field(default_factory=dict)

    @classmethod
    def from_artifacts(cls, artifacts: Artifacts) -> CostCurves:
        reference = artifacts.reference.select(TARGET, PROBABILITY).drop_nulls()
        y = reference.get_column(TARGET).to_numpy().astype(bool)
        p = reference.get_column(PROBABILITY).to_numpy().astype(np.float64)
        return cls(y, p, decision_counts(y, p), artifacts.model.threshold)

    def curve(self, ratio: int) -> RatioCurve:
        """The curve for FN:FP = ratio:1 (computed on first request, then kept: at most 20 of them)."""
        if ratio not in self._by_ratio:
            self._by_ratio[ratio] = ratio_curve(
                self.counts, self.y_true, self.probability, ratio, self.production_threshold
            )
        return self._by_ratio[ratio]


_curves: WeakKeyDictionary[Artifacts, CostCurves] = WeakKeyDictionary()
_lock = threading.Lock()


def cost_curves(artifacts: Artifacts) -> CostCurves:
    """The cost curves of these artifacts, built on first use (one sort of the reference scores)."""
    with _lock:
        if artifacts not in _curves:
            _curves[artifacts] = CostCurves.from_artifacts(artifacts)
        return _curves[artifacts]


def mlflow_run_link(
    run_id: str | None,
    tracking: Tracking | None,
    *,
    tracking_uri: str | None,
    ui_url: str | None = None,
) -> str | None:
    """The run's page in the MLflow UI when one is reachable over http(s): MLFLOW_UI_URL first, then the
    app's tracking URI, then the server training logged to. None for an embedded (SQLite) store."""
    experiment = tracking.experiment_id if tracking else None
    base = (
        public_server_url(ui_url)
        or public_server_url(tracking_uri)
        or public_server_url(tracking.server if tracking else None)
    )
    if not run_id or not experiment or not base:
        return None
    return f"{base}/#/experiments/{experiment}/runs/{run_id}"


def mlflow_ui_url(settings: Settings | None = None) -> str | None:
    """Where people open the MLflow UI when it is not the tracking URI (a proxy, a port): MLFLOW_UI_URL,
    carried by the settings of the app serving the request unless `settings` are given."""
    return (settings or current_settings()).mlflow_ui_url


def model_gender_features(artifacts: Artifacts) -> list[str]:
    """The served model's features derived from the applicant's sex, read from its exported feature list."""
    return gender_features(artifacts.model.feature_names)


@dataclass(frozen=True)
class ListedVersion:
    """A registered version as the page lists it: the snapshot's entry, and whether it is the champion and
    the version this app serves."""

    entry: RegistryVersion
    champion: bool
    served: bool


def registry_versions(record: GovernanceRecord | None) -> list[ListedVersion]:
    """The exported registry snapshot, newest first, each marked champion and/or served by this app."""
    if record is None or record.registry is None:
        return []
    served = str(record.registry.served_version)
    return [
        ListedVersion(version, champion="champion" in version.aliases, served=version.version == served)
        for version in record.registry.versions
    ]
