"""Features: each table function on tiny hand-built tables with answers worked out by hand, then the build.

Frames are typed exactly as the loader types them (`data.typed_frame`), so the functions see the dtypes they
meet in training and in serving.
"""

import os
import re
from pathlib import Path

import polars as pl
import pytest

from model_training.data import typed_frame
from model_training.errors import InputError
from model_training.features import (
    CATEGORICAL_FEATURES,
    FeatureTables,
    application_columns,
    application_features,
    build_features,
    bureau_balance_by_credit,
    bureau_features,
    credit_card_features,
    feature_matrix,
    installments_features,
    pos_cash_features,
    previous_application_features,
    read_feature_table,
    write_feature_table,
)
from model_training.schema import TABLES

SAFE_NAME = re.compile(r"^[A-Z0-9_]+$")
SIDE_PREFIXES = ("BUREAU_", "PREV_", "POS_", "INST_", "CC_")
STATS = ("COUNT", "SHARE", "SUM", "MEAN", "MIN", "MAX", "STD", "TOTAL")


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-6, abs=1e-9)


def by_client(features: pl.DataFrame) -> dict[int, dict[str, object]]:
    return {row["SK_ID_CURR"]: row for row in features.iter_rows(named=True)}


def assert_float32_features(features: pl.DataFrame) -> None:
    assert features.schema["SK_ID_CURR"] == pl.Int32
    assert all(dtype == pl.Float32 for name, dtype in features.schema.items() if name != "SK_ID_CURR")
    assert features.get_column("SK_ID_CURR").is_unique().all()


# ------------------------------------------------------------------------------------------ application

WORKER = {
    "SK_ID_CURR": 1,
    "NAME_CONTRACT_TYPE": "Revolving loans",
    "CODE_GENDER": "M",
    "FLAG_OWN_CAR": "Y",
    "FLAG_OWN_REALTY": "N",
    "EMERGENCYSTATE_MODE": "Yes",
    "ORGANIZATION_TYPE": "Bank",
    "NAME_FAMILY_STATUS": "Married",
    "AMT_INCOME_TOTAL": 100_000.0,
    "AMT_CREDIT": 200_000.0,
    "AMT_ANNUITY": 10_000.0,
    "AMT_GOODS_PRICE": 180_000.0,
    "CNT_CHILDREN": 1,
    "CNT_FAM_MEMBERS": 2.0,
    "DAYS_BIRTH": -14_610,  # 40 years of 365.25 days
    "DAYS_EMPLOYED": -7_305,  # 20 years
    "EXT_SOURCE_1": 0.25,
    "EXT_SOURCE_2": 0.5,
    "EXT_SOURCE_3": 0.75,
    "FLAG_DOCUMENT_3": 1,
    "FLAG_DOCUMENT_8": 1,
    "FLAG_DOCUMENT_21": 1,
    "AMT_REQ_CREDIT_BUREAU_HOUR": 1.0,
    "AMT_REQ_CREDIT_BUREAU_YEAR": 2.0,
}
PENSIONER = {
    "SK_ID_CURR": 2,
    "CODE_GENDER": "XNA",
    "ORGANIZATION_TYPE": "XNA",
    "NAME_FAMILY_STATUS": "Unknown",
    "AMT_INCOME_TOTAL": 0.0,
    "AMT_CREDIT": 50_000.0,
    "DAYS_BIRTH": -25_000,
    "DAYS_EMPLOYED": 365_243,
    "EXT_SOURCE_2": 0.5,
}


def applications(*rows: dict, table: str = "application_test") -> pl.DataFrame:
    return typed_frame(table, list(rows))


def test_application_ratios_ages_and_ext_sources():
    row = by_client(application_features(applications(WORKER, PENSIONER)))[1]
    assert row["APP_CREDIT_INCOME_RATIO"] == approx(2.0)
    assert row["APP_ANNUITY_INCOME_RATIO"] == approx(0.1)
    assert row["APP_PAYMENT_RATE"] == approx(0.05)
    assert row["APP_EMPLOYED_AGE_RATIO"] == approx(0.5)
    assert row["APP_INCOME_PER_PERSON"] == approx(50_000.0)
    assert row["APP_GOODS_CREDIT_RATIO"] == approx(0.9)
    assert row["APP_CREDIT_GOODS_DIFF"] == approx(20_000.0)
    assert row["APP_CHILDREN_RATIO"] == approx(0.5)
    assert row["APP_AGE_YEARS"] == approx(40.0)
    assert row["APP_EMPLOYED_YEARS"] == approx(20.0)
    assert row["APP_NOT_EMPLOYED"] == 0.0
    assert row["APP_EXT_SOURCE_MEAN"] == approx(0.5)
    assert row["APP_EXT_SOURCE_MIN"] == approx(0.25)
    assert row["APP_EXT_SOURCE_MAX"] == approx(0.75)
    assert row["APP_EXT_SOURCE_STD"] == approx(0.25)
    assert row["APP_EXT_SOURCE_PROD"] == approx(0.09375)
    assert row["APP_EXT_SOURCE_WEIGHTED"] == approx((2 * 0.25 + 0.5 + 3 * 0.75) / 6)
    assert row["APP_EXT_SOURCE_MISSING_COUNT"] == 0.0
    assert row["APP_DOCUMENT_COUNT"] == 3.0
    assert row["APP_BUREAU_REQUEST_COUNT"] == 3.0
    assert row["AMT_CREDIT"] == 200_000.0  # raw columns kept under their Kaggle name


