"""Drift per batch: each stored batch (or calendar window of received applications) against the training
reference, kept as a typed `BatchDrift` record in the store and a light evidently report in the artifacts.

Current side: the feature rows the model of the artifacts folder scored (`application_scores.features`,
float32 in the model's feature order, read for that model's identity only) and the probabilities it gave.
Reference: the training applicants the model was exported with (`clients/reference_features.parquet`) and
their out-of-fold probability (`clients/reference.parquet`). So both sides are the values the model reads,
not the raw application: a shift in a feature the model builds (an age, a ratio of external scores) is seen
as the model sees it.

Compared: the model's `TOP_FEATURES` most important features (mean |SHAP|, `global_importance.parquet`),
by the per-column evidently tests model_training.drift runs (same functions, same sampling), and the score by
PSI over reference deciles (the stat test model_training.drift registers, so the HTML shows the record's
number). Each numerical feature also gets its PSI. The report written to
`ARTIFACTS/drift/batches/<batch>.html` (or `drift/windows/<month|week>-<label>.html`) holds those columns
only.

The record is derived data: building it again replaces it (`put_monitoring_record`), with the same values
(seeded samples, the same rows in the same order).
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from model_training.contract import ServingCard
from model_training.contract.monitoring import BATCH_DRIFT, BatchDrift, FeatureDrift
from model_training.decision import PROBABILITY
from model_training.drift import (
    BATCH_REPORT_FOLDERS,
    IMPORTANCE_FILE,
    MAX_ROWS,
    REFERENCE_CLIENTS_FILE,
    REFERENCE_FEATURES_FILE,
    SAMPLE_SEED,
    SCORE_COLUMN,
    TOP_FEATURES,
    ComparedColumn,
    empty_columns,
    read_parquet_columns,
    report_html,
    run_evidently,
    sample_rows,
    verdicts,
)
from model_training.drift_summary import DRIFT_FOLDER, population_stability_index, psi_reading
from model_training.errors import InputError
from model_training.progress import StepProgress
from model_training.schema import CLIENT_ID, TARGET
from model_training.scorer import ModelIdentity

WINDOWS = ("month", "week")
BATCHES_FOLDER, WINDOWS_FOLDER = (f"{DRIFT_FOLDER}/{name}" for name in BATCH_REPORT_FOLDERS)
#: Stored feature rows decoded at a time: only the important columns of each chunk are kept.
_CHUNK_ROWS = 20_000
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")


# -------------------------------------------------------------------------------------------- progress


class Steps(StepProgress):
    """The drift command's steps (`drift: [i/N] step (elapsed)`), as `score` shows its own."""

    PREFIX = "drift"


# ------------------------------------------------------------------------------------------- reference


@dataclass(frozen=True)
class Reference:
    """The training side, read once for every batch of a run: the important features, ranked, and the
    sampled reference rows as evidently reads them."""

    model: ModelIdentity
    folder: Path
    features: tuple[str, ...]  # most important first
    positions: tuple[int, ...]  # their place in the model's feature order (the stored rows)
    width: int  # features of the model: the length of a stored row
    levels: dict[str, list[str]]  # categorical features: code -> level
    frame: pd.DataFrame  # sampled reference: the features then SCORE_COLUMN
    rows: int  # reference applicants before sampling


