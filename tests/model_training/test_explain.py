"""Exact TreeSHAP: contributions add up to the raw score, and to the calibrated log-odds once scaled."""

import numpy as np
import pandas as pd
import pytest
from lightgbm import LGBMClassifier

from model_training.calibration import CalibratedClassifier, PlattMap, logit
from model_training.explain import (
    booster_input,
    booster_of,
    calibrated_contributions,
    contributions,
    global_importance,
    importance_figure,
)


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(1500, 6)), columns=[f"F{i}" for i in range(6)])
    X.loc[rng.random(1500) < 0.2, "F1"] = np.nan
    y = (X["F0"] - X["F1"].fillna(0) + rng.normal(size=1500) > 1.2).astype(int)
    booster = LGBMClassifier(n_estimators=60, num_leaves=7, verbose=-1).fit(X, y)
    return X, CalibratedClassifier(booster, a=0.85, b=-0.2)


def test_contributions_add_up_to_the_raw_log_odds(fitted):
    X, model = fitted
    clients = X.iloc[[0, 7, 42, 100, 999]]
    phi = contributions(booster_of(model), clients)
    assert phi.shape == (5, X.shape[1] + 1)
    np.testing.assert_allclose(phi.sum(axis=1), model.raw_log_odds(clients), atol=1e-9)


def test_calibrated_contributions_add_up_to_the_calibrated_probability(fitted):
    X, model = fitted
    clients = X.iloc[[3, 5, 8, 13, 21]]
    phi = calibrated_contributions(contributions(booster_of(model), clients), PlattMap(model.a, model.b))
    np.testing.assert_allclose(phi.sum(axis=1), model.decision_function(clients), atol=1e-9)
    np.testing.assert_allclose(phi.sum(axis=1), logit(model.predict_proba(clients)[:, 1]), atol=1e-7)
    # the base value is the same for everyone; the contributions are the raw ones times a
    assert np.ptp(phi[:, -1]) == 0


def test_global_importance_ranks_the_informative_features_first(fitted):
    X, model = fitted
    importance = global_importance(booster_of(model), booster_input(model, X))
    assert importance.columns == ["rank", "feature", "mean_abs_shap", "gain", "gain_share"]
    assert set(importance["feature"].head(2)) == {"F0", "F1"}
    assert importance["mean_abs_shap"].is_sorted(descending=True)
    assert importance["gain_share"].sum() == pytest.approx(1.0)
    assert importance_figure(importance, top=3).axes


def test_models_without_trees_have_no_booster():
    from sklearn.linear_model import LogisticRegression

    X = pd.DataFrame({"A": [0.0, 1.0, 2.0, 3.0]})
    assert booster_of(CalibratedClassifier(LogisticRegression().fit(X, [0, 0, 1, 1]))) is None


def test_a_bare_booster_is_explained_and_calibrated_like_a_classifier(fitted):
    X, model = fitted
    booster = booster_of(model)
    bare = CalibratedClassifier(booster, a=model.a, b=model.b)
    assert booster_of(bare) is booster
    np.testing.assert_allclose(bare.predict_proba(X), model.predict_proba(X), atol=1e-12)
