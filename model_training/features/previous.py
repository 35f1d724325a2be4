"""Features of the client's previous applications at Home Credit (previous_application)."""

from __future__ import annotations

import polars as pl

from model_training import quirks
from model_training.features.expressions import (
    aggregate_by_client,
    condition_count,
    condition_share,
    is_any_of,
    ratio,
    require_columns,
    row_count,
    stats,
    where,
)
from model_training.schema import CLIENT_ID

PREVIOUS_COLUMNS: tuple[str, ...] = (
    CLIENT_ID,
    "NAME_CONTRACT_TYPE",
    "AMT_ANNUITY",
    "AMT_APPLICATION",
    "AMT_CREDIT",
    "AMT_DOWN_PAYMENT",
    "AMT_GOODS_PRICE",
    "RATE_DOWN_PAYMENT",
    "NAME_CONTRACT_STATUS",
    "DAYS_DECISION",
    "CODE_REJECT_REASON",
    "NAME_CLIENT_TYPE",
    "NAME_PRODUCT_TYPE",
    "CNT_PAYMENT",
    "NAME_YIELD_GROUP",
    *quirks.PREVIOUS_SENTINEL_DAYS,
    "NFLAG_INSURED_ON_APPROVAL",
)

#: NAME_CONTRACT_STATUS levels → the SUBSET word of their features.
STATUSES: dict[str, str] = {
    "APPROVED": "Approved",
    "REFUSED": "Refused",
    "CANCELED": "Canceled",
    "UNUSED_OFFER": "Unused offer",
}
#: NAME_CONTRACT_TYPE levels → the QUANTITY word of their shares.
CONTRACT_TYPES: dict[str, str] = {
    "CASH_LOAN": "Cash loans",
    "CONSUMER_LOAN": "Consumer loans",
    "REVOLVING_LOAN": "Revolving loans",
}
#: CODE_REJECT_REASON groups (the others are rare, and XAP on every application that was not refused).
REJECT_REASONS: dict[str, tuple[str, ...]] = {"HC": ("HC",), "LIMIT": ("LIMIT",), "SCO": ("SCO", "SCOFR")}
_RECENT_DAYS = 365


def _per_application(prev: pl.DataFrame) -> pl.DataFrame:
    """The sentinel days as missing, plus the ongoing-credit flag that the sentinel itself carries."""
    approved = pl.col("NAME_CONTRACT_STATUS") == "Approved"
    # an approved credit whose last due date is the sentinel has not reached its end yet
    ongoing = (approved & quirks.is_days_sentinel("DAYS_LAST_DUE")).fill_null(False)
    return prev.with_columns(
        ongoing.alias("_ONGOING"),
        *(quirks.without_days_sentinel(c) for c in quirks.PREVIOUS_SENTINEL_DAYS),
    )