def read_reference(
    artifacts: Path | str, *, top: int = TOP_FEATURES, max_rows: int = MAX_ROWS, seed: int = SAMPLE_SEED
) -> Reference:
    """The model's identity, its `top` features by mean |SHAP| and the training applicants' values of them
    with their out-of-fold probability; InputError naming the file when the folder is not an export."""
    folder = Path(artifacts)
    _model_of(folder)
    card = ServingCard.read(folder / ServingCard.FILE)
    missing = [
        n
        for n in (IMPORTANCE_FILE, REFERENCE_FEATURES_FILE, REFERENCE_CLIENTS_FILE)
        if not (folder / n).is_file()
    ]
    if missing:
        raise InputError(
            f"{folder}: incomplete model artifacts, missing {', '.join(missing)}; "
            f"export them again with `python -m model_training train --data DIR --out {folder}`"
        )
    importance = read_parquet_columns(
        folder / IMPORTANCE_FILE, {"feature": "text", "mean_abs_shap": "number"}
    )
    ranked = importance.sort("mean_abs_shap", descending=True, nulls_last=True, maintain_order=True)
    features = tuple(ranked["feature"].head(top).to_list())
    order = {name: i for i, name in enumerate(card.feature_names)}
    unknown = [name for name in features if name not in order]
    if unknown:
        raise InputError(
            f"{folder / IMPORTANCE_FILE}: {', '.join(unknown)} not among the model's features (serving.json)"
        )
    clients = read_parquet_columns(
        folder / REFERENCE_CLIENTS_FILE, {CLIENT_ID: "integer", TARGET: "integer", PROBABILITY: "number"}
    )
    values = read_parquet_columns(
        folder / REFERENCE_FEATURES_FILE, {CLIENT_ID: "integer", **dict.fromkeys(features, "number")}
    )
    key = pl.col(CLIENT_ID).cast(pl.Int64)
    joined = clients.with_columns(key).join(values.with_columns(key), on=CLIENT_ID, how="inner")
    if joined.height < clients.height:
        raise InputError(
            f"{folder}: {REFERENCE_FEATURES_FILE} lacks {clients.height - joined.height:,} of the "
            f"{clients.height:,} clients of {REFERENCE_CLIENTS_FILE}; export the model again"
        )
    sampled = sample_rows(joined, max_rows, seed, strata=TARGET)
    levels = {
        name: list(card.categorical_features[name]) for name in features if name in card.categorical_features
    }
    matrix = sampled.select(pl.col(name).cast(pl.Float32) for name in features).to_numpy()
    frame = _evidently_frame(matrix, sampled[PROBABILITY].to_numpy(), features, levels)
    return Reference(
        model=ModelIdentity.from_card(card),
        folder=folder,
        features=features,
        positions=tuple(order[name] for name in features),
        width=len(card.feature_names),
        levels=levels,
        frame=frame,
        rows=clients.height,
    )


def _evidently_frame(
    matrix: np.ndarray, score: np.ndarray, features: Sequence[str], levels: dict[str, list[str]]
) -> pd.DataFrame:
    """Numbers as float32, categorical codes as their level names (pandas categories), the score as float64
    (the PSI of the record is exactly that of the stored probabilities)."""
    columns: dict[str, Any] = {}
    for i, name in enumerate(features):
        if name in levels:
            codes = matrix[:, i]
            known = np.isfinite(codes) & (codes >= 0) & (codes < len(levels[name]))
            labels = np.where(known, codes, -1).astype(np.int64)
            columns[name] = pd.Categorical.from_codes(labels, categories=levels[name])
        else:
            columns[name] = matrix[:, i].astype(np.float32)
    columns[SCORE_COLUMN] = np.asarray(score, dtype=np.float64)
    return pd.DataFrame(columns)


# --------------------------------------------------------------------------------------------- subjects


@dataclass(frozen=True)
class Subject:
    """What a record is about: a batch by its name, or a calendar window [start, end) of received_at."""

    window: str  # batch, month or week
    label: str
    start: datetime | None = None
    end: datetime | None = None


def window_of(window: str, label: str) -> Subject:
    """The window named `label` ("2026-03" for a month, "2026-W10" for an ISO week); InputError otherwise."""
    if window == "month":
        match = _MONTH.fullmatch(label)
        if match is None or not 1 <= int(match[2]) <= 12:
            raise InputError(f"--period {label!r}: a month is written YYYY-MM (e.g. 2026-03)")
        start = datetime(int(match[1]), int(match[2]), 1, tzinfo=UTC)
        end = datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=UTC)
        return Subject(window, label, start, end)
    if window == "week":
        match = _WEEK.fullmatch(label)
        try:
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1) if match else None
        except ValueError:
            monday = None
        if monday is None:
            raise InputError(f"--period {label!r}: a week is written YYYY-Www, ISO weeks (e.g. 2026-W10)")
        start = datetime.combine(monday, datetime.min.time(), tzinfo=UTC)
        return Subject(window, label, start, start + timedelta(days=7))
    raise InputError(f"--window {window!r}: expected month or week")


def window_label(window: str, moment: datetime) -> str:
    """The label of the window holding `moment` (UTC)."""
    day = moment.astimezone(UTC).date() if moment.tzinfo else moment.date()
    if window == "month":
        return f"{day.year:04d}-{day.month:02d}"
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


