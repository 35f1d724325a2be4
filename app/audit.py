"""The audit log: who saw which score, explanation or what-if, every API call and every login, kept in the
app's database (`app.database`: SQLite `data/app.db` by default, any SQLAlchemy URL through DATABASE_URL),
written by the app serving the request (its settings) or to the database a caller names.

Recording must never slow a page nor lose an event:
- `record_event` builds the event in the caller (time, user, role, model version, threshold, route) and hands
  it to a bounded in-process queue; one writer thread per worker drains it and inserts in batches.
- When the database refuses (down, full, read-only, locked too long), the batch goes to an append-only
  JSON-lines spool (`Settings.audit_spool`, AUDIT_SPOOL; by default beside the SQLite file, else
  `data/audit-spool.jsonl`), one clear log line says so, and the writer replays the spool once the database
  answers again (every `RETRY_SECONDS`). Replay is idempotent: each event carries a unique `event_id`.
- When even the spool cannot be written, each event is written to stderr as one JSON line with the error
  (`{"audit_event_not_stored": ..., "error": ...}`): gunicorn's error log keeps it; never silently dropped.
- A full queue (the writer lags far behind) spools from the caller instead of blocking the page.
- A Dash callback's event names what the person did, not Dash's URL: the page path and the callback's purpose
  (`/client/100001 · page`), set per request by the access gate (`set_callback_place`).
- A score is recorded once per view (`record_score`): re-renders of the same page for the same client in the
  same session (the language switch, a reload, the meeting view after a wrong exit password) add no row; a
  view ends when the session's router renders another page (`page_rendered`).
- At exit the queue is flushed (atexit, which gunicorn workers run on a graceful stop). A worker killed with
  SIGKILL loses what is still queued in memory: at most one batch interval (`LINGER_SECONDS`).
"""

from __future__ import annotations

import atexit
import contextlib
import csv
import fcntl
import functools
import io
import json
import logging
import os
import queue
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from flask import g, has_request_context, request
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    insert,
    make_url,
    select,
    true,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.config import PROJECT_DIR, current_settings
from app.database import create_tables, database_url, engine
from app.identity import current_identity
from model_training.contract import HumanDecision
from model_training.store.schema import STEPS_INFO, Step, add_index

if TYPE_CHECKING:
    from app.explanation import Score

log = logging.getLogger(__name__)

EVENT_KINDS: tuple[str, ...] = (
    "score_shown",
    "explanation_viewed",
    "what_if",
    "api_call",
    "login",
    "login_failed",
    "logout",
    "meeting_enter",
    "meeting_leave",  # ended by the advisor's password
    "meeting_exit_refused",  # a wrong exit password, or an attempt during the delay: not a sign-in
    "meeting_ended_by_admin",
    "human_decision",  # the advisor's final decision on an application: follows or overrides the model
    "application_submitted",  # a new application entered on the "Nouvelle demande" page, stored and scored
    "summary_printed",  # the client's take-home summary served (app/summary.py): client, language, who
)
#: Kinds that say a person looked at a score: one row per view (`record_score`). A what-if is an action.
VIEW_KINDS = ("score_shown", "explanation_viewed")
#: A view's marks are forgotten after this long, whatever happens to their session.
VIEW_MARK_SECONDS = 86_400.0
#: Seconds between attempts to reach a database that failed (the spool keeps events meanwhile).
RETRY_SECONDS = 5.0
#: How long the writer waits for more events before inserting a batch.
LINGER_SECONDS = 0.2
BATCH_SIZE = 500
QUEUE_SIZE = 10_000
DEFAULT_SPOOL = PROJECT_DIR / "data" / "audit-spool.jsonl"

