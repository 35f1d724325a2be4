"""Checks on a client's application fields before they are scored (API `POST /score` and the what-if page).

Kaggle names the fields; the Kaggle schema says their kind and categorical levels. On top of the types, a few
ranges and consistency rules catch what a person can mistype (a negative income, an annuity above the credit)
without rejecting any row of the real data. Every problem is reported at once, one message per field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from app.i18n import t
from model_training import schema
from model_training.errors import InputError

APPLICATION_TABLE = "application_test"
#: Kaggle writes 365243 in DAYS_EMPLOYED for applicants with no job (mostly pensioners).
DAYS_EMPLOYED_NOT_WORKING = 365_243
DAYS_PER_YEAR = 365.25
MAX_ANNUITIES = 120  # AMT_ANNUITY is a monthly repayment: at most 10 years
MIN_WORKING_AGE_YEARS = 14


class FieldErrors(InputError):
    """Bad application fields: `errors` maps each field to what is wrong with it, in the user's language."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.errors.items()))


@dataclass(frozen=True)
class Bounds:
    """Inclusive range of a numeric field; `positive` excludes 0 (an amount lent or earned)."""

    low: float | None = None
    high: float | None = None
    positive: bool = False


_DAYS_IN_PAST = Bounds(low=-100 * DAYS_PER_YEAR, high=0)
_SHARE = Bounds(low=0, high=1)
_COUNT = Bounds(low=0)
_FLAG = Bounds(low=0, high=1)


def _bounds_for(name: str) -> Bounds | None:
    """Range rules read off the Kaggle column names: the grammar is regular enough to need no table."""
    fixed = {
        "AMT_INCOME_TOTAL": Bounds(positive=True),
        "AMT_CREDIT": Bounds(positive=True),
        "AMT_ANNUITY": Bounds(positive=True),
        "AMT_GOODS_PRICE": Bounds(positive=True),
        "CNT_CHILDREN": Bounds(low=0, high=30),
        "CNT_FAM_MEMBERS": Bounds(low=1, high=40),
        "DAYS_BIRTH": Bounds(low=-100 * DAYS_PER_YEAR, high=-18 * DAYS_PER_YEAR),
        "DAYS_EMPLOYED": Bounds(low=-100 * DAYS_PER_YEAR, high=DAYS_EMPLOYED_NOT_WORKING),
        "OWN_CAR_AGE": Bounds(low=0, high=100),
        "REGION_POPULATION_RELATIVE": _SHARE,
        "REGION_RATING_CLIENT": Bounds(low=1, high=3),
        "REGION_RATING_CLIENT_W_CITY": Bounds(low=1, high=3),
        "HOUR_APPR_PROCESS_START": Bounds(low=0, high=23),
    }
    if name in fixed:
        return fixed[name]
    if name.startswith("DAYS_"):
        return _DAYS_IN_PAST
    if name.startswith("EXT_SOURCE_") or name.endswith(("_AVG", "_MODE", "_MEDI")):
        return _SHARE
    if name.startswith(("FLAG_", "REG_", "LIVE_")):
        return _FLAG
    if name.startswith(("AMT_REQ_", "OBS_", "DEF_")):
        return _COUNT
    return None


@cache
def application_columns() -> dict[str, schema.Column]:
    """The fields a client's application may carry, by name (the Kaggle application_test columns)."""
    return {c.name: c for c in schema.columns(APPLICATION_TABLE)}


def _shown(value: object) -> str:
    """A value as the user typed it in JSON: quoted text, lower-case true/false."""
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if isinstance(value, str) else str(value)


def _number(value: object) -> float | None:
    """A JSON number as float; booleans and text are not numbers even though Python would allow it."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _level(column: schema.Column, value: str) -> str | None:
    """The schema's spelling of a level, forgiving case and surrounding spaces."""
    wanted = value.strip().casefold()
    return next((level for level in column.levels if level.casefold() == wanted), None)


