"""Candidate grid and pipelines: the right steps in the right order, resampling only where it belongs."""

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import SMOTE, SMOTENC
from imblearn.under_sampling import RandomUnderSampler
from lightgbm import LGBMClassifier

from model_training.candidates import (
    FINAL_SEEDS,
    REFIT_FACTOR,
    STRATEGIES,
    Candidate,
    EarlyStoppedLGBMClassifier,
    average_boosters,
    build_pipeline,
    candidate_grid,
    final_candidate,
    lightgbm_classifier,
    serving_estimator,
)

NAMES = ["AMOUNT", "SCORE", "CONTRACT"]
CATEGORICAL = ["CONTRACT"]


def _frame(n: int = 600, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "AMOUNT": rng.lognormal(10, 1, n),
            "SCORE": rng.random(n),
            "CONTRACT": rng.integers(0, 3, n).astype(np.float32),
        }
    )
    X.loc[rng.random(n) < 0.1, "SCORE"] = np.nan
    X.loc[rng.random(n) < 0.1, "CONTRACT"] = np.nan
    y = (rng.random(n) < 0.15 + 0.3 * X["SCORE"].fillna(0.5)).astype(np.int8).to_numpy()
    return X, y


def test_full_grid_compares_strong_models_under_every_strategy():
    grid = candidate_grid(quick=False)
    by_model = {m: [c.strategy for c in grid if c.model == m] for m in {c.model for c in grid}}
    assert by_model["lightgbm"] == list(STRATEGIES)
    assert by_model["logistic_regression"] == list(STRATEGIES)
    assert by_model["dummy"] == ["none"] and by_model["random_forest"] == ["none"]


def test_quick_grid_is_smaller_and_model_restricts_it():
    assert len(candidate_grid(quick=True)) < len(candidate_grid(quick=False))
    assert {c.model for c in candidate_grid(quick=False, models=["lightgbm"])} == {"lightgbm"}
    assert [c.name for c in candidate_grid(quick=True, models=["random_forest"])] == ["random_forest+none"]


def test_final_candidate_restores_the_small_learning_rate_and_averages_seeds():
    screened = candidate_grid(quick=False, models=["lightgbm"])[0]
    final = final_candidate(screened)
    assert screened.params["learning_rate"] > final.params["learning_rate"]
    assert screened.seeds == 1 and final.seeds == FINAL_SEEDS
    assert screened.refit_factor is None and final.refit_factor == REFIT_FACTOR
    assert final_candidate(Candidate("lightgbm", "smote")).seeds == 1  # its booster reads imputed features


def test_averaged_boosters_are_one_exact_booster():
    X, y = _frame(1500)
    models = [
        LGBMClassifier(
            n_estimators=30 + 10 * seed, num_leaves=5, subsample=0.8, subsample_freq=1, random_state=seed
        )
        .set_params(verbose=-1)
        .fit(X, y)
        .booster_
        for seed in range(3)
    ]
    merged = average_boosters(models)
    assert merged.num_trees() == sum(m.num_trees() for m in models)
    raw = np.mean([m.predict(X, raw_score=True) for m in models], axis=0)
    np.testing.assert_allclose(merged.predict(X, raw_score=True), raw, atol=1e-12)
    contributions = merged.predict(X, pred_contrib=True)
    np.testing.assert_allclose(contributions.sum(axis=1), raw, atol=1e-12)
    average = np.mean([m.predict(X, pred_contrib=True) for m in models], axis=0)
    np.testing.assert_allclose(contributions, average, atol=1e-12)
    reloaded = type(merged)(model_str=merged.model_to_string())
    np.testing.assert_allclose(reloaded.predict(X, raw_score=True), raw, atol=1e-12)
    assert average_boosters(models[:1]) is models[0]


@pytest.mark.parametrize(
    ("candidate", "steps"),
    [
        (Candidate("lightgbm", "none"), ["model"]),
        (Candidate("lightgbm", "undersample"), ["resample", "model"]),
        (Candidate("lightgbm", "smote"), ["impute", "resample", "model"]),
        (Candidate("logistic_regression", "class_weight"), ["impute", "encode", "model"]),
        (Candidate("logistic_regression", "smote"), ["impute", "resample", "encode", "model"]),
        (Candidate("random_forest", "none"), ["impute", "model"]),
        (Candidate("dummy", "none"), ["model"]),
    ],
)
def test_pipeline_steps(candidate, steps):
    pipeline = build_pipeline(candidate, NAMES, CATEGORICAL, seed=0)
    assert [name for name, _ in pipeline.steps] == steps


