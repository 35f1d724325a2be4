"""The drift report on synthetic applicants with a known, injected drift (real evidently, no mocks).

One report is built for the module (20,000 labelled applicants, ~3,200 in production, with a small stand-in
model export) and every verdict test reads it; a second evidently run compares two halves of the same
applicants. At 20,000 applicants the injected drift is found with no false positive; at 6,000 (950 in
production) a few sparse building columns (70% missing) cross the 0.1 threshold by sampling noise alone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from model_training.data import read_table
from model_training.drift import (
    LIGHT_COLUMNS,
    LOADING_NOTICE,
    PRODUCTION_CLIENTS_FILE,
    PRODUCTION_FEATURES_FILE,
    REFERENCE_CLIENTS_FILE,
    SCORE_COLUMN,
    build_drift_report,
    compare_applicants,
    light_report_columns,
    sample_rows,
    summary_lines,
    verdicts,
)
from model_training.drift_summary import (
    light_report_path,
    load_drift_summary,
    population_stability_index,
    report_path,
    summary_path,
)
from model_training.errors import InputError
from model_training.features import application_features
from model_training.schema import CLIENT_ID, TARGET
from model_training.synthetic import DRIFTED_COLUMNS, write_synthetic

CLIENTS = 20_000
SEED = 3
#: Stand-in model: mean |SHAP| of a few features. The top 6 are compared; NAME_EDUCATION_TYPE (7th) is a model
#: feature outside the top, so it keeps its importance but is compared as the raw application column.
IMPORTANCE = {
    "EXT_SOURCE_3": 0.40,
    "APP_AGE_YEARS": 0.30,  # from DAYS_BIRTH: drifts with it
    "AMT_CREDIT": 0.25,
    "APP_CREDIT_INCOME_RATIO": 0.20,  # both amounts grow by the same 20%: stable
    "APP_EXT_SOURCE_MEAN": 0.15,
    "APP_PAYMENT_RATE": 0.10,  # annuity / credit: stable
    "NAME_EDUCATION_TYPE": 0.05,
}
TOP = 6
EXPECTED_DRIFT = {*DRIFTED_COLUMNS, "APP_AGE_YEARS"}


def _probability(applications: pl.DataFrame) -> pl.Series:
    """A stand-in score that depends on EXT_SOURCE_2 only, which does not drift."""
    ext = applications["EXT_SOURCE_2"].fill_null(0.5).cast(pl.Float64).to_numpy()
    return pl.Series("probability", 1 / (1 + np.exp(-(-2.5 + 4 * (0.5 - ext)))))


def write_stand_in_model(data: Path, artifacts: Path) -> None:
    """The model files the drift report reads, shaped as `model_training.export` writes them."""
    clients = artifacts / "clients"
    clients.mkdir(parents=True)
    for table, name in (("application_train", "reference"), ("application_test", "production")):
        applications = read_table(data, table)
        application_features(applications).write_parquet(clients / f"{name}_features.parquet")
        scores = applications.select(CLIENT_ID, *([TARGET] if name == "reference" else []))
        scores.with_columns(_probability(applications)).write_parquet(clients / f"{name}.parquet")
    features = application_features(read_table(data, "application_test").head(1)).columns[1:]
    pl.DataFrame(
        {
            "feature": features,
            "mean_abs_shap": [IMPORTANCE.get(name, 0.001) for name in features],
            "gain": [1.0] * len(features),
        }
    ).write_parquet(artifacts / "global_importance.parquet")


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    write_synthetic(folder, clients=CLIENTS, seed=SEED)
    return folder


@pytest.fixture(scope="module")
def built(data, tmp_path_factory):
    artifacts = tmp_path_factory.mktemp("artifacts")
    write_stand_in_model(data, artifacts)
    return artifacts, build_drift_report(data, artifacts, top_features=TOP)


def _drifted(summary: dict) -> set[str]:
    return {c["column"] for c in summary["columns"] if c["drifted"]}


# ------------------------------------------------------------------------------------------ verdicts


def test_flags_the_injected_drift_and_no_stable_column(built):
    _, result = built
    assert _drifted(result.summary) == EXPECTED_DRIFT
    assert result.summary["dataset"]["drifted"] is False  # 6 of ~124 columns
    assert result.summary["not_compared"] == []


def test_two_halves_of_the_same_applicants_do_not_drift(data):
    labelled = read_table(data, "application_train")
    first = labelled.sample(fraction=0.5, seed=SEED, shuffle=False)
    second = labelled.join(first.select(CLIENT_ID), on=CLIENT_ID, how="anti")
    # a column left empty in a production batch is reported as not compared (evidently cannot compare it)
    second = second.with_columns(pl.lit(None, pl.Float32).alias("OWN_CAR_AGE"))
    summary = compare_applicants(first, second).summary
    assert summary["dataset"]["drifted"] is False
    assert summary["dataset"]["drifted_columns"] == 0
    assert summary["not_compared"] == [{"column": "OWN_CAR_AGE", "reason": "no value in the production rows"}]
    assert summary["score"] is None
    assert any("model-based parts skipped" in line for line in summary_lines(summary))


def test_summary_copies_evidently_verdicts(built):
    _, result = built
    by_column, dataset = verdicts(result.snapshot.dict())
    summary = result.summary
    assert {c["column"]: c["drifted"] for c in summary["columns"]} == {
        name: v["drifted"] for name, v in by_column.items() if name != SCORE_COLUMN
    }
    for column in summary["columns"]:
        assert column["drift_score"] == by_column[column["column"]]["drift_score"]
        assert column["threshold"] == by_column[column["column"]]["threshold"] == 0.1
    # evidently's dataset count (DatasetDriftMetric) agrees with its per-column tests (ValueDrift)
    assert dataset["drifted_columns"] == len(_drifted(summary)) == summary["dataset"]["drifted_columns"]
    assert summary["dataset"]["drifted_share"] == pytest.approx(len(EXPECTED_DRIFT) / len(summary["columns"]))
    assert summary["score"]["drifted"] is by_column[SCORE_COLUMN]["drifted"] is False


def test_html_report_shows_the_summary_verdicts(built):
    artifacts, result = built
    html = report_path(artifacts).read_text(encoding="utf-8")
    shown = {
        name: verdict == "detected"
        for name, verdict in re.findall(
            r"\"Drift in column '([^']+)'\", \"label\": \"Data drift (detected|not detected)\.", html
        )
    }
    expected = {c["column"]: c["drifted"] for c in result.summary["columns"]}
    assert shown == {**expected, SCORE_COLUMN: result.summary["score"]["drifted"]}
    assert report_path(artifacts).stat().st_size < 15e6


def _columns_shown(html: str) -> dict[str, bool]:
    pattern = r"\"Drift in column '([^']+)'\", \"label\": \"Data drift (detected|not detected)\."
    found = re.findall(pattern, html)
    return {name: verdict == "detected" for name, verdict in found}


def test_the_lighter_report_shows_the_score_and_the_columns_read_first_with_the_same_verdicts(built):
    artifacts, result = built
    light = light_report_path(artifacts).read_text(encoding="utf-8")
    full = report_path(artifacts).read_text(encoding="utf-8")
    chosen = light_report_columns(result.summary)
    assert len(chosen) == min(LIGHT_COLUMNS, len(result.summary["columns"]))
    # drifted columns come first: here every one of them fits in the lighter report
    assert _drifted(result.summary) <= set(chosen)
    shown = _columns_shown(light)
    assert set(shown) == {*chosen, SCORE_COLUMN}
    assert shown == {name: verdict for name, verdict in _columns_shown(full).items() if name in shown}
    assert len(light) < len(full) / 1.5  # the per-column plots are what the browser spends its time on


def test_both_reports_say_they_are_loading_until_evidently_draws_them(built):
    artifacts, _ = built
    for path in (report_path(artifacts), light_report_path(artifacts)):
        html = path.read_text(encoding="utf-8")
        body = html.index("<body>") + len("<body>")
        assert html[body : body + len(LOADING_NOTICE)] == LOADING_NOTICE  # first, before the megabytes
        assert 'role="status"' in LOADING_NOTICE and ":has(" in LOADING_NOTICE


def test_model_columns_carry_their_importance(built):
    _, result = built
    columns = {c["column"]: c for c in result.summary["columns"]}
    assert result.summary["model"]["top_features"] == list(IMPORTANCE)[:TOP]
    assert {name for name, c in columns.items() if c["source"] == "feature"} == {
        "APP_AGE_YEARS",
        "APP_CREDIT_INCOME_RATIO",
        "APP_EXT_SOURCE_MEAN",
        "APP_PAYMENT_RATE",
    }
    assert columns["AMT_CREDIT"]["importance"] == 0.25
    assert columns["NAME_EDUCATION_TYPE"]["importance"] == 0.05
    assert columns["NAME_EDUCATION_TYPE"]["type"] == "categorical"
    assert columns["DAYS_BIRTH"]["importance"] is None  # used by the model only through APP_AGE_YEARS


def test_score_psi_is_evidently_value_over_reference_deciles(built, data):
    artifacts, result = built
    reference = pl.read_parquet(artifacts / REFERENCE_CLIENTS_FILE)["probability"]
    production = pl.read_parquet(artifacts / PRODUCTION_CLIENTS_FILE)["probability"]
    score = result.summary["score"]
    assert score["psi"] == pytest.approx(population_stability_index(reference, production), rel=1e-6)
    assert score["reading"] == "stable"
    assert score["psi"] < 0.1


def test_written_summary_is_what_the_app_reads(built):
    artifacts, result = built
    assert load_drift_summary(artifacts).to_dict() == json.loads(json.dumps(result.summary))
    assert sorted(p.name for p in artifacts.iterdir()) == ["clients", "drift", "global_importance.parquet"]
    assert result.summary["data"]["reference"]["rows"] == CLIENTS
    assert result.summary["data"]["current"]["sample"] is None


def test_reference_sample_keeps_the_default_rate_and_the_row_order(data):
    labelled = read_table(data, "application_train")
    sample = sample_rows(labelled, 5_000, strata=TARGET)
    assert sample.height == 5_000
    assert sample[CLIENT_ID].is_sorted()
    assert sample[TARGET].mean() == pytest.approx(labelled[TARGET].mean(), abs=1e-4)
    assert sample.equals(sample_rows(labelled, 5_000, strata=TARGET))  # seeded
    assert sample_rows(labelled, 0).height == labelled.height  # 0: every row


# ----------------------------------------------------------------------------------------- bad input


@pytest.fixture
def copy_of(data, tmp_path):
    """A copy of the synthetic folder's application tables, with application_test rewritten."""

    def make(change) -> Path:
        folder = tmp_path / "data"
        folder.mkdir()
        (folder / "application_train.csv.gz").symlink_to(data / "application_train.csv.gz")
        change(pl.read_csv(data / "application_test.csv.gz", infer_schema=False)).write_csv(
            folder / "application_test.csv"
        )
        return folder

    return make


