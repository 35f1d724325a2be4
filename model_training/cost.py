"""The business cost of credit decisions and the threshold that minimises it.

A defaulter who is granted a loan (false negative) costs ``cost_fn`` (10 by default); a good client who is
refused (false positive) costs ``cost_fp`` (1): the lost margin. The cost is per applicant so that it
compares across samples: ``(cost_fn * FN + cost_fp * FP) / n``. A client is refused when their probability
of default is at or above the threshold.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from model_training.decision import refused

DEFAULT_COST_FN = 10.0
DEFAULT_COST_FP = 1.0


def business_cost(
    y_true: np.ndarray,
    refused: np.ndarray,
    cost_fn: float = DEFAULT_COST_FN,
    cost_fp: float = DEFAULT_COST_FP,
) -> float:
    """Cost per applicant of the decisions ``refused`` (1 = refuse) given what happened (1 = default)."""
    y_true = np.asarray(y_true).astype(bool)
    refused = np.asarray(refused).astype(bool)
    if len(y_true) == 0:
        raise ValueError("business cost of no applicant")
    false_negatives = np.count_nonzero(y_true & ~refused)
    false_positives = np.count_nonzero(~y_true & refused)
    return float((cost_fn * false_negatives + cost_fp * false_positives) / len(y_true))


def cost_at_threshold(
    y_true: np.ndarray,
    probability: np.ndarray,
    threshold: float,
    cost_fn: float = DEFAULT_COST_FN,
    cost_fp: float = DEFAULT_COST_FP,
) -> float:
    """Cost per applicant when refusing every probability at or above ``threshold``."""
    return business_cost(y_true, refused(probability, threshold), cost_fn, cost_fp)


@dataclass(frozen=True, eq=False)
class DecisionCounts:
    """Every distinct decision the scores allow, with how many defaulters and good clients it refuses.

    Counting is the expensive part (one sort); any cost weights then give their curve in one vectorised
    pass, which is what lets the model page redraw the cost curve for a new FN:FP ratio instantly.
    Arrays are aligned and ordered by increasing threshold: the first cut refuses everyone, the last (above
    every score) accepts everyone.
    """

    thresholds: np.ndarray
    refused_defaults: np.ndarray
    refused_goods: np.ndarray
    n: int
    defaults: int

    def costs(self, cost_fn: float = DEFAULT_COST_FN, cost_fp: float = DEFAULT_COST_FP) -> np.ndarray:
        """Cost per applicant of each cut."""
        missed = self.defaults - self.refused_defaults
        return (cost_fn * missed + cost_fp * self.refused_goods) / self.n

    def approval_rates(self) -> np.ndarray:
        """Share of applicants accepted at each cut."""
        return 1.0 - (self.refused_defaults + self.refused_goods) / self.n

    def choice(self, cost_fn: float = DEFAULT_COST_FN, cost_fp: float = DEFAULT_COST_FP) -> ThresholdChoice:
        """The cheapest cut; ties go to the one refusing fewer clients (the higher threshold)."""
        costs = self.costs(cost_fn, cost_fp)
        best = len(costs) - 1 - int(np.argmin(costs[::-1]))
        return ThresholdChoice(
            threshold=float(self.thresholds[best]),
            cost=float(costs[best]),
            cost_accept_all=float(cost_fn * self.defaults / self.n),
            cost_refuse_all=float(cost_fp * (self.n - self.defaults) / self.n),
        )


def decision_counts(y_true: np.ndarray, probability: np.ndarray) -> DecisionCounts:
    """Sort once, then refusing the k highest scores refuses ``cumsum(defaults)`` defaulters.

    Each threshold sits halfway between two consecutive distinct scores (a new applicant with a score in
    between gets the decision the training data supported); tied applicants always get the same decision.
    """
    y_true = np.asarray(y_true).astype(bool)
    probability = np.asarray(probability, dtype=np.float64)
    n = len(y_true)
    if n == 0:
        raise ValueError("cost curve of no applicant")
    order = np.argsort(-probability, kind="stable")
    scores = probability[order]
    defaults_refused = np.cumsum(y_true[order])
    goods_refused = np.arange(1, n + 1) - defaults_refused
    # Only cut where the score changes: tied applicants always get the same decision.
    last_of_tie = np.r_[scores[1:] != scores[:-1], True]
    refused_defaults = np.r_[0, defaults_refused[last_of_tie]]
    refused_goods = np.r_[0, goods_refused[last_of_tie]]
    distinct = scores[last_of_tie]
    above_all = np.nextafter(max(1.0, distinct[0]), np.inf)
    # Refusing everyone is cutting at (or below) the lowest score, whatever lies below it.
    thresholds = np.r_[above_all, (distinct[:-1] + distinct[1:]) / 2, min(distinct[-1], 0.0)]
    return DecisionCounts(
        thresholds=thresholds[::-1].copy(),
        refused_defaults=refused_defaults[::-1].copy(),
        refused_goods=refused_goods[::-1].copy(),
        n=n,
        defaults=int(y_true.sum()),
    )


def cost_curve(
    y_true: np.ndarray,
    probability: np.ndarray,
    cost_fn: float = DEFAULT_COST_FN,
    cost_fp: float = DEFAULT_COST_FP,
) -> tuple[np.ndarray, np.ndarray]:
    """Every distinct decision the scores allow, with its cost: (thresholds, costs), thresholds increasing.

    Exact and O(n log n) (``decision_counts``): the first threshold refuses everyone, the last (above every
    score) accepts everyone.
    """
    counts = decision_counts(y_true, probability)
    return counts.thresholds, counts.costs(cost_fn, cost_fp)


@dataclass(frozen=True)
class ThresholdChoice:
    """The cost-minimising threshold and the two trivial policies it must beat."""

    threshold: float
    cost: float
    cost_accept_all: float
    cost_refuse_all: float

    @property
    def gain_over_accept_all(self) -> float:
        return self.cost_accept_all - self.cost

    @property
    def gain_over_refuse_all(self) -> float:
        return self.cost_refuse_all - self.cost

    def as_dict(self) -> dict[str, float]:
        return {
            **asdict(self),
            "gain_over_accept_all": self.gain_over_accept_all,
            "gain_over_refuse_all": self.gain_over_refuse_all,
        }


def optimal_threshold(
    y_true: np.ndarray,
    probability: np.ndarray,
    cost_fn: float = DEFAULT_COST_FN,
    cost_fp: float = DEFAULT_COST_FP,
) -> ThresholdChoice:
    """The threshold with the lowest cost per applicant on these (out-of-fold) probabilities.

    Ties between equally cheap thresholds go to the one refusing fewer clients.
    """
    return decision_counts(y_true, probability).choice(cost_fn, cost_fp)
