"""Reading and writing the applications store: the one place that knows its tables.

Writers (the API, the form, the `score` command, the export's first batch) hand over scored applications
as a polars frame (`scored_frame`); a batch is written in one transaction, so it is stored whole or not at
all, and loading it again adds nothing. Readers get typed records (model_training.contract) or, for the
portfolio, one frame per query.
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import numpy as np
import polars as pl
from sqlalchemy import Connection, Engine, String, delete, func, insert, select, type_coerce, update
from sqlalchemy.exc import IntegrityError

from model_training.contract import HumanDecision, Reason, StoredApplication, StoredScore
from model_training.contract._base import Record, decode
from model_training.decision import DECISIONS
from model_training.errors import InputError
from model_training.scorer import ModelIdentity
from model_training.store import tables as t
from model_training.store.engine import create_tables

R = TypeVar("R", bound=Record)

#: Longest reason an advisor may give for overriding the model.
MAX_REASON_CHARS = 2000
#: Columns of the frame a writer hands over (`scored_frame`), besides the descriptive fields.
SCORED_COLUMNS = (
    "client_id",
    "application",
    "side_records",
    "probability",
    "decision",
    "reasons",
    "features",
)


class StoreError(InputError):
    """A write the store refuses (a batch name reused for other data, an unknown application, a decision
    without its reason); the message names what is wrong."""


class IdempotencyConflict(StoreError):
    """An Idempotency-Key already used for another request body."""


@dataclass(frozen=True)
class IdempotencyKey:
    principal: str
    key: str
    request_digest: str


def ensure_schema(engine: Engine) -> None:
    """Create the store's tables when missing (safe when several processes start at once)."""
    create_tables(t.metadata, engine)


def now() -> datetime:
    return datetime.now(UTC)


