"""Synthetic previous applications at Home Credit, and the contracts the approved ones became.

Each applicant with a history (95%) has at least one approved instalment loan, so that nearly everyone has
POS_CASH_balance and installments_payments rows as in Kaggle, and 29% of applicants hold one approved card
(credit_card_balance). The other applications are approved, cancelled, refused or unused in the calibrated
shares, refusals being more frequent for applicants of low hidden creditworthiness.

The many product columns (purpose, portfolio, yield group, channel, seller industry, ...) are drawn within
the product they describe (contract type, status and product combination), so that, say, a cancelled cash
loan has no yield group and a consumer loan names the goods it financed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from model_training import schema
from model_training.synthetic.applicants import Applicants
from model_training.synthetic.calibration import PREVIOUS_PRODUCT_COLUMNS, PREVIOUS_TIMELINE, schema_kind
from model_training.synthetic.cards import Cards, card_balances
from model_training.synthetic.repayments import INSTALMENT_DAYS, Loans, loan_repayments
from model_training.synthetic.sampling import (
    NO_DATE,
    annuity_factor,
    days_before,
    negative_binomial,
    numeric,
    quantile_value,
    repeat_counts,
    snap,
    subset,
    text,
    text_series,
)
from model_training.synthetic.volumes import KAGGLE_COVERAGE, rows_per_applicant

FIRST_PREVIOUS_ID = 1_000_001
INSTALMENT_TYPES = ("Cash loans", "Consumer loans")
CARD_TYPE = "Revolving loans"
#: Monthly interest by yield group (the yield group is Home Credit's interest band).
MONTHLY_RATE = {"low_action": 0.004, "low_normal": 0.011, "middle": 0.017, "high": 0.026}
DEFAULT_MONTHLY_RATE = 0.017
#: A card's monthly instalment is a share of its limit.
CARD_INSTALMENT_SHARE = 0.05
#: Log-odds of a refusal per standard deviation of hidden risk.
REFUSAL_RISK = 0.9


@dataclass(frozen=True)
class PreviousRows:
    previous_application: pl.DataFrame
    pos_cash_balance: pl.DataFrame
    installments_payments: pl.DataFrame
    credit_card_balance: pl.DataFrame
    next_id: int


@dataclass
class _Rows:
    """The previous applications of a chunk while their columns are drawn."""

    rng: np.random.Generator
    calib: dict
    owner: np.ndarray  # index of the applicant in the chunk
    role: np.ndarray  # 0 anchor loan, 1 card, 2 any other application
    card_limit: dict
    values: dict = field(default_factory=dict)
    levels: dict = field(default_factory=dict)
    dated: np.ndarray = field(init=False)  # approved with a schedule of dates
    paid: np.ndarray = field(init=False)  # instalments paid until a loan ends

    def __post_init__(self) -> None:
        self.dated = np.zeros(self.n, dtype=bool)
        self.paid = np.zeros(self.n)

    @property
    def n(self) -> int:
        return len(self.owner)

    def u(self, k: int | None = None) -> np.ndarray:
        return self.rng.random(self.n if k is None else k)


ANCHOR, CARD, OTHER = 0, 1, 2


def generate_previous(
    rng: np.random.Generator, calib: dict, people: Applicants, first_id: int
) -> PreviousRows:
    """Previous applications of a chunk of applicants (ids from `first_id`) and their repayment tables."""
    p = calib["previous_application"]
    owner, role = _applications(rng, len(people.ids))
    r = _Rows(rng, p, owner, role, calib["credit_card_balance"]["limit"])
    r.values["SK_ID_PREV"] = first_id + np.arange(r.n, dtype=np.int64)
    r.values["SK_ID_CURR"] = people.ids[owner]

    status = _status(r, people)
    groups = _product_groups(r, status, *_product(r, status))
    _product_columns(r, groups)
    _amounts(r, groups)
    _days(r, status, people)
    _independent(r)
    previous = _frame(r)

    loans, cards = _contracts(r, people)
    pos, loan_payments = loan_repayments(rng, calib, loans)
    card_rows, card_payments = card_balances(rng, calib, cards)
    payments = pl.concat([loan_payments, card_payments]).sort(
        ["SK_ID_CURR", "SK_ID_PREV", "NUM_INSTALMENT_NUMBER"], maintain_order=True
    )
    return PreviousRows(previous, pos, payments, card_rows, first_id + r.n)


def _applications(rng: np.random.Generator, applicants: int) -> tuple[np.ndarray, np.ndarray]:
    """Owner and role of every previous application: an anchor loan first, then a card for card holders."""
    coverage = KAGGLE_COVERAGE["previous_application"]
    card_share = KAGGLE_COVERAGE["credit_card_balance"] / coverage
    has_history = rng.random(applicants) < coverage
    has_card = has_history & (rng.random(applicants) < card_share)
    extra = rows_per_applicant("previous_application") / coverage - 1.0 - 0.5 * card_share
    counts = np.where(has_history, 1 + negative_binomial(rng, np.full(applicants, extra), 1.2), 0)
    counts = np.where(has_card, np.maximum(counts, 2), counts)
    owner, rank = repeat_counts(counts)
    role = np.where(rank == 0, ANCHOR, np.where((rank == 1) & has_card[owner], CARD, OTHER))
    return owner, role


def _status(r: _Rows, people: Applicants) -> np.ndarray:
    """Contract status: anchors and cards are approved; the others keep the calibrated overall shares."""
    spec = r.calib["status"]
    levels = spec["levels"]
    base = np.asarray(spec["p"], dtype=float)
    approved, refused = levels.index("Approved"), levels.index("Refused")
    forced = float(np.mean(r.role != OTHER)) if r.n else 0.0
    free = base / max(1.0 - forced, 1e-9)
    free[approved] = max(base[approved] - forced, 0.05 * base[approved]) / max(1.0 - forced, 1e-9)
    risk = -(0.8 * people.creditworthiness + 0.45 * people.discipline)[r.owner] / 1.097
    weights = np.tile(free, (r.n, 1))
    weights[:, refused] *= np.exp(REFUSAL_RISK * risk - REFUSAL_RISK**2 / 2)
    cumulative = np.cumsum(weights, axis=1)
    drawn = (r.u()[:, None] * cumulative[:, -1:] >= cumulative).sum(axis=1)
    status = np.where(r.role == OTHER, np.minimum(drawn, len(levels) - 1), approved)
    r.values["NAME_CONTRACT_STATUS"], r.levels["NAME_CONTRACT_STATUS"] = status, levels
    return status


def _product(r: _Rows, status: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Contract type and product combination ("type|combination"), drawn within the status."""
    by_status = r.calib["product_by_status"]
    status_levels = r.levels["NAME_CONTRACT_STATUS"]
    products = sorted({lv for spec in by_status.values() for lv in spec["levels"]})
    product = np.zeros(r.n, dtype=np.int64)
    for s, name in enumerate(status_levels):
        spec = by_status[name]
        kinds = [
            (r.role == ANCHOR, {lv for lv in spec["levels"] if lv.split("|")[0] in INSTALMENT_TYPES}),
            (r.role == CARD, {lv for lv in spec["levels"] if lv.split("|")[0] == CARD_TYPE}),
            # Only card holders' applications turn into cards, so other approvals are not revolving.
            (
                r.role == OTHER,
                {lv for lv in spec["levels"] if name != "Approved" or not lv.startswith(CARD_TYPE)},
            ),
        ]
        for rows, allowed in kinds:
            rows = rows & (status == s)
            if rows.any():
                local = subset(spec, allowed)
                idx = text(local, r.u(int(rows.sum())))
                product[rows] = np.asarray([products.index(lv) for lv in local["levels"]])[idx]
    contract = [lv.split("|")[0] for lv in products]
    combination = [lv.split("|", 1)[1] for lv in products]
    _put_mapped(r, "NAME_CONTRACT_TYPE", contract, product)
    _put_mapped(r, "PRODUCT_COMBINATION", combination, product, empty_is_missing=True)
    return product, products


