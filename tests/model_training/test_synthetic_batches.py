"""Tests of the synthetic monthly batches of new applicants (`model_training.synthetic.batches`).

One 600-client folder with three monthly batches is written once for the module; the drift checks use larger
in-memory samples of applicants, drawn from one stream so that a month differs from another only by its drift.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from model_training import data, schema
from model_training.__main__ import main
from model_training.errors import InputError
from model_training.store.applications import batch_names
from model_training.store.engine import open_engine
from model_training.synthetic import BATCH_DRIFTED_COLUMNS, FIRST_MONTH, write_synthetic
from model_training.synthetic.applicants import PRODUCTION_DRIFT, generate_applicants
from model_training.synthetic.batches import MAX_BATCHES, batch_months, batch_size, month_drift
from model_training.synthetic.calibration import load_calibration
from model_training.synthetic.writer import BATCH_TABLES, BATCHES_FOLDER, TABLE_FILES

CLIENTS = 600
SEED = 5
MONTHS = ["2026-01", "2026-02", "2026-03"]
SIDE_TABLES = [table for table in BATCH_TABLES if table != "application_test"]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("synthetic_batches")
    return folder, write_synthetic(folder, clients=CLIENTS, seed=SEED, batches=len(MONTHS))


@pytest.fixture(scope="module")
def main_tables(written) -> dict[str, pl.DataFrame]:
    folder, _ = written
    return {table: data.read_table(folder, table) for table in schema.TABLES}


@pytest.fixture(scope="module")
def batches(written) -> dict[str, dict[str, pl.DataFrame]]:
    """{month: {table: frame}}, read by the project's file loader (which checks kinds, levels and ranges)."""
    folder, _ = written
    return {
        month: {table: data.read_table(folder / BATCHES_FOLDER / month, table) for table in BATCH_TABLES}
        for month in MONTHS
    }


def ids(frame: pl.DataFrame, column: str) -> set[int]:
    return set(frame[column].to_list())


# ---------------------------------------------------------------------------------------------- files


def test_each_month_is_a_kaggle_folder_of_new_applicants(written, main_tables, batches):
    folder, rows = written
    assert sorted(p.name for p in (folder / BATCHES_FOLDER).iterdir()) == MONTHS
    for month, tables in batches.items():
        files = sorted(p.name for p in (folder / BATCHES_FOLDER / month).iterdir())
        assert files == sorted(TABLE_FILES[table] for table in BATCH_TABLES), month
        assert tables["application_test"].columns == main_tables["application_test"].columns
        assert tables["application_test"].height == batch_size(CLIENTS) == 20
        for table, frame in tables.items():
            assert frame.columns == schema.column_names(table), f"{month}/{table}"
            assert rows[f"{BATCHES_FOLDER}/{month}/{TABLE_FILES[table]}"] == frame.height
        assert tables["bureau"].height > 0 and tables["previous_application"].height > 0, month


def test_batch_sizes_follow_the_number_of_clients():
    assert batch_size(6000) == 200
    assert 10_000 <= batch_size(307_511) <= 10_500
    assert batch_size(1) == 1


# ---------------------------------------------------------------------------------------------- keys


def test_applicants_and_records_are_new_in_every_month(main_tables, batches):
    seen = {
        "SK_ID_CURR": ids(main_tables["application_train"], "SK_ID_CURR")
        | ids(main_tables["application_test"], "SK_ID_CURR"),
        "SK_ID_BUREAU": ids(main_tables["bureau"], "SK_ID_BUREAU"),
        "SK_ID_PREV": ids(main_tables["previous_application"], "SK_ID_PREV"),
    }
    owners = {
        "SK_ID_CURR": "application_test",
        "SK_ID_BUREAU": "bureau",
        "SK_ID_PREV": "previous_application",
    }
    for month, tables in batches.items():
        for key, owner in owners.items():
            new = ids(tables[owner], key)
            assert len(new) == tables[owner].height, f"{month}: {key} repeated"
            assert not new & seen[key], f"{month}: {key} already used"
            seen[key] |= new


def test_side_tables_belong_to_the_month_s_applicants(batches):
    for month, tables in batches.items():
        applicants = ids(tables["application_test"], "SK_ID_CURR")
        credits = ids(tables["bureau"], "SK_ID_BUREAU")
        previous = ids(tables["previous_application"], "SK_ID_PREV")
        for table in SIDE_TABLES:
            if "SK_ID_CURR" in tables[table].columns:  # bureau_balance knows its credit only
                assert ids(tables[table], "SK_ID_CURR") <= applicants, f"{month}/{table}"
        assert ids(tables["bureau_balance"], "SK_ID_BUREAU") <= credits, month
        for table in ("POS_CASH_balance", "installments_payments", "credit_card_balance"):
            assert ids(tables[table], "SK_ID_PREV") <= previous, f"{month}/{table}"


# ---------------------------------------------------------------------------------------------- runs


def all_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_and_main_tables_unchanged_by_batches(tmp_path):
    first, second, without, other = (tmp_path / name for name in ("a", "b", "none", "other"))
    write_synthetic(first, clients=120, seed=3, batches=2)
    write_synthetic(second, clients=120, seed=3, batches=2)
    write_synthetic(without, clients=120, seed=3)
    write_synthetic(other, clients=120, seed=4, batches=2)
    files = all_files(first)
    assert files == all_files(second)
    assert sum(name.startswith(f"{BATCHES_FOLDER}/") for name in files) == 2 * len(BATCH_TABLES)
    assert {name: content for name, content in files.items() if "/" not in name} == all_files(without)
    assert not (without / BATCHES_FOLDER).exists()
    batch_file = f"{BATCHES_FOLDER}/2026-02/application_test.csv.gz"
    assert files[batch_file] != all_files(other)[batch_file]