def _utc(moment: datetime) -> datetime:
    """SQLite gives datetimes back without their zone: they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# ------------------------------------------------------------------------------------------- encodings


def encode_features(row: np.ndarray) -> bytes:
    return np.ascontiguousarray(row, dtype="<f4").tobytes()


def decode_features(blob: bytes) -> np.ndarray:
    """A stored feature row as a (1, n_features) float32 matrix."""
    return np.frombuffer(blob, dtype="<f4").astype(np.float32).reshape(1, -1)


def encode_side_records(records: Mapping[str, Any] | None) -> bytes | None:
    if records is None:
        return None
    return side_records_blob(json.dumps(records, separators=(",", ":"), allow_nan=False).encode())


def side_records_blob(json_text: bytes, level: int = 6) -> bytes:
    """Side records already written as compact JSON, in their stored form (`decode_side_records` reads any
    level: the `score` command encodes a whole batch in bulk and takes the fastest one, level 1)."""
    return zlib.compress(json_text, level)


def decode_side_records(blob: bytes | None) -> dict[str, Any] | None:
    return None if blob is None else json.loads(zlib.decompress(blob))


_REASON_FIELDS = tuple(f.name for f in dataclasses.fields(Reason))


def reasons_json(reasons: Sequence[Reason]) -> str:
    """The reasons as `encode` writes them, read field by field: a reason holds plain values only, and the
    generic walk took 8 of the 30 s of a 48,744-applicant batch."""
    fields = [{name: getattr(reason, name) for name in _REASON_FIELDS} for reason in reasons]
    return json.dumps(fields, separators=(",", ":"))


def _reasons(text: str) -> tuple[Reason, ...]:
    return tuple(decode(tuple[Reason, ...], json.loads(text), "reasons"))


def scored_frame(
    *,
    client_ids: Sequence[int | None],
    applications: Sequence[str],
    side_records: Sequence[bytes | None],
    descriptive: pl.DataFrame,
    probabilities: np.ndarray,
    decisions: Sequence[str],
    reasons: Sequence[str],
    features: Sequence[bytes],
) -> pl.DataFrame:
    """What writers hand the store: one row per application (JSON application row, compressed side records,
    descriptive fields, probability, decision, reasons JSON, float32 feature bytes)."""
    return pl.concat(
        [
            pl.DataFrame(
                {
                    "client_id": pl.Series(list(client_ids), dtype=pl.Int64),
                    "application": pl.Series(list(applications), dtype=pl.String),
                    "side_records": pl.Series(list(side_records), dtype=pl.Binary),
                    "probability": pl.Series(np.asarray(probabilities, dtype=np.float64)),
                    "decision": pl.Series(list(decisions), dtype=pl.String),
                    "reasons": pl.Series(list(reasons), dtype=pl.String),
                    "features": pl.Series(list(features), dtype=pl.Binary),
                }
            ),
            descriptive.select(list(t.descriptive_columns())).cast(dict(t.descriptive_columns())),  # type: ignore[arg-type]
        ],
        how="horizontal",
    )


# ---------------------------------------------------------------------------------------------- writes


def _ensure_batch(
    connection: Connection, name: str, source: str, by: str, digest: str | None, note: str | None = None
) -> bool:
    """Create the batch row; False when it exists (StoreError when it was made from other data)."""
    found = connection.execute(select(t.batches.c.digest).where(t.batches.c.name == name)).first()
    if found is not None:
        if digest is not None and found.digest is not None and found.digest != digest:
            raise StoreError(
                f"batch {name!r} was stored from other data; give the new data another batch name (--batch)"
            )
        return False
    connection.execute(
        insert(t.batches).values(
            name=name, source=source, created_at=now(), created_by=by, digest=digest, note=note
        )
    )
    return True


def _application_values(row: Mapping[str, Any], batch: str, source: str, by: str, at: datetime) -> dict:
    client = row["client_id"]
    return {
        "client_id": 0 if client is None else int(client),  # a new client is numbered once its row exists
        "batch": batch,
        "source": source,
        "received_at": at,
        "received_by": by,
        "dedup_key": f"{batch}/{client}" if source in ("batch", "export") else None,
        "application": row["application"],
        "side_records": row["side_records"],
        **{name: row[name] for name in t.descriptive_columns()},
    }


def _score_values(
    row: Mapping[str, Any],
    application_id: int,
    model: ModelIdentity,
    by: str,
    at: datetime,
    role: str = "champion",
) -> dict:
    return {
        "application_id": application_id,
        "model_name": model.name,
        "model_version": model.version,
        "model_run_id": model.run_id,
        "threshold": model.threshold,
        "probability": float(row["probability"]),
        "decision": row["decision"],
        "reasons": row["reasons"],
        "features": row["features"],
        "scored_at": at,
        "scored_by": by,
        "role": role,
    }


@dataclass(frozen=True)
class BatchOutcome:
    batch: str
    applications_added: int
    scores_added: int
    applications_in_batch: int


def store_batch(
    engine: Engine,
    rows: pl.DataFrame,
    model: ModelIdentity,
    *,
    batch: str,
    by: str,
    digest: str | None,
    source: str = "batch",
    note: str | None = None,
    received_at: datetime | None = None,
    role: str = "champion",
    shadow: tuple[pl.DataFrame, ModelIdentity] | None = None,
) -> BatchOutcome:
    """Store a batch of scored applications in one transaction: whole or not at all.

    `received_at`: when the applications arrived (a month's batch loaded later), default now.

    Loading the same batch again adds nothing; loading it with another model adds that model's scores to
    the applications already stored (a re-score adds rows, never overwrites). A batch name already used for
    other data (another digest) is refused. `role`: what `model` is ("challenger": its export adopted in
    shadow); `shadow`: the challenger's scores of the same applications (rows keyed by client_id), stored in
    the same transaction with role "challenger".
    """
    ids = rows.get_column("client_id")
    if ids.null_count():
        raise StoreError(f"batch {batch!r}: {ids.null_count()} application(s) without SK_ID_CURR")
    repeated = ids.filter(ids.is_duplicated()).unique().sort().head(5).to_list()
    if repeated:
        raise StoreError(
            f"batch {batch!r}: SK_ID_CURR {', '.join(map(str, repeated))} appear(s) more than once"
        )
    at = now()
    received = received_at or at
    with engine.begin() as connection:
        _ensure_batch(connection, batch, source, by, digest, note)
        stored = dict(
            connection.execute(
                select(t.applications.c.client_id, t.applications.c.application_id).where(
                    t.applications.c.batch == batch
                )
            ).all()
        )
        # a new batch is taken as it is: a filtered copy of 48,744 credit files was 0.45 GB more at the peak
        new = rows.filter(~pl.col("client_id").is_in(list(stored))) if stored else rows
        if new.height:
            values = [_application_values(r, batch, source, by, received) for r in new.iter_rows(named=True)]
            returned = connection.execute(
                insert(t.applications).returning(
                    t.applications.c.client_id, t.applications.c.application_id, sort_by_parameter_order=True
                ),
                values,
            ).all()
            del values  # not held while the scores are written
            stored.update(dict(returned))
        added = 0
        for scored_by, model_rows, model_role in [(model, rows, role)] + (
            [(shadow[1], shadow[0], "challenger")] if shadow is not None else []
        ):
            scored = set(
                connection.execute(
                    select(t.scores.c.application_id)
                    .join(t.applications, t.applications.c.application_id == t.scores.c.application_id)
                    .where(t.applications.c.batch == batch, *_is_model(scored_by))
                ).scalars()
            )
            score_rows = [
                _score_values(r, stored[r["client_id"]], scored_by, by, at, role=model_role)
                for r in model_rows.iter_rows(named=True)
                if r["client_id"] in stored and stored[r["client_id"]] not in scored
            ]
            if score_rows:
                connection.execute(insert(t.scores), score_rows)
            if scored_by is model:
                added = len(score_rows)
        total = connection.execute(
            select(func.count()).select_from(t.applications).where(t.applications.c.batch == batch)
        ).scalar_one()
    return BatchOutcome(batch, new.height, added, int(total))


def _is_model(model: ModelIdentity) -> tuple[Any, ...]:
    return (
        t.scores.c.model_name == model.name,
        t.scores.c.model_version == model.version,
        t.scores.c.model_run_id == model.run_id,
    )


def daily_batch(source: str, at: datetime | None = None) -> str:
    """The batch of applications that come one by one: one per source and day (UTC)."""
    return f"{source}-{(at or now()).date().isoformat()}"


def store_application(
    engine: Engine,
    row: pl.DataFrame,
    model: ModelIdentity,
    *,
    source: str,
    by: str,
    batch: str | None = None,
    idempotency: IdempotencyKey | None = None,
    shadow: tuple[pl.DataFrame, ModelIdentity] | None = None,
) -> tuple[int, bool]:
    """Store one scored application (a one-row `scored_frame`); (application_id, stored now).

    `shadow`: the challenger's score of the same application (a one-row `scored_frame` and its model),
    stored in the same transaction with role "challenger".

    With an idempotency key already used for the same body, nothing is stored and the first application's
    id is returned (False); for another body, IdempotencyConflict.
    """
    if row.height != 1:
        raise StoreError(f"store_application takes one application, got {row.height}")
    at = now()
    name = batch or daily_batch(source, at)
    if idempotency is not None:
        first = _idempotent(engine, idempotency)
        if first is not None:
            return first, False
    try:
        _ensure_batch_once(engine, name, source, by)
        with engine.begin() as connection:
            values = _application_values(row.row(0, named=True), name, source, by, at)
            application_id = connection.execute(
                insert(t.applications).returning(t.applications.c.application_id), values
            ).scalar_one()
            if values["client_id"] == 0:
                connection.execute(
                    update(t.applications)
                    .where(t.applications.c.application_id == application_id)
                    .values(client_id=t.NEW_CLIENT_BASE + application_id)
                )
            connection.execute(
                insert(t.scores), _score_values(row.row(0, named=True), application_id, model, by, at)
            )
            if shadow is not None:
                connection.execute(
                    insert(t.scores),
                    _score_values(
                        shadow[0].row(0, named=True), application_id, shadow[1], by, at, "challenger"
                    ),
                )
            if idempotency is not None:
                connection.execute(
                    insert(t.idempotency_keys).values(
                        principal=idempotency.principal,
                        key=idempotency.key,
                        request_digest=idempotency.request_digest,
                        application_id=application_id,
                        created_at=at,
                    )
                )
    except IntegrityError:
        # a retry racing its first attempt: the first one's row is there now
        first = _idempotent(engine, idempotency) if idempotency is not None else None
        if first is None:
            raise
        return first, False
    return int(application_id), True


def unscored_by(
    engine: Engine, model: ModelIdentity, scored_by: ModelIdentity, after_application_id: int, limit: int
) -> list[tuple[int, bytes]]:
    """Applications `scored_by` scored and `model` did not (application_id above `after_application_id`,
    at most `limit`, in order), with the feature row `scored_by` scored: what a new champion scores at its
    promotion so that the portfolio follows it."""
    s = t.scores.c
    already = select(s.application_id).where(*_is_model(model))
    with engine.connect() as connection:
        rows = connection.execute(
            select(s.application_id, s.features)
            .where(
                *_is_model(scored_by),
                s.application_id > after_application_id,
                s.application_id.not_in(already),
            )
            .order_by(s.application_id)
            .limit(limit)
        ).all()
    return [(int(r.application_id), bytes(r.features)) for r in rows]


def store_scores(
    engine: Engine, scores: Sequence[Mapping[str, Any]], model: ModelIdentity, *, by: str, role: str
) -> int:
    """Scores of applications already stored (rows: application_id, probability, decision, reasons,
    features), in one transaction; those the model already has are left as they are. The number added."""
    if not scores:
        return 0
    ids = [int(r["application_id"]) for r in scores]
    at = now()
    with engine.begin() as connection:
        have = set(
            connection.execute(
                select(t.scores.c.application_id).where(*_is_model(model), t.scores.c.application_id.in_(ids))
            ).scalars()
        )
        values = [
            _score_values(r, int(r["application_id"]), model, by, at, role)
            for r in scores
            if int(r["application_id"]) not in have
        ]
        if values:
            connection.execute(insert(t.scores), values)
    return len(values)


def _ensure_batch_once(engine: Engine, name: str, source: str, by: str) -> None:
    try:
        with engine.begin() as connection:
            _ensure_batch(connection, name, source, by, None)
    except IntegrityError:
        pass  # another server created it at the same moment


def _idempotent(engine: Engine, key: IdempotencyKey) -> int | None:
    with engine.connect() as connection:
        found = connection.execute(
            select(t.idempotency_keys.c.request_digest, t.idempotency_keys.c.application_id).where(
                t.idempotency_keys.c.principal == key.principal, t.idempotency_keys.c.key == key.key
            )
        ).first()
    if found is None:
        return None
    if found.request_digest != key.request_digest:
        raise IdempotencyConflict(
            "Idempotency-Key already used for another request body: send a new key for a new application"
        )
    return int(found.application_id)


def record_decision(
    engine: Engine,
    application_id: int,
    model: ModelIdentity,
    *,
    final_decision: str,
    reason: str | None,
    by: str,
) -> HumanDecision:
    """The advisor's final decision on an application, against the score of `model` they saw.

    Following the model needs no reason; overriding it does. The model's own score is never changed.
    """
    if final_decision not in DECISIONS:
        raise StoreError(f"final decision {final_decision!r}: expected {' or '.join(DECISIONS)}")
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON_CHARS:
        raise StoreError(f"reason: at most {MAX_REASON_CHARS} characters, got {len(reason)}")
    with engine.begin() as connection:
        score = connection.execute(
            select(t.scores.c.score_id, t.scores.c.decision).where(
                t.scores.c.application_id == application_id, *_is_model(model)
            )
        ).first()
        if score is None:
            raise StoreError(
                f"application {application_id} has no score by model {model.name} v{model.version}"
            )
        follows = final_decision == score.decision
        if not follows and reason is None:
            raise StoreError("reason: overriding the model's decision needs a reason")
        at = now()
        decision_id = connection.execute(
            insert(t.decisions)
            .returning(t.decisions.c.decision_id)
            .values(
                application_id=application_id,
                score_id=score.score_id,
                model_decision=score.decision,
                final_decision=final_decision,
                follows_model=follows,
                reason=reason,
                decided_by=by,
                decided_at=at,
            )
        ).scalar_one()
    return HumanDecision(
        int(decision_id),
        application_id,
        int(score.score_id),
        score.decision,
        final_decision,
        follows,
        reason,
        by,
        at.isoformat(),
    )


# ----------------------------------------------------------------------------------------------- reads


def _score_record(row: Any) -> StoredScore:
    return StoredScore(
        score_id=int(row.score_id),
        application_id=int(row.application_id),
        model_name=row.model_name,
        model_version=row.model_version,
        model_run_id=row.model_run_id,
        threshold=float(row.threshold),
        probability=float(row.probability),
        decision=row.decision,
        reasons=_reasons(row.reasons),
        scored_at=_utc(row.scored_at).isoformat(),
        scored_by=row.scored_by,
        role=row.role,
    )


def _decision_record(row: Any) -> HumanDecision:
    return HumanDecision(
        decision_id=int(row.decision_id),
        application_id=int(row.application_id),
        score_id=int(row.score_id),
        model_decision=row.model_decision,
        final_decision=row.final_decision,
        follows_model=bool(row.follows_model),
        reason=row.reason,
        decided_by=row.decided_by,
        decided_at=_utc(row.decided_at).isoformat(),
    )


def read_application(engine: Engine, application_id: int) -> StoredApplication | None:
    """An application with every score and decision, None when the store has no such id."""
    a = t.applications.c
    with engine.connect() as connection:
        row = connection.execute(
            select(a.application_id, a.client_id, a.batch, a.source, a.received_at, a.received_by).where(
                a.application_id == application_id
            )
        ).first()
        if row is None:
            return None
        score_rows = connection.execute(
            select(*(c for c in t.scores.c if c.name != "features"))
            .where(t.scores.c.application_id == application_id)
            .order_by(t.scores.c.score_id)
        ).all()
        decision_rows = connection.execute(
            select(t.decisions)
            .where(t.decisions.c.application_id == application_id)
            .order_by(t.decisions.c.decision_id)
        ).all()
    return StoredApplication(
        application_id=int(row.application_id),
        client_id=int(row.client_id),
        batch=row.batch,
        source=row.source,
        received_at=_utc(row.received_at).isoformat(),
        received_by=row.received_by,
        scores=tuple(_score_record(s) for s in score_rows),
        decisions=tuple(_decision_record(d) for d in decision_rows),
    )


def credit_file(engine: Engine, application_id: int) -> dict[str, Any] | None:
    """The file as received: {"application": {...}, "bureau": [...], ...}; side tables are absent when
    they stayed in the batch's own files."""
    with engine.connect() as connection:
        row = connection.execute(
            select(t.applications.c.application, t.applications.c.side_records).where(
                t.applications.c.application_id == application_id
            )
        ).first()
    if row is None:
        return None
    return {"application": json.loads(row.application), **(decode_side_records(row.side_records) or {})}


def application_fields(engine: Engine, application_id: int) -> dict[str, Any] | None:
    """The application table's row as received (JSON values), None for an unknown id."""
    with engine.connect() as connection:
        text = connection.execute(
            select(t.applications.c.application).where(t.applications.c.application_id == application_id)
        ).scalar_one_or_none()
    return None if text is None else json.loads(text)


def score_features(engine: Engine, score_id: int) -> np.ndarray | None:
    """The feature row a score was computed from, (1, n_features) float32."""
    with engine.connect() as connection:
        blob = connection.execute(
            select(t.scores.c.features).where(t.scores.c.score_id == score_id)
        ).scalar_one_or_none()
    return None if blob is None else decode_features(blob)


def portfolio_schema() -> dict[str, pl.DataType | type[pl.DataType]]:
    return {
        "application_id": pl.Int64,
        "client_id": pl.Int64,
        "batch": pl.String,
        "source": pl.String,
        "received_at": pl.Datetime("us", "UTC"),
        "score_id": pl.Int64,
        "probability": pl.Float64,
        "decision": pl.String,
        **t.descriptive_columns(),
    }


def _raw_on_sqlite(engine: Engine, column: Any) -> Any:
    """SQLite keeps datetimes as text: read them as text and parse them in one go (a Python datetime per row
    cost a second at 356,000 applications); other databases give datetimes already."""
    return type_coerce(column, String).label(column.name) if engine.dialect.name == "sqlite" else column


def portfolio_rows(engine: Engine, model: ModelIdentity, after_score_id: int = 0) -> pl.DataFrame:
    """Every application scored by `model` (score_id above `after_score_id`), oldest score first."""
    a, s = t.applications.c, t.scores.c
    query = (
        select(
            a.application_id,
            a.client_id,
            a.batch,
            a.source,
            _raw_on_sqlite(engine, a.received_at),
            s.score_id,
            s.probability,
            s.decision,
            *(a[name] for name in t.descriptive_columns()),
        )
        .join_from(t.scores, t.applications, a.application_id == s.application_id)
        .where(*_is_model(model), s.score_id > after_score_id)
        .order_by(s.score_id)
    )
    schema = portfolio_schema()
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=_CHUNK_ROWS).execute(query)
        chunks = [_portfolio_chunk(rows, schema) for rows in result.partitions()]
    return pl.concat(chunks) if chunks else _portfolio_chunk([], schema)