def test_application_codes_are_schema_level_positions_and_flags_are_0_1():
    row = by_client(application_features(applications(WORKER)))[1]
    assert row["NAME_CONTRACT_TYPE"] == CATEGORICAL_FEATURES["NAME_CONTRACT_TYPE"].index("Revolving loans")
    assert row["ORGANIZATION_TYPE"] == CATEGORICAL_FEATURES["ORGANIZATION_TYPE"].index("Bank")
    assert row["NAME_FAMILY_STATUS"] == CATEGORICAL_FEATURES["NAME_FAMILY_STATUS"].index("Married")
    assert row["NAME_TYPE_SUITE"] is None  # not given
    assert (row["FLAG_OWN_CAR"], row["FLAG_OWN_REALTY"], row["EMERGENCYSTATE_MODE"]) == (1.0, 0.0, 1.0)


def test_application_quirks_become_missing_values():
    row = by_client(application_features(applications(WORKER, PENSIONER)))[2]
    assert row["APP_NOT_EMPLOYED"] == 1.0
    assert row["APP_EMPLOYED_YEARS"] is None
    assert row["APP_EMPLOYED_AGE_RATIO"] is None
    assert row["ORGANIZATION_TYPE"] is None  # XNA
    assert row["NAME_FAMILY_STATUS"] is None  # Unknown
    assert row["APP_CREDIT_INCOME_RATIO"] is None  # income 0: unknown, not infinite
    assert row["APP_PAYMENT_RATE"] is None  # no annuity
    assert row["APP_EXT_SOURCE_MEAN"] == approx(0.5)
    assert row["APP_EXT_SOURCE_WEIGHTED"] == approx(0.5)
    assert row["APP_EXT_SOURCE_STD"] is None
    assert row["APP_EXT_SOURCE_PROD"] is None
    assert row["APP_EXT_SOURCE_MISSING_COUNT"] == 2.0
    assert row["APP_BUREAU_REQUEST_COUNT"] is None  # no figure at all is not 0 requests
    assert row["APP_DOCUMENT_COUNT"] is None


def test_application_text_columns_as_plain_strings_get_the_same_codes():
    typed = applications(WORKER, PENSIONER)
    as_text = typed.with_columns(pl.col(c).cast(pl.String) for c in CATEGORICAL_FEATURES)
    assert application_features(as_text).equals(application_features(typed))
    unknown = as_text.with_columns(pl.lit("Martian").alias("OCCUPATION_TYPE"))
    assert application_features(unknown)["OCCUPATION_TYPE"].null_count() == 2


def test_one_client_gets_the_same_features_alone_as_in_a_batch():
    batch = application_features(applications(WORKER, PENSIONER))
    for position, client in enumerate((WORKER, PENSIONER)):
        alone = application_features(applications(client))
        assert alone.equals(batch.slice(position, 1))


def test_an_empty_application_gives_one_row_of_missing_features():
    empty = application_features(typed_frame("application_test", [{}]))
    assert empty.height == 1
    assert_float32_features(empty.drop_nulls("SK_ID_CURR") if empty["SK_ID_CURR"].null_count() else empty)


def test_application_features_never_read_target():
    labelled = applications({**WORKER, "TARGET": 1}, {**PENSIONER, "TARGET": 0}, table="application_train")
    flipped = labelled.with_columns(pl.Series("TARGET", [0, 1], dtype=pl.Int8))
    features = application_features(labelled)
    assert "TARGET" not in features.columns
    assert features.equals(application_features(flipped))
    assert features.equals(application_features(labelled.drop("TARGET")))


def test_application_features_name_a_missing_column():
    with pytest.raises(InputError, match="EXT_SOURCE_2"):
        application_features(applications(WORKER).drop("EXT_SOURCE_2"))


# ---------------------------------------------------------------------------------------------- bureau

