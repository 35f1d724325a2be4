"""Data drift of production applicants against training applicants: an evidently report and a JSON summary.

Reference: the labelled applicants (application_train); current: the production applicants (application_test).
Compared columns:
- every application column except SK_ID_CURR and TARGET, as loaded (raw values, Kaggle quirks included:
  a shift in the share of DAYS_EMPLOYED = 365243 is a shift in the share of applicants without a job);
- with model artifacts: the model's top features by mean |SHAP| (`global_importance.parquet`); those that
  are application columns are already compared raw, the engineered ones come from
  `clients/{reference,production}_features.parquet`;
- with model artifacts: the score, out-of-fold probability of the training clients against the production
  probability, by PSI over 10 reference deciles (read: < 0.1 stable, 0.1-0.25 moderate, > 0.25 significant;
  its verdict says "drifted" from 0.1, once it is no longer stable). It is not counted in the share of
  drifted columns, which is about the applicants, not about the model.
Without a model in the artifacts folder (none of its model files), the report covers the application columns
only, the summary says `model.used: false` and the CLI says the model-based parts were skipped; a folder with
some model files but not all is an error, not a smaller report.

Verdicts are evidently's: one `ValueDrift` per column (method chosen by evidently from the column's type and
size: Wasserstein distance for numbers, Jensen-Shannon for categories and for numbers with at most 5 values,
p-value tests when the reference has 1,000 rows or fewer; threshold 0.1 for the distances) and one
`DriftedColumnsCount` whose test says whether the dataset drifts (drifted share >= 0.5). The summary copies
them from `Snapshot.dict()`; nothing is recomputed here. The score PSI is computed by evidently too, through
a stat test registered below, so the HTML and the JSON show the same number.

Scale: each side is compared on at most `MAX_ROWS` applicants (a seeded random sample, stratified by TARGET
on the reference side); both the HTML and the JSON come from that one run, so they cannot disagree. At full
Kaggle scale, 307,511 against 48,744, the reference is sampled and production is not. Measured there on
synthetic data, 141 columns (benchmarks/bench_drift.py): 42 s of CPU with the sample, 76 s with every row,
the same verdict on all 140 columns and at most 0.011 between drift scores; most of evidently's time goes to
per-column work (plotly figures, pandas copies) that a second, full-data run would repeat. Evidently's
`DataDriftPreset` is not used: it computes every column three times (DatasetDriftMetric, ValueDrift and the
DataDriftTable it renders), measured 1.75 times the CPU of the metrics used here for the same verdicts.
"""

from __future__ import annotations

import os

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

import shutil
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import evidently
import numpy as np
import pandas as pd
import polars as pl
from evidently import DataDefinition, Dataset, Report
from evidently.core.metric_types import metric_tests_widget, render_widgets
from evidently.core.report import Snapshot, metric_tests_stats

# evidently 0.7 registers stat tests, its own included, through this registry only
from evidently.legacy.calculations.stattests.registry import StatTest, register_stattest
from evidently.legacy.core import ColumnType
from evidently.legacy.renderers.html_widgets import group_widget
from evidently.metrics import DriftedColumnsCount, ValueDrift

from model_training import schema
from model_training.contract import DriftSummary
from model_training.decision import PROBABILITY
from model_training.drift_summary import (
    DRIFT_FOLDER,
    LIGHT_REPORT_FILE,
    PSI_BINS,
    PSI_STABLE,
    REPORT_FILE,
    SUMMARY_FILE,
    SUMMARY_FORMAT,
    population_stability_index,
    psi_reading,
)
from model_training.errors import InputError
from model_training.schema import CLIENT_ID, TARGET

#: Applicants compared on each side at most (0: all); about the size of Kaggle's production set.
MAX_ROWS = 60_000
SAMPLE_SEED = 0
#: Model features compared beside the application columns, by mean |SHAP|.
TOP_FEATURES = 20
#: Evidently's default: the dataset drifts when at least half of the compared columns drift.
DRIFT_SHARE = 0.5
#: Name of the score in the report (not a Kaggle column, so it cannot collide with one).
SCORE_COLUMN = "model_score"
SCORE_METHOD = "psi_reference_deciles"
#: Columns of the lighter report (besides the score and the dataset count): the first of the summary's order.
#: At full scale a browser draws it in ~1.3 s, against ~6 s for all 137 columns (benchmarks/bench_pages.py).
LIGHT_COLUMNS = 10
#: Share of an artifact table's clients that must be found in the data folder's application table.
MIN_MATCHED_SHARE = 0.95

