"""The what-if page's fields: what each one changes in the application, how typed text becomes the changes
sent to the scoring service, and how the loan's amount, term and monthly payment follow each other (the one
rule of `model_training.product`: the loan keeps its rate). Kept apart from the page so that it is testable
without Dash."""

from __future__ import annotations

import math
from typing import NamedTuple

from app import formatting as fmt
from app.i18n import t
from app.validation import DAYS_EMPLOYED_NOT_WORKING, DAYS_PER_YEAR
from components.widgets import parse_number
from model_training.features.loan_terms import months_to_repay
from model_training.product import ANNUITY, CONTRACT_TYPE, CREDIT, GOODS_PRICE, loan_of


class Field(NamedTuple):
    """One editable field: its input id, the Kaggle column it changes, its label and unit keys."""

    key: str
    column: str | None  # None: derived (the term), not sent to the model
    label_key: str | None  # None: the column's human name
    unit_key: str | None
    decimals: int
    required: bool = True

    @property
    def input_id(self) -> str:
        return f"what-if-{self.key}"


FIELDS = (
    Field("credit", "AMT_CREDIT", None, "unit.euros", 0),
    Field("annuity", "AMT_ANNUITY", None, "unit.euros", 0),
    Field("term", None, "what_if.term", "what_if.term_unit", 1),  # months: the loan's term
    Field("income", "AMT_INCOME_TOTAL", None, "unit.euros", 0),
    Field("goods", "AMT_GOODS_PRICE", None, "unit.euros", 0),
    Field("employed", "DAYS_EMPLOYED", "what_if.employed", "unit.years_short", 1, required=False),
    Field("children", "CNT_CHILDREN", None, None, 0),
)
BY_KEY = {f.key: f for f in FIELDS}
#: Where the model's checks on a column are shown: its own field, or the field that changes it.
FIELD_OF_COLUMN = {f.column: f.key for f in FIELDS if f.column} | {
    "CNT_FAM_MEMBERS": "children",
    "DAYS_BIRTH": "employed",
}


def shown_number(value: float | None, decimals: int, lang: str) -> str:
    """A number as the field shows it: French grouping and decimal comma, no unit."""
    return "" if value is None else fmt.number(value, lang, decimals)


def loan_fields(application: dict[str, object]) -> dict[str, object]:
    """The stored loan as `model_training.product` reads it (the page keeps it to price changes at the loan's
    own rate); missing values as None, so that it travels as JSON."""
    fields = (CREDIT, ANNUITY, GOODS_PRICE, CONTRACT_TYPE)
    return {name: None if fmt.is_missing(application.get(name)) else application.get(name) for name in fields}


def _loan_term(credit: float | None, annuity: float | None, application: dict[str, object]) -> float | None:
    """The loan's term in months (its standard term, read at its rate); credit ÷ annuity, the number of
    repayments, for a loan without a readable rate (a revolving credit)."""
    if not credit or not annuity:
        return None
    loan = loan_of(loan_fields(application))
    return float(loan.term_months) if loan.priced else credit / annuity  # type: ignore[arg-type]


def original_values(application: dict[str, object]) -> dict[str, float | None]:
    """The stored application in the page's units (euros, years, months)."""

    def number(column: str) -> float | None:
        value = application.get(column)
        return None if fmt.is_missing(value) else float(value)  # type: ignore[arg-type]

    credit, annuity, days = number("AMT_CREDIT"), number("AMT_ANNUITY"), number("DAYS_EMPLOYED")
    return {
        "credit": credit,
        "annuity": annuity,
        "term": _loan_term(credit, annuity, application),
        "income": number("AMT_INCOME_TOTAL"),
        "goods": number("AMT_GOODS_PRICE"),
        "employed": None if days is None or days == DAYS_EMPLOYED_NOT_WORKING else -days / DAYS_PER_YEAR,
        "children": number("CNT_CHILDREN"),
    }


def read_fields(typed: dict[str, object], lang: str) -> tuple[dict[str, float | None], dict[str, str]]:
    """Numbers per field, and a message for each field that cannot be read."""
    values: dict[str, float | None] = {}
    errors: dict[str, str] = {}
    for field in FIELDS:
        text = typed.get(field.key)
        if str(text or "").strip() == "":
            values[field.key] = None
            if field.required:
                errors[field.key] = t("what_if.required", lang)
            continue
        number = parse_number(text, lang)
        if number is None:
            errors[field.key] = t("what_if.not_a_number", lang, value=text)
        elif number < 0:
            errors[field.key] = t("what_if.must_not_be_negative", lang)
        elif field.key == "term" and number == 0:
            errors[field.key] = t("what_if.must_be_positive", lang)
        values[field.key] = number
    return values, errors


