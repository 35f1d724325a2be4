"""French and English words of the feature naming grammar: one place that knows what a feature name means.

Engineered features are named `APP_*` (the application's own ratios) or `<TABLE>[_<SUBSET>]_<QUANTITY>_<STAT>`
and `<TABLE>[_<SUBSET>][_<CONDITION>]_{COUNT,SHARE}` (model_training.features). `parse_side_table` reads such
a name once; the app composes labels from it (app.labels) and export composes descriptions from it
(model_training.feature_descriptions), so the two never disagree on what a name means. Pure Python: the
training side imports it without Dash, and the app without training's heavy dependencies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

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
    "APP_TERM_MONTHS": ("Durée probable du crédit (mois)", "Likely loan term (months)", "count"),
    "APP_INTEREST_RATE": ("Taux d’intérêt annuel implicite", "Implied annual interest rate", "share"),
    "APP_INTEREST_SHARE": (
        "Intérêts rapportés au montant du crédit",
        "Interest relative to the credit amount",
        "share",
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
class Table:
    """What a side table's rows are, as a plural noun phrase ("demandes de crédit précédentes").

    French subsets follow the noun and agree with it; English ones precede it ("approved ... applications").
    """

    kaggle: str  # the Kaggle table the rows come from (where the quantities' column descriptions are)
    items: W
    subsets: Mapping[str, W]  # words that restrict the rows
    conditions: Mapping[str, W]  # conditions that COUNT and SHARE count, after the noun in both languages
    loans: W = ("Nombre de prêts", "Number of loans")  # <TABLE>_LOAN_COUNT: distinct SK_ID_PREV


PERIODS: dict[str, W] = {
    "LAST_12M": ("sur les 12 derniers mois", "in the last 12 months"),
    "LAST_365D": ("sur la dernière année", "in the last year"),
}

TABLES: dict[str, Table] = {
    # bureau_balance is reduced per credit first, so its rows are credits with a monthly history
    "BUREAU_BAL": Table(
        "bureau_balance",
        ("crédits suivis mois par mois au bureau", "credits with a monthly bureau history"),
        {},
        {},
    ),
    "BUREAU": Table(
        "bureau",
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
    "PREV": Table(
        "previous_application",
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
    "POS": Table(
        "POS_CASH_balance",
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
    "INST": Table(
        "installments_payments",
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
    "CC": Table(
        "credit_card_balance",
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

STATS: dict[str, W] = {
    "SUM": ("total", "total"),
    "MEAN": ("moyenne", "average"),
    "MIN": ("minimum", "minimum"),
    "MAX": ("maximum", "maximum"),
    "STD": ("dispersion", "spread"),
    "TOTAL": ("sur l’ensemble", "overall"),
}
#: For dates, a minimum is the earliest and a maximum the latest.
DATE_STATS: dict[str, W] = {"MIN": ("au plus tôt", "earliest"), "MAX": ("au plus tard", "latest")}

COUNT_STATS = ("COUNT", "SHARE")


@dataclass(frozen=True)
class SideTableName:
    """A side-table feature name read by the grammar.

    `quantity` is the QUANTITY of a statistic (`stat` in STATS), or for COUNT and SHARE the CONDITION counted
    ("" for all rows, "LOAN" for the number of distinct loans).
    """

    table_key: str
    table: Table
    subsets: tuple[str, ...]
    quantity: str
    stat: str

    @property
    def counts(self) -> bool:
        return self.stat in COUNT_STATS

    @property
    def counts_loans(self) -> bool:
        return self.quantity == "LOAN" and self.stat == "COUNT" and not self.subsets

    def scope(self, lang: str, with_condition: bool = True) -> str:
        """The rows covered: "demandes ... refusées [condition] sur la dernière année"."""
        i = 0 if lang == "fr" else 1
        table = self.table
        restricted = [table.subsets[s][i] for s in self.subsets if s in table.subsets]
        words = [table.items[i], *restricted] if lang == "fr" else [*restricted, table.items[i]]
        if with_condition and self.counts and self.quantity:
            words.append(table.conditions[self.quantity][i])
        words += [PERIODS[s][i] for s in self.subsets if s in PERIODS]
        return " ".join(words)


def _split_table(name: str) -> tuple[str, Table, list[str], str] | None:
    """TABLE, its description, the stacked SUBSET words and the rest of a side-table feature name."""
    table_key = next((key for key in TABLES if name.startswith(key + "_")), None)
    if table_key is None:
        return None
    table = TABLES[table_key]
    rest = name[len(table_key) + 1 :]
    subsets: list[str] = []
    while True:
        word = next((s for s in (*PERIODS, *table.subsets) if rest.startswith(s + "_")), None)
        if word is None or (rest[len(word) + 1 :] in COUNT_STATS and word in table.conditions):
            break
        subsets.append(word)
        rest = rest[len(word) + 1 :]
    return table_key, table, subsets, rest


def parse_side_table(name: str) -> SideTableName | None:
    """The parts of a side-table feature name, or None when the grammar does not cover it."""
    split = _split_table(name)
    if split is None:
        return None
    table_key, table, subsets, rest = split
    quantity, _, stat = rest.rpartition("_")
    parsed = SideTableName(table_key, table, tuple(subsets), quantity, stat)
    if stat in COUNT_STATS:
        known = parsed.counts_loans or not quantity or quantity in table.conditions
        return parsed if known else None
    return parsed if stat in STATS and quantity in QUANTITIES else None


def elide(preposition: str, words: str) -> str:
    """French elision: de + "échéances" → "d’échéances"."""
    return f"{preposition[0]}’{words}" if words[:1].lower() in "aeiouyéèêàâîôûh" else f"{preposition} {words}"


def side_table_label(name: str, lang: str = "fr") -> tuple[str, Kind] | None:
    """Label and kind of a side-table feature from its name, or None when the grammar does not cover it.

    "Nombre de demandes de crédit précédentes refusées", "Dette restante (total, crédits ... en cours)".
    """
    parsed = parse_side_table(name)
    if parsed is None:
        return None
    i = 0 if lang == "fr" else 1
    if parsed.counts_loans:
        return parsed.table.loans[i], "count"
    if parsed.counts:
        what = parsed.scope(lang)
        if parsed.stat == "COUNT":
            return (f"Nombre {elide('de', what)}" if lang == "fr" else f"Number of {what}"), "count"
        return (f"Part des {what}" if lang == "fr" else f"Share of {what}"), "share"
    fr, en, kind = QUANTITIES[parsed.quantity]
    words = DATE_STATS if kind == "relative_days" and parsed.stat in DATE_STATS else STATS
    if parsed.stat == "STD":
        kind = "ratio" if kind in ("share", "ratio", "score") else kind
    return f"{fr if lang == 'fr' else en} ({words[parsed.stat][i]}, {parsed.scope(lang)})", kind
