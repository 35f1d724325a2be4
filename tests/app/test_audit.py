"""The audit log on a real SQLite database: what an event carries, batching, the spool when the database
refuses (read-only, full, locked), replay without duplicates, stderr as the last resort, flush at exit,
the admin's queries and CSV, and the hooks in the API and the pages."""

import csv
import dataclasses
import io
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from app import create_app, get_services
from app.audit import (
    CSV_COLUMNS,
    EVENT_KINDS,
    AuditEvent,
    AuditLog,
    EventFilter,
    audit_events,
    audit_log,
    build_event,
    count_spooled,
    events_csv,
    parse_event_filter,
    query_events,
    record_event,
    spool_path,
)
from app.config import load_settings
from app.database import engine
from app.identity import Identity, set_identity
from app.services import services_of
from benchmarks.load_test import DashPayloads
from tests.pages.loaded import dash_page
from tests.signin import bearer, signed_in_client

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def url(fresh_database) -> str:
    """A new audit database, SQLite and PostgreSQL (the `app` fixture's too)."""
    return fresh_database


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A new SQLite audit database: the tests that make it refuse through SQLite's own pragmas and locks (on
    PostgreSQL, a server stopped mid-load: tests/backends/test_audit_postgres_outage.py)."""
    return f"sqlite:///{tmp_path / 'audit.db'}"


def stored(url: str) -> int:
    with engine(url).connect() as connection:
        return connection.execute(select(func.count()).select_from(audit_events)).scalar_one()


def stored_ids(url: str) -> list[str]:
    with engine(url).connect() as connection:
        return list(connection.execute(select(audit_events.c.event_id)).scalars())


class Pragma:
    """Every new connection to `url` runs `statement`: a real read-only or full SQLite database."""

    def __init__(self, url: str, statement: str):
        self.engine, self.statement = engine(url), statement

    def _run(self, connection, _record) -> None:
        connection.execute(self.statement)

    def __enter__(self):
        event.listen(self.engine, "connect", self._run)
        self.engine.dispose()
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "connect", self._run)
        self.engine.dispose()


def events(n: int, kind: str = "api_call", **fields) -> list[AuditEvent]:
    return [build_event(kind, client_id=100_000 + i, **fields) for i in range(n)]


def test_an_event_carries_time_user_role_model_threshold_and_route(url, trained_artifacts, app_settings):
    app = create_app(trained_artifacts, dataclasses.replace(app_settings, database_url=url))
    model = services_of(app.server).artifacts.model
    before = datetime.now(UTC).replace(tzinfo=None)
    with app.server.test_request_context("/client/7", method="GET"):
        set_identity(Identity("amelie", "advisor"))
        record_event("score_shown", client_id=7, probability=0.42, decision="refuse")
    assert audit_log(url).flush()
    row = query_events(url=url).rows[0]
    assert row["kind"] == "score_shown" and row["client_id"] == 7
    assert (row["user_name"], row["role"]) == ("amelie", "advisor")
    assert (row["model_version"], row["threshold"]) == (model.version, model.threshold)
    assert (row["probability"], row["decision"]) == (0.42, "refuse")
    assert (row["route"], row["method"]) == ("/client/7", "GET")
    assert before <= row["occurred_at"] <= datetime.now(UTC).replace(tzinfo=None)


def test_a_failed_login_names_who_tried_without_an_identity(url):
    audit_log(url).record(build_event("login_failed", user="mallory", detail="wrong password"))
    audit_log(url).flush()
    row = query_events(url=url).rows[0]
    assert (row["user_name"], row["role"], row["detail"]) == ("mallory", None, "wrong password")


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown audit event kind 'score'"):
        build_event("score")
    assert {"score_shown", "explanation_viewed", "what_if", "api_call", "login"} <= set(EVENT_KINDS)


def test_thousands_of_events_are_written_in_batches(url, tmp_path):
    audit = AuditLog(url, tmp_path / "spool.jsonl", batch_size=250)
    for item in events(3000):
        audit.record(item)
    assert audit.flush()
    assert stored(url) == audit.written == 3000 and audit.spooled == 0
    assert not audit.spool.exists()  # the spool appears only when the database refuses
    audit.close()


@pytest.mark.parametrize(
    ("statement", "words"),
    [("PRAGMA query_only = ON", "readonly"), ("PRAGMA max_page_count = 1", "full")],
    ids=["read-only", "full"],
)
def test_a_refusing_database_spools_every_event_and_replays_them_once_back(
    sqlite_url, tmp_path, statement, words, caplog
):
    url = sqlite_url
    audit = AuditLog(url, tmp_path / "spool.jsonl", retry_seconds=60)
    if "max_page_count" in statement:  # a table must exist for the database to fill up
        audit.record(build_event("login", user="seed"))
        audit.flush()
    seeded = stored(url) if "max_page_count" in statement else 0
    with Pragma(url, statement):
        for item in events(400):  # more than the pages a full database has left
            audit.record(item)
        assert audit.flush()
        status = audit.status()
        assert not status.database_ok and words in status.last_error
        assert status.pending == status.spooled == 400 == count_spooled(audit.spool)
        errors = [r.message for r in caplog.records if r.levelname == "ERROR"]
        assert len(errors) == 1 and str(audit.spool) in errors[0]  # one clear line, not one per event
        for item in events(10, kind="what_if"):  # still refused: spooled, the retry waits for its time
            audit.record(item)
        assert audit.flush()
    assert audit.flush()  # a flush forces a replay attempt: the database answers again
    assert audit.status().database_ok and count_spooled(audit.spool) == 0
    assert stored(url) - seeded == 410 == audit.replayed
    assert len(set(stored_ids(url))) == stored(url)
    audit.close()


def test_a_locked_database_and_a_full_queue_never_block_the_caller(sqlite_url, tmp_path):
    url = sqlite_url
    audit = AuditLog(url, tmp_path / "spool.jsonl", queue_size=5, retry_seconds=60)
    audit.record(build_event("login", user="seed"))
    audit.flush()
    holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process holds the write lock beyond busy_timeout
    try:
        for item in events(200):
            started = datetime.now()
            audit.record(item)
            assert datetime.now() - started < timedelta(seconds=1)
        assert audit.flush(timeout=30)
        assert audit.spooled == 200 and not audit.status().database_ok
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert audit.flush()
    assert stored(url) == 201 and count_spooled(audit.spool) == 0
    audit.close()


def test_a_replay_cut_short_stores_nothing_twice(url, tmp_path):
    audit = AuditLog(url, tmp_path / "spool.jsonl")
    batch = events(30)
    for item in batch[:10]:
        audit.record(item)
    audit.flush()
    # as after a crash between the insert and the truncation: ten already stored, all thirty in the spool
    audit.spool.write_text("".join(e.to_json() + "\n" for e in batch) + '{"kind": "api_ca')
    audit.flush()
    assert sorted(stored_ids(url)) == sorted(e.event_id for e in batch)
    assert count_spooled(audit.spool) == 0
    audit.close()


def test_when_even_the_spool_fails_each_event_goes_to_stderr_as_json(sqlite_url, tmp_path, capfd):
    url = sqlite_url
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    audit = AuditLog(url, blocker / "spool.jsonl")
    assert audit.status().spool_problem and "not writable" in audit.status().spool_problem
    with Pragma(url, "PRAGMA query_only = ON"):
        sent = events(7)
        for item in sent:
            audit.record(item)
        audit.flush()
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    kept = [line["audit_event_not_stored"]["event_id"] for line in lines if "audit_event_not_stored" in line]
    assert kept == [e.event_id for e in sent] and all(line["error"] for line in lines)
    assert audit.to_stderr == 7
    audit.close()


def test_events_still_queued_are_flushed_at_exit(tmp_path):
    database = tmp_path / "exit.db"
    program = (
        "import sys\n"
        "from app.audit import audit_log, build_event\n"
        "log = audit_log(sys.argv[1])\n"
        "for i in range(500): log.record(build_event('api_call', client_id=i))\n"  # and exit straight away
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-c", program, f"sqlite:///{database}"],
        env=env,
        cwd=tmp_path,
        check=True,
        timeout=60,
    )
    assert stored(f"sqlite:///{database}") == 500


def test_spool_beside_the_sqlite_file_unless_told(tmp_path):
    assert spool_path(f"sqlite:///{tmp_path}/a.db") == tmp_path / "a.db.spool.jsonl"
    assert spool_path("postgresql://u:secret@db/audit").name == "audit-spool-db-audit.jsonl"
    assert spool_path("postgresql+psycopg://u:secret@db:5433/audit").name == "audit-spool-db-5433-audit.jsonl"
    told = load_settings({"AUDIT_SPOOL": str(tmp_path / "elsewhere.jsonl")}).audit_spool
    assert spool_path(f"sqlite:///{tmp_path}/a.db", told) == tmp_path / "elsewhere.jsonl"


def test_the_app_audits_to_its_own_database_and_spool(tmp_path, trained_artifacts, app_settings):
    database = f"sqlite:///{tmp_path / 'own.db'}"
    settings = dataclasses.replace(app_settings, database_url=database, audit_spool=tmp_path / "own.jsonl")
    app = create_app(trained_artifacts, settings)
    with app.server.app_context():
        log = audit_log()
    assert (log.url, log.spool) == (database, tmp_path / "own.jsonl")
    with pytest.raises(RuntimeError, match="no app here"):
        audit_log()  # outside an app, a caller names the database


def test_concurrent_callers_lose_nothing(url, tmp_path):
    audit = AuditLog(url, tmp_path / "spool.jsonl")

    def caller() -> None:
        for item in events(300):
            audit.record(item)

    threads = [threading.Thread(target=caller) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    audit.flush()
    assert stored(url) == 2400
    audit.close()


# --- the admin's view ---------------------------------------------------------------------------------------


@pytest.fixture
def history(url, tmp_path) -> str:
    """Events of two users over three days, inserted with their own times."""
    audit = AuditLog(url, tmp_path / "spool.jsonl")
    day = datetime(2025, 3, 10, 9, 0)
    rows = [
        AuditEvent("score_shown", day, user_name="amelie", role="advisor", client_id=1),
        AuditEvent("what_if", day + timedelta(hours=1), user_name="amelie", role="advisor", client_id=2),
        AuditEvent("api_call", day + timedelta(days=1), user_name="bruno_admin", role="admin", client_id=1),
        AuditEvent("login_failed", day + timedelta(days=2), user_name='=HYPERLINK("x")', detail="@cmd"),
    ]
    audit.insert_now(rows)
    return url


def test_filters_pages_and_newest_first(history):
    everything = query_events(url=history)
    assert everything.total == 4 and everything.rows[0]["kind"] == "login_failed"
    assert [r["kind"] for r in query_events(EventFilter(user="AMEL"), url=history).rows] == [
        "what_if",
        "score_shown",
    ]
    assert query_events(EventFilter(user="_"), url=history).total == 1  # LIKE wildcards are literal
    assert query_events(EventFilter(client_id=1), url=history).total == 2
    assert query_events(EventFilter(kind="api_call"), url=history).rows[0]["user_name"] == "bruno_admin"
    one_day = EventFilter(since=date(2025, 3, 10), until=date(2025, 3, 10))
    assert query_events(one_day, url=history).total == 2
    second = query_events(page=2, page_size=3, url=history)
    assert (second.page_count, [r["kind"] for r in second.rows]) == (2, ["score_shown"])
    assert query_events(page=99, page_size=3, url=history).page == 2


def test_csv_has_every_column_and_no_formula(history):
    chunks = list(events_csv(url=history, chunk=2))
    assert len(chunks) >= 2  # streamed, not built whole
    rows = list(csv.DictReader(io.StringIO("".join(chunks))))
    assert len(rows) == 4 and rows[0]["user_name"].startswith("'=") and rows[0]["detail"] == "'@cmd"
    assert rows[-1]["occurred_at"] == "2025-03-10 09:00:00Z" and rows[-1]["client_id"] == "1"


# --- the hooks ----------------------------------------------------------------------------------------------


@pytest.fixture
def app(trained_artifacts, app_settings, url):
    """The app, auditing to the test's own database `url` (its users too): `audit_log(url)` is its log."""
    return create_app(trained_artifacts, dataclasses.replace(app_settings, database_url=url))


