"""Synthetic credit bureau history: bureau (one row per credit reported by other lenders) and its monthly
bureau_balance.

Applicants with poor payment discipline (a hidden trait, see `applicants.py`) more often have credits still
open, overdue amounts, a past maximum overdue and months in arrears in the monthly statuses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from model_training import schema
from model_training.synthetic.applicants import Applicants
from model_training.synthetic.sampling import (
    YEAR,
    days_before,
    level_mask,
    mix,
    month_of,
    negative_binomial,
    numeric,
    ordered,
    quantile_value,
    ranks,
    repeat_counts,
    sigmoid,
    snap,
    text,
    text_series,
)
from model_training.synthetic.volumes import KAGGLE_COVERAGE, rows_per_applicant

FIRST_BUREAU_ID = 5_000_000
#: Share of applicants whose bureau reports monthly statuses (bureau_balance); with ~30 months per credit
#: this gives the Kaggle volume of bureau_balance rows.
MONTHLY_REPORTING_SHARE = 0.5


@dataclass(frozen=True)
class BureauRows:
    bureau: pl.DataFrame
    bureau_balance: pl.DataFrame
    next_id: int


@dataclass(frozen=True)
class _ByStatus:
    """Credits grouped by status, so each column is drawn with its own status's statistics."""

    specs: dict  # calibration["bureau"]["by_status"]: status (or "*") -> column -> spec
    rows: dict[str, np.ndarray]
    n: int

    def draw(self, column: str, sample: Callable[[dict, np.ndarray], np.ndarray]) -> np.ndarray:
        """`sample(spec, rows)` fills the rows of each status; NaN where nothing was drawn."""
        out = np.full(self.n, np.nan)
        for key, rows in self.rows.items():
            out[rows] = sample(self.specs[key][column], rows)
        return out


def generate_bureau(rng: np.random.Generator, calib: dict, people: Applicants, first_id: int) -> BureauRows:
    """Bureau credits of a chunk of applicants, numbered from `first_id`, with their monthly statuses."""
    b = calib["bureau"]
    counts = _credits_per_applicant(rng, people.history_days)
    owner, _ = repeat_counts(counts)
    n = len(owner)
    discipline = people.discipline[owner]
    values: dict[str, np.ndarray] = {
        "SK_ID_CURR": people.ids[owner],
        "SK_ID_BUREAU": first_id + np.arange(n, dtype=np.int64),
    }
    levels: dict[str, list[str]] = {}

    status_spec = ordered(b["marginal"]["CREDIT_ACTIVE"], ["Closed", "Sold", "Active", "Bad debt"])
    status = text(status_spec, ranks(mix(rng, (-0.25, discipline))))
    values["CREDIT_ACTIVE"], levels["CREDIT_ACTIVE"] = status, status_spec["levels"]
    active = level_mask(status_spec, status, "Active")
    closed = level_mask(status_spec, status, "Closed")

    group = np.array([_status_group(b, lv) for lv in status_spec["levels"]], dtype=object)[status]
    by_status = _ByStatus(b["by_status"], {key: group == key for key in sorted(set(group))}, n)

    values["CREDIT_TYPE"] = _type_index(rng, by_status)
    levels["CREDIT_TYPE"] = b["by_status"]["*"]["CREDIT_TYPE"]["levels"]
    history = people.history_days[owner]
    opened = np.round(
        by_status.draw("DAYS_CREDIT", lambda s, r: days_before(s, rng.random(r.sum()), history[r]))
    )
    values["DAYS_CREDIT"] = opened.astype(np.int64)
    _dates(rng, values, by_status, opened, closed)
    _amounts(rng, b, values, by_status, levels["CREDIT_TYPE"], active, discipline)

    for column in ("CREDIT_CURRENCY", "CNT_CREDIT_PROLONG"):
        spec = b["marginal"][column]
        if "levels" in spec:
            values[column], levels[column] = text(spec, rng.random(n)), spec["levels"]
        else:
            values[column] = numeric(spec, rng.random(n))
    values["AMT_ANNUITY"] = by_status.draw("AMT_ANNUITY", _with_missing(rng))

    bureau = _frame("bureau", values, levels)
    balance = _monthly_statuses(rng, calib["bureau_balance"], values, owner, people, closed)
    return BureauRows(bureau, balance, first_id + n)