BUREAU = [
    # client 1: an active and a closed credit, both with monthly history
    {
        "SK_ID_CURR": 1,
        "SK_ID_BUREAU": 10,
        "CREDIT_ACTIVE": "Active",
        "CREDIT_TYPE": "Credit card",
        "DAYS_CREDIT": -200,
        "DAYS_CREDIT_ENDDATE": 100.0,
        "AMT_CREDIT_SUM": 100.0,
        "AMT_CREDIT_SUM_DEBT": 50.0,
        "AMT_CREDIT_SUM_OVERDUE": 5.0,
        "CREDIT_DAY_OVERDUE": 3,
    },
    {
        "SK_ID_CURR": 1,
        "SK_ID_BUREAU": 11,
        "CREDIT_ACTIVE": "Closed",
        "CREDIT_TYPE": "Consumer credit",
        "DAYS_CREDIT": -1000,
        "DAYS_CREDIT_ENDDATE": -400.0,
        "DAYS_ENDDATE_FACT": -500.0,
        "AMT_CREDIT_SUM": 300.0,
        "AMT_CREDIT_SUM_DEBT": 0.0,
        "AMT_CREDIT_SUM_OVERDUE": 0.0,
        "CREDIT_DAY_OVERDUE": 0,
    },
    # client 2: one active credit with a broken end date and no monthly history
    {
        "SK_ID_CURR": 2,
        "SK_ID_BUREAU": 20,
        "CREDIT_ACTIVE": "Active",
        "CREDIT_TYPE": "Mortgage",
        "DAYS_CREDIT": -50,
        "DAYS_CREDIT_ENDDATE": -41_875.0,
        "AMT_CREDIT_SUM": 1000.0,
        "AMT_CREDIT_SUM_OVERDUE": 0.0,
        "CREDIT_DAY_OVERDUE": 0,
    },
]
# credit 10: months 0, -1, -2, -3 with statuses 0, 1, 2, C; credit 11: X then 0; the rows are not in key order
BUREAU_BALANCE = [
    {"SK_ID_BUREAU": 11, "MONTHS_BALANCE": -20, "STATUS": "X"},
    {"SK_ID_BUREAU": 10, "MONTHS_BALANCE": 0, "STATUS": "0"},
    {"SK_ID_BUREAU": 10, "MONTHS_BALANCE": -1, "STATUS": "1"},
    {"SK_ID_BUREAU": 11, "MONTHS_BALANCE": -19, "STATUS": "0"},
    {"SK_ID_BUREAU": 10, "MONTHS_BALANCE": -2, "STATUS": "2"},
    {"SK_ID_BUREAU": 10, "MONTHS_BALANCE": -13, "STATUS": "C"},
]


def test_bureau_balance_is_summarised_per_credit():
    credits = by_client_key(bureau_balance_by_credit(typed_frame("bureau_balance", BUREAU_BALANCE)))
    assert credits[10] == {
        "SK_ID_BUREAU": 10,
        "MONTHS": 4.0,
        "DPD_MONTHS": 2.0,
        "DPD30_MONTHS": 1.0,
        "LAST_12M_DPD_MONTHS": 2.0,
        "UNKNOWN_MONTHS": 0.0,
        "WORST_STATUS": 2.0,
        "MONTHS_BALANCE_MIN": -13.0,
    }
    assert credits[11]["UNKNOWN_MONTHS"] == 1.0
    assert credits[11]["WORST_STATUS"] == 0.0


def by_client_key(frame: pl.DataFrame) -> dict[int, dict[str, object]]:
    return {row["SK_ID_BUREAU"]: row for row in frame.iter_rows(named=True)}


