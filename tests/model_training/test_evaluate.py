"""Cross-validation: resampling sees training folds only, every applicant is scored once, metrics add up."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin

from model_training.candidates import Candidate, build_pipeline
from model_training.evaluate import (
    OutOfFold,
    confusion_figure,
    cost_figure,
    cross_validate,
    evaluate,
    reliability_figure,
    roc_pr_figure,
    stratified_folds,
)


class RecordingClassifier(ClassifierMixin, BaseEstimator):
    """Writes what it is fitted on and asked to score to a file (folds run in other processes).

    Its score is the row id, so the out-of-fold scores say which rows each fold scored.
    """

    def __init__(self, log: str = ""):
        self.log = log

    def _write(self, event: str, X, y=None) -> None:
        record = {"event": event, "ids": X["ROW_ID"].round().astype(int).tolist()}
        if y is not None:
            record["defaulters"], record["rows"] = int(np.sum(y)), len(y)
        with Path(self.log).open("a") as stream:
            stream.write(json.dumps(record) + "\n")

    def fit(self, X, y):
        self._write("fit", X, y)
        self.classes_ = np.array([0, 1])
        return self

    def decision_function(self, X):
        self._write("score", X)
        return X["ROW_ID"].to_numpy(dtype=float)


def _data(n: int = 1000, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "ROW_ID": np.arange(n, dtype=float),
            "AMOUNT": rng.normal(size=n),
            "CONTRACT": rng.integers(0, 3, n).astype(float),
        }
    )
    X.loc[rng.random(n) < 0.1, "AMOUNT"] = np.nan
    y = (rng.random(n) < 0.1).astype(np.int8)
    return X, y


def test_folds_are_stratified_and_cover_everyone():
    _, y = _data(2000)
    folds = stratified_folds(y, seed=1)
    assert sorted(np.unique(folds)) == [0, 1, 2, 3, 4]
    for k in range(5):
        assert abs(y[folds == k].mean() - y.mean()) < 0.01
    np.testing.assert_array_equal(folds, stratified_folds(y, seed=1))


@pytest.mark.parametrize("strategy", ["undersample", "smote"])
def test_resampling_happens_inside_training_folds_only(tmp_path, strategy):
    X, y = _data()
    log = tmp_path / "calls.jsonl"
    pipeline = build_pipeline(Candidate("lightgbm", strategy), list(X.columns), ["CONTRACT"], seed=0)
    pipeline.set_params(model=RecordingClassifier(str(log)))
    folds = stratified_folds(y, seed=0)

    oof = cross_validate(pipeline, X, y, folds)

    # every applicant scored exactly once, by the fold that left them out
    np.testing.assert_array_equal(oof.raw, X["ROW_ID"].to_numpy())
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    fits = [c for c in calls if c["event"] == "fit"]
    scores = [c for c in calls if c["event"] == "score"]
    assert len(fits) == 5 and len(scores) == 5
    for scored in scores:
        ids = np.array(scored["ids"])
        fold = folds[ids[0]]
        # the validation fold is scored whole, as it is: same rows, real default rate
        np.testing.assert_array_equal(np.sort(ids), np.flatnonzero(folds == fold))
    for fit in fits:
        # fitted on resampled training rows: the classes are balanced, unlike the 10 % of the data
        assert fit["defaulters"] == fit["rows"] - fit["defaulters"]
    assert sum(len(s["ids"]) for s in scores) == len(y)


def test_no_model_is_fitted_on_the_rows_it_scores(tmp_path):
    """Undersampling keeps real rows (SMOTE's ids are interpolated): none comes from the held-out fold."""
    X, y = _data()
    log = tmp_path / "calls.jsonl"
    pipeline = build_pipeline(Candidate("lightgbm", "undersample"), list(X.columns), ["CONTRACT"], seed=0)
    pipeline.set_params(model=RecordingClassifier(str(log)))
    folds = stratified_folds(y, seed=0)
    cross_validate(pipeline, X, y, folds)
    fits = [json.loads(line) for line in log.read_text().splitlines() if '"fit"' in line]
    held_out = sorted(
        next(k for k in range(5) if not set(f["ids"]) & set(np.flatnonzero(folds == k))) for f in fits
    )
    assert held_out == [0, 1, 2, 3, 4]


def test_evaluate_measures_the_out_of_fold_scores():
    rng = np.random.default_rng(3)
    y = (rng.random(4000) < 0.08).astype(np.int8)
    raw = rng.normal(size=y.size) + 1.5 * y - 2.5
    folds = stratified_folds(y, seed=0)
    oof = OutOfFold(raw=raw, folds=folds, fold_auc=[0.8, 0.82, 0.78, 0.81, 0.79], fit_seconds=1.0)
    evaluation = evaluate(y, oof, cost_fn=10, cost_fp=1)
    m = evaluation.metrics
    assert 0.8 < m["roc_auc"] < 0.9
    assert m["roc_auc_fold_std"] == pytest.approx(np.std([0.8, 0.82, 0.78, 0.81, 0.79]))
    assert m["cost_accept_all"] == pytest.approx(10 * y.mean())
    assert m["business_cost"] <= min(m["cost_accept_all"], m["cost_refuse_all"], m["business_cost_at_0_5"])
    refused = evaluation.probability >= m["threshold"]
    assert m["approval_rate"] == pytest.approx(1 - refused.mean())
    assert m["recall_defaulters"] == pytest.approx(refused[y == 1].mean())
    # calibrated probabilities average to the default rate (a property of the logistic fit)
    assert evaluation.probability.mean() == pytest.approx(y.mean(), abs=1e-6)
    assert sum(evaluation.reliability["count"]) == len(y)


def test_figures_draw():
    rng = np.random.default_rng(4)
    y = (rng.random(500) < 0.2).astype(int)
    p = np.clip(rng.random(500) * 0.5 + 0.3 * y, 0, 1)
    for figure in (
        roc_pr_figure(y, p, "t"),
        cost_figure(y, p, 10, 1, "t"),
        confusion_figure(y, p, 0.3, "t"),
        reliability_figure(
            {"mean_predicted": [0.1, 0.5], "observed_rate": [0.1, 0.4], "count": [1, 1]}, 0.1, "t"
        ),
    ):
        assert figure.axes
