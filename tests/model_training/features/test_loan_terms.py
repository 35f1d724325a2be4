"""The implied term and rate of the loan applied for, checked on loans computed by hand."""

import numpy as np
import polars as pl
from pytest import approx

from model_training.features.loan_terms import implied_annual_rate, implied_term, loan_term_features

#: 10,000 over 12 months at 1 % a month: annuity = 10,000 x 0.01 / (1 - 1.01^-12) = 888.4879
ANNUITY_12M_1PCT = 10_000 * 0.01 / (1 - 1.01**-12)


def test_the_term_is_the_shortest_standard_term_the_annuity_can_repay():
    credit = np.array([10_000.0, 10_000.0, 10_000.0, 10_000.0, 10_000.0])
    annuity = np.array([1_000.0, ANNUITY_12M_1PCT, 2_000.0, 100.0, 0.0])
    # 10 months at zero interest -> 10; 11.26 -> 12; 5 -> 6; 100 months -> beyond 60: unknown; no annuity
    np.testing.assert_array_equal(implied_term(credit, annuity), [10, 12, 6, np.nan, np.nan])


def test_the_rate_is_the_one_that_repays_the_credit_over_the_term():
    credit = np.array([10_000.0, 10_000.0, 10_000.0])
    annuity = np.array([ANNUITY_12M_1PCT, 1_000.0, 1_000.0])
    rate = implied_annual_rate(credit, annuity, np.array([12.0, 10.0, np.nan]))
    assert rate[0] == approx(0.12, abs=1e-9)  # 1 % a month
    # 10 x 1,000 repays 10,000 with no interest (near 0, (1 + r)^-n loses digits as r -> 0)
    assert rate[1] == approx(0.0, abs=1e-7)
    assert np.isnan(rate[2])


def test_features_in_one_select_with_missing_values_where_nothing_is_known():
    frame = pl.DataFrame(
        {"AMT_CREDIT": [10_000.0, 10_000.0, None], "AMT_ANNUITY": [ANNUITY_12M_1PCT, 10.0, 1.0]}
    )
    rows = frame.select(loan_term_features()).to_dicts()
    assert rows[0]["APP_TERM_MONTHS"] == 12.0
    assert rows[0]["APP_INTEREST_RATE"] == approx(0.12, abs=1e-9)
    assert rows[0]["APP_INTEREST_SHARE"] == approx(12 * ANNUITY_12M_1PCT / 10_000 - 1)
    assert rows[1] == {"APP_TERM_MONTHS": None, "APP_INTEREST_RATE": None, "APP_INTEREST_SHARE": None}
    assert rows[2] == {"APP_TERM_MONTHS": None, "APP_INTEREST_RATE": None, "APP_INTEREST_SHARE": None}
