"""Recording what happened to scored applications (`python -m model_training outcomes --file FILE.csv`).

The file has three columns: SK_ID_CURR, TARGET (1: the client defaulted, 0: repaid) and KNOWN_AT, the day
the outcome became known (ISO, YYYY-MM-DD). Each row is the outcome of that client's latest stored
application received on or before KNOWN_AT: a client who applied again later keeps that later application
open. The whole file is checked before anything is written and stored in one transaction: a refused file
stores nothing, and every refusal names its line (line 1 is the header) and field. An outcome already
recorded for an application is never overwritten.

Once stored, the performance records (model_training.batch_performance) of the batches the outcomes touch
are computed again for the serving model of the artifacts folder.
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from model_training.contract.monitoring import BatchPerformance
from model_training.contract.serving_card import ServingCard
from model_training.errors import InputError
from model_training.schema import CLIENT_ID, TARGET
from model_training.store import tables as t

KNOWN_AT = "KNOWN_AT"
COLUMNS = (CLIENT_ID, TARGET, KNOWN_AT)
#: Refusals listed at most (the count of the others is said).
SHOWN_ERRORS = 20
#: Client ids per query (SQLite takes 32,766 parameters).
_CHUNK = 5_000


class OutcomesError(InputError):
    """A file of outcomes refused, with a line per problem (nothing was stored)."""

    def __init__(self, source: str, problems: Sequence[str]):
        self.problems = tuple(problems)
        shown = "\n  ".join(problems[:SHOWN_ERRORS])
        more = f"\n  ... and {len(problems) - SHOWN_ERRORS} more" if len(problems) > SHOWN_ERRORS else ""
        super().__init__(f"{source}: {len(problems)} problem(s), nothing was stored:\n  {shown}{more}")


@dataclass(frozen=True)
class Outcome:
    line: int
    client_id: int
    target: int
    known_at: date


@dataclass(frozen=True)
class RecordedOutcomes:
    recorded: int
    batches: tuple[str, ...]
    performance: tuple[BatchPerformance, ...]


def _whole(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isascii() and text.lstrip("-").isdigit() and len(text) < 12 else None


def parse_outcomes(text: str, today: date) -> tuple[list[Outcome], list[str]]:
    """The file's rows, and a message per problem found without the store (columns, values, duplicates)."""
    problems: list[str] = []
    if not text.strip():
        return [], ["the file is empty: expected a header SK_ID_CURR,TARGET,KNOWN_AT"]
    if not text.endswith("\n"):
        last = text.rsplit("\n", 1)[-1]
        if last.count(",") < 2:  # a last line missing fields: the file was cut while it was written
            line = text.count("\n") + 1
            problems.append(f"line {line}: cut short ({last!r}): the file looks truncated")
    reader = csv.reader(io.StringIO(text))
    header = [name.strip().lstrip("\ufeff") for name in next(reader)]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [f"line 1: missing column(s) {', '.join(missing)} (expected {', '.join(COLUMNS)})"]
    where = {name: header.index(name) for name in COLUMNS}
    outcomes: list[Outcome] = []
    first_line: dict[int, int] = {}
    for line, fields in enumerate(reader, start=2):
        if not fields:
            continue
        if len(fields) != len(header):
            if not (problems and problems[-1].startswith(f"line {line}:")):
                problems.append(f"line {line}: {len(fields)} field(s), the header has {len(header)}")
            continue
        client, target = _whole(fields[where[CLIENT_ID]]), _whole(fields[where[TARGET]])
        known_text = fields[where[KNOWN_AT]].strip()
        bad = []
        if client is None or client <= 0:
            bad.append(f"{CLIENT_ID}: {fields[where[CLIENT_ID]]!r} is not a client id")
        if target not in (0, 1):
            bad.append(f"{TARGET}: {fields[where[TARGET]]!r}, expected 0 (repaid) or 1 (defaulted)")
        try:
            known = date.fromisoformat(known_text)
        except ValueError:
            bad.append(f"{KNOWN_AT}: {known_text!r} is not a date YYYY-MM-DD")
        else:
            if known > today:
                bad.append(f"{KNOWN_AT}: {known} is in the future (today is {today})")
        if client is not None and client > 0:
            if client in first_line:
                bad.append(f"{CLIENT_ID}: client {client} is already on line {first_line[client]}")
            else:
                first_line[client] = line
        if bad:
            problems += [f"line {line}, {message}" for message in bad]
            continue
        assert client is not None and target is not None
        outcomes.append(Outcome(line, client, target, known))
    if not outcomes and not problems:
        problems.append("no outcome in the file (a header only)")
    return outcomes, problems


def _applications(engine: Engine, clients: Sequence[int]) -> dict[int, list[tuple[datetime, int, str]]]:
    """Each client's stored applications: (received_at in UTC, application_id, batch), oldest first."""
    a = t.applications.c
    found: dict[int, list[tuple[datetime, int, str]]] = {}
    with engine.connect() as connection:
        for start in range(0, len(clients), _CHUNK):
            rows = connection.execute(
                select(a.client_id, a.received_at, a.application_id, a.batch).where(
                    a.client_id.in_(clients[start : start + _CHUNK])
                )
            ).all()
            for client, received, application, batch in rows:
                received = received if received.tzinfo else received.replace(tzinfo=UTC)
                found.setdefault(client, []).append((received, application, batch))
    for listed in found.values():
        listed.sort()
    return found


