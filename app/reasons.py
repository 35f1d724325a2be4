"""The principal reasons of a score, one plain sentence each, for a client across the desk.

"Score externe 2 faible (0,21) : augmente le risque": the feature's human label, where the client stands
against the reference clients (low / average / high), the value written for a person, and which way it pushes.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.explanation import Explanation, Factor
from app.i18n import t


@dataclass(frozen=True)
class Reason:
    """A factor of the score told in words."""

    feature: str
    label: str
    value_text: str
    contribution: float
    sentence: str

    def as_dict(self) -> dict[str, object]:
        return {
            "feature": self.feature,
            "label": self.label,
            "value_text": self.value_text,
            "contribution": self.contribution,
            "sentence": self.sentence,
        }


@dataclass(frozen=True)
class PrincipalReasons:
    """The factors that raise the risk the most and those that lower it the most."""

    raising: list[Reason]
    lowering: list[Reason]

    def as_dict(self) -> dict[str, list[dict[str, object]]]:
        return {
            "raising": [r.as_dict() for r in self.raising],
            "lowering": [r.as_dict() for r in self.lowering],
        }


def reason_sentence(explanation: Explanation, factor: Factor, lang: str = "fr") -> str:
    """One factor as a sentence, with the agreement French needs ("élevée" after "Durée")."""
    catalog = explanation.catalog
    feature = catalog[factor.feature]
    effect = t("reason.raises" if factor.raises_risk else "reason.lowers", lang)
    feminine = "_f" if lang == "fr" and feature.feminine else ""
    if factor.value is None:
        missing = t(f"value.missing{feminine}", lang)
        return t("reason.sentence_missing", lang, label=factor.label, missing=missing, effect=effect)
    if feature.kind == "category":
        return t("reason.sentence_level", lang, label=factor.label, value=factor.value_text, effect=effect)
    position = catalog.position(factor.feature, factor.value)
    if position is None:
        return t("reason.sentence_plain", lang, label=factor.label, value=factor.value_text, effect=effect)
    level = t(f"reason.level.{position}{feminine}", lang)
    return t("reason.sentence", lang, label=factor.label, level=level, value=factor.value_text, effect=effect)


def _reason(explanation: Explanation, factor: Factor, lang: str) -> Reason:
    return Reason(
        feature=factor.feature,
        label=factor.label,
        value_text=factor.value_text,
        contribution=factor.contribution,
        sentence=reason_sentence(explanation, factor, lang),
    )


def principal_reasons(explanation: Explanation, lang: str = "fr", n: int = 3) -> PrincipalReasons:
    """The n factors raising the risk the most and the n lowering it the most, strongest first."""
    return PrincipalReasons(
        raising=[_reason(explanation, f, lang) for f in explanation.strongest(True, n, lang)],
        lowering=[_reason(explanation, f, lang) for f in explanation.strongest(False, n, lang)],
    )
