"""The loan product: what the lender sells (smallest amount, standard terms, longest term), and the one rule
for changing a loan's amount or term (the recourse offers and the what-if page both follow it).

A loan in the Kaggle application is three amounts: AMT_CREDIT (lent), AMT_ANNUITY (the monthly payment) and
AMT_GOODS_PRICE (the purchase financed). Neither the term nor the rate is given: both are read from the credit
and the payment (`model_training.features.loan_terms`). Changing the amount or the term keeps the loan's rate,
so the payment is recomputed as a level annuity; the model then reads the changed loan as it would read a new
application with those amounts. That reading is crude for longer terms: the model takes the term to be the
shortest standard term the zero-interest repayments fit in, so at 14 % a year a 48-month payment reads as a
42-month loan at a lower rate. The score is still the one the lender would give an application asking those
amounts, which is what an offer must be judged by.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from model_training.features.loan_terms import (
    STANDARD_TERMS,
    implied_annual_rate,
    implied_term,
    level_payment,
)

#: The Kaggle fields a change of amount or term writes.
CREDIT, ANNUITY, GOODS_PRICE = "AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"
#: A revolving credit (a card's limit) has no term: its monthly payment is a share of the limit.
CONTRACT_TYPE, REVOLVING = "NAME_CONTRACT_TYPE", "Revolving loans"


@dataclass(frozen=True)
class ProductLimits:
    """What the lender can offer; recourse proposes nothing outside these limits.

    - smallest_amount: 45,000, the smallest AMT_CREDIT in Kaggle's application_train and application_test
      alike (the real sample's 20,014 and 48,744 applicants): the lender sells no smaller loan.
    - amount_step: amounts proposed are rounded down to a whole 1,000 (a figure a person can ask for; the
      credit amounts in the data are mostly round thousands).
    - terms: the standard terms in months (`STANDARD_TERMS`: the values of previous_application.CNT_PAYMENT
      that cover most applications), the only terms a longer loan is offered at.
    - longest_term: 60 months, the longest standard term (the longest term the model reads from a loan).
    """

    smallest_amount: float = 45_000.0
    amount_step: float = 1_000.0
    terms: tuple[int, ...] = tuple(int(m) for m in STANDARD_TERMS)
    longest_term: int = int(STANDARD_TERMS[-1])

    def __post_init__(self) -> None:
        if not (self.smallest_amount > 0 and self.amount_step > 0 and self.longest_term > 0):
            raise ValueError("product limits: the smallest amount, the step and the longest term must be > 0")

    def longer_terms(self, months: float) -> tuple[int, ...]:
        """The standard terms longer than `months`, up to the longest term."""
        return tuple(m for m in self.terms if months < m <= self.longest_term)

    def rounded_amount(self, amount: float) -> float:
        """An amount rounded down to the step (never above what was asked)."""
        return math.floor(amount / self.amount_step) * self.amount_step


@dataclass(frozen=True)
class Loan:
    """A loan as the application gives it, with its term and annual rate when they can be read.

    `priced` is False when the rate cannot be read (the payment is missing, or repaying at zero interest
    would take longer than the longest standard term) or there is no term (a revolving credit): the amount
    can then change at the same payment-to-credit ratio (the same term), but the term cannot.
    """

    credit: float
    payment: float | None
    goods_price: float | None
    term_months: int | None
    annual_rate: float | None

    @property
    def priced(self) -> bool:
        return self.term_months is not None and self.annual_rate is not None

    def changed(self, amount: float | None = None, term: float | None = None) -> dict[str, float]:
        """This loan's Kaggle fields with a new amount and/or term: see `changed_loan`."""
        new_amount = self.credit if amount is None else float(amount)
        if not (math.isfinite(new_amount) and new_amount > 0):
            raise ValueError(f"{CREDIT}: the amount must be a positive number of euros (got {amount!r})")
        if term is not None and not (math.isfinite(term) and term > 0):
            raise ValueError(f"term: the term must be a positive number of months (got {term!r})")
        changes = {CREDIT: new_amount}
        scale = new_amount / self.credit
        if self.term_months is not None and self.annual_rate is not None:
            months = self.term_months if term is None else term
            changes[ANNUITY] = round(float(level_payment(new_amount, self.annual_rate, months)), 2)
        elif term is not None:
            raise ValueError(
                "term: the loan has no term (a revolving credit) or its rate cannot be read (no monthly "
                f"payment, or longer than {int(STANDARD_TERMS[-1])} months at zero interest), so its term "
                "cannot change"
            )
        elif self.payment is not None:
            changes[ANNUITY] = round(self.payment * scale, 2)
        if self.goods_price is not None:
            changes[GOODS_PRICE] = round(self.goods_price * scale, 2)
        return changes


def _amount(application: Mapping[str, object], field: str) -> float | None:
    value = application.get(field)
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) and value > 0 else None


def loan_of(application: Mapping[str, object]) -> Loan:
    """The loan of an application (Kaggle fields); ValueError when it has no credit amount."""
    credit = _amount(application, CREDIT)
    if credit is None:
        raise ValueError(f"{CREDIT}: the application has no credit amount, so its loan cannot change")
    payment = _amount(application, ANNUITY)
    term = rate = None
    if payment is not None and application.get(CONTRACT_TYPE) != REVOLVING:
        months = implied_term(np.array([credit]), np.array([payment]))
        if np.isfinite(months[0]):
            term = int(months[0])
            rate = float(implied_annual_rate(np.array([credit]), np.array([payment]), months)[0])
    return Loan(credit, payment, _amount(application, GOODS_PRICE), term, rate)


def changed_loan(
    application: Mapping[str, object], amount: float | None = None, term: float | None = None
) -> dict[str, float]:
    """The Kaggle fields of the application's loan with a new amount and/or term (None: unchanged).

    - AMT_CREDIT: the amount.
    - AMT_ANNUITY: the level payment at the loan's own annual rate over the term (the loan's implied term
      when the term is unchanged), so a smaller loan keeps its term and a longer one its rate. When the
      rate cannot be read or the loan has no term (a revolving credit, `Loan.priced`), the payment keeps its
      ratio to the credit, and a change of term is refused (ValueError). A missing payment stays
      missing (the field is not written).
    - AMT_GOODS_PRICE: scaled in proportion to the amount: a smaller loan finances a smaller purchase (not
      written when the application has none).

    Amounts are rounded to the cent. ValueError for an amount or term that is not positive.
    """
    return loan_of(application).changed(amount, term)
