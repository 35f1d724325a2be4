"""The feature table of every applicant, built from a folder of Kaggle tables, and its Parquet file.

Tables are read one at a time with only the columns the features use, reduced to one row per client and
dropped before the next one is read, so the peak memory is that of the largest side table, not of all seven.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter
from typing import Protocol

import polars as pl

from model_training.errors import InputError
from model_training.features.application import (
    CATEGORICAL_FEATURES,
    application_columns,
    application_features,
)
from model_training.features.bureau import (
    BUREAU_BALANCE_COLUMNS,
    BUREAU_COLUMNS,
    bureau_balance_by_credit,
    bureau_client_features,
)
from model_training.features.credit_card import CREDIT_CARD_COLUMNS, credit_card_features
from model_training.features.installments import INSTALLMENTS_COLUMNS, installments_features
from model_training.features.pos_cash import POS_CASH_COLUMNS, pos_cash_features
from model_training.features.previous import PREVIOUS_COLUMNS, previous_application_features
from model_training.schema import CLIENT_ID, TARGET

#: Column of the Parquet file that says which set a row belongs to.
SAMPLE_COLUMN = "SAMPLE"
TRAIN_SAMPLE, PRODUCTION_SAMPLE = "train", "production"
_METADATA_KEY = "model_training.features"

#: Side tables that reduce to client features on their own: table → (columns read, feature function).
SIDE_TABLE_FEATURES: dict[str, tuple[Sequence[str], Callable[[pl.DataFrame], pl.DataFrame]]] = {
    "previous_application": (PREVIOUS_COLUMNS, previous_application_features),
    "POS_CASH_balance": (POS_CASH_COLUMNS, pos_cash_features),
    "installments_payments": (INSTALLMENTS_COLUMNS, installments_features),
    "credit_card_balance": (CREDIT_CARD_COLUMNS, credit_card_features),
}


@dataclass
class FeatureTables:
    """Features of the labelled (train) and production applicants, and what a model needs to know of them.

    ``train`` holds SK_ID_CURR (Int32), TARGET (Int8) and the features; ``production`` SK_ID_CURR and the
    features; features are Float32 in ``feature_names`` order. ``categorical_features`` maps each
    integer-coded feature to the levels its codes index. ``timings`` (from ``build_features`` only) holds, per
    table, the ``rows`` read and the seconds spent to ``load`` and to ``aggregate`` them; ``join`` holds the
    seconds spent joining the tables and dropping constant features (as ``aggregate``).
    """

    train: pl.DataFrame
    production: pl.DataFrame
    feature_names: list[str]
    categorical_features: dict[str, tuple[str, ...]]
    timings: dict[str, dict[str, float]] = field(default_factory=dict)


class _Stopwatch:
    """Per-table load and aggregation times and row counts, for the benchmark."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.timings: dict[str, dict[str, float]] = {}

    def load(self, table: str, columns: Sequence[str]) -> pl.DataFrame:
        from model_training.data import read_table

        started = perf_counter()
        frame = read_table(self.folder, table, columns=list(columns))
        self.timings[table] = {"rows": float(frame.height), "load": perf_counter() - started}
        return frame

    def aggregate(
        self, table: str, function: Callable[..., pl.DataFrame], *frames: pl.DataFrame
    ) -> pl.DataFrame:
        started = perf_counter()
        result = function(*frames)
        self.timings[table]["aggregate"] = perf_counter() - started
        return result


class SideTables(Protocol):
    """Where `side_features` gets its tables: `load` reads one table's columns, `aggregate` applies a
    feature function (a stopwatch for `build_features`, a batch's own reader for the `score` command)."""

    def load(self, table: str, columns: Sequence[str]) -> pl.DataFrame: ...

    def aggregate(
        self, table: str, function: Callable[..., pl.DataFrame], *frames: pl.DataFrame
    ) -> pl.DataFrame: ...


def side_features(tables: SideTables) -> list[pl.DataFrame]:
    """Client features of each side table (one frame per table, one row per SK_ID_CURR that has rows
    there); each table is released before the next one is read."""
    balance = tables.load("bureau_balance", BUREAU_BALANCE_COLUMNS)
    by_credit = tables.aggregate("bureau_balance", bureau_balance_by_credit, balance)
    del balance
    bureau = tables.load("bureau", BUREAU_COLUMNS)
    features = [tables.aggregate("bureau", bureau_client_features, bureau, by_credit)]
    del bureau, by_credit
    for table, (columns, function) in SIDE_TABLE_FEATURES.items():
        frame = tables.load(table, columns)
        features.append(tables.aggregate(table, function, frame))
        del frame
    return features


