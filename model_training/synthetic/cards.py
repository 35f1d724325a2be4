"""Monthly credit card balances (credit_card_balance) and the card repayments they produce in
installments_payments (NUM_INSTALMENT_VERSION 0, as in Kaggle).

A card is simulated month by month from its opening to the last month (or its closure): the holder draws
cash or pays in shops some months, owes interest on what was not repaid, and pays back at least the monthly
minimum, except that holders with poor payment discipline now and then skip a payment and fall days past due.
The loop runs over months (at most 96), each step vectorised over all the cards of the chunk.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import polars as pl

from model_training import schema
from model_training.synthetic.repayments import MAX_MONTHS_BACK, payments_frame
from model_training.synthetic.sampling import (
    DAYS_PER_MONTH,
    month_of,
    quantile_value,
    repeat_counts,
    sigmoid,
    text_series,
)

MONTHLY_INTEREST = 0.02
#: Share of cards whose limit is raised once during their life.
LIMIT_RAISE_SHARE = 0.3
#: Share of cards drawn down to most of their limit in their first month (cash cards).
INITIAL_DRAWDOWN_SHARE = 0.5
#: Average number of transfers that make up a month's card repayment (Kaggle has about one card payment
#: row per card month).
TRANSFERS_PER_MONTH = 2.2
#: Share of cards whose days past due count in SK_DPD_DEF (the others owe too little to count).
DEFAULT_COUNTS_SHARE = 0.6


@dataclass(frozen=True)
class Cards:
    """The chunk's credit cards (one entry per card)."""

    prev_id: np.ndarray
    client_id: np.ndarray
    discipline: np.ndarray
    opened: np.ndarray  # decision day
    closed: np.ndarray  # termination day, NaN while open
    limit: np.ndarray  # credit granted at approval


@dataclass
class _Ledger:
    """One entry per card month, filled month by month."""

    balance: np.ndarray
    limit: np.ndarray
    atm: np.ndarray
    pos: np.ndarray
    atm_count: np.ndarray
    pos_count: np.ndarray
    minimum: np.ndarray
    payment: np.ndarray
    principal: np.ndarray
    paid_count: np.ndarray
    dpd: np.ndarray
    counted: np.ndarray  # days past due that count as default (SK_DPD_DEF)

    @classmethod
    def empty(cls, rows: int) -> _Ledger:
        return cls(*(np.zeros(rows) for _ in fields(cls)))


def card_balances(rng: np.random.Generator, calib: dict, cards: Cards) -> tuple[pl.DataFrame, pl.DataFrame]:
    """credit_card_balance rows of a chunk's cards, and the installments_payments rows of their repayments."""
    cc = calib["credit_card_balance"]
    n_cards = len(cards.prev_id)
    first = np.maximum(month_of(cards.opened), -MAX_MONTHS_BACK)
    last = np.where(np.isnan(cards.closed), -1, np.minimum(month_of(np.nan_to_num(cards.closed)), -1))
    last = np.maximum(last, first)
    length = last - first + 1
    parent, rank = repeat_counts(length)
    start = np.cumsum(length) - length
    ledger = _simulate(rng, cc, cards, length, start, len(parent))
    month = first[parent] + rank
    balances = _balance_frame(
        rng,
        cc,
        cards,
        ledger,
        parent,
        month,
        closing=~np.isnan(cards.closed[parent]) & (month == last[parent]),
    )
    return balances, _card_payments(rng, calib, cards, ledger, parent, month, n_cards)


def _simulate(
    rng: np.random.Generator, cc: dict, cards: Cards, length: np.ndarray, start: np.ndarray, rows: int
) -> _Ledger:
    ledger = _Ledger.empty(rows)
    n = len(length)
    usage = rng.beta(0.7, 0.7 / cc["drawing_month_rate"] - 0.7, n)
    limit = np.maximum(np.round(cards.limit / 4500) * 4500, 4500)
    drawdown = np.where(rng.random(n) < INITIAL_DRAWDOWN_SHARE, 0.5 + 0.5 * rng.random(n), 0.0)
    counts = rng.random(n) < DEFAULT_COUNTS_SHARE
    raise_at = np.where(rng.random(n) < LIMIT_RAISE_SHARE, np.floor(rng.random(n) * length), -1)
    minimum_share = quantile_value(cc["minimum_to_balance"], rng.random(n))
    skips = sigmoid(np.log(cc["late_month_rate"] / 0.45) - 0.8 - 1.4 * cards.discipline)
    balance = np.zeros(n)
    paid_count = np.zeros(n)
    dpd = np.zeros(n)
    for step in range(int(length.max()) if n else 0):
        on = np.flatnonzero(step < length)
        row = start[on] + step
        limit[on] = np.where(raise_at[on] == step, np.round(limit[on] * 1.5 / 4500) * 4500, limit[on])
        owed = balance[on]
        k = len(on)
        minimum = np.round(owed * minimum_share[on], 3)
        skip = (owed > 0) & (rng.random(k) < skips[on])
        share = quantile_value(cc["payment_to_balance"], rng.random(k))
        payment = np.where(owed > 0, np.minimum(np.maximum(owed * share, minimum), owed), 0.0)
        payment = np.round(np.where(skip, 0.0, payment), 3)
        paid_count[on] += payment > 0
        dpd[on] = np.where(skip, dpd[on] + 30, 0)
        counted = np.where(counts[on], dpd[on], 0)

        draws = rng.random(k) < usage[on]
        atm_count = np.where(
            draws & (rng.random(k) < cc["atm_drawing_rate"]),
            np.round(quantile_value(cc["atm_count"], rng.random(k))),
            0,
        )
        pos_count = np.where(
            draws & (rng.random(k) < cc["pos_drawing_rate"]),
            np.round(quantile_value(cc["pos_count"], rng.random(k))),
            0,
        )
        atm = np.round(atm_count * quantile_value(cc["atm_amount_each"], rng.random(k)) / 450) * 450
        if step == 0:
            atm = np.maximum(atm, np.round(limit[on] * drawdown[on] / 450) * 450)
            atm_count = np.maximum(atm_count, atm > 0)
        pos = np.round(pos_count * quantile_value(cc["pos_amount_each"], rng.random(k)), 2)
        room = np.maximum(limit[on] - (owed - payment), 0.0)
        scale = np.minimum(1.0, room / np.maximum(atm + pos, 1e-9))
        atm, pos = np.round(atm * scale, 2), np.round(pos * scale, 2)
        balance[on] = np.round((owed - payment) * (1 + MONTHLY_INTEREST) + atm + pos, 3)

        for name, values in (
            ("balance", balance[on]),
            ("limit", limit[on]),
            ("atm", atm),
            ("pos", pos),
            ("atm_count", atm_count),
            ("pos_count", pos_count),
            ("minimum", minimum),
            ("payment", payment),
            ("paid_count", paid_count[on]),
            ("dpd", dpd[on]),
            ("counted", counted),
        ):
            getattr(ledger, name)[row] = values
    ledger.principal = np.round(
        ledger.balance * quantile_value(cc["principal_to_balance"], rng.random(rows)), 3
    )
    return ledger


