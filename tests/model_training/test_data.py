"""Tests of model_training.data: tiny hand-built Kaggle-shaped folders, and the real sample if present."""

from __future__ import annotations

import csv
import gzip
import io
import os
import warnings
from pathlib import Path

import polars as pl
import pytest

from model_training import schema
from model_training.data import (
    UnknownLevelWarning,
    check_folder,
    find_table_file,
    polars_schema,
    read_column_descriptions,
    read_table,
    typed_frame,
)
from model_training.errors import InputError

KEY_BASE = {"SK_ID_CURR": 100_002, "SK_ID_BUREAU": 5_000_000, "SK_ID_PREV": 1_000_000}


def valid_value(table: str, column: schema.Column, row: int) -> object:
    """A value that fits the column; row 0 and row 1 differ so that keys stay unique."""
    if column.name in KEY_BASE:
        return KEY_BASE[column.name] + row
    if column.kind == "category":
        return column.levels[-1] if row == 0 else column.levels[0]
    if column.kind == "float":
        return -2.5 if row == 0 else 1234.25
    dtype = polars_schema(table)[column.name]
    if column.name == schema.TARGET:
        return row
    return {pl.Int8: 1, pl.Int16: -12, pl.Int32: -20_000}[type(dtype)]


def valid_rows(table: str, n: int = 2) -> list[dict[str, object]]:
    return [{c.name: valid_value(table, c, row) for c in schema.columns(table)} for row in range(n)]


def write_csv(path: Path, rows: list[dict[str, object]], header: list[str] | None = None) -> Path:
    """Write rows as Kaggle writes them (empty field = missing), gzip when the name ends in .gz."""
    header = header or list(rows[0])
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if row.get(name) is None else row[name] for name in header] for row in rows])
    data = text.getvalue().encode()
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


def write_descriptions(folder: Path, suffix: str = ".csv") -> Path:
    # Like the Kaggle file: cp1252, CRLF line ends, a leading unnamed index column.
    text = (
        ",Table,Row,Description,Special\r\n1,application_{train|test}.csv,SK_ID_CURR,ID of loan,\r\n"
        '2,bureau.csv,CREDIT_TYPE,"Type of credit (car, cash, ...)",\r\n'
        "3,application_{train|test}.csv,DAYS_BIRTH,Client's age in days at the time of application,"
        "time only relative to the application\r\n4,bureau.csv,AMT_ANNUITY,Annuité of the credit,\r\n"
    )
    data = text.encode("cp1252")
    path = folder / f"HomeCredit_columns_description{suffix}"
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    return path


def write_folder(folder: Path, suffix: str = ".csv") -> Path:
    """A valid folder: every table with two rows covering all schema columns, plus the descriptions."""
    folder.mkdir(parents=True, exist_ok=True)
    for table in schema.TABLES:
        write_csv(folder / f"{table}{suffix}", valid_rows(table))
    write_descriptions(folder, suffix)
    return folder


def write_bureau(folder: Path, changes: list[dict[str, object]], header: list[str] | None = None) -> Path:
    """bureau.csv with the valid rows updated by `changes` (one dict per row), for the failure tests."""
    rows = [row | change for row, change in zip(valid_rows("bureau", len(changes)), changes, strict=True)]
    return write_csv(folder / "bureau.csv", rows, header)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "data")