def _credits_per_applicant(rng: np.random.Generator, history_days: np.ndarray) -> np.ndarray:
    """0 for the ~14% never reported, else 1 + an over-dispersed count that grows with the adult years."""
    coverage = KAGGLE_COVERAGE["bureau"]
    extra = rows_per_applicant("bureau") / coverage - 1.0
    years = np.clip(history_days / YEAR / 24.0, 0.3, 1.5)
    reported = rng.random(len(history_days)) < coverage
    return np.where(reported, 1 + negative_binomial(rng, extra * years, 1.5), 0)


def _status_group(b: dict, level: str) -> str:
    return level if level in b["by_status"] else "*"


def _type_index(rng: np.random.Generator, by_status: _ByStatus) -> np.ndarray:
    """CREDIT_TYPE as indices into the overall level list, drawn within each credit status."""
    levels = by_status.specs["*"]["CREDIT_TYPE"]["levels"]

    def sample(spec: dict, rows: np.ndarray) -> np.ndarray:
        to_overall = np.asarray([levels.index(lv) for lv in spec["levels"]])
        return to_overall[text(spec, rng.random(rows.sum()))]

    return by_status.draw("CREDIT_TYPE", sample).astype(np.int64)


def _dates(
    rng: np.random.Generator, values: dict, by_status: _ByStatus, opened: np.ndarray, closed: np.ndarray
) -> None:
    """Planned end, actual end (closed credits only) and last update, in the order they happen."""
    duration = by_status.draw("duration", _with_missing(rng))
    values["DAYS_CREDIT_ENDDATE"] = np.round(opened + duration)
    delay = by_status.draw("closing_delay", _present(rng))
    fact = np.clip(np.round(opened + np.nan_to_num(delay)), opened, 0)
    values["DAYS_ENDDATE_FACT"] = np.where(closed, fact, np.nan)
    after_close = by_status.draw("update_after_close", _present(rng))
    recent = by_status.draw("DAYS_CREDIT_UPDATE", _present(rng))
    update = np.where(closed, fact + np.nan_to_num(after_close), np.maximum(recent, opened))
    values["DAYS_CREDIT_UPDATE"] = np.clip(np.round(update), opened, 0).astype(np.int64)


def _amounts(
    rng: np.random.Generator,
    b: dict,
    values: dict,
    by_status: _ByStatus,
    types: list[str],
    active: np.ndarray,
    discipline: np.ndarray,
) -> None:
    """Amount, debt, limit and the overdue amounts (more likely for applicants who pay late)."""
    idx = values["CREDIT_TYPE"]
    n = len(idx)
    total = snap(_by_type(rng, b, idx, types, "AMT_CREDIT_SUM"), b["sum_grid"], rng.random(n))
    values["AMT_CREDIT_SUM"] = np.where(
        rng.random(n) < b["marginal"]["AMT_CREDIT_SUM"]["missing"], np.nan, total
    )
    debt = np.round(total * by_status.draw("debt_share", _with_missing(rng)), 2)
    values["AMT_CREDIT_SUM_DEBT"] = debt
    known = by_status.draw(
        "AMT_CREDIT_SUM_LIMIT", lambda s, r: np.where(rng.random(r.sum()) < s["missing"], np.nan, 1.0)
    )
    values["AMT_CREDIT_SUM_LIMIT"] = np.round(_by_type(rng, b, idx, types, "AMT_CREDIT_SUM_LIMIT") * known, 2)

    # Rare events: the intercept offsets the spread of discipline so that the average rate is calibrated.
    overdue = active & (rng.random(n) < sigmoid(np.log(b["active_overdue_rate"]) - 1.1 - 1.5 * discipline))
    owed = np.where(np.nan_to_num(debt) > 0, debt, total)
    amount = np.round(np.nan_to_num(owed) * quantile_value(b["overdue_share"], rng.random(n)), 2)
    values["AMT_CREDIT_SUM_OVERDUE"] = np.where(overdue, np.maximum(amount, 1.0), 0.0)
    days = np.round(quantile_value(b["day_overdue"], rng.random(n)))
    values["CREDIT_DAY_OVERDUE"] = np.where(overdue, days, 0).astype(np.int64)
    rate = b["max_overdue_positive_rate"]
    ever = rng.random(n) < sigmoid(np.log(rate / (1 - rate)) - 0.3 - 0.8 * discipline)
    worst = np.round(quantile_value(b["max_overdue"], rng.random(n)), 3)
    max_overdue = np.where(ever | overdue, np.maximum(worst, values["AMT_CREDIT_SUM_OVERDUE"]), 0.0)
    unknown = by_status.draw("AMT_CREDIT_MAX_OVERDUE", lambda s, r: rng.random(r.sum()) < s["missing"]) == 1
    values["AMT_CREDIT_MAX_OVERDUE"] = np.where(unknown & ~overdue, np.nan, max_overdue)


