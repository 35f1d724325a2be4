"""How approved instalment loans were repaid: POS_CASH_balance (one row per month) and
installments_payments (one row per instalment due), plus the payment timing shared with card repayments.

Payment discipline (hidden, see `applicants.py`) sets how often an applicant pays late, pays less than due
or runs days past due; these are the behavioural signals a model can learn from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from model_training.synthetic.sampling import (
    DAYS_PER_MONTH,
    month_of,
    numeric,
    quantile_value,
    repeat_counts,
    sigmoid,
    text_series,
)

#: Instalments fall due every 30 days, as in the Kaggle tables.
INSTALMENT_DAYS = 30
MAX_MONTHS_BACK = 96
#: How strongly payment discipline moves the odds of a late payment (log-odds per standard deviation).
LATE_PAYMENT_SPREAD = 1.5
LATE_SHARE_OF_FIRST_PAYMENTS = 0.8
#: Share of short payments made up by a second payment within 40 days.
COMPLETED_LATER = 0.6


@dataclass(frozen=True)
class Loans:
    """Approved instalment loans with at least one instalment already due (one entry per loan)."""

    prev_id: np.ndarray
    client_id: np.ndarray
    discipline: np.ndarray
    signed: np.ndarray  # decision day
    first_due: np.ndarray
    instalments: np.ndarray  # CNT_PAYMENT
    paid: np.ndarray  # instalments until the loan ends (fewer than planned when repaid early)
    annuity: np.ndarray


def loan_repayments(rng: np.random.Generator, calib: dict, loans: Loans) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The POS_CASH_balance and installments_payments rows of a chunk's loans."""
    return _monthly_balances(rng, calib["POS_CASH_balance"], loans), _instalments(rng, calib, loans)


def _due_by(loans: Loans, day: np.ndarray, parent: np.ndarray | None = None) -> np.ndarray:
    """Number of instalments fallen due on or before `day` (per loan, or per row of a loan)."""
    pick = (lambda a: a) if parent is None else (lambda a: a[parent])
    due = np.floor((day - pick(loans.first_due)) / INSTALMENT_DAYS) + 1
    return np.clip(due, 0, pick(loans.paid))


def _monthly_balances(rng: np.random.Generator, pos: dict, loans: Loans) -> pl.DataFrame:
    """One row per month from signature to completion (or to last month), with instalments left to pay."""
    due_now = _due_by(loans, np.full(len(loans.prev_id), -1.0))
    complete = due_now >= loans.paid
    last_instalment = loans.first_due + INSTALMENT_DAYS * (loans.paid - 1)
    first = np.maximum(month_of(loans.signed), -MAX_MONTHS_BACK)
    last = np.where(complete, np.minimum(month_of(last_instalment) + 1, -1), -1)
    parent, rank = repeat_counts(np.maximum(last - first + 1, 0))
    month = first[parent] + rank
    n = len(parent)
    end_of_month = (month + 1) * DAYS_PER_MONTH - 1
    paid = _due_by(loans, end_of_month, parent)
    finished = complete[parent] & (month == last[parent])
    left = np.where(finished, 0.0, loans.instalments[parent] - paid)
    unknown = rng.random(n) < pos["marginal"]["CNT_INSTALMENT"]["missing"]

    late_rate = pos["late_month_rate"]
    late = rng.random(n) < sigmoid(np.log(late_rate) - 0.7 - 1.2 * loans.discipline[parent])
    days_late = np.where(late, np.round(quantile_value(pos["late_days"], rng.random(n))), 0)
    counted = late & (rng.random(n) < pos["late_counts_as_default"])
    levels = ["Active", "Completed"]
    return pl.DataFrame(
        [
            pl.Series("SK_ID_PREV", loans.prev_id[parent]),
            pl.Series("SK_ID_CURR", loans.client_id[parent]),
            pl.Series("MONTHS_BALANCE", month.astype(np.int64)),
            pl.Series(
                "CNT_INSTALMENT", np.where(unknown, np.nan, loans.instalments[parent]), nan_to_null=True
            ),
            pl.Series("CNT_INSTALMENT_FUTURE", np.where(unknown, np.nan, left), nan_to_null=True),
            text_series("NAME_CONTRACT_STATUS", levels, finished.astype(np.int64)),
            pl.Series("SK_DPD", days_late.astype(np.int64)),
            pl.Series("SK_DPD_DEF", np.where(counted, days_late, 0).astype(np.int64)),
        ]
    )


