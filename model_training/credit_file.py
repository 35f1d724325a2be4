"""One applicant's credit file as one JSON document, validated like the loader and featurised like training.

The document nests the seven Kaggle tables under their applicant, with the Kaggle column names::

    {"application": {...},
     "bureau": [{..., "bureau_balance": [...]}, ...],
     "previous_application": [{..., "POS_CASH_balance": [...], "installments_payments": [...],
                               "credit_card_balance": [...]}, ...]}

The pydantic models are built from the loader's schema (`kaggle_schema.json` through `model_training.data`'s
dtypes): a category takes one of its levels, an integer column a whole number within its loader dtype, a float
a finite number; every field may be absent (missing). Keys are given by the nesting, so a record never carries
SK_ID_CURR, SK_ID_BUREAU or SK_ID_PREV: they are assigned when the file becomes tables. Unknown fields, a
record in the wrong place, lists longer than `MAX_RECORDS` and files of more than `MAX_FILE_RECORDS` records
are refused; every problem is named by its path (the first 20 of them),
e.g. ``bureau[2].AMT_CREDIT_SUM``. `CreditFile.model_json_schema()` is the document's JSON Schema.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import cache
from types import GenericAlias
from typing import Annotated, Any, Literal

import polars as pl
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model

from model_training.data import polars_schema
from model_training.errors import InputError
from model_training.features.application import application_features
from model_training.features.bureau import (
    BUREAU_BALANCE_COLUMNS,
    BUREAU_COLUMNS,
    bureau_balance_by_credit,
    bureau_client_features,
)
from model_training.features.credit_card import CREDIT_CARD_COLUMNS, credit_card_features
from model_training.features.installments import INSTALLMENTS_COLUMNS, installments_features
from model_training.features.pos_cash import POS_CASH_COLUMNS, pos_cash_features
from model_training.features.previous import PREVIOUS_COLUMNS, previous_application_features
from model_training.schema import CLIENT_ID

__all__ = [
    "MAX_FILE_RECORDS",
    "MAX_RECORDS",
    "REQUIRED_APPLICATION_FIELDS",
    "CreditFile",
    "CreditFileError",
    "credit_file_features",
    "credit_file_json_schema",
    "credit_file_tables",
    "validate_credit_file",
]

#: The table of a new application (application_train without TARGET).
APPLICATION_TABLE = "application_test"
BUREAU_ID, PREVIOUS_ID = "SK_ID_BUREAU", "SK_ID_PREV"

#: Most records a list may hold. Largest counts in the real development sample (20,014 labelled applicants):
#: 41 bureau credits per applicant, 96 monthly bureau_balance rows per credit, 27 previous applications per
#: applicant, 6 POS_CASH and 6 instalment rows and 96 credit-card months per previous application. Monthly
#: tables cover at most 97 months in Kaggle (MONTHS_BALANCE from -96 to 0): 120 leaves room; a 30-year loan
#: paid monthly has 360 instalments, and a payment may be split in several rows: 1,000. Counts of credits:
#: 200, several times the sample's largest. A longer list is refused at once rather than featurised slowly.
MAX_RECORDS: dict[str, int] = {
    "bureau": 200,
    "bureau_balance": 120,
    "previous_application": 200,
    "POS_CASH_balance": 120,
    "installments_payments": 1000,
    "credit_card_balance": 120,
}
#: Most records in one file, all tables together. The sample's largest counts together make about 12,000
#: (41 x 96 bureau months, 27 previous applications with 96 + 100 + 96 rows), featurised in about 60 ms;
#: every list at its maximum would make 272,000 records and take about 2 s: refused.
MAX_FILE_RECORDS = 20_000
_SHOWN_PROBLEMS = 20  # paths named in one refusal; the rest are counted

#: Application fields a lender always has; a file without one of them is "incomplete". Chosen from the
#: missing share of each application_train column on the real development sample (20,014 rows): these are
#: missing in 0 rows, except AMT_ANNUITY in 2 (0.01 %). Also never missing, but not required: CODE_GENDER
#: (a protected attribute a decision must not wait for), the FLAG_DOCUMENT_*/phone/e-mail flags, REGION_*
#: ratings, REG_*/LIVE_* address flags, the application's weekday and hour and DAYS_REGISTRATION/ID_PUBLISH/
#: LAST_PHONE_CHANGE (the lender's own bookkeeping, not the applicant's answers), ORGANIZATION_TYPE (XNA for
#: pensioners). AMT_GOODS_PRICE (0.065 % missing) has no goods for revolving loans: not required.
REQUIRED_APPLICATION_FIELDS: tuple[str, ...] = (
    "NAME_CONTRACT_TYPE",
    "AMT_INCOME_TOTAL",
    "AMT_CREDIT",
    "AMT_ANNUITY",
    "DAYS_BIRTH",
    "DAYS_EMPLOYED",
    "NAME_INCOME_TYPE",
    "NAME_EDUCATION_TYPE",
    "NAME_FAMILY_STATUS",
    "NAME_HOUSING_TYPE",
    "CNT_CHILDREN",
    "CNT_FAM_MEMBERS",
    "FLAG_OWN_CAR",
    "FLAG_OWN_REALTY",
)

#: Nested lists of each table: child table → its parent table.
_CHILDREN: dict[str, tuple[str, ...]] = {
    "bureau": ("bureau_balance",),
    "previous_application": ("POS_CASH_balance", "installments_payments", "credit_card_balance"),
}
#: Keys the nesting gives, never sent by the client.
_IMPLIED_KEYS: dict[str, frozenset[str]] = {
    APPLICATION_TABLE: frozenset(),
    "bureau": frozenset({CLIENT_ID, BUREAU_ID}),
    "bureau_balance": frozenset({BUREAU_ID}),
    "previous_application": frozenset({CLIENT_ID, PREVIOUS_ID}),
    "POS_CASH_balance": frozenset({CLIENT_ID, PREVIOUS_ID}),
    "installments_payments": frozenset({CLIENT_ID, PREVIOUS_ID}),
    "credit_card_balance": frozenset({CLIENT_ID, PREVIOUS_ID}),
}
_MODEL_NAMES = {
    APPLICATION_TABLE: "Application",
    "bureau": "BureauCredit",
    "bureau_balance": "BureauBalanceMonth",
    "previous_application": "PreviousApplication",
    "POS_CASH_balance": "PosCashBalanceMonth",
    "installments_payments": "InstallmentPayment",
    "credit_card_balance": "CreditCardBalanceMonth",
}


class CreditFileError(InputError):
    """A refused credit file: ``errors`` maps each path (``bureau[2].AMT_CREDIT_SUM``) to its one message."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{path}: {message}" for path, message in self.errors.items()))


