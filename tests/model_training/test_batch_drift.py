"""Drift per batch: real batches scored into a temporary store by the `score` command, compared with the
training reference; the record says which important features drifted, the score PSI is the one computed
independently from the stored probabilities, rebuilding replaces the record with the same values, calendar
windows group by received day, bad input is one line and stores nothing."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from sqlalchemy import func, select

from model_training.__main__ import main
from model_training.batch_drift import (
    build_batch_drift,
    report_file_name,
    window_label,
    window_of,
)
from model_training.batch_scoring import batch_files, score_folder
from model_training.contract.monitoring import BATCH_DRIFT, BatchDrift
from model_training.data import read_table
from model_training.drift_summary import population_stability_index
from model_training.errors import InputError
from model_training.schema import CLIENT_ID, TARGET
from model_training.scorer import ModelIdentity
from model_training.store import tables as t
from model_training.store.applications import monitoring_records
from model_training.store.engine import open_engine

ROOT = Path(__file__).resolve().parents[2]
#: What the shifted batch moves: the external scores and the age, and the model features built from them.
SHIFTED_INPUTS = {"EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3", "DAYS_BIRTH"}
BUILT_FROM_THEM = {
    "EXT_SOURCE_1",
    "EXT_SOURCE_2",
    "EXT_SOURCE_3",
    "APP_EXT_SOURCE_MEAN",
    "APP_EXT_SOURCE_WEIGHTED",
    "APP_EXT_SOURCE_MAX",
    "APP_EXT_SOURCE_MIN",
    "APP_EXT_SOURCE_STD",
    "APP_EXT_SOURCE_PROD",
    "APP_AGE_YEARS",
    "APP_EMPLOYED_AGE_RATIO",
}


def _applicants_folder(source: Path, target: Path, shift: bool = False, rows: int | None = None) -> Path:
    """Labelled applicants of `source` (TARGET dropped) as a batch folder, with their side tables: fresh
    draws of the training population, which the model never saw; `shift` lowers their external scores
    and makes them younger."""
    target.mkdir(parents=True, exist_ok=True)
    applicants = read_table(source, "application_train").drop(TARGET)
    if rows is not None:
        applicants = applicants.head(rows)
    if shift:
        applicants = applicants.with_columns(
            *(pl.col(name) * 0.5 for name in ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3")),
            (pl.col("DAYS_BIRTH") * 0.7).round().cast(applicants.schema["DAYS_BIRTH"]),
        )
    applicants.write_csv(target / "application_test.csv")
    for table, path in batch_files(source).items():
        if table != "application_test":
            shutil.copy(path, target / path.name)
    return target


@pytest.fixture(scope="module")
def store(tmp_path_factory, trained_artifacts) -> dict:
    """A store holding three batches scored by the trained model: "same" (new applicants of the training
    population, received 2026-01-05), "shifted" (the same applicants, external scores halved and 30%
    younger, 2026-01-20) and "2026-02" (60 of the shifted ones, 2026-02-03), and a copy of the artifacts
    (the command writes its reports there)."""
    work = tmp_path_factory.mktemp("batch_drift")
    fresh = work / "fresh"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "model_training",
            "synth",
            "--out",
            str(fresh),
            *("--clients", "1500", "--seed", "11"),
        ],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
    )
    artifacts = work / "artifacts"
    shutil.copytree(trained_artifacts, artifacts)
    url = f"sqlite:///{work / 'app.db'}"
    for name, received, shift, rows in (
        ("same", "2026-01-05", False, None),
        ("shifted", "2026-01-20", True, None),
        ("2026-02", "2026-02-03", True, 60),
    ):
        folder = _applicants_folder(fresh, work / name, shift=shift, rows=rows)
        score_folder(
            folder, artifacts, batch=name, database=url, progress=False, received=date.fromisoformat(received)
        )
    return {"url": url, "artifacts": artifacts, "work": work}


def _records(url: str) -> dict[tuple[str, str], BatchDrift]:
    return {(r.window, r.subject): r for r in monitoring_records(open_engine(url), BATCH_DRIFT, BatchDrift)}


def _stored_probabilities(url: str, batch: str) -> np.ndarray:
    a, s = t.applications.c, t.scores.c
    with open_engine(url).connect() as connection:
        values = connection.execute(
            select(s.probability)
            .join_from(t.scores, t.applications, a.application_id == s.application_id)
            .where(a.batch == batch)
        ).scalars()
        return np.fromiter(values, dtype=np.float64)


def _count(url: str) -> int:
    with open_engine(url).connect() as connection:
        return connection.execute(select(func.count()).select_from(t.monitoring)).scalar_one()


# ------------------------------------------------------------------------------------------ verdicts


def test_a_batch_from_the_training_population_is_stable(store):
    run = build_batch_drift(store["artifacts"], batch="same", database=store["url"], progress=False)
    (record,) = run.records
    assert (record.subject, record.window, record.n) == ("same", "batch", 1500)
    assert record.score_psi_reading == "stable" and record.score_psi < 0.1
    assert not record.dataset_drifted
    numbers = [f for f in record.features if f.psi is not None]
    assert len(numbers) >= 15 and not any(f.drifted for f in numbers)
    assert all((f.psi or 0.0) < 0.1 for f in numbers), "every number stable by PSI too"
    # a category of 58 levels (ORGANIZATION_TYPE) compared by Jensen-Shannon on 1,500 applicants against
    # 1,500 can pass evidently's 0.1 by chance alone (0.115 on these): evidently's verdict is kept as it is
    assert set(record.drifted_features) <= {"ORGANIZATION_TYPE"}
    assert [f.importance_rank for f in record.features] == list(range(1, len(record.features) + 1))
    assert len(record.features) + len(record.not_compared) == 20
    assert (record.first_received, record.last_received) == ("2026-01-05", "2026-01-05")
    report = store["artifacts"] / record.report
    assert record.report == "drift/batches/same.html" and report.is_file()
    html = report.read_text()
    assert record.features[0].feature in html and "model_score" in html
    assert _records(store["url"])[("batch", "same")] == record


def test_a_batch_with_shifted_external_scores_and_ages_drifts_on_those_features(store, trained_artifacts):
    (record,) = build_batch_drift(
        store["artifacts"], batch="shifted", database=store["url"], progress=False
    ).records
    drifted = set(record.drifted_features)
    assert {"EXT_SOURCE_3", "APP_EXT_SOURCE_MEAN", "APP_EMPLOYED_AGE_RATIO"} <= drifted
    unshifted = _records(store["url"]).get(("batch", "same"))
    noise = set(unshifted.drifted_features) if unshifted is not None else {"ORGANIZATION_TYPE"}
    assert drifted - noise <= BUILT_FROM_THEM, f"only what the shift touched: {drifted - BUILT_FROM_THEM}"
    by_name = {f.feature: f for f in record.features}
    assert by_name["INST_LATE_SHARE"].drifted is False  # the side tables are the same
    assert record.score_psi > 0.1
    # the score PSI is that of the stored probabilities against the reference's out-of-fold ones
    reference = pl.read_parquet(trained_artifacts / "clients" / "reference.parquet")["probability"]
    expected = population_stability_index(
        reference.to_numpy(), _stored_probabilities(store["url"], "shifted")
    )
    assert record.score_psi == pytest.approx(expected, rel=1e-12)


def test_the_score_psi_of_a_small_batch_is_the_one_computed_by_hand(store, trained_artifacts):
    """60 applicants: deciles of the reference's out-of-fold probabilities, shares on each side, the sum
    of (current - reference) x ln(current / reference), written out here."""
    (record,) = build_batch_drift(
        store["artifacts"], batch="2026-02", database=store["url"], progress=False
    ).records
    reference = pl.read_parquet(trained_artifacts / "clients" / "reference.parquet")["probability"].to_numpy()
    current = _stored_probabilities(store["url"], "2026-02")
    assert record.n == len(current) == 60
    edges = np.quantile(reference, [i / 10 for i in range(1, 10)])
    ref_share = np.array([np.mean(np.searchsorted(edges, reference, "right") == i) for i in range(10)])
    cur_share = np.array([np.mean(np.searchsorted(edges, current, "right") == i) for i in range(10)])
    ref_share, cur_share = np.maximum(ref_share, 1e-4), np.maximum(cur_share, 1e-4)
    by_hand = float(np.sum((cur_share - ref_share) * np.log(cur_share / ref_share)))
    assert record.score_psi == pytest.approx(by_hand, rel=1e-9)
    assert record.score_psi == pytest.approx(population_stability_index(reference, current), rel=1e-12)


def test_building_again_replaces_the_record_with_the_same_values(store):
    first = build_batch_drift(store["artifacts"], batch="shifted", database=store["url"], progress=False)
    before = _count(store["url"])
    again = build_batch_drift(store["artifacts"], batch="shifted", database=store["url"], progress=False)
    assert _count(store["url"]) == before, "replaced, not added"
    stored = _records(store["url"])[("batch", "shifted")]
    assert stored == again.records[0]
    assert dataclasses.replace(stored, computed_at="") == dataclasses.replace(
        first.records[0], computed_at=""
    )


def test_every_batch_and_calendar_months_and_weeks(store):
    build_batch_drift(store["artifacts"], all_batches=True, database=store["url"], progress=False)
    months = build_batch_drift(store["artifacts"], window="month", database=store["url"], progress=False)
    assert [(r.subject, r.n) for r in months.records] == [("2026-01", 3000), ("2026-02", 60)]
    assert months.records[0].first_received == "2026-01-05"
    assert months.records[0].last_received == "2026-01-20"
    records = _records(store["url"])
    # the month 2026-02 and the batch named 2026-02 are two records
    assert records[("month", "2026-02")].window == "month" and records[("batch", "2026-02")].window == "batch"
    assert {s for w, s in records if w == "batch"} == {"same", "shifted", "2026-02"}
    assert records[("month", "2026-02")].report == "drift/windows/month-2026-02.html"
    assert (store["artifacts"] / "drift" / "windows" / "month-2026-02.html").is_file()
    # the months hold what their batches hold: the February month is the February batch
    month, batch = records[("month", "2026-02")], records[("batch", "2026-02")]
    assert month.score_psi == batch.score_psi and month.features == batch.features

    week = build_batch_drift(
        store["artifacts"], window="week", period="2026-W04", database=store["url"], progress=False
    )
    assert [(r.subject, r.n, r.first_received) for r in week.records] == [("2026-W04", 1500, "2026-01-20")]
    assert window_label("week", _bounds("month", "2026-01")[0]) == "2026-W01"


def _bounds(window: str, label: str) -> tuple[datetime, datetime]:
    subject = window_of(window, label)
    assert subject.start is not None and subject.end is not None
    return subject.start, subject.end


def test_window_labels():
    march = _bounds("month", "2026-03")
    assert [moment.isoformat() for moment in march] == [
        "2026-03-01T00:00:00+00:00",
        "2026-04-01T00:00:00+00:00",
    ]
    assert _bounds("month", "2025-12")[1].isoformat() == "2026-01-01T00:00:00+00:00"
    week = _bounds("week", "2026-W10")
    assert [moment.date().isoformat() for moment in week] == ["2026-03-02", "2026-03-09"]
    assert window_label("month", week[0]) == "2026-03"
    for window, label in (("month", "2026-13"), ("month", "March"), ("week", "2026-W54"), ("year", "2026")):
        with pytest.raises(InputError):
            window_of(window, label)
    assert report_file_name("2026-03") == "2026-03.html"
    odd = report_file_name("../api 2026/12")
    assert "/" not in odd and not odd.startswith(".") and odd != report_file_name("../api 2026_12")


# --------------------------------------------------------------------------------------- the command


def _other_model(artifacts: Path, folder: Path) -> Path:
    """A copy of the artifacts whose model has another version: it scored nothing in the store."""
    shutil.copytree(artifacts, folder, ignore=shutil.ignore_patterns("drift"))
    card = json.loads((folder / "serving.json").read_text())
    card["model"]["version"] = "99"
    (folder / "serving.json").write_text(json.dumps(card))
    return folder


def test_bad_input_is_one_line_exit_2_and_nothing_stored(store, tmp_path, capsys):
    url, artifacts = store["url"], str(store["artifacts"])
    other = _other_model(store["artifacts"], tmp_path / "other")
    blocked = tmp_path / "file"
    blocked.write_text("")
    cases = {
        "unknown batch": (["--batch", "nope", "--database", url], "error: batch 'nope' is not in the store"),
        "not scored by this model": (
            ["--batch", "same", "--database", url, "--artifacts", str(other)],
            "error: batch 'same' holds no application scored by model credit-scoring v99",
        ),
        "empty window": (
            ["--window", "month", "--period", "2025-07", "--database", url],
            "error: month 2025-07 holds no application scored by model",
        ),
        "bad window": (
            ["--window", "year", "--database", url],
            "error: --window 'year': expected month or week",
        ),
        "bad period": (
            ["--window", "month", "--period", "2026-13", "--database", url],
            "error: --period '2026-13': a month is written YYYY-MM",
        ),
        "two subjects": (
            ["--batch", "same", "--all-batches", "--database", url],
            "error: drift: give one of --batch NAME, --all-batches or --window month|week",
        ),
        "no subject, no data": (["--database", url], "error: drift: give --data DIR"),
        "a URL that does not parse": (
            ["--batch", "same", "--database", "not a url"],
            "error: database URL: not one SQLAlchemy can open",
        ),
        "a database that cannot be made": (
            ["--batch", "same", "--database", f"sqlite:///{blocked}/app.db"],
            f"error: database sqlite:///{blocked}/app.db: ",
        ),
    }
    before = _count(url)
    reports = sorted(p.name for p in (store["artifacts"] / "drift").rglob("*.html"))
    for case, (arguments, expected) in cases.items():
        given = arguments if "--artifacts" in arguments else [*arguments, "--artifacts", artifacts]
        assert main(["drift", *given]) == 2, case
        captured = capsys.readouterr()
        error = captured.err.strip().splitlines()
        assert len(error) == 1, f"{case}: {error}"
        assert error[0].startswith(expected), f"{case}: {error[0]}"
        assert all(line.startswith("drift: [") for line in captured.out.splitlines()), case
    assert _count(url) == before, "nothing stored"
    assert sorted(p.name for p in (store["artifacts"] / "drift").rglob("*.html")) == reports
    assert not (other / "drift").exists()


def test_the_command_prints_one_line_per_step_then_one_per_batch(store):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    arguments = ["--all-batches", "--artifacts", str(store["artifacts"]), "--database", store["url"]]
    done = subprocess.run(
        [sys.executable, "-m", "model_training", "drift", *arguments],
        cwd=store["work"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", "no third-party noise"
    lines = done.stdout.strip().splitlines()
    steps = [line.split("] ")[1].rsplit(" (", 1)[0] for line in lines if line.startswith("drift: [")]
    compared = ["comparing batch 'same'", "comparing batch 'shifted'", "comparing batch '2026-02'"]
    assert steps == ["reading the reference", "reading the applications", *compared, "storing"]
    assert all(line.startswith(f"drift: [{i}/6] ") for i, line in enumerate(lines[:6], start=1)), lines
    batches = [line for line in lines if line.startswith("batch ")]
    assert [line.split(":")[0] for line in batches] == ["batch 'same'", "batch 'shifted'", "batch '2026-02'"]
    assert "batch 'same': 1,500 applications, score PSI " in batches[0]
    assert lines[-1].startswith("3 drift record(s) stored")


def test_the_model_identity_is_the_exports(store):
    from model_training.contract import ServingCard

    card = ServingCard.read(store["artifacts"] / "serving.json")
    model = ModelIdentity.from_card(card)
    records = monitoring_records(open_engine(store["url"]), BATCH_DRIFT, BatchDrift, model)
    assert records and all(
        (r.model_name, r.model_version, r.model_run_id) == (model.name, model.version, model.run_id)
        for r in records
    )
    assert all(r.reference_n == 1500 and r.n_compared == r.n for r in records)
    assert CLIENT_ID not in {f.feature for r in records for f in r.features}


def test_the_training_drift_report_keeps_the_batches_reports(store, trained_synthetic_data):
    """`drift --data` replaces drift/ whole: the batches' and windows' reports the records name stay."""
    from model_training.drift import build_drift_report

    build_batch_drift(store["artifacts"], batch="2026-02", database=store["url"], progress=False)
    before = sorted(p.relative_to(store["artifacts"]) for p in (store["artifacts"] / "drift").rglob("*.html"))
    build_drift_report(trained_synthetic_data, store["artifacts"])
    after = sorted(p.relative_to(store["artifacts"]) for p in (store["artifacts"] / "drift").rglob("*.html"))
    assert Path("drift/batches/2026-02.html") in before
    assert set(before) <= set(after) and Path("drift/report.html") in after
    for record in _records(store["url"]).values():
        assert (store["artifacts"] / str(record.report)).is_file()


def test_steps_draw_a_bar_on_a_terminal_and_lines_elsewhere():
    import io

    from model_training.batch_drift import Steps

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, expected, absent in (
        (Terminal(), "drift: storing 1/2 steps", "drift: ["),
        (io.StringIO(), "drift: [2/2] storing (", "steps ["),
    ):
        steps = Steps(2, stream=stream)
        steps.step("reading")
        steps.step("storing")
        steps.close()
        assert expected in stream.getvalue() and absent not in stream.getvalue()
