"""Audit-log benchmark: what recording costs a request, and how many events the writer stores per second.

1. Latency added to a scoring request: the API's `after_request` hook (`app.api.audit_call`: read the answer,
   build the event, queue it) timed on real score answers, next to the whole request
   (GET /api/v1/clients/<id>/score through Flask's test client, with an advisor's token, in a throw-away app
   database) for scale. p50/p99 over --requests calls.
2. Sustained writer rate on SQLite: --events events queued as fast as one caller can, then timed until the
   writer has inserted them all (batches of `app.audit.BATCH_SIZE`); the caller's own cost per event too.
3. The same into the spool, with the database refusing writes (read-only): the fallback's rate.
Figures are printed with the 1-minute load average (the machine's cores are shared).
Usage: `python benchmarks/bench_audit.py [--artifacts DIR] [--requests 2000] [--events 100000]`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._measure import ROOT, BenchUser, bench_database, load_average, summary_ms


def bench_request_cost(artifacts: Path, requests: int, user: BenchUser) -> None:
    from app import create_app, get_services
    from app.api import audit_call
    from app.audit import audit_log

    print(f"\n== 1. cost of recording one API call ({load_average()})")
    app = create_app(artifacts)
    client = app.server.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = user.bearer["Authorization"]
    with app.server.app_context():
        ids = [int(i) for i in get_services().artifacts.production_features.ids]
    paths = [f"/api/v1/clients/{ids[i % len(ids)]}/score" for i in range(requests)]
    if client.get(paths[0]).status_code != 200:  # LightGBM's lazy set-up is not one of the measured
        raise SystemExit(f"error: {paths[0]} did not answer 200")
    whole, hook = [], []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        whole.append(time.perf_counter() - started)
        with app.server.test_request_context(path):
            started = time.perf_counter()
            audit_call(response)
            hook.append(time.perf_counter() - started)
    with app.server.app_context():  # the app's own audit log
        audit_log().flush()
    print(f"whole request (API, scoring, audit) {summary_ms(whole)}")
    print(f"audit hook alone                    {summary_ms(hook)}")


def bench_writer(events: int) -> None:
    from app.audit import AuditLog, build_event, count_spooled, query_events
    from app.database import engine

    folder = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    url = f"sqlite:///{folder / 'audit.db'}"
    print(f"\n== 2. writer on SQLite: {events:,} events ({load_average()})")
    audit = AuditLog(url, folder / "spool.jsonl", queue_size=events + 1)
    batch = [
        build_event("api_call", client_id=100_000 + i, probability=0.1, decision="accept")
        for i in range(events)
    ]
    audit.record(build_event("login", user="bench"))
    audit.flush()  # the table exists and the writer runs before the clock starts
    started = time.perf_counter()
    for event in batch:
        audit.record(event)
    queued = time.perf_counter() - started
    audit.flush(timeout=600)
    elapsed = time.perf_counter() - started
    stored = query_events(url=url, page_size=1).total - 1
    print(
        f"caller: {queued / events * 1e6:.1f} µs per event queued; writer: {stored:,} stored in "
        f"{elapsed:.2f} s = {stored / elapsed:,.0f} events/s, spooled {audit.spooled} ({load_average()})"
    )
    audit.close()

    print(f"\n== 3. the spool, database read-only: {events // 10:,} events ({load_average()})")
    from sqlalchemy import event as sqlalchemy_event

    def read_only(connection, _record) -> None:
        connection.execute("PRAGMA query_only = ON")

    sqlalchemy_event.listen(engine(url), "connect", read_only)
    engine(url).dispose()
    audit = AuditLog(url, folder / "spool.jsonl", queue_size=events + 1, retry_seconds=3600)
    started = time.perf_counter()
    for event in batch[: events // 10]:
        audit.record(build_event("api_call", client_id=event.client_id))
    audit.flush(timeout=600)
    elapsed = time.perf_counter() - started
    spooled = count_spooled(audit.spool)
    print(f"spooled {spooled:,} in {elapsed:.2f} s = {spooled / elapsed:,.0f} events/s ({load_average()})")
    sqlalchemy_event.remove(engine(url), "connect", read_only)
    engine(url).dispose()
    started = time.perf_counter()
    audit.flush(timeout=600)
    elapsed = time.perf_counter() - started
    print(f"replayed into the database once writable: {audit.replayed:,} in {elapsed:.2f} s")
    audit.close()
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--artifacts", type=Path, default=Path(os.environ.get("ARTIFACTS_DIR", ROOT / "artifacts"))
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--events", type=int, default=100_000)
    options = parser.parse_args(argv)
    if not (options.artifacts / "serving.json").is_file():
        print(f"error: no artifacts in {options.artifacts}: build them with `make train`", file=sys.stderr)
        return 2
    with bench_database("advisor") as user:  # a throw-away app database, an advisor and a token
        bench_request_cost(options.artifacts, options.requests, user)
        bench_writer(options.events)
    return 0


if __name__ == "__main__":
    sys.exit(main())