def _check_bounds(name: str, number: float, lang: str, typed: object) -> str | None:
    """Why a number is out of its field's range, quoting it as the user typed it."""
    bounds = _bounds_for(name)
    if bounds is None:
        return None
    if bounds is _FLAG and number not in (0, 1):
        return t("error.flag", lang, value=_shown(typed))
    if bounds.positive and number <= 0:
        return t("error.positive", lang, value=_shown(typed))
    if name == "DAYS_EMPLOYED" and number == DAYS_EMPLOYED_NOT_WORKING:
        return None
    high = 0 if name == "DAYS_EMPLOYED" else bounds.high
    if bounds.low is not None and number < bounds.low:
        return t("error.below", lang, bound=round(bounds.low), value=_shown(typed))
    if high is not None and number > high:
        return t("error.above", lang, bound=round(high), value=_shown(typed))
    return None


def check_field(column: schema.Column, value: object, lang: str) -> tuple[object, str | None]:
    """One field's value in the schema's type, or the message saying why it cannot be."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, None
    if column.kind == "category":
        if not isinstance(value, str):
            return None, t("error.not_text", lang, value=_shown(value))
        level = _level(column, value)
        if level is None:
            return None, t("error.unknown_level", lang, value=_shown(value), levels=", ".join(column.levels))
        return level, None
    number = _number(value)
    if number is None or not math.isfinite(number):
        return None, t("error.not_a_number", lang, value=_shown(value))
    if column.kind == "int":
        if not number.is_integer():
            return None, t("error.not_whole", lang, value=_shown(value))
        return int(number), _check_bounds(column.name, number, lang, value)
    return number, _check_bounds(column.name, number, lang, value)


def consistency_errors(row: Mapping[str, object], given: set[str], lang: str) -> dict[str, str]:
    """Rules between fields, checked only where the user gave one of the fields involved.

    A stored application that already breaks a rule must stay explorable when an unrelated field changes.
    """
    errors: dict[str, str] = {}

    def known(*names: str) -> bool:
        return all(row.get(n) is not None for n in names) and bool(given.intersection(names))

    if known("AMT_ANNUITY", "AMT_CREDIT"):
        annuity, credit = float(row["AMT_ANNUITY"]), float(row["AMT_CREDIT"])  # type: ignore[arg-type]
        if annuity > credit:
            errors["AMT_ANNUITY"] = t("error.annuity_above_credit", lang)
        elif annuity > 0 and credit / annuity > MAX_ANNUITIES:
            errors["AMT_ANNUITY"] = t("error.term_too_long", lang, max=MAX_ANNUITIES)
    if known("DAYS_EMPLOYED", "DAYS_BIRTH"):
        employed, birth = float(row["DAYS_EMPLOYED"]), float(row["DAYS_BIRTH"])  # type: ignore[arg-type]
        if employed <= 0 and -employed > -birth - MIN_WORKING_AGE_YEARS * DAYS_PER_YEAR:
            errors["DAYS_EMPLOYED"] = t("error.employed_before_age", lang, min=MIN_WORKING_AGE_YEARS)
    if known("CNT_FAM_MEMBERS", "CNT_CHILDREN") and (
        float(row["CNT_FAM_MEMBERS"]) < float(row["CNT_CHILDREN"]) + 1  # type: ignore[arg-type]
    ):
        errors["CNT_FAM_MEMBERS"] = t("error.family_smaller_than_children", lang)
    return errors


def validate_application(
    fields: object, lang: str = "fr", base: Mapping[str, object] | None = None
) -> dict[str, object]:
    """The application fields typed as the schema says, over `base` (a stored application, for what-if).

    Raises FieldErrors naming every unknown, mistyped, out-of-range or inconsistent field.
    """
    if not isinstance(fields, Mapping):
        raise FieldErrors({"_body": t("error.not_an_object", lang)})
    columns = application_columns()
    errors: dict[str, str] = {}
    cleaned: dict[str, object] = {}
    for name, value in fields.items():
        column = columns.get(name)
        if column is None:
            errors[str(name)] = t("error.unknown_field", lang)
            continue
        cleaned[name], message = check_field(column, value, lang)
        if message:
            errors[name] = message
    row = {**(base or {}), **cleaned}
    for name, message in consistency_errors(row, set(cleaned), lang).items():
        errors.setdefault(name, message)
    if errors:
        raise FieldErrors(errors)
    return row