# ------------------------------------------------------------------------------------------------ store


def _is_model(model: ModelIdentity) -> tuple[Any, ...]:
    from model_training.store import tables as t

    s = t.scores.c
    return (s.model_name == model.name, s.model_version == model.version, s.model_run_id == model.run_id)


def _subject_filter(subject: Subject) -> tuple[Any, ...]:
    from model_training.store import tables as t

    a = t.applications.c
    if subject.window == "batch":
        return (a.batch == subject.label,)
    return (a.received_at >= subject.start, a.received_at < subject.end)


def scored_batches(engine: Any, model: ModelIdentity) -> list[str]:
    """Batches holding at least one application `model` scored, by the day they were first received."""
    from sqlalchemy import func, select

    from model_training.store import tables as t

    a, s = t.applications.c, t.scores.c
    query = (
        select(a.batch, func.min(a.received_at).label("first"))
        .join_from(t.scores, t.applications, a.application_id == s.application_id)
        .where(*_is_model(model))
        .group_by(a.batch)
        .order_by("first", a.batch)
    )
    with engine.connect() as connection:
        return [row.batch for row in connection.execute(query)]


def scored_windows(engine: Any, model: ModelIdentity, window: str) -> list[str]:
    """Labels of the windows holding at least one application `model` scored, oldest first."""
    from sqlalchemy import select

    from model_training.store import tables as t

    a, s = t.applications.c, t.scores.c
    query = (
        select(a.received_at)
        .distinct()
        .join_from(t.scores, t.applications, a.application_id == s.application_id)
        .where(*_is_model(model))
    )
    with engine.connect() as connection:
        moments = connection.execute(query).scalars().all()
    return sorted({window_label(window, moment) for moment in moments})


def batch_exists(engine: Any, name: str) -> bool:
    from sqlalchemy import select

    from model_training.store import tables as t

    with engine.connect() as connection:
        return (
            connection.execute(select(t.batches.c.name).where(t.batches.c.name == name)).first() is not None
        )


@dataclass
class Current:
    """The compared applications of a subject: the important features' values and the probabilities."""

    matrix: np.ndarray  # n x important features, float32
    probabilities: np.ndarray
    first_received: str | None
    last_received: str | None


def read_current(engine: Any, subject: Subject, reference: Reference) -> Current:
    """The stored feature rows and probabilities of the subject's applications scored by the reference's
    model, in application order (only the important columns of each row kept)."""
    from sqlalchemy import func, select

    from model_training.store import tables as t

    a, s = t.applications.c, t.scores.c
    where = (*_subject_filter(subject), *_is_model(reference.model))
    positions = np.asarray(reference.positions, dtype=np.intp)
    blocks, probabilities = [], []
    with engine.connect() as connection:
        first, last = connection.execute(
            select(func.min(a.received_at), func.max(a.received_at))
            .join_from(t.scores, t.applications, a.application_id == s.application_id)
            .where(*where)
        ).one()
        result = connection.execution_options(yield_per=_CHUNK_ROWS).execute(
            select(s.probability, s.features)
            .join_from(t.scores, t.applications, a.application_id == s.application_id)
            .where(*where)
            .order_by(a.application_id)
        )
        for rows in result.partitions():
            values = np.frombuffer(b"".join(bytes(r.features) for r in rows), dtype="<f4")
            if values.size != len(rows) * reference.width:
                raise InputError(
                    f"the stored feature rows of {subject.label!r} do not have the {reference.width} "
                    f"features of model {reference.model.name} v{reference.model.version}: the store and the "
                    "artifacts disagree"
                )
            blocks.append(values.reshape(len(rows), reference.width)[:, positions].astype(np.float32))
            probabilities.append(
                np.fromiter((r.probability for r in rows), dtype=np.float64, count=len(rows))
            )
    matrix = np.concatenate(blocks) if blocks else np.empty((0, len(positions)), dtype=np.float32)
    return Current(
        matrix=matrix,
        probabilities=np.concatenate(probabilities) if probabilities else np.empty(0),
        first_received=None if first is None else first.date().isoformat(),
        last_received=None if last is None else last.date().isoformat(),
    )


# ------------------------------------------------------------------------------------------------ drift


@dataclass
class SubjectDrift:
    record: BatchDrift
    html: str
    seconds: float


