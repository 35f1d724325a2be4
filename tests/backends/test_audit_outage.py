"""The audit writer on PostgreSQL when the server goes away mid-load and comes back: every event stored once
afterwards (nothing lost, nothing twice), and the app answering all along (its portfolio from the last read).

The server is the test's own (tests/backends/postgres_server.py), stopped with `pg_ctl stop -m fast` and
started again while eight threads call the API; each call is audited (`api_call`) by the app's writer, which
spools what the database refuses and replays it once the database answers.
"""

from __future__ import annotations

import dataclasses
import threading
import time

from sqlalchemy import func, select

from app import create_app
from app.applications import REFRESH_SECONDS
from app.audit import audit_events, audit_log, count_spooled
from app.database import engine
from tests.backends.fixtures import server_url
from tests.backends.postgres_server import ThrowAwayPostgres

THREADS = 8
CALLS = 250  # per thread at least (and until the server is back): 2,000 audited calls or more


def _stored(url: str) -> tuple[int, int]:
    """(health calls stored, distinct event ids among them)."""
    health = audit_events.c.route == "/api/v1/health"
    with engine(url).connect() as connection:
        rows = connection.execute(select(func.count()).where(health)).scalar_one()
        distinct = connection.execute(
            select(func.count(audit_events.c.event_id.distinct())).where(health)
        ).scalar_one()
    return rows, distinct


def test_audit_events_outlive_a_postgres_outage_mid_load_each_stored_once(
    trained_artifacts, app_settings, tmp_path
):
    server_url("postgresql")  # skipped without the test servers locally, a failure in CI
    with ThrowAwayPostgres() as server:
        settings = dataclasses.replace(
            app_settings, database_url=server.url, audit_spool=tmp_path / "spool.jsonl"
        )
        app = create_app(trained_artifacts, settings)
        with app.server.app_context():
            audit = audit_log()
        audit.retry_seconds = 0.5  # the database is tried again soon after it comes back
        assert app.server.test_client().get("/api/v1/health").status_code == 200
        assert audit.flush() and _stored(server.url) == (1, 1)  # the writer is running when the server stops
        answered: list[int] = []
        slowest = [0.0]
        done = [0]
        lock = threading.Lock()
        back = threading.Event()  # the server is up again: each thread makes its last calls

        def caller() -> None:
            client = app.server.test_client()
            calls = 0
            while calls < CALLS or not back.is_set():  # the load lasts as long as the outage, at least
                calls += 1
                started = time.perf_counter()
                status = client.get("/api/v1/health").status_code
                took = time.perf_counter() - started
                with lock:
                    answered.append(status)
                    slowest[0] = max(slowest[0], took)
                    done[0] += 1

        threads = [threading.Thread(target=caller) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        while done[0] < THREADS * CALLS // 4:  # a quarter of the load in: some events are stored already
            time.sleep(0.01)
        server.stop()
        stopped_at = done[0]
        time.sleep(REFRESH_SECONDS + 0.5)  # calls go on, the portfolio's refresh due, the database down
        during = done[0] - stopped_at
        server.start()
        back.set()
        for thread in threads:
            thread.join(120)

        assert sorted(set(answered)) == [200]  # the app answered every call, database down or not
        assert during > 0 and slowest[0] < 2.0  # it kept answering during the outage, never held up
        deadline = time.monotonic() + 60
        total = len(answered) + 1
        assert total > THREADS * CALLS
        while _stored(server.url)[0] < total and time.monotonic() < deadline:
            audit.flush()
            time.sleep(0.2)
        assert _stored(server.url) == (total, total)  # every call once, none twice
        assert audit.spooled > 0 and audit.replayed > 0  # the outage was real: events went through the spool
        assert count_spooled(audit.spool) == 0 and audit.status().database_ok
        audit.close()