def test_every_api_call_is_recorded_with_its_score(url, app):
    client = app.server.test_client()
    headers = bearer(url, "advisor")
    with app.server.app_context():
        cid = int(get_services().artifacts.production_features.ids[0])
    answer = client.get(f"/api/v1/clients/{cid}/score", headers=headers).json
    client.get("/api/v1/clients/999999999/score", headers=headers)
    client.post("/api/v1/score", data="{", content_type="application/json", headers=headers)
    client.get("/api/v1/health")
    client.get(f"/api/v1/clients/{cid}/score")  # no token: refused, and recorded too
    audit_log(url).flush()
    rows = query_events(EventFilter(kind="api_call"), url=url).rows[::-1]
    assert [(r["route"], r["method"], r["status"], r["user_name"]) for r in rows] == [
        (f"/api/v1/clients/{cid}/score", "GET", 200, "test-advisor"),
        ("/api/v1/clients/999999999/score", "GET", 404, "test-advisor"),
        ("/api/v1/score", "POST", 400, "test-advisor"),
        ("/api/v1/health", "GET", 200, None),
        (f"/api/v1/clients/{cid}/score", "GET", 401, None),
    ]
    assert rows[0]["role"] == "advisor"
    assert (rows[0]["client_id"], rows[0]["probability"], rows[0]["decision"]) == (
        cid,
        answer["probability"],
        answer["decision"],
    )
    assert rows[1]["client_id"] == 999999999 and rows[1]["probability"] is None