def compare_subject(
    reference: Reference,
    subject: Subject,
    current: Current,
    *,
    max_rows: int = MAX_ROWS,
    seed: int = SAMPLE_SEED,
) -> SubjectDrift:
    """The subject's drift record and its evidently HTML (the important features and the score)."""
    started = time.perf_counter()
    n = len(current.probabilities)
    if n == 0:
        raise InputError(_nothing_scored(subject, reference.model))
    picked = sample_rows(pl.DataFrame({"row": np.arange(n)}), max_rows, seed)["row"].to_numpy()
    cur = _evidently_frame(
        current.matrix[picked], current.probabilities[picked], reference.features, reference.levels
    )
    candidates = [
        ComparedColumn(name, "feature", "categorical" if name in reference.levels else "numerical")
        for name in reference.features
    ]
    sides = {"reference": pl.from_pandas(reference.frame), "current": pl.from_pandas(cur)}
    skipped = empty_columns(sides, candidates)
    columns = [c for c in candidates if c.name not in skipped]
    if not columns:
        raise InputError(f"{subject.label!r}: none of the model's important features has a value to compare")
    snapshot = run_evidently(reference.frame, cur, columns, with_score=True)
    by_column, dataset = verdicts(snapshot.dict())
    rank = {name: i for i, name in enumerate(reference.features, start=1)}
    features = tuple(
        FeatureDrift(
            feature=c.name,
            importance_rank=rank[c.name],
            drifted=bool(by_column[c.name]["drifted"]),
            score=float(by_column[c.name]["drift_score"]),
            method=str(by_column[c.name]["method"]),
            psi=_feature_psi(reference.frame[c.name], cur[c.name]) if c.kind == "numerical" else None,
        )
        for c in columns
    )
    psi = float(by_column[SCORE_COLUMN]["drift_score"])
    folder = WINDOWS_FOLDER if subject.window != "batch" else BATCHES_FOLDER
    stem = subject.label if subject.window == "batch" else f"{subject.window}-{subject.label}"
    record = BatchDrift(
        subject=subject.label,
        window=subject.window,
        first_received=current.first_received,
        last_received=current.last_received,
        model_name=reference.model.name,
        model_version=reference.model.version,
        model_run_id=reference.model.run_id,
        n=n,
        score_psi=psi,
        score_psi_reading=psi_reading(psi),
        features=features,
        dataset_drifted=bool(dataset["drifted"]),
        drifted_share=float(dataset["drifted_share"]),
        report=f"{folder}/{report_file_name(stem)}",
        computed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        not_compared=tuple(name for name in reference.features if name in skipped),
        n_compared=len(picked),
        reference_n=len(reference.frame),
    )
    return SubjectDrift(record, report_html(snapshot), time.perf_counter() - started)


def _feature_psi(reference: pd.Series, current: pd.Series) -> float | None:
    try:
        return population_stability_index(reference.to_numpy(), current.to_numpy())
    except ValueError:  # no finite value on one side
        return None


def report_file_name(stem: str) -> str:
    """A file name for a batch's report: its name when it is a safe one, else a cleaned one with a digest
    (two names never share a file)."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", stem)
    if safe != stem or safe.startswith("."):
        safe = f"{safe.lstrip('.')}-{hashlib.sha256(stem.encode()).hexdigest()[:8]}"
    return f"{safe}.html"


def _what(subject: Subject) -> str:
    return f"batch {subject.label!r}" if subject.window == "batch" else f"{subject.window} {subject.label}"


def _nothing_scored(subject: Subject, model: ModelIdentity) -> str:
    return (
        f"{_what(subject)} holds no application scored by model {model.name} v{model.version} "
        f"(run {model.run_id or 'unknown'}): nothing to compare"
    )


def _write_html(folder: Path, relative: str, html: str) -> None:
    """Written aside then renamed: a reader never sees half a report."""
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_text(html, encoding="utf-8")
    os.replace(partial, path)


# -------------------------------------------------------------------------------------------------- run


@dataclass
class DriftRun:
    records: list[BatchDrift]
    seconds: float


@contextmanager
def _database(url: str) -> Iterator[Any]:
    """The store's engine, errors of a database that cannot be opened as one sentence."""
    from model_training.store.applications import ensure_schema
    from model_training.store.engine import database_errors, open_engine

    with database_errors(url):
        engine = open_engine(url)
        ensure_schema(engine)
        yield engine


