"""The scores `spark-score` writes (a folder of Parquet files and its manifest), and their loading into the
applications store by the store's own insert path (`store_batch`), as the `score` command stores a batch.

One row per applicant of application_test: SK_ID_CURR, `complete` (False: a required field is missing, so
no decision, as `score --leave-out-incomplete` leaves them out), the probability and decision at the model's
threshold, the model's name, version and run, and what the store keeps with a score (reasons, the feature
row as float32 bytes, the application as JSON, the descriptive fields). The manifest `_spark_scores.json`
(Spark and Parquet readers skip files starting with `_`) says which model, which data (with the digest of
its files, the same as `score`'s, so that loading the same folder twice, or after `score`, adds nothing)
and how many rows the folder must hold. No Spark is needed to load.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import ClassVar

import polars as pl

from model_training.contract import ServingCard
from model_training.contract._base import Record
from model_training.errors import InputError
from model_training.schema import CLIENT_ID
from model_training.scorer import ModelIdentity
from model_training.store.applications import SCORED_COLUMNS, BatchOutcome
from model_training.store.tables import descriptive_columns

#: The Parquet files' schema, in column order.
MODEL_COLUMNS = ("threshold", "model_name", "model_version", "model_run_id")


def scores_schema() -> pl.Schema:
    return pl.Schema(
        {
            CLIENT_ID: pl.Int64(),
            "complete": pl.Boolean(),
            "probability": pl.Float64(),
            "decision": pl.String(),
            "threshold": pl.Float64(),
            "model_name": pl.String(),
            "model_version": pl.String(),
            "model_run_id": pl.String(),
            "reasons": pl.String(),
            "features": pl.Binary(),
            "application": pl.String(),
            **descriptive_columns(),
        }
    )


@dataclass(frozen=True)
class SparkScores(Record):
    """_spark_scores.json: what a folder of Spark scores holds and which model made them."""

    FILE: ClassVar[str] = "_spark_scores.json"
    SCHEMA_VERSION: ClassVar[int] = 1
    REBUILD: ClassVar[str] = (
        "python -m model_training spark-score --data DIR --artifacts ARTIFACTS --out {folder}"
    )
    WHAT: ClassVar[str] = "Spark scores manifest"

    model_name: str
    model_version: str
    model_run_id: str
    threshold: float
    feature_count: int
    #: the data folder scored, as given to spark-score
    data: str
    #: SHA-256 of the folder's files as `score` computes it (None when Spark read them from a cluster)
    digest: str | None
    #: rows of the Parquet files: every applicant of application_test
    applicants: int
    incomplete: int
    #: the first incomplete applicants' SK_ID_CURR (at most 20)
    incomplete_clients: tuple[int, ...]
    master: str
    partitions: int
    written_at: str
    seconds: float = field(default=0.0)

    @property
    def model(self) -> ModelIdentity:
        return ModelIdentity(self.model_name, self.model_version, self.model_run_id, self.threshold)


@dataclass(frozen=True)
class LoadedScores:
    """What `load_scores` did."""

    outcome: BatchOutcome
    manifest: SparkScores
    left_out: tuple[int, ...]


def read_scores(folder: Path | str) -> tuple[SparkScores, pl.DataFrame]:
    """The manifest and the rows of a folder written by `spark-score`; InputError naming what is wrong."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"scores folder {folder} does not exist or is not a folder")
    if not (folder / SparkScores.FILE).is_file():
        raise InputError(
            f"{folder} holds no scores written by spark-score (no {SparkScores.FILE}); write them with "
            "`python -m model_training spark-score --data DIR --artifacts ARTIFACTS --out "
            f"{folder}`"
        )
    manifest = SparkScores.read(folder / SparkScores.FILE)
    parts = sorted(folder.glob("*.parquet"))
    if not parts:
        raise InputError(f"{folder}: no Parquet file beside {SparkScores.FILE}: the scores were not written")
    try:
        rows = pl.read_parquet(parts)
    except Exception as error:  # polars' own errors: a damaged or foreign file
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise InputError(f"{folder}: the Parquet files cannot be read as spark-score's ({first})") from None
    wanted = scores_schema()
    wrong = [
        f"{name} ({rows.schema.get(name, 'missing')})"
        for name, dtype in wanted.items()
        if rows.schema.get(name) != dtype
    ]
    if wrong:
        raise InputError(f"{folder}: not spark-score's Parquet: column {', '.join(wrong[:5])}")
    if rows.height != manifest.applicants:
        raise InputError(
            f"{folder}: holds {rows.height:,} rows where {SparkScores.FILE} says {manifest.applicants:,}: "
            "a Parquet file is missing or extra; write the scores again"
        )
    return manifest, rows.select(wanted.names())


