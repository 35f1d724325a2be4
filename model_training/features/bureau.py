"""Credit bureau features: other institutions' credits (bureau) and their monthly status (bureau_balance).

bureau_balance is first reduced to one row per credit (SK_ID_BUREAU), then those per-credit figures are
aggregated per client with the bureau rows: a client with a long history of one credit does not outweigh a
client with several short ones.
"""

from __future__ import annotations

import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from model_training import quirks
from model_training.features.expressions import (
    aggregate_by,
    aggregate_by_client,
    condition_count,
    condition_share,
    is_any_of,
    ratio,
    require_columns,
    row_count,
    stats,
    total_ratio,
    where,
)
from model_training.schema import CLIENT_ID

CREDIT_ID = "SK_ID_BUREAU"

BUREAU_COLUMNS: tuple[str, ...] = (
    CLIENT_ID,
    CREDIT_ID,
    "CREDIT_ACTIVE",
    "DAYS_CREDIT",
    "CREDIT_DAY_OVERDUE",
    "DAYS_CREDIT_ENDDATE",
    "DAYS_ENDDATE_FACT",
    "AMT_CREDIT_MAX_OVERDUE",
    "CNT_CREDIT_PROLONG",
    "AMT_CREDIT_SUM",
    "AMT_CREDIT_SUM_DEBT",
    "AMT_CREDIT_SUM_LIMIT",
    "AMT_CREDIT_SUM_OVERDUE",
    "CREDIT_TYPE",
    "DAYS_CREDIT_UPDATE",
    "AMT_ANNUITY",
)
BUREAU_BALANCE_COLUMNS: tuple[str, ...] = (CREDIT_ID, "MONTHS_BALANCE", "STATUS")

#: CREDIT_TYPE levels worth a share of their own (the others are rare: under 0.5 % of bureau credits).
CREDIT_TYPES: dict[str, str] = {
    "CONSUMER": "Consumer credit",
    "CARD": "Credit card",
    "CAR": "Car loan",
    "MORTGAGE": "Mortgage",
    "MICROLOAN": "Microloan",
}
_RECENT_MONTHS = 12


def bureau_balance_by_credit(bureau_balance: pl.DataFrame) -> pl.DataFrame:
    """One row per SK_ID_BUREAU: months reported, with days past due, with status unknown; worst status."""
    require_columns(bureau_balance, "bureau_balance", BUREAU_BALANCE_COLUMNS)
    status = pl.col("STATUS")
    dpd = is_any_of("STATUS", quirks.DPD_STATUSES)
    # the DPD bucket 0..5 of the month; C (closed) and X (unknown) months have none
    bucket: Then | ChainedThen = pl.when(status == "0").then(0)
    for level in quirks.DPD_STATUSES:
        bucket = bucket.when(status == level).then(int(level))
    recent = pl.col("MONTHS_BALANCE") >= -_RECENT_MONTHS
    return aggregate_by(
        bureau_balance,
        CREDIT_ID,
        [
            pl.len().alias("MONTHS"),
            dpd.fill_null(False).sum().alias("DPD_MONTHS"),
            is_any_of("STATUS", quirks.DPD30_STATUSES).fill_null(False).sum().alias("DPD30_MONTHS"),
            (recent & dpd).fill_null(False).sum().alias("LAST_12M_DPD_MONTHS"),
            (status == quirks.UNKNOWN_STATUS).fill_null(False).sum().alias("UNKNOWN_MONTHS"),
            bucket.max().alias("WORST_STATUS"),
            pl.col("MONTHS_BALANCE").min().alias("MONTHS_BALANCE_MIN"),
        ],
    )


def _bureau_balance_aggregates(by_credit: pl.DataFrame, credit_owner: pl.DataFrame) -> pl.DataFrame:
    prefix = "BUREAU_BAL"
    credits = credit_owner.join(by_credit, on=CREDIT_ID, how="inner")
    dpd_share = ratio("DPD_MONTHS", "MONTHS")
    return aggregate_by_client(
        credits,
        [
            row_count(prefix),
            *stats(f"{prefix}_MONTHS", "MONTHS", "SUM", "MEAN", "MAX"),
            *stats(f"{prefix}_DPD_MONTHS", "DPD_MONTHS", "SUM", "MAX"),
            *stats(f"{prefix}_DPD_SHARE", dpd_share, "MEAN", "MAX"),
            total_ratio(f"{prefix}_DPD_SHARE", "DPD_MONTHS", "MONTHS"),
            *stats(f"{prefix}_DPD30_MONTHS", "DPD30_MONTHS", "SUM"),
            *stats(f"{prefix}_LAST_12M_DPD_MONTHS", "LAST_12M_DPD_MONTHS", "SUM"),
            *stats(f"{prefix}_UNKNOWN_SHARE", ratio("UNKNOWN_MONTHS", "MONTHS"), "MEAN"),
            *stats(f"{prefix}_WORST_STATUS", "WORST_STATUS", "MAX", "MEAN"),
            *stats(f"{prefix}_MONTHS_BALANCE", "MONTHS_BALANCE_MIN", "MIN"),
        ],
    )