def _by_type(rng: np.random.Generator, b: dict, idx: np.ndarray, types: list[str], column: str) -> np.ndarray:
    """An amount drawn with the statistics of each credit's type (mortgages are larger than microloans)."""
    out = np.full(len(idx), np.nan)
    for i, name in enumerate(types):
        rows = idx == i
        if rows.any():
            spec = b["by_type"].get(name, b["by_type"]["*"])[column]
            out[rows] = quantile_value(spec, rng.random(rows.sum()))
    return out


def _with_missing(rng: np.random.Generator) -> Callable[[dict, np.ndarray], np.ndarray]:
    return lambda spec, rows: numeric(spec, rng.random(rows.sum()), rng.random(rows.sum()))


def _present(rng: np.random.Generator) -> Callable[[dict, np.ndarray], np.ndarray]:
    return lambda spec, rows: numeric(spec, rng.random(rows.sum()))


def _monthly_statuses(
    rng: np.random.Generator,
    bb: dict,
    values: dict,
    owner: np.ndarray,
    people: Applicants,
    closed: np.ndarray,
) -> pl.DataFrame:
    """Monthly statuses from the month a credit opened: C once closed, X unreported, else 0 or arrears."""
    reporting = rng.random(len(people.ids)) < MONTHLY_REPORTING_SHARE
    credits = np.flatnonzero(reporting[owner])
    first = np.maximum(month_of(values["DAYS_CREDIT"][credits]), -96)
    to_now = rng.random(len(credits)) < bb["reported_to_now_share"]
    last = np.where(to_now, 0, first + np.floor(rng.random(len(credits)) * (1 - first)).astype(np.int64))
    parent, rank = repeat_counts(last - first + 1)
    month = first[parent] + rank
    n = len(parent)

    closed_month = month_of(np.nan_to_num(values["DAYS_ENDDATE_FACT"][credits], nan=1e9))
    unknown_kind = rng.random(len(credits))
    length = last - first + 1
    unknown_until = np.where(
        unknown_kind < bb["all_unknown_share"],
        length,
        np.where(
            unknown_kind < bb["all_unknown_share"] + bb["some_unknown_share"],
            np.floor(rng.random(len(credits)) * length),
            0,
        ),
    )
    levels = bb["marginal"]["STATUS"]["levels"]
    arrears = bb["arrears_levels"]
    discipline = people.discipline[owner[credits]][parent]
    late = rng.random(n) < sigmoid(-3.6 - 1.1 * discipline)
    idx = np.full(n, levels.index("0"))
    in_arrears = np.asarray([levels.index(lv) for lv in arrears["levels"]])
    idx[late] = in_arrears[text(arrears, rng.random(int(late.sum())))]
    idx = np.where(rank < unknown_until[parent], levels.index("X"), idx)
    idx = np.where(closed[credits][parent] & (month >= closed_month[parent]), levels.index("C"), idx)
    return pl.DataFrame(
        [
            pl.Series("SK_ID_BUREAU", values["SK_ID_BUREAU"][credits][parent]),
            pl.Series("MONTHS_BALANCE", month.astype(np.int64)),
            text_series("STATUS", levels, idx),
        ]
    )


def _frame(table: str, values: dict, levels: dict) -> pl.DataFrame:
    series = []
    for column in schema.columns(table):
        v = values[column.name]
        if column.kind == "category":
            series.append(text_series(column.name, levels[column.name], v))
        elif column.kind == "int":
            series.append(pl.Series(column.name, np.asarray(v).astype(np.int64)))
        else:
            series.append(pl.Series(column.name, np.asarray(v, dtype=float), nan_to_null=True))
    return pl.DataFrame(series)
