"""Tracking store defaults, the data fingerprint and the registry's aliases, on a temporary MLflow store."""

import os
import time

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier

from model_training import tracking


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A throw-away SQLite store; MLFLOW_TRACKING_URI points at it for the module."""
    folder = tmp_path_factory.mktemp("mlflow")
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", uri)
        experiment_id = tracking.start_tracking()
        yield folder, experiment_id


def test_default_store_is_sqlite_in_the_project(monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    assert tracking.tracking_uri() == f"sqlite:///{tracking.PROJECT_DIR / 'mlruns' / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://localhost:5000")
    assert tracking.tracking_uri() == "http://localhost:5000"
    assert tracking.artifact_root("http://localhost:5000") is None


def test_artifacts_go_beside_the_database(store):
    import mlflow

    folder, experiment_id = store
    location = mlflow.get_experiment(experiment_id).artifact_location
    assert location == (folder / "artifacts").as_uri()
    assert tracking.start_tracking() == experiment_id  # idempotent


def _logged_model(experiment_id: str):
    import mlflow

    X = pd.DataFrame({"A": [0.0, 1.0, 2.0, 3.0]})
    with mlflow.start_run(experiment_id=experiment_id):
        info = mlflow.sklearn.log_model(
            DummyClassifier().fit(X, [0, 0, 1, 1]),
            name="model",
            serialization_format="cloudpickle",
            pip_requirements=["scikit-learn"],
        )
    return info.model_uri


def test_only_the_first_version_becomes_champion_by_itself(store):
    """Later versions are challengers, cheaper or not: moving the champion is `promote`'s decision."""
    from mlflow.tracking import MlflowClient

    tags = {"cost_weights": "fn=10,fp=1", "data_fingerprint": "x"}
    first = tracking.register_version(_logged_model(store[1]), 0.50, tags, name="test-model")
    assert first.champion and first.alias == "champion" and first.previous_champion is None

    cheaper = tracking.register_version(_logged_model(store[1]), 0.40, tags, name="test-model")
    assert (
        not cheaper.champion and cheaper.alias == "challenger" and cheaper.previous_champion == first.version
    )
    assert f"promote --version {cheaper.version}" in cheaper.message

    other_data = tracking.register_version(
        _logged_model(store[1]), 0.30, {**tags, "data_fingerprint": "y"}, name="test-model"
    )
    assert "trained on other data" in other_data.message
    aliases = MlflowClient().get_registered_model("test-model").aliases
    assert {k: str(v) for k, v in aliases.items()} == {
        "champion": first.version,
        "challenger": other_data.version,
    }
    champion = tracking.current_champion("test-model")
    assert float(champion.tags["cv_business_cost"]) == pytest.approx(0.50)


def test_fingerprint_follows_the_files(tmp_path):
    (tmp_path / "application_train.csv").write_text("SK_ID_CURR,TARGET\n1,0\n")
    before = tracking.input_fingerprint(tmp_path)
    assert tracking.input_fingerprint(tmp_path) == before
    later = time.time() + 5
    os.utime(tmp_path / "application_train.csv", (later, later))
    assert tracking.input_fingerprint(tmp_path) != before


def test_pip_requirements_are_pinned():
    pins = tracking.pip_requirements()
    assert all("==" in pin for pin in pins)
    assert any(pin.startswith("lightgbm==") for pin in pins)
    assert np.all([" " not in pin for pin in pins])
