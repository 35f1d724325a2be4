"""Features of the application itself: one output row per application row.

The same function serves the batch (356k applicants) and a single client at serving time, so it is one
``select`` of column expressions: no group-by, no join, nothing that depends on other rows. Text columns
become stable integer codes (the position of the level in ``kaggle_schema.json``), so a code means the same
level in training and in serving whatever levels a given batch happens to contain.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from model_training import quirks
from model_training.features.expressions import ratio, require_columns
from model_training.features.loan_terms import loan_term_features
from model_training.schema import CLIENT_ID, categorical_levels, column_names
from model_training.units import DAYS_PER_YEAR

_LEVELS = categorical_levels("application_train")

#: Text columns encoded as the position of their level in the schema levels (missing, XNA, unknown → null).
#: CODE_GENDER is deliberately not a feature: French law (Code pénal art. 225-1 and 225-2) and the EU
#: directive 2004/113/EC forbid treating applicants differently by sex when providing a financial service,
#: and it bought at most 0.001 ROC AUC on the real sample. It stays in the data, so that the governance
#: report can measure whether decisions differ by sex (see model_training/governance.py).
CATEGORICAL_COLUMNS: tuple[str, ...] = (
    "NAME_CONTRACT_TYPE",
    "NAME_TYPE_SUITE",
    "NAME_INCOME_TYPE",
    "NAME_EDUCATION_TYPE",
    "NAME_FAMILY_STATUS",
    "NAME_HOUSING_TYPE",
    "OCCUPATION_TYPE",
    "WEEKDAY_APPR_PROCESS_START",
    "ORGANIZATION_TYPE",
    "FONDKAPREMONT_MODE",
    "HOUSETYPE_MODE",
    "WALLSMATERIAL_MODE",
)

#: Feature name → the levels its codes index (code k means levels[k]).
CATEGORICAL_FEATURES: dict[str, tuple[str, ...]] = {c: _LEVELS[c] for c in CATEGORICAL_COLUMNS}

# pl.Enum(...) costs about 0.3 ms to build: once per process, not once per client
_SCHEMA_ENUMS: dict[str, pl.Enum] = {c: pl.Enum(_LEVELS[c]) for c in CATEGORICAL_COLUMNS}

#: Two-level text columns turned into 0/1: the level that means 1.
YES_NO_COLUMNS: dict[str, str] = {"FLAG_OWN_CAR": "Y", "FLAG_OWN_REALTY": "Y", "EMERGENCYSTATE_MODE": "Yes"}

_BUILDING = (
    "APARTMENTS",
    "BASEMENTAREA",
    "YEARS_BEGINEXPLUATATION",
    "YEARS_BUILD",
    "COMMONAREA",
    "ELEVATORS",
    "ENTRANCES",
    "FLOORSMAX",
    "FLOORSMIN",
    "LANDAREA",
    "LIVINGAPARTMENTS",
    "LIVINGAREA",
    "NONLIVINGAPARTMENTS",
    "NONLIVINGAREA",
)

#: Numeric columns kept under their Kaggle name. Left out on purpose, as constant or near-copies of a kept
#: column: DAYS_BIRTH and DAYS_EMPLOYED (kept in years), FLAG_MOBIL (always 1), FLAG_CONT_MOBILE (99.8 % 1),
#: FLAG_EMP_PHONE (= APP_NOT_EMPLOYED), the building *_MODE and *_MEDI statistics (near-copies of *_AVG),
#: OBS_60_CNT_SOCIAL_CIRCLE (copy of OBS_30), the rare FLAG_DOCUMENT_* (in APP_DOCUMENT_COUNT) and
#: AMT_REQ_CREDIT_BUREAU_HOUR/DAY/WEEK (almost always 0; in APP_BUREAU_REQUEST_COUNT).
RAW_NUMERIC_COLUMNS: tuple[str, ...] = (
    "CNT_CHILDREN",
    "AMT_INCOME_TOTAL",
    "AMT_CREDIT",
    "AMT_ANNUITY",
    "AMT_GOODS_PRICE",
    "REGION_POPULATION_RELATIVE",
    "DAYS_REGISTRATION",
    "DAYS_ID_PUBLISH",
    "OWN_CAR_AGE",
    "FLAG_WORK_PHONE",
    "FLAG_PHONE",
    "FLAG_EMAIL",
    "CNT_FAM_MEMBERS",
    "REGION_RATING_CLIENT",
    "REGION_RATING_CLIENT_W_CITY",
    "HOUR_APPR_PROCESS_START",
    "REG_REGION_NOT_LIVE_REGION",
    "REG_REGION_NOT_WORK_REGION",
    "LIVE_REGION_NOT_WORK_REGION",
    "REG_CITY_NOT_LIVE_CITY",
    "REG_CITY_NOT_WORK_CITY",
    "LIVE_CITY_NOT_WORK_CITY",
    "EXT_SOURCE_1",
    "EXT_SOURCE_2",
    "EXT_SOURCE_3",
    *(f"{name}_AVG" for name in _BUILDING),
    "TOTALAREA_MODE",
    "OBS_30_CNT_SOCIAL_CIRCLE",
    "DEF_30_CNT_SOCIAL_CIRCLE",
    "DEF_60_CNT_SOCIAL_CIRCLE",
    "DAYS_LAST_PHONE_CHANGE",
    "FLAG_DOCUMENT_3",
    "FLAG_DOCUMENT_5",
    "FLAG_DOCUMENT_6",
    "FLAG_DOCUMENT_8",
    "FLAG_DOCUMENT_16",
    "FLAG_DOCUMENT_18",
    "AMT_REQ_CREDIT_BUREAU_MON",
    "AMT_REQ_CREDIT_BUREAU_QRT",
    "AMT_REQ_CREDIT_BUREAU_YEAR",
)

_EXT_SOURCES = ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3")
#: Features whose higher values never mean more risk: the external credit scores and their summaries. The
#: model is constrained to follow that (LightGBM monotone constraints): a client whose score improves is never
#: told that it raised their risk, and on the real sample the constraint lowered the out-of-fold cost
#: (0.5315 -> 0.5305 averaged over two fold seeds, ROC AUC unchanged at 0.754).
RISK_FALLS_WITH: tuple[str, ...] = (
    *_EXT_SOURCES,
    "APP_EXT_SOURCE_MEAN",
    "APP_EXT_SOURCE_MIN",
    "APP_EXT_SOURCE_MAX",
    "APP_EXT_SOURCE_WEIGHTED",
    "APP_EXT_SOURCE_PROD",
)
#: Weights of the classic weighted EXT_SOURCE combination (the third source is the strongest).
EXT_SOURCE_WEIGHTS = (2.0, 1.0, 3.0)
_DOCUMENTS = tuple(f"FLAG_DOCUMENT_{k}" for k in range(2, 22))
_REGION_MISMATCH = (
    "REG_REGION_NOT_LIVE_REGION",
    "REG_REGION_NOT_WORK_REGION",
    "LIVE_REGION_NOT_WORK_REGION",
    "REG_CITY_NOT_LIVE_CITY",
    "REG_CITY_NOT_WORK_CITY",
    "LIVE_CITY_NOT_WORK_CITY",
)
_BUREAU_REQUESTS = tuple(
    f"AMT_REQ_CREDIT_BUREAU_{period}" for period in ("HOUR", "DAY", "WEEK", "MON", "QRT", "YEAR")
)

_USED = frozenset(
    {
        CLIENT_ID,
        *RAW_NUMERIC_COLUMNS,
        *YES_NO_COLUMNS,
        *CATEGORICAL_COLUMNS,
        "DAYS_BIRTH",
        "DAYS_EMPLOYED",
        *_DOCUMENTS,
        *_BUREAU_REQUESTS,
    }
)


def application_columns(table: str = "application_test") -> list[str]:
    """The columns of an application table that the features read, in file order (TARGET excluded)."""
    return [c for c in column_names(table) if c in _USED]


def _yes_no(column: str, yes: str) -> pl.Expr:
    return (pl.col(column) == yes).cast(pl.Float32).alias(column)


def _category_code(column: str, schema_typed: bool) -> pl.Expr:
    """Position of the level in the schema levels; missing, XNA/XAP and unknown levels become null."""
    levels = _LEVELS[column]
    values = pl.col(column)
    if not schema_typed:
        values = values.cast(pl.String).cast(_SCHEMA_ENUMS[column], strict=False)
    code = values.to_physical()
    missing = quirks.missing_level_codes(column, levels)
    if missing:
        code = pl.when(code.is_in(missing)).then(None).otherwise(code)
    return code.cast(pl.Float32).alias(column)


def _known_sum(columns: tuple[str, ...]) -> pl.Expr:
    """Sum of the columns, missing when none is known (sum_horizontal alone would say 0)."""
    any_known = pl.any_horizontal(pl.col(c).is_not_null() for c in columns)
    return pl.when(any_known).then(pl.sum_horizontal(columns))


def _ext_source_features() -> list[pl.Expr]:
    sources = [pl.col(c).cast(pl.Float64) for c in _EXT_SOURCES]
    known = pl.sum_horizontal(s.is_not_null() for s in sources)
    mean = pl.mean_horizontal(sources)
    squares = pl.sum_horizontal((s - mean) ** 2 for s in sources)
    weighted = pl.sum_horizontal(w * s for w, s in zip(EXT_SOURCE_WEIGHTS, sources, strict=True))
    weight = pl.sum_horizontal(w * s.is_not_null() for w, s in zip(EXT_SOURCE_WEIGHTS, sources, strict=True))
    return [
        mean.alias("APP_EXT_SOURCE_MEAN"),
        pl.min_horizontal(sources).alias("APP_EXT_SOURCE_MIN"),
        pl.max_horizontal(sources).alias("APP_EXT_SOURCE_MAX"),
        pl.when(known >= 2).then((squares / (known - 1)).sqrt()).alias("APP_EXT_SOURCE_STD"),
        (sources[0] * sources[1] * sources[2]).alias("APP_EXT_SOURCE_PROD"),
        ratio(weighted, weight).alias("APP_EXT_SOURCE_WEIGHTED"),
        (3 - known).alias("APP_EXT_SOURCE_MISSING_COUNT"),
    ]


def _engineered_features() -> list[pl.Expr]:
    employed_days = quirks.without_days_sentinel("DAYS_EMPLOYED")
    return [
        (-pl.col("DAYS_BIRTH").cast(pl.Float64) / DAYS_PER_YEAR).alias("APP_AGE_YEARS"),
        (-employed_days.cast(pl.Float64) / DAYS_PER_YEAR).alias("APP_EMPLOYED_YEARS"),
        quirks.not_employed_flag().alias("APP_NOT_EMPLOYED"),
        ratio("AMT_CREDIT", "AMT_INCOME_TOTAL").alias("APP_CREDIT_INCOME_RATIO"),
        ratio("AMT_ANNUITY", "AMT_INCOME_TOTAL").alias("APP_ANNUITY_INCOME_RATIO"),
        ratio("AMT_ANNUITY", "AMT_CREDIT").alias("APP_PAYMENT_RATE"),
        ratio(employed_days, "DAYS_BIRTH").alias("APP_EMPLOYED_AGE_RATIO"),
        ratio("AMT_INCOME_TOTAL", "CNT_FAM_MEMBERS").alias("APP_INCOME_PER_PERSON"),
        ratio("AMT_GOODS_PRICE", "AMT_CREDIT").alias("APP_GOODS_CREDIT_RATIO"),
        (pl.col("AMT_CREDIT").cast(pl.Float64) - pl.col("AMT_GOODS_PRICE")).alias("APP_CREDIT_GOODS_DIFF"),
        ratio("CNT_CHILDREN", "CNT_FAM_MEMBERS").alias("APP_CHILDREN_RATIO"),
        ratio("DAYS_REGISTRATION", "DAYS_BIRTH").alias("APP_REGISTRATION_AGE_RATIO"),
        ratio("DAYS_ID_PUBLISH", "DAYS_BIRTH").alias("APP_ID_PUBLISH_AGE_RATIO"),
        ratio("DAYS_LAST_PHONE_CHANGE", "DAYS_BIRTH").alias("APP_PHONE_CHANGE_AGE_RATIO"),
        ratio(pl.col("OWN_CAR_AGE") * DAYS_PER_YEAR, -pl.col("DAYS_BIRTH")).alias("APP_CAR_AGE_RATIO"),
        *_ext_source_features(),
        *loan_term_features(),
        _known_sum(_DOCUMENTS).alias("APP_DOCUMENT_COUNT"),
        _known_sum(_REGION_MISMATCH).alias("APP_REGION_MISMATCH_COUNT"),
        _known_sum(_BUREAU_REQUESTS).alias("APP_BUREAU_REQUEST_COUNT"),
    ]


@cache
def _expressions(coded_columns_ready: tuple[bool, ...]) -> tuple[pl.Expr, ...]:
    """The output expressions, built once per input layout: building them costs more than running them."""
    return (
        pl.col(CLIENT_ID).cast(pl.Int32),
        *(pl.col(c).cast(pl.Float32) for c in RAW_NUMERIC_COLUMNS),
        *(_yes_no(c, yes) for c, yes in YES_NO_COLUMNS.items()),
        *(
            _category_code(c, ready)
            for c, ready in zip(CATEGORICAL_COLUMNS, coded_columns_ready, strict=True)
        ),
        *(e.cast(pl.Float32) for e in _engineered_features()),
    )


def application_features(app: pl.DataFrame) -> pl.DataFrame:
    """SK_ID_CURR and the application features (Float32), one row per row of ``app``, in its order.

    Works on application_train or application_test rows, or a single client's typed fields at serving time
    (about 3 ms for one row). TARGET is never read.
    """
    if not _USED.issubset(app.columns):
        require_columns(app, "application", sorted(_USED))
    schema = app.schema
    ready = tuple(schema[c] == dtype for c, dtype in _SCHEMA_ENUMS.items())
    return app.select(_expressions(ready))
