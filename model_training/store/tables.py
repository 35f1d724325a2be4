"""The applications store's tables (SQLAlchemy Core, SQLite and PostgreSQL alike).

applications hold what came in (the application row, the side-table records as received, who and when,
the batch) and the descriptive fields pages filter on; application_scores what each model said (probability,
decision, threshold, reasons and the exact feature row it scored); application_decisions what the advisor
decided. Rows are only ever added. The typed records of a row are in model_training.contract.
"""

from __future__ import annotations

from functools import cache

import polars as pl
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeEngine

from model_training.data import typed_frame
from model_training.export import describe_clients
from model_training.schema import CLIENT_ID

metadata = MetaData()
#: Clients the store creates (an application without SK_ID_CURR) are numbered from here: above every
#: Kaggle id (456,255 at most), inside SK_ID_CURR's int32.
NEW_CLIENT_BASE = 1_000_000


def _sql_type(dtype: pl.DataType) -> TypeEngine:
    if dtype.is_float():
        return Double()
    if dtype.is_integer():
        return SmallInteger() if dtype in (pl.Int8, pl.Int16) else Integer()
    return String(128)


@cache
def descriptive_columns() -> dict[str, pl.DataType]:
    """The fields a relationship manager reads about a client (model_training.export.descriptive_fields),
    with their dtypes: stored beside each application so that the portfolio is one query."""
    described = describe_clients(typed_frame("application_test", [{}]))
    return {name: dtype for name, dtype in described.schema.items() if name != CLIENT_ID}


batches = Table(
    "application_batches",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("source", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(128), nullable=False),
    #: what the batch was made from (the digest of its files): the same name with other data is refused
    Column("digest", String(64), nullable=True),
    Column("note", Text, nullable=True),
)

applications = Table(
    "applications",
    metadata,
    Column("application_id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", Integer, nullable=False, index=True),
    Column("batch", String(64), ForeignKey(batches.c.name), nullable=False, index=True),
    Column("source", String(16), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, index=True),
    Column("received_by", String(128), nullable=False),
    #: "<batch>/<client>" for batch rows: loading a batch again finds its rows instead of adding them
    Column("dedup_key", String(96), nullable=True, unique=True),
    *(Column(name, _sql_type(dtype), nullable=True) for name, dtype in descriptive_columns().items()),
    # the large columns last: SQLite reads a row's columns in order, so the portfolio's query stops before
    # them (with them first, reading 356,000 rows walked every overflow page of the files)
    #: the application table's row as received (JSON)
    Column("application", Text, nullable=False),
    #: the side-table records as received (zlib-compressed JSON), None when they stayed in the batch's files
    Column("side_records", LargeBinary, nullable=True),
)

scores = Table(
    "application_scores",
    metadata,
    Column("score_id", Integer, primary_key=True, autoincrement=True),
    Column("application_id", Integer, ForeignKey(applications.c.application_id), nullable=False),
    Column("model_name", String(128), nullable=False),
    Column("model_version", String(32), nullable=False),
    Column("model_run_id", String(64), nullable=False),
    Column("threshold", Double, nullable=False),
    Column("probability", Double, nullable=False),
    Column("decision", String(16), nullable=False),
    #: the strongest contributions as JSON ([{feature, contribution, value}]), language-free
    Column("reasons", Text, nullable=False),
    Column("scored_at", DateTime(timezone=True), nullable=False),
    Column("scored_by", String(128), nullable=False),
    #: what the model was when it scored: "champion" (its decision is the model's decision) or "challenger"
    #: (scored in shadow: stored, never shown to a client nor used to decide)
    Column("role", String(16), nullable=False, server_default="champion"),
    #: the feature row the model scored, float32 little-endian in the model's feature order (last: large)
    Column("features", LargeBinary, nullable=False),
    UniqueConstraint(
        "application_id", "model_name", "model_version", "model_run_id", name="one_score_per_model"
    ),
    Index("scores_by_model", "model_name", "model_version", "model_run_id", "score_id"),
)

decisions = Table(
    "application_decisions",
    metadata,
    Column("decision_id", Integer, primary_key=True, autoincrement=True),
    Column("application_id", Integer, ForeignKey(applications.c.application_id), nullable=False, index=True),
    Column("score_id", Integer, ForeignKey(scores.c.score_id), nullable=False),
    Column("model_decision", String(16), nullable=False),
    Column("final_decision", String(16), nullable=False),
    Column("follows_model", Boolean, nullable=False),
    Column("reason", Text, nullable=True),
    Column("decided_by", String(128), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("principal", String(128), primary_key=True),
    Column("key", String(255), primary_key=True),
    #: the request body's digest: the same key with another body is refused, not answered with the first
    Column("request_digest", String(64), nullable=False),
    Column("application_id", Integer, ForeignKey(applications.c.application_id), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

outcomes = Table(
    "application_outcomes",
    metadata,
    Column("outcome_id", Integer, primary_key=True, autoincrement=True),
    #: one outcome per application: a second one for the same application is refused, never overwritten
    Column("application_id", Integer, ForeignKey(applications.c.application_id), nullable=False, unique=True),
    Column("client_id", Integer, nullable=False, index=True),
    #: 1: the client defaulted (Kaggle's TARGET), 0: repaid
    Column("target", SmallInteger, nullable=False),
    #: when the outcome became known (a default is known months after the decision)
    Column("known_at", DateTime(timezone=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(128), nullable=False),
    #: the file it came from (name and digest), for the audit
    Column("source", String(255), nullable=False),
)

monitoring = Table(
    "monitoring_records",
    metadata,
    Column("record_id", Integer, primary_key=True, autoincrement=True),
    #: what the record says: "batch_drift", "batch_performance", ... (model_training.contract.monitoring)
    Column("kind", String(32), nullable=False),
    #: what it is about: a batch's name, or a calendar window ("2026-03", "2026-W10")
    Column("subject", String(64), nullable=False),
    Column("model_name", String(128), nullable=False),
    Column("model_version", String(32), nullable=False),
    Column("model_run_id", String(64), nullable=False),
    Column("computed_at", DateTime(timezone=True), nullable=False),
    #: the typed record as JSON (its Record.to_dict())
    Column("record", Text, nullable=False),
    UniqueConstraint(
        "kind", "subject", "model_name", "model_version", "model_run_id", name="one_record_per_subject"
    ),
)

promotions = Table(
    "model_promotions",
    metadata,
    Column("promotion_id", Integer, primary_key=True, autoincrement=True),
    Column("model_name", String(128), nullable=False),
    Column("from_version", String(32), nullable=True),
    Column("to_version", String(32), nullable=False),
    Column("promoted_at", DateTime(timezone=True), nullable=False),
    Column("promoted_by", String(128), nullable=False),
    Column("reason", Text, nullable=False),
    #: promoted although the gate did not pass (`promote --force`)
    Column("forced", Boolean, nullable=False),
    #: the gate's figures as JSON (model_training.promotion.Gate): costs, interval, fairness, counts
    Column("gate", Text, nullable=False),
)
