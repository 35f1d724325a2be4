"""Scoring a portfolio on Spark with the exported model, through the one scoring path.

The artifacts' `serving.json` and `booster.txt` are broadcast to the executors as bytes (a few MB: the
model string and its calibration, threshold and feature list); each Python worker writes them once into a
private folder and reads it with `Scorer.from_artifacts`, so that an executor scores exactly as the `score`
command does. Each partition of the applicants (joined with their side-table features) gets its feature rows
from `features.assembled_features`, its model matrix from `feature_matrix` and its probabilities, decisions
and reasons from `scored_rows` (the function the API and `score` store with). The scores are written as
Parquet with a manifest (`scores_file.SparkScores`); `load-scores` stores them in the applications store.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import pyarrow as pa

from model_training.batch_scoring import batch_files
from model_training.contract import ServingCard
from model_training.errors import InputError
from model_training.features.build import feature_matrix
from model_training.schema import CLIENT_ID
from model_training.scorer import ModelIdentity
from model_training.spark.features import (
    APPLICATION_TABLE,
    PortfolioFeatures,
    SideColumns,
    assembled_features,
    portfolio_features,
)
from model_training.spark.scores_file import SparkScores, scores_schema
from model_training.spark.session import spark_errors
from model_training.spark.tables import hadoop_path, partition_frame, spark_schema, to_batches, write_text

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from model_training.scorer import Scorer

#: The artifacts' files an executor needs to score.
MODEL_FILES = (ServingCard.FILE, "booster.txt")
#: What marks a folder of features written by spark-score (its data folder and feature names).
FEATURES_MARKER = "_spark_features.json"
#: Applicants explained at once (exact contributions: rows x features x 8 bytes, three times).
_SCORED_CHUNK = 8192
#: Each Python worker's scorer, by the digest of the broadcast files (read once per worker).
_SCORERS: dict[str, tuple[Scorer, ModelIdentity]] = {}


def model_files(artifacts: Path) -> dict[str, bytes]:
    """The exported model's files, to broadcast; InputError when the folder holds no model."""
    if not artifacts.is_dir():
        raise InputError(f"artifacts folder {artifacts} does not exist")
    missing = [name for name in MODEL_FILES if not (artifacts / name).is_file()]
    if missing:
        raise InputError(
            f"artifacts folder {artifacts} holds no exported model (missing {', '.join(missing)}); "
            "export one with `python -m model_training train`"
        )
    return {name: (artifacts / name).read_bytes() for name in MODEL_FILES}


def scorer_of(files: dict[str, bytes]) -> tuple[Scorer, ModelIdentity]:
    """The scorer of broadcast model files, read once per process through `Scorer.from_artifacts`."""
    from model_training.scorer import Scorer

    digest = hashlib.sha256(b"".join(files[name] for name in MODEL_FILES)).hexdigest()
    if digest not in _SCORERS:
        folder = Path(tempfile.mkdtemp(prefix="spark_model_"))
        for name, content in files.items():
            (folder / name).write_bytes(content)
        _SCORERS[digest] = Scorer.from_artifacts(folder)
    return _SCORERS[digest]


def scored_partition(
    partition: pl.DataFrame, side_columns: SideColumns, files: dict[str, bytes]
) -> pl.DataFrame:
    """A partition of applicants (with their side-table features) scored, in `scores_schema()`: complete
    ones through `scored_rows`, incomplete ones (a required field missing) without a decision."""
    from model_training.batch_scoring import complete_only
    from model_training.store.scored_rows import scored_rows

    scorer, model = scorer_of(files)
    applications, features = assembled_features(partition, side_columns)
    complete, _ = complete_only(applications, APPLICATION_TABLE, leave_out=True)
    kept = features.filter(pl.col(CLIENT_ID).is_in(complete.get_column(CLIENT_ID).implode()))
    matrix = np.ascontiguousarray(feature_matrix(kept, scorer.feature_names).to_numpy().astype(np.float32))
    schema = scores_schema()
    parts = [
        scored_rows(scorer, complete.slice(start, _SCORED_CHUNK), matrix[start : start + _SCORED_CHUNK])
        for start in range(0, len(matrix), _SCORED_CHUNK)
    ]
    identity = {
        "complete": True,
        "threshold": model.threshold,
        "model_name": model.name,
        "model_version": model.version,
        "model_run_id": model.run_id,
    }
    scored = [
        p.rename({"client_id": CLIENT_ID}).with_columns(pl.lit(v).alias(k) for k, v in identity.items())
        for p in parts
    ]
    left_out = applications.filter(~pl.col(CLIENT_ID).is_in(complete.get_column(CLIENT_ID).implode()))
    incomplete = left_out.select(pl.col(CLIENT_ID), pl.lit(False).alias("complete"))
    rows = pl.concat([*scored, incomplete], how="diagonal_relaxed")
    return rows.select(
        pl.col(c).cast(t) if c in rows.columns else pl.lit(None, t).alias(c) for c, t in schema.items()
    )


