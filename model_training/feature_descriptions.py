"""What each model feature means, in French and in English: the hover texts of the app and serving.json.

A raw Kaggle column is described in French by the project's hand-written catalogue
(`column_descriptions_fr.json`) and in English by Kaggle's HomeCredit_columns_description when training had
it, else by the project's own `column_descriptions.json`. An engineered feature is described in both
languages from its name, read by the grammar that gives the app its labels (model_training.feature_words), so
a description never contradicts the label it sits under. Pure Python, no heavy import: the app uses it to
fill in French for artifacts exported before descriptions were bilingual.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from model_training.feature_words import QUANTITIES, TABLES, W, parse_side_table, side_table_label

FRENCH_CATALOGUE = Path(__file__).with_name("column_descriptions_fr.json")
ENGLISH_CATALOGUE = Path(__file__).with_name("column_descriptions.json")
APPLICATION = "application"
NBSP = "\u00a0"

#: The application's engineered features (model_training.features.application).
APPLICATION_FEATURES: dict[str, W] = {
    "APP_AGE_YEARS": ("Âge du demandeur, en années.", "Age of the applicant, in years."),
    "APP_EMPLOYED_YEARS": (
        "Ancienneté dans l’emploi actuel, en années (non renseignée sans emploi).",
        "Years in the current job (missing when not in work).",
    ),
    "APP_NOT_EMPLOYED": (
        "Oui quand le demandeur n’a pas d’emploi actuel (retraité, sans emploi).",
        "Yes when the applicant has no current job (pensioner, unemployed).",
    ),
    "APP_CREDIT_INCOME_RATIO": (
        "Montant du crédit divisé par le revenu annuel.",
        "Credit amount divided by yearly income.",
    ),
    "APP_ANNUITY_INCOME_RATIO": (
        "Mensualité du crédit divisée par le revenu annuel\u00a0: la part du revenu que prend le prêt.",
        "Loan annuity divided by yearly income: the share of income the loan takes.",
    ),
    "APP_PAYMENT_RATE": (
        "Mensualité divisée par le montant du crédit (un taux élevé signale un crédit court).",
        "Annuity divided by the credit amount (a high rate means a short loan).",
    ),
    "APP_EMPLOYED_AGE_RATIO": (
        "Ancienneté dans l’emploi actuel rapportée à l’âge du demandeur.",
        "Time in the current job as a share of the applicant's age.",
    ),
    "APP_INCOME_PER_PERSON": (
        "Revenu annuel divisé par le nombre de personnes du foyer.",
        "Yearly income per family member.",
    ),
    "APP_GOODS_CREDIT_RATIO": (
        "Prix du bien financé divisé par le montant du crédit.",
        "Price of the goods divided by the credit amount.",
    ),
    "APP_CREDIT_GOODS_DIFF": (
        "Montant du crédit moins le prix du bien\u00a0: ce que le prêt finance en plus du bien.",
        "Credit amount minus the price of the goods (what the loan adds to them).",
    ),
    "APP_CHILDREN_RATIO": (
        "Part des enfants parmi les personnes du foyer.",
        "Children as a share of the family members.",
    ),
    "APP_REGISTRATION_AGE_RATIO": (
        "Temps écoulé depuis le changement d’inscription administrative, rapporté à l’âge du demandeur.",
        "Days since the registration change, relative to the applicant's age.",
    ),
    "APP_ID_PUBLISH_AGE_RATIO": (
        "Ancienneté de la pièce d’identité présentée, rapportée à l’âge du demandeur.",
        "Days since the identity document change, relative to the applicant's age.",
    ),
    "APP_PHONE_CHANGE_AGE_RATIO": (
        "Temps écoulé depuis le dernier changement de téléphone, rapporté à l’âge du demandeur.",
        "Days since the last phone change, relative to the applicant's age.",
    ),
    "APP_CAR_AGE_RATIO": (
        "Âge de la voiture du demandeur rapporté à son propre âge.",
        "Age of the applicant's car relative to the applicant's age.",
    ),
    "APP_EXT_SOURCE_MEAN": (
        "Moyenne des trois scores de crédit externes (de 0 à 1, plus haut = plus sûr).",
        "Average of the three external credit scores.",
    ),
    "APP_EXT_SOURCE_MIN": (
        "Plus bas des trois scores de crédit externes.",
        "Lowest of the three external credit scores.",
    ),
    "APP_EXT_SOURCE_MAX": (
        "Plus haut des trois scores de crédit externes.",
        "Highest of the three external credit scores.",
    ),
    "APP_EXT_SOURCE_STD": (
        "Écart type des scores de crédit externes\u00a0: à quel point ils divergent.",
        "Spread of the external credit scores (standard deviation).",
    ),
    "APP_EXT_SOURCE_PROD": (
        "Produit des trois scores de crédit externes.",
        "Product of the three external credit scores.",
    ),
    "APP_EXT_SOURCE_WEIGHTED": (
        "Moyenne pondérée des scores de crédit externes (poids 2, 1 et 3).",
        "Weighted average of the external credit scores (weights 2, 1, 3).",
    ),
    "APP_EXT_SOURCE_MISSING_COUNT": (
        "Nombre de scores de crédit externes manquants, sur les trois.",
        "How many of the three external credit scores are missing.",
    ),
    "APP_TERM_MONTHS": (
        "Durée standard la plus courte (6 à 60 mois) sur laquelle la mensualité rembourse le crédit\u00a0: "
        "la durée n’est pas dans la demande, elle est déduite du montant et de la mensualité.",
        "Shortest standard term (6 to 60 months) over which the annuity repays the credit: the application "
        "does not give the term, so it is inferred from the amount and the annuity.",
    ),
    "APP_INTEREST_RATE": (
        "Taux annuel auquel la mensualité rembourse le crédit sur la durée probable\u00a0: le prix que "
        "le prêteur a fixé pour ce crédit.",
        "Annual rate at which the annuity repays the credit over the likely term: the price the lender set "
        "for this loan.",
    ),
    "APP_INTEREST_SHARE": (
        "Total des intérêts sur la durée probable, divisé par le montant du crédit.",
        "Total interest over the likely term divided by the credit amount.",
    ),
    "APP_DOCUMENT_COUNT": (
        "Nombre de documents fournis par le demandeur avec sa demande.",
        "Number of documents the applicant provided.",
    ),
    "APP_REGION_MISMATCH_COUNT": (
        "Nombre d’écarts entre les régions et les villes du domicile, du travail et de l’adresse officielle.",
        "How many of the address, work and registration regions and cities differ.",
    ),
    "APP_BUREAU_REQUEST_COUNT": (
        "Consultations du bureau de crédit au sujet du demandeur sur l’année précédant la demande.",
        "Enquiries to the credit bureau about the applicant over the last year.",
    ),
}

#: Per-row quantities the feature modules compute (they are no Kaggle column, so no catalogue knows them).
DERIVED_QUANTITIES: dict[str, W] = {
    # bureau
    "DEBT_CREDIT_RATIO": (
        "part du crédit encore due (dette restante divisée par le montant du crédit)",
        "share of the credit still owed (remaining debt divided by the credit amount)",
    ),
    "CREDIT_DURATION": (
        "durée prévue du crédit, de son ouverture à sa fin prévue",
        "planned length of the credit, from its opening to its planned end",
    ),
    "ENDDATE_GAP": (
        "écart entre la fin réelle et la fin prévue du crédit (négatif\u00a0: soldé en avance)",
        "actual minus planned end of the credit (negative: closed early)",
    ),
    # bureau_balance, reduced per credit
    "MONTHS": ("nombre de mois d’historique du crédit", "months of history of the credit"),
    "DPD_MONTHS": ("nombre de mois où le crédit était en retard", "months in which the credit was past due"),
    "DPD30_MONTHS": (
        "nombre de mois où le crédit avait plus de 30 jours de retard",
        "months in which the credit was over 30 days past due",
    ),
    "DPD_SHARE": ("part des mois où le crédit était en retard", "share of months the credit was past due"),
    "UNKNOWN_SHARE": ("part des mois sans statut connu", "share of months without a known status"),
    "WORST_STATUS": (
        "pire niveau de retard atteint par le crédit, de 0 (jamais en retard) à 5 (plus de 120 jours)",
        "worst lateness level the credit reached, from 0 (never late) to 5 (over 120 days)",
    ),
    # previous_application
    "APPLICATION_CREDIT_RATIO": (
        "montant demandé divisé par le montant accordé (au-dessus de 1\u00a0: le client a obtenu moins)",
        "amount asked divided by the amount granted (above 1: the client got less)",
    ),
    "PAYMENT_RATE": (
        "mensualité divisée par le montant accordé (un taux élevé signale un crédit court)",
        "annuity divided by the amount granted (a high rate means a short credit)",
    ),
    "TOTAL_REPAYMENT_RATIO": (
        "total des mensualités prévues divisé par le montant accordé, soit ce que le crédit coûtait",
        "all planned repayments divided by the amount granted, that is what the credit cost",
    ),
    "LAST_DUE_GAP": (
        "écart entre la dernière échéance réelle et celle prévue au départ (négatif\u00a0: soldé en avance)",
        "actual minus first planned last due date (negative: repaid early)",
    ),
    # POS_CASH_balance
    "REMAINING_RATIO": (
        "part des échéances restant à payer (près de 1 pour un prêt récent, 0 une fois remboursé)",
        "share of the instalments still to pay (near 1 for a new loan, 0 once repaid)",
    ),
    # installments_payments
    "DPD": (
        "jours de retard d’un paiement sur sa date d’échéance (0 s’il est à l’heure)",
        "days a payment came after its due date (0 when on time)",
    ),
    "DBD": (
        "jours d’avance d’un paiement sur sa date d’échéance (0 s’il est en retard)",
        "days a payment came before its due date (0 when late)",
    ),
    "PAYMENT_RATIO": (
        "montant payé divisé par le montant dû (sous 1\u00a0: échéance payée en partie)",
        "amount paid divided by the amount due (below 1: instalment partly paid)",
    ),
    "PAYMENT_DIFF": (
        "montant dû moins montant payé (positif\u00a0: il reste un impayé)",
        "amount due minus amount paid (positive: something was left unpaid)",
    ),
    # credit_card_balance
    "UTILISATION": (
        "solde de la carte divisé par son plafond, soit la part du plafond utilisée",
        "card balance divided by its limit, that is the share of the limit in use",
    ),
    "PAYMENT_MIN_RATIO": (
        "paiement du mois divisé par le minimum demandé (sous 1\u00a0: minimum non atteint)",
        "payment of the month divided by the minimum asked (below 1: minimum not met)",
    ),
}

#: Where each side table's rows come from, said to a relationship manager.
TABLE_SOURCES: dict[str, W] = {
    "BUREAU_BAL": (
        "historique mois par mois, au bureau de crédit, des crédits du client auprès d’autres établissements",
        "month-by-month credit bureau history of the client's credits at other lenders",
    ),
    "BUREAU": (
        "crédits du client auprès d’autres établissements, tels que déclarés au bureau de crédit",
        "the client's credits at other lenders, as reported to the credit bureau",
    ),
    "PREV": (
        "demandes de crédit faites auparavant par le client chez Prêt à dépenser",
        "the client's earlier credit applications with Prêt à dépenser",
    ),
    "POS": (
        "relevés mensuels des prêts précédents du client, au comptant ou en magasin, chez Prêt à dépenser",
        "monthly statements of the client's previous cash and point-of-sale loans with Prêt à dépenser",
    ),
    "INST": (
        "échéances et paiements des prêts précédents du client chez Prêt à dépenser",
        "instalments and payments of the client's previous loans with Prêt à dépenser",
    ),
    "CC": (
        "relevés mensuels des cartes de crédit du client chez Prêt à dépenser",
        "monthly statements of the client's credit cards with Prêt à dépenser",
    ),
}

#: How a statistic reads over the rows of its scope ("Moyenne sur les demandes ... acceptées").
_STAT_PHRASES: dict[str, W] = {
    "SUM": ("Total sur les {scope}", "Total over the {scope}"),
    "MEAN": ("Moyenne sur les {scope}", "Average over the {scope}"),
    "MIN": ("Plus petite valeur parmi les {scope}", "Smallest value among the {scope}"),
    "MAX": ("Plus grande valeur parmi les {scope}", "Largest value among the {scope}"),
    "STD": ("Dispersion (écart type) entre les {scope}", "Spread (standard deviation) across the {scope}"),
    "TOTAL": ("Rapport des totaux sur l’ensemble des {scope}", "Ratio of the totals over all the {scope}"),
}
_DATE_STAT_PHRASES: dict[str, W] = {
    "MIN": ("Première date parmi les {scope}", "First date among the {scope}"),
    "MAX": ("Dernière date parmi les {scope}", "Last date among the {scope}"),
}


@dataclass(frozen=True)
class FeatureDescription:
    """A feature's description in French and English, and where its values come from."""

    fr: str
    en: str
    source: str

    def text(self, lang: str = "fr") -> str:
        return self.fr if lang == "fr" else self.en

    def as_dict(self) -> dict[str, str]:
        """The serving.json entry: {"fr": ..., "en": ...}."""
        return {"fr": self.fr, "en": self.en}