#: Folders of `drift/` holding the reports of stored batches and windows (model_training.batch_drift).
BATCH_REPORT_FOLDERS = ("batches", "windows")

IMPORTANCE_FILE = "global_importance.parquet"
REFERENCE_FEATURES_FILE = "clients/reference_features.parquet"
PRODUCTION_FEATURES_FILE = "clients/production_features.parquet"
REFERENCE_CLIENTS_FILE = "clients/reference.parquet"
PRODUCTION_CLIENTS_FILE = "clients/production.parquet"
MODEL_FILES = (
    IMPORTANCE_FILE,
    REFERENCE_FEATURES_FILE,
    PRODUCTION_FEATURES_FILE,
    REFERENCE_CLIENTS_FILE,
    PRODUCTION_CLIENTS_FILE,
)

Kind = Literal["number", "integer", "text"]
Source = Literal["application", "feature"]


def _score_psi(
    reference: pd.Series, current: pd.Series, feature_type: ColumnType, threshold: float
) -> tuple[float, bool]:
    psi = population_stability_index(reference.to_numpy(), current.to_numpy(), bins=PSI_BINS)
    return psi, psi >= threshold


register_stattest(
    StatTest(
        name=SCORE_METHOD,
        display_name=f"PSI ({PSI_BINS} reference quantile bins)",
        allowed_feature_types=[ColumnType.Numerical],
        default_threshold=PSI_STABLE,
    ),
    _score_psi,
)


# ------------------------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class ModelParts:
    """What the report needs of an exported model: importances, engineered top features, both scores."""

    importance: dict[str, float]
    top_features: list[str]
    reference_features: pl.DataFrame  # SK_ID_CURR + the engineered top features
    production_features: pl.DataFrame
    reference_score: pl.DataFrame  # SK_ID_CURR + probability (out of fold)
    production_score: pl.DataFrame
    folder: str


@dataclass
class DriftResult:
    """One evidently run and the summary read off it."""

    snapshot: Snapshot
    summary: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ComparedColumn:
    """A column of the report and how evidently must read it (also used by model_training.batch_drift)."""

    name: str
    source: Source
    kind: Literal["numerical", "categorical"]