def test_bureau_features_by_hand():
    features = bureau_features(typed_frame("bureau", BUREAU), typed_frame("bureau_balance", BUREAU_BALANCE))
    assert_float32_features(features)
    one, two = by_client(features)[1], by_client(features)[2]
    assert one["BUREAU_COUNT"] == 2.0
    assert one["BUREAU_ACTIVE_COUNT"] == 1.0
    assert one["BUREAU_CLOSED_COUNT"] == 1.0
    assert one["BUREAU_ACTIVE_SHARE"] == 0.5
    assert one["BUREAU_AMT_CREDIT_SUM_SUM"] == 400.0
    assert one["BUREAU_AMT_CREDIT_SUM_MEAN"] == 200.0
    assert one["BUREAU_ACTIVE_AMT_CREDIT_SUM_SUM"] == 100.0
    assert one["BUREAU_CLOSED_AMT_CREDIT_SUM_MAX"] == 300.0
    assert one["BUREAU_DEBT_CREDIT_RATIO_MEAN"] == approx(0.25)
    assert one["BUREAU_DEBT_CREDIT_RATIO_TOTAL"] == approx(50 / 400)
    assert one["BUREAU_ACTIVE_DEBT_CREDIT_RATIO_TOTAL"] == approx(0.5)
    assert one["BUREAU_AMT_ANNUITY_SUM"] is None  # no annuity reported: unknown, not 0
    assert one["BUREAU_OVERDUE_COUNT"] == 1.0
    assert one["BUREAU_CREDIT_TYPE_CARD_SHARE"] == 0.5
    assert one["BUREAU_DAYS_CREDIT_MAX"] == -200.0
    assert one["BUREAU_CREDIT_DURATION_MEAN"] == approx((300 + 600) / 2)
    assert one["BUREAU_CLOSED_ENDDATE_GAP_MEAN"] == -100.0  # closed 100 days before its planned end
    assert one["BUREAU_BAL_COUNT"] == 2.0
    assert one["BUREAU_BAL_MONTHS_SUM"] == 6.0
    assert one["BUREAU_BAL_DPD_MONTHS_SUM"] == 2.0
    assert one["BUREAU_BAL_DPD_SHARE_MEAN"] == approx((2 / 4 + 0 / 2) / 2)
    assert one["BUREAU_BAL_DPD_SHARE_TOTAL"] == approx(2 / 6)
    assert one["BUREAU_BAL_DPD30_MONTHS_SUM"] == 1.0
    assert one["BUREAU_BAL_WORST_STATUS_MAX"] == 2.0
    assert one["BUREAU_BAL_UNKNOWN_SHARE_MEAN"] == approx((0 / 4 + 1 / 2) / 2)
    assert one["BUREAU_BAL_MONTHS_BALANCE_MIN"] == -20.0

    assert two["BUREAU_COUNT"] == 1.0
    assert two["BUREAU_CLOSED_COUNT"] == 0.0  # known: none closed
    assert two["BUREAU_CLOSED_AMT_CREDIT_SUM_MEAN"] is None
    assert two["BUREAU_DAYS_CREDIT_ENDDATE_MAX"] is None  # -41,875 days is a broken date
    assert two["BUREAU_CREDIT_TYPE_MORTGAGE_SHARE"] == 1.0
    assert two["BUREAU_BAL_COUNT"] is None  # no monthly history at all
    assert two["BUREAU_BAL_MONTHS_SUM"] is None


# --------------------------------------------------------------------------------- previous applications

PREVIOUS = [
    {
        "SK_ID_PREV": 1,
        "SK_ID_CURR": 1,
        "NAME_CONTRACT_TYPE": "Cash loans",
        "NAME_CONTRACT_STATUS": "Approved",
        "CODE_REJECT_REASON": "XAP",
        "AMT_APPLICATION": 100.0,
        "AMT_CREDIT": 200.0,
        "AMT_ANNUITY": 20.0,
        "CNT_PAYMENT": 12.0,
        "DAYS_DECISION": -100,
        "DAYS_LAST_DUE_1ST_VERSION": -10.0,
        "DAYS_LAST_DUE": 365_243.0,  # still running
        "DAYS_TERMINATION": 365_243.0,
    },
    {
        "SK_ID_PREV": 2,
        "SK_ID_CURR": 1,
        "NAME_CONTRACT_TYPE": "Consumer loans",
        "NAME_CONTRACT_STATUS": "Refused",
        "CODE_REJECT_REASON": "HC",
        "AMT_APPLICATION": 300.0,
        "AMT_CREDIT": 0.0,
        "DAYS_DECISION": -500,
    },
    {
        "SK_ID_PREV": 3,
        "SK_ID_CURR": 2,
        "NAME_CONTRACT_TYPE": "XNA",
        "NAME_CONTRACT_STATUS": "Canceled",
        "CODE_REJECT_REASON": "XAP",
        "DAYS_DECISION": -30,
    },
]


