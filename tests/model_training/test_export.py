"""The artifacts folder (docs/artifacts.md): complete, consistent, and loadable the way the app loads it."""

import json
import os
from types import SimpleNamespace

import lightgbm as lgb
import numpy as np
import polars as pl
import pytest

from model_training import export
from model_training.calibration import PlattMap, sigmoid
from model_training.cost import optimal_threshold
from model_training.errors import InputError
from model_training.explain import calibrated_contributions, contributions

CONTRACT_FILES = (
    "model/MLmodel",
    "serving.json",
    "booster.txt",
    "shap_background.parquet",
    "global_importance.parquet",
    "clients/production.parquet",
    "clients/production_features.parquet",
    "clients/production_applications.parquet",
    "clients/reference.parquet",
    "clients/reference_features.parquet",
    "oof_predictions.parquet",
)


@pytest.fixture(scope="module")
def serving(trained_artifacts) -> dict:
    return json.loads((trained_artifacts / "serving.json").read_text())


@pytest.fixture(scope="module")
def production_matrix(trained_artifacts, serving):
    features = pl.read_parquet(trained_artifacts / "clients/production_features.parquet")
    return features.select(serving["feature_names"]).to_pandas()


def test_every_contract_file_is_there(trained_artifacts):
    missing = [name for name in CONTRACT_FILES if not (trained_artifacts / name).is_file()]
    assert not missing
    assert not [
        p for p in trained_artifacts.parent.iterdir() if ".staging-" in p.name or ".previous-" in p.name
    ]


def test_pyfunc_model_gives_the_in_memory_probabilities(trained_artifacts, production_matrix):
    import mlflow

    in_memory = pl.read_parquet(trained_artifacts / "clients/production.parquet")["probability"].to_numpy()
    pyfunc = mlflow.pyfunc.load_model(str(trained_artifacts / "model"))
    np.testing.assert_allclose(pyfunc.predict(production_matrix)[:, 1], in_memory, rtol=0, atol=1e-9)
    flavour = mlflow.sklearn.load_model(str(trained_artifacts / "model"))
    np.testing.assert_allclose(flavour.predict_proba(production_matrix)[:, 1], in_memory, rtol=0, atol=1e-9)


def test_booster_and_calibration_give_the_same_probabilities(trained_artifacts, serving, production_matrix):
    in_memory = pl.read_parquet(trained_artifacts / "clients/production.parquet")["probability"].to_numpy()
    booster = lgb.Booster(model_file=str(trained_artifacts / "booster.txt"))
    assert booster.feature_name() == serving["feature_names"]
    raw = booster.predict(production_matrix.to_numpy(np.float32), raw_score=True)
    a, b = serving["calibration"]["a"], serving["calibration"]["b"]
    np.testing.assert_allclose(sigmoid(a * raw + b), in_memory, rtol=0, atol=1e-9)


def test_exported_booster_explains_the_served_score(trained_artifacts, serving, production_matrix):
    booster = lgb.Booster(model_file=str(trained_artifacts / "booster.txt"))
    clients = production_matrix.iloc[[0, 1, 2, 10, 20]]
    calibration = PlattMap(serving["calibration"]["a"], serving["calibration"]["b"])
    phi = calibrated_contributions(contributions(booster, clients), calibration)
    served = pl.read_parquet(trained_artifacts / "clients/production.parquet")["probability"].to_numpy()
    np.testing.assert_allclose(sigmoid(phi.sum(axis=1)), served[[0, 1, 2, 10, 20]], atol=1e-9)


def test_threshold_comes_from_the_out_of_fold_scores(trained_artifacts, serving):
    oof = pl.read_parquet(trained_artifacts / "oof_predictions.parquet")
    assert oof["SK_ID_CURR"].is_unique().all()
    assert sorted(oof["fold"].unique().to_list()) == [0, 1, 2, 3, 4]
    choice = optimal_threshold(oof["TARGET"].to_numpy(), oof["probability"].to_numpy(), 10, 1)
    assert serving["threshold"] == pytest.approx(choice.threshold)
    assert serving["cv_metrics"]["business_cost"] == pytest.approx(choice.cost)


def test_serving_metadata_describes_the_model(serving):
    for key in ("threshold", "cost_fn", "cost_fp", "run_id", "trained_at", "training_data", "labels"):
        assert key in serving, key
    assert serving["model"]["name"] == "credit-scoring" and serving["model"]["version"]
    assert {"a", "b", "brier", "reliability"} <= set(serving["calibration"])
    assert {"roc_auc", "roc_auc_fold_std", "business_cost", "cost_accept_all"} <= set(serving["cv_metrics"])
    assert set(serving["feature_descriptions"]) == set(serving["feature_names"])
    assert all(serving["feature_descriptions"].values())
    assert set(serving["categorical_features"]) <= set(serving["feature_names"])
    assert serving["training_data"]["labelled_clients"] > 0
    assert serving["explanation"]["method"].startswith("exact TreeSHAP")