def _check_model(folder: Path, manifest: SparkScores, rows: pl.DataFrame, artifacts: Path) -> ModelIdentity:
    """The serving model of `artifacts`, when it is the one that made the scores; InputError otherwise."""
    card = ServingCard.read(Path(artifacts) / ServingCard.FILE)
    serving = ModelIdentity.from_card(card)
    made = manifest.model
    stated = rows.filter("complete").select(MODEL_COLUMNS).unique()
    if stated.height > 1 or (
        stated.height == 1 and stated.row(0) != (made.threshold, made.name, made.version, made.run_id)
    ):
        raise InputError(
            f"{folder}: its rows name another model than {SparkScores.FILE}: write the scores again"
        )
    if (made.name, made.version, made.run_id) != (serving.name, serving.version, serving.run_id):
        raise InputError(
            f"{folder} was scored by {made.name} v{made.version} (run {made.run_id or '?'}), but "
            f"{artifacts} serves {serving.name} v{serving.version} (run {serving.run_id or '?'}): score the "
            f"data again with `spark-score --artifacts {artifacts}`, or load them with that model's artifacts"
        )
    if manifest.feature_count != len(card.feature_names):
        raise InputError(
            f"{folder}: {manifest.feature_count} features per row, the model of {artifacts} reads "
            f"{len(card.feature_names)}"
        )
    return serving


def load_scores(
    folder: Path | str,
    artifacts: Path | str,
    *,
    batch: str | None = None,
    database: str | None = None,
    received: date | None = None,
    by: str | None = None,
) -> LoadedScores:
    """Store Spark's scores as one batch of the applications store (whole or nothing; loading them again
    adds nothing). The batch is named after the data folder unless `batch` is given. Incomplete applicants
    are left out (no decision without the required fields) and listed."""
    from model_training.batch_scoring import MAX_BATCH_NAME
    from model_training.store.applications import ensure_schema, store_batch
    from model_training.store.engine import database_errors, database_url, open_engine

    folder = Path(folder)
    manifest, rows = read_scores(folder)
    model = _check_model(folder, manifest, rows, Path(artifacts))
    name = (batch if batch is not None else manifest.data.rstrip("/").rsplit("/", 1)[-1]).strip()
    if not name or len(name) > MAX_BATCH_NAME:
        raise InputError(
            f"batch name {name[:20]!r}: give one of 1 to {MAX_BATCH_NAME} characters with --batch"
        )
    left_out = tuple(rows.filter(~pl.col("complete")).get_column(CLIENT_ID).to_list())
    scored = (
        rows.filter("complete")
        .rename({CLIENT_ID: "client_id"})
        .with_columns(pl.lit(None, pl.Binary).alias("side_records"))
        .select(*SCORED_COLUMNS, *descriptive_columns())
    )
    note = (
        f"{manifest.data}: scored by Spark ({manifest.master}, {manifest.partitions} partitions), "
        f"loaded from {folder.resolve()}"
    )
    if left_out:
        note += f"; {len(left_out):,} incomplete application(s) left out: SK_ID_CURR " + ", ".join(
            map(str, left_out[:20])
        )
    note += "; side-table records not stored per applicant: the batch's files (digest) are the record"
    url = database_url(database)
    with database_errors(url):
        engine = open_engine(url)
        ensure_schema(engine)
        outcome = store_batch(
            engine,
            scored,
            model,
            batch=name,
            by=by or _user(),
            digest=manifest.digest,
            source="batch",
            note=note,
            received_at=None
            if received is None
            else datetime.combine(received, datetime.min.time(), tzinfo=UTC),
        )
    return LoadedScores(outcome, manifest, left_out)


def _user() -> str:
    try:
        return getpass.getuser() or "load-scores"
    except (KeyError, OSError):
        return "load-scores"
