"""The app database's schema: tables created when missing, then ordered upgrade steps, the same code on SQLite
and PostgreSQL, safe when several processes start on one database at once.

Why not Alembic: four parts of the code own their tables (users, sign-in state, the audit log, the
applications store), each creating them on first use from the process that needs them (a gunicorn worker, the
training CLI's `score`), on databases that were made table by table. A step here belongs to one table and runs
only where that table already existed before the step; a table created now is created in its newest shape and
its steps are recorded as done. One short list beside the tables, no migration environment to configure, and
the same lock as table creation (docs/database.md).

Every call takes the database's schema lock for one transaction: PostgreSQL's `pg_advisory_xact_lock`,
SQLite's `BEGIN IMMEDIATE` (its write lock). The second process to start waits, then finds the tables and the
steps done.
A quick look without the lock comes first, so that a database already up to date costs two reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    Index,
    MetaData,
    String,
    Table,
    insert,
    inspect,
    select,
    text,
)

schema_metadata = MetaData()
#: The upgrade steps done on this database, by name (the schema's version is this set).
schema_steps = Table(
    "schema_steps",
    schema_metadata,
    Column("step", String(128), primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)
#: pg_advisory_xact_lock's key: any number the app uses for nothing else ("pad schema")
_POSTGRES_LOCK_KEY = 0x7061645F736368


@dataclass(frozen=True)
class Step:
    """One upgrade of one table, for databases where the table was made before it: `name` never changes once
    released; `upgrade` runs inside the schema lock's transaction."""

    name: str
    table: str
    upgrade: Callable[[Connection], None]


#: Where a table owner lists its steps: `metadata.info[STEPS_INFO] = (Step(...), ...)`, in order; add at the
#: end, never edit a released step (a database that ran it does not run it again).
STEPS_INFO = "upgrade_steps"


def add_index(index: Index) -> Callable[[Connection], None]:
    """A step's upgrade creating `index` (declared on its table too, for new databases)."""

    def upgrade(connection: Connection) -> None:
        index.create(connection, checkfirst=True)  # idempotent: a step re-run finds its index

    return upgrade


def add_column(table: str, column: str, sql_type: str) -> Callable[[Connection], None]:
    """A step's upgrade adding a nullable column (declared on its table too, for new databases)."""

    def upgrade(connection: Connection) -> None:
        if column not in {c["name"] for c in inspect(connection).get_columns(table)}:
            connection.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}"))

    return upgrade


def _lock(connection: Connection) -> None:
    """The database's schema lock until the transaction ends."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(select(text(f"pg_advisory_xact_lock({_POSTGRES_LOCK_KEY})")))
    elif dialect == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _pending(connection: Connection, names: set[str], steps: Sequence[Step]) -> tuple[set[str], list[Step]]:
    """(tables of `names` missing, steps of those tables not done yet)."""
    existing = set(inspect(connection).get_table_names())
    missing = names - existing
    if schema_steps.name not in existing:
        return missing, [s for s in steps if s.table in names]
    done = set(connection.execute(select(schema_steps.c.step)).scalars())
    return missing, [s for s in steps if s.table in names and s.name not in done]


def ensure_schema(metadata: MetaData, db: Engine, tables: Sequence[Table] | None = None) -> None:
    """Create the missing tables of `metadata` (or only `tables`) and run their pending upgrade steps."""
    steps: Sequence[Step] = metadata.info.get(STEPS_INFO, ())
    wanted = list(tables) if tables is not None else list(metadata.sorted_tables)
    names = {table.name for table in wanted}
    with db.connect() as connection:
        missing, pending = _pending(connection, names, steps)
    if not missing and not pending:
        return
    with db.begin() as connection:
        _lock(connection)
        schema_steps.create(connection, checkfirst=True)
        missing, pending = _pending(connection, names, steps)  # again: another process may have done it
        metadata.create_all(connection, tables=[t for t in wanted if t.name in missing], checkfirst=False)
        now = datetime.now(UTC)
        for step in pending:
            if step.table not in missing:  # a table made just now already has the step's shape
                step.upgrade(connection)
            connection.execute(insert(schema_steps).values(step=step.name, applied_at=now))