def _recorded(engine: Engine, applications: Sequence[int]) -> dict[int, datetime]:
    o = t.outcomes.c
    recorded: dict[int, datetime] = {}
    with engine.connect() as connection:
        for start in range(0, len(applications), _CHUNK):
            rows = connection.execute(
                select(o.application_id, o.recorded_at).where(
                    o.application_id.in_(applications[start : start + _CHUNK])
                )
            ).all()
            recorded.update({application: at for application, at in rows})
    return recorded


def _user() -> str:
    try:
        return getpass.getuser() or "outcomes"
    except (KeyError, OSError):
        return "outcomes"


def record_outcomes(
    engine: Engine,
    path: Path | str,
    *,
    by: str | None = None,
    today: date | None = None,
) -> tuple[int, tuple[str, ...]]:
    """Check the file against the store and record its outcomes in one transaction; the number recorded and
    the batches they belong to. OutcomesError (nothing stored) naming every problem's line and field."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text (byte {error.start})") from None
    today = today or datetime.now(UTC).date()
    outcomes, problems = parse_outcomes(text, today)
    stored = _applications(engine, sorted({o.client_id for o in outcomes}))
    chosen: dict[int, tuple[int, str]] = {}
    for outcome in outcomes:
        applications = stored.get(outcome.client_id)
        if not applications:
            problems.append(
                f"line {outcome.line}, {CLIENT_ID}: no stored application for client {outcome.client_id}"
            )
            continue
        end_of_day = datetime.combine(outcome.known_at + timedelta(days=1), datetime.min.time(), UTC)
        before = [a for a in applications if a[0] < end_of_day]
        if not before:
            problems.append(
                f"line {outcome.line}, {KNOWN_AT}: {outcome.known_at} is before client {outcome.client_id}'s "
                f"application was received ({applications[0][0].date()})"
            )
            continue
        _, application_id, batch = before[-1]
        chosen[outcome.line] = (application_id, batch)
    already = _recorded(engine, sorted({a for a, _ in chosen.values()}))
    for outcome in outcomes:
        if outcome.line in chosen and chosen[outcome.line][0] in already:
            application_id = chosen[outcome.line][0]
            problems.append(
                f"line {outcome.line}, {CLIENT_ID}: an outcome is already recorded for client "
                f"{outcome.client_id}'s application {application_id} (on "
                f"{already[application_id]:%Y-%m-%d}); outcomes are never overwritten"
            )
    if problems:
        problems.sort(key=_line_number)
        raise OutcomesError(str(path), problems)
    at = datetime.now(UTC)
    source = f"{path.name[:180]} sha256:{hashlib.sha256(raw).hexdigest()}"
    rows = [
        {
            "application_id": chosen[o.line][0],
            "client_id": o.client_id,
            "target": o.target,
            "known_at": datetime.combine(o.known_at, datetime.min.time(), UTC),
            "recorded_at": at,
            "recorded_by": by or _user(),
            "source": source,
        }
        for o in outcomes
    ]
    try:
        with engine.begin() as connection:
            connection.execute(insert(t.outcomes), rows)
    except IntegrityError:  # recorded by someone else between the check and the write
        raise InputError(
            f"{path}: an outcome of this file was recorded meanwhile by another run; nothing was stored, "
            "run it again to see which"
        ) from None
    return len(rows), tuple(sorted({batch for _, batch in chosen.values()}))


def _line_number(problem: str) -> int:
    head = problem.split(",", 1)[0].split(":", 1)[0]
    number = head.removeprefix("line ").strip()
    return int(number) if number.isdigit() else 0


def record_outcomes_file(
    path: Path | str, artifacts: Path | str, database: str | None = None, by: str | None = None
) -> RecordedOutcomes:
    """The `outcomes` command: record the file's outcomes, then compute again the performance records of the
    batches they touch for the serving model of `artifacts`."""
    from model_training.batch_performance import record_batch_performance
    from model_training.store.applications import ensure_schema
    from model_training.store.engine import database_errors, database_url, open_engine

    card = ServingCard.read(Path(artifacts) / ServingCard.FILE)
    url = database_url(database)
    with database_errors(url):
        engine = open_engine(url)
        ensure_schema(engine)
        recorded, batches = record_outcomes(engine, path, by=by)
        performance = record_batch_performance(engine, card, batches)
    return RecordedOutcomes(recorded, batches, tuple(performance))


def summary_lines(result: RecordedOutcomes) -> list[str]:
    lines = [f"{result.recorded:,} outcome(s) recorded, in batch(es) {', '.join(result.batches)}"]
    for record in result.performance:
        auc = "n/a" if record.roc_auc.value is None else f"{record.roc_auc.value:.4f}"
        cost = "n/a" if record.cost.value is None else f"{record.cost.value:.4f}"
        lines.append(
            f"batch {record.subject}: {record.n_outcomes:,} of {record.n:,} applications with an outcome, "
            f"ROC AUC {auc}, cost per applicant {cost}"
            + (" - WARNING: the cross-validated cost is outside its interval" if record.cost_warning else "")
        )
    return lines