metadata = MetaData()
audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(32), nullable=False, unique=True),
    Column("occurred_at", DateTime, nullable=False, index=True),  # UTC, stored naive for every dialect
    Column("kind", String(32), nullable=False, index=True),
    Column("user_name", String(128), index=True),
    Column("role", String(16)),
    Column("client_id", BigInteger, index=True),
    Column("probability", Float),
    Column("decision", String(32)),
    Column("model_version", String(64)),
    Column("threshold", Float),
    Column("route", String(256)),
    Column("method", String(8)),
    Column("status", Integer),
    Column("detail", Text),
    # the audit page and its CSV read newest first: ORDER BY occurred_at DESC, id DESC straight off the index
    Index("audit_events_newest", "occurred_at", "id"),
)
_newest = next(index for index in audit_events.indexes if index.name == "audit_events_newest")
metadata.info[STEPS_INFO] = (Step("2026-12 audit_events_newest index", "audit_events", add_index(_newest)),)
#: Which scores a session has already been recorded looking at, on the page it shows now (one row per view).
audit_views = Table(
    "audit_views",
    metadata,
    Column("session", String(64), primary_key=True),  # the session key's hash
    Column("kind", String(32), primary_key=True),
    Column("client_id", BigInteger, primary_key=True),
    Column("page", String(256), nullable=False),
    Column("at", Float, nullable=False, index=True),
)
_LENGTHS = {c.name: c.type.length for c in audit_events.columns if isinstance(c.type, String)}


