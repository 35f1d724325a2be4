"""`train` end to end: tracked runs, champion then challengers, a clear error for each kind of bad input."""

import gzip
import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from model_training.__main__ import main


def _client(trained_artifacts: Path):
    from mlflow.tracking import MlflowClient

    uri = f"sqlite:///{trained_artifacts.parent / 'mlruns' / 'mlflow.db'}"
    return MlflowClient(tracking_uri=uri, registry_uri=uri), uri


def test_quick_training_learns_something(trained_artifacts):
    serving = json.loads((trained_artifacts / "serving.json").read_text())
    metrics = serving["cv_metrics"]
    assert metrics["roc_auc"] > 0.65
    assert metrics["business_cost"] < min(metrics["cost_accept_all"], metrics["cost_refuse_all"])
    assert serving["model"]["is_champion"] and serving["model"]["alias"] == "champion"


def test_one_parent_run_with_nested_runs_params_metrics_and_artifacts(trained_artifacts):
    client, _ = _client(trained_artifacts)
    serving = json.loads((trained_artifacts / "serving.json").read_text())
    parent = client.get_run(serving["run_id"])
    assert parent.data.params["option_quick"] == "True"
    assert parent.data.params["data_labelled_clients"] == str(serving["training_data"]["labelled_clients"])
    assert parent.data.tags["data_fingerprint"] == serving["training_data"]["fingerprint_sha256"]
    assert parent.data.metrics["final_roc_auc"] == pytest.approx(serving["cv_metrics"]["roc_auc"])
    artifacts = {f.path for f in client.list_artifacts(parent.info.run_id)}
    assert {"comparison.csv", "data_record.json", "explanations", "timings.json"} <= artifacts

    runs = client.search_runs([parent.info.experiment_id], max_results=1000)
    children = [run for run in runs if run.data.tags.get("mlflow.parentRunId") == parent.info.run_id]
    names = {run.info.run_name for run in children}
    assert {"dummy+none", "lightgbm+none", "hyperparameter search"} <= names
    assert any(name.startswith("final ") for name in names)
    candidate = next(run for run in children if run.info.run_name == "lightgbm+none")
    assert {"roc_auc", "roc_auc_fold_std", "pr_auc", "business_cost", "business_cost_at_0_5"} <= set(
        candidate.data.metrics
    )
    assert {"recall_defaulters", "precision_defaulters", "approval_rate", "fit_seconds"} <= set(
        candidate.data.metrics
    )
    plots = {f.path for f in client.list_artifacts(candidate.info.run_id, "plots")}
    assert {"plots/roc_pr.png", "plots/cost_vs_threshold.png", "plots/confusion_matrix.png"} <= plots


def test_registered_version_carries_its_cv_figures(trained_artifacts):
    client, _ = _client(trained_artifacts)
    serving = json.loads((trained_artifacts / "serving.json").read_text())
    version = client.get_model_version_by_alias("credit-scoring", "champion")
    assert str(version.version) == serving["model"]["version"]
    assert float(version.tags["cv_business_cost"]) == pytest.approx(serving["cv_metrics"]["business_cost"])
    assert "cv_roc_auc" in version.tags


def test_a_new_version_is_the_challenger_beside_the_champion(
    trained_artifacts, trained_synthetic_data, tmp_path, monkeypatch
):
    """A second training (here a dummy model) is registered as challenger and exported to OUT/challenger/;
    the champion's alias and export stay (on a copy of the store and of the artifacts)."""
    from model_training.train import TrainOptions, train

    store = tmp_path / "mlruns"
    shutil.copytree(trained_artifacts.parent / "mlruns", store)
    shutil.copytree(trained_artifacts, tmp_path / "artifacts")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{store / 'mlflow.db'}")
    champion_before = (tmp_path / "artifacts" / "serving.json").read_text()

    report = train(TrainOptions(trained_synthetic_data, tmp_path / "artifacts", quick=True, model="dummy"))

    assert not report.registry.champion and report.registry.alias == "challenger"
    assert report.out == tmp_path / "artifacts" / "challenger"
    serving = json.loads((report.out / "serving.json").read_text())
    assert serving["model"]["is_champion"] is False and serving["model"]["alias"] == "challenger"
    assert serving["model"]["version"] == report.registry.version
    assert serving["explanation"]["method"].startswith("model-agnostic")
    assert (tmp_path / "artifacts" / "serving.json").read_text() == champion_before
    client, _ = _client(tmp_path / "artifacts")
    champion = json.loads(champion_before)["model"]["version"]
    assert str(client.get_model_version_by_alias("credit-scoring", "champion").version) == champion
    challenger = client.get_model_version_by_alias("credit-scoring", "challenger")
    assert str(challenger.version) == report.registry.version


# ---------------------------------------------------------------------------------------------- bad input


def _rewrite_train(folder: Path, change) -> None:
    """Apply ``change`` to application_train (read as text, so every other value stays as written)."""
    path = next(folder.glob("application_train.csv*"))
    frame = change(pl.read_csv(path, infer_schema=False))
    text = frame.write_csv().encode()
    path.write_bytes(gzip.compress(text) if path.suffix == ".gz" else text)


def _only_defaulters(n: int):
    return lambda f: pl.concat([f.filter(pl.col("TARGET") == "0"), f.filter(pl.col("TARGET") == "1").head(n)])


BAD_DATA = {
    "missing table": (lambda folder: next(folder.glob("bureau.csv*")).unlink(), "bureau"),
    "no TARGET": (lambda folder: _rewrite_train(folder, lambda f: f.drop("TARGET")), "TARGET"),
    "single class": (
        lambda folder: _rewrite_train(folder, lambda f: f.with_columns(pl.lit("0").alias("TARGET"))),
        "only TARGET = 0",
    ),
    "too few defaulters": (
        lambda folder: _rewrite_train(folder, _only_defaulters(3)),
        "3 defaulters",
    ),
}