def test_client_tables(trained_artifacts, serving):
    clients = trained_artifacts / "clients"
    production = pl.read_parquet(clients / "production.parquet")
    refused = production["probability"] >= serving["threshold"]
    assert (production["decision"] == "refuse").to_list() == refused.to_list()
    assert set(production["decision"]) <= {"accept", "refuse"}
    assert serving["decision_rule"] == "refuse when probability >= threshold, else accept"
    assert production["probability"].is_between(0, 1).all()
    for field in (
        "age_years",
        "income",
        "credit",
        "annuity",
        "goods_price",
        "employment_years",
        "occupation",
    ):
        assert field in production.columns
    assert production["age_years"].drop_nulls().is_between(18, 80).all()
    features = pl.read_parquet(clients / "production_features.parquet")
    assert features.columns == ["SK_ID_CURR", *serving["feature_names"]]
    applications = pl.read_parquet(clients / "production_applications.parquet")
    assert "DAYS_BIRTH" in applications.columns and applications.height == production.height
    reference = pl.read_parquet(clients / "reference.parquet")
    oof = pl.read_parquet(trained_artifacts / "oof_predictions.parquet")
    joined = reference.join(oof, on="SK_ID_CURR", suffix="_oof")
    np.testing.assert_array_equal(joined["probability"].to_numpy(), joined["probability_oof"].to_numpy())
    assert pl.read_parquet(clients / "reference_features.parquet").columns[1:] == serving["feature_names"]


def test_global_importance_and_background(trained_artifacts, serving):
    importance = pl.read_parquet(trained_artifacts / "global_importance.parquet")
    assert set(importance["feature"]) == set(serving["feature_names"])
    assert importance["mean_abs_shap"].is_sorted(descending=True)
    background = pl.read_parquet(trained_artifacts / "shap_background.parquet")
    assert background.columns == ["SK_ID_CURR", *serving["feature_names"]]
    assert 0 < background.height <= export.SHAP_BACKGROUND_ROWS


def test_check_writable(tmp_path):
    export.check_writable(tmp_path / "artifacts")  # a new folder in a writable one is fine
    (tmp_path / "file").write_text("")
    with pytest.raises(InputError, match="is a file"):
        export.check_writable(tmp_path / "file")
    with pytest.raises(InputError, match="does not exist"):
        export.check_writable(tmp_path / "file" / "artifacts")
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(InputError, match="cannot write"):
            export.check_writable(locked / "artifacts")


def test_swap_replaces_the_whole_folder(tmp_path):
    out = tmp_path / "artifacts"
    (out / "drift").mkdir(parents=True)
    (out / "old.txt").write_text("old")
    staging = export.staging_folder(out)
    (staging / "new.txt").write_text("new")
    export.swap_into_place(staging, out)
    assert sorted(p.name for p in out.iterdir()) == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["artifacts"]


def test_a_failed_export_leaves_the_previous_artifacts(tmp_path, monkeypatch):
    from model_training.train import TrainOptions, export_and_register

    out = tmp_path / "artifacts"
    out.mkdir()
    (out / "serving.json").write_text("previous")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export, "write_model_files", broken)
    options = TrainOptions(data=tmp_path, out=out)
    final = SimpleNamespace(model=None, model_uri="models:/none", scored=None)
    with pytest.raises(RuntimeError, match="disk full"):
        export_and_register(options, SimpleNamespace(), {}, final)
    assert (out / "serving.json").read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["artifacts"]


def test_feature_descriptions_cover_engineered_features():
    kaggle = pl.DataFrame(
        {
            "Table": ["application_{train|test}.csv", "bureau.csv"],
            "Row": ["AMT_CREDIT", "AMT_CREDIT_SUM_DEBT"],
            "Description": ["Credit amount of the loan", "Current debt on Credit Bureau credit"],
        }
    )
    names = [
        "AMT_CREDIT",
        "BUREAU_ACTIVE_AMT_CREDIT_SUM_DEBT_MEAN",
        "APP_PAYMENT_RATE",
        "INST_LAST_365D_COUNT",
    ]
    described = export.feature_descriptions(names, kaggle)
    assert described["AMT_CREDIT"].en == "Credit amount of the loan."
    assert described["AMT_CREDIT"].fr == "Montant du crédit demandé."
    debt = described["BUREAU_ACTIVE_AMT_CREDIT_SUM_DEBT_MEAN"]
    assert debt.en == (
        "Average over the active credits reported to the bureau: current debt on Credit Bureau credit."
    )
    assert debt.fr == (
        "Moyenne sur les crédits déclarés au bureau en cours\u00a0: montant encore dû sur le crédit déclaré."
    )
    assert debt.source == "bureau (aggregated)"
    assert "annuity" in described["APP_PAYMENT_RATE"].en.lower()
    assert described["APP_PAYMENT_RATE"].source == "application (engineered)"
    recent = described["INST_LAST_365D_COUNT"]
    assert recent.fr.startswith("Nombre d’échéances de prêts précédents sur la dernière année.")
    assert recent.en.startswith("Number of instalments of previous loans in the last year.")
    assert recent.source == "installments_payments (aggregated)"


def test_every_exported_feature_is_described_in_french_and_english(serving):
    descriptions = serving["feature_descriptions"]
    assert set(descriptions) == set(serving["feature_names"])
    for name, entry in descriptions.items():
        assert set(entry) == {"fr", "en"}, name
        assert entry["fr"].strip() and entry["en"].strip() and entry["fr"] != entry["en"], name
        assert name not in entry["fr"] and name not in entry["en"], name  # words, not the column code
    assert set(serving["feature_sources"]) == set(serving["feature_names"])