def check_local_inputs(data: str, artifacts: Path | str, out: str) -> None:
    """What can be checked before Spark starts (local paths only): the data folder and its application_test,
    the artifacts' model, an output folder that holds nothing but earlier scores."""
    model_files(Path(artifacts))
    local = _local(data)
    if local is not None:
        batch_files(_existing(local, "data folder"))  # InputError naming a missing application_test
    target = _local(out)
    if target is not None and target.exists():
        if not target.is_dir():
            raise InputError(f"--out {out} is a file: give a folder for the scores")
        names = {p.name for p in target.iterdir()}
        if names and not names & {SparkScores.FILE, FEATURES_MARKER}:
            raise InputError(
                f"{out} already holds other files: give an empty or new folder (earlier spark-score "
                "output is replaced)"
            )


def _existing(folder: Path, what: str) -> Path:
    if not folder.is_dir():
        raise InputError(f"{what} {folder} does not exist or is not a folder")
    return folder


def _folder_state(spark: SparkSession, location: str) -> str:
    """ "absent", "empty", "scores" (written by spark-score before) or "other"."""
    fs, path = hadoop_path(spark, location)
    if not fs.exists(path):
        return "absent"
    if not fs.getFileStatus(path).isDirectory():
        return "other"
    names = {status.getPath().getName() for status in fs.listStatus(path)}
    if not names:
        return "empty"
    return "ours" if names & {SparkScores.FILE, FEATURES_MARKER} else "other"


def _local(location: str) -> Path | None:
    if location.startswith("file:"):
        return Path(location.removeprefix("file:"))
    return None if "://" in location else Path(location)


def score_portfolio(
    spark: SparkSession,
    data: str,
    artifacts: Path | str,
    out: str,
    *,
    partitions: int,
    master: str = "",
    features_out: str | None = None,
) -> SparkScores:
    """Features and scores of every applicant of `data`'s application_test, written as Parquet to `out`
    (with its manifest); with `features_out`, every applicant's features too (`with_side_features`' columns).
    InputError when the data, the artifacts or `out` are unusable (`out` may only hold earlier scores)."""
    from pyspark import StorageLevel

    from model_training.batch_scoring import batch_digest

    started = time.perf_counter()
    artifacts = Path(artifacts)
    files = model_files(artifacts)
    card = ServingCard.read(artifacts / ServingCard.FILE)
    for target in (out, features_out):
        if target is not None and _folder_state(spark, target) == "other":
            raise InputError(
                f"{target} already holds other files: give an empty or new folder (earlier spark-score "
                "output is replaced)"
            )
    local = _local(data)
    digest = batch_digest(batch_files(local)) if local is not None and local.is_dir() else None
    with spark_errors(f"spark-score on {data}"):
        portfolio = portfolio_features(spark, data, partitions)
        if features_out is not None:
            portfolio.joined.persist(StorageLevel.MEMORY_AND_DISK)
            portfolio.feature_frame().write.mode("overwrite").parquet(features_out)
            described = {"data": data, "feature_names": portfolio.feature_frame().columns}
            write_text(spark, f"{features_out.rstrip('/')}/{FEATURES_MARKER}", json.dumps(described) + "\n")
        _scores(spark, portfolio, files).write.mode("overwrite").parquet(out)
        portfolio.joined.unpersist()

    written = spark.read.parquet(out)
    counts: dict[bool, int] = {row[0]: row[1] for row in written.groupBy("complete").count().collect()}
    incomplete = [r[0] for r in written.where("NOT complete").select(CLIENT_ID).limit(20).collect()]
    model = ModelIdentity.from_card(card)
    manifest = SparkScores(
        model_name=model.name,
        model_version=model.version,
        model_run_id=model.run_id,
        threshold=model.threshold,
        feature_count=len(card.feature_names),
        data=data,
        digest=digest,
        applicants=sum(counts.values()),
        incomplete=counts.get(False, 0),
        incomplete_clients=tuple(sorted(incomplete)),
        master=master or spark.sparkContext.master or "",
        partitions=partitions,
        written_at=datetime.now(UTC).isoformat(timespec="seconds"),
        seconds=round(time.perf_counter() - started, 1),
    )
    write_text(
        spark, f"{out.rstrip('/')}/{SparkScores.FILE}", json.dumps(manifest.to_dict(), indent=2) + "\n"
    )
    return manifest


def _scores(spark: SparkSession, portfolio: PortfolioFeatures, files: dict[str, bytes]) -> Any:
    schema = spark_schema(scores_schema())
    shared = spark.sparkContext.broadcast(files)
    side_columns = portfolio.side_columns

    def score(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from pyspark.sql.pandas.types import to_arrow_schema

        partition = partition_frame(batches)
        if partition is not None:
            yield from to_batches(
                scored_partition(partition, side_columns, shared.value), to_arrow_schema(schema)
            )

    return portfolio.joined.mapInArrow(score, schema)
