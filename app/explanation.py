"""What the scoring service hands back: a score with its decision, and an exact explanation of it.

The explanation lives on the calibrated log-odds scale: base value + sum of contributions = logit(probability)
exactly, so a waterfall drawn from it ends on the client's probability. People read it in percentage points of
risk and by concept (model_training.concepts): a concept's contribution is the sum of its features' exact
contributions, and `probability_steps` turns contributions taken in a given order into points of probability
that add up to the client's probability.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from app.i18n import t
from app.labels import FeatureCatalog
from model_training.calibration import sigmoid
from model_training.concepts import concept_label, concept_members, concept_of
from model_training.decision import Decision, decide


@dataclass(frozen=True)
class Score:
    """A client's calibrated probability of default and the decision it leads to at the model's threshold."""

    client_id: int | None
    probability: float
    threshold: float
    model_version: str

    @property
    def decision(self) -> Decision:
        """The decision code, "accept" or "refuse" (model_training.decision), stable across languages."""
        return decide(self.probability, self.threshold)

    @property
    def distance(self) -> float:
        """probability - threshold: positive above the threshold (refused), in probability points."""
        return self.probability - self.threshold

    def decision_label(self, lang: str = "fr") -> str:
        return t(f"decision.{self.decision}", lang)

    def as_dict(self, lang: str = "fr") -> dict[str, object]:
        return {
            "client_id": self.client_id,
            "probability": self.probability,
            "decision": self.decision,
            "decision_label": self.decision_label(lang),
            "threshold": self.threshold,
            "distance_to_threshold": self.distance,
            "model_version": self.model_version,
        }


@dataclass(frozen=True)
class Factor:
    """One feature's part in a client's score: its value as read by a person and its contribution."""

    feature: str
    label: str
    value: float | None
    value_text: str
    contribution: float

    @property
    def raises_risk(self) -> bool:
        return self.contribution > 0

    def as_dict(self) -> dict[str, object]:
        return {
            "feature": self.feature,
            "label": self.label,
            "value": self.value,
            "value_text": self.value_text,
            "contribution": self.contribution,
        }


def probability_steps(base_value: float, contributions: np.ndarray) -> np.ndarray:
    """Each contribution's step in probability, adding them one after the other in the order given.

    On the log-odds scale contributions add; a probability is not additive, so a step depends on where it
    starts. Walking in the order shown, step k = sigmoid(base + c1..ck) - sigmoid(base + c1..ck-1): the steps
    keep each contribution's sign and add up exactly to probability - base probability, so a waterfall in
    points ends on the probability shown.
    """
    logits = base_value + np.concatenate([[0.0], np.cumsum(np.asarray(contributions, dtype=np.float64))])
    return np.diff(sigmoid(logits))


def probability_points(base_value: float, contributions: np.ndarray) -> np.ndarray:
    """Each contribution's part of probability - base probability, in points that add up exactly, keep
    each contribution's sign and depend on no order: the Shapley values of the contributions for the
    probability sigmoid(base + sum of those present).

    A probability is not additive in log-odds: walking contributions one after the other gives steps that
    depend on where each starts, and a waterfall re-ordered by those steps can change them again (seen on
    a third of the demo's clients). Averaging each contribution's step over every order of arrival (2^n
    subsets; n is the ten concepts) settles it; the sigmoid is increasing, so a contribution raising the
    log-odds always raises the probability.
    """
    c = np.asarray(contributions, dtype=np.float64)
    n = c.size
    if n == 0:
        return np.zeros(0)
    subsets = np.arange(1 << n)
    present = (subsets[:, None] >> np.arange(n)) & 1
    value = sigmoid(base_value + present @ c)
    size = present.sum(axis=1)
    weight = np.array([math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n) for k in range(n)])
    points = np.empty(n)
    for i in range(n):
        without = subsets[present[:, i] == 0]
        points[i] = float(np.sum(weight[size[without]] * (value[without | (1 << i)] - value[without])))
    return points


@lru_cache(maxsize=8)
def _members(names: tuple[str, ...]) -> tuple[tuple[str, np.ndarray], ...]:
    """Each concept's feature positions in a model's feature order (computed once per model)."""
    return tuple((key, np.array(ix, dtype=np.intp)) for key, ix in concept_members(names).items())


@dataclass(frozen=True)
class ConceptPart:
    """One concept's part in a client's score: the sum of its features' exact contributions (calibrated
    log-odds) and its step in percentage points of probability in the explanation's order."""

    concept: str
    label: str
    contribution: float
    #: step in probability (0.062 = 6.2 points), from `probability_steps` over the concepts in order
    points: float
    #: the concept's features (model positions), the most influential first
    features: tuple[int, ...]

    @property
    def raises_risk(self) -> bool:
        return self.contribution > 0

    def as_dict(self, names: tuple[str, ...]) -> dict[str, object]:
        return {
            "concept": self.concept,
            "label": self.label,
            "contribution": self.contribution,
            "points": self.points,
            "features": [names[i] for i in self.features],
        }


