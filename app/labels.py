"""Human names, descriptions (French, English) and value formats of the model's features: no column code
reaches a client.

Labels and descriptions exported by training in serving.json win; a feature without them gets a label
composed from the naming grammar (`model_training.feature_words`, TABLE[_SUBSET]_QUANTITY_STAT) and the
Kaggle column names in `app.vocabulary`, and a description from `model_training.feature_descriptions`, which
reads names with that same grammar. The kind of a feature (amount, duration, share...) says how its value is
written.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np

from app import formatting as fmt
from app.i18n import t
from app.vocabulary import APPLICATION_COLUMNS, application_column_label, level_label
from model_training.feature_descriptions import describe
from model_training.feature_words import APP_FEATURES, Kind, side_table_label

#: French head nouns that are feminine, for agreeing "élevée", "non renseignée".
_FEMININE_HEADS = frozenset(
    {
        *("part", "moyenne", "durée", "dette", "annuité", "ancienneté", "taille", "densité", "note", "heure"),
        *("situation", "profession", "date", "échéance", "échéances", "ouverture", "fin", "clôture"),
        *("décision", "surface", "somme", "utilisation", "valeur", "demande", "proportion", "dispersion"),
        *("consultations", "dernière", "première"),
    }
)


@dataclass(frozen=True)
class FeatureLabel:
    """A feature's human names, the kind of its value and, for a categorical feature, its levels."""

    name: str
    fr: str
    en: str
    kind: Kind = "number"
    levels: tuple[str, ...] = ()
    description_fr: str = ""
    description_en: str = ""

    def label(self, lang: str = "fr") -> str:
        return self.fr if lang == "fr" else self.en

    def description(self, lang: str = "fr") -> str:
        """What the feature means, in the page's language (the hover text under the label)."""
        return self.description_fr if lang == "fr" else self.description_en

    @cached_property
    def feminine(self) -> bool:
        """Whether the French label's head noun is feminine ("Durée ..." → "élevée")."""
        head = self.fr.split(maxsplit=1)[0].casefold() if self.fr else ""
        return head.replace("d’", "") in _FEMININE_HEADS


def application_kind(name: str) -> Kind:
    """How a Kaggle application column's value is written."""
    if name.startswith("AMT_REQ_") or name.startswith(("CNT_", "OBS_", "DEF_")):
        return "count"
    if name.startswith("AMT_"):
        return "amount"
    if name.startswith("DAYS_"):
        return "age_days"
    if name.startswith(("FLAG_", "REG_", "LIVE_")) or name == "EMERGENCYSTATE_MODE":
        return "flag"
    if name.startswith("EXT_SOURCE_") or name.endswith(("_AVG", "_MODE", "_MEDI")):
        return "score"
    if name == "OWN_CAR_AGE":
        return "years"
    if name == "REGION_POPULATION_RELATIVE":
        return "ratio"
    return "number"


def composed_label(name: str, levels: tuple[str, ...] = ()) -> FeatureLabel | None:
    """The label of a feature from its name alone, or None when no rule knows it."""
    if name in APP_FEATURES:
        fr, en, kind = APP_FEATURES[name]
        return FeatureLabel(name, fr, en, kind)
    fr_app, en_app = application_column_label(name, "fr"), application_column_label(name, "en")
    if fr_app and en_app:
        return FeatureLabel(name, fr_app, en_app, "category" if levels else application_kind(name), levels)
    fr_side, en_side = side_table_label(name, "fr"), side_table_label(name, "en")
    if fr_side and en_side:
        return FeatureLabel(name, fr_side[0], en_side[0], fr_side[1])
    return None


def _exported(entry: object) -> tuple[str | None, str | None]:
    """French and English from an exported label or description: {"fr": ..., "en": ...}, or one English
    string (serving.json written before descriptions were bilingual)."""
    if isinstance(entry, Mapping):
        return entry.get("fr"), entry.get("en")
    if isinstance(entry, str):
        return None, entry
    return None, None


def _humanised(name: str) -> str:
    """Last resort for a name no rule knows: words, not a code ("Prev new rule mean")."""
    return re.sub(r"_+", " ", name).strip().capitalize()