def test_smote_keeps_categorical_codes_whole_when_there_are_some():
    with_codes = build_pipeline(Candidate("lightgbm", "smote"), NAMES, CATEGORICAL, seed=0)
    without = build_pipeline(Candidate("lightgbm", "smote"), NAMES, [], seed=0)
    assert isinstance(with_codes.named_steps["resample"], SMOTENC)
    assert type(without.named_steps["resample"]) is SMOTE
    X, y = _frame()
    resampled, _ = with_codes[:-1].fit_resample(X, y)
    assert set(np.unique(resampled["CONTRACT"])) <= {-1.0, 0.0, 1.0, 2.0}


def test_every_candidate_fits_and_scores():
    X, y = _frame()
    for candidate in candidate_grid(quick=False):
        pipeline = build_pipeline(candidate, NAMES, CATEGORICAL, seed=0).fit(X, y)
        assert pipeline.predict_proba(X).shape == (len(X), 2), candidate.name


def test_serving_estimator_drops_the_sampler():
    X, y = _frame()
    fitted = build_pipeline(Candidate("lightgbm", "undersample"), NAMES, CATEGORICAL, 0, n_estimators=20).fit(
        X, y
    )
    served = serving_estimator(fitted)
    assert isinstance(served, LGBMClassifier) and served.n_estimators == 20
    smote = build_pipeline(Candidate("lightgbm", "smote"), NAMES, CATEGORICAL, 0, n_estimators=20).fit(X, y)
    assert [name for name, _ in serving_estimator(smote).steps] == ["impute", "model"]
    assert not any(isinstance(s, RandomUnderSampler) for s in [served])


def test_early_stopping_keeps_its_best_number_of_trees():
    X, y = _frame(2000)
    model = EarlyStoppedLGBMClassifier({"learning_rate": 0.2}, patience=20, max_trees=2000).fit(X, y)
    assert 1 <= model.best_iteration_ < 2000
    raw = model.decision_function(X)
    np.testing.assert_allclose(1 / (1 + np.exp(-raw)), model.predict_proba(X)[:, 1])
    averaged = EarlyStoppedLGBMClassifier({"learning_rate": 0.2}, patience=20, seeds=3).fit(X, y)
    each = [m.predict(X, raw_score=True) for m in averaged.models_]
    np.testing.assert_allclose(averaged.decision_function(X), np.mean(each, axis=0))


def test_refit_factor_refits_on_all_rows_with_scaled_trees():
    """Each model is early-stopped on an inner split, then fitted again on every row it was given."""
    X, y = _frame(2000)
    stopped = EarlyStoppedLGBMClassifier({"learning_rate": 0.2}, patience=20, random_state=5).fit(X, y)
    refitted = EarlyStoppedLGBMClassifier(
        {"learning_rate": 0.2}, patience=20, random_state=5, refit_factor=1.5
    ).fit(X, y)
    trees = round(stopped.best_iteration_ * 1.5)
    assert refitted.best_iteration_ == trees
    assert refitted.models_[0].booster_.num_trees() == trees
    on_all_rows = lightgbm_classifier({"learning_rate": 0.2}, None, n_estimators=trees, random_state=5)
    np.testing.assert_allclose(
        refitted.decision_function(X), on_all_rows.fit(X, y).predict(X, raw_score=True), rtol=1e-12
    )


def test_unknown_strategy_is_refused():
    with pytest.raises(KeyError, match="imbalance strategy"):
        build_pipeline(Candidate("lightgbm", "oversample"), NAMES, CATEGORICAL, seed=0)


@pytest.mark.parametrize("strategy", ["none", "smote"])  # SMOTE imputes first, which moves categoricals last
def test_risk_never_rises_with_the_external_score(strategy):
    """Even where the data say otherwise (here risk rises again at the top), the constraint holds."""
    rng = np.random.default_rng(4)
    n = 3000
    X = pd.DataFrame(
        {
            "CONTRACT": rng.integers(0, 3, n).astype(np.float32),
            "EXT_SOURCE_3": rng.random(n),
            "AMOUNT": rng.lognormal(10, 1, n),
        }
    )
    score = X["EXT_SOURCE_3"].to_numpy()
    y = (rng.random(n) < 0.05 + 0.6 * (score - 0.5) ** 2).astype(np.int8)  # U-shaped risk
    names, categorical = list(X.columns), ["CONTRACT"]
    pipeline = build_pipeline(Candidate("lightgbm", strategy), names, categorical, 0, n_estimators=60)
    pipeline.fit(X, y)
    grid = pd.DataFrame({"CONTRACT": 1.0, "EXT_SOURCE_3": np.linspace(0, 1, 41), "AMOUNT": 20_000.0})
    risk = pipeline.predict_proba(grid)[:, 1]
    assert np.all(np.diff(risk) <= 1e-12)
    unconstrained = lightgbm_classifier(None, None, n_estimators=60, random_state=0).fit(X, y)
    assert np.any(np.diff(unconstrained.predict_proba(grid)[:, 1]) > 1e-6)  # the data alone would not