def test_polars_schema_gives_lean_dtypes_in_kaggle_order() -> None:
    dtypes = polars_schema("application_train")
    assert list(dtypes) == schema.column_names("application_train")
    assert dtypes["SK_ID_CURR"] == pl.Int32
    assert dtypes["TARGET"] == pl.Int8
    assert dtypes["FLAG_DOCUMENT_3"] == pl.Int8
    assert dtypes["REG_CITY_NOT_WORK_CITY"] == pl.Int8
    assert dtypes["DAYS_EMPLOYED"] == pl.Int32
    assert dtypes["AMT_CREDIT"] == pl.Float32
    assert dtypes["CODE_GENDER"] == pl.Enum(["F", "M", "XNA"])
    assert polars_schema("bureau_balance") == {
        "SK_ID_BUREAU": pl.Int32,
        "MONTHS_BALANCE": pl.Int16,
        "STATUS": pl.Enum(["0", "1", "2", "3", "4", "5", "C", "X"]),
    }
    assert polars_schema("credit_card_balance")["AMT_CREDIT_LIMIT_ACTUAL"] == pl.Int32
    assert polars_schema("installments_payments")["NUM_INSTALMENT_NUMBER"] == pl.Int16


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz"])
@pytest.mark.parametrize("table", schema.TABLES)
def test_read_table_types_every_column_and_keeps_values(tmp_path: Path, table: str, suffix: str) -> None:
    folder = write_folder(tmp_path, suffix)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = read_table(folder, table)
    assert frame.schema == polars_schema(table)
    assert frame.to_dicts() == valid_rows(table)


def test_read_table_selects_by_name_and_ignores_unknown_columns(folder: Path) -> None:
    rows = [row | {"MY_OWN_SCORE": "x"} for row in valid_rows("bureau")]
    write_csv(folder / "bureau.csv", rows, header=sorted(rows[0], reverse=True))
    frame = read_table(folder, "bureau")
    assert frame.columns == schema.column_names("bureau")
    assert frame.to_dicts() == valid_rows("bureau")


def test_read_table_reads_only_the_requested_columns_in_that_order(folder: Path) -> None:
    # A bad value in a column that is not read does not stop the load.
    write_bureau(folder, [{"AMT_ANNUITY": "oops"}, {}])
    frame = read_table(folder, "bureau", ["CREDIT_TYPE", "SK_ID_CURR"])
    assert frame.schema == {"CREDIT_TYPE": polars_schema("bureau")["CREDIT_TYPE"], "SK_ID_CURR": pl.Int32}
    assert frame["SK_ID_CURR"].to_list() == [100_002, 100_003]


def test_read_table_rejects_a_column_outside_the_schema(folder: Path) -> None:
    with pytest.raises(ValueError, match="bureau has no column AMT_NOPE in the Kaggle schema"):
        read_table(folder, "bureau", ["AMT_NOPE"])


def test_missing_values_are_nulls_in_every_kind_of_column(folder: Path) -> None:
    write_bureau(folder, [{"DAYS_CREDIT": None, "AMT_ANNUITY": None, "CREDIT_TYPE": None}, {}])
    frame = read_table(folder, "bureau")
    assert frame.row(0, named=True)["DAYS_CREDIT"] is None
    assert frame.row(0, named=True)["AMT_ANNUITY"] is None
    assert frame.row(0, named=True)["CREDIT_TYPE"] is None
    assert frame["DAYS_CREDIT"].null_count() == 1


def test_integers_written_as_floats_are_accepted(folder: Path) -> None:
    write_bureau(folder, [{"DAYS_CREDIT": "-20000.0", "CNT_CREDIT_PROLONG": "3.0"}, {"DAYS_CREDIT": None}])
    frame = read_table(folder, "bureau")
    assert frame.schema == polars_schema("bureau")
    assert frame["DAYS_CREDIT"].to_list() == [-20_000, None]
    assert frame["CNT_CREDIT_PROLONG"].to_list() == [3, -12]


def test_gzip_and_plain_files_are_found_gzip_first(tmp_path: Path) -> None:
    write_csv(tmp_path / "bureau.csv", valid_rows("bureau"))
    assert find_table_file(tmp_path, "bureau") == tmp_path / "bureau.csv"
    write_csv(tmp_path / "bureau.csv.gz", valid_rows("bureau"))
    assert find_table_file(tmp_path, "bureau") == tmp_path / "bureau.csv.gz"


