"""Features of the repayment history of previous Home Credit loans (installments_payments).

A row is one payment (an instalment paid in several parts has several rows with the same due amount), and
the ratios below are taken per row as in the classic Kaggle recipe: grouping payments back into instalments
first would cost a second group-by over 13.6 million rows for little gain.
"""

from __future__ import annotations

import polars as pl

from model_training.features.expressions import (
    aggregate_by_client,
    condition_count,
    condition_share,
    ratio,
    require_columns,
    row_count,
    stats,
    total_ratio,
    where,
)
from model_training.schema import CLIENT_ID

INSTALLMENTS_COLUMNS: tuple[str, ...] = (
    "SK_ID_PREV",
    CLIENT_ID,
    "NUM_INSTALMENT_NUMBER",
    "DAYS_INSTALMENT",
    "DAYS_ENTRY_PAYMENT",
    "AMT_INSTALMENT",
    "AMT_PAYMENT",
)
_RECENT_DAYS = 365


def installments_features(inst: pl.DataFrame) -> pl.DataFrame:
    """One row per client with instalment payments: INST_* features (Float32).

    DPD (days past due) and DBD (days before due) are 0 for a payment on the other side of the due date and
    missing for an instalment not paid (DAYS_ENTRY_PAYMENT missing), which is counted as INST_UNPAID.
    """
    require_columns(inst, "installments_payments", INSTALLMENTS_COLUMNS)
    paid_on, due_on = pl.col("DAYS_ENTRY_PAYMENT").cast(pl.Float64), pl.col("DAYS_INSTALMENT")
    due, paid = pl.col("AMT_INSTALMENT").cast(pl.Float64), pl.col("AMT_PAYMENT")
    derived = {
        "DPD": (paid_on - due_on).clip(lower_bound=0),
        "DBD": (due_on - paid_on).clip(lower_bound=0),
        "PAYMENT_RATIO": ratio(paid, due),
        "PAYMENT_DIFF": due - paid,
    }
    dpd, late = pl.col("DPD"), pl.col("DPD") > 0
    recent = pl.col("DAYS_INSTALMENT") >= -_RECENT_DAYS

    def in_recent(column: str | pl.Expr) -> pl.Expr:
        return where(recent, column)

    aggregations = [
        row_count("INST"),
        pl.col("SK_ID_PREV").n_unique().alias("INST_LOAN_COUNT"),
        *stats("INST_NUM_INSTALMENT_NUMBER", "NUM_INSTALMENT_NUMBER", "MAX"),
        *stats("INST_DPD", dpd, "MAX", "MEAN", "SUM"),
        *stats("INST_DBD", "DBD", "MAX", "MEAN", "SUM"),
        condition_count("INST_LATE", late),
        condition_share("INST_LATE", late, of_known=True),
        condition_share("INST_LATE_30D", dpd > 30, of_known=True),
        *stats("INST_PAYMENT_RATIO", "PAYMENT_RATIO", "MEAN", "MIN", "STD"),
        total_ratio("INST_PAYMENT_RATIO", "AMT_PAYMENT", "AMT_INSTALMENT"),
        *stats("INST_PAYMENT_DIFF", "PAYMENT_DIFF", "MEAN", "MAX", "SUM"),
        condition_share("INST_UNDERPAID", pl.col("PAYMENT_DIFF") > 0, of_known=True),
        *stats("INST_AMT_INSTALMENT", "AMT_INSTALMENT", "SUM", "MEAN", "MAX"),
        *stats("INST_AMT_PAYMENT", "AMT_PAYMENT", "SUM", "MEAN", "MIN", "MAX"),
        *stats("INST_DAYS_ENTRY_PAYMENT", "DAYS_ENTRY_PAYMENT", "MAX", "MEAN"),
        condition_count("INST_UNPAID", pl.col("DAYS_ENTRY_PAYMENT").is_null()),
        condition_count("INST_LAST_365D", recent),
        *stats("INST_LAST_365D_DPD", in_recent(dpd), "MAX", "MEAN"),
        condition_share("INST_LAST_365D_LATE", in_recent(late), of_known=True),
        *stats("INST_LAST_365D_PAYMENT_RATIO", in_recent("PAYMENT_RATIO"), "MEAN", "MIN"),
        *stats("INST_LAST_365D_PAYMENT_DIFF", in_recent("PAYMENT_DIFF"), "MEAN"),
    ]
    return aggregate_by_client(inst, aggregations, derived)
