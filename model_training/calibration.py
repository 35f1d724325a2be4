"""Platt scaling on raw log-odds: probabilities that mean something, explanations that still add up.

The calibrated log-odds are ``a * raw + b``, with ``raw`` the model's own log-odds (a LightGBM booster's raw
score). Because the map is affine, exact TreeSHAP contributions stay additive after calibration: multiply
every contribution by ``a`` and map the base value to ``a * base + b``.

This is the one home of the logistic function and of the calibration map: training fits and applies them,
the app scores and explains with them, the waterfall reads its axis with them. It must stay light (numpy and
sklearn base only): the app imports it on its request path.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import overload

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from model_training.decision import refused

#: Probabilities are clipped this far from 0 and 1 before taking a logit (models that say exactly 0 or 1).
_EPS = 1e-15


@overload
def sigmoid(log_odds: float) -> float: ...
@overload
def sigmoid(log_odds: np.ndarray) -> np.ndarray: ...
def sigmoid(log_odds):
    """Probability from log-odds, without overflow for large |log-odds|: a float for a number, an array for
    an array (one client's score and a portfolio's go through the same formula)."""
    if isinstance(log_odds, (int, float, np.floating, np.integer)):
        x = float(log_odds)
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)
    log_odds = np.asarray(log_odds, dtype=np.float64)
    out = np.empty_like(log_odds)
    positive = log_odds >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-log_odds[positive]))
    exp = np.exp(log_odds[~positive])
    out[~positive] = exp / (1.0 + exp)
    return out


def logit(probability: np.ndarray) -> np.ndarray:
    """Log-odds of a probability, clipped so that 0 and 1 stay finite."""
    p = np.clip(np.asarray(probability, dtype=np.float64), _EPS, 1 - _EPS)
    return np.log(p) - np.log1p(-p)


def _final_step(model):
    steps = getattr(model, "steps", None)
    return steps[-1][1] if steps else model


def raw_log_odds(model, X) -> np.ndarray:
    """The model's uncalibrated score on the log-odds scale (what Platt scaling maps).

    A LightGBM model (or bare booster) gives its raw score (the sum of its trees, the scale TreeSHAP
    explains), a linear model its decision function; any other classifier the logit of its probability.
    """
    if hasattr(model, "model_to_string") or hasattr(_final_step(model), "booster_"):  # a LightGBM booster
        return np.asarray(model.predict(X, raw_score=True), dtype=np.float64)
    if hasattr(model, "decision_function"):
        return np.asarray(model.decision_function(X), dtype=np.float64)
    return logit(model.predict_proba(X)[:, 1])


@dataclass(frozen=True)
class PlattMap:
    """Calibrated log-odds = a * raw + b."""

    a: float
    b: float

    @overload
    def log_odds(self, raw: float) -> float: ...
    @overload
    def log_odds(self, raw: np.ndarray) -> np.ndarray: ...
    def log_odds(self, raw):
        if isinstance(raw, (int, float, np.floating, np.integer)):
            return self.a * float(raw) + self.b
        return self.a * np.asarray(raw, dtype=np.float64) + self.b

    @overload
    def probability(self, raw: float) -> float: ...
    @overload
    def probability(self, raw: np.ndarray) -> np.ndarray: ...
    def probability(self, raw):
        return sigmoid(self.log_odds(raw))

    def contributions(self, raw: np.ndarray) -> np.ndarray:
        """Raw TreeSHAP contributions moved to the calibrated log-odds scale (the map is affine: times a)."""
        return self.a * np.asarray(raw, dtype=np.float64)


def fit_platt(raw: np.ndarray, y: np.ndarray, max_iter: int = 100) -> PlattMap:
    """Maximum-likelihood a, b of P(y=1) = sigmoid(a * raw + b), by Newton's method (two parameters).

    Scores that do not vary (the dummy model) carry no ranking: then a = 0 and b is the log-odds of the
    default rate.
    """
    raw = np.asarray(raw, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if np.ptp(raw) == 0:
        return PlattMap(a=0.0, b=float(logit(np.array([y.mean()]))[0]))
    design = np.column_stack([raw, np.ones_like(raw)])
    params = np.array([1.0, 0.0])
    for _ in range(max_iter):
        p = sigmoid(design @ params)
        gradient = design.T @ (p - y)
        hessian = (design * (p * (1 - p))[:, None]).T @ design + 1e-12 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        params -= step
        if np.max(np.abs(step)) < 1e-12:
            break
    return PlattMap(a=float(params[0]), b=float(params[1]))


class CalibratedClassifier(ClassifierMixin, BaseEstimator):
    """A fitted classifier whose raw log-odds are mapped by Platt's a, b fitted on out-of-fold scores.

    ``predict_proba`` gives calibrated probabilities; ``predict`` the decision at ``threshold``
    (1 = refuse: the probability of default reaches the threshold that minimises the business cost).
    ``fit`` refits the wrapped model only: a and b come from out-of-fold scores, never from the data the
    model was fitted on.
    """

    def __init__(self, estimator, a: float = 1.0, b: float = 0.0, threshold: float = 0.5):
        self.estimator = estimator
        self.a = a
        self.b = b
        self.threshold = threshold

    def fit(self, X, y):
        self.estimator.fit(X, y)
        self.classes_ = np.array([0, 1])
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "classes_")

    def raw_log_odds(self, X) -> np.ndarray:
        return raw_log_odds(self.estimator, X)

    def decision_function(self, X) -> np.ndarray:
        """Calibrated log-odds of default."""
        return PlattMap(self.a, self.b).log_odds(self.raw_log_odds(X))

    def predict_proba(self, X) -> np.ndarray:
        p = sigmoid(self.decision_function(X))
        return np.column_stack([1 - p, p])

    def predict(self, X) -> np.ndarray:
        return refused(self.predict_proba(X)[:, 1], self.threshold).astype(np.int8)


def brier_score(y: np.ndarray, probability: np.ndarray) -> float:
    """Mean squared distance between the probability and what happened (0 is perfect)."""
    return float(np.mean((np.asarray(probability, dtype=np.float64) - np.asarray(y)) ** 2))


def reliability_curve(y: np.ndarray, probability: np.ndarray, bins: int = 10) -> dict[str, list[float]]:
    """Per quantile bin of the probability: mean predicted probability, observed default rate, count.

    Quantile bins (equal counts) because most applicants sit below 20 %: equal-width bins would be empty.
    """
    probability = np.asarray(probability, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    order = np.argsort(probability, kind="stable")
    groups = np.array_split(order, bins)
    return {
        "mean_predicted": [float(probability[g].mean()) for g in groups if len(g)],
        "observed_rate": [float(y[g].mean()) for g in groups if len(g)],
        "count": [len(g) for g in groups if len(g)],
    }