#: Rows turned into a frame at a time: the Python tuples of 356,000 rows at once cost 0.7 GB.
_CHUNK_ROWS = 50_000


def _portfolio_chunk(rows: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    columns: dict[str, Sequence[Any]] = (
        dict(zip(schema, zip(*rows, strict=True), strict=True)) if rows else {n: [] for n in schema}
    )
    received = pl.Series("received_at", columns.pop("received_at"), dtype=None if rows else pl.String)
    if received.dtype == pl.String:  # SQLite's text, parsed in one go rather than a datetime per row
        received = received.str.to_datetime(time_unit="us")
    received = received.cast(pl.Datetime("us", received.dtype.time_zone))  # type: ignore[attr-defined]
    if received.dtype.time_zone is None:  # type: ignore[attr-defined]
        received = received.dt.replace_time_zone("UTC")
    frame = pl.DataFrame(columns, schema={n: d for n, d in schema.items() if n != "received_at"})
    return frame.insert_column(4, received.dt.convert_time_zone("UTC"))


def decision_schema() -> dict[str, pl.DataType | type[pl.DataType]]:
    return {
        "decision_id": pl.Int64,
        "application_id": pl.Int64,
        "final_decision": pl.String,
        "follows_model": pl.Boolean,
        "decided_by": pl.String,
        "decided_at": pl.Datetime("us"),
    }


def decision_rows(engine: Engine, after_decision_id: int = 0) -> pl.DataFrame:
    """Human decisions recorded after `after_decision_id`, oldest first."""
    d = t.decisions.c
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                d.decision_id, d.application_id, d.final_decision, d.follows_model, d.decided_by, d.decided_at
            )
            .where(d.decision_id > after_decision_id)
            .order_by(d.decision_id)
        ).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=decision_schema(), orient="row")