def _bureau_aggregates(bureau: pl.DataFrame) -> pl.DataFrame:
    active = pl.col("CREDIT_ACTIVE") == "Active"
    closed = pl.col("CREDIT_ACTIVE") == "Closed"
    derived = {
        "DEBT_CREDIT_RATIO": ratio("AMT_CREDIT_SUM_DEBT", "AMT_CREDIT_SUM"),
        "CREDIT_DURATION": pl.col("DAYS_CREDIT_ENDDATE") - pl.col("DAYS_CREDIT"),
        # negative: closed before the planned end date; positive: closed late
        "ENDDATE_GAP": pl.col("DAYS_ENDDATE_FACT") - pl.col("DAYS_CREDIT_ENDDATE"),
    }
    debt_ratio, duration, enddate_gap = (pl.col(name) for name in derived)
    overdue = (pl.col("AMT_CREDIT_SUM_OVERDUE") > 0) | (pl.col("CREDIT_DAY_OVERDUE") > 0)

    def on_active(column: str | pl.Expr) -> pl.Expr:
        return where(active, column)

    def on_closed(column: str | pl.Expr) -> pl.Expr:
        return where(closed, column)

    return aggregate_by_client(
        bureau,
        [
            row_count("BUREAU"),
            *stats("BUREAU_DAYS_CREDIT", "DAYS_CREDIT", "MIN", "MAX", "MEAN"),
            *stats("BUREAU_DAYS_CREDIT_ENDDATE", "DAYS_CREDIT_ENDDATE", "MAX", "MEAN"),
            *stats("BUREAU_DAYS_CREDIT_UPDATE", "DAYS_CREDIT_UPDATE", "MAX", "MEAN"),
            *stats("BUREAU_CREDIT_DAY_OVERDUE", "CREDIT_DAY_OVERDUE", "MAX", "MEAN"),
            *stats("BUREAU_AMT_CREDIT_MAX_OVERDUE", "AMT_CREDIT_MAX_OVERDUE", "MAX", "MEAN"),
            *stats("BUREAU_CNT_CREDIT_PROLONG", "CNT_CREDIT_PROLONG", "SUM"),
            *stats("BUREAU_AMT_CREDIT_SUM", "AMT_CREDIT_SUM", "SUM", "MEAN", "MAX"),
            *stats("BUREAU_AMT_CREDIT_SUM_DEBT", "AMT_CREDIT_SUM_DEBT", "SUM", "MEAN", "MAX"),
            *stats("BUREAU_AMT_CREDIT_SUM_OVERDUE", "AMT_CREDIT_SUM_OVERDUE", "SUM", "MAX"),
            *stats("BUREAU_AMT_CREDIT_SUM_LIMIT", "AMT_CREDIT_SUM_LIMIT", "SUM", "MEAN"),
            *stats("BUREAU_AMT_ANNUITY", "AMT_ANNUITY", "SUM", "MEAN", "MAX"),
            *stats("BUREAU_DEBT_CREDIT_RATIO", debt_ratio, "MEAN", "MAX"),
            total_ratio("BUREAU_DEBT_CREDIT_RATIO", "AMT_CREDIT_SUM_DEBT", "AMT_CREDIT_SUM"),
            *stats("BUREAU_CREDIT_DURATION", duration, "MEAN", "MAX"),
            condition_count("BUREAU_OVERDUE", overdue),
            condition_share("BUREAU_OVERDUE", overdue),
            condition_share("BUREAU_ACTIVE", active),
            condition_count("BUREAU_SOLD_OR_BAD_DEBT", is_any_of("CREDIT_ACTIVE", ("Sold", "Bad debt"))),
            *(
                condition_share(f"BUREAU_CREDIT_TYPE_{name}", pl.col("CREDIT_TYPE") == level)
                for name, level in CREDIT_TYPES.items()
            ),
            condition_count("BUREAU_ACTIVE", active),
            *stats("BUREAU_ACTIVE_AMT_CREDIT_SUM", on_active("AMT_CREDIT_SUM"), "SUM", "MEAN", "MAX"),
            *stats(
                "BUREAU_ACTIVE_AMT_CREDIT_SUM_DEBT", on_active("AMT_CREDIT_SUM_DEBT"), "SUM", "MEAN", "MAX"
            ),
            *stats("BUREAU_ACTIVE_AMT_CREDIT_SUM_OVERDUE", on_active("AMT_CREDIT_SUM_OVERDUE"), "SUM"),
            *stats("BUREAU_ACTIVE_AMT_CREDIT_SUM_LIMIT", on_active("AMT_CREDIT_SUM_LIMIT"), "SUM"),
            *stats("BUREAU_ACTIVE_AMT_ANNUITY", on_active("AMT_ANNUITY"), "SUM"),
            *stats("BUREAU_ACTIVE_DEBT_CREDIT_RATIO", on_active(debt_ratio), "MEAN", "MAX"),
            total_ratio(
                "BUREAU_ACTIVE_DEBT_CREDIT_RATIO",
                on_active("AMT_CREDIT_SUM_DEBT"),
                on_active("AMT_CREDIT_SUM"),
            ),
            *stats("BUREAU_ACTIVE_DAYS_CREDIT", on_active("DAYS_CREDIT"), "MIN", "MAX", "MEAN"),
            *stats("BUREAU_ACTIVE_DAYS_CREDIT_ENDDATE", on_active("DAYS_CREDIT_ENDDATE"), "MAX", "MEAN"),
            *stats("BUREAU_ACTIVE_DAYS_CREDIT_UPDATE", on_active("DAYS_CREDIT_UPDATE"), "MEAN"),
            *stats("BUREAU_ACTIVE_CREDIT_DAY_OVERDUE", on_active("CREDIT_DAY_OVERDUE"), "MAX"),
            *stats("BUREAU_ACTIVE_AMT_CREDIT_MAX_OVERDUE", on_active("AMT_CREDIT_MAX_OVERDUE"), "MAX"),
            condition_count("BUREAU_CLOSED", closed),
            *stats("BUREAU_CLOSED_AMT_CREDIT_SUM", on_closed("AMT_CREDIT_SUM"), "SUM", "MEAN", "MAX"),
            *stats("BUREAU_CLOSED_DAYS_CREDIT", on_closed("DAYS_CREDIT"), "MAX", "MEAN"),
            *stats("BUREAU_CLOSED_DAYS_ENDDATE_FACT", on_closed("DAYS_ENDDATE_FACT"), "MAX", "MEAN"),
            *stats("BUREAU_CLOSED_ENDDATE_GAP", on_closed(enddate_gap), "MEAN"),
            *stats("BUREAU_CLOSED_CREDIT_DURATION", on_closed(duration), "MEAN"),
            *stats(
                "BUREAU_CLOSED_AMT_CREDIT_MAX_OVERDUE", on_closed("AMT_CREDIT_MAX_OVERDUE"), "MAX", "MEAN"
            ),
        ],
        derived,
    )


def bureau_client_features(bureau: pl.DataFrame, balance_by_credit: pl.DataFrame) -> pl.DataFrame:
    """Bureau features per client from the bureau rows and ``bureau_balance_by_credit``'s per-credit rows."""
    require_columns(bureau, "bureau", BUREAU_COLUMNS)
    bureau = bureau.with_columns(quirks.without_broken_bureau_days(c) for c in quirks.BUREAU_BROKEN_DAYS)
    by_client = _bureau_aggregates(bureau)
    balance = _bureau_balance_aggregates(balance_by_credit, bureau.select(CLIENT_ID, CREDIT_ID))
    return by_client.join(balance, on=CLIENT_ID, how="left", maintain_order="left")


def bureau_features(bureau: pl.DataFrame, bureau_balance: pl.DataFrame) -> pl.DataFrame:
    """One row per client with bureau credits: BUREAU_* and BUREAU_BAL_* features (Float32).

    BUREAU_BAL_* features are missing for clients none of whose credits has monthly status rows.
    """
    return bureau_client_features(bureau, bureau_balance_by_credit(bureau_balance))