def with_side_features(applicants: pl.DataFrame, side: Sequence[pl.DataFrame]) -> pl.DataFrame:
    """The applicants' rows (SK_ID_CURR first) followed by their side-table features, in the applicants'
    order; missing where an applicant has no rows in a table."""
    clients = applicants.select(CLIENT_ID)
    aligned = [clients.join(f, on=CLIENT_ID, how="left", maintain_order="left").drop(CLIENT_ID) for f in side]
    return pl.concat([applicants, *aligned], how="horizontal")


def _varying_features(train: pl.DataFrame, candidates: list[str]) -> list[str]:
    """The candidates that tell at least two labelled clients apart (missing counts as a value)."""
    if train.height == 0:
        return candidates
    varies = train.select(
        ((pl.col(c).max() > pl.col(c).min()) | (pl.col(c).null_count().is_between(1, train.height - 1)))
        .fill_null(False)
        .alias(c)
        for c in candidates
    ).row(0)
    return [c for c, kept in zip(candidates, varies, strict=True) if kept]


def build_features(folder: Path) -> FeatureTables:
    """Features of every applicant of application_train (with TARGET) and application_test, from ``folder``.

    Side-table features are missing for clients without rows in that table. Features that take one value
    for every labelled client (missing included) are dropped: they cannot help a model.
    """
    watch = _Stopwatch(Path(folder))
    app = watch.load("application_train", [*application_columns("application_train"), TARGET])
    train = watch.aggregate("application_train", application_features, app)
    target = app.get_column(TARGET).cast(pl.Int8)
    del app
    app = watch.load("application_test", application_columns("application_test"))
    production = watch.aggregate("application_test", application_features, app)
    del app

    side = side_features(watch)
    started = perf_counter()
    everything = with_side_features(pl.concat([train, production]), side)
    del side

    candidates = [c for c in everything.columns if c != CLIENT_ID]
    names = _varying_features(everything.head(train.height), candidates)
    train_rows = everything.head(train.height).select(CLIENT_ID, *names).insert_column(1, target)
    production_rows = everything.tail(production.height).select(CLIENT_ID, *names)
    watch.timings["join"] = {"aggregate": perf_counter() - started}
    return FeatureTables(
        train=train_rows,
        production=production_rows,
        feature_names=names,
        categorical_features={c: levels for c, levels in CATEGORICAL_FEATURES.items() if c in names},
        timings=watch.timings,
    )


def feature_matrix(frame: pl.DataFrame, feature_names: Sequence[str]) -> pl.DataFrame:
    """The features in ``feature_names`` order as Float32; those ``frame`` lacks are missing.

    For serving: a new client's ``application_features`` has no side-table history, which is exactly what
    the model saw for training clients without rows in those tables.
    """
    return frame.select(
        (pl.col(c) if c in frame.columns else pl.lit(None)).cast(pl.Float32).alias(c) for c in feature_names
    )


def write_feature_table(tables: FeatureTables, path: Path) -> None:
    """One Parquet file: SK_ID_CURR, SAMPLE (train / production), TARGET (null in production), features.

    The ordered feature names and the categorical levels travel in the file's metadata.
    """
    sample = pl.Enum([TRAIN_SAMPLE, PRODUCTION_SAMPLE])
    train = tables.train.select(
        CLIENT_ID, pl.lit(TRAIN_SAMPLE, sample).alias(SAMPLE_COLUMN), TARGET, *tables.feature_names
    )
    production = tables.production.select(
        CLIENT_ID,
        pl.lit(PRODUCTION_SAMPLE, sample).alias(SAMPLE_COLUMN),
        pl.lit(None, pl.Int8).alias(TARGET),
        *tables.feature_names,
    )
    described = {"feature_names": tables.feature_names, "categorical_features": tables.categorical_features}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pl.concat([train, production]).write_parquet(path, metadata={_METADATA_KEY: json.dumps(described)})


def read_feature_table(path: Path) -> FeatureTables:
    """The ``FeatureTables`` written by ``write_feature_table`` (without timings)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            f"feature table {path} does not exist; build it with `python -m model_training features`"
        )
    described = pl.read_parquet_metadata(path).get(_METADATA_KEY)
    if described is None:
        raise InputError(f"{path} is not a feature table written by model_training (no feature list inside)")
    meta = json.loads(described)
    names = meta["feature_names"]
    rows = pl.read_parquet(path)
    is_train = pl.col(SAMPLE_COLUMN) == TRAIN_SAMPLE
    return FeatureTables(
        train=rows.filter(is_train).select(CLIENT_ID, TARGET, *names),
        production=rows.filter(~is_train).select(CLIENT_ID, *names),
        feature_names=names,
        categorical_features={c: tuple(levels) for c, levels in meta["categorical_features"].items()},
    )
