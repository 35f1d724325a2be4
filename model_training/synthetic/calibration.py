"""Marginal statistics of the real Home Credit sample that the synthetic generator reproduces.

`calibrate(real_folder)` reads a folder of Kaggle-named tables and returns only aggregates: missing rates,
quantiles at `sampling.GRID` (never the minimum or maximum), level and value frequencies, some of them within
groups (pensioners and workers, contract types, credit statuses). No row is stored. The result is kept as
`model_training/synthetic_calibration.json`; regenerate it with

    python -c "from model_training.synthetic.calibration import write_calibration; write_calibration('DIR')"

Per-applicant volumes of the side tables are not calibrated here: the development sample holds only partial
histories, so the generator uses the full Kaggle row counts instead (see `volumes.py`).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl

from model_training import schema
from model_training.errors import InputError
from model_training.synthetic.sampling import GRID, NO_DATE

CALIBRATION_PATH = Path(__file__).resolve().parent.parent / "synthetic_calibration.json"

#: Numeric columns with at most this many distinct values are kept as value frequencies, not quantiles.
MAX_DISCRETE_VALUES = 100
#: ... and only when each value occurs this many times on average (otherwise it is a continuous measure).
MIN_ROWS_PER_VALUE = 20
#: Below this many values, quantiles come from a coarse grid (every 5%) so that no single row shows through.
SMALL_SAMPLE = 400
COARSE_GRID = np.array([0.025, *np.arange(1, 20) / 20, 0.975])
#: A value held by at least this share of rows is kept as a point mass (an "atom") besides the quantiles.
ATOM_SHARE = 0.01
#: Smallest group whose own statistics are kept; smaller groups fall back to a coarser one.
MIN_GROUP_ROWS = 30

#: Application columns that only make sense for someone in work: their distribution is kept separately for
#: workers and for pensioners/unemployed (DAYS_EMPLOYED = 365243, ORGANIZATION_TYPE = XNA, no work phone).
EMPLOYMENT_COLUMNS = (
    "DAYS_EMPLOYED",
    "ORGANIZATION_TYPE",
    "OCCUPATION_TYPE",
    "FLAG_EMP_PHONE",
    "FLAG_WORK_PHONE",
    "REG_REGION_NOT_WORK_REGION",
    "LIVE_REGION_NOT_WORK_REGION",
    "REG_CITY_NOT_WORK_CITY",
    "LIVE_CITY_NOT_WORK_CITY",
)

#: previous_application columns whose levels depend on the product (contract type, status, combination).
PREVIOUS_PRODUCT_COLUMNS = (
    "NAME_CASH_LOAN_PURPOSE",
    "NAME_PAYMENT_TYPE",
    "CODE_REJECT_REASON",
    "NAME_TYPE_SUITE",
    "NAME_CLIENT_TYPE",
    "NAME_GOODS_CATEGORY",
    "NAME_PORTFOLIO",
    "NAME_PRODUCT_TYPE",
    "CHANNEL_TYPE",
    "NAME_SELLER_INDUSTRY",
    "NAME_YIELD_GROUP",
    "AMT_APPLICATION",
    "AMT_GOODS_PRICE",
    "CNT_PAYMENT",
    "RATE_DOWN_PAYMENT",
    "NFLAG_INSURED_ON_APPROVAL",
)
PREVIOUS_TIMELINE = (
    "DAYS_FIRST_DRAWING",
    "DAYS_FIRST_DUE",
    "DAYS_LAST_DUE_1ST_VERSION",
    "DAYS_LAST_DUE",
    "DAYS_TERMINATION",
)


# ---------------------------------------------------------------------------------------------- specs


def _mean(values: pl.Series) -> float:
    """The mean of a numeric or boolean series (polars types `mean()` as any Python value)."""
    mean = values.mean()
    if not isinstance(mean, int | float):
        raise TypeError(f"{values.name}: no numeric mean ({mean!r})")
    return float(mean)


def spec(values: pl.Series) -> dict:
    """The calibrated marginal of one column: missing rate plus levels, value frequencies or quantiles."""
    n = len(values)
    present = values.drop_nulls()
    if values.dtype.is_float():
        present = present.filter(present.is_not_nan())
    missing = round(1.0 - len(present) / n, 6) if n else 1.0
    if len(present) == 0:
        return {"missing": 1.0, "levels" if values.dtype == pl.String else "values": [], "p": []}
    if values.dtype == pl.String:
        counts = present.value_counts().sort(values.name)
        return {"missing": missing, "levels": counts[values.name].to_list(), "p": _shares(counts["count"])}
    distinct = present.n_unique()
    if distinct <= MAX_DISCRETE_VALUES and distinct * MIN_ROWS_PER_VALUE <= len(present):
        counts = present.cast(pl.Float64).value_counts().sort(values.name)
        return {"missing": missing, "values": counts[values.name].to_list(), "p": _shares(counts["count"])}
    x = present.cast(pl.Float64).to_numpy()
    if len(x) < SMALL_SAMPLE:
        # A fine grid on a few hundred values would list the values themselves: smooth a coarse one instead.
        quantiles = np.interp(GRID, COARSE_GRID, np.quantile(x, COARSE_GRID))
        return {"missing": missing, "quantiles": [float(f"{q:.7g}") for q in quantiles]}
    out = {"missing": missing, "quantiles": [float(f"{q:.7g}") for q in np.quantile(x, GRID)]}
    atoms = _atoms(x)
    if atoms:
        out["atoms"] = atoms
    return out


def _atoms(x: np.ndarray) -> list[list[float]]:
    """Values held by many rows (0, 1.0, 365243, ...) with the span of ranks they occupy: [value, from, to].

    Interpolating quantiles would smear such a point mass into made-up neighbouring values.
    """
    values, counts = np.unique(x, return_counts=True)
    below = np.cumsum(counts) - counts
    heavy = counts >= ATOM_SHARE * len(x)
    return [
        [float(v), round(lo / len(x), 6), round((lo + c) / len(x), 6)]
        for v, lo, c in zip(values[heavy], below[heavy], counts[heavy], strict=True)
    ]


@cache
def schema_kind(table: str, column: str) -> str:
    """int, float or category: how a Kaggle column is written."""
    return {c.name: c.kind for c in schema.columns(table)}[column]


def _shares(counts: pl.Series) -> list[float]:
    total = counts.sum()
    return [round(c / total, 7) for c in counts.to_list()]


def grid_shares(values: pl.Series, steps: list[float]) -> dict:
    """Shares of amounts that are multiples of each step (coarsest first) and of no coarser one."""
    x = values.drop_nulls().to_numpy()
    x = x[x > 0]
    taken = np.zeros(len(x), dtype=bool)
    shares = []
    for step in steps:
        hit = ~taken & np.isclose(np.round(x / step) * step, x)
        shares.append(round(_mean(hit), 6))
        taken |= hit
    return {"steps": steps, "shares": shares}


def grouped(frame: pl.DataFrame, by: str, columns: list[str]) -> dict:
    """Column specs within each level of `by` that has enough rows, and over all rows under "*"."""
    out = {}
    for (level,), part in frame.group_by(by, maintain_order=False):
        if part.height >= MIN_GROUP_ROWS and level is not None:
            out[str(level)] = {c: spec(part[c]) for c in columns}
    out["*"] = {c: spec(frame[c]) for c in columns}
    return dict(sorted(out.items()))


def keyed(frame: pl.DataFrame, keys: list[list[str]], columns: tuple[str, ...]) -> dict:
    """Column specs per product key, from the finest key (e.g. type|status|combination) to the coarsest.

    The generator looks a key up from finest to coarsest and takes the first one present, so a rare
    product borrows the statistics of its broader family instead of an unreliable handful of rows.
    """
    out: dict[str, dict] = {c: {} for c in columns}
    for key_columns in keys:
        key = pl.concat_str([pl.col(k).fill_null("") for k in key_columns], separator="|")
        for (level,), part in frame.with_columns(_key=key).group_by("_key"):
            if part.height >= MIN_GROUP_ROWS:
                for c in columns:
                    out[c][level] = spec(part[c])
    for c in columns:
        out[c]["*"] = spec(frame[c])
    return {c: dict(sorted(specs.items())) for c, specs in out.items()}


def ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    return pl.when(denominator > 0).then(numerator / denominator).otherwise(None)


# ---------------------------------------------------------------------------------------------- tables


def _application(a: pl.DataFrame) -> dict:
    columns = [c for c in a.columns if c not in (schema.CLIENT_ID, schema.TARGET)]
    employed = pl.col("DAYS_EMPLOYED") != NO_DATE
    by_contract = {}
    for (contract,), part in a.group_by("NAME_CONTRACT_TYPE"):
        ratios = part.select(
            ratio(pl.col("AMT_CREDIT"), pl.col("AMT_GOODS_PRICE")).alias("credit_to_goods"),
            ratio(pl.col("AMT_ANNUITY"), pl.col("AMT_CREDIT")).alias("annuity_to_credit"),
        )
        by_contract[contract] = {
            "AMT_GOODS_PRICE": spec(part["AMT_GOODS_PRICE"]),
            "AMT_CREDIT": spec(part["AMT_CREDIT"]),
            "credit_to_goods": spec(ratios["credit_to_goods"]),
            "annuity_to_credit": spec(ratios["annuity_to_credit"].round(4)),
        }
    return {
        "rows": a.height,
        "target_rate": round(_mean(a[schema.TARGET]), 5),
        "marginal": {c: spec(a[c]) for c in columns},
        "employed": {c: spec(a.filter(employed)[c]) for c in EMPLOYMENT_COLUMNS},
        "not_employed": {c: spec(a.filter(~employed)[c]) for c in EMPLOYMENT_COLUMNS},
        "car_owners": {"OWN_CAR_AGE": spec(a.filter(pl.col("FLAG_OWN_CAR") == "Y")["OWN_CAR_AGE"])},
        "by_contract": dict(sorted(by_contract.items())),
        "grids": {
            "AMT_INCOME_TOTAL": grid_shares(a["AMT_INCOME_TOTAL"], [22500.0, 4500.0, 450.0, 45.0]),
            "AMT_GOODS_PRICE": grid_shares(a["AMT_GOODS_PRICE"], [45000.0, 22500.0, 4500.0, 450.0]),
        },
    }


def _bureau(b: pl.DataFrame) -> dict:
    derived = b.with_columns(
        duration=pl.col("DAYS_CREDIT_ENDDATE") - pl.col("DAYS_CREDIT"),
        closing_delay=pl.col("DAYS_ENDDATE_FACT") - pl.col("DAYS_CREDIT"),
        update_after_close=pl.col("DAYS_CREDIT_UPDATE") - pl.col("DAYS_ENDDATE_FACT"),
        debt_share=ratio(pl.col("AMT_CREDIT_SUM_DEBT"), pl.col("AMT_CREDIT_SUM")).clip(0, 1),
        overdue_share=ratio(pl.col("AMT_CREDIT_SUM_OVERDUE"), pl.col("AMT_CREDIT_SUM_DEBT")).clip(0, 1),
        positive_max_overdue=pl.when(pl.col("AMT_CREDIT_MAX_OVERDUE") > 0).then(
            pl.col("AMT_CREDIT_MAX_OVERDUE")
        ),
        positive_day_overdue=pl.when(pl.col("CREDIT_DAY_OVERDUE") > 0).then(pl.col("CREDIT_DAY_OVERDUE")),
    )
    per_status = [
        "CREDIT_TYPE",
        "DAYS_CREDIT",
        "DAYS_CREDIT_ENDDATE",
        "DAYS_ENDDATE_FACT",
        "DAYS_CREDIT_UPDATE",
        "AMT_CREDIT_MAX_OVERDUE",
        "AMT_CREDIT_SUM_DEBT",
        "AMT_CREDIT_SUM_LIMIT",
        "AMT_ANNUITY",
        "duration",
        "closing_delay",
        "update_after_close",
        "debt_share",
    ]
    active = derived.filter(pl.col("CREDIT_ACTIVE") == "Active")
    return {
        "rows": b.height,
        "marginal": {c: spec(b[c]) for c in b.columns if c not in ("SK_ID_CURR", "SK_ID_BUREAU")},
        "by_status": grouped(derived, "CREDIT_ACTIVE", per_status),
        "by_type": grouped(derived, "CREDIT_TYPE", ["AMT_CREDIT_SUM", "AMT_CREDIT_SUM_LIMIT"]),
        "sum_grid": grid_shares(b["AMT_CREDIT_SUM"], [45000.0, 4500.0, 450.0, 45.0]),
        "active_overdue_rate": round(_mean(active["AMT_CREDIT_SUM_OVERDUE"] > 0), 6),
        "overdue_share": spec(derived.filter(pl.col("overdue_share") > 0)["overdue_share"]),
        "day_overdue": spec(derived["positive_day_overdue"].drop_nulls()),
        "max_overdue_positive_rate": round(_mean(b["AMT_CREDIT_MAX_OVERDUE"].drop_nulls() > 0), 6),
        "max_overdue": spec(derived["positive_max_overdue"].drop_nulls()),
    }


def _bureau_balance(bb: pl.DataFrame) -> dict:
    status = bb["STATUS"]
    in_arrears = status.filter(status.is_in(["1", "2", "3", "4", "5"]))
    per_record = bb.group_by("SK_ID_BUREAU").agg(
        unknown=(pl.col("STATUS") == "X").mean(),
        reported_to_now=pl.col("MONTHS_BALANCE").max() == 0,
    )
    return {
        "rows": bb.height,
        "marginal": {"STATUS": spec(status)},
        "arrears_levels": spec(in_arrears),
        "all_unknown_share": round(_mean(per_record["unknown"] == 1), 6),
        "some_unknown_share": round(_mean((per_record["unknown"] > 0) & (per_record["unknown"] < 1)), 6),
        "reported_to_now_share": round(_mean(per_record["reported_to_now"]), 6),
    }


def _previous(p: pl.DataFrame) -> dict:
    p = p.with_columns(
        product=pl.concat_str(
            [pl.col("NAME_CONTRACT_TYPE"), pl.col("PRODUCT_COMBINATION").fill_null("")], separator="|"
        ),
        credit_to_application=ratio(pl.col("AMT_CREDIT"), pl.col("AMT_APPLICATION")),
    )
    approved = p.filter(pl.col("NAME_CONTRACT_STATUS") == "Approved")
    product_by_status = {
        status: spec(part["product"]) for (status,), part in p.group_by("NAME_CONTRACT_STATUS")
    }
    timeline = {}
    for (contract,), part in approved.group_by("NAME_CONTRACT_TYPE"):
        if part.height < MIN_GROUP_ROWS:
            continue
        dated = part.filter(pl.col("DAYS_FIRST_DUE").is_not_null())
        entry: dict[str, object] = {"undated": round(1 - dated.height / part.height, 6)}
        for c in PREVIOUS_TIMELINE:
            real = dated.filter(pl.col(c) != NO_DATE)
            entry[c] = {
                "no_date": round(1 - real.height / max(dated.height, 1), 6),
                "after_decision": spec(real[c] - real["DAYS_DECISION"]),
            }
        closed = dated.filter((pl.col("DAYS_LAST_DUE") != NO_DATE) & pl.col("DAYS_LAST_DUE").is_not_null())
        early = closed["DAYS_LAST_DUE"] < closed["DAYS_LAST_DUE_1ST_VERSION"]
        entry["early_repayment_share"] = round(_mean(early), 6) if closed.height else 0.0
        entry["termination_after_last_due"] = spec(closed["DAYS_TERMINATION"] - closed["DAYS_LAST_DUE"])
        timeline[contract] = entry
    no_application = p.filter(pl.col("AMT_APPLICATION") == 0)
    return {
        "rows": p.height,
        "marginal": {c: spec(p[c]) for c in p.columns if c in schema.column_names("previous_application")},
        "status": spec(p["NAME_CONTRACT_STATUS"]),
        "product_by_status": dict(sorted(product_by_status.items())),
        "by_product": keyed(
            p,
            [
                ["NAME_CONTRACT_TYPE", "NAME_CONTRACT_STATUS", "PRODUCT_COMBINATION"],
                ["NAME_CONTRACT_TYPE", "NAME_CONTRACT_STATUS"],
                ["NAME_CONTRACT_TYPE"],
            ],
            PREVIOUS_PRODUCT_COLUMNS,
        ),
        "credit_to_application": grouped(p, "NAME_CONTRACT_TYPE", ["credit_to_application"]),
        "by_type": grouped(p, "NAME_CONTRACT_TYPE", ["SELLERPLACE_AREA"]),
        "by_status": grouped(p, "NAME_CONTRACT_STATUS", ["DAYS_DECISION"]),
        "credit_without_application": keyed(
            no_application,
            [["NAME_CONTRACT_TYPE", "NAME_CONTRACT_STATUS"], ["NAME_CONTRACT_TYPE"]],
            ("AMT_CREDIT",),
        )["AMT_CREDIT"],
        "timeline": dict(sorted(timeline.items())),
        "application_grid": grid_shares(p["AMT_APPLICATION"], [45000.0, 4500.0, 450.0, 45.0, 4.5]),
    }


def _pos(pos: pl.DataFrame) -> dict:
    dpd = pos.filter(pl.col("SK_DPD") > 0)
    return {
        "rows": pos.height,
        "marginal": {
            c: spec(pos[c]) for c in ("CNT_INSTALMENT", "NAME_CONTRACT_STATUS", "SK_DPD", "SK_DPD_DEF")
        },
        "late_month_rate": round(_mean(pos["SK_DPD"] > 0), 6),
        "late_days": spec(dpd["SK_DPD"]),
        "late_counts_as_default": round(_mean(dpd["SK_DPD_DEF"] > 0), 6) if dpd.height else 0.0,
    }


def _installments(i: pl.DataFrame) -> dict:
    delay = (i["DAYS_ENTRY_PAYMENT"] - i["DAYS_INSTALMENT"]).drop_nulls()
    paid = i.filter(pl.col("AMT_PAYMENT").is_not_null())
    under = paid.filter(pl.col("AMT_PAYMENT") < pl.col("AMT_INSTALMENT"))
    return {
        "rows": i.height,
        "late_rate": round(_mean(delay > 0), 6),
        "early_days": spec(-delay.filter(delay <= 0)),
        "late_days": spec(delay.filter(delay > 0)),
        "unpaid_rate": round(_mean(i["DAYS_ENTRY_PAYMENT"].is_null()), 6),
        "underpaid_rate": round(under.height / max(paid.height, 1), 6),
        "underpaid_share": spec((under["AMT_PAYMENT"] / under["AMT_INSTALMENT"]).clip(0, 1)),
        "overpaid_rate": round(_mean(paid["AMT_PAYMENT"] > paid["AMT_INSTALMENT"]), 6),
        "loan_versions": spec(i.filter(pl.col("NUM_INSTALMENT_VERSION") > 0)["NUM_INSTALMENT_VERSION"]),
        "card_share": round(_mean(i["NUM_INSTALMENT_VERSION"] == 0), 6),
    }


def _credit_card(cc: pl.DataFrame) -> dict:
    drawn = cc.filter(pl.col("AMT_DRAWINGS_CURRENT") > 0)
    no_draw = cc.filter(pl.col("AMT_DRAWINGS_CURRENT") == 0)
    unpaid = cc.filter(pl.col("AMT_PAYMENT_TOTAL_CURRENT") == 0)
    owing = cc.filter(pl.col("AMT_BALANCE") > 0)
    atm = cc.filter(pl.col("CNT_DRAWINGS_ATM_CURRENT") > 0)
    pos = cc.filter(pl.col("CNT_DRAWINGS_POS_CURRENT") > 0)
    paying = owing.filter(pl.col("AMT_PAYMENT_TOTAL_CURRENT") > 0)
    return {
        "rows": cc.height,
        "limit": spec(cc["AMT_CREDIT_LIMIT_ACTUAL"].filter(cc["AMT_CREDIT_LIMIT_ACTUAL"] > 0)),
        "drawing_month_rate": round(drawn.height / cc.height, 6),
        "atm_drawing_rate": round(_mean(drawn["AMT_DRAWINGS_ATM_CURRENT"].fill_null(0) > 0), 6),
        "pos_drawing_rate": round(_mean(drawn["AMT_DRAWINGS_POS_CURRENT"].fill_null(0) > 0), 6),
        "atm_count": spec(atm["CNT_DRAWINGS_ATM_CURRENT"]),
        "atm_amount_each": spec(atm["AMT_DRAWINGS_ATM_CURRENT"] / atm["CNT_DRAWINGS_ATM_CURRENT"]),
        "pos_count": spec(pos["CNT_DRAWINGS_POS_CURRENT"]),
        "pos_amount_each": spec(pos["AMT_DRAWINGS_POS_CURRENT"] / pos["CNT_DRAWINGS_POS_CURRENT"]),
        "split_missing_when_idle": round(_mean(no_draw["AMT_DRAWINGS_ATM_CURRENT"].is_null()), 6),
        "payment_missing_when_unpaid": round(_mean(unpaid["AMT_PAYMENT_CURRENT"].is_null()), 6),
        "minimum_missing": round(_mean(cc["AMT_INST_MIN_REGULARITY"].is_null()), 6),
        "minimum_to_balance": spec((owing["AMT_INST_MIN_REGULARITY"] / owing["AMT_BALANCE"]).clip(0, 1)),
        "principal_to_balance": spec((owing["AMT_RECEIVABLE_PRINCIPAL"] / owing["AMT_BALANCE"]).clip(0, 1.2)),
        "payment_to_balance": spec((paying["AMT_PAYMENT_TOTAL_CURRENT"] / paying["AMT_BALANCE"]).clip(0, 2)),
        "late_month_rate": round(_mean(cc["SK_DPD"] > 0), 6),
        "marginal": {c: spec(cc[c]) for c in ("NAME_CONTRACT_STATUS", "SK_DPD", "SK_DPD_DEF")},
    }


# ---------------------------------------------------------------------------------------------- entry points


def read_real_table(folder: Path, table: str) -> pl.DataFrame:
    """One real table, typed from the Kaggle schema (text stays text even where it looks numeric)."""
    matches = [folder / f"{table}.csv.gz", folder / f"{table}.csv"]
    path = next((m for m in matches if m.exists()), None)
    if path is None:
        raise InputError(f"{folder}: no {table}.csv.gz or {table}.csv to calibrate on")
    dtypes = {"int": pl.Int64, "float": pl.Float64, "category": pl.String}
    overrides = {c.name: dtypes[c.kind] for c in schema.columns(table)}
    return pl.read_csv(path, schema_overrides=overrides, infer_schema_length=0)


def calibrate(real_folder: str | Path) -> dict:
    """Aggregate statistics of a real Home Credit folder, in the shape the generator reads."""
    folder = Path(real_folder)
    t = {name: read_real_table(folder, name) for name in schema.TABLES if name != "application_test"}
    return {
        "about": (
            "Aggregates of the real Home Credit development sample (missing rates, quantiles, level "
            "frequencies); no row is stored. Written by model_training.synthetic.calibration.calibrate."
        ),
        "grid": [float(g) for g in GRID],
        "application": _application(t["application_train"]),
        "bureau": _bureau(t["bureau"]),
        "bureau_balance": _bureau_balance(t["bureau_balance"]),
        "previous_application": _previous(t["previous_application"]),
        "POS_CASH_balance": _pos(t["POS_CASH_balance"]),
        "installments_payments": _installments(t["installments_payments"]),
        "credit_card_balance": _credit_card(t["credit_card_balance"]),
    }


def write_calibration(real_folder: str | Path, path: Path = CALIBRATION_PATH) -> Path:
    """Recompute the calibration from a real folder and store it where the generator reads it."""
    path.write_text(_readable_json(calibrate(real_folder)) + "\n")
    load_calibration.cache_clear()
    return path


def _readable_json(value: object, depth: int = 0) -> str:
    """JSON with one key per line but each list on a single line: diffable without being huge."""
    if not isinstance(value, dict):
        return json.dumps(value)
    pad = " " * (depth + 1)
    items = [f"{pad}{json.dumps(k)}: {_readable_json(v, depth + 1)}" for k, v in value.items()]
    return "{\n" + ",\n".join(items) + "\n" + " " * depth + "}"


@cache
def load_calibration() -> dict:
    """The stored calibration (read once per process)."""
    stored = json.loads(CALIBRATION_PATH.read_text())
    if not np.allclose(stored["grid"], GRID):
        raise RuntimeError(f"{CALIBRATION_PATH} was written for another quantile grid; regenerate it")
    return stored
