"""Numbers, amounts, percentages, ages and dates as a French (or English) reader expects them.

French typography (CLDR "fr"): digits grouped by a narrow no-break space (U+202F), decimal comma, a no-break
space (U+00A0) before "€" and a narrow no-break space before "%", so that "12 345 €" never wraps inside.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from app.i18n import t
from model_training.decision import decide
from model_training.units import DAYS_PER_YEAR

NNBSP = "\u202f"  # narrow no-break space: French thousands separator and before "%"
NBSP = "\u00a0"  # no-break space: before "€" and the French colon

_MONTHS = {
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


def is_missing(value: object) -> bool:
    """True for None and NaN: the data's "not given"."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _given(value: float | None) -> float | None:
    """The value as a float, None when it is missing (None or NaN)."""
    return None if value is None or is_missing(value) else float(value)


def number(value: float | None, lang: str = "fr", decimals: int = 0) -> str:
    """A number with grouped thousands: "12 345,6" in French, "12,345.6" in English."""
    given = _given(value)
    if given is None:
        return t("value.missing", lang)
    rounded = round(given, decimals)
    if rounded == 0:
        rounded = 0.0  # no "-0"
    text = f"{rounded:,.{decimals}f}"
    if lang == "fr":
        return text.replace(",", NNBSP).replace(".", ",")
    return text


def amount(value: float | None, lang: str = "fr", decimals: int = 0) -> str:
    """An amount in euros: "12 345 €" in French, "€12,345" in English."""
    given = _given(value)
    if given is None:
        return t("value.missing", lang)
    if lang == "fr":
        return f"{number(given, lang, decimals)}{NBSP}€"
    sign = "-" if round(given, decimals) < 0 else ""
    return f"{sign}€{number(abs(given), lang, decimals)}"


def percent(share: float | None, lang: str = "fr", decimals: int = 0) -> str:
    """A share between 0 and 1 as a percentage: "12 %" in French, "12%" in English."""
    given = _given(share)
    if given is None:
        return t("value.missing", lang)
    text = number(given * 100, lang, decimals)
    return f"{text}{NNBSP}%" if lang == "fr" else f"{text}%"


def years_from_days(days: float | None) -> float | None:
    """Years elapsed from a Kaggle DAYS_* value (days before the application, so negative for the past)."""
    given = _given(days)
    return None if given is None else -given / DAYS_PER_YEAR


def years(days: float | None, lang: str = "fr", decimals: int = 0) -> str:
    """A duration read from DAYS_* as whole years: "43 ans", "1 an", "43 years", "less than a year"."""
    elapsed = years_from_days(days)
    if elapsed is None:
        return t("value.missing", lang)
    return years_text(elapsed, lang, decimals)


def years_text(elapsed: float | None, lang: str = "fr", decimals: int = 0) -> str:
    """A number of years in words: "43 ans", "2,5 ans", "moins d'un an"."""
    given = _given(elapsed)
    if given is None:
        return t("value.missing", lang)
    length = abs(given)
    if round(length, decimals) < 1:
        return t("unit.less_than_a_year", lang)
    key = "unit.year" if round(length, decimals) < 2 else "unit.years"
    return t(key, lang, n=number(length, lang, decimals))


def date_text(day: date | None, lang: str = "fr", style: str = "long") -> str:
    """A date: "22 novembre 2025" / "22 November 2025" (long) or "22/11/2025" / "2025-11-22" (short)."""
    if day is None:
        return t("value.missing", lang)
    if style == "short":
        return day.strftime("%d/%m/%Y") if lang == "fr" else day.isoformat()
    month = _MONTHS["fr" if lang == "fr" else "en"][day.month - 1]
    first = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    return f"{first} {month} {day.year}"


def date_from_days(days: float | None, application_day: date) -> date | None:
    """The calendar date a DAYS_* value points to, counted from the application date."""
    given = _given(days)
    return None if given is None else application_day + timedelta(days=round(given))


def label_value(label: str, value: str, lang: str = "fr") -> str:
    """Label and value, with the no-break space French wants before the colon."""
    return f"{label}{NBSP}: {value}" if lang == "fr" else f"{label}: {value}"


#: Risks and thresholds are written with one decimal ("11,6 %")...
RISK_DECIMALS = 1
#: ...and more only when one decimal would make a decision look contradictory (a refused 11,62 % against a
#: threshold of 11,58 % both read "11,6 %"): never more than this.
_MAX_RISK_DECIMALS = 8


@dataclass(frozen=True)
class RiskTexts:
    """A risk and the threshold it is judged against, written with one precision, and the gap between them
    as the reader can check it from the two figures shown ("0,3 point")."""

    risk: str
    threshold: str
    gap: str
    decimals: int
    #: the gap in points as shown (rounded risk minus rounded threshold), for choosing "above" or "below"
    gap_points: float


def risk_decimals(probability: float, threshold: float) -> int:
    """The fewest decimals (at least one) at which the rounded risk and threshold keep their order: a refusal
    never reads below or (unless exactly there) at the threshold, an acceptance never at or above it."""
    for decimals in range(RISK_DECIMALS, _MAX_RISK_DECIMALS + 1):
        shown, limit = round(probability * 100, decimals), round(threshold * 100, decimals)
        # the figures shown must decide as the exact ones do, and read equal only when they are
        if decide(shown, limit) == decide(probability, threshold) and (shown == limit) == (
            probability == threshold
        ):
            return decimals
    return _MAX_RISK_DECIMALS


def risk(share: float | None, lang: str = "fr", decimals: int = RISK_DECIMALS) -> str:
    """A risk or a threshold alone, as every page writes it: "11,6 %"."""
    return percent(share, lang, decimals)


def risk_texts(probability: float, threshold: float, lang: str = "fr") -> RiskTexts:
    """The one way a risk is written next to its threshold (client page, meeting, API sentences, summary)."""
    decimals = risk_decimals(probability, threshold)
    gap = round(round(probability * 100, decimals) - round(threshold * 100, decimals), decimals)
    return RiskTexts(
        risk=risk(probability, lang, decimals),
        threshold=risk(threshold, lang, decimals),
        gap=points(abs(gap), lang, decimals),
        decimals=decimals,
        gap_points=gap,
    )


def points(n: float, lang: str = "fr", decimals: int = 1) -> str:
    """Percentage points: "0,4 point", "1,6 point", "2 points" in French (plural from 2); "1.6 points" in
    English (singular only for exactly one)."""
    shown = round(abs(n), decimals)
    plural = shown >= 2 if lang == "fr" else shown != 1
    return t("client.points_plural" if plural else "client.points", lang, n=number(n, lang, decimals))
