"""Features of the monthly balances of previous Home Credit credit cards (credit_card_balance)."""

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
    where,
)
from model_training.schema import CLIENT_ID

CREDIT_CARD_COLUMNS: tuple[str, ...] = (
    "SK_ID_PREV",
    CLIENT_ID,
    "MONTHS_BALANCE",
    "AMT_BALANCE",
    "AMT_CREDIT_LIMIT_ACTUAL",
    "AMT_DRAWINGS_ATM_CURRENT",
    "AMT_DRAWINGS_CURRENT",
    "AMT_DRAWINGS_POS_CURRENT",
    "AMT_INST_MIN_REGULARITY",
    "AMT_PAYMENT_TOTAL_CURRENT",
    "AMT_RECEIVABLE_PRINCIPAL",
    "CNT_DRAWINGS_ATM_CURRENT",
    "CNT_DRAWINGS_CURRENT",
    "CNT_INSTALMENT_MATURE_CUM",
    "SK_DPD",
    "SK_DPD_DEF",
)
_RECENT_MONTHS = 12


def credit_card_features(cc: pl.DataFrame) -> pl.DataFrame:
    """One row per client with credit card months: CC_* features (Float32).

    AMT_RECIVABLE and AMT_TOTAL_RECEIVABLE are left out: they repeat AMT_BALANCE almost exactly.
    """
    require_columns(cc, "credit_card_balance", CREDIT_CARD_COLUMNS)
    recent = pl.col("MONTHS_BALANCE") >= -_RECENT_MONTHS
    derived = {
        "UTILISATION": ratio("AMT_BALANCE", "AMT_CREDIT_LIMIT_ACTUAL"),
        # paid this month / minimum instalment asked: below 1 means the minimum was not met
        "PAYMENT_MIN_RATIO": ratio("AMT_PAYMENT_TOTAL_CURRENT", "AMT_INST_MIN_REGULARITY"),
    }
    utilisation, payment_min = pl.col("UTILISATION"), pl.col("PAYMENT_MIN_RATIO")
    late = pl.col("SK_DPD") > 0

    def in_recent(values: str | pl.Expr) -> pl.Expr:
        return where(recent, values)

    return aggregate_by_client(
        cc,
        [
            row_count("CC"),
            pl.col("SK_ID_PREV").n_unique().alias("CC_LOAN_COUNT"),
            *stats("CC_MONTHS_BALANCE", "MONTHS_BALANCE", "MIN"),
            *stats("CC_AMT_BALANCE", "AMT_BALANCE", "MEAN", "MAX"),
            *stats("CC_AMT_CREDIT_LIMIT_ACTUAL", "AMT_CREDIT_LIMIT_ACTUAL", "MEAN", "MAX"),
            *stats("CC_UTILISATION", utilisation, "MEAN", "MAX"),
            *stats("CC_AMT_DRAWINGS_CURRENT", "AMT_DRAWINGS_CURRENT", "MEAN", "MAX", "SUM"),
            *stats("CC_AMT_DRAWINGS_ATM_CURRENT", "AMT_DRAWINGS_ATM_CURRENT", "MEAN", "MAX"),
            *stats("CC_AMT_DRAWINGS_POS_CURRENT", "AMT_DRAWINGS_POS_CURRENT", "MEAN"),
            *stats("CC_CNT_DRAWINGS_CURRENT", "CNT_DRAWINGS_CURRENT", "MEAN", "MAX"),
            *stats("CC_CNT_DRAWINGS_ATM_CURRENT", "CNT_DRAWINGS_ATM_CURRENT", "MEAN"),
            *stats("CC_AMT_PAYMENT_TOTAL_CURRENT", "AMT_PAYMENT_TOTAL_CURRENT", "MEAN", "SUM"),
            *stats("CC_AMT_INST_MIN_REGULARITY", "AMT_INST_MIN_REGULARITY", "MEAN"),
            *stats("CC_PAYMENT_MIN_RATIO", payment_min, "MEAN", "MIN"),
            condition_share("CC_BELOW_MIN_PAYMENT", payment_min < 1, of_known=True),
            *stats("CC_AMT_RECEIVABLE_PRINCIPAL", "AMT_RECEIVABLE_PRINCIPAL", "MEAN"),
            *stats("CC_CNT_INSTALMENT_MATURE_CUM", "CNT_INSTALMENT_MATURE_CUM", "MAX"),
            *stats("CC_SK_DPD", "SK_DPD", "MAX", "MEAN"),
            *stats("CC_SK_DPD_DEF", "SK_DPD_DEF", "MAX", "MEAN"),
            condition_share("CC_DPD", late, of_known=True),
            condition_count("CC_LAST_12M", recent),
            *stats("CC_LAST_12M_UTILISATION", in_recent(utilisation), "MEAN", "MAX"),
            *stats("CC_LAST_12M_AMT_BALANCE", in_recent("AMT_BALANCE"), "MEAN"),
            *stats("CC_LAST_12M_AMT_DRAWINGS_CURRENT", in_recent("AMT_DRAWINGS_CURRENT"), "MEAN"),
            condition_share("CC_LAST_12M_DPD", in_recent(late), of_known=True),
        ],
        derived,
    )