def test_missing_file_names_the_expected_files(folder: Path) -> None:
    (folder / "bureau.csv").unlink()
    with pytest.raises(InputError) as error:
        read_table(folder, "bureau")
    assert (
        str(error.value)
        == f"{folder}: missing table bureau: expected a file named bureau.csv.gz or bureau.csv"
    )


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist or is not a folder"):
        find_table_file(tmp_path / "nowhere", "bureau")


def test_missing_column_is_named(folder: Path) -> None:
    rows = [
        {k: v for k, v in row.items() if k not in {"AMT_ANNUITY", "CREDIT_TYPE"}}
        for row in valid_rows("bureau")
    ]
    write_csv(folder / "bureau.csv", rows)
    with pytest.raises(InputError) as error:
        read_table(folder, "bureau")
    assert str(error.value) == "bureau.csv: missing columns CREDIT_TYPE, AMT_ANNUITY"


def test_non_numeric_amount_names_file_column_value_and_line(folder: Path) -> None:
    write_bureau(folder, [{}, {}, {"AMT_CREDIT_SUM": "12 000,50"}])
    with pytest.raises(InputError) as error:
        read_table(folder, "bureau")
    assert str(error.value) == "bureau.csv: column AMT_CREDIT_SUM must hold numbers; line 4 has '12 000,50'"


def test_non_numeric_value_in_an_integer_column(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, ".csv.gz")
    rows = [row | {"DAYS_CREDIT": "yesterday"} for row in valid_rows("bureau")]
    write_csv(folder / "bureau.csv.gz", rows)
    with pytest.raises(InputError) as error:
        read_table(folder, "bureau")
    assert str(error.value) == (
        "bureau.csv.gz: column DAYS_CREDIT must hold whole numbers from -2,147,483,648 to 2,147,483,647; "
        "line 2 has 'yesterday'"
    )


@pytest.mark.parametrize("value", ["1.5", "300"])
def test_integer_column_rejects_fractions_and_values_out_of_range(folder: Path, value: str) -> None:
    rows = valid_rows("application_train")
    rows[1]["FLAG_MOBIL"] = value
    write_csv(folder / "application_train.csv", rows)
    with pytest.raises(InputError) as error:
        read_table(folder, "application_train")
    assert str(error.value) == (
        f"application_train.csv: column FLAG_MOBIL must hold whole numbers from -128 to 127; "
        f"line 3 has {value}"
    )


def test_ragged_file_is_one_clear_error(folder: Path) -> None:
    (folder / "bureau_balance.csv").write_text("SK_ID_BUREAU,MONTHS_BALANCE,STATUS\n5000000,-1,C,extra\n")
    with pytest.raises(
        InputError, match=r"^bureau_balance.csv: cannot be read as a CSV file \(CSV parse error"
    ):
        read_table(folder, "bureau_balance")


def test_corrupt_gzip_is_one_clear_error(folder: Path) -> None:
    (folder / "bureau.csv").unlink()
    (folder / "bureau.csv.gz").write_bytes(b"not gzip at all")
    with pytest.raises(InputError, match=r"^bureau.csv.gz: cannot be read \("):
        read_table(folder, "bureau")


def test_empty_file_is_one_clear_error(folder: Path) -> None:
    (folder / "bureau.csv").write_bytes(b"")
    with pytest.raises(InputError) as error:
        read_table(folder, "bureau")
    assert str(error.value) == (
        "bureau.csv: the file is empty; expected a header line with the Kaggle column names"
    )


def test_duplicate_key_names_the_value_and_lines(folder: Path) -> None:
    write_bureau(folder, [{}, {}, {"SK_ID_BUREAU": 5_000_000}])
    with pytest.raises(InputError) as error:
        read_table(folder, "bureau")
    assert str(error.value) == (
        "bureau.csv: SK_ID_BUREAU must be unique, but 5000000 appears more than once (lines 2 and 4)"
    )


def test_missing_key_is_an_error(folder: Path) -> None:
    write_bureau(folder, [{}, {"SK_ID_CURR": None}])
    with pytest.raises(InputError) as error:
        read_table(folder, "bureau")
    assert (
        str(error.value) == "bureau.csv: column SK_ID_CURR is empty on line 3; every row needs its identifier"
    )