@dataclass(frozen=True)
class AuditEvent:
    """One line of the audit log, as stored (and as spooled, in JSON)."""

    kind: str
    occurred_at: datetime
    event_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    user_name: str | None = None
    role: str | None = None
    client_id: int | None = None
    probability: float | None = None
    decision: str | None = None
    model_version: str | None = None
    threshold: float | None = None
    route: str | None = None
    method: str | None = None
    status: int | None = None
    detail: str | None = None

    def row(self) -> dict[str, Any]:
        """Column values, strings cut to their column's length (a route or a user name comes from outside)."""
        values = asdict(self)
        for name, length in _LENGTHS.items():
            if isinstance(values[name], str) and length:
                values[name] = values[name][:length]
        return values

    def to_json(self) -> str:
        return json.dumps({**self.row(), "occurred_at": self.occurred_at.isoformat()}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> AuditEvent:
        data = json.loads(text)
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values["occurred_at"] = datetime.fromisoformat(values["occurred_at"])
        return cls(**values)


def _now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _model_context() -> tuple[str | None, float | None]:
    """The live model's version and threshold, or (None, None) outside an app (a CLI, a test)."""
    from app.services import get_services  # services import the scoring stack; keep this module light

    try:
        model = get_services().artifacts.model
    except RuntimeError:
        return None, None
    return model.version, model.threshold


def build_event(
    kind: str,
    *,
    client_id: int | None = None,
    probability: float | None = None,
    decision: str | None = None,
    detail: str | None = None,
    status: int | None = None,
    user: str | None = None,
    role: str | None = None,
) -> AuditEvent:
    """The event with its context filled in: UTC time, who (from the request's identity unless `user`
    is given, e.g. the name tried in a failed login), the live model and threshold, the route."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown audit event kind {kind!r}: expected one of {', '.join(EVENT_KINDS)}")
    identity = current_identity()
    version, threshold = _model_context()
    route, method = _route(client_id)
    return AuditEvent(
        kind=kind,
        occurred_at=_now_utc(),
        user_name=user if user is not None else (identity.name if identity else None),
        role=role if role is not None else (identity.role if identity else None),
        client_id=None if client_id is None else int(client_id),
        probability=None if probability is None else float(probability),
        decision=decision,
        model_version=version,
        threshold=threshold,
        route=route,
        method=method,
        status=status,
        detail=detail,
    )


def record_event(
    kind: str,
    *,
    client_id: int | None = None,
    probability: float | None = None,
    decision: str | None = None,
    detail: str | None = None,
    status: int | None = None,
    user: str | None = None,
    role: str | None = None,
) -> None:
    """Record one event without waiting for the database (see the module docstring for the guarantees).

    Raises ValueError for an unknown kind (a programming error); never raises because of the database.
    """
    event = build_event(
        kind,
        client_id=client_id,
        probability=probability,
        decision=decision,
        detail=detail,
        status=status,
        user=user,
        role=role,
    )
    audit_log().record(event)


def record_score(kind: str, score: Score, *, detail: str | None = None) -> None:
    """Record that a score was shown (or simulated, or explained): its client, probability and decision.

    A score shown or explained is recorded once per view (see `first_in_view`); each what-if is recorded, and
    so is any score of an application that is not a known client's (nothing to tell views apart by)."""
    if kind in VIEW_KINDS and score.client_id is not None and not first_in_view(kind, score.client_id):
        return
    record_event(
        kind, client_id=score.client_id, probability=score.probability, decision=score.decision, detail=detail
    )


def record_human_decision(decision: HumanDecision, client_id: int, probability: float) -> None:
    """Record an advisor's final decision (API or client page alike): the model's decision they saw, theirs,
    whether it follows the model, and the reason for overriding it."""
    detail = {
        "application_id": decision.application_id,
        "model_decision": decision.model_decision,
        "final_decision": decision.final_decision,
        "follows_model": decision.follows_model,
        "reason": decision.reason,
    }
    record_event(
        "human_decision",
        client_id=client_id,
        probability=probability,
        decision=decision.final_decision,
        detail=json.dumps(detail, ensure_ascii=False),
    )


# --- what a Dash callback did, and views ------------------------------------------------------------------


@dataclass(frozen=True)
class CallbackPlace:
    """Where a Dash callback request acts: the page path (a template such as `/what-if/<client_id>` when the
    callback does not render the page itself), the callback's purpose, and the web session's key hash."""

    page: str
    purpose: str
    session: str | None = None
    renders_page: bool = False


def set_callback_place(place: CallbackPlace | None) -> None:
    """Called by the access gate for each Dash callback it lets through (`app.auth.guard`)."""
    g.audit_place = place


def _callback_place() -> CallbackPlace | None:
    return g.get("audit_place") if has_request_context() else None


def _route(client_id: int | None) -> tuple[str | None, str | None]:
    """(route, method): for a Dash callback, the page and purpose (`/client/100001 · page`, no method);
    otherwise the request's own path and method."""
    if not has_request_context():
        return None, None
    place = _callback_place()
    if place is None:
        return request.path, request.method
    page = place.page
    if "<client_id>" in page and client_id is not None:
        page = page.replace("<client_id>", str(int(client_id)))
    return f"{page} · {place.purpose}", None


def _view_db() -> Engine:
    db = engine(database_url())
    _create_views_table(database_url())
    return db


@functools.cache
def _create_views_table(url: str) -> None:
    create_tables(metadata, engine(url), [audit_views])


def page_rendered(session: str, page: str, *, now: float | None = None) -> None:
    """The session's router renders `page`: the views of any other page are over (their marks go)."""
    now = time.time() if now is None else now
    try:
        with _view_db().begin() as connection:
            connection.execute(
                delete(audit_views).where(
                    (audit_views.c.session == session) & (audit_views.c.page != page[:256])
                    | (audit_views.c.at < now - VIEW_MARK_SECONDS)
                )
            )
    except SQLAlchemyError as error:  # a refusing database only means a view may be recorded twice
        log.warning("audit log: views not tracked (%s)", error_text(error))


def first_in_view(kind: str, client_id: int, *, now: float | None = None) -> bool:
    """True the first time this session's current page shows this client's score (record it); False for a
    re-render of the same view. Outside a page rendered in a web session, always True; if the database
    refuses, True too: a duplicate row is better than a lost one."""
    place = _callback_place()
    if place is None or place.session is None or not place.renders_page:
        return True
    now = time.time() if now is None else now
    mark = {"session": place.session, "kind": kind, "client_id": int(client_id), "page": place.page[:256]}
    try:
        with _view_db().begin() as connection:
            connection.execute(insert(audit_views).values(**mark, at=now))
    except IntegrityError:
        return False
    except SQLAlchemyError as error:
        log.warning("audit log: views not tracked (%s)", error_text(error))
    return True


# --- where events go --------------------------------------------------------------------------------------


def spool_path(url: str, explicit: Path | None = None) -> Path:
    """`explicit` (Settings.audit_spool: AUDIT_SPOOL), else `<db file>.spool.jsonl` beside a SQLite database,
    else `data/audit-spool-<host>-<port>-<database>.jsonl` (PostgreSQL).

    One spool per database, so that two databases (a test's, the demo's, two PostgreSQL databases on one
    server) never replay each other's events.
    """
    if explicit is not None:
        return explicit
    parsed = make_url(url)
    database = (parsed.database or "").removeprefix("file:")  # sqlite:///file:PATH?mode=...&uri=true
    if parsed.get_backend_name() == "sqlite" and database and database != ":memory:":
        return Path(database + ".spool.jsonl")
    named = "-".join(str(part) for part in (parsed.host, parsed.port, parsed.database) if part)
    safe = "".join(c if c.isalnum() or c in "._" else "-" for c in named)
    return DEFAULT_SPOOL.with_name(f"audit-spool-{safe}.jsonl") if safe else DEFAULT_SPOOL


def spool_problem(path: Path) -> str | None:
    """Why events cannot be spooled to `path` (None when they can): checked at start and on the admin page.

    Checked without creating the file: the spool appears only when the database refuses an event.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"the audit spool {path} is not writable ({error.strerror or error})"
    target = path if path.exists() else path.parent
    if not os.access(target, os.W_OK) or (path.exists() and not path.is_file()):
        return f"the audit spool {path} is not writable (permission denied)"
    return None


def error_text(error: BaseException) -> str:
    """The database's own words when there are some ('database or disk is full'), on one line."""
    cause = getattr(error, "orig", None) or error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0][:300]


