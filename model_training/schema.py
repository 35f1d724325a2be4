"""The Kaggle Home Credit schema: table files, column order, kinds and categorical levels.

`kaggle_schema.json` was read off the real development sample (column order and whether a column is written
as integers, floats or text) and completed with the categorical levels that only the full Kaggle files carry,
so that the loader, the synthetic generator and the feature encoding share one definition.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

Kind = Literal["int", "float", "category"]

#: Kaggle file stem of each table, in the order a reader meets them.
TABLES: tuple[str, ...] = (
    "application_train",
    "application_test",
    "bureau",
    "bureau_balance",
    "previous_application",
    "POS_CASH_balance",
    "installments_payments",
    "credit_card_balance",
)
DESCRIPTIONS_TABLE = "HomeCredit_columns_description"

#: Columns whose values identify a row of the table and must be unique there.
UNIQUE_KEYS: dict[str, str] = {
    "application_train": "SK_ID_CURR",
    "application_test": "SK_ID_CURR",
    "bureau": "SK_ID_BUREAU",
    "previous_application": "SK_ID_PREV",
}
TARGET = "TARGET"
CLIENT_ID = "SK_ID_CURR"


@dataclass(frozen=True)
class Column:
    """One Kaggle column: its name, how it is written, and its known levels when it is text."""

    name: str
    kind: Kind
    levels: tuple[str, ...] = ()


@cache
def _raw_schema() -> dict[str, list[dict]]:
    return json.loads((Path(__file__).with_name("kaggle_schema.json")).read_text())


@cache
def columns(table: str) -> tuple[Column, ...]:
    """The ordered columns of a Kaggle table (application_test is application_train without TARGET)."""
    if table not in TABLES:
        raise KeyError(f"unknown Home Credit table {table!r}; expected one of {', '.join(TABLES)}")
    key = "application" if table.startswith("application_") else table
    cols = tuple(Column(c["name"], c["kind"], tuple(c.get("levels", ()))) for c in _raw_schema()[key])
    if table == "application_test":
        cols = tuple(c for c in cols if c.name != TARGET)
    return cols


def column_names(table: str) -> list[str]:
    """The Kaggle column names of a table, in file order."""
    return [c.name for c in columns(table)]


def categorical_levels(table: str) -> dict[str, tuple[str, ...]]:
    """Known levels of every text column of a table (the full Kaggle files' levels)."""
    return {c.name: c.levels for c in columns(table) if c.kind == "category"}