@dataclass(frozen=True, eq=False)
class Explanation:
    """Exact TreeSHAP contributions of every feature, in model order, on the calibrated log-odds scale."""

    score: Score
    base_value: float
    contributions: np.ndarray
    values: np.ndarray
    catalog: FeatureCatalog

    @property
    def log_odds(self) -> float:
        """base value + contributions: the logit of the client's probability."""
        return float(self.base_value + self.contributions.sum())

    @property
    def base_probability(self) -> float:
        """The probability of a client with no feature pushing either way (the training average)."""
        return sigmoid(self.base_value)

    def value(self, feature: str) -> float | None:
        """The client's value of a feature (None when missing)."""
        raw = float(self.values[self.catalog.names.index(feature)])
        return None if np.isnan(raw) else raw

    def factor(self, index: int, lang: str = "fr") -> Factor:
        name = self.catalog.names[index]
        raw = float(self.values[index])
        value = None if np.isnan(raw) else raw
        return Factor(
            feature=name,
            label=self.catalog.label(name, lang),
            value=value,
            value_text=self.catalog.value_text(name, value, lang),
            contribution=float(self.contributions[index]),
        )

    def factors(self, lang: str = "fr", n: int | None = None) -> list[Factor]:
        """The features by decreasing influence (|contribution|), the n first when n is given."""
        order = np.argsort(-np.abs(self.contributions), kind="stable")
        return [self.factor(int(i), lang) for i in order[:n]]

    def strongest(self, raising: bool, n: int, lang: str = "fr") -> list[Factor]:
        """The n features raising (or lowering) the risk the most; those that do not move it are left out."""
        signed = self.contributions if raising else -self.contributions
        order = np.argsort(-signed, kind="stable")
        return [self.factor(int(i), lang) for i in order[:n] if signed[i] > 1e-9]

    def concepts(self, lang: str = "fr") -> list[ConceptPart]:
        """Every concept with features in the model, with its points of probability (`probability_points`:
        they add up to the probability and do not depend on an order), by decreasing |points|: the
        waterfall, the reasons and the API list concepts in this one order."""
        members = _members(self.catalog.names)
        sums = np.array([self.contributions[ix].sum() for _, ix in members], dtype=np.float64)
        points = probability_points(self.base_value, sums)
        order = np.argsort(-np.abs(points), kind="stable")
        steps = points[order]
        parts = []
        for step, i in zip(steps, order, strict=True):
            key, ix = members[int(i)]
            inside = ix[np.argsort(-np.abs(self.contributions[ix]), kind="stable")]
            parts.append(
                ConceptPart(
                    key, concept_label(key, lang), float(sums[i]), float(step), tuple(int(j) for j in inside)
                )
            )
        return parts

    def feature_points(self, parts: list[ConceptPart]) -> list[np.ndarray]:
        """Each concept's features' shares of its points (in `part.features` order), so that opening a
        concept of the waterfall shows parts that add up to its bar: the features are walked in turn from
        the base (`probability_steps`, each keeping its sign) and the walk is scaled to the concept's points
        (same sign as its log-odds, so the signs stay)."""
        shares = []
        for part in parts:
            inside = self.contributions[list(part.features)]
            walk = probability_steps(self.base_value, inside)
            total = float(walk.sum())
            shares.append(walk * (part.points / total) if total != 0 else np.zeros_like(walk))
        return shares

    def as_dict(self, lang: str = "fr", n: int | None = None) -> dict[str, object]:
        names = self.catalog.names
        return {
            **self.score.as_dict(lang),
            "base_value": self.base_value,
            "base_probability": self.base_probability,
            "log_odds": self.log_odds,
            "scale": "calibrated log-odds",
            "concepts": [c.as_dict(names) for c in self.concepts(lang)],
            "contributions": [
                {**f.as_dict(), "concept": concept_of(f.feature)} for f in self.factors(lang, n)
            ],
        }