@dataclass(frozen=True)
class AuditStatus:
    """What the admin page shows: is the database taking events, how many wait in the spool."""

    database_ok: bool
    last_error: str | None
    queued: int
    spooled: int
    spool: Path
    spool_problem: str | None

    @property
    def pending(self) -> int:
        return self.queued + self.spooled


class AuditLog:
    """The queue, writer thread and spool of one database in one process (gunicorn worker)."""

    def __init__(
        self,
        url: str,
        spool: Path,
        *,
        batch_size: int = BATCH_SIZE,
        queue_size: int = QUEUE_SIZE,
        retry_seconds: float = RETRY_SECONDS,
        linger_seconds: float = LINGER_SECONDS,
    ):
        self.url = url
        self.spool = Path(spool)
        self.batch_size = batch_size
        self.retry_seconds = retry_seconds
        self.linger_seconds = linger_seconds
        self._queue: queue.Queue[AuditEvent | threading.Event | None] = queue.Queue(maxsize=queue_size)
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._table_ready = False
        self._database_ok = True
        self._last_error: str | None = None
        self._retry_at = 0.0
        #: counters of this process, for tests and the benchmark
        self.written = self.spooled = self.replayed = self.to_stderr = 0
        problem = spool_problem(self.spool)
        if problem:
            log.warning("audit log: %s; if the database fails too, events go to stderr", problem)

    # --- the caller's side -----------------------------------------------------------------------------

    def record(self, event: AuditEvent) -> None:
        """Queue the event; a full queue spools it right away rather than make the page wait."""
        self._ensure_writer()
        try:
            self._queue.put_nowait(event)
        except queue.Full:
            self._spool([event])

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far is stored or spooled, and try a replay now if the spool
        holds events. False if the writer did not get there within `timeout` seconds."""
        self._ensure_writer()
        marker = threading.Event()
        try:
            self._queue.put(marker, timeout=timeout)
        except queue.Full:
            return False
        return marker.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Flush, stop the writer, and spool whatever it could not take in time."""
        thread = self._thread
        if thread is not None and thread.is_alive():
            self.flush(timeout)
            with contextlib.suppress(queue.Full):
                self._queue.put(None, timeout=timeout)
            thread.join(timeout)
        left = self._drain_nowait(sys.maxsize)
        events = [e for e in left if isinstance(e, AuditEvent)]
        if events:
            self._spool(events)

    def status(self) -> AuditStatus:
        return AuditStatus(
            database_ok=self._database_ok,
            last_error=self._last_error,
            queued=self._queue.qsize(),
            spooled=count_spooled(self.spool),
            spool=self.spool,
            spool_problem=spool_problem(self.spool),
        )

    # --- the writer thread -----------------------------------------------------------------------------

    def _ensure_writer(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
                self._thread.start()

    def _drain_nowait(self, limit: int) -> list[AuditEvent | threading.Event | None]:
        items: list[AuditEvent | threading.Event | None] = []
        while len(items) < limit:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return items

    def _next_items(self) -> list[AuditEvent | threading.Event | None]:
        """Block for a first item (at most a second, to retry the spool), then linger briefly for a batch."""
        try:
            first = self._queue.get(timeout=1.0)
        except queue.Empty:
            return []
        items = [first]
        deadline = time.monotonic() + self.linger_seconds
        while len(items) < self.batch_size and not isinstance(items[-1], threading.Event | None):
            remaining = deadline - time.monotonic()
            try:
                items.append(self._queue.get(timeout=max(remaining, 0.0001)))
            except queue.Empty:
                break
        return items

    def _run(self) -> None:
        while True:
            items = self._next_items()
            events = [item for item in items if isinstance(item, AuditEvent)]
            markers = [item for item in items if isinstance(item, threading.Event)]
            if events:
                self._store(events)  # never raises: what the database refuses is spooled
            try:
                self._replay_spool(force=bool(markers))
            except Exception:  # the writer must outlive any surprise; spooled events stay in the file
                log.exception("audit log: replaying the spool failed")
            for marker in markers:
                marker.set()
            if any(item is None for item in items):
                return

    def _ensure_table(self, db: Engine) -> None:
        if not self._table_ready:
            create_tables(metadata, db, [audit_events])
            self._table_ready = True

    def insert_now(self, events: Sequence[AuditEvent]) -> None:
        """Insert events right away, in this thread (imports, tests); pages go through `record`."""
        db = engine(self.url)
        self._ensure_table(db)
        with db.begin() as connection:
            connection.execute(insert(audit_events), [e.row() for e in events])

    def _store(self, events: list[AuditEvent]) -> None:
        if not self._database_ok and time.monotonic() < self._retry_at:
            self._spool(events)
            return
        try:
            self.insert_now(events)
        except Exception as error:  # SQLAlchemy, driver or OS errors alike: the database refused
            self._database_down(error)
            self._spool(events)
        else:
            self.written += len(events)
            if not self._database_ok:
                self._database_up()

    def _database_down(self, error: BaseException) -> None:
        self._retry_at = time.monotonic() + self.retry_seconds
        self._last_error = error_text(error)
        if self._database_ok:
            safe_url = make_url(self.url).render_as_string(hide_password=True)
            log.error(
                "audit log: database %s refuses events (%s); spooling to %s, replayed when it is back",
                safe_url,
                self._last_error,
                self.spool,
            )
        self._database_ok = False

    def _database_up(self) -> None:
        self._database_ok = True
        self._last_error = None
        log.warning("audit log: database is back; spooled events are being replayed")

    # --- the spool -------------------------------------------------------------------------------------

    def _spool(self, events: Sequence[AuditEvent]) -> None:
        """Append events to the spool under an exclusive lock (workers share it); stderr if that fails."""
        if not events:
            return
        try:
            self.spool.parent.mkdir(parents=True, exist_ok=True)
            with open(self.spool, "a", encoding="utf-8") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    handle.write("".join(e.to_json() + "\n" for e in events))
                    handle.flush()
                    os.fsync(handle.fileno())
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        except OSError as error:
            self._to_stderr(events, error)
        else:
            self.spooled += len(events)

    def _to_stderr(self, events: Iterable[AuditEvent], error: BaseException) -> None:
        """The last resort: one JSON line per event on stderr, with why it could not be stored."""
        reason = f"{type(error).__name__}: {error_text(error)}"
        for event in events:
            print(
                json.dumps({"audit_event_not_stored": json.loads(event.to_json()), "error": reason}),
                file=sys.stderr,
                flush=True,
            )
            self.to_stderr += 1

    def _replay_spool(self, *, force: bool = False) -> None:
        """Move spooled events into the database, if it is reachable (now, or when the retry time came)."""
        if count_spooled(self.spool, quick=True) == 0:
            return
        if not self._database_ok and not force and time.monotonic() < self._retry_at:
            return
        try:
            with open(self.spool, "r+", encoding="utf-8") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    self._replay_locked(handle)
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        except OSError as error:
            log.error("audit log: cannot replay the spool %s (%s)", self.spool, error)

    def _replay_locked(self, handle: io.TextIOBase) -> None:
        events = list(self._parse_spool(handle.read().splitlines()))
        try:
            for start in range(0, len(events), self.batch_size):
                self._insert_missing(events[start : start + self.batch_size])
        except Exception as error:  # the database refused again: the spool stays as it is
            self._database_down(error)
            return
        handle.seek(0)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())
        self.replayed += len(events)
        if not self._database_ok:
            self._database_up()
        if events:
            log.warning("audit log: %d spooled events replayed into the database", len(events))

    def _parse_spool(self, lines: Iterable[str]) -> Iterator[AuditEvent]:
        for line in lines:
            if not line.strip():
                continue
            try:
                yield AuditEvent.from_json(line)
            except (ValueError, KeyError, TypeError) as error:  # a line cut by a crash mid-write
                print(
                    json.dumps({"audit_spool_line_unreadable": line, "error": str(error)}),
                    file=sys.stderr,
                    flush=True,
                )

    def _insert_missing(self, events: Sequence[AuditEvent]) -> None:
        """Insert the events not stored yet: a replay cut short and run again stores nothing twice."""
        if not events:
            return
        db = engine(self.url)
        self._ensure_table(db)
        with db.begin() as connection:
            ids = [e.event_id for e in events]
            known = set(
                connection.execute(
                    select(audit_events.c.event_id).where(audit_events.c.event_id.in_(ids))
                ).scalars()
            )
            fresh = [e.row() for e in events if e.event_id not in known]
            if fresh:
                connection.execute(insert(audit_events), fresh)
        self.written += len(events) - len(known)


