"""Human names (French, English) and value formats of the model's features: no column code reaches a client.

Labels exported by training in serving.json win; a feature without one gets a label composed from the naming
grammar of `model_training.features` (TABLE[_SUBSET]_QUANTITY_STAT) and the Kaggle column names in
`app.vocabulary`. The kind of a feature (amount, duration, share...) says how its value is written.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from app import formatting as fmt
from app.i18n import t
from app.vocabulary import APPLICATION_COLUMNS, application_column_label, level_label

Kind = Literal[
    "amount",  # euros
    "age_days",  # a DAYS_* of the application: time elapsed, in years
    "relative_days",  # a DAYS_* of a past credit: "il y a 3 ans" / "dans 2 ans"
    "duration_days",  # a length in days (credit duration, gap between dates)
    "late_days",  # days past due
    "months",  # MONTHS_BALANCE: months before the application (negative)
    "years",  # already in years
    "score",  # 0..1 external scores and building statistics
    "share",  # a fraction shown as a percentage
    "ratio",  # a ratio shown as a decimal number
    "count",  # whole numbers of things
    "flag",  # 0/1
    "category",  # integer code of a categorical level
    "number",
]

W = tuple[str, str]  # (French, English)

# --- the application's engineered features (APP_*) ---

APP_FEATURES: dict[str, tuple[str, str, Kind]] = {
    "APP_AGE_YEARS": ("Âge", "Age", "years"),
    "APP_EMPLOYED_YEARS": ("Ancienneté dans l’emploi", "Time in current job", "years"),
    "APP_NOT_EMPLOYED": ("Sans emploi actuel", "No current job", "flag"),
    "APP_CREDIT_INCOME_RATIO": ("Crédit rapporté au revenu annuel", "Credit to annual income", "ratio"),
    "APP_ANNUITY_INCOME_RATIO": (
        "Mensualité rapportée au revenu annuel",
        "Monthly repayment to yearly income",
        "share",
    ),
    "APP_PAYMENT_RATE": (
        "Mensualité rapportée au crédit",
        "Monthly repayment to credit",
        "share",
    ),
    "APP_EMPLOYED_AGE_RATIO": (
        "Part de la vie passée dans l’emploi actuel",
        "Share of life in current job",
        "share",
    ),
    "APP_INCOME_PER_PERSON": ("Revenu par personne du foyer", "Income per household member", "amount"),
    "APP_GOODS_CREDIT_RATIO": ("Prix du bien rapporté au crédit", "Goods price to credit", "share"),
    "APP_CREDIT_GOODS_DIFF": ("Crédit au-delà du prix du bien", "Credit above the goods price", "amount"),
    "APP_CHILDREN_RATIO": ("Part d’enfants dans le foyer", "Share of children in the household", "share"),
    "APP_REGISTRATION_AGE_RATIO": (
        "Ancienneté de l’inscription rapportée à l’âge",
        "Time since registration relative to age",
        "share",
    ),
    "APP_ID_PUBLISH_AGE_RATIO": (
        "Ancienneté de la pièce d’identité rapportée à l’âge",
        "Age of identity document relative to age",
        "share",
    ),
    "APP_PHONE_CHANGE_AGE_RATIO": (
        "Ancienneté du téléphone rapportée à l’âge",
        "Time since phone change relative to age",
        "share",
    ),
    "APP_CAR_AGE_RATIO": ("Âge de la voiture rapporté à l’âge", "Car age relative to age", "share"),
    "APP_EXT_SOURCE_MEAN": ("Moyenne des scores externes", "Average external score", "score"),
    "APP_EXT_SOURCE_MIN": ("Plus bas des scores externes", "Lowest external score", "score"),
    "APP_EXT_SOURCE_MAX": ("Plus haut des scores externes", "Highest external score", "score"),
    "APP_EXT_SOURCE_STD": ("Dispersion des scores externes", "Spread of the external scores", "score"),
    "APP_EXT_SOURCE_PROD": ("Produit des scores externes", "Product of the external scores", "score"),
    "APP_EXT_SOURCE_WEIGHTED": ("Score externe pondéré", "Weighted external score", "score"),
    "APP_EXT_SOURCE_MISSING_COUNT": (
        "Nombre de scores externes manquants",
        "Missing external scores",
        "count",
    ),
    "APP_DOCUMENT_COUNT": ("Nombre de documents fournis", "Documents provided", "count"),
    "APP_REGION_MISMATCH_COUNT": (
        "Nombre d’écarts entre adresses de domicile, de travail et officielle",
        "Mismatches between home, work and official addresses",
        "count",
    ),
    "APP_BUREAU_REQUEST_COUNT": (
        "Consultations du bureau de crédit (dernière année)",
        "Credit bureau enquiries (last year)",
        "count",
    ),
}

# --- the side tables' grammar ---


@dataclass(frozen=True)
class _Table:
    """What a side table's rows are, as a plural noun phrase ("demandes de crédit précédentes").

    French subsets follow the noun and agree with it; English ones precede it ("approved ... applications").
    """

    items: W
    subsets: Mapping[str, W]  # words that restrict the rows
    conditions: Mapping[str, W]  # conditions that COUNT and SHARE count, after the noun in both languages
    loans: W = ("Nombre de prêts", "Number of loans")  # <TABLE>_LOAN_COUNT: distinct SK_ID_PREV


_PERIODS: dict[str, W] = {
    "LAST_12M": ("sur les 12 derniers mois", "in the last 12 months"),
    "LAST_365D": ("sur la dernière année", "in the last year"),
}

TABLES: dict[str, _Table] = {
    # bureau_balance is reduced per credit first, so its rows are credits with a monthly history
    "BUREAU_BAL": _Table(
        ("crédits suivis mois par mois au bureau", "credits with a monthly bureau history"),
        {},
        {},
    ),
    "BUREAU": _Table(
        ("crédits déclarés au bureau", "credits reported to the bureau"),
        {"ACTIVE": ("en cours", "active"), "CLOSED": ("clôturés", "closed")},
        {
            "ACTIVE": ("en cours", "that are active"),
            "CLOSED": ("clôturés", "that are closed"),
            "OVERDUE": ("en retard de paiement", "overdue"),
            "SOLD_OR_BAD_DEBT": ("cédés ou passés en perte", "sold or written off"),
            "CREDIT_TYPE_CONSUMER": ("qui sont des crédits à la consommation", "that are consumer credits"),
            "CREDIT_TYPE_CARD": ("qui sont des cartes de crédit", "that are credit cards"),
            "CREDIT_TYPE_CAR": ("qui sont des crédits auto", "that are car loans"),
            "CREDIT_TYPE_MORTGAGE": ("qui sont des crédits immobiliers", "that are mortgages"),
            "CREDIT_TYPE_MICROLOAN": ("qui sont des microcrédits", "that are microloans"),
        },
    ),
    "PREV": _Table(
        ("demandes de crédit précédentes", "previous credit applications"),
        {
            "APPROVED": ("acceptées", "approved"),
            "REFUSED": ("refusées", "refused"),
            "CANCELED": ("annulées", "canceled"),
            "UNUSED_OFFER": ("restées sans suite", "unused"),
            "ONGOING": ("en cours de remboursement", "ongoing"),
        },
        {
            "APPROVED": ("acceptées", "that were approved"),
            "REFUSED": ("refusées", "that were refused"),
            "CANCELED": ("annulées", "that were canceled"),
            "UNUSED_OFFER": ("restées sans suite", "left unused"),
            "ONGOING": ("en cours de remboursement", "still being repaid"),
            "CASH_LOAN": ("portant sur un prêt personnel", "for cash loans"),
            "CONSUMER_LOAN": ("portant sur un crédit à la consommation", "for consumer loans"),
            "REVOLVING_LOAN": ("portant sur un crédit renouvelable", "for revolving loans"),
            "YIELD_HIGH": ("à taux élevé", "at a high rate"),
            "YIELD_LOW": ("à taux bas", "at a low rate"),
            "NEW_CLIENT": ("faites en tant que nouveau client", "made as a new client"),
            "X_SELL": ("issues d’une offre commerciale", "from a cross-selling offer"),
            "WALK_IN": ("faites spontanément en agence", "made as walk-ins"),
            "REJECT_HC": ("refusées par la banque", "refused by the bank"),
            "REJECT_LIMIT": ("refusées pour plafond dépassé", "refused over a limit"),
            "REJECT_SCO": ("refusées pour score insuffisant", "refused on score"),
        },
    ),
    "POS": _Table(
        ("mois de prêts précédents", "months of previous loans"),
        {},
        {
            "DPD": ("en retard de paiement", "past due"),
            "DPD_DEF": ("en retard hors petites dettes", "past due beyond small debts"),
            "COMPLETED": ("concernant des prêts terminés", "on completed loans"),
        },
        (
            "Nombre de prêts précédents au comptant ou en magasin",
            "Number of previous cash or point-of-sale loans",
        ),
    ),
    "INST": _Table(
        ("échéances de prêts précédents", "instalments of previous loans"),
        {},
        {
            "LATE": ("payées en retard", "paid late"),
            "LATE_30D": ("payées avec plus de 30 jours de retard", "paid over 30 days late"),
            "UNDERPAID": ("payées en partie", "partly paid"),
            "UNPAID": ("impayées", "unpaid"),
        },
        ("Nombre de prêts précédents remboursés par échéances", "Number of previous loans with instalments"),
    ),
    "CC": _Table(
        ("mois de carte de crédit", "months of credit card"),
        {},
        {
            "DPD": ("en retard de paiement", "past due"),
            "BELOW_MIN_PAYMENT": ("sous le paiement minimum", "below the minimum payment"),
        },
        ("Nombre de cartes de crédit", "Number of credit cards"),
    ),
}

#: Quantities of the side tables: (French, English, kind). Names are those of the feature modules.
QUANTITIES: dict[str, tuple[str, str, Kind]] = {
    # bureau
    "DAYS_CREDIT": ("Ouverture du crédit", "Credit opened", "relative_days"),
    "DAYS_CREDIT_ENDDATE": ("Fin prévue du crédit", "Planned end of credit", "relative_days"),
    "DAYS_CREDIT_UPDATE": ("Dernière mise à jour", "Last update", "relative_days"),
    "DAYS_ENDDATE_FACT": ("Clôture du crédit", "Credit closed", "relative_days"),
    "CREDIT_DAY_OVERDUE": ("Jours de retard", "Days overdue", "late_days"),
    "AMT_CREDIT_MAX_OVERDUE": ("Plus gros impayé", "Largest overdue amount", "amount"),
    "CNT_CREDIT_PROLONG": ("Prolongations", "Prolongations", "count"),
    "AMT_CREDIT_SUM": ("Montant du crédit", "Credit amount", "amount"),
    "AMT_CREDIT_SUM_DEBT": ("Dette restante", "Remaining debt", "amount"),
    "AMT_CREDIT_SUM_OVERDUE": ("Montant en retard", "Overdue amount", "amount"),
    "AMT_CREDIT_SUM_LIMIT": ("Plafond de crédit", "Credit limit", "amount"),
    "AMT_ANNUITY": ("Mensualité", "Monthly repayment", "amount"),
    "DEBT_CREDIT_RATIO": ("Part du crédit restant due", "Share of credit still owed", "share"),
    "CREDIT_DURATION": ("Durée du crédit", "Credit duration", "duration_days"),
    "ENDDATE_GAP": ("Écart entre clôture réelle et prévue", "Actual minus planned end", "duration_days"),
    # bureau_balance
    "MONTHS": ("Mois d’historique", "Months of history", "count"),
    "DPD_MONTHS": ("Mois en retard", "Months past due", "count"),
    "DPD30_MONTHS": ("Mois avec plus de 30 jours de retard", "Months over 30 days past due", "count"),
    "DPD_SHARE": ("Part des mois en retard", "Share of months past due", "share"),
    "UNKNOWN_SHARE": ("Part des mois sans statut", "Share of months without status", "share"),
    "WORST_STATUS": ("Pire niveau de retard (0 à 5)", "Worst lateness level (0 to 5)", "number"),
    "MONTHS_BALANCE": ("Ancienneté de l’historique", "Start of history", "months"),
    # previous applications
    "AMT_APPLICATION": ("Montant demandé", "Amount asked", "amount"),
    "AMT_CREDIT": ("Montant accordé", "Amount granted", "amount"),
    "APPLICATION_CREDIT_RATIO": ("Montant demandé rapporté à l’accordé", "Asked to granted", "ratio"),
    "AMT_DOWN_PAYMENT": ("Apport", "Down payment", "amount"),
    "RATE_DOWN_PAYMENT": ("Taux d’apport", "Down payment rate", "share"),
    "AMT_GOODS_PRICE": ("Prix du bien", "Goods price", "amount"),
    "CNT_PAYMENT": ("Nombre d’échéances", "Number of instalments", "count"),
    "DAYS_DECISION": ("Décision", "Decision", "relative_days"),
    "PAYMENT_RATE": ("Taux de remboursement", "Repayment rate", "share"),
    "TOTAL_REPAYMENT_RATIO": ("Total remboursé rapporté au crédit", "Total repaid to credit", "ratio"),
    "NFLAG_INSURED_ON_APPROVAL": ("Part avec assurance", "Share insured", "share"),
    "DAYS_FIRST_DUE": ("Première échéance", "First instalment", "relative_days"),
    "DAYS_LAST_DUE_1ST_VERSION": ("Dernière échéance prévue", "Planned last instalment", "relative_days"),
    "DAYS_LAST_DUE": ("Dernière échéance", "Last instalment", "relative_days"),
    "DAYS_TERMINATION": ("Fin du contrat", "End of contract", "relative_days"),
    "LAST_DUE_GAP": (
        "Écart entre dernière échéance réelle et prévue",
        "Actual minus planned last due",
        "duration_days",
    ),
    # POS_CASH_balance
    "SK_DPD": ("Jours de retard", "Days past due", "late_days"),
    "SK_DPD_DEF": ("Jours de retard hors petites dettes", "Days past due beyond small debts", "late_days"),
    "CNT_INSTALMENT": ("Durée du prêt en échéances", "Loan length in instalments", "count"),
    "CNT_INSTALMENT_FUTURE": ("Échéances restantes", "Instalments left", "count"),
    "REMAINING_RATIO": ("Part du prêt restant à payer", "Share of loan left to pay", "share"),
    # installments_payments
    "NUM_INSTALMENT_NUMBER": ("Numéro d’échéance", "Instalment number", "count"),
    "DPD": ("Jours de retard", "Days late", "late_days"),
    "DBD": ("Jours d’avance", "Days early", "late_days"),
    "PAYMENT_RATIO": ("Part de l’échéance payée", "Share of instalment paid", "share"),
    "PAYMENT_DIFF": ("Reste dû par échéance", "Left unpaid per instalment", "amount"),
    "AMT_INSTALMENT": ("Montant dû", "Amount due", "amount"),
    "AMT_PAYMENT": ("Montant payé", "Amount paid", "amount"),
    "DAYS_ENTRY_PAYMENT": ("Paiement", "Payment", "relative_days"),
    # credit_card_balance
    "AMT_BALANCE": ("Solde", "Balance", "amount"),
    "AMT_CREDIT_LIMIT_ACTUAL": ("Plafond de la carte", "Card limit", "amount"),
    "UTILISATION": ("Utilisation du plafond", "Limit used", "share"),
    "AMT_DRAWINGS_CURRENT": ("Retraits et achats", "Drawings", "amount"),
    "AMT_DRAWINGS_ATM_CURRENT": ("Retraits au distributeur", "Cash withdrawals", "amount"),
    "AMT_DRAWINGS_POS_CURRENT": ("Achats", "Purchases", "amount"),
    "CNT_DRAWINGS_CURRENT": ("Nombre de retraits et achats", "Number of drawings", "count"),
    "CNT_DRAWINGS_ATM_CURRENT": ("Nombre de retraits au distributeur", "Number of cash withdrawals", "count"),
    "AMT_PAYMENT_TOTAL_CURRENT": ("Paiements", "Payments", "amount"),
    "AMT_INST_MIN_REGULARITY": ("Paiement minimum demandé", "Minimum payment asked", "amount"),
    "PAYMENT_MIN_RATIO": ("Paiement rapporté au minimum", "Payment to minimum", "ratio"),
    "AMT_RECEIVABLE_PRINCIPAL": ("Capital dû", "Principal due", "amount"),
    "CNT_INSTALMENT_MATURE_CUM": ("Échéances payées", "Instalments paid", "count"),
}

_STATS: dict[str, W] = {
    "SUM": ("total", "total"),
    "MEAN": ("moyenne", "average"),
    "MIN": ("minimum", "minimum"),
    "MAX": ("maximum", "maximum"),
    "STD": ("dispersion", "spread"),
    "TOTAL": ("sur l’ensemble", "overall"),
}
#: For dates, a minimum is the earliest and a maximum the latest.
_DATE_STATS: dict[str, W] = {"MIN": ("au plus tôt", "earliest"), "MAX": ("au plus tard", "latest")}

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

    def label(self, lang: str = "fr") -> str:
        return self.fr if lang == "fr" else self.en

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


def _elide(preposition: str, words: str) -> str:
    """French elision: de + "échéances" → "d’échéances"."""
    return f"{preposition[0]}’{words}" if words[:1].lower() in "aeiouyéèêàâîôûh" else f"{preposition} {words}"


def _scope(table: _Table, subsets: list[str], lang: str, condition: str = "") -> str:
    """The rows a feature covers: "demandes ... refusées [condition] sur la dernière année"."""
    i = 0 if lang == "fr" else 1
    restricted = [table.subsets[s][i] for s in subsets if s in table.subsets]
    words = [table.items[i], *restricted] if lang == "fr" else [*restricted, table.items[i]]
    if condition:
        words.append(table.conditions[condition][i])
    words += [_PERIODS[s][i] for s in subsets if s in _PERIODS]
    return " ".join(words)


def _split_table(name: str) -> tuple[str, _Table, list[str], str] | None:
    """TABLE, its description, the stacked SUBSET words and the rest of a side-table feature name."""
    table_key = next((key for key in TABLES if name.startswith(key + "_")), None)
    if table_key is None:
        return None
    table = TABLES[table_key]
    rest = name[len(table_key) + 1 :]
    subsets: list[str] = []
    while True:
        word = next((s for s in (*_PERIODS, *table.subsets) if rest.startswith(s + "_")), None)
        if word is None or (rest[len(word) + 1 :] in ("COUNT", "SHARE") and word in table.conditions):
            break
        subsets.append(word)
        rest = rest[len(word) + 1 :]
    return table_key, table, subsets, rest


def _count_or_share(table: _Table, subsets: list[str], rest: str, lang: str) -> tuple[str, Kind] | None:
    """Labels of <TABLE>[_<SUBSET>][_<CONDITION>]_{COUNT,SHARE} and <TABLE>_LOAN_COUNT."""
    condition, _, stat = rest.rpartition("_")
    if stat not in ("COUNT", "SHARE"):
        return None
    if condition == "LOAN" and not subsets:
        return table.loans[0 if lang == "fr" else 1], "count"
    if condition and condition not in table.conditions:
        return None
    what = _scope(table, subsets, lang, condition)
    if stat == "COUNT":
        return (f"Nombre {_elide('de', what)}" if lang == "fr" else f"Number of {what}"), "count"
    return (f"Part des {what}" if lang == "fr" else f"Share of {what}"), "share"


def _statistic(table: _Table, subsets: list[str], rest: str, lang: str) -> tuple[str, Kind] | None:
    """Labels of <TABLE>[_<SUBSET>]_<QUANTITY>_<STAT>: "Dette restante (total, crédits ... en cours)"."""
    quantity, _, stat = rest.rpartition("_")
    if stat not in _STATS or quantity not in QUANTITIES:
        return None
    fr, en, kind = QUANTITIES[quantity]
    i = 0 if lang == "fr" else 1
    words = _DATE_STATS if kind == "relative_days" and stat in _DATE_STATS else _STATS
    stat_words = words[stat][i]
    if stat == "STD":
        kind = "ratio" if kind in ("share", "ratio", "score") else kind
    return f"{fr if lang == 'fr' else en} ({stat_words}, {_scope(table, subsets, lang)})", kind


def side_table_label(name: str, lang: str = "fr") -> tuple[str, Kind] | None:
    """Label and kind of a side-table feature from its name, or None when the grammar does not cover it."""
    split = _split_table(name)
    if split is None:
        return None
    _, table, subsets, rest = split
    return _count_or_share(table, subsets, rest, lang) or _statistic(table, subsets, rest, lang)


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
    """French and English from an exported label: {"fr": ..., "en": ...} or one English string."""
    if isinstance(entry, Mapping):
        return entry.get("fr"), entry.get("en")
    if isinstance(entry, str):
        return None, entry
    return None, None


def _humanised(name: str) -> str:
    """Last resort for a name no rule knows: words, not a code ("Prev new rule mean")."""
    return re.sub(r"_+", " ", name).strip().capitalize()


class FeatureCatalog:
    """Labels, kinds and levels of the model's features, in model order; writes a value the human way."""

    def __init__(
        self,
        features: Sequence[FeatureLabel],
        typical: Mapping[str, tuple[float, float]] | None = None,
    ):
        self.features = {f.name: f for f in features}
        self.names = tuple(f.name for f in features)
        #: feature → (lower, upper) tercile of the reference clients: "faible" below, "élevé" above
        self.typical = dict(typical or {})

    @classmethod
    def build(
        cls,
        feature_names: Sequence[str],
        categorical_levels: Mapping[str, Sequence[str]] | None = None,
        exported: Mapping[str, object] | None = None,
    ) -> FeatureCatalog:
        """The catalogue of a model: exported labels first, then composed ones, then the name in words."""
        levels = {k: tuple(v) for k, v in (categorical_levels or {}).items()}
        built = []
        for name in feature_names:
            composed = composed_label(name, levels.get(name, ()))
            fr, en = _exported((exported or {}).get(name))
            fallback = _humanised(name)
            built.append(
                FeatureLabel(
                    name,
                    fr or (composed.fr if composed else fallback),
                    en or (composed.en if composed else fallback),
                    "category" if name in levels else composed.kind if composed else "number",
                    levels.get(name, ()),
                )
            )
        return cls(built)

    def __getitem__(self, name: str) -> FeatureLabel:
        return self.features[name]

    def __contains__(self, name: object) -> bool:
        return name in self.features

    def label(self, name: str, lang: str = "fr") -> str:
        return self.features[name].label(lang)

    def with_typical(self, typical: Mapping[str, tuple[float, float]]) -> FeatureCatalog:
        """The same catalogue knowing what is low and high for each feature."""
        return FeatureCatalog(list(self.features.values()), typical)

    def position(self, name: str, value: float | None) -> str | None:
        """Low, mid or high against the reference clients' terciles; None when unknown or not numeric."""
        bounds = self.typical.get(name)
        if bounds is None or fmt.is_missing(value) or self.features[name].kind in ("category", "flag"):
            return None
        assert value is not None
        low, high = bounds
        return "low" if value < low else "high" if value > high else "mid"

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


__all__ = ["APPLICATION_COLUMNS", "FeatureCatalog", "FeatureLabel", "format_value", "is_code"]