#: Where a client's value stands among the reference applicants, in bands a person can check: the lowest
#: 10 %, the lowest 20 %, the middle 60 % ("like most applicants"), the highest 20 %, the highest 10 %.
Standing = Literal["lowest10", "lowest20", "typical", "highest20", "highest10"]
#: Kinds whose raw value is a negative day count (DAYS_BIRTH = -15,000): a person reads the time elapsed, so
#: "highest" means the oldest or longest ago.
_ELAPSED_KINDS = frozenset({"age_days", "relative_days", "months"})


def standing_of(below: float, at_or_below: float) -> Standing:
    """The band of a value from the share of applicants strictly below it and at or below it: a value many
    applicants share (0 late payments) is only "lowest" when even the applicants above it are few."""
    if at_or_below <= 0.10:
        return "lowest10"
    if at_or_below <= 0.20:
        return "lowest20"
    if below >= 0.90:
        return "highest10"
    if below >= 0.80:
        return "highest20"
    return "typical"


class FeatureCatalog:
    """Labels, kinds and levels of the model's features, in model order; writes a value the human way."""

    def __init__(
        self,
        features: Sequence[FeatureLabel],
        reference: Mapping[str, np.ndarray] | None = None,
    ):
        self.features = {f.name: f for f in features}
        self.names = tuple(f.name for f in features)
        #: feature → the reference applicants' known values, sorted, as a person reads them (elapsed time
        #: for DAYS_* kinds): what "among the lowest 10 %" is measured against
        self.reference = dict(reference or {})

    @classmethod
    def build(
        cls,
        feature_names: Sequence[str],
        categorical_levels: Mapping[str, Sequence[str]] | None = None,
        exported: Mapping[str, object] | None = None,
        descriptions: Mapping[str, object] | None = None,
    ) -> FeatureCatalog:
        """The catalogue of a model: exported labels and descriptions first, then composed ones, then the
        name in words. A language an exported entry lacks (French, in an English-only serving.json) is
        composed."""
        levels = {k: tuple(v) for k, v in (categorical_levels or {}).items()}
        built = []
        for name in feature_names:
            composed = composed_label(name, levels.get(name, ()))
            fr, en = _exported((exported or {}).get(name))
            about_fr, about_en = _exported((descriptions or {}).get(name))
            if not (about_fr and about_en):
                written = describe(name)
                about_fr, about_en = about_fr or written.fr, about_en or written.en
            fallback = _humanised(name)
            built.append(
                FeatureLabel(
                    name,
                    fr or (composed.fr if composed else fallback),
                    en or (composed.en if composed else fallback),
                    "category" if name in levels else composed.kind if composed else "number",
                    levels.get(name, ()),
                    about_fr,
                    about_en,
                )
            )
        return cls(built)

    def __getitem__(self, name: str) -> FeatureLabel:
        return self.features[name]

    def __contains__(self, name: object) -> bool:
        return name in self.features

    def label(self, name: str, lang: str = "fr") -> str:
        return self.features[name].label(lang)

    def description(self, name: str, lang: str = "fr") -> str:
        return self.features[name].description(lang)

    def with_reference(self, columns: Mapping[str, np.ndarray]) -> FeatureCatalog:
        """The same catalogue knowing the reference applicants' values of each feature (missing dropped)."""
        reference = {}
        for name, values in columns.items():
            if name not in self.features or self.features[name].kind in ("category", "flag"):
                continue
            known = np.asarray(values, dtype=np.float64)
            known = known[np.isfinite(known)]
            if known.size:
                reference[name] = np.sort(self._as_read(name, known))
        return FeatureCatalog(list(self.features.values()), reference)

    def is_elapsed(self, name: str) -> bool:
        """Whether the feature is a date before the application (read as time elapsed: recent or old)."""
        return self.features[name].kind in _ELAPSED_KINDS

    def _as_read(self, name: str, values: np.ndarray) -> np.ndarray:
        return -values if self.is_elapsed(name) else values

    def standing(self, name: str, value: float | None) -> Standing | None:
        """Where the value stands among the reference applicants; None when missing, a category or a flag,
        or when no reference is known."""
        reference = self.reference.get(name)
        if reference is None or fmt.is_missing(value):
            return None
        assert value is not None
        read = float(self._as_read(name, np.array([value], dtype=np.float64))[0])
        n = reference.size
        below = np.searchsorted(reference, read, side="left") / n
        at_or_below = np.searchsorted(reference, read, side="right") / n
        return standing_of(float(below), float(at_or_below))

    def category_level(self, name: str, code: float) -> str | None:
        """The raw level a categorical code stands for (None when missing or out of range)."""
        levels = self.features[name].levels
        if fmt.is_missing(code) or not 0 <= int(code) < len(levels):
            return None
        return levels[int(code)]

    def value_text(self, name: str, value: float | None, lang: str = "fr") -> str:
        """The value as a person reads it: "12 345 €", "43 ans", "Secondaire", "oui", "35 %"."""
        feature = self.features[name]
        missing_key = "value.missing_f" if lang == "fr" and feature.feminine else "value.missing"
        if fmt.is_missing(value):
            return t(missing_key, lang)
        assert value is not None
        if feature.kind == "category":
            level = self.category_level(name, value)
            return level_label(level, lang) if level is not None else t(missing_key, lang)
        return format_value(feature.kind, float(value), lang)


