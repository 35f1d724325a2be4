"""The real-shaped benchmark folder: Kaggle schema and row counts, consistent keys, same files for a seed."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from benchmarks.real_shaped import main, table_rows, write_real_shaped
from model_training.data import read_table
from model_training.errors import InputError
from model_training.schema import CLIENT_ID, TABLES, column_names
from model_training.synthetic.writer import TABLE_FILES

FRACTION = 0.002


@pytest.fixture(scope="module")
def sample() -> Path:
    folder = Path(os.environ.get("HOMECREDIT_DIR", "").strip() or "/nonexistent")
    if not folder.is_dir():
        pytest.skip("HOMECREDIT_DIR: the real Home Credit sample")
    return folder


@pytest.fixture(scope="module")
def built(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("real_shaped")
    write_real_shaped(sample, folder, FRACTION, seed=3)
    return folder


def test_every_table_loads_with_the_kaggle_columns_and_row_counts(built: Path) -> None:
    expected = table_rows(FRACTION)
    assert expected["bureau_balance"] == round(27_299_925 * FRACTION)
    for table in TABLES:
        frame = read_table(built, table)
        assert frame.columns == column_names(table), table
        assert frame.height == expected[table], table
    assert (built / "HomeCredit_columns_description.csv.gz").is_file()


def test_ids_are_new_and_keys_link_the_tables(built: Path) -> None:
    train = read_table(built, "application_train", [CLIENT_ID])[CLIENT_ID]
    test = read_table(built, "application_test", [CLIENT_ID])[CLIENT_ID]
    assert train.is_sorted() and test.is_sorted()
    applicants = pl.concat([train, test])
    assert applicants.n_unique() == applicants.len()  # unique and train/test disjoint
    for table in ("bureau", "previous_application", "POS_CASH_balance", "installments_payments"):
        clients = read_table(built, table, [CLIENT_ID])[CLIENT_ID]
        assert clients.is_in(applicants.implode()).all(), table
    bureau = read_table(built, "bureau", ["SK_ID_BUREAU"])["SK_ID_BUREAU"]
    balance = read_table(built, "bureau_balance", ["SK_ID_BUREAU", "MONTHS_BALANCE"])
    assert balance["SK_ID_BUREAU"].is_in(bureau.implode()).all()
    assert not balance.is_duplicated().any()  # one real credit's months per new credit
    previous = read_table(built, "previous_application", ["SK_ID_PREV", CLIENT_ID])
    for table in ("POS_CASH_balance", "installments_payments", "credit_card_balance"):
        rows = read_table(built, table, ["SK_ID_PREV", CLIENT_ID])
        owners = rows.join(previous, on="SK_ID_PREV", how="left", suffix="_OWNER")
        assert owners[f"{CLIENT_ID}_OWNER"].null_count() == 0, table
        assert (owners[CLIENT_ID] == owners[f"{CLIENT_ID}_OWNER"]).all(), table


def test_values_are_the_samples_rows(built: Path, sample: Path) -> None:
    kept = [c for c in column_names("previous_application") if not c.startswith("SK_ID_")]
    drawn = read_table(built, "previous_application", kept)
    real = read_table(sample, "previous_application", kept)
    assert drawn.join(real.unique(), on=kept, how="anti", nulls_equal=True).height == 0


def test_a_seed_gives_the_same_files(built: Path, sample: Path, tmp_path: Path) -> None:
    write_real_shaped(sample, tmp_path, FRACTION, seed=3)
    for name in TABLE_FILES.values():
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name


def test_bad_input_is_named(sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(InputError, match="fraction must be a number above 0"):
        write_real_shaped(sample, tmp_path, 0.0)
    with pytest.raises(InputError, match="seed must be"):
        write_real_shaped(sample, tmp_path, FRACTION, seed=-1)
    with pytest.raises(InputError, match="does not exist"):
        write_real_shaped(tmp_path / "absent", tmp_path, FRACTION)
    assert main(["--fraction", "-1"]) == 2
    assert "fraction must be a number above 0" in capsys.readouterr().err