def test_first_month_names_the_folders(tmp_path):
    rows = write_synthetic(tmp_path, clients=30, seed=1, batches=2, first_month="2025-12")
    assert sorted(p.name for p in (tmp_path / BATCHES_FOLDER).iterdir()) == ["2025-12", "2026-01"]
    assert rows[f"{BATCHES_FOLDER}/2026-01/application_test.csv.gz"] == 1


def test_months_run_on_across_years():
    assert batch_months("2026-11", 3) == ["2026-11", "2026-12", "2027-01"]
    assert batch_months(FIRST_MONTH, 0) == []
    assert len(batch_months(FIRST_MONTH, MAX_BATCHES)) == MAX_BATCHES


def test_command_line_writes_the_batches(tmp_path, capsys):
    assert main(["synth", "--out", str(tmp_path), "--clients", "60", "--seed", "2", "--batches", "1"]) == 0
    assert f"{BATCHES_FOLDER}/{FIRST_MONTH}/application_test.csv.gz" in capsys.readouterr().out
    assert data.read_table(tmp_path / BATCHES_FOLDER / FIRST_MONTH, "application_test").height == 2


# ---------------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("batches", [-1, MAX_BATCHES + 1, 2.5, True])
def test_bad_number_of_batches_is_refused(tmp_path, batches):
    with pytest.raises(InputError, match="batches"):
        write_synthetic(tmp_path, clients=10, seed=1, batches=batches)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "2026-1", "janvier", "2026-01-01", ""])
def test_bad_first_month_is_refused(tmp_path, month):
    with pytest.raises(InputError, match="YYYY-MM"):
        write_synthetic(tmp_path, clients=10, seed=1, batches=1, first_month=month)
    assert not list(tmp_path.iterdir())


def test_command_line_names_the_bad_argument(tmp_path, capsys):
    assert main(["synth", "--out", str(tmp_path), "--batches", "1", "--first-month", "2026-13"]) == 2
    assert "first month must be written YYYY-MM" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["synth", "--out", str(tmp_path), "--batches", "-2"])
    assert stop.value.code == 2
    assert "--batches" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_applicant_numbers_stay_below_the_store_s_own(tmp_path):
    with pytest.raises(InputError, match="applications store"):
        write_synthetic(tmp_path, clients=800_000, seed=1, batches=MAX_BATCHES)
    assert not list(tmp_path.iterdir())


# ---------------------------------------------------------------------------------------------- drift


@pytest.fixture(scope="module")
def monthly_samples() -> list[pl.DataFrame]:
    """20,000 applicants of the first, second and fourth month, drawn from the same stream."""
    n, calib = 20_000, load_calibration()
    return [
        generate_applicants(
            np.random.default_rng(9), calib, np.arange(n) + 1, np.ones(n, dtype=bool), month_drift(index)
        ).production_rows
        for index in (0, 1, 3)
    ]


def test_first_month_drifts_as_application_test():
    assert month_drift(0) == PRODUCTION_DRIFT


def test_later_months_drift_further_in_the_documented_columns(monthly_samples):
    # Means, not medians: amounts sit on a grid of round values, which a median often does not leave.
    means = {column: [s[column].mean() for s in monthly_samples] for column in BATCH_DRIFTED_COLUMNS}
    for column in ("AMT_CREDIT", "AMT_GOODS_PRICE", "AMT_INCOME_TOTAL", "AMT_ANNUITY", "DAYS_BIRTH"):
        assert means[column][0] < means[column][1] < means[column][2], column  # DAYS_BIRTH < 0: younger
    for column in ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"):
        assert means[column][0] > means[column][1] > means[column][2], column
    first, fourth = monthly_samples[0], monthly_samples[2]
    assert fourth["AMT_CREDIT"].mean() / first["AMT_CREDIT"].mean() > 1.05
    assert fourth["EXT_SOURCE_2"].mean() < 0.95 * first["EXT_SOURCE_2"].mean()


def test_other_columns_do_not_move_across_months(monthly_samples):
    """Drawn from one stream, the months differ only where they drift: every other column is identical."""
    first = monthly_samples[0]
    others = [column for column in first.columns if column not in BATCH_DRIFTED_COLUMNS]
    assert len(others) > 100
    for later in monthly_samples[1:]:
        assert later.select(others).equals(first.select(others))
        assert not later.select(BATCH_DRIFTED_COLUMNS).equals(first.select(BATCH_DRIFTED_COLUMNS))


# ---------------------------------------------------------------------------------------------- loading


def test_every_month_is_stored_whole_by_the_score_command(written, trained_artifacts, tmp_path, capsys):
    """What `make run` does: one `score --batch <month>` per folder, into the store (here a fresh one)."""
    folder, _ = written
    database = f"sqlite:///{tmp_path / 'app.db'}"
    for month in MONTHS:
        arguments = ["--data", str(folder / BATCHES_FOLDER / month), "--artifacts", str(trained_artifacts)]
        assert main(["score", *arguments, "--batch", month, "--database", database]) == 0, capsys.readouterr()
    stored = {row["name"]: row["applications"] for row in batch_names(open_engine(database))}
    assert stored == dict.fromkeys(MONTHS, batch_size(CLIENTS))
