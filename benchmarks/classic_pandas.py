"""The classic Kaggle kernel recipe in plain pandas ("LightGBM with simple features"), the baseline of
`bench_features.py`: what a data scientist would write first, against which our loader and features are timed.

Faithful to the kernel's steps, compactly: `pd.read_csv` with default dtypes; application one-hot encoded
(binary texts factorised), DAYS_EMPLOYED 365243 as missing, five ratios; bureau_balance one-hot and reduced
per credit, joined onto bureau; bureau, previous_application, POS_CASH_balance, installments_payments and
credit_card_balance one-hot encoded and aggregated per SK_ID_CURR (min / max / mean / sum / var of every
numeric column, the mean of every one-hot column), bureau by active / closed and previous applications by
approved / refused once more; every table joined onto the applicants. Usage (prints rows, columns, seconds):
`python benchmarks/classic_pandas.py FOLDER`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

NUMERIC_STATS = ["min", "max", "mean", "sum", "var"]


def _csv(folder: Path, table: str) -> pd.DataFrame:
    path = folder / f"{table}.csv.gz"
    return pd.read_csv(path if path.exists() else folder / f"{table}.csv")


def _one_hot(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    before = list(frame.columns)
    texts = [c for c in frame.columns if frame[c].dtype == "object"]
    frame = pd.get_dummies(frame, columns=texts, dummy_na=True, dtype=np.uint8)
    return frame, [c for c in frame.columns if c not in before]


def _aggregate(frame: pd.DataFrame, prefix: str, key: str = "SK_ID_CURR", one_hot=()) -> pd.DataFrame:
    numeric = [c for c in frame.columns if c not in (key, *one_hot) and not c.startswith("SK_ID_")]
    spec = {c: NUMERIC_STATS for c in numeric} | {c: ["mean"] for c in one_hot}
    out = frame.groupby(key).agg(spec)
    out.columns = pd.Index([f"{prefix}_{name}_{stat.upper()}" for name, stat in out.columns])
    return pd.concat([out, frame.groupby(key).size().rename(f"{prefix}_COUNT")], axis=1)


def application(folder: Path) -> pd.DataFrame:
    frame = pd.concat(
        [_csv(folder, "application_train"), _csv(folder, "application_test")], ignore_index=True
    )
    frame = frame[frame["CODE_GENDER"] != "XNA"]
    for column in ("CODE_GENDER", "FLAG_OWN_CAR", "FLAG_OWN_REALTY"):
        frame[column], _ = pd.factorize(frame[column])
    frame, _ = _one_hot(frame)
    frame["DAYS_EMPLOYED"] = frame["DAYS_EMPLOYED"].replace(365243, np.nan)
    frame["DAYS_EMPLOYED_PERC"] = frame["DAYS_EMPLOYED"] / frame["DAYS_BIRTH"]
    frame["INCOME_CREDIT_PERC"] = frame["AMT_INCOME_TOTAL"] / frame["AMT_CREDIT"]
    frame["INCOME_PER_PERSON"] = frame["AMT_INCOME_TOTAL"] / frame["CNT_FAM_MEMBERS"]
    frame["ANNUITY_INCOME_PERC"] = frame["AMT_ANNUITY"] / frame["AMT_INCOME_TOTAL"]
    frame["PAYMENT_RATE"] = frame["AMT_ANNUITY"] / frame["AMT_CREDIT"]
    return frame


def bureau_and_balance(folder: Path) -> pd.DataFrame:
    balance, balance_hot = _one_hot(_csv(folder, "bureau_balance"))
    spec = {"MONTHS_BALANCE": ["min", "max", "size"]} | {c: ["mean"] for c in balance_hot}
    by_credit = balance.groupby("SK_ID_BUREAU").agg(spec)
    by_credit.columns = pd.Index([f"{name}_{stat.upper()}" for name, stat in by_credit.columns])
    del balance
    bureau, bureau_hot = _one_hot(_csv(folder, "bureau"))
    bureau = bureau.join(by_credit, how="left", on="SK_ID_BUREAU")
    del by_credit
    hot = [*bureau_hot, *(c for c in bureau.columns if c.startswith("STATUS_"))]
    out = _aggregate(bureau, "BURO", one_hot=hot)
    for subset in ("Active", "Closed"):
        rows = bureau[bureau[f"CREDIT_ACTIVE_{subset}"] == 1].drop(columns=hot)
        out = out.join(_aggregate(rows, f"{subset.upper()}"), how="left")
    return out


def previous_applications(folder: Path) -> pd.DataFrame:
    prev, hot = _one_hot(_csv(folder, "previous_application"))
    for column in ("DAYS_FIRST_DRAWING", "DAYS_FIRST_DUE", "DAYS_LAST_DUE_1ST_VERSION", "DAYS_LAST_DUE"):
        prev[column] = prev[column].replace(365243, np.nan)
    prev["DAYS_TERMINATION"] = prev["DAYS_TERMINATION"].replace(365243, np.nan)
    prev["APP_CREDIT_PERC"] = prev["AMT_APPLICATION"] / prev["AMT_CREDIT"]
    out = _aggregate(prev, "PREV", one_hot=hot)
    for subset in ("Approved", "Refused"):
        rows = prev[prev[f"NAME_CONTRACT_STATUS_{subset}"] == 1].drop(columns=hot)
        out = out.join(_aggregate(rows, subset.upper()), how="left")
    return out


def pos_cash(folder: Path) -> pd.DataFrame:
    pos, hot = _one_hot(_csv(folder, "POS_CASH_balance"))
    return _aggregate(pos, "POS", one_hot=hot)


def installments(folder: Path) -> pd.DataFrame:
    inst, hot = _one_hot(_csv(folder, "installments_payments"))
    inst["PAYMENT_PERC"] = inst["AMT_PAYMENT"] / inst["AMT_INSTALMENT"]
    inst["PAYMENT_DIFF"] = inst["AMT_INSTALMENT"] - inst["AMT_PAYMENT"]
    inst["DPD"] = (inst["DAYS_ENTRY_PAYMENT"] - inst["DAYS_INSTALMENT"]).clip(lower=0)
    inst["DBD"] = (inst["DAYS_INSTALMENT"] - inst["DAYS_ENTRY_PAYMENT"]).clip(lower=0)
    return _aggregate(inst, "INSTAL", one_hot=hot)


def credit_card(folder: Path) -> pd.DataFrame:
    cc, hot = _one_hot(_csv(folder, "credit_card_balance"))
    return _aggregate(cc.drop(columns=["SK_ID_PREV"]), "CC", one_hot=hot)


def classic_features(folder: Path) -> pd.DataFrame:
    """The kernel's feature table: one row per applicant, every side table's aggregates joined on."""
    folder = Path(folder)
    frame = application(folder)
    for side in (bureau_and_balance, previous_applications, pos_cash, installments, credit_card):
        frame = frame.join(side(folder), how="left", on="SK_ID_CURR")
    return frame


if __name__ == "__main__":
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_dir():
        sys.exit("usage: python benchmarks/classic_pandas.py FOLDER (a folder of Kaggle-named CSV files)")
    started = time.perf_counter()
    features = classic_features(Path(sys.argv[1]))
    print(f"{features.shape[0]:,} rows, {features.shape[1]:,} columns, {time.perf_counter() - started:.1f} s")