def test_previous_application_features_by_hand():
    features = previous_application_features(typed_frame("previous_application", PREVIOUS))
    assert_float32_features(features)
    one, two = by_client(features)[1], by_client(features)[2]
    assert one["PREV_COUNT"] == 2.0
    assert (one["PREV_APPROVED_COUNT"], one["PREV_REFUSED_COUNT"], one["PREV_CANCELED_COUNT"]) == (1, 1, 0)
    assert one["PREV_APPROVED_SHARE"] == 0.5
    assert one["PREV_APPLICATION_CREDIT_RATIO_MEAN"] == approx(0.5)  # credit 0: ratio unknown, left out
    assert one["PREV_AMT_CREDIT_SUM"] == 200.0
    assert one["PREV_TOTAL_REPAYMENT_RATIO_MEAN"] == approx(20 * 12 / 200)
    assert one["PREV_DAYS_DECISION_MAX"] == -100.0
    assert one["PREV_CASH_LOAN_SHARE"] == 0.5
    assert one["PREV_REJECT_HC_COUNT"] == 1.0
    assert one["PREV_LAST_365D_COUNT"] == 1.0
    assert one["PREV_LAST_365D_REFUSED_COUNT"] == 0.0
    assert one["PREV_APPROVED_AMT_CREDIT_MEAN"] == 200.0
    assert one["PREV_APPROVED_DAYS_LAST_DUE_1ST_VERSION_MAX"] == -10.0
    assert one["PREV_APPROVED_DAYS_LAST_DUE_MAX"] is None  # sentinel
    assert one["PREV_APPROVED_DAYS_TERMINATION_MAX"] is None  # sentinel
    assert one["PREV_ONGOING_COUNT"] == 1.0
    assert one["PREV_ONGOING_AMT_ANNUITY_SUM"] == 20.0
    assert one["PREV_REFUSED_AMT_APPLICATION_MEAN"] == 300.0
    assert one["PREV_REFUSED_DAYS_DECISION_MAX"] == -500.0
    assert one["PREV_REFUSED_APPLICATION_CREDIT_RATIO_MEAN"] is None

    assert two["PREV_COUNT"] == 1.0
    assert two["PREV_CANCELED_SHARE"] == 1.0
    assert two["PREV_APPROVED_COUNT"] == 0.0
    assert two["PREV_APPROVED_AMT_CREDIT_MEAN"] is None
    assert two["PREV_CASH_LOAN_SHARE"] == 0.0  # XNA contract type: not a cash loan
    assert two["PREV_ONGOING_COUNT"] == 0.0


# ------------------------------------------------------------------------------------------- POS / cash


def test_pos_cash_features_by_hand():
    rows = [
        {"SK_ID_PREV": 7, "SK_ID_CURR": 1, "MONTHS_BALANCE": -1, "SK_DPD": 0, "SK_DPD_DEF": 0},
        {"SK_ID_PREV": 7, "SK_ID_CURR": 1, "MONTHS_BALANCE": -2, "SK_DPD": 5, "SK_DPD_DEF": 0},
        {"SK_ID_PREV": 7, "SK_ID_CURR": 1, "MONTHS_BALANCE": -13, "SK_DPD": 0, "SK_DPD_DEF": 0},
        {"SK_ID_PREV": 8, "SK_ID_CURR": 2, "MONTHS_BALANCE": -3, "SK_DPD": 0, "SK_DPD_DEF": 0},
    ]
    plans = [(10.0, 5.0, "Active"), (10.0, 6.0, "Active"), (10.0, 10.0, "Active"), (4.0, 0.0, "Completed")]
    for row, (count, future, status) in zip(rows, plans, strict=True):
        row.update(CNT_INSTALMENT=count, CNT_INSTALMENT_FUTURE=future, NAME_CONTRACT_STATUS=status)
    features = pos_cash_features(typed_frame("POS_CASH_balance", rows))
    assert_float32_features(features)
    one, two = by_client(features)[1], by_client(features)[2]
    assert (one["POS_COUNT"], one["POS_LOAN_COUNT"]) == (3.0, 1.0)
    assert one["POS_SK_DPD_MAX"] == 5.0
    assert one["POS_SK_DPD_MEAN"] == approx(5 / 3)
    assert one["POS_DPD_SHARE"] == approx(1 / 3)
    assert one["POS_REMAINING_RATIO_MEAN"] == approx((0.5 + 0.6 + 1.0) / 3)
    assert one["POS_MONTHS_BALANCE_MIN"] == -13.0
    assert one["POS_LAST_12M_COUNT"] == 2.0
    assert one["POS_LAST_12M_SK_DPD_MAX"] == 5.0
    assert one["POS_COMPLETED_SHARE"] == 0.0
    assert two["POS_COMPLETED_SHARE"] == 1.0
    assert two["POS_REMAINING_RATIO_MEAN"] == 0.0


# ----------------------------------------------------------------------------------------- instalments

INSTALMENTS = [
    # paid 5 days early, in full
    {"DAYS_INSTALMENT": -100.0, "DAYS_ENTRY_PAYMENT": -105.0, "AMT_INSTALMENT": 100.0, "AMT_PAYMENT": 100.0},
    # paid 10 days late, half of it
    {"DAYS_INSTALMENT": -70.0, "DAYS_ENTRY_PAYMENT": -60.0, "AMT_INSTALMENT": 100.0, "AMT_PAYMENT": 50.0},
    # a year and more ago, on the day, 10 paid on an instalment of 0
    {"DAYS_INSTALMENT": -400.0, "DAYS_ENTRY_PAYMENT": -400.0, "AMT_INSTALMENT": 0.0, "AMT_PAYMENT": 10.0},
]