@pytest.fixture
def previous(tmp_path, trained_artifacts, monkeypatch):
    """A previous artifacts folder and a copy of the store, to check that bad input touches neither."""
    out = tmp_path / "artifacts"
    out.mkdir()
    (out / "serving.json").write_text("previous")
    store = tmp_path / "mlruns"
    shutil.copytree(trained_artifacts.parent / "mlruns", store)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{store / 'mlflow.db'}")
    return out, store


def _untouched(out: Path, store: Path, capsys) -> str:
    from mlflow.tracking import MlflowClient

    assert (out / "serving.json").read_text() == "previous"
    assert sorted(p.name for p in out.parent.iterdir() if not p.name.startswith("data")) == [
        "artifacts",
        "mlruns",
    ]
    uri = f"sqlite:///{store / 'mlflow.db'}"
    versions = MlflowClient(tracking_uri=uri, registry_uri=uri).search_model_versions(
        "name = 'credit-scoring'"
    )
    assert len(versions) == 1
    return capsys.readouterr().err


@pytest.mark.parametrize("case", sorted(BAD_DATA))
def test_bad_data_is_one_clear_error(case, previous, trained_synthetic_data, tmp_path, capsys):
    out, store = previous
    data = tmp_path / "data"
    shutil.copytree(trained_synthetic_data, data)
    spoil, expected = BAD_DATA[case]
    spoil(data)
    assert main(["train", "--data", str(data), "--out", str(out), "--quick"]) == 2
    error = _untouched(out, store, capsys)
    assert error.startswith("error: ") and expected in error and "Traceback" not in error


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--data", "/nonexistent/folder"], "no such folder"),
        (["--model", "xgboost"], "not a known model"),
        (["--out", "/dev/null/artifacts"], "does not exist"),
        (["--screening-clients", "10"], "--screening-clients must be at least 1,000 (got 10)"),
    ],
)
def test_bad_options_are_one_clear_error(arguments, expected, previous, trained_synthetic_data, capsys):
    out, store = previous
    given = {
        "--data": str(trained_synthetic_data),
        "--out": str(out),
        **dict(zip(arguments[::2], arguments[1::2], strict=True)),
    }
    argv = ["train", "--quick", *[x for pair in given.items() for x in pair]]
    assert main(argv) == 2
    error = _untouched(out, store, capsys)
    assert expected in error


def test_an_existing_file_as_out_is_refused(tmp_path, trained_synthetic_data, capsys):
    target = tmp_path / "artifacts"
    target.write_text("not a folder")
    assert main(["train", "--data", str(trained_synthetic_data), "--out", str(target), "--quick"]) == 2
    assert "is a file" in capsys.readouterr().err


def test_a_search_winner_must_beat_the_start_by_more_than_noise():
    from model_training.train import paired_gain

    gain, standard_error = paired_gain([0.76, 0.75, 0.77, 0.74, 0.75], [0.75, 0.75, 0.76, 0.74, 0.74])
    assert gain == pytest.approx(0.006)
    assert standard_error == pytest.approx((0.00003**0.5) / 5**0.5)


# --- choosing among the compared configurations: cost, unless within noise of the best ranker -------------

#: Two folds of four applicants, one defaulter each; every configuration refuses at 0.5.
CHOICE_Y = [1, 0, 0, 0, 1, 0, 0, 0]
CHOICE_FOLDS = [0, 0, 0, 0, 1, 1, 1, 1]


def _scored(name: str, probability: list[float], roc_auc: float):
    import numpy as np

    from model_training.calibration import PlattMap
    from model_training.candidates import Candidate
    from model_training.cost import cost_at_threshold
    from model_training.evaluate import Evaluation, OutOfFold
    from model_training.train import Scored

    p, y = np.array(probability), np.array(CHOICE_Y)
    metrics = {"threshold": 0.5, "business_cost": cost_at_threshold(y, p, 0.5), "roc_auc": roc_auc}
    oof = OutOfFold(raw=p, folds=np.array(CHOICE_FOLDS), fold_auc=[], fit_seconds=0.0)
    return Scored(Candidate(name), oof, Evaluation(p, PlattMap(1.0, 0.0), metrics, {}), y)


def test_a_cheaper_configuration_within_noise_does_not_replace_the_best_ranker():
    from model_training.train import choose_best

    # ranker: fold 0 one false positive (1/4 = 0.25), fold 1 a missed defaulter (10/4 = 2.5): 1.375 overall
    ranker = _scored("lightgbm", [0.9, 0.6, 0.1, 0.1, 0.4, 0.1, 0.1, 0.1], roc_auc=0.9)
    # lucky: 2.5 then 0: 1.25 overall, cheaper by 0.125 but the folds disagree (gain 0.125 ± 2.375)
    lucky = _scored("random_forest", [0.4, 0.1, 0.1, 0.1, 0.9, 0.1, 0.1, 0.1], roc_auc=0.8)
    assert lucky.metrics["business_cost"] < ranker.metrics["business_cost"]
    chosen, why = choose_best([lucky, ranker], 10.0, 1.0)
    assert chosen is ranker and "within noise" in why and "0.1250 ± 2.3750" in why
    # clearly cheaper: 0 in both folds, gain 1.375 ± 1.125 (std of 0.25 and 2.5 over sqrt 2): chosen
    clear = _scored("logistic_regression", [0.9, 0.1, 0.1, 0.1, 0.9, 0.1, 0.1, 0.1], roc_auc=0.85)
    chosen, why = choose_best([lucky, ranker, clear], 10.0, 1.0)
    assert chosen is clear and "1.3750 ± 1.1250" in why
