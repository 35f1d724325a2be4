"""The one scoring path: an exported booster and its calibration turned into probabilities, decisions and
exact reasons, for one application (the app) or a whole batch (the `score` command) alike.

Probability = sigmoid(a * raw + b): LightGBM's raw log-odds mapped by the Platt calibration exported with the
model. Exact TreeSHAP contributions (`pred_contrib=True`) are scaled the same way, so that the base value
plus the contributions give the calibrated log-odds exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from model_training.calibration import PlattMap, sigmoid
from model_training.contract import Reason, ServingCard
from model_training.decision import ACCEPT, REFUSE, refused

#: LightGBM predicts one row faster on one thread, and gunicorn workers must not fight over cores.
ONE_THREAD: dict[str, Any] = {"num_threads": 1}
#: Contributions kept with a stored score on each side (raising, lowering the risk).
STORED_REASONS = 5


@dataclass(frozen=True)
class ModelIdentity:
    """Which model produced a score: what the store keeps beside every probability."""

    name: str
    version: str
    run_id: str
    threshold: float

    @classmethod
    def from_card(cls, card: ServingCard) -> ModelIdentity:
        version = "unregistered" if card.model.version is None else str(card.model.version)
        return cls(card.model.name, version, card.run_id or "", card.threshold)


@dataclass(eq=False)
class Scorer:
    """A booster, its calibration and threshold: probabilities and calibrated contributions of feature rows
    in the model's feature order (float32, missing values as NaN)."""

    booster: Any  # lightgbm.Booster
    calibration: PlattMap
    feature_names: tuple[str, ...]
    threshold: float
    #: values the training pipeline filled missing features with before its booster (SMOTE variants)
    imputation: Mapping[str, float] = field(default_factory=dict)
    predict_options: Mapping[str, Any] = field(default_factory=lambda: dict(ONE_THREAD))

    def __post_init__(self) -> None:
        position = {name: i for i, name in enumerate(self.feature_names)}
        kept = [c for c in self.imputation if c in position]
        self._imputed = np.array([position[c] for c in kept], dtype=np.intp)
        self._fill = np.array([self.imputation[c] for c in kept], dtype=np.float32)

    @classmethod
    def from_artifacts(
        cls, directory: Path | str, threads: int | None = None
    ) -> tuple[Scorer, ModelIdentity]:
        """The scorer of an exported folder (serving.json + booster.txt), and the model's identity."""
        import lightgbm as lgb

        directory = Path(directory)
        card = ServingCard.read(directory / ServingCard.FILE)
        booster = lgb.Booster(model_file=str(directory / "booster.txt"))
        scorer = cls(
            booster,
            PlattMap(card.calibration.a, card.calibration.b),
            card.feature_names,
            card.threshold,
            card.explanation.booster_imputation or {},
            {"num_threads": threads} if threads else dict(ONE_THREAD),
        )
        return scorer, ModelIdentity.from_card(card)

    def booster_input(self, matrix: np.ndarray) -> np.ndarray:
        """Features as the booster was trained on them: missing values filled where the training pipeline
        imputed before its booster (SMOTE variants); unchanged otherwise."""
        if not len(self._imputed):
            return matrix
        filled = matrix.copy()
        block = filled[:, self._imputed]
        filled[:, self._imputed] = np.where(np.isnan(block), self._fill, block)
        return filled

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        """Calibrated probabilities of default of feature rows."""
        raw = self.booster.predict(self.booster_input(matrix), raw_score=True, **self.predict_options)
        return self.calibration.probability(np.asarray(raw, dtype=np.float64))

    def raw_contributions(self, matrix: np.ndarray) -> np.ndarray:
        """Raw exact TreeSHAP: per row, one value per feature, then the base value."""
        contributions = self.booster.predict(
            self.booster_input(matrix), pred_contrib=True, **self.predict_options
        )
        return np.asarray(contributions, dtype=np.float64)

    def explained(self, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(probabilities, calibrated contributions (rows × features), calibrated base values), exact:
        sigmoid(base + contributions.sum()) is the probability."""
        raw = self.raw_contributions(matrix)
        contributions = self.calibration.contributions(raw[:, :-1])
        base = self.calibration.log_odds(raw[:, -1])
        probability = sigmoid(base + contributions.sum(axis=1))
        return probability, contributions, base

    def decisions(self, probabilities: np.ndarray) -> list[str]:
        return np.where(refused(probabilities, self.threshold), REFUSE, ACCEPT).tolist()


def strongest_reasons(
    contributions: np.ndarray,
    values: np.ndarray,
    feature_names: Sequence[str],
    per_side: int = STORED_REASONS,
) -> tuple[Reason, ...]:
    """The `per_side` largest contributions raising the risk, then the `per_side` largest lowering it."""
    order = np.argsort(contributions, kind="stable")
    up = [i for i in order[::-1][:per_side] if contributions[i] > 0]
    down = [i for i in order[:per_side] if contributions[i] < 0]

    def reason(i: int) -> Reason:
        value = float(values[i])
        return Reason(feature_names[i], float(contributions[i]), None if np.isnan(value) else value)

    return tuple(reason(int(i)) for i in (*up, *down))