def previous_application_features(prev: pl.DataFrame) -> pl.DataFrame:
    """One row per client with previous applications: PREV_* features (Float32)."""
    require_columns(prev, "previous_application", PREVIOUS_COLUMNS)
    status = pl.col("NAME_CONTRACT_STATUS")
    approved, refused = status == "Approved", status == "Refused"
    ongoing = pl.col("_ONGOING")
    recent = pl.col("DAYS_DECISION") >= -_RECENT_DAYS
    derived = {
        "APPLICATION_CREDIT_RATIO": ratio("AMT_APPLICATION", "AMT_CREDIT"),
        "PAYMENT_RATE": ratio("AMT_ANNUITY", "AMT_CREDIT"),
        # what the client repays in total per unit of credit: the price of the credit
        "TOTAL_REPAYMENT_RATIO": ratio(
            pl.col("AMT_ANNUITY").cast(pl.Float64) * pl.col("CNT_PAYMENT"), "AMT_CREDIT"
        ),
        # negative: the credit ended before its first planned last due date (repaid early)
        "LAST_DUE_GAP": pl.col("DAYS_LAST_DUE") - pl.col("DAYS_LAST_DUE_1ST_VERSION"),
    }
    application_credit, payment_rate, total_repayment, last_due_gap = (pl.col(name) for name in derived)

    def on_approved(column: str | pl.Expr) -> pl.Expr:
        return where(approved, column)

    def on_refused(column: str | pl.Expr) -> pl.Expr:
        return where(refused, column)

    aggregations = [
        row_count("PREV"),
        *stats("PREV_AMT_ANNUITY", "AMT_ANNUITY", "MEAN", "MAX"),
        *stats("PREV_AMT_APPLICATION", "AMT_APPLICATION", "MEAN", "MAX"),
        *stats("PREV_AMT_CREDIT", "AMT_CREDIT", "MEAN", "MAX", "SUM"),
        *stats("PREV_APPLICATION_CREDIT_RATIO", application_credit, "MEAN", "MIN", "MAX"),
        *stats("PREV_AMT_DOWN_PAYMENT", "AMT_DOWN_PAYMENT", "MEAN", "MAX"),
        *stats("PREV_RATE_DOWN_PAYMENT", "RATE_DOWN_PAYMENT", "MEAN", "MAX"),
        *stats("PREV_AMT_GOODS_PRICE", "AMT_GOODS_PRICE", "MEAN"),
        *stats("PREV_CNT_PAYMENT", "CNT_PAYMENT", "MEAN", "SUM"),
        *stats("PREV_DAYS_DECISION", "DAYS_DECISION", "MAX", "MIN", "MEAN"),
        *stats("PREV_PAYMENT_RATE", payment_rate, "MEAN", "MAX"),
        *stats("PREV_TOTAL_REPAYMENT_RATIO", total_repayment, "MEAN", "MAX"),
        *stats("PREV_NFLAG_INSURED_ON_APPROVAL", "NFLAG_INSURED_ON_APPROVAL", "MEAN"),
        *(condition_count(f"PREV_{name}", status == level) for name, level in STATUSES.items()),
        *(condition_share(f"PREV_{name}", status == level) for name, level in STATUSES.items()),
        *(
            condition_share(f"PREV_{name}", pl.col("NAME_CONTRACT_TYPE") == level)
            for name, level in CONTRACT_TYPES.items()
        ),
        condition_share("PREV_YIELD_HIGH", pl.col("NAME_YIELD_GROUP") == "high"),
        condition_share("PREV_YIELD_LOW", is_any_of("NAME_YIELD_GROUP", ("low_action", "low_normal"))),
        condition_share("PREV_NEW_CLIENT", pl.col("NAME_CLIENT_TYPE") == "New"),
        condition_share("PREV_X_SELL", pl.col("NAME_PRODUCT_TYPE") == "x-sell"),
        condition_share("PREV_WALK_IN", pl.col("NAME_PRODUCT_TYPE") == "walk-in"),
        *(
            condition_count(f"PREV_REJECT_{name}", is_any_of("CODE_REJECT_REASON", codes))
            for name, codes in REJECT_REASONS.items()
        ),
        condition_count("PREV_LAST_365D", recent),
        condition_count("PREV_LAST_365D_REFUSED", recent & refused),
        *stats("PREV_APPROVED_AMT_CREDIT", on_approved("AMT_CREDIT"), "MEAN", "MAX", "SUM"),
        *stats("PREV_APPROVED_AMT_ANNUITY", on_approved("AMT_ANNUITY"), "MEAN", "MAX"),
        *stats("PREV_APPROVED_AMT_DOWN_PAYMENT", on_approved("AMT_DOWN_PAYMENT"), "MEAN"),
        *stats("PREV_APPROVED_APPLICATION_CREDIT_RATIO", on_approved(application_credit), "MEAN", "MIN"),
        *stats("PREV_APPROVED_CNT_PAYMENT", on_approved("CNT_PAYMENT"), "MEAN"),
        *stats("PREV_APPROVED_PAYMENT_RATE", on_approved(payment_rate), "MEAN"),
        *stats("PREV_APPROVED_TOTAL_REPAYMENT_RATIO", on_approved(total_repayment), "MEAN"),
        *stats("PREV_APPROVED_DAYS_DECISION", on_approved("DAYS_DECISION"), "MAX", "MEAN"),
        *stats("PREV_APPROVED_DAYS_FIRST_DUE", on_approved("DAYS_FIRST_DUE"), "MIN"),
        *stats(
            "PREV_APPROVED_DAYS_LAST_DUE_1ST_VERSION", on_approved("DAYS_LAST_DUE_1ST_VERSION"), "MAX", "MEAN"
        ),
        *stats("PREV_APPROVED_DAYS_LAST_DUE", on_approved("DAYS_LAST_DUE"), "MAX"),
        *stats("PREV_APPROVED_DAYS_TERMINATION", on_approved("DAYS_TERMINATION"), "MAX"),
        *stats("PREV_APPROVED_LAST_DUE_GAP", on_approved(last_due_gap), "MEAN"),
        *stats("PREV_REFUSED_AMT_APPLICATION", on_refused("AMT_APPLICATION"), "MEAN", "MAX"),
        *stats("PREV_REFUSED_AMT_CREDIT", on_refused("AMT_CREDIT"), "MEAN"),
        *stats("PREV_REFUSED_APPLICATION_CREDIT_RATIO", on_refused(application_credit), "MEAN"),
        *stats("PREV_REFUSED_CNT_PAYMENT", on_refused("CNT_PAYMENT"), "MEAN"),
        *stats("PREV_REFUSED_DAYS_DECISION", on_refused("DAYS_DECISION"), "MAX", "MEAN"),
        condition_count("PREV_ONGOING", ongoing),
        *stats("PREV_ONGOING_AMT_ANNUITY", where(ongoing, "AMT_ANNUITY"), "SUM"),
        *stats("PREV_ONGOING_AMT_CREDIT", where(ongoing, "AMT_CREDIT"), "SUM"),
    ]
    return aggregate_by_client(_per_application(prev), aggregations, derived)