def read_applications(folder: Path | str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """application_train and application_test, typed and validated by the loader (InputError names the
    file, the column and the line of a missing column or a value of the wrong type)."""
    from model_training.data import read_table

    return read_table(folder, "application_train"), read_table(folder, "application_test")


def read_model_parts(artifacts: Path | str, top: int = TOP_FEATURES) -> ModelParts | None:
    """The model side of the report from an artifacts folder; None when the folder holds no model at all.

    A folder with some of the model files but not all, or with a table lacking a column, is an error: a
    half-exported model must not silently shrink the report.
    """
    folder = Path(artifacts)
    present = [name for name in MODEL_FILES if (folder / name).is_file()]
    if not present:
        return None
    missing = [name for name in MODEL_FILES if name not in present]
    if missing:
        raise InputError(
            f"{folder}: incomplete model artifacts, missing {', '.join(missing)}; "
            f"export them again with `python -m model_training train --data DIR --out {folder}`"
        )
    importance = read_parquet_columns(
        folder / IMPORTANCE_FILE, {"feature": "text", "mean_abs_shap": "number"}
    )
    ranked = importance.sort("mean_abs_shap", descending=True, nulls_last=True)
    by_feature = dict(zip(ranked["feature"].to_list(), ranked["mean_abs_shap"].to_list(), strict=True))
    top_features = ranked["feature"].head(top).to_list()
    engineered = [name for name in top_features if name not in _application_columns()]
    wanted: dict[str, Kind] = {CLIENT_ID: "integer", **dict.fromkeys(engineered, "number")}
    scored: dict[str, Kind] = {CLIENT_ID: "integer", PROBABILITY: "number"}
    return ModelParts(
        importance={name: float(value) for name, value in by_feature.items() if value is not None},
        top_features=top_features,
        reference_features=read_parquet_columns(folder / REFERENCE_FEATURES_FILE, wanted),
        production_features=read_parquet_columns(folder / PRODUCTION_FEATURES_FILE, wanted),
        reference_score=_probabilities(read_parquet_columns(folder / REFERENCE_CLIENTS_FILE, scored), folder),
        production_score=_probabilities(
            read_parquet_columns(folder / PRODUCTION_CLIENTS_FILE, scored), folder
        ),
        folder=str(folder.resolve()),
    )


def read_parquet_columns(path: Path, wanted: Mapping[str, Kind]) -> pl.DataFrame:
    """The wanted columns of a Parquet table, each checked to exist and to hold the expected kind."""
    try:
        found = pl.read_parquet_schema(path)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise InputError(f"{path}: cannot be read as a Parquet table ({error})") from None
    missing = [name for name in wanted if name not in found]
    if missing:
        raise InputError(f"{path}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    for name, kind in wanted.items():
        if not _has_kind(found[name], kind):
            raise InputError(f"{path}: column {name} has type {found[name]}, expected {_KIND_WORDS[kind]}")
    frame = pl.read_parquet(path, columns=list(wanted))
    if CLIENT_ID in wanted and frame[CLIENT_ID].is_duplicated().any():
        repeated = frame[CLIENT_ID].filter(frame[CLIENT_ID].is_duplicated())[0]
        raise InputError(f"{path}: {CLIENT_ID} {repeated} appears more than once")
    return frame


_KIND_WORDS: dict[Kind, str] = {"number": "numbers", "integer": "whole numbers", "text": "text"}


def _has_kind(dtype: pl.DataType, kind: Kind) -> bool:
    if kind == "integer":
        return dtype.is_integer()
    if kind == "number":
        return dtype.is_numeric()
    return isinstance(dtype, pl.String | pl.Categorical | pl.Enum)


def _probabilities(frame: pl.DataFrame, folder: Path) -> pl.DataFrame:
    outside = frame.filter(~pl.col(PROBABILITY).is_between(0, 1))
    if outside.height:
        raise InputError(
            f"{folder}: {PROBABILITY} of client {outside[CLIENT_ID][0]} is {outside[PROBABILITY][0]}, "
            "expected a probability between 0 and 1"
        )
    return frame


# ------------------------------------------------------------------------------------- frames to compare


def _application_columns() -> dict[str, ComparedColumn]:
    """Every application_test column but the client id, with the evidently type its schema kind implies."""
    return {
        c.name: ComparedColumn(c.name, "application", "categorical" if c.kind == "category" else "numerical")
        for c in schema.columns("application_test")
        if c.name != CLIENT_ID
    }


def _compared_columns(model: ModelParts | None) -> list[ComparedColumn]:
    """Model features first (by importance), then the other application columns in Kaggle order."""
    raw = _application_columns()
    if model is None:
        return list(raw.values())
    first = [raw.get(name) or ComparedColumn(name, "feature", "numerical") for name in model.top_features]
    return first + [column for name, column in raw.items() if name not in model.top_features]


def sample_rows(
    frame: pl.DataFrame, max_rows: int, seed: int = SAMPLE_SEED, strata: str | None = None
) -> pl.DataFrame:
    """At most `max_rows` rows (0: all), drawn without replacement and kept in their original order.

    With `strata`, each of its values keeps its share of the rows (the reference keeps its default rate).
    """
    if max_rows <= 0 or frame.height <= max_rows:
        return frame
    rng = np.random.default_rng(seed)
    if strata is None or strata not in frame.columns:
        return frame[np.sort(rng.choice(frame.height, max_rows, replace=False))]
    groups = frame[strata].to_physical().fill_null(-1).to_numpy()
    values, sizes = np.unique(groups, return_counts=True)
    quotas = sizes * max_rows / frame.height
    counts = np.floor(quotas).astype(int)
    # the rows that rounding down leaves over go to the largest remainders: exactly max_rows in all
    counts[np.argsort(counts - quotas)[: max_rows - counts.sum()]] += 1
    picked = [
        rng.choice(np.flatnonzero(groups == value), count, replace=False)
        for value, count in zip(values, counts, strict=True)
    ]
    return frame[np.sort(np.concatenate(picked))]


def _with_model_columns(
    applications: pl.DataFrame, features: pl.DataFrame, score: pl.DataFrame, where: str, table: str
) -> pl.DataFrame:
    """Application rows with the engineered features and the score of the same clients (by SK_ID_CURR)."""
    key = pl.col(CLIENT_ID).cast(pl.Int64)
    for name, frame in (("features", features), ("scores", score)):
        matched = applications.select(key).join(frame.select(key), on=CLIENT_ID, how="semi").height
        if matched < MIN_MATCHED_SHARE * applications.height:
            raise InputError(
                f"{where}: the model's {name} cover {matched:,} of the {applications.height:,} applicants of "
                f"{table}: the artifacts were built from other data; train on this folder, or pass the "
                "folder the model was trained on as --data"
            )
    return (
        applications.with_columns(key)
        .join(features.with_columns(key), on=CLIENT_ID, how="left", maintain_order="left")
        .join(
            score.select(key, pl.col(PROBABILITY).alias(SCORE_COLUMN)),
            on=CLIENT_ID,
            how="left",
            maintain_order="left",
        )
    )


def _to_pandas(frame: pl.DataFrame, columns: Sequence[ComparedColumn], with_score: bool) -> pd.DataFrame:
    """The compared columns as evidently reads them: numbers as float32, text as pandas categories."""
    numbers = [c.name for c in columns if c.kind == "numerical"] + ([SCORE_COLUMN] if with_score else [])
    return frame.select(
        *(pl.col(name).cast(pl.Float32) for name in numbers),
        *(pl.col(c.name) for c in columns if c.kind == "categorical"),
    ).to_pandas()


def empty_columns(frames: Mapping[str, pl.DataFrame], columns: Iterable[ComparedColumn]) -> dict[str, str]:
    """Columns without a single value on one side: evidently cannot compare them (it raises)."""
    empty = {}
    for column in columns:
        sides = [side for side, frame in frames.items() if not _has_values(frame[column.name])]
        if sides:
            empty[column.name] = f"no value in the {' and '.join(sides)} rows"
    return empty


def _has_values(values: pl.Series) -> bool:
    if values.dtype.is_float():
        return bool(values.is_finite().any())  # evidently drops NaN and infinities as it drops nulls
    return values.null_count() < values.len()


# ------------------------------------------------------------------------------------------ evidently


def run_evidently(
    reference: pd.DataFrame, current: pd.DataFrame, columns: Sequence[ComparedColumn], with_score: bool
) -> Snapshot:
    """One evidently report: the dataset drift count over `columns`, one ValueDrift per column and score."""
    definition = DataDefinition(
        numerical_columns=[c.name for c in columns if c.kind == "numerical"]
        + ([SCORE_COLUMN] if with_score else []),
        categorical_columns=[c.name for c in columns if c.kind == "categorical"],
    )
    names = [c.name for c in columns]
    metrics: list[Any] = [DriftedColumnsCount(columns=names, drift_share=DRIFT_SHARE)]
    if with_score:
        metrics.append(ValueDrift(column=SCORE_COLUMN, method=SCORE_METHOD, threshold=PSI_STABLE))
    metrics += [ValueDrift(column=name) for name in names]
    return Report(metrics, include_tests=True).run(
        current_data=Dataset.from_pandas(current, data_definition=definition),
        reference_data=Dataset.from_pandas(reference, data_definition=definition),
    )


def verdicts(snapshot_dict: Mapping[str, Any]) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Per-column and dataset verdicts as evidently gives them in `Snapshot.dict()`.

    A ValueDrift metric holds the column, the method and threshold it used and the drift score; its test
    fails when drift is detected. DriftedColumnsCount holds the count and share of drifted columns; its test
    ("share less than drift_share") fails when the dataset drifts.
    """
    tests = {test["metric_config"]["metric_id"]: test for test in snapshot_dict["tests"]}
    columns: dict[str, dict[str, Any]] = {}
    dataset: dict[str, Any] = {}
    for metric in snapshot_dict["metrics"]:
        config, test = metric["config"], tests.get(metric["id"], {})
        outcome = _outcome(test.get("status"), metric["metric_name"])
        if config["type"].endswith(":ValueDrift"):
            columns[config["column"]] = {
                "method": config["method"],
                "drift_score": float(metric["value"]),
                "threshold": float(config["threshold"]),
                "drifted": outcome,
            }
        elif config["type"].endswith(":DriftedColumnsCount"):
            dataset = {
                "drifted": outcome,
                "drifted_columns": int(metric["value"]["count"]),
                "drifted_share": float(metric["value"]["share"]),
                "drift_share_threshold": float(config["drift_share"]),
                "test": test["description"],
            }
    if not dataset:
        raise RuntimeError("the evidently report holds no DriftedColumnsCount result")
    return columns, dataset


def _outcome(status: str | None, metric_name: str) -> bool:
    """True when evidently's test failed (drift found); anything but a pass or a failure is a bug here."""
    if status not in ("SUCCESS", "FAIL"):
        raise RuntimeError(f"evidently test of {metric_name} ended with status {status!r}")
    return status == "FAIL"


def _score_kind(method: str) -> str:
    # evidently names its p-value tests "... p_value" (K-S, chi-square, Z-test); the others are distances
    return "p_value" if "p_value" in method else "distance"


# ------------------------------------------------------------------------------------------- summary


def compare_applicants(
    reference: pl.DataFrame,
    current: pl.DataFrame,
    model: ModelParts | None = None,
    *,
    max_rows: int = MAX_ROWS,
    seed: int = SAMPLE_SEED,
    data_folder: str | None = None,
    where: str = "artifacts",
) -> DriftResult:
    """Drift of `current` applicants against `reference` ones (application tables as the loader reads)."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    _check_application_frame(current, "production applicants")
    _check_application_frame(reference, "reference applicants")
    ref = sample_rows(reference, max_rows, seed, strata=TARGET)
    cur = sample_rows(current, max_rows, seed)
    if model is not None:
        ref = _with_model_columns(
            ref, model.reference_features, model.reference_score, where, "application_train"
        )
        cur = _with_model_columns(
            cur, model.production_features, model.production_score, where, "application_test"
        )
    candidates = _compared_columns(model)
    skipped = empty_columns({"reference": ref, "production": cur}, candidates)
    columns = [c for c in candidates if c.name not in skipped]
    with_score = model is not None
    ref_pd, cur_pd = _to_pandas(ref, columns, with_score), _to_pandas(cur, columns, with_score)
    timings["prepare"] = time.perf_counter() - started

    started = time.perf_counter()
    snapshot = run_evidently(ref_pd, cur_pd, columns, with_score)
    by_column, dataset = verdicts(snapshot.dict())
    timings["evidently"] = time.perf_counter() - started

    summary = {
        "format_version": SUMMARY_FORMAT,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "evidently_version": evidently.__version__,
        "data": {
            "folder": data_folder,
            "reference": _side("application_train", reference.height, ref.height, max_rows, seed, "TARGET"),
            "current": _side("application_test", current.height, cur.height, max_rows, seed, None),
        },
        "model": _model_record(model),
        "dataset": {**dataset, "columns": len(columns)},
        "score": _score_record(by_column.get(SCORE_COLUMN)) if with_score else None,
        "columns": _column_records(columns, by_column, model),
        "not_compared": [{"column": name, "reason": reason} for name, reason in skipped.items()],
    }
    return DriftResult(snapshot, summary, timings)


def _check_application_frame(frame: pl.DataFrame, what: str) -> None:
    """Frames given directly (not read by the loader) still need every column, with a compatible type."""
    for column in _application_columns().values():
        if column.name not in frame.columns:
            raise InputError(f"{what}: missing column {column.name}")
        dtype = frame.schema[column.name]
        expected: Kind = "text" if column.kind == "categorical" else "number"
        if not _has_kind(dtype, expected):
            raise InputError(
                f"{what}: column {column.name} has type {dtype}, expected {_KIND_WORDS[expected]}"
            )


def _side(table: str, rows: int, compared: int, max_rows: int, seed: int, strata: str | None) -> dict:
    sample = None
    if compared < rows:
        by = f", stratified by {strata}" if strata else ""
        sample = (
            f"seeded random sample of {compared:,} of {rows:,} rows{by} (max_rows {max_rows:,}, seed {seed})"
        )
    return {"table": table, "rows": rows, "rows_compared": compared, "sample": sample}


def _model_record(model: ModelParts | None) -> dict[str, Any]:
    if model is None:
        return {
            "used": False,
            "artifacts": None,
            "note": "no model artifacts: the model's top features and score were not compared",
            "top_features": [],
        }
    return {
        "used": True,
        "artifacts": model.folder,
        "note": f"top {len(model.top_features)} features by mean |SHAP| and the score compared",
        "top_features": model.top_features,
    }


def _score_record(verdict: Mapping[str, Any] | None) -> dict[str, Any]:
    if verdict is None:
        raise RuntimeError("the evidently report holds no result for the score")
    return {
        "column": SCORE_COLUMN,
        "psi": verdict["drift_score"],
        "reading": psi_reading(verdict["drift_score"]),
        "bins": PSI_BINS,
        "method": verdict["method"],
        "threshold": verdict["threshold"],
        "drifted": verdict["drifted"],
        "reference": f"out-of-fold {PROBABILITY} of the labelled clients ({REFERENCE_CLIENTS_FILE})",
        "current": f"{PROBABILITY} of the production clients ({PRODUCTION_CLIENTS_FILE})",
    }


def _column_records(
    columns: Sequence[ComparedColumn], by_column: Mapping[str, Mapping[str, Any]], model: ModelParts | None
) -> list[dict[str, Any]]:
    """One record per compared column: drifted first, then by importance, then in report order."""
    importance = model.importance if model is not None else {}
    records = [
        {
            "column": c.name,
            "source": c.source,
            "type": c.kind,
            "method": by_column[c.name]["method"],
            "score_kind": _score_kind(by_column[c.name]["method"]),
            "drift_score": by_column[c.name]["drift_score"],
            "threshold": by_column[c.name]["threshold"],
            "drifted": by_column[c.name]["drifted"],
            "importance": importance.get(c.name),
        }
        for c in columns
    ]
    order = {c.name: i for i, c in enumerate(columns)}
    return sorted(
        records,
        key=lambda r: (
            not r["drifted"],
            -(r["importance"] if r["importance"] is not None else -1.0),
            order[r["column"]],
        ),
    )


# ------------------------------------------------------------------------------------------ HTML files


def light_report_columns(summary: Mapping[str, Any], limit: int = LIGHT_COLUMNS) -> list[str]:
    """The lighter report's columns: the summary's first `limit` (drifted first, then by importance)."""
    return [record["column"] for record in summary["columns"][:limit]]


def report_html(snapshot: Snapshot, columns: Iterable[str] | None = None) -> str:
    """The evidently report as HTML: every metric, or the dataset count, the score and `columns` only.

    The cut report is rendered from the same run (no second computation), so its numbers are the full
    report's. evidently 0.7 keeps one snapshot item per metric of the report, in the report's order; the
    private fields read here are pinned by requirements.txt and checked by tests/model_training/test_drift.py.
    """
    if columns is None:
        html = snapshot.get_html_str(as_iframe=False)
    else:
        kept = {*columns, SCORE_COLUMN}
        metrics = snapshot.report.items()
        items = snapshot._snapshot_item
        if len(metrics) != len(items):
            raise RuntimeError("evidently's snapshot no longer holds one item per metric")
        chosen = [
            item
            for metric, item in zip(metrics, items, strict=True)
            if not isinstance(metric, ValueDrift) or metric.column in kept
        ]
        widgets = [widget for item in chosen for widget in item.widgets]
        results = [snapshot._metrics[item.metric_id] for item in chosen if item.metric_id is not None]
        tests = [test for result in results for test in result.tests]
        html = render_widgets(
            [group_widget(title="", widgets=widgets), metric_tests_stats(tests), metric_tests_widget(tests)]
        )
    return with_loading_notice(html)


#: Shown while the browser downloads, parses and draws the report; hidden by CSS alone (the report's own
#: scripts stay untouched) as soon as evidently has drawn anything in its root element.
LOADING_NOTICE = (
    "<style>#pad-report-loading{font:1rem system-ui,sans-serif;margin:1rem;padding:.75rem 1rem;"
    "border:1px solid #9ec5fe;border-radius:.375rem;background:#e7f1ff;color:#052c65}"
    'body:has([id^="root_"] > *) #pad-report-loading{display:none}</style>'
    '<div id="pad-report-loading" role="status"><span lang="fr">Chargement du rapport evidently…</span>'
    ' / <span lang="en">Loading the evidently report…</span></div>'
)


def with_loading_notice(html: str) -> str:
    """The report with `LOADING_NOTICE` first in its body, so that it shows before the megabytes after it."""
    head, body, rest = html.partition("<body>")
    if not body:
        raise RuntimeError("the evidently report has no <body> to put the loading notice in")
    return head + body + LOADING_NOTICE + rest


# --------------------------------------------------------------------------------------------- build


def build_drift_report(
    data: Path | str,
    artifacts: Path | str,
    *,
    max_rows: int = MAX_ROWS,
    top_features: int = TOP_FEATURES,
    seed: int = SAMPLE_SEED,
) -> DriftResult:
    """Read the data folder (and the model, if `artifacts` holds one), compare, write `artifacts/drift/`."""
    artifacts = Path(artifacts)
    _check_artifacts_folder(artifacts)
    started = time.perf_counter()
    model = read_model_parts(artifacts, top_features)
    reference, current = read_applications(data)
    loaded = time.perf_counter() - started
    result = compare_applicants(
        reference,
        current,
        model,
        max_rows=max_rows,
        seed=seed,
        data_folder=str(Path(data).resolve()),
        where=str(artifacts),
    )
    result.timings["load"] = loaded
    started = time.perf_counter()
    write_drift_folder(artifacts, result)
    result.timings["write"] = time.perf_counter() - started
    return result


def _check_artifacts_folder(artifacts: Path) -> None:
    """Fail before any work when the report could not be written."""
    if artifacts.exists() and not artifacts.is_dir():
        raise InputError(f"--artifacts {artifacts} is a file; expected the artifacts folder")
    parent = artifacts if artifacts.exists() else artifacts.parent
    if not parent.is_dir():
        raise InputError(f"--artifacts {artifacts}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"--artifacts {artifacts}: cannot write in {parent}")


def write_drift_folder(artifacts: Path | str, result: DriftResult) -> Path:
    """`report.html`, `report_light.html` and `summary.json` written aside, then swapped in whole for
    `artifacts/drift/`."""
    from model_training.export import staging_folder, swap_into_place

    out = Path(artifacts) / DRIFT_FOLDER
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = staging_folder(out)
    try:
        # the stored batches' reports (model_training.batch_drift) are not this report's: they stay
        for kept in BATCH_REPORT_FOLDERS:
            if (out / kept).is_dir():
                shutil.copytree(out / kept, staging / kept)
        (staging / REPORT_FILE).write_text(report_html(result.snapshot), encoding="utf-8")
        light = report_html(result.snapshot, light_report_columns(result.summary))
        (staging / LIGHT_REPORT_FILE).write_text(light, encoding="utf-8")
        # through its record: a summary the app could not read is refused here (no NaN, every field typed)
        DriftSummary.from_dict(result.summary).write(staging / SUMMARY_FILE)
        swap_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def summary_lines(summary: Mapping[str, Any]) -> list[str]:
    """What the CLI prints: the verdicts in a few lines."""
    data, dataset, model, score = summary["data"], summary["dataset"], summary["model"], summary["score"]
    ref, cur = data["reference"], data["current"]
    lines = [
        f"compared {ref['rows_compared']:,} of {ref['rows']:,} training applicants with "
        f"{cur['rows_compared']:,} of {cur['rows']:,} production applicants",
        f"dataset drift: {'YES' if dataset['drifted'] else 'no'} ({dataset['drifted_columns']} of "
        f"{dataset['columns']} columns drifted, {dataset['drifted_share']:.1%}; "
        f"the dataset drifts from {dataset['drift_share_threshold']:.0%})",
    ]
    if score is not None:
        lines.append(f"score PSI: {score['psi']:.3f} ({score['reading']})")
    else:
        lines.append(
            f"model-based parts skipped: {model['note']}; "
            "run `python -m model_training train --data DIR --out ARTIFACTS` to include them"
        )
    drifted = [c for c in summary["columns"] if c["drifted"]]
    if drifted:
        shown = ", ".join(f"{c['column']} ({c['method']} {c['drift_score']:.3f})" for c in drifted[:12])
        more = f" and {len(drifted) - 12} more" if len(drifted) > 12 else ""
        lines.append(f"drifted columns: {shown}{more}")
    for skipped in summary["not_compared"]:
        lines.append(f"not compared: {skipped['column']} ({skipped['reason']})")
    return lines