# ------------------------------------------------------------------------------------------- models


def _number(value: Any) -> Any:
    """As the loader reads JSON: text and booleans are not numbers; NaN is a missing value."""
    if isinstance(value, (str, bool)):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


_Number = BeforeValidator(_number)


def _field_type(dtype: pl.DataType) -> Any:
    """The field's type, missing allowed (the number check runs before the union, so NaN becomes None)."""
    if isinstance(dtype, pl.Enum):
        return Literal[tuple(dtype.categories.to_list())] | None
    if isinstance(dtype, pl.Float32):
        return Annotated[Annotated[float, Field(allow_inf_nan=False)] | None, _Number]
    bits_of: dict[type[pl.DataType], int] = {pl.Int8: 8, pl.Int16: 16, pl.Int32: 32}
    bits = bits_of[type(dtype)]
    return Annotated[Annotated[int, Field(ge=-(2 ** (bits - 1)), le=2 ** (bits - 1) - 1)] | None, _Number]


def _records(table: str, model: type[BaseModel]) -> tuple[Any, Any]:
    """A field holding a list of a table's records, at most MAX_RECORDS[table] of them, empty by default."""
    return GenericAlias(list, (model,)), Field(default_factory=list, max_length=MAX_RECORDS[table])


def _record_model(table: str, children: Mapping[str, Any]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        name: (_field_type(dtype), None)
        for name, dtype in polars_schema(table).items()
        if name not in _IMPLIED_KEYS[table]
    }
    for child, model in children.items():
        fields[child] = _records(child, model)
    return create_model(
        _MODEL_NAMES[table],
        __config__=ConfigDict(extra="forbid", frozen=True),
        __doc__=f"One row of the Kaggle table {table}; absent fields are missing values.",
        **fields,
    )


@cache
def _credit_file_model() -> type[BaseModel]:
    nested = {
        parent: _record_model(parent, {child: _record_model(child, {}) for child in children})
        for parent, children in _CHILDREN.items()
    }
    fields: dict[str, Any] = {"application": (_record_model(APPLICATION_TABLE, {}), ...)}
    fields |= {parent: _records(parent, model) for parent, model in nested.items()}
    return create_model(
        "CreditFile",
        __config__=ConfigDict(extra="forbid", frozen=True),
        __doc__="One applicant's credit file: the application and the records of the side tables under it.",
        **fields,
    )


CreditFile: type[BaseModel] = _credit_file_model()


def credit_file_json_schema() -> dict[str, Any]:
    """The JSON Schema of the document, from the very models that validate it (for the OpenAPI document)."""
    return CreditFile.model_json_schema()


# --------------------------------------------------------------------------------------- validation