def changes_for(values: dict[str, float | None], original: dict[str, float | None]) -> dict[str, object]:
    """The Kaggle fields to change: only those the user changed.

    Fields show the stored values rounded (9,8 years for 9.83), so a value equal to the shown rounding of
    the stored one is no change: otherwise editing the credit would also move the time in job.
    """
    changes: dict[str, object] = {}
    for field in FIELDS:
        if field.column is None or values.get(field.key) is None:
            continue
        new, old = values[field.key], original.get(field.key)
        if old is not None and _same_as_shown(new, old, field.decimals):  # type: ignore[arg-type]
            continue
        if field.key == "employed":
            changes[field.column] = -round(new * DAYS_PER_YEAR)  # type: ignore[operator]
        elif field.key == "children":
            changes[field.column] = round(new)  # type: ignore[arg-type]
        else:
            changes[field.column] = new
    return changes


def _same_as_shown(new: float, old: float, decimals: int) -> bool:
    return math.isclose(new, round(old, decimals), abs_tol=10**-decimals / 2) or math.isclose(new, old)


class LoanFollows(NamedTuple):
    """The fields after the loan followed a change, what was recomputed in words (None: nothing), and a
    message per field that cannot follow."""

    values: dict[str, float | None]
    recomputed: str | None
    errors: dict[str, str]


def _months_text(months: float, lang: str) -> str:
    decimals = 0 if abs(months - round(months)) < 0.05 else 1
    return t("unit.months", lang, n=fmt.number(months, lang, decimals))


def follows(
    values: dict[str, float | None], trigger: str | None, loan: dict[str, object], lang: str
) -> LoanFollows:
    """The amount, term and monthly payment follow each other at the loan's own rate (`loan`: the stored
    loan, `loan_fields`), by the rule recourse offers use (`model_training.product`):

    - the amount typed keeps the term and the rate: the payment is recomputed, and the goods price in
      proportion to the amount (a smaller loan finances a smaller purchase);
    - a term typed recomputes the payment at the same rate;
    - a payment typed recomputes the term at the same rate.
    A loan without a readable rate (a revolving credit, no payment) keeps its payment-to-credit ratio, and
    its term cannot be typed.
    """
    credit, annuity, term = values.get("credit"), values.get("annuity"), values.get("term")
    result, errors = dict(values), dict[str, str]()
    try:
        stored = loan_of(loan)
    except ValueError:  # no stored credit amount: nothing to follow
        return LoanFollows(result, None, errors)
    same_term = term is None or (stored.term_months is not None and math.isclose(term, stored.term_months))
    recomputed = None
    if trigger == BY_KEY["credit"].input_id and credit:
        changes = stored.changed(credit, None if not stored.priced or same_term else term)
        result["annuity"] = changes.get(ANNUITY, annuity)
        if result["annuity"] is not None and stored.priced:
            kept = _months_text(stored.term_months if same_term else term, lang)  # type: ignore[arg-type]
            payment = fmt.amount(result["annuity"], lang)
            recomputed = t("what_if.recomputed_amount", lang, payment=payment, term=kept)
        elif result["annuity"] is not None:
            recomputed = t("what_if.recomputed_ratio", lang, payment=fmt.amount(result["annuity"], lang))
        if GOODS_PRICE in changes:
            result["goods"] = changes[GOODS_PRICE]
            goods = t("what_if.recomputed_goods", lang, goods=fmt.amount(changes[GOODS_PRICE], lang))
            recomputed = f"{recomputed} {goods}" if recomputed else goods
    elif trigger == BY_KEY["term"].input_id and credit and term:
        if not stored.priced:
            errors["term"] = t("what_if.term_unpriced", lang)
        else:
            result["annuity"] = stored.changed(credit, term)[ANNUITY]
            payment = fmt.amount(result["annuity"], lang)
            recomputed = t("what_if.recomputed_term", lang, payment=payment, term=_months_text(term, lang))
    elif trigger == BY_KEY["annuity"].input_id and credit and annuity:
        if not stored.priced:
            result["term"] = credit / annuity  # the number of repayments, as the field shows it
        else:
            months = float(months_to_repay(credit, stored.annual_rate, annuity))  # type: ignore[arg-type]
            if math.isnan(months):
                errors["annuity"] = t("what_if.payment_too_small", lang)
            else:
                result["term"] = months
                recomputed = t("what_if.recomputed_payment", lang, term=_months_text(months, lang))
    return LoanFollows(result, recomputed, errors)
