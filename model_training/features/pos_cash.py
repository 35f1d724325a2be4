"""Features of the monthly balances of previous point-of-sale and cash loans (POS_CASH_balance)."""

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

POS_CASH_COLUMNS: tuple[str, ...] = (
    "SK_ID_PREV",
    CLIENT_ID,
    "MONTHS_BALANCE",
    "CNT_INSTALMENT",
    "CNT_INSTALMENT_FUTURE",
    "NAME_CONTRACT_STATUS",
    "SK_DPD",
    "SK_DPD_DEF",
)
_RECENT_MONTHS = 12


def pos_cash_features(pos: pl.DataFrame) -> pl.DataFrame:
    """One row per client with POS/cash loan months: POS_* features (Float32)."""
    require_columns(pos, "POS_CASH_balance", POS_CASH_COLUMNS)
    recent = pl.col("MONTHS_BALANCE") >= -_RECENT_MONTHS
    late = pl.col("SK_DPD") > 0
    late_def = pl.col("SK_DPD_DEF") > 0
    # share of the instalments still to pay: near 1 for a fresh loan, 0 once repaid
    derived = {"REMAINING_RATIO": ratio("CNT_INSTALMENT_FUTURE", "CNT_INSTALMENT")}
    remaining = pl.col("REMAINING_RATIO")
    return aggregate_by_client(
        pos,
        [
            row_count("POS"),
            pl.col("SK_ID_PREV").n_unique().alias("POS_LOAN_COUNT"),
            *stats("POS_MONTHS_BALANCE", "MONTHS_BALANCE", "MIN", "MAX"),
            *stats("POS_SK_DPD", "SK_DPD", "MAX", "MEAN"),
            *stats("POS_SK_DPD_DEF", "SK_DPD_DEF", "MAX", "MEAN"),
            condition_share("POS_DPD", late, of_known=True),
            condition_share("POS_DPD_DEF", late_def, of_known=True),
            *stats("POS_CNT_INSTALMENT", "CNT_INSTALMENT", "MEAN", "MAX"),
            *stats("POS_CNT_INSTALMENT_FUTURE", "CNT_INSTALMENT_FUTURE", "MEAN"),
            *stats("POS_REMAINING_RATIO", remaining, "MEAN"),
            condition_share("POS_COMPLETED", pl.col("NAME_CONTRACT_STATUS") == "Completed"),
            condition_count("POS_LAST_12M", recent),
            *stats("POS_LAST_12M_SK_DPD", where(recent, "SK_DPD"), "MAX", "MEAN"),
            *stats("POS_LAST_12M_REMAINING_RATIO", where(recent, remaining), "MEAN"),
        ],
        derived,
    )