def test_production_table_without_a_column_is_named(copy_of, tmp_path):
    folder = copy_of(lambda frame: frame.drop("AMT_CREDIT"))
    with pytest.raises(InputError, match=r"application_test\.csv: missing column AMT_CREDIT"):
        build_drift_report(folder, tmp_path / "artifacts")
    assert not (tmp_path / "artifacts" / "drift").exists()


def test_production_column_of_the_wrong_type_is_named(copy_of, tmp_path):
    folder = copy_of(lambda frame: frame.with_columns(AMT_ANNUITY=pl.lit("about 20 000")))
    with pytest.raises(InputError, match=r"column AMT_ANNUITY must hold numbers; line 2 has 'about 20 000'"):
        build_drift_report(folder, tmp_path / "artifacts")


def test_cli_turns_bad_input_into_one_line_and_exit_2(copy_of, tmp_path, capsys):
    from model_training.__main__ import main

    folder = copy_of(lambda frame: frame.drop("DAYS_BIRTH"))
    assert main(["drift", "--data", str(folder), "--artifacts", str(tmp_path / "artifacts")]) == 2
    assert "missing column DAYS_BIRTH" in capsys.readouterr().err


def test_frames_given_directly_are_checked_too(data):
    labelled = read_table(data, "application_train")
    with pytest.raises(InputError, match="production applicants: missing column EXT_SOURCE_1"):
        compare_applicants(labelled, labelled.drop("EXT_SOURCE_1"))
    wrong = labelled.with_columns(pl.col("NAME_CONTRACT_TYPE").cast(pl.Int32, strict=False))
    with pytest.raises(InputError, match="column NAME_CONTRACT_TYPE has type Int32, expected text"):
        compare_applicants(labelled, wrong)


