"""What became of the monthly batches' applicants: outcomes that mature with a delay.

A new applicant's TARGET is drawn like a labelled one's, from the same hidden risk (`applicants.py`), and
never written in the batch's tables. Home Credit's TARGET says whether the client had payment difficulties on
the first instalments, so it is known only once those instalments fell due and the lender reviewed them: here
from `FIRST_DELAY_MONTHS` to `LAST_DELAY_MONTHS` months after the application (uniform, whatever the outcome,
so the outcomes known at a date are a fair sample of the month and its default rate, ROC AUC and cost are not
biased).

The demo stands on a fixed "today", `demo_today` (the first day of the fourth month after the last batch
month: 2026-10-01 for 2026-01..2026-06), so the same seed always writes the same files. Only the outcomes
known by then are written, one CSV per month in `outcomes/<YYYY-MM>.csv` (SK_ID_CURR, TARGET, KNOWN_AT as
YYYY-MM-DD), which `python -m model_training outcomes --file` records: the first months have most of their
outcomes, the last one only a few. Each month draws its dates from its own stream, so the tables do not depend
on the outcomes.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
from pathlib import Path

import numpy as np
import polars as pl

from model_training import schema
from model_training.units import DAYS_PER_YEAR

OUTCOMES_FOLDER = "outcomes"
KNOWN_AT = "KNOWN_AT"
OUTCOME_COLUMNS = (schema.CLIENT_ID, schema.TARGET, KNOWN_AT)
FIRST_DELAY_MONTHS = 3
LAST_DELAY_MONTHS = 9
#: Months between the end of the last batch month and the demo's "today".
TODAY_AFTER_MONTHS = 3
#: Second word of the outcomes' seed sequences (no table shares their stream).
OUTCOME_STREAM = 0x0C7C0
_DAYS_PER_MONTH = DAYS_PER_YEAR / 12


def _add_months(month: str, months: int) -> dt.date:
    """The first day of the month `months` after `month` (YYYY-MM)."""
    year, index = divmod(int(month[:4]) * 12 + int(month[5:7]) - 1 + months, 12)
    return dt.date(year, index + 1, 1)


def demo_today(months: list[str]) -> dt.date:
    """The date the demo's outcomes are known by: `TODAY_AFTER_MONTHS` months after the last batch month."""
    return _add_months(months[-1], 1 + TODAY_AFTER_MONTHS)


def outcome_rng(seed: int, month_index: int) -> np.random.Generator:
    return np.random.default_rng([seed, OUTCOME_STREAM, month_index])


def matured_outcomes(
    rng: np.random.Generator, month: str, ids: np.ndarray, targets: np.ndarray, today: dt.date
) -> pl.DataFrame:
    """The outcomes of a month's applicants known by `today`, sorted by SK_ID_CURR.

    Each applicant applied on a day of the month and learns their outcome 3 to 9 months later (in days).
    """
    first = _add_months(month, 0)
    days_in_month = calendar.monthrange(first.year, first.month)[1]
    applied = rng.integers(0, days_in_month, size=len(ids))
    shortest, longest = (round(m * _DAYS_PER_MONTH) for m in (FIRST_DELAY_MONTHS, LAST_DELAY_MONTHS))
    delay = rng.integers(shortest, longest + 1, size=len(ids))
    known = np.datetime64(first.isoformat(), "D") + applied + delay
    frame = pl.DataFrame(
        {
            schema.CLIENT_ID: np.asarray(ids, dtype=np.int64),
            schema.TARGET: np.asarray(targets, dtype=np.int64),
            KNOWN_AT: known,
        }
    )
    return frame.filter(pl.col(KNOWN_AT) <= today).sort(schema.CLIENT_ID)


def write_outcomes(folder: Path, month: str, outcomes: pl.DataFrame) -> str:
    """Write a month's outcomes to `folder/outcomes/<month>.csv`, whole or not at all; returns its name."""
    out = folder / OUTCOMES_FOLDER
    out.mkdir(parents=True, exist_ok=True)
    name = f"{OUTCOMES_FOLDER}/{month}.csv"
    partial = out / f".{month}.csv.partial"
    outcomes.select(OUTCOME_COLUMNS).write_csv(partial, date_format="%Y-%m-%d")
    os.replace(partial, folder / name)
    return name