def simulate_half_the_credit(client, payloads: DashPayloads, cid: int, stored) -> dict:
    """Ask the what-if page for client `cid` with half its credit, as the page's callback is called;
    returns the client's original values."""
    what_if = dash_page("what_if")
    original = what_if.original_values(stored)
    values = {
        f"{f.input_id}.value": what_if.shown_number(original[f.key], f.decimals, "fr") for f in what_if.FIELDS
    }
    credit = what_if.BY_KEY["credit"]
    values |= {
        f"{credit.input_id}.value": what_if.shown_number(original["credit"] / 2, 0, "fr"),
        "what-if-client.data": cid,
        "what-if-original.data": original,
        "what-if-lang.data": "fr",
        "what-if-reset.n_clicks": 0,
    }
    body = payloads.payload("what-if-after-result.children", values, [f"{credit.input_id}.value"])
    assert client.post("/_dash-update-component", json=body).status_code == 200
    return original


def test_pages_record_scores_explanations_and_what_ifs(url, app):
    client = signed_in_client(app, "advisor")
    payloads = DashPayloads(client.get("/_dash-dependencies").json)
    with app.server.app_context():
        cid = int(get_services().artifacts.production_features.ids[0])
        score = get_services().scoring.score_client(cid)
        stored = get_services().scoring.stored_application(cid)
    for path in (f"/client/{cid}", f"/explanation/{cid}", "/client/123456789"):  # the last is unknown
        assert client.post("/_dash-update-component", json=payloads.page(path)).status_code == 200
    original = simulate_half_the_credit(client, payloads, cid, stored)
    audit_log(url).flush()
    rows = query_events(url=url).rows[::-1]
    shown = [(r["kind"], r["client_id"], r["user_name"]) for r in rows if r["kind"] != "login"]
    assert shown == [
        ("score_shown", cid, "test-advisor"),
        ("explanation_viewed", cid, "test-advisor"),
        ("what_if", cid, "test-advisor"),
    ]
    assert all(r["probability"] == pytest.approx(score.probability) for r in rows[-3:-1])
    detail = json.loads(rows[-1]["detail"])  # half the credit: same term and rate, so half the payment
    assert detail["AMT_CREDIT"] == pytest.approx(original["credit"] / 2, abs=1)
    assert detail["AMT_ANNUITY"] == pytest.approx(original["annuity"] / 2, abs=1)