def count_spooled(path: Path, *, quick: bool = False) -> int:
    """Events waiting in the spool file (with `quick`, only 0 or 1: is there anything at all)."""
    try:
        size = path.stat().st_size
    except OSError:
        return 0
    if quick or size == 0:
        return min(size, 1)
    with open(path, "rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


_logs: dict[tuple[str, str, int], AuditLog] = {}
_logs_lock = threading.Lock()


def close_audit_logs(url: str) -> None:
    """Store what this process's logs of `url` still hold and stop their writers (a database about to be
    dropped, a test's)."""
    with _logs_lock:
        closing = [key for key in _logs if key[0] == url]
        logs = [_logs.pop(key) for key in closing]
    for log_ in logs:
        log_.close()


def audit_log(url: str | None = None, spool: Path | None = None) -> AuditLog:
    """The audit log of `url` and `spool` in this process (default: the database and spool of the app's
    settings; a given `url` without `spool` spools beside it); workers forked by gunicorn get their own (a
    writer thread does not survive a fork)."""
    if url is None:
        settings = current_settings()
        url, spool = settings.database_url, settings.audit_spool
    path = spool_path(url, spool)
    key = (url, str(path), os.getpid())
    with _logs_lock:
        if key not in _logs:
            _logs[key] = AuditLog(url, path)
        return _logs[key]


@atexit.register
def _flush_at_exit() -> None:
    pid = os.getpid()
    for (_, _, owner), audit in list(_logs.items()):
        if owner == pid:
            audit.close()


# --- reading the log (admin page, CSV export) -------------------------------------------------------------

CSV_COLUMNS: tuple[str, ...] = (
    "occurred_at",
    "kind",
    "user_name",
    "role",
    "client_id",
    "probability",
    "decision",
    "model_version",
    "threshold",
    "route",
    "method",
    "status",
    "detail",
    "event_id",
)
_TEXT_COLUMNS = {"kind", "user_name", "role", "decision", "model_version", "route", "method", "detail"}


@dataclass(frozen=True)
class EventFilter:
    """What the admin narrows the log to; `until` is inclusive (the whole day)."""

    FIELDS: ClassVar[tuple[str, ...]] = ("user", "kind", "client_id", "since", "until")

    user: str | None = None
    kind: str | None = None
    client_id: int | None = None
    since: date | None = None
    until: date | None = None

    def as_params(self) -> dict[str, str]:
        """The filter as query-string values (the export link), the empty fields left out."""
        values = {name: getattr(self, name) for name in self.FIELDS}
        return {k: str(v) for k, v in values.items() if v is not None}  # str(date) is ISO

    def clauses(self) -> list[Any]:
        c = audit_events.c
        clauses: list[Any] = []
        if self.user:
            escaped = self.user.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            clauses.append(c.user_name.ilike(f"%{escaped}%", escape="\\"))
        if self.kind:
            clauses.append(c.kind == self.kind)
        if self.client_id is not None:
            clauses.append(c.client_id == self.client_id)
        if self.since:
            clauses.append(c.occurred_at >= datetime.combine(self.since, datetime.min.time()))
        if self.until:
            day_after = datetime.combine(self.until + timedelta(days=1), datetime.min.time())
            clauses.append(c.occurred_at < day_after)
        return clauses


ALL_EVENTS = EventFilter()
#: Longest text accepted in the user filter (user names are at most 128 characters).
MAX_USER_FILTER = 128


def parse_event_filter(
    *,
    user: object = None,
    kind: object = None,
    client_id: object = None,
    since: object = None,
    until: object = None,
) -> tuple[EventFilter, dict[str, str]]:
    """The filter from what an admin typed (page fields or the export's query string), and the problems:
    {field: problem code} with codes "too_long", "unknown_kind", "not_an_id", "not_a_date", "reversed".
    A field with a problem is left out of the filter, never guessed."""
    problems: dict[str, str] = {}
    text = str(user or "").strip()
    if len(text) > MAX_USER_FILTER:
        problems["user"], text = "too_long", ""
    chosen = str(kind or "").strip()
    if chosen and chosen not in EVENT_KINDS:
        problems["kind"], chosen = "unknown_kind", ""
    client = str(client_id if client_id is not None else "").strip()
    if client and not (client.isascii() and client.isdigit() and len(client) <= 12):
        problems["client_id"], client = "not_an_id", ""
    days: dict[str, date | None] = {}
    for name, value in (("since", since), ("until", until)):
        try:
            days[name] = date.fromisoformat(str(value).strip()[:10]) if value else None
        except ValueError:
            problems[name], days[name] = "not_a_date", None
    if days["since"] and days["until"] and days["since"] > days["until"]:
        problems["until"], days["until"] = "reversed", None
    selection = EventFilter(
        user=text or None,
        kind=chosen or None,
        client_id=int(client) if client else None,
        since=days["since"],
        until=days["until"],
    )
    return selection, problems


@dataclass(frozen=True)
class EventPage:
    rows: list[dict[str, Any]]
    total: int
    page: int
    page_size: int

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _prepared(url: str | None) -> Engine:
    db = engine(url)
    create_tables(metadata, db, [audit_events])
    return db


def query_events(
    selection: EventFilter = ALL_EVENTS, *, page: int = 1, page_size: int = 50, url: str | None = None
) -> EventPage:
    """One page of events, newest first, and how many match. Raises SQLAlchemyError if the db is down."""
    page_size = max(1, min(page_size, 500))
    db = _prepared(url)
    where = and_(true(), *selection.clauses())
    with db.connect() as connection:
        total = connection.execute(select(func.count()).select_from(audit_events).where(where)).scalar_one()
        page = max(1, min(page, max(1, -(-total // page_size))))
        rows = connection.execute(
            select(*(audit_events.c[name] for name in CSV_COLUMNS))
            .where(where)
            .order_by(audit_events.c.occurred_at.desc(), audit_events.c.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).mappings()
        return EventPage([dict(row) for row in rows], total, page, page_size)


def _csv_cell(name: str, value: Any) -> Any:
    """No formula injection: a text cell starting like a formula (a user name typed at login) is quoted."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds") + "Z"
    if name in _TEXT_COLUMNS and isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def events_csv(
    selection: EventFilter = ALL_EVENTS, *, url: str | None = None, chunk: int = 1000
) -> Iterator[str]:
    """The matching events as CSV text, header first, newest first, a chunk of rows at a time (streamed)."""
    db = _prepared(url)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    query = (
        select(*(audit_events.c[name] for name in CSV_COLUMNS))
        .where(and_(true(), *selection.clauses()))
        .order_by(audit_events.c.occurred_at.desc(), audit_events.c.id.desc())
    )
    with db.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=chunk).execute(query)
        for rows in result.partitions():
            for row in rows:
                writer.writerow(
                    [_csv_cell(name, value) for name, value in zip(CSV_COLUMNS, row, strict=True)]
                )
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()