def test_target_in_the_test_file_is_an_error(folder: Path) -> None:
    rows = [row | {"TARGET": 0} for row in valid_rows("application_test")]
    write_csv(folder / "application_test.csv", rows)
    with pytest.raises(InputError) as error:
        read_table(folder, "application_test", ["SK_ID_CURR"])
    assert str(error.value) == (
        "application_test.csv: has a TARGET column, but application_test holds the unlabelled clients; "
        "labelled rows belong in application_train"
    )


@pytest.mark.parametrize(("value", "shown"), [(2, "2"), (None, "an empty value")])
def test_target_must_be_0_or_1(folder: Path, value: object, shown: str) -> None:
    rows = valid_rows("application_train")
    rows[1]["TARGET"] = value
    write_csv(folder / "application_train.csv", rows)
    with pytest.raises(InputError) as error:
        read_table(folder, "application_train")
    assert str(error.value) == f"application_train.csv: TARGET must be 0 or 1; line 3 has {shown}"


def test_unknown_levels_become_null_with_one_warning_per_column(folder: Path) -> None:
    unknown = ["Leasing", "Barter", "Gift", "Loan from a friend", "Bet", "IOU", "Pawn"]
    changes = [{"CREDIT_TYPE": value, "CREDIT_ACTIVE": "Frozen"} for value in unknown] + [
        {"CREDIT_TYPE": None}
    ]
    for i, change in enumerate(changes):
        change["SK_ID_BUREAU"] = 6_000_000 + i
    write_bureau(folder, changes)
    with pytest.warns(UnknownLevelWarning) as record:
        frame = read_table(folder, "bureau")
    assert [str(w.message) for w in record] == [
        "bureau.csv: column CREDIT_ACTIVE has values outside the known levels, read as missing: 'Frozen'",
        "bureau.csv: column CREDIT_TYPE has values outside the known levels, read as missing: "
        "'Leasing', 'Barter', 'Gift', 'Loan from a friend', 'Bet' and 2 more",
    ]
    assert record[0].filename == __file__
    assert frame["CREDIT_TYPE"].null_count() == frame.height
    assert frame.schema == polars_schema("bureau")


def test_typed_frame_matches_the_loader(folder: Path) -> None:
    row = valid_rows("application_test", 1)[0]
    del row["AMT_ANNUITY"]
    frame = typed_frame("application_test", [row | {"NOT_A_KAGGLE_FIELD": "ignored"}])
    assert frame.schema == polars_schema("application_test")
    assert frame.row(0, named=True) == row | {"AMT_ANNUITY": None}
    assert frame.drop("AMT_ANNUITY").equals(
        read_table(folder, "application_test").head(1).drop("AMT_ANNUITY")
    )


def test_typed_frame_accepts_integral_floats_and_nan() -> None:
    frame = typed_frame("bureau", [{"SK_ID_CURR": 100_002.0, "AMT_ANNUITY": float("nan")}, {}])
    assert frame["SK_ID_CURR"].to_list() == [100_002, None]
    assert frame["AMT_ANNUITY"].to_list() == [None, None]
    assert typed_frame("bureau", []).schema == polars_schema("bureau")


def test_typed_frame_names_every_bad_field() -> None:
    with pytest.raises(InputError) as error:
        typed_frame(
            "application_test",
            [{"AMT_CREDIT": "500000", "CODE_GENDER": "X", "CNT_CHILDREN": 1.5, "FLAG_MOBIL": True}],
        )
    assert str(error.value) == (
        "CODE_GENDER: unknown value 'X'; expected one of 'F', 'M', 'XNA'; "
        "CNT_CHILDREN: expected a whole number from -128 to 127, got 1.5; "
        "AMT_CREDIT: expected a number, got '500000'; "
        "FLAG_MOBIL: expected a number, got True"
    )


