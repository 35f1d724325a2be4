"""Intake benchmark: POST /api/v1/applications over HTTP with full credit files of real applicants.

A real gunicorn serves the app as `make serve` runs it (gunicorn.conf.py, 2 workers, loopback:
tests/app/served.py) on a throw-away app database. The files are the fullest applicants of a Kaggle-named
folder (--data, default HOMECREDIT_DIR: the real sample; `make bench` falls back on the demo's synthetic
folder) with all their records (application, bureau credits with their monthly balances, earlier
applications with their POS, instalment and credit-card rows), sent as a loan-origination system would:
keep-alive connection, an advisor's token, a new Idempotency-Key each time. Every answer must be a 201 (a
retry of one key must answer 200 with the same application, stored once).

Two phases: one client sending files one after the other (the latency of one file: validation, features,
score, explanation, the store's transaction), then --concurrency clients at once (what two single-threaded
workers give under load). Bar (docs/DESIGN.md): a full credit file p50 < 50 ms.
Usage: `python benchmarks/bench_intake.py --artifacts DIR [--data DIR] [--requests 200] [--concurrency 8]`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import Settings
from benchmarks._measure import ROOT, bar, bench_database, load_average
from model_training.credit_file_sample import (
    credit_file_document,
    fullest_applicants,
    read_sample,
)
from tests.app.served import gunicorn_server

P50_BAR_MS = 50.0


def record_count(document: dict) -> int:
    """Records of every side table in a file."""
    count = 0
    for table in ("bureau", "previous_application"):
        for record in document[table]:
            count += 1 + sum(len(v) for v in record.values() if isinstance(v, list))
    return count


def credit_files(folder: Path, count: int) -> list[bytes]:
    """The `count` fullest applicants' files, as JSON bodies."""
    sample = read_sample(folder)
    files = [credit_file_document(client, sample) for client in fullest_applicants(sample, count)]
    records = [record_count(document) for document in files]
    bodies = [json.dumps(document).encode() for document in files]
    print(
        f"{len(files)} credit files from {folder}: {min(records):,} to {max(records):,} side-table records, "
        f"{min(map(len, bodies)) / 1000:.0f} to {max(map(len, bodies)) / 1000:.0f} KB of JSON"
    )
    return bodies


class Sender:
    """A loan-origination system on one keep-alive connection."""

    def __init__(self, port: int, token: dict[str, str]):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {**token, "Content-Type": "application/json"}

    def post(self, body: bytes, key: str) -> tuple[int, dict, float]:
        started = time.perf_counter()
        self.connection.request(
            "POST", "/api/v1/applications", body=body, headers={**self.headers, "Idempotency-Key": key}
        )
        response = self.connection.getresponse()
        answer = json.loads(response.read())
        return response.status, answer, time.perf_counter() - started

    def send(self, bodies: list[bytes], requests: int, offset: int = 0) -> tuple[list[float], list[str]]:
        """Latencies of `requests` posts cycling through the files, and the unexpected answers."""
        latencies, problems = [], []
        for i in range(requests):
            status, answer, took = self.post(bodies[(i + offset) % len(bodies)], uuid.uuid4().hex)
            latencies.append(took)
            if status != 201:
                problems.append(f"HTTP {status}: {json.dumps(answer)[:200]}")
        self.connection.close()
        return latencies, problems


def summary(title: str, latencies: list[float], elapsed: float) -> float:
    values = np.asarray(latencies) * 1000
    p50, p95, p99 = (float(np.percentile(values, q)) for q in (50, 95, 99))
    print(
        f"{title}: {len(values)} files in {elapsed:.1f} s ({len(values) / elapsed:.1f}/s), p50 {p50:.1f} ms, "
        f"p95 {p95:.1f} ms, p99 {p99:.1f} ms, max {values.max():.1f} ms ({load_average()}; "
        f"/proc/loadavg {Path('/proc/loadavg').read_text().strip()})"
    )
    return p50


def check_idempotent_retry(port: int, token: dict[str, str], body: bytes) -> None:
    sender = Sender(port, token)
    key = uuid.uuid4().hex
    first, answer, _ = sender.post(body, key)
    again, repeated, _ = sender.post(body, key)
    sender.connection.close()
    same = repeated.get("application_id") == answer.get("application_id")
    if (first, again) != (201, 200) or not same:
        raise SystemExit(f"error: a retry was not answered with the first application: {first}, {again}")
    print(f"retry with the same Idempotency-Key: 201 then 200, application {answer['application_id']} once")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--artifacts", default=os.environ.get("ARTIFACTS_DIR", str(ROOT / "artifacts")))
    parser.add_argument(
        "--data",
        default=os.environ.get("HOMECREDIT_DIR"),
        help="a Kaggle-named folder (default HOMECREDIT_DIR)",
    )
    parser.add_argument("--applicants", type=int, default=20, help="fullest applicants sent (default 20)")
    parser.add_argument("--requests", type=int, default=200, help="files sent in each phase (default 200)")
    parser.add_argument("--concurrency", type=int, default=8, help="clients of the second phase (default 8)")
    args = parser.parse_args()
    artifacts = Path(args.artifacts).resolve()
    if not (artifacts / "serving.json").is_file():
        raise SystemExit(f"error: no artifacts in {artifacts} (serving.json missing): run `make train` first")
    if not args.data or not Path(args.data).is_dir():
        raise SystemExit(f"error: no Kaggle folder at {args.data}: pass --data DIR or set HOMECREDIT_DIR")
    print(f"== intake: POST /api/v1/applications, {os.cpu_count()} cores, {load_average()}")
    bodies = credit_files(Path(args.data), args.applicants)
    with bench_database("advisor") as user:
        settings = Settings(database_url=os.environ["DATABASE_URL"], secret_key=os.environ["SECRET_KEY"])
        with gunicorn_server(artifacts, settings) as url:
            port = urlsplit(url).port
            assert port is not None
            check_idempotent_retry(port, user.bearer, bodies[0])
            Sender(port, user.bearer).send(bodies, min(20, args.requests))  # warm-up: first calls load caches

            began = time.perf_counter()
            latencies, problems = Sender(port, user.bearer).send(bodies, args.requests)
            p50 = summary("1 client ", latencies, time.perf_counter() - began)

            per_client = max(1, args.requests // args.concurrency)
            began = time.perf_counter()
            with ThreadPoolExecutor(args.concurrency) as pool:
                results = list(
                    pool.map(
                        lambda i: Sender(port, user.bearer).send(bodies, per_client, offset=i),
                        range(args.concurrency),
                    )
                )
            loaded = [t for r in results for t in r[0]]
            problems += [p for r in results for p in r[1]]
            summary(f"{args.concurrency} clients", loaded, time.perf_counter() - began)
    print(f"errors: {len(problems)}" + (f" (first: {problems[0]})" if problems else ""))
    print(
        f"BAR a full credit file p50 < {P50_BAR_MS:.0f} ms (1 client): p50 {p50:.1f} ms"
        f" -> {bar(p50 < P50_BAR_MS)}"
    )
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