def _days_text(days: float, lang: str) -> str:
    """A number of days in the unit a person would use: days, months or years."""
    days = abs(days)
    if days < 60:
        return _counted("day", days, lang)
    if days < 2 * fmt.DAYS_PER_YEAR:
        return _counted("month", days / (fmt.DAYS_PER_YEAR / 12), lang)
    return fmt.years_text(days / fmt.DAYS_PER_YEAR, lang)


def _counted(unit: str, n: float, lang: str) -> str:
    """A count with its unit, singular or plural: "1 jour", "3 jours", "5 months"."""
    decimals = 0 if n >= 10 or float(n).is_integer() else 1
    plural = round(abs(n), decimals) >= 2
    return t(f"unit.{unit}s" if plural else f"unit.{unit}", lang, n=fmt.number(n, lang, decimals))


def _compact(value: float, lang: str) -> str:
    """A plain number with as many decimals as its size deserves."""
    size = abs(value)
    decimals = 0 if size >= 100 or value.is_integer() else 1 if size >= 10 else 2
    return fmt.number(value, lang, decimals)


def format_value(kind: Kind, value: float, lang: str = "fr") -> str:
    """A known value of a feature of this kind, written for a person."""
    if kind == "amount":
        return fmt.amount(value, lang)
    if kind == "age_days":
        return fmt.years(value, lang)
    if kind == "years":
        return fmt.years_text(value, lang)
    if kind == "relative_days":
        key = "unit.ago" if value <= 0 else "unit.in"
        return t(key, lang, duration=_days_text(value, lang))
    if kind == "duration_days":
        return ("-" if value < 0 else "") + _days_text(value, lang)
    if kind == "late_days":
        return _counted("day", value, lang)
    if kind == "months":
        return t("unit.ago", lang, duration=_counted("month", abs(value), lang))
    if kind == "share":
        return fmt.percent(value, lang, 0 if abs(value) >= 0.1 or value == 0 else 1)
    if kind == "score":
        return fmt.number(value, lang, 2)
    if kind == "flag":
        return t("value.yes" if value >= 0.5 else "value.no", lang)
    if kind == "count":
        return fmt.number(value, lang, 0 if value.is_integer() else 1)
    if kind == "ratio":
        return fmt.number(value, lang, 2 if abs(value) < 10 else 1)
    return _compact(value, lang) if math.isfinite(value) else str(value)


def is_code(text: str) -> bool:
    """Whether a label still looks like a column code (capitals and underscores): never shown to a client."""
    return bool(re.fullmatch(r"[A-Z0-9_]+", text)) or "_" in text


__all__ = [
    "APPLICATION_COLUMNS",
    "APP_FEATURES",
    "FeatureCatalog",
    "FeatureLabel",
    "Kind",
    "format_value",
    "is_code",
    "side_table_label",
]
