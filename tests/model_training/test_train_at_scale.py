"""Training at the full Kaggle scale in bounded time: candidates compared on a stratified subsample, the final
configuration cross-validated and fitted on every labelled client, one LightGBM seed on large data."""

import json

import numpy as np
import pandas as pd
import polars as pl
import pytest

from model_training.__main__ import main
from model_training.candidates import (
    FINAL_SEEDS,
    LARGE_DATA_FROM,
    LARGE_DATA_MAX_TREES,
    LIGHTGBM_DEFAULTS,
    QUICK_MAX_TREES,
    REFIT_FACTOR,
    SCREENING_LEARNING_RATE,
    Candidate,
    build_pipeline,
    final_candidate,
    quick_candidate,
)
from model_training.report import all_clients_fr, compared_fr, screened_clients, screening_sentence
from model_training.train import (
    QUICK_SCREENING_CLIENTS,
    SCREENING_CLIENTS,
    TrainingData,
    TrainOptions,
    screening_sample,
)


def _data(clients: int, defaulters: int) -> TrainingData:
    y = np.zeros(clients, dtype=np.int8)
    y[np.random.default_rng(0).choice(clients, defaulters, replace=False)] = 1
    ids = np.arange(100_000, 100_000 + clients)
    X = pd.DataFrame({"A": np.arange(clients, dtype=np.float32), "B": y.astype(np.float32)})
    return TrainingData(X=X, y=y, ids=ids, tables=None, feature_names=["A", "B"], categorical_features={})


def test_the_screening_subsample_keeps_the_default_rate_the_order_and_the_rows_as_they_are():
    data = _data(30_000, 2_400)
    screen = screening_sample(data, 5_000, seed=42)
    assert len(screen.y) == len(screen.ids) == len(screen.X) == 5_000
    assert screen.y.sum() == 400  # 8 % of 5,000, as in all 30,000
    assert np.all(np.diff(screen.ids) > 0)  # original order
    rows = screen.ids - 100_000
    assert np.array_equal(
        screen.X["A"].to_numpy(), rows.astype(np.float32)
    )  # features stay with their client
    assert np.array_equal(screen.y, data.y[rows])
    again = screening_sample(data, 5_000, seed=42)
    assert np.array_equal(again.ids, screen.ids)
    assert not np.array_equal(screening_sample(data, 5_000, seed=43).ids, screen.ids)


def test_small_data_or_too_few_defaulters_are_screened_on_every_client():
    small = _data(3_000, 240)
    assert screening_sample(small, 5_000, seed=42) is small
    rare = _data(30_000, 20)  # a 1,000-client subsample would hold fewer than one defaulter per fold
    assert screening_sample(rare, 1_000, seed=42) is rare


def test_quick_screens_on_fewer_clients_and_an_explicit_limit_wins():
    assert TrainOptions(data=".", out=".").screening_clients == SCREENING_CLIENTS
    assert TrainOptions(data=".", out=".", quick=True).screening_clients == QUICK_SCREENING_CLIENTS
    assert TrainOptions(data=".", out=".", quick=True, screening=1_234).screening_clients == 1_234


def test_the_final_lightgbm_averages_seeds_at_a_small_rate_only_below_the_large_data_size():
    screened = Candidate("lightgbm", "none", {"learning_rate": SCREENING_LEARNING_RATE, "num_leaves": 9})
    small = final_candidate(screened, 20_014)
    assert small.seeds == FINAL_SEEDS and small.params["learning_rate"] == LIGHTGBM_DEFAULTS["learning_rate"]
    large = final_candidate(screened, LARGE_DATA_FROM)
    assert large.seeds == 1 and large.params == screened.params  # the screening rate, the searched settings
    assert large.refit_factor == REFIT_FACTOR  # still refitted on all its rows, as the served model is
    assert (
        large.max_trees == LARGE_DATA_MAX_TREES == 800 and small.max_trees == 2000
    )  # 0.05 × 800 = 0.02 × 2000


def test_quick_caps_the_final_lightgbm_trees_only_on_large_data():
    screened = Candidate("lightgbm", "none", {"learning_rate": SCREENING_LEARNING_RATE})
    assert quick_candidate(screened, 20_014) == screened
    large = quick_candidate(screened, LARGE_DATA_FROM)
    assert large.max_trees == QUICK_MAX_TREES and large.params == screened.params and large.seeds == 1
    assert build_pipeline(large, ["A"], [], seed=1)[-1].max_trees == QUICK_MAX_TREES  # reaches the model
    other = Candidate("logistic_regression", "class_weight")
    assert quick_candidate(other, 307_511) == other


def test_the_methodology_note_says_when_candidates_were_compared_on_a_subsample():
    params = {"option_screening_clients": "50000", "data_labelled_clients": "307511"}
    assert screened_clients(params) == "a stratified subsample of 50000 of the 307511 labelled applicants"
    assert "cross-validated and fitted on all 307511" in screening_sentence(params)
    small = {"option_screening_clients": "50000", "data_labelled_clients": "20014"}
    assert screened_clients(small) == "every labelled applicant" and screening_sentence(small) == ""
    older = {"data_labelled_clients": "20014"}  # runs from before the option existed
    assert screened_clients(older) == "every labelled applicant"
    assert compared_fr(params) == "un sous-échantillon stratifié de 50000 des 307511"
    assert all_clients_fr(params) == " de ses 307511 clients (validation croisée sur tous)"
    assert compared_fr(small) == "20014" and all_clients_fr(small) == ""


@pytest.fixture(scope="module")
def screened_training(trained_synthetic_data, tmp_path_factory):
    """A real `train` whose candidates are compared on 1,000 of the 1,500 synthetic clients."""
    work = tmp_path_factory.mktemp("screened")
    argv = ["train", "--data", str(trained_synthetic_data), "--out", str(work / "artifacts")]
    argv += ["--quick", "--model", "lightgbm", "--trials", "0", "--screening-clients", "1000"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{work / 'mlruns.db'}")
        return main(argv), work


def test_candidates_compared_on_the_subsample_and_the_final_model_on_every_client(screened_training):
    status, work = screened_training
    assert status == 0
    oof = pl.read_parquet(work / "artifacts" / "oof_predictions.parquet")
    assert oof.height == 1_500 and oof.get_column("probability").null_count() == 0
    serving = json.loads((work / "artifacts" / "serving.json").read_text())
    assert serving["training_data"]["labelled_clients"] == 1_500
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{work / 'mlruns.db'}")
    experiment = client.get_experiment_by_name("credit-scoring")
    parent = next(
        r for r in client.search_runs([experiment.experiment_id]) if "mlflow.parentRunId" not in r.data.tags
    )
    assert parent.data.params["option_screening_clients"] == "1000"
    assert serving["options"]["screening_clients"] == 1000