@cache
def _catalogue(path: Path) -> dict[tuple[str, str], str]:
    """A {table: {column: sentence}} file as (table, column) → sentence."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {(table, column): text for table, columns in raw.items() for column, text in columns.items()}


def french_columns() -> dict[tuple[str, str], str]:
    """The hand-written French description of every Kaggle column (kaggle_schema.json's tables)."""
    return _catalogue(FRENCH_CATALOGUE)


def english_columns() -> dict[tuple[str, str], str]:
    """The project's plain-English description of every Kaggle column."""
    return _catalogue(ENGLISH_CATALOGUE)


def _inline(sentence: str) -> str:
    """A sentence made to follow a colon: no final full stop, lower case unless it starts an acronym."""
    text = " ".join(sentence.split()).rstrip(".")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text


def _sentence(text: str) -> str:
    return text if text.endswith(".") else f"{text}."


def _source_sentence(table_key: str, lang: str) -> str:
    where = TABLE_SOURCES[table_key][0 if lang == "fr" else 1]
    return f"Source{NBSP}: {where}." if lang == "fr" else f"Source: {where}."


def _quantity_text(table: str, quantity: str, lang: str, english: Mapping[tuple[str, str], str]) -> str:
    """What one row's value is, as a clause: "montant encore dû sur le crédit déclaré"."""
    if quantity in DERIVED_QUANTITIES:
        return DERIVED_QUANTITIES[quantity][0 if lang == "fr" else 1]
    catalogue = french_columns() if lang == "fr" else english
    text = catalogue.get((table, quantity)) or english_columns().get((table, quantity))
    return _inline(text) if text else quantity.replace("_", " ").lower()


def _side_table(name: str, lang: str, english: Mapping[tuple[str, str], str]) -> str | None:
    """The description of a side-table feature in one language, or None when the grammar does not cover it."""
    parsed = parse_side_table(name)
    composed = side_table_label(name, lang)
    if parsed is None or composed is None:
        return None
    label = composed[0]
    if parsed.counts:
        share = f", de 0 à 100{NBSP}%" if lang == "fr" else ", from 0 to 100%"
        what = f"{label}{share if parsed.stat == 'SHARE' else ''}."
        return f"{what} {_source_sentence(parsed.table_key, lang)}"
    i = 0 if lang == "fr" else 1
    dated = QUANTITIES[parsed.quantity][2] == "relative_days" and parsed.stat in _DATE_STAT_PHRASES
    phrase = (_DATE_STAT_PHRASES if dated else _STAT_PHRASES)[parsed.stat][i].format(scope=parsed.scope(lang))
    separator = f"{NBSP}: " if lang == "fr" else ": "
    return f"{phrase}{separator}{_quantity_text(parsed.table.kaggle, parsed.quantity, lang, english)}."


_UNKNOWN: dict[str, W] = {
    "application": ("Indicateur calculé à partir de la demande.", "Indicator computed from the application."),
    "history": (
        "Indicateur calculé à partir de l’historique du client.",
        "Indicator computed from the client's history.",
    ),
}


def _unknown(table_key: str | None, lang: str) -> str:
    """A name no rule knows still gets words, never its code; its prefix says where it comes from."""
    i = 0 if lang == "fr" else 1
    if table_key is None:
        return _UNKNOWN["application"][i]
    return f"{_UNKNOWN['history'][i]} {_source_sentence(table_key, lang)}"


def describe(name: str, english: Mapping[tuple[str, str], str] | None = None) -> FeatureDescription:
    """A feature's description in both languages.

    `english` maps (table, column) to the English text of raw columns (Kaggle's own, when training had the
    file); the project's catalogue fills in what it lacks.
    """
    english = english if english is not None else english_columns()
    if name in APPLICATION_FEATURES:
        fr, en = APPLICATION_FEATURES[name]
        return FeatureDescription(fr, en, "application (engineered)")
    key = (APPLICATION, name)
    if key in french_columns():
        en = english.get(key) or english_columns()[key]
        return FeatureDescription(french_columns()[key], _sentence(" ".join(en.split())), APPLICATION)
    side_fr, side_en = _side_table(name, "fr", english), _side_table(name, "en", english)
    table_key = next((key for key in TABLES if name.startswith(key + "_")), None)
    source = f"{TABLES[table_key].kaggle} (aggregated)" if table_key else "engineered"
    if side_fr and side_en:
        return FeatureDescription(side_fr, side_en, source)
    return FeatureDescription(_unknown(table_key, "fr"), _unknown(table_key, "en"), source)


def describe_features(
    names: Iterable[str], kaggle: Mapping[tuple[str, str], str] | None = None
) -> dict[str, FeatureDescription]:
    """Every feature's description; `kaggle` (table, column) → English text wins over the project's own."""
    english = {**english_columns(), **(kaggle or {})}
    return {name: describe(name, english) for name in names}
