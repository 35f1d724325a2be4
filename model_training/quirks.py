"""The Home Credit data's own quirks, in one documented place.

Every value below means something other than what it looks like. The feature code applies these expressions
and nothing else re-interprets raw values, so a reader who wonders why a 365243 became missing finds the
answer here, and training and serving cannot disagree about it.

* ``365243`` days (about 1000 years) is Kaggle's "no date" sentinel:
  - ``DAYS_EMPLOYED`` (application): the applicant has no current employment (pensioners, unemployed);
    about 18 % of applicants. It becomes missing and the fact itself becomes a 0/1 feature.
    ``ORGANIZATION_TYPE = XNA`` marks the same applicants, and ``FLAG_EMP_PHONE = 0`` almost exactly them.
  - previous_application ``DAYS_FIRST_DRAWING``, ``DAYS_FIRST_DUE``, ``DAYS_LAST_DUE_1ST_VERSION``,
    ``DAYS_LAST_DUE``, ``DAYS_TERMINATION``: the event has not happened (yet). On an approved application a
    sentinel ``DAYS_LAST_DUE`` means the credit is still running, which is worth a feature of its own.
* ``XNA`` ("not available") and ``XAP`` ("not applicable") are codes for missing values in the text columns
  (``CODE_GENDER``: 4 applicants of Kaggle's train; ``ORGANIZATION_TYPE``: the unemployed; most previous
  application codes). ``NAME_FAMILY_STATUS = Unknown`` (2 applicants in Kaggle's train, none in its test) is
  the same thing spelled differently.
* bureau ``DAYS_CREDIT_ENDDATE``, ``DAYS_ENDDATE_FACT`` and ``DAYS_CREDIT_UPDATE`` hold a few values around
  -42,000 days (115 years before the application): broken dates, never real ones (the bureau reports
  credits of the last 8 years, ``DAYS_CREDIT >= -2922``).
* Ratios whose denominator is 0 (previous_application ``AMT_CREDIT = 0`` on refused and cancelled rows,
  instalments with ``AMT_INSTALMENT = 0``, credit cards with ``AMT_CREDIT_LIMIT_ACTUAL = 0``) are unknown,
  not infinite: see ``features.expressions.ratio``.
* installments_payments ``DAYS_ENTRY_PAYMENT`` / ``AMT_PAYMENT`` missing: the instalment was not paid (yet).
* bureau_balance ``STATUS``: ``0`` no days past due, ``1``..``5`` a month with days past due
  (1-30, 31-60, 61-90, 91-120, more than 120 days or written off), ``C`` closed, ``X`` status unknown.
* ``SK_DPD_DEF`` (POS_CASH_balance, credit_card_balance) counts days past due ignoring tolerated small debts,
  so it is the stricter of the two DPD columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

#: Kaggle's "no date" value in DAYS_* columns (365243 days is about 1000 years). Its one definition: the
#: app's checks and the synthetic generator import it from here. Polars is imported by the expressions that
#: need it, so that reading this constant stays light (the app checks a field without loading polars).
DAYS_SENTINEL = 365_243

#: previous_application columns where the sentinel means "the event has not happened".
PREVIOUS_SENTINEL_DAYS: tuple[str, ...] = (
    "DAYS_FIRST_DRAWING",
    "DAYS_FIRST_DUE",
    "DAYS_LAST_DUE_1ST_VERSION",
    "DAYS_LAST_DUE",
    "DAYS_TERMINATION",
)

#: Text codes that stand for a missing or not applicable value, in every text column.
NOT_AVAILABLE_CODES: frozenset[str] = frozenset({"XNA", "XAP"})

#: Further levels that mean "missing" in one column only.
COLUMN_MISSING_LEVELS: dict[str, frozenset[str]] = {"NAME_FAMILY_STATUS": frozenset({"Unknown"})}

#: bureau DAYS_* values older than this (100 years before the application) are broken dates.
OLDEST_BUREAU_DAYS = -36_500
BUREAU_BROKEN_DAYS: tuple[str, ...] = ("DAYS_CREDIT_ENDDATE", "DAYS_ENDDATE_FACT", "DAYS_CREDIT_UPDATE")

#: bureau_balance STATUS levels of a month with days past due (1-30 days ... over 120 days or written off).
DPD_STATUSES: tuple[str, ...] = ("1", "2", "3", "4", "5")
#: bureau_balance STATUS levels of a month more than 30 days past due.
DPD30_STATUSES: tuple[str, ...] = ("2", "3", "4", "5")
#: bureau_balance STATUS for "status unknown" (no report that month).
UNKNOWN_STATUS = "X"


def is_days_sentinel(column: str) -> pl.Expr:
    """True where a DAYS_* column holds the 365243 sentinel (null stays null)."""
    import polars as pl

    return pl.col(column) == DAYS_SENTINEL


def without_days_sentinel(column: str) -> pl.Expr:
    """The DAYS_* column with the 365243 sentinel turned into a missing value, keeping its name."""
    import polars as pl

    return pl.when(is_days_sentinel(column)).then(None).otherwise(pl.col(column)).alias(column)


def not_employed_flag() -> pl.Expr:
    """1.0 for applicants with no current employment (the DAYS_EMPLOYED sentinel), 0.0 otherwise."""
    import polars as pl

    return is_days_sentinel("DAYS_EMPLOYED").cast(pl.Float32)


def without_broken_bureau_days(column: str) -> pl.Expr:
    """A bureau DAYS_* column with the impossible ~-42,000 day values turned into missing values."""
    import polars as pl

    return pl.when(pl.col(column) < OLDEST_BUREAU_DAYS).then(None).otherwise(pl.col(column)).alias(column)


def is_missing_level(column: str, level: str) -> bool:
    """Whether a text level of a column stands for a missing value (XNA, XAP, or a column's own spelling)."""
    return level in NOT_AVAILABLE_CODES or level in COLUMN_MISSING_LEVELS.get(column, frozenset())


def missing_level_codes(column: str, levels: tuple[str, ...]) -> list[int]:
    """Positions in ``levels`` of the levels of ``column`` that mean "missing"."""
    return [code for code, level in enumerate(levels) if is_missing_level(column, level)]