def test_filter_fields_are_validated_one_by_one():
    selection, problems = parse_event_filter(
        user="  amelie ", kind="score_shown", client_id="100002", since="2025-03-01", until="2025-03-31"
    )
    assert problems == {}
    assert selection == EventFilter("amelie", "score_shown", 100002, date(2025, 3, 1), date(2025, 3, 31))
    assert selection.as_params() == {
        "user": "amelie",
        "kind": "score_shown",
        "client_id": "100002",
        "since": "2025-03-01",
        "until": "2025-03-31",
    }
    selection, problems = parse_event_filter(
        user="x" * 129, kind="drop table", client_id="1 OR 1=1", since="yesterday", until=None
    )
    assert problems == {
        "user": "too_long",
        "kind": "unknown_kind",
        "client_id": "not_an_id",
        "since": "not_a_date",
    }
    assert selection == EventFilter()
    assert parse_event_filter(since="2025-03-02", until="2025-03-01")[1] == {"until": "reversed"}


def test_the_csv_export_is_for_admins_only_and_follows_the_filter(history, app):
    export = dash_page("audit").EXPORT_URL
    anonymous = app.server.test_client().get(export)
    assert anonymous.status_code in (302, 303, 401) and "occurred_at" not in anonymous.get_data(as_text=True)
    assert signed_in_client(app, "advisor").get(export).status_code == 403
    admin = signed_in_client(app, "admin")
    refused = admin.get(f"{export}?client_id=abc")
    assert refused.status_code == 400 and "client_id" in refused.get_data(as_text=True)
    response = admin.get(f"{export}?user=amelie&kind=what_if")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["kind"], r["client_id"]) for r in rows] == [("what_if", "2")]


# --- what a Dash callback did, one row per view, one meeting ------------------------------------------------


