"""The concepts a person explains a credit decision with, and the one concept each feature belongs to.

A client does not hear "the lowest, the highest and the mean of the external scores" as three reasons: they
are one thing, what other institutions' scores say. Each concept is named for a person ("Crédits auprès
d'autres prêteurs"), and each feature belongs to exactly one, read from the words of its name with the same
naming grammar that gives labels (model_training.feature_words: the side table's prefix, then the Kaggle
column words such as INCOME, EMPLOYED, REGION), never from a list typed feature by feature. A concept's
contribution is the sum of its features' exact SHAP values, so concepts stay additive to the probability.

Pure Python: training, the app and the API import it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Concept:
    """One thing a client can understand and act on, with its words in both languages."""

    key: str
    fr: str
    en: str
    #: the words of a feature name that place it here (a regular expression over the name)
    rule: str

    def label(self, lang: str = "fr") -> str:
        return self.fr if lang == "fr" else self.en


#: In the order a conversation goes: who the client is, what they ask for, then their credit history.
#: The rules are disjoint: a test checks that every feature matches exactly one.
CONCEPTS: tuple[Concept, ...] = (
    Concept(
        "loan",
        "Le crédit demandé : montant, durée, mensualité",
        "The loan asked for: amount, term, monthly payment",
        # the application's own amounts and contract, and the ratios between them (not to income: charges)
        r"^(AMT_CREDIT|AMT_ANNUITY|AMT_GOODS_PRICE|NAME_CONTRACT_TYPE)$"
        r"|^APP_(PAYMENT_RATE|GOODS_CREDIT|CREDIT_GOODS|TERM|INTEREST)",
    ),
    Concept(
        "income",
        "Revenus et charges",
        "Income and charges",
        r"INCOME",
    ),
    Concept(
        "work",
        "Âge, emploi et stabilité",
        "Age, work and stability",
        r"BIRTH|AGE_YEARS|EMPLOY|OCCUPATION|ORGANIZATION|EDUCATION|REGISTRATION",
    ),
    Concept(
        "family",
        "Famille et entourage",
        "Family and circle",
        r"CHILDREN|FAM_MEMBERS|FAMILY_STATUS|TYPE_SUITE|SOCIAL_CIRCLE",
    ),
    Concept(
        "housing",
        "Logement, voiture et région",
        "Housing, car and region",
        # REGION_*, the REG_/LIVE_ address mismatches, the building statistics (*_AVG, *_MODE, *_MEDI)
        r"REGION|_CITY|HOUSING|REALTY|OWN_CAR|CAR_AGE|_AVG$|_MODE$|_MEDI$",
    ),
    Concept(
        "documents",
        "Documents et coordonnées",
        "Documents and contacts",
        # documents given, phones and e-mail given, the identity document's age, when the file was filed
        r"DOCUMENT|PHONE|EMAIL|MOBIL|ID_PUBLISH|APPR_PROCESS_START",
    ),
    Concept(
        "external_scores",
        "Scores de crédit externes",
        "External credit scores",
        r"EXT_SOURCE",
    ),
    Concept(
        "history_with_us",
        "Remboursement des prêts précédents chez nous",
        "Repayment of earlier loans with us",
        # POS_CASH_balance, installments_payments, credit_card_balance: loans the lender itself granted
        r"^(POS|INST|CC)_",
    ),
    Concept(
        "earlier_applications",
        "Demandes de crédit précédentes",
        "Earlier credit applications",
        r"^PREV_",
    ),
    Concept(
        "other_lenders",
        "Crédits auprès d’autres prêteurs",
        "Credits with other lenders",
        # the bureau tables and the bureau enquiries of the application
        r"^BUREAU_|CREDIT_BUREAU|BUREAU_REQUEST",
    ),
)

BY_KEY: dict[str, Concept] = {c.key: c for c in CONCEPTS}
_RULES = tuple((c, re.compile(c.rule)) for c in CONCEPTS)


class UnknownConcept(LookupError):
    """A feature name no concept's words cover: a new feature needs its words in a rule."""


def matching_concepts(feature: str) -> list[str]:
    """Every concept whose rule matches the name (exactly one for a well-named feature)."""
    return [concept.key for concept, rule in _RULES if rule.search(feature)]


def concept_of(feature: str) -> str:
    """The key of the one concept a feature belongs to; UnknownConcept when none or several match."""
    found = matching_concepts(feature)
    if len(found) != 1:
        what = "no concept" if not found else f"several concepts ({', '.join(found)})"
        raise UnknownConcept(f"{feature}: {what} match its name")
    return found[0]


@lru_cache(maxsize=4096)
def concept_or_blank(feature: str) -> str:
    """The feature's concept, or "" for a name no concept covers (a foreign model's feature in the store)."""
    found = matching_concepts(feature)
    return found[0] if len(found) == 1 else ""


def concepts_of(features: Iterable[str]) -> tuple[str, ...]:
    """The concept of each feature, in the features' order."""
    return tuple(concept_of(f) for f in features)


def concept_label(key: str, lang: str = "fr") -> str:
    return BY_KEY[key].label(lang)


def concept_members(features: Sequence[str]) -> dict[str, list[int]]:
    """The positions of each concept's features in a model's feature order (concepts in CONCEPTS order,
    those without any feature left out)."""
    members: dict[str, list[int]] = {c.key: [] for c in CONCEPTS}
    for i, key in enumerate(concepts_of(features)):
        members[key].append(i)
    return {key: positions for key, positions in members.items() if positions}
