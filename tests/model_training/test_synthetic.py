"""Tests of the synthetic Home Credit generator (`model_training.synthetic`).

One 2,000-client folder is written once for the module; the drift checks use a larger in-memory sample of
applicants, where a median is precise enough to tell a deliberate 20% shift from noise.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from sklearn.metrics import roc_auc_score

from model_training import schema
from model_training.__main__ import main
from model_training.errors import InputError
from model_training.synthetic import DRIFTED_COLUMNS, calibrate, column_descriptions, write_synthetic
from model_training.synthetic.applicants import generate_applicants
from model_training.synthetic.calibration import load_calibration
from model_training.synthetic.descriptions import DESCRIPTIONS_FILE
from model_training.synthetic.volumes import KAGGLE_COVERAGE, PRODUCTION_RATIO, rows_per_applicant
from model_training.synthetic.writer import TABLE_FILES

CLIENTS = 2000
SEED = 11
KINDS = {pl.Int64: "int", pl.Float64: "float", pl.String: "category"}


def read_table(folder: Path, table: str) -> pl.DataFrame:
    return pl.read_csv(folder / f"{table}.csv.gz", infer_schema_length=None)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("synthetic")
    return folder, write_synthetic(folder, clients=CLIENTS, seed=SEED)


@pytest.fixture(scope="module")
def tables(written: tuple[Path, dict[str, int]]) -> dict[str, pl.DataFrame]:
    folder, _ = written
    return {table: read_table(folder, table) for table in schema.TABLES}


@pytest.fixture(scope="module")
def real_folder() -> Path:
    folder = os.environ.get("HOMECREDIT_DIR")
    if not folder:
        pytest.skip("HOMECREDIT_DIR is not set: no real Home Credit sample to compare the schema with")
    return Path(folder)


@pytest.fixture(scope="module")
def real_tables(real_folder: Path) -> dict[str, pl.DataFrame]:
    """The real tables; application_test contributes its header only (its kinds are application_train's)."""
    real = {table: read_table(real_folder, table) for table in schema.TABLES if table != "application_test"}
    header = pl.read_csv(real_folder / "application_test.csv.gz", n_rows=0).columns
    real["application_test"] = real["application_train"].select(header)
    return real


def kind(dtype: pl.DataType) -> str:
    return KINDS.get(dtype, str(dtype))


# ---------------------------------------------------------------------------------------------- files


def test_every_kaggle_file_is_written_with_the_rows_reported(written, tables):
    folder, rows = written
    assert set(rows) == {*TABLE_FILES.values(), DESCRIPTIONS_FILE}
    for table, frame in tables.items():
        assert rows[TABLE_FILES[table]] == frame.height > 0
    assert not list(folder.glob(".*partial"))


def test_columns_kinds_and_levels_follow_the_schema(tables):
    for table, frame in tables.items():
        assert frame.columns == schema.column_names(table), table
        for column in schema.columns(table):
            values = frame[column.name]
            if values.null_count() == frame.height:
                continue
            assert kind(values.dtype) == column.kind, f"{table}.{column.name}"
            if column.kind == "category":
                assert set(values.drop_nulls().unique()) <= set(column.levels), f"{table}.{column.name}"
            if column.kind == "int":
                assert values.null_count() == 0, f"{table}.{column.name}"


def test_columns_and_kinds_equal_the_real_sample(tables, real_tables):
    for table, frame in tables.items():
        real = real_tables[table]
        assert frame.columns == real.columns, table
        for name in frame.columns:
            if frame[name].null_count() < frame.height:
                assert kind(frame[name].dtype) == kind(real[name].dtype), f"{table}.{name}"


def test_text_levels_are_levels_of_the_real_sample(tables, real_tables):
    for table, frame in tables.items():
        for name, dtype in frame.schema.items():
            if dtype == pl.String:
                extra = set(frame[name].drop_nulls().unique()) - set(
                    real_tables[table][name].drop_nulls().unique()
                )
                assert not extra, f"{table}.{name}: {extra}"


def test_descriptions_file_has_the_kaggle_layout(written):
    folder, _ = written
    descriptions = pd.read_csv(folder / DESCRIPTIONS_FILE, encoding="cp1252")
    assert list(descriptions.columns) == ["Unnamed: 0", "Table", "Row", "Description", "Special"]
    assert descriptions["Table"].iloc[0] == "application_{train|test}.csv"
    assert set(descriptions["Table"]) >= {"bureau.csv", "previous_application.csv", "credit_card_balance.csv"}
    assert descriptions["Description"].notna().all()
    for key, columns in column_descriptions().items():
        table = "application_train" if key == "application" else key
        assert list(columns) == schema.column_names(table)
        assert all(text.strip() for text in columns.values())


# ---------------------------------------------------------------------------------------------- keys


def test_keys_are_unique_and_consistent_across_tables(tables):
    train, test = tables["application_train"], tables["application_test"]
    assert train["SK_ID_CURR"].is_unique().all() and test["SK_ID_CURR"].is_unique().all()
    assert not set(train["SK_ID_CURR"]) & set(test["SK_ID_CURR"])
    applicants = set(train["SK_ID_CURR"]) | set(test["SK_ID_CURR"])

    bureau = tables["bureau"]
    assert bureau["SK_ID_BUREAU"].is_unique().all()
    assert set(bureau["SK_ID_CURR"]) <= applicants
    balance = tables["bureau_balance"]
    assert set(balance["SK_ID_BUREAU"]) <= set(bureau["SK_ID_BUREAU"])
    assert not balance.select("SK_ID_BUREAU", "MONTHS_BALANCE").is_duplicated().any()

    previous = tables["previous_application"]
    assert previous["SK_ID_PREV"].is_unique().all()
    assert set(previous["SK_ID_CURR"]) <= applicants
    owner = previous.select("SK_ID_PREV", "SK_ID_CURR")
    for table in ("POS_CASH_balance", "installments_payments", "credit_card_balance"):
        pairs = tables[table].select("SK_ID_PREV", "SK_ID_CURR").unique()
        assert pairs.join(owner, on=["SK_ID_PREV", "SK_ID_CURR"], how="anti").height == 0, table
    for table in ("POS_CASH_balance", "credit_card_balance"):
        assert not tables[table].select("SK_ID_PREV", "MONTHS_BALANCE").is_duplicated().any(), table


def test_target_rate_is_near_eight_percent(tables):
    assert 0.05 <= tables["application_train"]["TARGET"].mean() <= 0.12
    assert "TARGET" not in tables["application_test"].columns


# ---------------------------------------------------------------------------------------------- realism


def test_applicants_obey_the_rules_of_the_real_data(tables):
    a = tables["application_train"]
    years = -a["DAYS_BIRTH"] / 365.25
    assert years.min() >= 20 and years.max() < 70
    not_working = a["NAME_INCOME_TYPE"].is_in(["Pensioner", "Unemployed"])
    sentinel = a["DAYS_EMPLOYED"] == 365243
    assert (not_working == sentinel).all()
    assert (a.filter(sentinel)["ORGANIZATION_TYPE"] == "XNA").all()
    assert (a.filter(~sentinel)["DAYS_EMPLOYED"] <= 0).all()
    for k in (1, 2, 3):
        ext = a[f"EXT_SOURCE_{k}"].drop_nulls()
        assert ext.min() >= 0 and ext.max() <= 1
    assert 0.4 < a["EXT_SOURCE_1"].null_count() / a.height < 0.7
    couple = a["NAME_FAMILY_STATUS"].is_in(["Married", "Civil marriage"]).cast(pl.Float64)
    assert (a["CNT_FAM_MEMBERS"] == a["CNT_CHILDREN"] + 1 + couple).all()
    cash = a.filter(pl.col("NAME_CONTRACT_TYPE") == "Cash loans")
    ratio = cash["AMT_CREDIT"] / cash["AMT_GOODS_PRICE"]
    assert ratio.min() >= 0.99 and ratio.quantile(0.5) < 1.3
    monthly = (a["AMT_ANNUITY"] / a["AMT_CREDIT"]).drop_nulls()
    assert monthly.min() > 0.015 and monthly.max() < 0.16


def test_side_table_volumes_follow_kaggle(tables):
    applicants = tables["application_train"].height + tables["application_test"].height
    assert tables["application_test"].height == round(CLIENTS * PRODUCTION_RATIO)
    for table, coverage in KAGGLE_COVERAGE.items():
        rows = tables[table].height / applicants
        assert rows == pytest.approx(rows_per_applicant(table), rel=0.25), table
        share = tables[table]["SK_ID_CURR"].n_unique() / applicants
        assert share == pytest.approx(coverage, abs=0.05), table


def test_refusals_and_late_payments_come_with_defaults(tables):
    """The behavioural signals point the right way, so a model has something real to learn."""
    target = tables["application_train"].select("SK_ID_CURR", "TARGET")
    late = (
        tables["installments_payments"]
        .group_by("SK_ID_CURR")
        .agg(((pl.col("DAYS_ENTRY_PAYMENT") - pl.col("DAYS_INSTALMENT")) > 0).mean().alias("late"))
    )
    by_target = target.join(late, on="SK_ID_CURR").group_by("TARGET").agg(pl.col("late").mean())
    rates = dict(by_target.iter_rows())
    assert rates[1] > 1.5 * rates[0]


# ---------------------------------------------------------------------------------------------- drift


@pytest.fixture(scope="module")
def drift_sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    n = 30_000
    production = np.arange(n) % 2 == 1
    people = generate_applicants(np.random.default_rng(5), load_calibration(), np.arange(n) + 1, production)
    return people.labelled.to_pandas(), people.production_rows.to_pandas()


def test_exactly_the_drifted_columns_drift(drift_sample):
    """Drifted columns move their median by more than 10%; every other column keeps its distribution.

    "Keeps" is measured as the chance that a production value exceeds a training one (0.5 when the two
    distributions are equal), which, unlike a median, is not thrown off by columns with few distinct values.
    """
    train, production = drift_sample
    for column in production.columns:
        if column == "SK_ID_CURR":
            continue
        if production[column].dtype == object:
            shares = pd.concat(
                [train[column].value_counts(normalize=True), production[column].value_counts(normalize=True)],
                axis=1,
            ).fillna(0)
            assert (shares.iloc[:, 0] - shares.iloc[:, 1]).abs().max() < 0.02, column
            continue
        before, after = train[column].dropna(), production[column].dropna()
        if column in DRIFTED_COLUMNS:
            assert abs(after.median() - before.median()) > 0.10 * abs(before.median()), column
        else:
            assert abs(train[column].isna().mean() - production[column].isna().mean()) < 0.02, column
            if before.nunique() > 1:
                labels = np.r_[np.zeros(len(before)), np.ones(len(after))]
                assert abs(roc_auc_score(labels, np.r_[before, after]) - 0.5) < 0.02, column


def test_drift_reaches_the_written_production_file(tables):
    train, production = tables["application_train"], tables["application_test"]
    for column in ("AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_GOODS_PRICE"):
        assert production[column].median() > train[column].median(), column
    assert production["DAYS_BIRTH"].median() > train["DAYS_BIRTH"].median()  # younger: fewer days behind


# ---------------------------------------------------------------------------------------------- runs


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_synthetic(first, clients=100, seed=3)
    write_synthetic(second, clients=100, seed=3)
    write_synthetic(other, clients=100, seed=4)
    for name in [*TABLE_FILES.values(), DESCRIPTIONS_FILE]:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert (first / "application_train.csv.gz").read_bytes() != (
        other / "application_train.csv.gz"
    ).read_bytes()


def test_calibration_regenerates_from_a_folder(written):
    folder, _ = written
    fresh = calibrate(folder)
    stored = load_calibration()
    assert fresh.keys() == stored.keys()
    for table in ("application", "bureau", "previous_application", "credit_card_balance"):
        assert fresh[table].keys() == stored[table].keys()


@pytest.mark.parametrize("clients", [0, -3])
def test_no_clients_is_refused(tmp_path, clients):
    with pytest.raises(InputError, match="clients"):
        write_synthetic(tmp_path, clients=clients, seed=1)


def test_unwritable_output_is_refused(tmp_path):
    occupied = tmp_path / "file.txt"
    occupied.write_text("not a folder")
    with pytest.raises(InputError, match="file"):
        write_synthetic(occupied, clients=5, seed=1)
    with pytest.raises(InputError, match="cannot write"):
        write_synthetic(occupied / "inside", clients=5, seed=1)
    assert main(["synth", "--out", str(occupied), "--clients", "5"]) == 2