def test_dash_callbacks_record_the_page_and_purpose_and_one_row_per_view(url, app):
    client = signed_in_client(app, "advisor")
    payloads = DashPayloads(client.get("/_dash-dependencies").json)
    with app.server.app_context():
        first, second = (int(i) for i in get_services().artifacts.production_features.ids[:2])

    def show(path: str, search: str = "") -> None:
        assert client.post("/_dash-update-component", json=payloads.page(path, search)).status_code == 200

    show(f"/client/{first}")
    show(f"/client/{first}", "?lang=en")  # the language switch re-renders the same view
    show(f"/client/{first}")  # so does a reload
    show(f"/client/{second}")  # another client: a new view
    show("/clients")
    show(f"/client/{first}")  # back on the first client: a new view
    show(f"/explanation/{first}")
    show(f"/explanation/{first}", "?lang=en")
    audit_log(url).flush()
    rows = [r for r in query_events(url=url).rows[::-1] if r["kind"] != "login"]
    assert [(r["kind"], r["client_id"], r["route"], r["method"]) for r in rows] == [
        ("score_shown", first, f"/client/{first} · page", None),
        ("score_shown", second, f"/client/{second} · page", None),
        ("score_shown", first, f"/client/{first} · page", None),
        ("explanation_viewed", first, f"/explanation/{first} · page", None),
    ]
    assert not any("_dash" in (r["route"] or "") for r in query_events(url=url).rows)


def test_a_what_if_names_its_page_and_purpose(url, app):
    client = signed_in_client(app, "advisor")
    payloads = DashPayloads(client.get("/_dash-dependencies").json)
    with app.server.app_context():
        cid = int(get_services().artifacts.production_features.ids[0])
        stored = get_services().scoring.stored_application(cid)
    simulate_half_the_credit(client, payloads, cid, stored)
    audit_log(url).flush()
    (row,) = query_events(EventFilter(kind="what_if"), url=url).rows
    assert (row["route"], row["method"]) == (f"/what-if/{cid} · simulate", None)
    audit_page = dash_page("audit")
    assert audit_page._row(row, "fr")["route"] == f"/what-if/{cid} · simulation"


def test_one_meeting_is_audited_as_what_happened(url, app):
    """Enter, the view re-rendered (language, reload, wrong passwords), leave: one score shown, the wrong
    passwords as refused meeting exits (never refused sign-ins), the end by the advisor."""
    from app.auth import throttle
    from tests.app.test_auth import leave, render, start_meeting
    from tests.signin import account

    client = signed_in_client(app, "advisor")
    with app.server.app_context():
        cid = int(get_services().artifacts.production_features.ids[3])
    _, token = start_meeting(client, app, cid)
    for search in ("", "?lang=en", ""):
        assert render(client, app, f"/meeting/{cid}", search).status_code == 200
    for i in range(2):
        leave(client, token, f"guess-{i}")
        render(client, app, f"/meeting/{cid}", "?error=wrong")
    with app.server.app_context():  # the app's database keeps the failures
        time.sleep(throttle.meeting_exit_wait(account(url, "advisor").name))
    assert leave(client, token, account(url, "advisor").password).headers["Location"] == f"/client/{cid}"
    audit_log(url).flush()
    rows = [r for r in query_events(url=url).rows[::-1] if r["kind"] != "login"]
    assert [(r["kind"], r["client_id"], r["route"], r["status"], r["detail"]) for r in rows] == [
        ("score_shown", cid, f"/client/{cid} · page", None, None),  # the page the meeting starts from
        ("meeting_enter", cid, "/meeting/start", None, None),
        ("score_shown", cid, f"/meeting/{cid} · page", None, "meeting"),
        (
            "meeting_exit_refused",
            cid,
            "/meeting/leave",
            401,
            "reason=bad_password; failures=1; next_attempt_in=0s",
        ),
        (
            "meeting_exit_refused",
            cid,
            "/meeting/leave",
            401,
            "reason=bad_password; failures=2; next_attempt_in=0s",
        ),
        ("meeting_leave", cid, "/meeting/leave", None, None),
    ]
    assert all(r["user_name"] == "test-advisor" and r["role"] == "advisor" for r in rows)


def test_the_date_column_is_one_compact_line_per_language():
    audit_page = dash_page("audit")
    event = {name: None for name in CSV_COLUMNS} | {
        "occurred_at": datetime(2026, 12, 4, 23, 5, 9),
        "kind": "login",
    }
    assert audit_page._row(event, "fr")["occurred_at"] == "04/12/2026\u00a023:05:09"
    assert audit_page._row(event, "en")["occurred_at"] == "2026-12-04\u00a023:05:09"
    table = audit_page._table("fr")
    nowrap = [rule for rule in table.style_cell_conditional if rule["if"] == {"column_id": "occurred_at"}]
    assert nowrap and nowrap[0]["whiteSpace"] == "nowrap"