def _balance_frame(
    rng: np.random.Generator,
    cc: dict,
    cards: Cards,
    ledger: _Ledger,
    parent: np.ndarray,
    month: np.ndarray,
    closing: np.ndarray,
) -> pl.DataFrame:
    n = len(parent)
    idle = (ledger.atm + ledger.pos) == 0
    split_unknown = idle & (rng.random(n) < cc["split_missing_when_idle"])
    payment_unknown = (ledger.payment == 0) & (rng.random(n) < cc["payment_missing_when_unpaid"])
    minimum_unknown = rng.random(n) < cc["minimum_missing"]

    def unless(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.where(mask, np.nan, values)

    drawn = ledger.atm + ledger.pos
    values = {
        "SK_ID_PREV": cards.prev_id[parent],
        "SK_ID_CURR": cards.client_id[parent],
        "MONTHS_BALANCE": month,
        "AMT_BALANCE": ledger.balance,
        "AMT_CREDIT_LIMIT_ACTUAL": ledger.limit,
        "AMT_DRAWINGS_ATM_CURRENT": unless(split_unknown, ledger.atm),
        "AMT_DRAWINGS_CURRENT": np.round(drawn, 2),
        "AMT_DRAWINGS_OTHER_CURRENT": unless(split_unknown, np.zeros(n)),
        "AMT_DRAWINGS_POS_CURRENT": unless(split_unknown, ledger.pos),
        "AMT_INST_MIN_REGULARITY": unless(minimum_unknown, ledger.minimum),
        "AMT_PAYMENT_CURRENT": unless(payment_unknown, ledger.payment),
        "AMT_PAYMENT_TOTAL_CURRENT": ledger.payment,
        "AMT_RECEIVABLE_PRINCIPAL": ledger.principal,
        "AMT_RECIVABLE": ledger.balance,
        "AMT_TOTAL_RECEIVABLE": ledger.balance,
        "CNT_DRAWINGS_ATM_CURRENT": unless(split_unknown, ledger.atm_count),
        "CNT_DRAWINGS_CURRENT": ledger.atm_count + ledger.pos_count,
        "CNT_DRAWINGS_OTHER_CURRENT": unless(split_unknown, np.zeros(n)),
        "CNT_DRAWINGS_POS_CURRENT": unless(split_unknown, ledger.pos_count),
        "CNT_INSTALMENT_MATURE_CUM": unless(minimum_unknown, ledger.paid_count),
        "SK_DPD": ledger.dpd,
        "SK_DPD_DEF": ledger.counted,
    }
    series = []
    for column in schema.columns("credit_card_balance"):
        if column.name == "NAME_CONTRACT_STATUS":
            series.append(text_series(column.name, ["Active", "Completed"], closing.astype(np.int64)))
        elif column.kind == "int":
            series.append(pl.Series(column.name, np.asarray(values[column.name]).astype(np.int64)))
        else:
            series.append(
                pl.Series(column.name, np.asarray(values[column.name], dtype=float), nan_to_null=True)
            )
    return pl.DataFrame(series)


def _card_payments(
    rng: np.random.Generator,
    calib: dict,
    cards: Cards,
    ledger: _Ledger,
    parent: np.ndarray,
    month: np.ndarray,
    n_cards: int,
) -> pl.DataFrame:
    """installments_payments rows of card repayments: each month's repayment, often in several transfers.

    Rows of one month share the instalment number (the count of months repaid so far), as in Kaggle.
    """
    paying = np.flatnonzero(ledger.payment > 0)
    transfers = 1 + rng.poisson(TRANSFERS_PER_MONTH - 1, len(paying))
    which, rank = repeat_counts(transfers)
    row = paying[which]
    owner = parent[row]
    due_offset = np.floor(rng.random(n_cards) * 25)[owner]
    due_day = np.minimum(np.floor(month[row] * DAYS_PER_MONTH) + due_offset + 3 * rank, -1)
    share = rng.random(len(row)) + 0.2
    share /= np.bincount(which, weights=share)[which]
    return payments_frame(
        rng,
        calib["installments_payments"],
        cards.prev_id[owner],
        cards.client_id[owner],
        cards.discipline[owner],
        np.zeros(len(row)),
        ledger.paid_count[row],
        due_day,
        np.round(ledger.payment[row] * share, 3),
    )