def _path(location: Sequence[int | str]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field (not a column of this table, or a record in the wrong place)"
    if kind == "too_long":
        return f"too many records: at most {error['ctx']['max_length']:,}"
    if kind == "literal_error":
        return f"unknown value {error['input']!r}; expected {error['ctx']['expected']}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return message[0].lower() + message[1:]


def _missing_required(application: BaseModel) -> list[str]:
    return [name for name in REQUIRED_APPLICATION_FIELDS if getattr(application, name) is None]


def _record_count(document: object) -> int:
    """Records of a document, counted before validation (lists that are not lists of records count 0)."""
    if not isinstance(document, Mapping):
        return 0
    count = 0
    for parent, children in _CHILDREN.items():
        records = document.get(parent)
        if isinstance(records, list):
            count += len(records)
            for record in records:
                if isinstance(record, Mapping):
                    count += sum(len(r) for c in children if isinstance(r := record.get(c), list))
    return count


def validate_credit_file(document: object) -> BaseModel:
    """The validated `CreditFile`; `CreditFileError` names every bad field by its path, one message each.

    A file of more than `MAX_FILE_RECORDS` records is refused before any field is read; a file lacking one of
    `REQUIRED_APPLICATION_FIELDS` is refused as "incomplete application", naming them.
    """
    count = _record_count(document)
    if count > MAX_FILE_RECORDS:
        raise CreditFileError(
            {"credit_file": f"too many records: {count:,} in all tables, at most {MAX_FILE_RECORDS:,}"}
        )
    try:
        file = CreditFile.model_validate(document)
    except ValidationError as error:
        problems: dict[str, str] = {}
        for item in error.errors(include_url=False):
            # a union of a type and None reports each branch: the first message of a path is the useful one
            problems.setdefault(
                _path([p for p in item["loc"] if p not in ("literal", "none")]), _message(item)
            )
        shown = dict(list(problems.items())[:_SHOWN_PROBLEMS])
        if len(problems) > _SHOWN_PROBLEMS:
            shown["credit_file"] = f"and {len(problems) - _SHOWN_PROBLEMS:,} more problems"
        raise CreditFileError(shown) from None
    missing = _missing_required(file.application)  # type: ignore[attr-defined]
    if missing:
        raise CreditFileError({"application": f"incomplete application: missing {', '.join(missing)}"})
    return file


# ------------------------------------------------------------------------------------------- tables


def _frame(table: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    return (
        pl.from_dicts(rows, schema=polars_schema(table))
        if rows
        else pl.DataFrame(schema=polars_schema(table))
    )


def credit_file_tables(file: BaseModel, client_id: int = 0) -> dict[str, pl.DataFrame]:
    """The seven single-applicant tables of a validated file, with the loader's dtypes and column order.

    Keys are assigned by the nesting: SK_ID_CURR is ``client_id`` (the application's own if it has one),
    SK_ID_BUREAU and SK_ID_PREV number the records from 1. Keyed by Kaggle table name (application_test).
    """
    document = file.model_dump()
    application = document["application"]
    client = application[CLIENT_ID] if application.get(CLIENT_ID) is not None else client_id
    rows: dict[str, list[dict[str, Any]]] = {table: [] for table in _IMPLIED_KEYS}
    rows[APPLICATION_TABLE].append(application | {CLIENT_ID: client})
    for parent, key in (("bureau", BUREAU_ID), ("previous_application", PREVIOUS_ID)):
        for number, record in enumerate(document[parent], start=1):
            ids = {CLIENT_ID: client, key: number}
            for child in _CHILDREN[parent]:
                rows[child] += [row | ids for row in record.pop(child)]
            rows[parent].append(record | ids)
    return {table: _frame(table, table_rows) for table, table_rows in rows.items()}


def credit_file_features(file: BaseModel, client_id: int = 0) -> pl.DataFrame:
    """One row: SK_ID_CURR and every feature `build_features` computes, by the same functions.

    Side-table features are missing when the file has no record of that table, as for a training client
    without rows there. Select a model's features with `model_training.features.build.feature_matrix`.
    """
    tables = credit_file_tables(file, client_id)
    applicant = application_features(tables[APPLICATION_TABLE])
    by_credit = bureau_balance_by_credit(tables["bureau_balance"].select(BUREAU_BALANCE_COLUMNS))
    side = [
        bureau_client_features(tables["bureau"].select(BUREAU_COLUMNS), by_credit),
        previous_application_features(tables["previous_application"].select(PREVIOUS_COLUMNS)),
        pos_cash_features(tables["POS_CASH_balance"].select(POS_CASH_COLUMNS)),
        installments_features(tables["installments_payments"].select(INSTALLMENTS_COLUMNS)),
        credit_card_features(tables["credit_card_balance"].select(CREDIT_CARD_COLUMNS)),
    ]
    client = applicant.select(CLIENT_ID)
    aligned = [client.join(f, on=CLIENT_ID, how="left", maintain_order="left").drop(CLIENT_ID) for f in side]
    return pl.concat([applicant, *aligned], how="horizontal")
