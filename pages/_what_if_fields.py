"""The what-if page's fields: what each one changes in the application, and how typed text becomes
the changes sent to the scoring service (kept apart from the page so that it is testable without Dash)."""

from __future__ import annotations

import math
from typing import NamedTuple

from app import formatting as fmt
from app.i18n import t
from app.validation import DAYS_EMPLOYED_NOT_WORKING, DAYS_PER_YEAR
from components.widgets import parse_number


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
    Field("term", None, "what_if.term", "what_if.term_unit", 1),
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


def original_values(application: dict[str, object]) -> dict[str, float | None]:
    """The stored application in the page's units (euros, years, number of repayments)."""

    def number(column: str) -> float | None:
        value = application.get(column)
        return None if fmt.is_missing(value) else float(value)  # type: ignore[arg-type]

    credit, annuity, days = number("AMT_CREDIT"), number("AMT_ANNUITY"), number("DAYS_EMPLOYED")
    return {
        "credit": credit,
        "annuity": annuity,
        "term": credit / annuity if credit and annuity else None,
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


def synced(values: dict[str, float | None], trigger: str | None) -> dict[str, float | None]:
    """Term and annuity move together (term = credit ÷ annuity): the one typed last wins."""
    credit, annuity, term = values.get("credit"), values.get("annuity"), values.get("term")
    result = dict(values)
    if trigger == BY_KEY["term"].input_id and credit and term:
        result["annuity"] = credit / term
    elif trigger in (BY_KEY["credit"].input_id, BY_KEY["annuity"].input_id) and credit and annuity:
        result["term"] = credit / annuity
    return result
