"""Column descriptions: `model_training/column_descriptions.json` ({table: {column: sentence}}, written for
this project) and the Kaggle-shaped HomeCredit_columns_description.csv built from it.

The JSON keys tables as `kaggle_schema.json` does ("application" covers application_train and _test); the app
reads it for human labels.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from model_training import schema

DESCRIPTIONS_PATH = Path(__file__).resolve().parent.parent / "column_descriptions.json"
DESCRIPTIONS_FILE = f"{schema.DESCRIPTIONS_TABLE}.csv"
#: The file names the Kaggle description file uses in its Table column.
KAGGLE_TABLE_NAMES = {
    "application": "application_{train|test}.csv",
    "bureau": "bureau.csv",
    "bureau_balance": "bureau_balance.csv",
    "previous_application": "previous_application.csv",
    "POS_CASH_balance": "POS_CASH_balance.csv",
    "installments_payments": "installments_payments.csv",
    "credit_card_balance": "credit_card_balance.csv",
}
_SCALED = ("_AVG", "_MODE", "_MEDI", "REGION_POPULATION_RELATIVE", "EXT_SOURCE_", "RATE_")


@cache
def column_descriptions() -> dict[str, dict[str, str]]:
    """{table: {column: one-sentence description}} for every Kaggle column."""
    return json.loads(DESCRIPTIONS_PATH.read_text(encoding="utf-8"))


def special_note(column: str) -> str:
    """The short remark of the Special column: how a value is coded, when that is not obvious."""
    if column.startswith("SK_ID_"):
        return "identifier"
    if column.startswith("DAYS_"):
        return "days relative to the application"
    if column == "MONTHS_BALANCE":
        return "months relative to the application"
    text_column = column.endswith("_MODE") and column.replace("_MODE", "") in (
        "FONDKAPREMONT",
        "HOUSETYPE",
        "WALLSMATERIAL",
        "EMERGENCYSTATE",
    )
    if not text_column and any(part in column for part in _SCALED):
        return "scaled to 0..1"
    return ""


def write_descriptions(folder: Path) -> int:
    """Write HomeCredit_columns_description.csv (Kaggle layout: index, Table, Row, Description, Special).

    Like the Kaggle file it is cp1252 text with CRLF line ends and a 1-based unnamed index column.
    """
    lines = [",Table,Row,Description,Special"]
    index = 0
    for table, columns in column_descriptions().items():
        for column, text in columns.items():
            index += 1
            fields = [str(index), KAGGLE_TABLE_NAMES[table], column, text, special_note(column)]
            lines.append(",".join(_quoted(f) for f in fields))
    (folder / DESCRIPTIONS_FILE).write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return index


def _quoted(field: str) -> str:
    if any(ch in field for ch in ',"\r\n'):
        return '"' + field.replace('"', '""') + '"'
    return field