def marks(engine: Engine, model: ModelIdentity) -> tuple[int, int]:
    """(latest score id of `model`, latest decision id): what changed since a reader last looked."""
    with engine.connect() as connection:
        score = connection.execute(select(func.max(t.scores.c.score_id)).where(*_is_model(model))).scalar()
        decision = connection.execute(select(func.max(t.decisions.c.decision_id))).scalar()
    return int(score or 0), int(decision or 0)


def batch_names(engine: Engine) -> list[dict[str, Any]]:
    """Every batch, newest first: name, source, when and by whom it was created, how many applications."""
    b = t.batches.c
    count = (
        select(func.count())
        .select_from(t.applications)
        .where(t.applications.c.batch == b.name)
        .scalar_subquery()
    )
    with engine.connect() as connection:
        rows = connection.execute(
            select(b.name, b.source, b.created_at, b.created_by, count.label("applications")).order_by(
                b.created_at.desc(), b.name
            )
        ).all()
    return [
        {
            "name": r.name,
            "source": r.source,
            "created_at": _utc(r.created_at).isoformat(),
            "created_by": r.created_by,
            "applications": int(r.applications),
        }
        for r in rows
    ]


# ------------------------------------------------------------------------------------------ monitoring


def put_monitoring_record(
    engine: Engine, kind: str, subject: str, model: ModelIdentity, record: Record
) -> None:
    """Store a monitoring record (derived data: computing it again for the same subject and model replaces
    the previous one, so that rebuilding every batch is idempotent)."""
    m = t.monitoring.c
    where = (
        m.kind == kind,
        m.subject == subject,
        m.model_name == model.name,
        m.model_version == model.version,
        m.model_run_id == model.run_id,
    )
    with engine.begin() as connection:
        connection.execute(delete(t.monitoring).where(*where))
        connection.execute(
            insert(t.monitoring).values(
                kind=kind,
                subject=subject,
                model_name=model.name,
                model_version=model.version,
                model_run_id=model.run_id,
                computed_at=now(),
                record=json.dumps(record.to_dict(), allow_nan=False),
            )
        )


def monitoring_records(
    engine: Engine, kind: str, record_type: type[R], model: ModelIdentity | None = None
) -> list[R]:
    """The records of one kind (of one model when given), oldest computed first, typed by `record_type`."""
    m = t.monitoring.c
    query = select(m.record).where(m.kind == kind).order_by(m.computed_at, m.record_id)
    if model is not None:
        query = query.where(
            m.model_name == model.name, m.model_version == model.version, m.model_run_id == model.run_id
        )
    with engine.connect() as connection:
        texts = connection.execute(query).scalars().all()
    return [record_type.from_dict(json.loads(text), f"monitoring_records[{kind}]") for text in texts]