def _instalments(rng: np.random.Generator, calib: dict, loans: Loans) -> pl.DataFrame:
    """One row per instalment due so far; an early repayment settles the rest in the last one."""
    due_now = _due_by(loans, np.full(len(loans.prev_id), -1.0)).astype(np.int64)
    parent, rank = repeat_counts(due_now)
    number = rank + 1
    n = len(parent)
    due_day = loans.first_due[parent] + INSTALMENT_DAYS * rank
    annuity = loans.annuity[parent]
    settles = (number == loans.paid[parent]) & (loans.paid[parent] < loans.instalments[parent])
    remaining = loans.instalments[parent] - number + 1
    amount = np.round(np.where(settles, annuity * remaining * 0.97, annuity), 3)
    inst = calib["installments_payments"]
    version = numeric(inst["loan_versions"], rng.random(n))
    return payments_frame(
        rng,
        inst,
        loans.prev_id[parent],
        loans.client_id[parent],
        loans.discipline[parent],
        version,
        number,
        due_day,
        amount,
    )


def payments_frame(
    rng: np.random.Generator,
    inst: dict,
    prev_id: np.ndarray,
    client_id: np.ndarray,
    discipline: np.ndarray,
    version: np.ndarray,
    number: np.ndarray,
    due_day: np.ndarray,
    amount: np.ndarray,
) -> pl.DataFrame:
    """installments_payments rows: when and how much was paid, late and short more often for poor discipline.

    A short payment is often completed by a second payment a few days later (a second row for the same
    instalment, as in Kaggle); otherwise the shortfall stays unpaid.
    """
    n = len(prev_id)
    spread = LATE_PAYMENT_SPREAD
    # Probit-style correction so that the average late rate stays the calibrated one.
    # (Second payments of short instalments come on top, mostly after the due date.)
    first_late = LATE_SHARE_OF_FIRST_PAYMENTS * inst["late_rate"]
    base = np.log(first_late / (1 - first_late)) * np.sqrt(1 + np.pi * spread**2 / 8)
    late = rng.random(n) < sigmoid(base - spread * discipline)
    delay = np.where(
        late,
        np.ceil(quantile_value(inst["late_days"], rng.random(n))),
        -np.floor(quantile_value(inst["early_days"], rng.random(n))),
    )
    paid_day = due_day + delay
    unpaid = (paid_day > -1) | (rng.random(n) < inst["unpaid_rate"])
    rate = inst["underpaid_rate"] / (1 + COMPLETED_LATER)
    short = rng.random(n) < sigmoid(np.log(rate / (1 - rate)) - 0.6 * discipline)
    extra = ~short & (rng.random(n) < inst["overpaid_rate"])
    paid = np.where(short, amount * quantile_value(inst["underpaid_share"], rng.random(n)), amount)
    paid = np.round(np.where(extra, amount * (1 + rng.random(n)), paid), 3)

    second_day = paid_day + np.ceil(rng.random(n) * 40)
    second = np.flatnonzero(short & ~unpaid & (rng.random(n) < COMPLETED_LATER) & (second_day <= -1))
    rows = np.concatenate([np.arange(n), second])
    paid_day = np.concatenate([np.where(unpaid, np.nan, paid_day), second_day[second]])
    paid = np.concatenate([np.where(unpaid, np.nan, paid), np.round(amount[second] - paid[second], 3)])
    return pl.DataFrame(
        [
            pl.Series("SK_ID_PREV", prev_id[rows].astype(np.int64)),
            pl.Series("SK_ID_CURR", client_id[rows].astype(np.int64)),
            pl.Series("NUM_INSTALMENT_VERSION", version[rows].astype(float)),
            pl.Series("NUM_INSTALMENT_NUMBER", number[rows].astype(np.int64)),
            pl.Series("DAYS_INSTALMENT", due_day[rows].astype(float)),
            pl.Series("DAYS_ENTRY_PAYMENT", paid_day, nan_to_null=True),
            pl.Series("AMT_INSTALMENT", np.round(amount[rows], 3)),
            pl.Series("AMT_PAYMENT", paid, nan_to_null=True),
        ]
    )
