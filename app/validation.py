"""Checks on a client's application fields before they are scored (API `POST /score` and the what-if page).

Kaggle names the fields; the Kaggle schema says their kind and categorical levels. On top of the types, a few
ranges and consistency rules catch what a person can mistype (a negative income, an annuity above the credit)
without rejecting any row of the real data. Every problem is reported at once, one message per field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np

from app.i18n import t
from model_training import schema
from model_training.errors import InputError
from model_training.quirks import DAYS_SENTINEL
from model_training.units import DAYS_PER_YEAR

APPLICATION_TABLE = "application_test"
#: Kaggle's "no date" sentinel in DAYS_EMPLOYED: the applicant has no job (mostly pensioners).
DAYS_EMPLOYED_NOT_WORKING = DAYS_SENTINEL
MAX_ANNUITIES = 120  # AMT_ANNUITY is a monthly repayment: at most 10 years
MIN_WORKING_AGE_YEARS = 14


class FieldErrors(InputError):
    """Bad application fields: `errors` maps each field to what is wrong with it, in the user's language."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.errors.items()))


@dataclass(frozen=True)
class Bounds:
    """Inclusive range of a numeric field; `positive` excludes 0 (an amount lent or earned); `also` lists
    values accepted outside the range (Kaggle's sentinels)."""

    low: float | None = None
    high: float | None = None
    positive: bool = False
    also: tuple[float, ...] = ()


_DAYS_IN_PAST = Bounds(low=-100 * DAYS_PER_YEAR, high=0)
_SHARE = Bounds(low=0, high=1)
_COUNT = Bounds(low=0)
_FLAG = Bounds(low=0, high=1)
#: Query parameters of the API (`?reasons=`, `?top=`), checked here and declared from here in the OpenAPI
#: document: how many reasons each way, how many of the strongest contributions.
REASONS_PER_SIDE = Bounds(low=0, high=50)
TOP_CONTRIBUTIONS = Bounds(low=1, high=2**31 - 1)
_WHOLE = re.compile(r"-?[0-9]+")


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
        "DAYS_EMPLOYED": Bounds(low=-100 * DAYS_PER_YEAR, high=0, also=(DAYS_EMPLOYED_NOT_WORKING,)),
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


@cache
def field_bounds(name: str) -> Bounds | None:
    """The range a numeric field must be in: its rule above, inside what its stored type holds (whole
    numbers are stored in 8, 16 or 32 bits: SK_ID_CURR is an int32)."""
    rule = _bounds_for(name)
    if application_columns()[name].kind != "int":
        return rule
    from model_training.data import polars_schema  # polars: only when a field is checked

    stored = np.iinfo(str(polars_schema(APPLICATION_TABLE)[name]).lower())
    rule = rule or Bounds()
    low = stored.min if rule.low is None else max(rule.low, stored.min)
    high = stored.max if rule.high is None else min(rule.high, stored.max)
    return Bounds(low=low, high=high, positive=rule.positive, also=rule.also)


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
    """The schema's spelling of a level, forgiving ASCII case and surrounding spaces (`level_pattern`)."""
    wanted = value.strip()
    if not wanted.isascii():  # "K" (Kelvin sign) lower-cases to "k": only ASCII letters are forgiven
        return None
    return next((level for level in column.levels if level.lower() == wanted.lower()), None)


_REGEX_SYNTAX = set("\\^$.|?*+()[]{}")


def level_pattern(levels: tuple[str, ...]) -> str:
    """The regular expression (ECMA-262, as JSON Schema reads it) of the text `_level` accepts."""

    def letter(char: str) -> str:
        if char.isascii() and char.isalpha():
            return f"[{char.upper()}{char.lower()}]"
        return "\\" + char if char in _REGEX_SYNTAX else char

    return "^\\s*(" + "|".join("".join(map(letter, level)) for level in levels) + ")\\s*$"


def field_schema(column: schema.Column) -> dict[str, object]:
    """The JSON Schema (OpenAPI 3.0) of what `check_field` accepts in a field: one definition of the rules
    for the checks and for the API's document. Every field may be null (a missing value)."""
    if column.kind == "category":
        levels = ", ".join(column.levels)
        return {
            "type": "string",
            "nullable": True,
            "pattern": level_pattern(column.levels),
            "description": f"One of: {levels} (case and surrounding spaces do not matter).",
        }
    described: dict[str, object] = {"type": "integer" if column.kind == "int" else "number", "nullable": True}
    bounds = field_bounds(column.name)
    if bounds is None:
        return described
    if _bounds_for(column.name) is _FLAG and column.kind != "int":
        return described | {"enum": [0, 1, None]}
    limits: dict[str, object] = {}
    if bounds.positive:
        limits |= {"minimum": 0, "exclusiveMinimum": True}
    if bounds.low is not None and not bounds.positive:
        limits["minimum"] = _plain(bounds.low)
    if bounds.high is not None:
        limits["maximum"] = _plain(bounds.high)
    if bounds.also:
        return described | {"anyOf": [limits, {"enum": list(map(_plain, bounds.also))}]}
    return described | limits


def _plain(number: float) -> int | float:
    """1.0 as 1 in the document; -6574.5 as is."""
    return int(number) if float(number).is_integer() else float(number)


def _check_bounds(name: str, number: float, lang: str, typed: object) -> str | None:
    """Why a number is out of its field's range, quoting it as the user typed it."""
    bounds = field_bounds(name)
    if bounds is None:
        return None
    if _bounds_for(name) is _FLAG and number not in (0, 1):
        return t("error.flag", lang, value=_shown(typed))
    return out_of_bounds(bounds, number, lang, typed)


def out_of_bounds(bounds: Bounds, number: float, lang: str, typed: object) -> str | None:
    """Why a number is outside `bounds`, quoting it as the user typed it; None when it is inside."""
    if number in bounds.also:
        return None
    if bounds.positive and number <= 0:
        return t("error.positive", lang, value=_shown(typed))
    if bounds.low is not None and number < bounds.low:
        return t("error.below", lang, bound=round(bounds.low), value=_shown(typed))
    if bounds.high is not None and number > bounds.high:
        return t("error.above", lang, bound=round(bounds.high), value=_shown(typed))
    return None


def check_whole_number(text: str, bounds: Bounds, lang: str) -> tuple[int | None, str | None]:
    """A whole number written in a URL (`?reasons=3`), or why it cannot be one: plain ASCII digits only."""
    if not _WHOLE.fullmatch(text):
        return None, t("error.not_whole", lang, value=_shown(text))
    number = int(text) if len(text) < 100 else float(text)  # int() refuses more than 4,300 digits
    return int(number) if math.isfinite(number) else None, out_of_bounds(bounds, number, lang, text)


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