def build_batch_drift(
    artifacts: Path | str,
    *,
    batch: str | None = None,
    all_batches: bool = False,
    window: str | None = None,
    period: str | None = None,
    database: str | None = None,
    top: int = TOP_FEATURES,
    max_rows: int = MAX_ROWS,
    seed: int = SAMPLE_SEED,
    progress: bool = True,
) -> DriftRun:
    """Drift records of one batch, every batch, or every (or one) calendar window, for the model of
    `artifacts`; stored in the store and their HTML written. InputError, with nothing stored, on an
    unknown batch, a subject without an application scored by the model, or a database that cannot be
    opened."""
    from model_training.store.applications import put_monitoring_record
    from model_training.store.engine import database_url

    started = time.perf_counter()
    chosen = [batch is not None, all_batches, window is not None]
    if sum(chosen) != 1:
        raise InputError("drift: give one of --batch NAME, --all-batches or --window month|week")
    if window is not None and window not in WINDOWS:
        raise InputError(f"--window {window!r}: expected month or week")
    if period is not None and window is None:
        raise InputError("--period goes with --window month|week")
    wanted = window_of(window, period) if window is not None and period is not None else None
    folder = Path(artifacts)
    url = database_url(database)
    model = _model_of(folder)
    with _database(url) as engine:
        subjects = _subjects(engine, model, batch, window, wanted)
    steps = Steps(3 + len(subjects), enabled=progress)
    try:
        steps.step("reading the reference")
        reference = read_reference(folder, top=top, max_rows=max_rows, seed=seed)
        steps.step("reading the applications")
        currents = []
        with _database(url) as engine:
            for subject in subjects:
                current = read_current(engine, subject, reference)
                if not len(current.probabilities):
                    raise InputError(_nothing_scored(subject, reference.model))
                currents.append(current)
        results = []
        for subject, current in zip(subjects, currents, strict=True):
            steps.step(f"comparing {_what(subject)}")
            results.append(compare_subject(reference, subject, current, max_rows=max_rows, seed=seed))
        steps.step("storing")
        for result in results:
            if result.record.report is not None:
                _write_html(folder, result.record.report, result.html)
        with _database(url) as engine:
            for result in results:
                put_monitoring_record(engine, BATCH_DRIFT, result.record.key, reference.model, result.record)
    finally:
        steps.close()
    return DriftRun([r.record for r in results], time.perf_counter() - started)


def _model_of(folder: Path) -> ModelIdentity:
    """The identity of the exported model, which the subjects are looked up for (before any long step)."""
    if not (folder / ServingCard.FILE).is_file():
        raise InputError(
            f"artifacts folder {folder} holds no exported model (missing {ServingCard.FILE}); "
            "export one with `python -m model_training train`"
        )
    return ModelIdentity.from_card(ServingCard.read(folder / ServingCard.FILE))


def _subjects(
    engine: Any, model: ModelIdentity, batch: str | None, window: str | None, wanted: Subject | None
) -> list[Subject]:
    if batch is not None:
        if not batch_exists(engine, batch):
            raise InputError(f"batch {batch!r} is not in the store; stored batches are listed by the app")
        return [Subject("batch", batch)]
    if wanted is not None:
        return [wanted]
    if window is not None:
        labels = scored_windows(engine, model, window)
        subjects = [window_of(window, label) for label in labels]
    else:
        subjects = [Subject("batch", name) for name in scored_batches(engine, model)]
    if not subjects:
        raise InputError(
            f"the store holds no application scored by model {model.name} v{model.version}: "
            "score a batch first (python -m model_training score)"
        )
    return subjects


def summary_lines(run: DriftRun) -> list[str]:
    """What the command prints: one line per record, then where they went."""
    lines = []
    for r in run.records:
        what = _what(Subject(r.window, r.subject))
        drifted = ", ".join(r.drifted_features) or "none"
        lines.append(
            f"{what}: {r.n:,} applications, score PSI {r.score_psi:.3f} ({r.score_psi_reading}); "
            f"important features drifted: {drifted}; dataset drift: {'YES' if r.dataset_drifted else 'no'} "
            f"({r.drifted_share:.0%} of {len(r.features)} features)"
        )
    lines.append(f"{len(run.records)} drift record(s) stored, reports in drift/ in {run.seconds:.1f} s")
    return lines