def _put_mapped(
    r: _Rows, column: str, names: list[str], idx: np.ndarray, empty_is_missing: bool = False
) -> None:
    levels = sorted({nm for nm in names if nm or not empty_is_missing})
    lookup = np.asarray([levels.index(nm) if (nm or not empty_is_missing) else -1 for nm in names])
    r.values[column], r.levels[column] = lookup[idx], levels


def _product_groups(
    r: _Rows, status: np.ndarray, product: np.ndarray, products: list[str]
) -> list[tuple[np.ndarray, list[str]]]:
    """Rows of each (product, status) pair with the pair's lookup keys, finest first."""
    status_levels = r.levels["NAME_CONTRACT_STATUS"]
    pair = product * len(status_levels) + status
    unique, inverse = np.unique(pair, return_inverse=True)
    groups = []
    for i, code in enumerate(unique):
        contract, combination = products[code // len(status_levels)].split("|", 1)
        state = status_levels[code % len(status_levels)]
        keys = [f"{contract}|{state}|{combination}", f"{contract}|{state}", contract, "*"]
        groups.append((np.flatnonzero(inverse == i), keys))
    return groups


def _lookup(specs: dict, keys: list[str]) -> dict:
    return next(specs[k] for k in keys if k in specs)


def _product_columns(r: _Rows, groups: list[tuple[np.ndarray, list[str]]]) -> None:
    """Every product-dependent column, drawn with the statistics of the row's product."""
    for column in PREVIOUS_PRODUCT_COLUMNS:
        specs = r.calib["by_product"][column]
        if schema_kind("previous_application", column) == "category":
            levels = sorted({lv for s in specs.values() for lv in s["levels"]})
            out = np.full(r.n, -1)
            for rows, keys in groups:
                spec = _lookup(specs, keys)
                if spec["missing"] < 1.0:
                    local = text(spec, r.u(len(rows)), r.u(len(rows)))
                    to_global = np.asarray([levels.index(lv) for lv in spec["levels"]])
                    out[rows] = np.where(local < 0, -1, to_global[local])
            r.values[column], r.levels[column] = out, levels
        else:
            out = np.full(r.n, np.nan)
            for rows, keys in groups:
                spec = _lookup(specs, keys)
                if spec["missing"] < 1.0:
                    out[rows] = numeric(spec, r.u(len(rows)), r.u(len(rows)))
            r.values[column] = out


def _amounts(r: _Rows, groups: list[tuple[np.ndarray, list[str]]]) -> None:
    """Credit from the amount asked, the annuity from credit, term and interest band, the down payment."""
    v = r.values
    contract = np.asarray(r.levels["NAME_CONTRACT_TYPE"])[v["NAME_CONTRACT_TYPE"]]
    asked = np.nan_to_num(v["AMT_APPLICATION"])
    asked = np.where(asked > 0, snap(asked, r.calib["application_grid"], r.u()), 0.0)
    v["AMT_APPLICATION"] = asked
    ratio = np.ones(r.n)
    for name, spec in sorted(r.calib["credit_to_application"].items()):
        rows = contract == name if name != "*" else ~np.isin(contract, list(r.calib["credit_to_application"]))
        if rows.any():
            ratio[rows] = quantile_value(spec["credit_to_application"], r.u(int(rows.sum())))
    without = np.zeros(r.n)
    for rows, keys in groups:
        spec = _lookup(r.calib["credit_without_application"], keys[1:])
        without[rows] = quantile_value(spec, r.u(len(rows))) if spec["missing"] < 1.0 else 0.0
    credit = np.where(asked > 0, np.round(asked * ratio, 2), np.round(without, 2))
    # A card's credit is its limit, drawn like the limits seen in credit_card_balance.
    limit = quantile_value(r.card_limit, r.u())
    credit = np.where(r.role == CARD, np.maximum(np.round(limit / 4500) * 4500, 4500), credit)
    v["AMT_CREDIT"] = credit
    v["AMT_GOODS_PRICE"] = np.where(np.isnan(v["AMT_GOODS_PRICE"]) | (asked == 0), np.nan, asked)

    months = v["CNT_PAYMENT"]
    band_rates = [MONTHLY_RATE.get(lv, DEFAULT_MONTHLY_RATE) for lv in r.levels["NAME_YIELD_GROUP"]]
    rate = np.asarray([*band_rates, DEFAULT_MONTHLY_RATE])[v["NAME_YIELD_GROUP"]]  # -1 (unknown) is last
    instalment = np.where(
        months > 0, credit * annuity_factor(rate, np.nan_to_num(months)), credit * CARD_INSTALMENT_SHARE
    )
    v["AMT_ANNUITY"] = np.where(np.isnan(months), np.nan, np.round(instalment, 3))
    v["AMT_DOWN_PAYMENT"] = np.round(v["RATE_DOWN_PAYMENT"] * asked, 2)
    spec = r.calib["by_type"]
    area = np.zeros(r.n)
    for name in sorted(set(contract)):
        rows = contract == name
        area[rows] = quantile_value(spec.get(name, spec["*"])["SELLERPLACE_AREA"], r.u(int(rows.sum())))
    v["SELLERPLACE_AREA"] = np.round(area)


def _days(r: _Rows, status: np.ndarray, people: Applicants) -> None:
    """Decision day, then the schedule of approved contracts (first and last due dates, termination).

    Instalment loans follow their term: the last due date is CNT_PAYMENT months after the first, sooner
    when repaid early; 365243 marks dates that have not happened (contract still running).
    """
    v = r.values
    by_status = r.calib["by_status"]
    status_levels = r.levels["NAME_CONTRACT_STATUS"]
    history = people.history_days[r.owner]
    decision = np.zeros(r.n)
    for s, name in enumerate(status_levels):
        rows = status == s
        if rows.any():
            spec = by_status.get(name, by_status["*"])["DAYS_DECISION"]
            decision[rows] = days_before(spec, r.u(int(rows.sum())), history[rows])
    decision = np.minimum(np.round(decision), -1)
    v["DAYS_DECISION"] = decision

    contract = np.asarray(r.levels["NAME_CONTRACT_TYPE"])[v["NAME_CONTRACT_TYPE"]]
    approved = status == status_levels.index("Approved")
    dates = {c: np.full(r.n, np.nan) for c in PREVIOUS_TIMELINE}
    dated = np.zeros(r.n, dtype=bool)
    for name, timeline in sorted(r.calib["timeline"].items()):
        rows = approved & (contract == name) & ((r.role != OTHER) | (r.u() >= timeline["undated"]))
        dated |= rows
        if name in INSTALMENT_TYPES:
            _loan_schedule(r, rows, timeline, decision, dates)
        else:
            for column in PREVIOUS_TIMELINE:
                dates[column] = np.where(rows, _card_date(r, timeline[column], decision), dates[column])
    v.update(dates)
    v["NFLAG_INSURED_ON_APPROVAL"] = np.where(dated, np.nan_to_num(v["NFLAG_INSURED_ON_APPROVAL"]), np.nan)
    r.dated = dated


def _card_date(r: _Rows, timeline: dict, decision: np.ndarray) -> np.ndarray:
    """A card's date: a calibrated delay after the decision, or 365243 when it has not happened."""
    if timeline["no_date"] >= 1.0:
        return np.full(r.n, float(NO_DATE))
    day = decision + np.round(numeric(timeline["after_decision"], r.u()))
    return np.where((r.u() < timeline["no_date"]) | (day > 0), NO_DATE, day)


def _loan_schedule(r: _Rows, rows: np.ndarray, timeline: dict, decision: np.ndarray, dates: dict) -> None:
    """Due dates of instalment loans; the number of instalments actually paid is kept for the repayments."""
    months = np.where(np.nan_to_num(r.values["CNT_PAYMENT"]) >= 1, r.values["CNT_PAYMENT"], 12.0)
    first_due = decision + np.round(numeric(timeline["DAYS_FIRST_DUE"]["after_decision"], r.u()))
    planned_last = first_due + INSTALMENT_DAYS * (months - 1)
    early = r.u() < timeline["early_repayment_share"]
    paid = np.where(early & (months > 1), 1 + np.floor(r.u() * (months - 1)), months)
    last_due = first_due + INSTALMENT_DAYS * (paid - 1)
    finished = last_due <= -1
    end = last_due + np.round(numeric(timeline["termination_after_last_due"], r.u()))
    columns = {
        "DAYS_FIRST_DRAWING": np.full(r.n, float(NO_DATE)),
        "DAYS_FIRST_DUE": first_due,
        "DAYS_LAST_DUE_1ST_VERSION": planned_last,
        "DAYS_LAST_DUE": np.where(finished, last_due, NO_DATE),
        "DAYS_TERMINATION": np.where(finished & (end <= -1), end, NO_DATE),
    }
    for column, day in columns.items():
        dates[column] = np.where(rows, day, dates[column])
    r.paid = np.where(rows, paid, r.paid)


def _independent(r: _Rows) -> None:
    """Columns unrelated to the product: weekday, hour, flags and the rarely known interest rates."""
    for column in schema.columns("previous_application"):
        if column.name in r.values:
            continue
        spec = r.calib["marginal"][column.name]
        if column.kind == "category":
            r.values[column.name], r.levels[column.name] = text(spec, r.u(), r.u()), spec["levels"]
        else:
            r.values[column.name] = numeric(spec, r.u(), r.u())


def _contracts(r: _Rows, people: Applicants) -> tuple[Loans, Cards]:
    """Approved instalment loans already due at least once, and the card holders' cards."""
    v = r.values
    contract = np.asarray(r.levels["NAME_CONTRACT_TYPE"])[v["NAME_CONTRACT_TYPE"]]
    running = (
        r.dated
        & np.isin(contract, INSTALMENT_TYPES)
        & (v["DAYS_FIRST_DUE"] <= -1)
        & (np.nan_to_num(v["CNT_PAYMENT"]) >= 1)
        & ~np.isnan(v["AMT_ANNUITY"])
    )
    loan = np.flatnonzero(running)
    card = np.flatnonzero(r.role == CARD)
    loans = Loans(
        prev_id=v["SK_ID_PREV"][loan],
        client_id=v["SK_ID_CURR"][loan],
        discipline=people.discipline[r.owner[loan]],
        signed=v["DAYS_DECISION"][loan],
        first_due=v["DAYS_FIRST_DUE"][loan],
        instalments=v["CNT_PAYMENT"][loan],
        paid=r.paid[loan],
        annuity=v["AMT_ANNUITY"][loan],
    )
    termination = v["DAYS_TERMINATION"][card]
    cards = Cards(
        prev_id=v["SK_ID_PREV"][card],
        client_id=v["SK_ID_CURR"][card],
        discipline=people.discipline[r.owner[card]],
        opened=v["DAYS_DECISION"][card],
        closed=np.where(np.isnan(termination) | (termination == NO_DATE), np.nan, termination),
        limit=v["AMT_CREDIT"][card],
    )
    return loans, cards


def _frame(r: _Rows) -> pl.DataFrame:
    series = []
    for column in schema.columns("previous_application"):
        values = r.values[column.name]
        if column.kind == "category":
            series.append(text_series(column.name, r.levels[column.name], values))
        elif column.kind == "int":
            series.append(pl.Series(column.name, np.asarray(values).astype(np.int64)))
        else:
            series.append(pl.Series(column.name, np.asarray(values, dtype=float), nan_to_null=True))
    return pl.DataFrame(series)
