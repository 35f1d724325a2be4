import math

import numpy as np
import pytest

from model_training.features.loan_terms import (
    STANDARD_TERMS,
    implied_annual_rate,
    implied_term,
    level_payment,
    months_to_repay,
)
from model_training.product import ProductLimits, changed_loan, loan_of

#: From near zero to twice the highest rate of the real sample (its implied rates are 0.9 % to 55 % a year).
RATES = np.array([1e-6, 0.005, 0.01, 0.05, 0.12, 0.2, 0.35, 0.5, 1.0])
CREDITS = np.array([45_000.0, 250_000.0, 1_234_567.89])


def grid():
    credit, rate, months = np.meshgrid(CREDITS, RATES, STANDARD_TERMS, indexing="ij")
    return credit.ravel(), rate.ravel(), months.ravel()


def test_level_payment_is_the_inverse_of_the_implied_rate():
    credit, rate, months = grid()
    payment = level_payment(credit, rate, months)
    assert np.abs(implied_annual_rate(credit, payment, months) - rate).max() < 1e-9
    # at exactly zero the bisection's own formula, 1 - (1 + r)^-n, loses its digits near r = 0: 1e-7
    zero = implied_annual_rate(credit, level_payment(credit, 0.0, months), months)
    assert np.abs(zero).max() < 1e-7


def test_months_to_repay_is_the_inverse_of_the_level_payment_over_the_term():
    credit, rate, months = grid()
    assert np.abs(months_to_repay(credit, rate, level_payment(credit, rate, months)) - months).max() < 1e-6


def test_level_payment_by_hand():
    assert level_payment(120_000.0, 0.0, 24) == pytest.approx(5_000.0)  # zero rate: credit / months
    # 12 % a year, 1 % a month, over 12 months: 100,000 * 0.01 / (1 - 1.01^-12)
    assert level_payment(100_000.0, 0.12, 12) == pytest.approx(100_000 * 0.01 / (1 - 1.01**-12), rel=1e-12)
    assert np.isnan(level_payment(np.nan, 0.12, 12))


def test_a_payment_below_the_monthly_interest_never_repays():
    assert np.isnan(months_to_repay(100_000.0, 0.12, 1_000.0))  # interest alone is 1,000 a month
    assert months_to_repay(100_000.0, 0.0, 2_000.0) == pytest.approx(50.0)


APPLICATION = {"AMT_CREDIT": 250_000.0, "AMT_ANNUITY": 12_000.0, "AMT_GOODS_PRICE": 225_000.0}


def test_the_loan_of_an_application_reads_its_term_and_rate():
    loan = loan_of(APPLICATION)
    assert loan.term_months == 24 and loan.priced  # 250,000 / 12,000 = 20.8 repayments: the 24-month term
    assert level_payment(250_000.0, loan.annual_rate, 24) == pytest.approx(12_000.0, rel=1e-12)


def test_a_lower_amount_keeps_the_term_and_the_rate():
    loan = loan_of(APPLICATION)
    changed = changed_loan(APPLICATION, amount=125_000.0)
    assert changed["AMT_CREDIT"] == 125_000.0
    assert changed["AMT_ANNUITY"] == pytest.approx(6_000.0, abs=0.01)  # half the loan, half the payment
    assert changed["AMT_GOODS_PRICE"] == pytest.approx(112_500.0)  # a smaller purchase, in proportion
    after = loan_of({**APPLICATION, **changed})
    assert after.term_months == loan.term_months
    assert after.annual_rate == pytest.approx(loan.annual_rate, abs=1e-6)


def test_a_longer_term_keeps_the_amount_and_the_rate():
    loan = loan_of(APPLICATION)
    changed = changed_loan(APPLICATION, term=48)
    assert changed["AMT_CREDIT"] == 250_000.0 and changed["AMT_GOODS_PRICE"] == 225_000.0
    assert changed["AMT_ANNUITY"] < 12_000.0 * 24 / 48 * (1 + loan.annual_rate)  # spread over twice as long
    assert implied_annual_rate(np.array([250_000.0]), np.array([changed["AMT_ANNUITY"]]), np.array([48.0]))[
        0
    ] == pytest.approx(loan.annual_rate, abs=1e-6)
    # the model reads the term back from the amounts: at 14 % a year this 48-month loan's payment reads as
    # the 42-month term (its zero-interest repayments, 36.6, fit in 42 months); the score is the model's
    # reading of those amounts, as for any application asking them
    assert implied_term(np.array([250_000.0]), np.array([changed["AMT_ANNUITY"]]))[0] == 42


def test_without_a_readable_rate_the_payment_keeps_its_ratio_and_the_term_cannot_change():
    beyond = {"AMT_CREDIT": 100_000.0, "AMT_ANNUITY": 1_000.0}  # 100 repayments: beyond 60 months
    assert not loan_of(beyond).priced
    assert changed_loan(beyond, amount=50_000.0) == {"AMT_CREDIT": 50_000.0, "AMT_ANNUITY": 500.0}
    with pytest.raises(ValueError, match="term cannot change"):
        changed_loan(beyond, term=36)
    no_payment = {"AMT_CREDIT": 100_000.0, "AMT_ANNUITY": None, "AMT_GOODS_PRICE": math.nan}
    assert changed_loan(no_payment, amount=60_000.0) == {"AMT_CREDIT": 60_000.0}  # missing stays missing


def test_a_revolving_credit_has_no_term_to_change():
    card = {**APPLICATION, "NAME_CONTRACT_TYPE": "Revolving loans"}
    assert not loan_of(card).priced and loan_of(card).term_months is None
    assert changed_loan(card, amount=125_000.0)["AMT_ANNUITY"] == 6_000.0  # the same share of the limit
    with pytest.raises(ValueError, match="revolving"):
        changed_loan(card, term=48)


@pytest.mark.parametrize(
    ("application", "amount", "term", "message"),
    [
        ({"AMT_ANNUITY": 1_000.0}, None, None, "no credit amount"),
        (APPLICATION, -5.0, None, "positive number of euros"),
        (APPLICATION, math.inf, None, "positive number of euros"),
        (APPLICATION, None, 0, "positive number of months"),
    ],
)
def test_bad_changes_are_refused_with_what_is_wrong(application, amount, term, message):
    with pytest.raises(ValueError, match=message):
        changed_loan(application, amount, term)


def test_product_limits():
    limits = ProductLimits()
    assert limits.smallest_amount == 45_000 and limits.longest_term == 60
    assert limits.longer_terms(36) == (42, 48, 54, 60)
    assert limits.longer_terms(60) == ()
    assert limits.rounded_amount(123_456.0) == 123_000.0
    with pytest.raises(ValueError, match="must be > 0"):
        ProductLimits(amount_step=0)
