"""The Kaggle data quirks: sentinels and "not available" codes become missing values, and only those."""

import polars as pl

from model_training import quirks
from model_training.schema import categorical_levels


def test_days_sentinel_becomes_missing_and_other_days_stay():
    frame = pl.DataFrame({"DAYS_EMPLOYED": [-100, 365243, None, 0]}, schema={"DAYS_EMPLOYED": pl.Int32})
    out = frame.select(quirks.without_days_sentinel("DAYS_EMPLOYED"))
    assert out.columns == ["DAYS_EMPLOYED"]
    assert out["DAYS_EMPLOYED"].to_list() == [-100, None, None, 0]


def test_not_employed_flag_marks_the_sentinel_only():
    frame = pl.DataFrame({"DAYS_EMPLOYED": [-100, 365243, None]}, schema={"DAYS_EMPLOYED": pl.Int32})
    flag = frame.select(quirks.not_employed_flag()).to_series()
    assert flag.dtype == pl.Float32
    assert flag.to_list() == [0.0, 1.0, None]


def test_previous_application_sentinel_columns_are_the_five_kaggle_ones():
    assert set(quirks.PREVIOUS_SENTINEL_DAYS) == {
        "DAYS_FIRST_DRAWING",
        "DAYS_FIRST_DUE",
        "DAYS_LAST_DUE_1ST_VERSION",
        "DAYS_LAST_DUE",
        "DAYS_TERMINATION",
    }
    frame = pl.DataFrame({c: [365243.0, -5.0] for c in quirks.PREVIOUS_SENTINEL_DAYS})
    out = frame.select(quirks.without_days_sentinel(c) for c in quirks.PREVIOUS_SENTINEL_DAYS)
    assert all(out[c].to_list() == [None, -5.0] for c in quirks.PREVIOUS_SENTINEL_DAYS)


def test_broken_bureau_dates_become_missing():
    frame = pl.DataFrame({"DAYS_CREDIT_ENDDATE": [-41875.0, -2900.0, 31199.0, None]})
    out = frame.select(quirks.without_broken_bureau_days("DAYS_CREDIT_ENDDATE")).to_series()
    assert out.to_list() == [None, -2900.0, 31199.0, None]


def test_xna_xap_and_unknown_family_status_are_missing_levels():
    assert quirks.is_missing_level("CODE_GENDER", "XNA")
    assert quirks.is_missing_level("CODE_REJECT_REASON", "XAP")
    assert quirks.is_missing_level("NAME_FAMILY_STATUS", "Unknown")
    assert not quirks.is_missing_level("CODE_GENDER", "F")
    assert not quirks.is_missing_level("NAME_TYPE_SUITE", "Unknown")  # only family status spells it so


def test_missing_level_codes_are_positions_in_the_schema_levels():
    levels = categorical_levels("application_train")
    gender = levels["CODE_GENDER"]
    assert quirks.missing_level_codes("CODE_GENDER", gender) == [gender.index("XNA")]
    family = levels["NAME_FAMILY_STATUS"]
    assert quirks.missing_level_codes("NAME_FAMILY_STATUS", family) == [family.index("Unknown")]
    assert quirks.missing_level_codes("NAME_EDUCATION_TYPE", levels["NAME_EDUCATION_TYPE"]) == []


def test_dpd_statuses_are_bureau_balance_levels():
    status = categorical_levels("bureau_balance")["STATUS"]
    assert set(quirks.DPD_STATUSES) <= set(status)
    assert set(quirks.DPD30_STATUSES) < set(quirks.DPD_STATUSES)
    assert quirks.UNKNOWN_STATUS in status
