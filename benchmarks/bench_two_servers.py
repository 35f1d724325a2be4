"""Two servers, one state, under load: two gunicorn masters (2 workers each, gunicorn.conf.py) on two ports
over one fresh PostgreSQL database and one Redis, the load test's users spread across them
(benchmarks/load_test.py, user i on server i mod 2), each phase printing requests/s, p50/p95 per kind and
overall, errors and the load average; then the audit events both servers stored against the requests that
record one.

Needs the test servers (tests/backends/servers.sh start: TEST_POSTGRES_URL, TEST_REDIS_URL). Loopback only,
bounded in time (--seconds per phase) and requests (--max-requests per phase). The database is dropped and
the cache's keys deleted at the end.
Usage: `python benchmarks/bench_two_servers.py --artifacts DIR [--seconds 30] [--users 8,32]`.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._measure import ROOT, load_average
from benchmarks.load_test import MIX, Tally, bench_user_in, run_across, start_server, stored_events
from tests.backends.fixtures import forget_keys
from tests.server_process import stop

SERVERS = 2


def p50_p95_ms(samples: list[float]) -> tuple[float, float]:
    import numpy as np

    values = np.asarray(samples, dtype=float) * 1000
    return float(np.percentile(values, 50)), float(np.percentile(values, 95))


def summary(count: int, tally: Tally, elapsed: float) -> None:
    every = [value for values in tally.latencies.values() for value in values]
    p50, p95 = p50_p95_ms(every) if every else (float("nan"), float("nan"))
    print(
        f"RESULT {count} users on {SERVERS} servers: {tally.requests / elapsed:.0f} req/s, p50 {p50:.1f} ms, "
        f"p95 {p95:.1f} ms, errors {tally.error_count} of {tally.requests} (at the end of the run: "
        f"{load_average()}, loadavg {' '.join(Path('/proc/loadavg').read_text().split()[:3])})"
    )
    for kind, _ in MIX:
        samples = tally.latencies.get(kind, [])
        if samples:
            k50, k95 = p50_p95_ms(samples)
            print(f"  {kind:<9} p50 {k50:7.1f} ms  p95 {k95:7.1f} ms  errors {tally.errors.get(kind, 0)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--artifacts", type=Path, default=Path(os.environ.get("ARTIFACTS_DIR", ROOT / "artifacts"))
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each phase")
    parser.add_argument("--users", default="8,32", help="concurrent users of the successive phases")
    parser.add_argument("--max-requests", type=int, default=50_000, help="request budget of each phase")
    parser.add_argument("--workers", type=int, default=2, help="workers of each server")
    options = parser.parse_args(argv)
    if not (options.artifacts / "serving.json").is_file():
        print(f"error: no artifacts in {options.artifacts}: build them with `make train`", file=sys.stderr)
        return 2
    missing = [
        name for name in ("TEST_POSTGRES_URL", "TEST_REDIS_URL") if not os.environ.get(name, "").strip()
    ]
    if missing:
        print(
            f"error: {' and '.join(missing)} not set: start the test servers "
            "(tests/backends/servers.sh start) and export what it prints",
            file=sys.stderr,
        )
        return 2
    users = [int(n) for n in options.users.split(",") if n.strip()]
    from tests.backends.fixtures import new_database

    print(
        f"== two servers, one state: {SERVERS} gunicorn masters x {options.workers} workers, PostgreSQL + "
        f"Redis, {options.seconds:.0f} s per phase, users {users} ({load_average()})"
    )
    prefix = f"bench-two-servers-{secrets.token_hex(4)}:"
    saved = dict(os.environ)
    with (
        tempfile.TemporaryDirectory(prefix="bench_two_servers_") as folder,
        new_database("postgresql", Path(folder)) as url,
    ):
        os.environ |= {
            "DATABASE_URL": url,
            "SECRET_KEY": secrets.token_hex(32),
            "CACHE_REDIS_URL": os.environ["TEST_REDIS_URL"],
            "CACHE_KEY_PREFIX": prefix,
        }
        servers = []
        try:
            for n in range(SERVERS):
                os.environ["AUDIT_SPOOL"] = str(Path(folder) / f"spool-{n}.jsonl")
                servers.append(start_server(options.artifacts, options.workers, preload=False))
            ports = [port for _, port, _ in servers]
            before = stored_events(url)
            phases = run_across(
                ports, options.artifacts, users, options.seconds, options.max_requests, bench_user_in(url)
            )
            for count, tally, elapsed in phases:
                summary(count, tally, elapsed)
            for server, _, _ in servers:
                stop(server)  # SIGTERM: each worker flushes its audit queue before it exits
            audited = sum(tally.audited for _, tally, _ in phases)
            print(
                f"audit events stored by both servers: {stored_events(url) - before} for {audited} "
                "audited requests answered"
            )
        finally:
            for server, _, _ in servers:
                stop(server)
            os.environ.clear()
            os.environ.update(saved)
            forget_keys(os.environ["TEST_REDIS_URL"], prefix)
    return 1 if any(tally.error_count for _, tally, _ in phases) else 0


if __name__ == "__main__":
    sys.exit(main())
