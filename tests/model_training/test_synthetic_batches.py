"""Tests of the synthetic monthly batches of new applicants (`model_training.synthetic.batches`).

One 600-client folder with three monthly batches (and their outcomes) is written once for the module; the
drift checks use larger in-memory samples of applicants, drawn from one stream so that a month differs from
another only by its drift.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from sklearn.metrics import roc_auc_score
from sqlalchemy import func, select

from model_training import data, schema
from model_training.__main__ import main
from model_training.errors import InputError
from model_training.store.applications import batch_names
from model_training.store.engine import open_engine
from model_training.store.tables import outcomes as outcomes_table
from model_training.synthetic import BATCH_DRIFTED_COLUMNS, FIRST_MONTH, write_synthetic
from model_training.synthetic.applicants import PRODUCTION_DRIFT, Applicants, generate_applicants
from model_training.synthetic.batches import MAX_BATCHES, batch_months, batch_size, month_drift
from model_training.synthetic.calibration import load_calibration
from model_training.synthetic.outcomes import (
    FIRST_DELAY_MONTHS,
    KNOWN_AT,
    LAST_DELAY_MONTHS,
    OUTCOME_COLUMNS,
    OUTCOMES_FOLDER,
    demo_today,
    matured_outcomes,
)
from model_training.synthetic.outcomes_recorded import main as recorded_main
from model_training.synthetic.outcomes_recorded import recorded_already
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
    assert [name for name in files if name.startswith(f"{OUTCOMES_FOLDER}/")] == [
        f"{OUTCOMES_FOLDER}/2026-01.csv",
        f"{OUTCOMES_FOLDER}/2026-02.csv",
    ]
    assert {name: content for name, content in files.items() if "/" not in name} == all_files(without)
    assert not (without / BATCHES_FOLDER).exists() and not (without / OUTCOMES_FOLDER).exists()
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


def applicants_of_month(index: int, production: bool = True) -> Applicants:
    """20,000 applicants of the month `index`, always drawn from the same stream."""
    n = 20_000
    return generate_applicants(
        np.random.default_rng(9),
        load_calibration(),
        np.arange(n) + 1,
        np.full(n, production),
        month_drift(index),
    )


@pytest.fixture(scope="module")
def monthly_applicants() -> list[Applicants]:
    """The first, second, fourth and sixth month."""
    return [applicants_of_month(index) for index in (0, 1, 3, 5)]


@pytest.fixture(scope="module")
def monthly_samples(monthly_applicants) -> list[pl.DataFrame]:
    return [applicants.production_rows for applicants in monthly_applicants[:3]]


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


def test_the_model_s_signals_read_risk_less_well_as_months_pass(monthly_applicants):
    """The true risk hardly moves (nearly the same outcomes every month: only the loan burden, from drifted
    amounts, differs), but the external scores read it less well."""
    targets = monthly_applicants[0].production_targets
    assert 0.06 < targets.mean() < 0.10
    areas = []
    for applicants in monthly_applicants:
        assert np.mean(applicants.production_targets == targets) > 0.99
        scores = (
            applicants.production_rows.select(pl.mean_horizontal(r"^EXT_SOURCE_\d$")).to_series().to_numpy()
        )
        known = np.isfinite(scores)
        areas.append(roc_auc_score(targets[known], -scores[known]))
    assert areas == sorted(areas, reverse=True)
    assert 0.03 < areas[0] - areas[-1] < 0.15, areas  # visible, not absurd


def test_the_sixth_month_drifts_visibly_but_not_absurdly(monthly_applicants):
    first, sixth = (applicants.production_rows for applicants in monthly_applicants[::3])
    assert 1.12 < sixth["AMT_CREDIT"].mean() / first["AMT_CREDIT"].mean() < 1.25
    assert 0.8 < sixth["EXT_SOURCE_3"].mean() / first["EXT_SOURCE_3"].mean() < 0.92
    assert 0.85 < sixth["DAYS_BIRTH"].mean() / first["DAYS_BIRTH"].mean() < 0.97


# ---------------------------------------------------------------------------------------------- outcomes


def test_outcomes_come_from_the_applicant_s_own_risk():
    """A batch applicant's outcome is the TARGET the same draw gives a labelled one (but for the few whose
    drifted amounts change their loan burden)."""
    labelled = applicants_of_month(0, production=False).labelled[schema.TARGET].to_numpy()
    assert np.mean(applicants_of_month(0).production_targets == labelled) > 0.99


def test_each_month_s_outcomes_are_its_applicants_known_by_today(written, batches):
    folder, rows = written
    today = demo_today(MONTHS)
    assert today == dt.date(2026, 7, 1)  # 2026-03 ends, three months go by
    assert sorted(p.name for p in (folder / OUTCOMES_FOLDER).iterdir()) == [f"{m}.csv" for m in MONTHS]
    for month in MONTHS:
        outcomes = pl.read_csv(folder / OUTCOMES_FOLDER / f"{month}.csv", try_parse_dates=True)
        assert tuple(outcomes.columns) == OUTCOME_COLUMNS
        assert rows[f"{OUTCOMES_FOLDER}/{month}.csv"] == outcomes.height
        assert outcomes[schema.CLIENT_ID].is_sorted() and outcomes[schema.CLIENT_ID].is_unique().all()
        assert set(outcomes[schema.CLIENT_ID]) <= ids(batches[month]["application_test"], "SK_ID_CURR")
        assert set(outcomes[schema.TARGET]) <= {0, 1}
        start = dt.date.fromisoformat(f"{month}-01")
        assert outcomes[KNOWN_AT].min() >= start + dt.timedelta(days=91)
        assert outcomes[KNOWN_AT].max() <= today
    assert not (folder / OUTCOMES_FOLDER / f"{MONTHS[-1]}.csv").read_text().count("\r")


def test_outcomes_mature_three_to_nine_months_after_the_application():
    month, today = "2026-01", dt.date(2027, 1, 1)
    n = 20_000
    every = matured_outcomes(np.random.default_rng(1), month, np.arange(n), np.zeros(n), today)
    assert every.height == n  # a year on, every outcome is known
    days = (every[KNOWN_AT] - dt.date(2026, 1, 1)).dt.total_days()
    assert (
        days.min() >= round(FIRST_DELAY_MONTHS * 30.44)
        and days.max() <= round(LAST_DELAY_MONTHS * 30.44) + 31
    )
    # Six months after the month: about (5.5 - 3) / 6 of them, whatever their outcome.
    targets = np.arange(n) % 10 == 0
    half = matured_outcomes(np.random.default_rng(1), month, np.arange(n), targets, dt.date(2026, 7, 1))
    assert 0.36 < half.height / n < 0.48
    assert abs(half[schema.TARGET].mean() - 0.1) < 0.015  # the known ones are a fair sample


def test_earlier_months_have_more_outcomes_known():
    months = batch_months(FIRST_MONTH, 6)
    today = demo_today(months)
    n = 5_000
    known = [
        matured_outcomes(np.random.default_rng(index), month, np.arange(n), np.zeros(n), today).height
        for index, month in enumerate(months)
    ]
    assert known == sorted(known, reverse=True) and known[0] > 0.8 * n and 0 < known[-1] < 0.15 * n


def test_the_demo_s_outcomes_are_all_in_the_past():
    """The outcomes command refuses a date to come: the longest default run ends before the demo was made."""
    assert demo_today(batch_months(FIRST_MONTH, MAX_BATCHES)) <= dt.date(2026, 12, 1)


def test_outcomes_are_recorded_by_the_outcomes_command(written, trained_artifacts, tmp_path, capsys):
    """What `make run` does after the batches: each month's outcomes recorded against its stored batch."""
    folder, rows = written
    database = f"sqlite:///{tmp_path / 'app.db'}"
    for month in MONTHS:
        arguments = ["--data", str(folder / BATCHES_FOLDER / month), "--artifacts", str(trained_artifacts)]
        received = ["--received", f"{month}-01"]
        assert main(["score", *arguments, "--batch", month, *received, "--database", database]) == 0
    first = str(folder / OUTCOMES_FOLDER / f"{MONTHS[0]}.csv")
    assert not recorded_already(first, database)
    assert recorded_main(["--recorded", first, "--database", database]) == 1
    for month in MONTHS:
        file = str(folder / OUTCOMES_FOLDER / f"{month}.csv")
        command = ["outcomes", "--file", file, "--artifacts", str(trained_artifacts), "--database", database]
        assert main(command) == 0, capsys.readouterr()
    # make run after make clean (the database kept): every file is known to be recorded, and skipped
    assert all(recorded_already(folder / OUTCOMES_FOLDER / f"{month}.csv", database) for month in MONTHS)
    capsys.readouterr()
    assert recorded_main(["--recorded", first, "--database", database]) == 0
    assert "already recorded, skipped" in capsys.readouterr().out
    with open_engine(database).connect() as connection:
        recorded = connection.execute(select(func.count()).select_from(outcomes_table)).scalar_one()
    assert recorded == sum(rows[f"{OUTCOMES_FOLDER}/{month}.csv"] for month in MONTHS) > 0


def test_an_outcomes_file_never_recorded_in_a_fresh_store(written, tmp_path):
    folder, _ = written
    database = f"sqlite:///{tmp_path / 'empty.db'}"
    assert not recorded_already(folder / OUTCOMES_FOLDER / f"{MONTHS[0]}.csv", database)


@pytest.mark.parametrize("content", [None, "CLIENT,TARGET\n1,0\n", "SK_ID_CURR,TARGET\nabc,0\n"])
def test_the_recorded_check_names_an_unreadable_file(tmp_path, capsys, content):
    file = tmp_path / "outcomes.csv"
    if content is not None:
        file.write_text(content)
    with pytest.raises(InputError, match=f"{file}: cannot read its SK_ID_CURR column"):
        recorded_already(file, f"sqlite:///{tmp_path / 'app.db'}")
    assert recorded_main(["--recorded", str(file), "--database", f"sqlite:///{tmp_path / 'app.db'}"]) == 2
    assert "cannot read its SK_ID_CURR column" in capsys.readouterr().err