def instalment_rows() -> list[dict]:
    loan = {"SK_ID_PREV": 5, "SK_ID_CURR": 1}
    rows = [{**loan, "NUM_INSTALMENT_NUMBER": n, **r} for n, r in enumerate(INSTALMENTS, start=1)]
    unpaid = {"SK_ID_PREV": 6, "SK_ID_CURR": 2, "NUM_INSTALMENT_NUMBER": 1, "DAYS_INSTALMENT": -20.0}
    return [*rows, {**unpaid, "AMT_INSTALMENT": 30.0}]


def test_installments_features_by_hand():
    features = installments_features(typed_frame("installments_payments", instalment_rows()))
    assert_float32_features(features)
    one, two = by_client(features)[1], by_client(features)[2]
    assert one["INST_COUNT"] == 3.0
    assert (one["INST_DPD_MAX"], one["INST_DPD_SUM"]) == (10.0, 10.0)
    assert one["INST_DPD_MEAN"] == approx(10 / 3)
    assert (one["INST_DBD_MAX"], one["INST_DBD_SUM"]) == (5.0, 5.0)
    assert (one["INST_LATE_COUNT"], one["INST_LATE_SHARE"]) == (1.0, approx(1 / 3))
    assert one["INST_LATE_30D_SHARE"] == 0.0
    assert one["INST_PAYMENT_RATIO_MEAN"] == approx(0.75)  # the instalment of 0 has no ratio
    assert one["INST_PAYMENT_RATIO_MIN"] == approx(0.5)
    assert one["INST_PAYMENT_RATIO_TOTAL"] == approx(160 / 200)
    assert one["INST_PAYMENT_DIFF_SUM"] == approx(0 + 50 - 10)
    assert one["INST_PAYMENT_DIFF_MAX"] == 50.0
    assert one["INST_UNDERPAID_SHARE"] == approx(1 / 3)
    assert one["INST_UNPAID_COUNT"] == 0.0
    assert one["INST_LAST_365D_COUNT"] == 2.0
    assert one["INST_LAST_365D_DPD_MAX"] == 10.0
    assert one["INST_LAST_365D_LATE_SHARE"] == 0.5
    assert one["INST_LAST_365D_PAYMENT_RATIO_MEAN"] == approx(0.75)

    assert two["INST_UNPAID_COUNT"] == 1.0
    assert two["INST_DPD_MAX"] is None  # not paid: days past due unknown
    assert two["INST_LATE_COUNT"] == 0.0
    assert two["INST_LATE_SHARE"] is None
    assert two["INST_AMT_PAYMENT_SUM"] is None


def test_row_order_does_not_change_the_features():
    frame = typed_frame("installments_payments", instalment_rows())
    assert installments_features(frame.reverse()).equals(installments_features(frame))
    balance = typed_frame("bureau_balance", BUREAU_BALANCE)
    assert bureau_balance_by_credit(balance.reverse()).equals(bureau_balance_by_credit(balance))


# ---------------------------------------------------------------------------------------- credit cards


def test_credit_card_features_by_hand():
    rows = [
        {
            "MONTHS_BALANCE": -1,
            "AMT_BALANCE": 50.0,
            "AMT_CREDIT_LIMIT_ACTUAL": 100,
            "AMT_PAYMENT_TOTAL_CURRENT": 10.0,
            "AMT_INST_MIN_REGULARITY": 20.0,
            "SK_DPD": 0,
        },
        {
            "MONTHS_BALANCE": -20,
            "AMT_BALANCE": 100.0,
            "AMT_CREDIT_LIMIT_ACTUAL": 0,
            "AMT_PAYMENT_TOTAL_CURRENT": 30.0,
            "AMT_INST_MIN_REGULARITY": 0.0,
            "SK_DPD": 3,
        },
    ]
    frame = typed_frame("credit_card_balance", [{"SK_ID_PREV": 9, "SK_ID_CURR": 1, **r} for r in rows])
    features = credit_card_features(frame)
    assert_float32_features(features)
    one = by_client(features)[1]
    assert (one["CC_COUNT"], one["CC_LOAN_COUNT"]) == (2.0, 1.0)
    assert one["CC_AMT_BALANCE_MEAN"] == 75.0
    assert one["CC_UTILISATION_MEAN"] == 0.5  # a limit of 0 gives no utilisation
    assert one["CC_UTILISATION_MAX"] == 0.5
    assert one["CC_PAYMENT_MIN_RATIO_MEAN"] == 0.5
    assert one["CC_BELOW_MIN_PAYMENT_SHARE"] == 1.0
    assert one["CC_SK_DPD_MAX"] == 3.0
    assert one["CC_DPD_SHARE"] == 0.5
    assert one["CC_LAST_12M_COUNT"] == 1.0
    assert one["CC_LAST_12M_UTILISATION_MEAN"] == 0.5
    assert one["CC_LAST_12M_DPD_SHARE"] == 0.0
    assert one["CC_AMT_DRAWINGS_CURRENT_SUM"] is None  # never reported


