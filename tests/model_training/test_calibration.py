"""Platt scaling on raw log-odds: recovers a known map, matches sklearn, degrades sensibly."""

import numpy as np
import pytest
from lightgbm import LGBMClassifier
from sklearn.linear_model import LogisticRegression

from model_training.calibration import (
    CalibratedClassifier,
    PlattMap,
    brier_score,
    fit_platt,
    logit,
    raw_log_odds,
    reliability_curve,
    sigmoid,
)


def test_fit_platt_recovers_the_map_that_generated_the_labels():
    rng = np.random.default_rng(0)
    raw = rng.normal(-2, 1.5, 200_000)
    y = rng.random(raw.size) < sigmoid(0.7 * raw - 0.4)
    fitted = fit_platt(raw, y)
    assert fitted.a == pytest.approx(0.7, abs=0.02)
    assert fitted.b == pytest.approx(-0.4, abs=0.03)


def test_fit_platt_is_unpenalised_logistic_regression():
    rng = np.random.default_rng(1)
    raw = rng.normal(size=3000)
    y = rng.random(raw.size) < sigmoid(1.3 * raw + 0.2)
    reference = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(raw[:, None], y)
    fitted = fit_platt(raw, y)
    assert fitted.a == pytest.approx(reference.coef_[0, 0], rel=1e-4)
    assert fitted.b == pytest.approx(reference.intercept_[0], rel=1e-4)


def test_constant_scores_give_the_default_rate():
    y = np.array([1, 0, 0, 0])
    fitted = fit_platt(np.full(4, 3.0), y)
    assert fitted.a == 0.0
    assert fitted.probability(np.array([3.0, -10.0])) == pytest.approx([0.25, 0.25])


def test_sigmoid_and_logit_are_inverse_and_finite():
    x = np.array([-800.0, -5.0, 0.0, 5.0, 800.0])
    p = sigmoid(x)
    assert np.all(np.isfinite(p)) and p[0] == 0.0 and p[-1] == 1.0
    np.testing.assert_allclose(logit(p[1:-1]), x[1:-1])
    assert np.all(np.isfinite(logit(np.array([0.0, 1.0]))))


def test_one_sigmoid_for_one_client_and_for_many():
    x = np.array([-800.0, -30.0, -1.5, 0.0, 1.5, 30.0, 800.0])
    singles = [sigmoid(float(v)) for v in x]
    assert all(type(p) is float for p in singles)  # a number for a number (JSON, text), not a 0-d array
    np.testing.assert_allclose(singles, sigmoid(x), rtol=1e-15, atol=0)
    assert sigmoid(-800.0) == 0.0 and sigmoid(800.0) == 1.0  # no OverflowError at the extremes
    assert sigmoid(np.float32(0.0)) == 0.5 and sigmoid(0) == 0.5


def test_the_platt_map_moves_explanations_with_the_score():
    """Serving's path: contributions times a, base value mapped, and they still add up to the probability."""
    platt = PlattMap(a=0.8, b=-0.3)
    raw = np.array([0.4, -1.2, 0.1, -2.0])  # three contributions, then the raw base value
    contributions = platt.contributions(raw[:-1])
    base = platt.log_odds(float(raw[-1]))
    assert isinstance(base, float) and base == pytest.approx(0.8 * -2.0 - 0.3)
    assert sigmoid(base + float(contributions.sum())) == pytest.approx(float(platt.probability(raw.sum())))
    np.testing.assert_allclose(platt.probability(raw), sigmoid(0.8 * raw - 0.3))


def test_calibrated_classifier_maps_lightgbm_raw_scores():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(400, 3))
    y = (X[:, 0] + rng.normal(size=400) > 1).astype(int)
    booster = LGBMClassifier(n_estimators=30, verbose=-1).fit(X, y)
    model = CalibratedClassifier(booster, a=0.8, b=-0.3, threshold=0.2)
    raw = booster.predict(X, raw_score=True)
    np.testing.assert_allclose(raw_log_odds(booster, X), raw)
    np.testing.assert_allclose(model.decision_function(X), 0.8 * raw - 0.3)
    np.testing.assert_allclose(model.predict_proba(X)[:, 1], sigmoid(0.8 * raw - 0.3))
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)
    assert set(model.predict(X)) <= {0, 1}
    assert (model.predict(X) == (model.predict_proba(X)[:, 1] >= 0.2)).all()


def test_brier_and_reliability_by_hand():
    y = np.array([0, 0, 1, 1])
    p = np.array([0.1, 0.3, 0.6, 0.8])
    assert brier_score(y, p) == pytest.approx((0.01 + 0.09 + 0.16 + 0.04) / 4)
    curve = reliability_curve(y, p, bins=2)
    assert curve == {"mean_predicted": [0.2, 0.7], "observed_rate": [0.0, 1.0], "count": [2, 2]}