def test_typed_frame_numbers_rows_when_there_are_several() -> None:
    with pytest.raises(InputError) as error:
        typed_frame("bureau_balance", [{"STATUS": "C"}, {"MONTHS_BALANCE": 40_000}])
    assert str(error.value) == (
        "row 2: MONTHS_BALANCE: expected a whole number from -32,768 to 32,767, got 40000"
    )


def test_read_column_descriptions_decodes_the_kaggle_file(tmp_path: Path) -> None:
    write_descriptions(tmp_path, ".csv.gz")
    frame = read_column_descriptions(tmp_path)
    assert frame.columns == ["Table", "Row", "Description", "Special"]
    assert frame.schema == dict.fromkeys(frame.columns, pl.String)
    assert frame.height == 4
    assert frame.row(1) == ("bureau.csv", "CREDIT_TYPE", "Type of credit (car, cash, ...)", None)
    assert frame.row(2)[3] == "time only relative to the application"
    assert frame.row(3)[2] == "Annuité of the credit"


def test_read_column_descriptions_accepts_utf8(tmp_path: Path) -> None:
    text = "Table,Row,Description,Special\nbureau.csv,AMT_ANNUITY,Annuité,\n"
    (tmp_path / "HomeCredit_columns_description.csv").write_text(text, encoding="utf-8")
    assert read_column_descriptions(tmp_path).row(0) == ("bureau.csv", "AMT_ANNUITY", "Annuité", None)


def test_check_folder_passes_a_valid_folder(folder: Path) -> None:
    assert check_folder(folder) is None


def test_check_folder_lists_every_problem(folder: Path) -> None:
    (folder / "POS_CASH_balance.csv").unlink()
    write_csv(folder / "bureau_balance.csv", [{"SK_ID_BUREAU": 5_000_000}])
    write_csv(
        folder / "application_test.csv", [row | {"TARGET": 1} for row in valid_rows("application_test")]
    )
    (folder / "HomeCredit_columns_description.csv").write_text("Table,Row,Description\n")
    with pytest.raises(InputError) as error:
        check_folder(folder)
    assert str(error.value) == (
        f"{folder} is not a usable Home Credit folder (4 problems):\n"
        "- application_test.csv: has a TARGET column, but application_test holds the unlabelled clients; "
        "labelled rows belong in application_train\n"
        "- bureau_balance.csv: missing columns MONTHS_BALANCE, STATUS\n"
        f"- {folder}: missing table POS_CASH_balance: expected a file named POS_CASH_balance.csv.gz or "
        "POS_CASH_balance.csv\n"
        "- HomeCredit_columns_description.csv: missing column Special"
    )


SAMPLE_ROWS = {
    "application_train": 20_014,
    "application_test": 48_744,
    "bureau": 46_331,
    "bureau_balance": 327_625,
    "previous_application": 6_029,
    "POS_CASH_balance": 12_803,
    "installments_payments": 12_784,
    "credit_card_balance": 83_724,
}


def test_real_sample_loads_without_warnings() -> None:
    folder = os.environ.get("HOMECREDIT_DIR")
    if not folder:
        pytest.skip("HOMECREDIT_DIR not set: point it at the Kaggle sample folder to load the real tables")
    check_folder(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for table, rows in SAMPLE_ROWS.items():
            frame = read_table(folder, table)
            assert frame.schema == polars_schema(table), table
            assert frame.height == rows, table
    descriptions = read_column_descriptions(folder)
    assert descriptions.height == 219
    assert descriptions.null_count()["Row"].item() == 0


def test_text_that_is_not_utf8_names_the_column(folder: Path) -> None:
    (folder / "bureau_balance.csv").write_bytes(b"SK_ID_BUREAU,MONTHS_BALANCE,STATUS\n5000000,-1,\xe9\n")
    with pytest.raises(InputError) as error:
        read_table(folder, "bureau_balance")
    assert str(error.value) == (
        "bureau_balance.csv: column STATUS holds text that is not UTF-8; save the file as UTF-8"
    )