@pytest.fixture
def stand_in_model(built, tmp_path) -> Path:
    """A writable copy of the stand-in model files (without the drift report)."""
    import shutil

    artifacts, _ = built
    copy = tmp_path / "artifacts"
    shutil.copytree(artifacts, copy, ignore=shutil.ignore_patterns("drift"))
    return copy


def test_model_feature_missing_from_production_features_is_named(data, stand_in_model):
    path = stand_in_model / PRODUCTION_FEATURES_FILE
    pl.read_parquet(path).drop("APP_PAYMENT_RATE").write_parquet(path)
    with pytest.raises(InputError, match=r"production_features\.parquet: missing column APP_PAYMENT_RATE"):
        build_drift_report(data, stand_in_model, top_features=TOP)


def test_model_feature_of_the_wrong_type_is_named(data, stand_in_model):
    path = stand_in_model / PRODUCTION_FEATURES_FILE
    pl.read_parquet(path).with_columns(pl.col("APP_AGE_YEARS").cast(pl.String)).write_parquet(path)
    with pytest.raises(InputError, match="column APP_AGE_YEARS has type String, expected numbers"):
        build_drift_report(data, stand_in_model, top_features=TOP)


def test_half_exported_model_is_an_error_not_a_smaller_report(data, stand_in_model):
    (stand_in_model / REFERENCE_CLIENTS_FILE).unlink()
    with pytest.raises(InputError, match=r"incomplete model artifacts, missing clients/reference\.parquet"):
        build_drift_report(data, stand_in_model, top_features=TOP)


def test_model_trained_on_other_data_is_refused(data, stand_in_model):
    path = stand_in_model / PRODUCTION_CLIENTS_FILE
    pl.read_parquet(path).with_columns(pl.col(CLIENT_ID) + 10_000_000).write_parquet(path)
    with pytest.raises(InputError, match="the artifacts were built from other data"):
        build_drift_report(data, stand_in_model, top_features=TOP)
    assert load_drift_summary(stand_in_model) is None
    assert not summary_path(stand_in_model).exists()