# ------------------------------------------------------------------------------------- names and build


def all_side_features() -> list[pl.DataFrame]:
    return [
        bureau_features(typed_frame("bureau", BUREAU), typed_frame("bureau_balance", BUREAU_BALANCE)),
        previous_application_features(typed_frame("previous_application", PREVIOUS)),
        installments_features(typed_frame("installments_payments", instalment_rows())),
    ]


def test_feature_names_are_safe_unique_and_follow_the_grammar():
    names = [c for c in application_features(applications(WORKER)).columns if c != "SK_ID_CURR"]
    for frame in all_side_features():
        side = [c for c in frame.columns if c != "SK_ID_CURR"]
        assert all(name.startswith(SIDE_PREFIXES) and name.endswith(STATS) for name in side)
        names += side
    assert all(SAFE_NAME.match(name) for name in names)
    assert len(names) == len(set(names))


def write_folder(folder: Path, train_targets: tuple[int, int, int] = (0, 1, 0)) -> Path:
    """A complete little Home Credit folder: 3 labelled clients (1, 2, 3) and 1 production client (4).

    Client 3 and client 4 have no row in any side table.
    """
    train = [
        {**WORKER, "TARGET": train_targets[0]},
        {**PENSIONER, "TARGET": train_targets[1]},
        {**WORKER, "SK_ID_CURR": 3, "AMT_CREDIT": 90_000.0, "EXT_SOURCE_3": None, "TARGET": train_targets[2]},
    ]
    train = [{**row, "REGION_RATING_CLIENT": 2} for row in train]
    rows = {
        "application_train": train,
        "application_test": [{**WORKER, "SK_ID_CURR": 4, "REGION_RATING_CLIENT": 3}],
        "bureau": BUREAU,
        "bureau_balance": BUREAU_BALANCE,
        "previous_application": PREVIOUS,
        "POS_CASH_balance": [
            {"SK_ID_PREV": 7, "SK_ID_CURR": 1, "MONTHS_BALANCE": -1, "SK_DPD": 0, "SK_DPD_DEF": 0},
            {"SK_ID_PREV": 8, "SK_ID_CURR": 2, "MONTHS_BALANCE": -2, "SK_DPD": 3, "SK_DPD_DEF": 0},
        ],
        "installments_payments": instalment_rows(),
        "credit_card_balance": [
            {"SK_ID_PREV": 9, "SK_ID_CURR": 1, "MONTHS_BALANCE": -1, "AMT_BALANCE": 5.0, "SK_DPD": 0},
            {"SK_ID_PREV": 9, "SK_ID_CURR": 1, "MONTHS_BALANCE": -2, "AMT_BALANCE": 9.0, "SK_DPD": 1},
        ],
    }
    folder.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        typed_frame(table, rows[table]).write_csv(folder / f"{table}.csv")
    return folder


@pytest.fixture(scope="module")
def small_build(tmp_path_factory) -> FeatureTables:
    return build_features(write_folder(tmp_path_factory.mktemp("homecredit")))


def test_build_joins_every_table_onto_train_and_production(small_build):
    tables = small_build
    assert tables.train.columns[:2] == ["SK_ID_CURR", "TARGET"]
    assert tables.train.schema["TARGET"] == pl.Int8
    assert tables.train["SK_ID_CURR"].to_list() == [1, 2, 3]
    assert tables.train["TARGET"].to_list() == [0, 1, 0]
    assert tables.production["SK_ID_CURR"].to_list() == [4]
    assert tables.production.columns == ["SK_ID_CURR", *tables.feature_names]
    assert_float32_features(tables.train.drop("TARGET"))
    assert_float32_features(tables.production)
    for prefix in ("APP_", "BUREAU_", "BUREAU_BAL_", "PREV_", "POS_", "INST_", "CC_"):
        assert any(name.startswith(prefix) for name in tables.feature_names), prefix
    assert set(tables.categorical_features) <= set(tables.feature_names)
    for name, levels in tables.categorical_features.items():
        assert levels == CATEGORICAL_FEATURES[name]


def test_build_leaves_clients_without_history_missing_not_zero(small_build):
    rows = by_client(small_build.train)
    one, three = rows[1], rows[3]
    side = [n for n in small_build.feature_names if n.startswith(SIDE_PREFIXES)]
    assert all(three[name] is None for name in side)  # counts included: "no history", not "0 credits"
    assert one["BUREAU_COUNT"] == 2.0
    assert one["CC_COUNT"] == 2.0
    assert one["INST_COUNT"] == 3.0
    assert rows[2]["POS_SK_DPD_MAX"] == 3.0
    production = small_build.production.row(0, named=True)
    assert all(production[name] is None for name in side)


