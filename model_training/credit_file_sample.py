"""Credit files of real applicants, nested from a Kaggle-named folder (the shared sample): the documents a
lender's system would send to POST /api/v1/applications, for tests and benchmarks.

`read_sample(folder)` reads the seven tables (application_train without TARGET and application_test
together as "application"); `credit_file_document(client_id, tables)` nests one applicant's records under
their application, keys left out (the nesting gives them); `fullest_applicants` ranks applicants by how many
records their file holds.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from model_training.data import read_table
from model_training.schema import CLIENT_ID, TABLES

#: The six side tables, in the schema's order.
SIDE_TABLES: tuple[str, ...] = tuple(table for table in TABLES if not table.startswith("application_"))
_KEYS = {CLIENT_ID, "SK_ID_BUREAU", "SK_ID_PREV"}
_CHILDREN = {
    "bureau": ("SK_ID_BUREAU", ("bureau_balance",)),
    "previous_application": (
        "SK_ID_PREV",
        ("POS_CASH_balance", "installments_payments", "credit_card_balance"),
    ),
}


def read_sample(folder: Path | str) -> dict[str, pl.DataFrame]:
    """The folder's side tables, and its applicants (train and test) as "application"."""
    folder = Path(folder)
    tables = {table: read_table(folder, table) for table in SIDE_TABLES}
    tables["application"] = pl.concat(
        [read_table(folder, "application_train").drop("TARGET"), read_table(folder, "application_test")]
    )
    return tables


def _records(frame: pl.DataFrame) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in _KEYS} for row in frame.to_dicts()]


def credit_file_document(client_id: int, tables: dict[str, pl.DataFrame]) -> dict:
    """One applicant's credit file as JSON values, nested from the Kaggle tables as a lender would send it
    (missing values written as null, SK_ID_CURR kept in the application)."""
    application = tables["application"].filter(pl.col(CLIENT_ID) == client_id).drop("TARGET", strict=False)
    document: dict = {"application": application.to_dicts()[0]}
    for parent, (key, children) in _CHILDREN.items():
        frame = tables[parent].filter(pl.col(CLIENT_ID) == client_id)
        records = []
        for record, record_id in zip(_records(frame), frame[key], strict=True):
            for child in children:
                record[child] = _records(tables[child].filter(pl.col(key) == record_id))
            records.append(record)
        document[parent] = records
    return document


def fullest_applicants(tables: dict[str, pl.DataFrame], count: int) -> list[int]:
    """The `count` applicants whose files hold the most records (all side tables), most first."""
    counts = [tables["bureau"].select(CLIENT_ID), tables["previous_application"].select(CLIENT_ID)]
    for parent, (key, children) in _CHILDREN.items():
        owners = tables[parent].select(CLIENT_ID, key)
        counts += [tables[child].select(key).join(owners, on=key).select(CLIENT_ID) for child in children]
    ranked = (
        pl.concat(counts)
        .join(tables["application"].select(CLIENT_ID), on=CLIENT_ID)
        .group_by(CLIENT_ID)
        .len()
        .sort(["len", CLIENT_ID], descending=[True, False])
    )
    return ranked[CLIENT_ID].head(count).to_list()


__all__ = ["SIDE_TABLES", "credit_file_document", "fullest_applicants", "read_sample"]
