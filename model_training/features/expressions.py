"""Polars expression builders shared by the per-table feature modules.

One rule runs through all of them: where nothing is known the answer is missing, never a zero that pretends
to know. A ratio with a zero or missing denominator is missing; the SUM of a client's rows that hold no value
is missing; a subset (active credits, refused applications, the last 12 months) is expressed by masking the
other rows to null, so that a MEAN over an empty subset is missing while its COUNT is a true 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import polars as pl

from model_training.errors import InputError
from model_training.schema import CLIENT_ID

IntoExpr = pl.Expr | str


def _expr(value: IntoExpr) -> pl.Expr:
    return pl.col(value) if isinstance(value, str) else value


def ratio(numerator: IntoExpr, denominator: IntoExpr) -> pl.Expr:
    """numerator / denominator in Float64, missing where the denominator is 0 or missing (never inf/NaN)."""
    den = _expr(denominator).cast(pl.Float64)
    return pl.when(den != 0).then(_expr(numerator).cast(pl.Float64) / den)


def where(condition: pl.Expr, values: IntoExpr) -> pl.Expr:
    """The values on rows where ``condition`` holds and null elsewhere, so aggregates see only that subset."""
    return pl.when(condition).then(_expr(values))


def stats(name: str, values: IntoExpr, *wanted: str) -> list[pl.Expr]:
    """Aggregates ``NAME_STAT`` of one quantity over a client's rows (STAT in SUM, MEAN, MIN, MAX, STD).

    SUM is missing when none of the rows holds a value (polars would say 0).
    """
    column = _expr(values)
    built = {
        "SUM": lambda: pl.when(column.count() > 0).then(column.sum()),
        "MEAN": column.mean,
        "MIN": column.min,
        "MAX": column.max,
        # a difference of squares: the one statistic that Float32 would spoil
        "STD": column.cast(pl.Float64).std,
    }
    return [built[stat]().alias(f"{name}_{stat}") for stat in wanted]


def row_count(name: str) -> pl.Expr:
    """``NAME_COUNT``: the number of the client's rows (credits, applications, months, payments)."""
    return pl.len().alias(f"{name}_COUNT")


def condition_count(name: str, condition: pl.Expr) -> pl.Expr:
    """``NAME_COUNT``: the number of the client's rows where the condition holds (0 when none does)."""
    return condition.fill_null(False).sum().alias(f"{name}_COUNT")


def condition_share(name: str, condition: pl.Expr, *, of_known: bool = False) -> pl.Expr:
    """``NAME_SHARE``: the fraction of the client's rows where the condition holds.

    With ``of_known`` the rows where the condition cannot be evaluated (a missing input) are left out of the
    denominator; otherwise they count as "does not hold".
    """
    held = condition if of_known else condition.fill_null(False)
    return held.mean().alias(f"{name}_SHARE")


def total_ratio(name: str, numerator: IntoExpr, denominator: IntoExpr) -> pl.Expr:
    """``NAME_TOTAL``: the ratio of the client's sums, e.g. total debt / total credit.

    Only rows where both parts are known count, so a credit without a reported debt does not dilute it.
    """
    num = _expr(numerator).cast(pl.Float64)
    den = _expr(denominator).cast(pl.Float64)
    both = num.is_not_null() & den.is_not_null()
    return ratio(where(both, num).sum(), where(both, den).sum()).alias(f"{name}_TOTAL")


def is_any_of(column: str, levels: Iterable[str]) -> pl.Expr:
    """True where a text column holds one of ``levels`` (plain comparisons: far faster than is_in on Enum)."""
    return pl.any_horizontal(pl.col(column) == level for level in levels)


#: Rows aggregated at a time: the per-row quantities and the masks of the aggregations are built for one
#: slice of clients, not for all 13.6 million payments at once.
SLICE_ROWS = 2_000_000


def _slices(sorted_keys: pl.Series, rows: int) -> list[tuple[int, int]]:
    """(offset, length) of consecutive slices of about ``rows`` rows that never split a key's rows."""
    values = sorted_keys.to_numpy()
    if values.size == 0:
        return []
    starts = sorted(
        {int(np.searchsorted(values, values[p], side="left")) for p in range(0, len(values), rows)}
    )
    ends = [*starts[1:], len(values)]
    return [(start, end - start) for start, end in zip(starts, ends, strict=True)]


def aggregate_by(
    frame: pl.DataFrame,
    key: str,
    aggregations: Iterable[pl.Expr],
    derived: Mapping[str, pl.Expr] | None = None,
) -> pl.DataFrame:
    """One row per ``key`` value (sorted), every aggregate as Float32.

    ``derived`` columns (per-row quantities such as a payment ratio) are computed once, as Float32, before
    grouping, so that several statistics of one quantity do not recompute it.
    """
    aggregations = list(aggregations)
    keys = frame.get_column(key)
    # Measured at full Kaggle scale: on rows sorted by key polars aggregates contiguous slices, 5-8 times
    # faster than hashing randomly ordered keys, sort included. The streaming engine would halve the time of
    # the short histories (bureau, previous_application) but holds on to about 1 GB more memory. The rows
    # are put in key order one slice of keys at a time (the same rows, in the same order, as a sort of the
    # whole frame), so neither a sorted copy of the table nor the quantities of all its rows are ever held:
    # on 13.6 million real-shaped payments that took 0.5 GB off the peak.
    order = None if keys.is_sorted() else keys.arg_sort()
    sorted_keys = keys if order is None else keys.gather(order)
    quantities = [expr.cast(pl.Float32).alias(name) for name, expr in (derived or {}).items()]
    parts = []
    for offset, length in _slices(sorted_keys, SLICE_ROWS):
        rows = frame.slice(offset, length) if order is None else frame[order.slice(offset, length)]
        rows = rows.with_columns(pl.col(key).set_sorted())
        parts.append(rows.lazy().with_columns(quantities).group_by(key).agg(aggregations).collect())
        del rows
    out = (
        pl.concat(parts)
        if parts
        else frame.lazy().with_columns(quantities).group_by(key).agg(aggregations).collect()
    )
    return out.select(pl.col(key).cast(pl.Int32), pl.exclude(key).cast(pl.Float32)).sort(key)


def aggregate_by_client(
    frame: pl.DataFrame, aggregations: Iterable[pl.Expr], derived: Mapping[str, pl.Expr] | None = None
) -> pl.DataFrame:
    """One row per SK_ID_CURR (sorted), every feature as Float32; see ``aggregate_by``."""
    return aggregate_by(frame, CLIENT_ID, aggregations, derived)


def require_columns(frame: pl.DataFrame, table: str, needed: Iterable[str]) -> None:
    """Raise InputError naming the columns a feature function needs that ``frame`` lacks."""
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError(f"{table}: missing column(s) {', '.join(missing)} needed to compute features")
