"""The principal reasons of a score, by concept, one plain sentence each, for a client across the desk.

"Scores de crédit externes — plus bas des scores externes : parmi les 10 % les plus bas des demandeurs.
Augmente le risque de 6,2 points." A reason is a concept (model_training.concepts), so the same thing is never
said three times; it names the concept's feature that pushes its way the most, says where the client stands
against other applicants in words that are true (bands of the reference applicants, never "low" for a typical
value), never a raw model value (a score "0,21"), and how many points of risk the concept moves.
"""

from __future__ import annotations

from dataclasses import dataclass

from app import formatting as fmt
from app.explanation import ConceptPart, Explanation
from app.i18n import t

#: Kinds whose values are the model's own numbers (external scores, ratios): a client is told where they
#: stand, never the number.
_MODEL_NUMBERS = frozenset({"score", "ratio", "number", "share"})
#: Below half a tenth of a point, "by 0.0 points" would read as nothing: say "slightly".
_SLIGHT = 0.0005


@dataclass(frozen=True)
class Reason:
    """A concept's part in the score told in words, with the feature it is told through."""

    concept: str
    label: str
    points: float
    contribution: float
    feature: str
    feature_label: str
    value_text: str
    standing: str | None
    sentence: str

    def as_dict(self) -> dict[str, object]:
        return {
            "concept": self.concept,
            "label": self.label,
            "points": self.points,
            "contribution": self.contribution,
            "feature": self.feature,
            "feature_label": self.feature_label,
            "value_text": self.value_text,
            "standing": self.standing,
            "sentence": self.sentence,
        }


@dataclass(frozen=True)
class PrincipalReasons:
    """The concepts that raise the risk the most and those that lower it the most."""

    raising: list[Reason]
    lowering: list[Reason]

    def as_dict(self) -> dict[str, list[dict[str, object]]]:
        return {
            "raising": [r.as_dict() for r in self.raising],
            "lowering": [r.as_dict() for r in self.lowering],
        }


def points_text(points: float, lang: str = "fr") -> str:
    """A step in probability as percentage points: "6,2 points", "0,4 point"."""
    return fmt.points(abs(points) * 100, lang)


def effect_text(points: float, lang: str = "fr") -> str:
    """ "Augmente le risque de 6,2 points" / "Lowers the risk slightly"."""
    way = "raises" if points > 0 else "lowers"
    if abs(points) < _SLIGHT:
        return t(f"reason.{way}_slightly", lang)
    return t(f"reason.{way}_by", lang, points=points_text(points, lang))


def _lower_first(label: str) -> str:
    """ "Plus bas des scores externes" inside a sentence; a leading acronym keeps its capitals."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def where_text(explanation: Explanation, feature: str, lang: str = "fr") -> str | None:
    """Where the client stands on a feature, in words and without a model number: a band of the reference
    applicants, the level of a category, yes or no, "not given"; None when none of these is true to say."""
    catalog = explanation.catalog
    kind = catalog[feature].kind
    value = explanation.value(feature)
    standing = catalog.standing(feature, value)
    if standing is not None:  # dates are told as recent or old, not low or high
        return t(f"standing.{standing}{'_date' if catalog.is_elapsed(feature) else ''}", lang)
    if value is None or kind in ("category", "flag"):  # "célibataire" inside a sentence
        return _lower_first(catalog.value_text(feature, value, lang))
    if kind in _MODEL_NUMBERS:
        return None
    return catalog.value_text(feature, value, lang)  # an amount, an age, a count: the client's own figure


#: A feature at least this share of the concept's strongest push may tell the reason instead of it, when
#: what it says is more telling than "like most applicants".
_TELLING_SHARE = 0.5


def _voice(explanation: Explanation, part: ConceptPart) -> int:
    """The concept's feature that tells the reason: among those pushing the concept's way, the strongest,
    unless it is typical and another pushing at least half as hard is not (a band, a missing value, a
    category); its first feature when none pushes its way."""
    same_way = [i for i in part.features if (explanation.contributions[i] > 0) == part.raises_risk]
    if not same_way:
        return part.features[0]
    strongest = abs(float(explanation.contributions[same_way[0]]))
    for i in same_way:
        if abs(float(explanation.contributions[i])) < _TELLING_SHARE * strongest:
            break
        if _telling(explanation, i):
            return i
    return same_way[0]


def _telling(explanation: Explanation, position: int) -> bool:
    """Whether a feature says more than "like most applicants": a band off the middle, or a value with no
    band (a category, a flag, a missing value)."""
    feature = explanation.catalog.names[position]
    return explanation.catalog.standing(feature, explanation.value(feature)) != "typical"


def concept_reason(explanation: Explanation, part: ConceptPart, lang: str = "fr") -> Reason:
    """One concept as a reason: its label, the feature it is told through, where the client stands."""
    catalog = explanation.catalog
    feature = catalog.names[_voice(explanation, part)]
    feature_label = catalog.label(feature, lang)
    where = where_text(explanation, feature, lang)
    effect = effect_text(part.points, lang)
    about = _lower_first(feature_label)
    if where is None:
        sentence = t("reason.concept_plain", lang, concept=part.label, feature=about, effect=effect)
    else:
        sentence = t("reason.concept", lang, concept=part.label, feature=about, where=where, effect=effect)
    standing = catalog.standing(feature, explanation.value(feature))
    return Reason(
        concept=part.concept,
        label=part.label,
        points=part.points,
        contribution=part.contribution,
        feature=feature,
        feature_label=feature_label,
        value_text=catalog.value_text(feature, explanation.value(feature), lang),
        standing=standing,
        sentence=sentence,
    )


def principal_reasons(explanation: Explanation, lang: str = "fr", n: int = 3) -> PrincipalReasons:
    """The n concepts raising the risk the most and the n lowering it the most, strongest first; a concept
    is on one side only (its features' sum), so the reasons each way name distinct concepts."""
    parts = explanation.concepts(lang)
    raising = sorted((p for p in parts if p.contribution > 1e-9), key=lambda p: -p.points)
    lowering = sorted((p for p in parts if p.contribution < -1e-9), key=lambda p: p.points)
    return PrincipalReasons(
        raising=[concept_reason(explanation, p, lang) for p in raising[:n]],
        lowering=[concept_reason(explanation, p, lang) for p in lowering[:n]],
    )