def test_build_drops_features_constant_over_the_labelled_clients(small_build):
    assert "REGION_RATING_CLIENT" not in small_build.feature_names  # 2 for every labelled client
    assert "AMT_REQ_CREDIT_BUREAU_MON" not in small_build.feature_names  # never known
    assert "CC_COUNT" in small_build.feature_names  # known for one client: history or none tells apart
    train = small_build.train.select(small_build.feature_names)
    for name in small_build.feature_names:
        values = train[name]
        assert values.n_unique() > 1, name


def test_build_timings_cover_every_table(small_build):
    assert set(TABLES) <= set(small_build.timings)
    for table in TABLES:
        timing = small_build.timings[table]
        assert timing["rows"] > 0 and timing["load"] >= 0 and timing["aggregate"] >= 0
    assert small_build.timings["application_train"]["rows"] == 3


def test_permuting_target_leaves_every_feature_unchanged(tmp_path, small_build):
    flipped = build_features(write_folder(tmp_path / "flipped", train_targets=(1, 0, 1)))
    assert flipped.train["TARGET"].to_list() == [1, 0, 1]
    assert flipped.feature_names == small_build.feature_names
    assert flipped.train.drop("TARGET").equals(small_build.train.drop("TARGET"))
    assert flipped.production.equals(small_build.production)


def test_feature_table_round_trip(tmp_path, small_build):
    path = tmp_path / "features" / "features.parquet"
    write_feature_table(small_build, path)
    raw = pl.read_parquet(path)
    assert raw.columns[:3] == ["SK_ID_CURR", "SAMPLE", "TARGET"]
    assert raw["SAMPLE"].cast(pl.String).to_list() == ["train", "train", "train", "production"]
    assert raw["TARGET"].to_list()[-1] is None
    back = read_feature_table(path)
    assert back.feature_names == small_build.feature_names
    assert back.categorical_features == small_build.categorical_features
    assert back.train.equals(small_build.train)
    assert back.production.equals(small_build.production)


def test_reading_something_else_than_a_feature_table_says_so(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_feature_table(tmp_path / "nothing.parquet")
    pl.DataFrame({"a": [1]}).write_parquet(tmp_path / "other.parquet")
    with pytest.raises(InputError, match="not a feature table"):
        read_feature_table(tmp_path / "other.parquet")


def test_feature_matrix_orders_features_and_fills_absent_ones(small_build):
    new_client = application_features(applications({**WORKER, "SK_ID_CURR": 99}))
    matrix = feature_matrix(new_client, small_build.feature_names)
    assert matrix.columns == small_build.feature_names
    assert all(dtype == pl.Float32 for dtype in matrix.dtypes)
    assert matrix["APP_CREDIT_INCOME_RATIO"].item() == approx(2.0)
    assert matrix["BUREAU_COUNT"].item() is None


# ---------------------------------------------------------------------------------------- real sample


@pytest.fixture(scope="module")
def real_sample() -> FeatureTables:
    folder = os.environ.get("HOMECREDIT_DIR")
    if not folder:
        pytest.skip("HOMECREDIT_DIR is not set: no real Home Credit sample to build features from")
    return build_features(Path(folder))


def test_real_sample_gives_one_row_per_applicant(real_sample):
    tables = real_sample
    assert tables.train.height == 20_014
    assert tables.production.height == 48_744
    ids = pl.concat([tables.train["SK_ID_CURR"], tables.production["SK_ID_CURR"]])
    assert ids.is_unique().all()
    assert tables.train["TARGET"].null_count() == 0
    assert 200 <= len(tables.feature_names) <= 400
    assert all(SAFE_NAME.match(name) for name in tables.feature_names)
    assert len(set(tables.feature_names)) == len(tables.feature_names)
    features = pl.concat([tables.train.drop("TARGET"), tables.production])
    assert_float32_features(features)
    finite = features.select(pl.exclude("SK_ID_CURR").is_infinite().any()).row(0)
    assert not any(finite), "no ratio may be infinite"
    # a side table reaches only the clients it has rows for: bureau 7,334 labelled clients (README)
    assert tables.train["BUREAU_COUNT"].is_not_null().sum() == 7_334


def test_sex_is_never_a_model_feature():
    """Deciding credit by sex is unlawful in France: no feature may read CODE_GENDER or be named after it."""
    features = application_features(applications(WORKER, PENSIONER))
    assert not [c for c in features.columns if "GENDER" in c]
    assert "CODE_GENDER" not in application_columns()
