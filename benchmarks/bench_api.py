"""API benchmark: `gunicorn wsgi:server`, 8 concurrent clients on loopback asking for client scores.

Bar (DESIGN.md): no errors, p99 < 100 ms for GET /api/v1/clients/<id>/score.
Usage: `python benchmarks/bench_api.py [--artifacts DIR] [--workers 2] [--requests 2000] [--concurrency 8]`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{server.stderr.read() if server.stderr else ''}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer /api/v1/health in time")


def client_session(port: int, ids: list[int]) -> tuple[list[float], int]:
    """One keep-alive connection asking for each id's score; (latencies in s, errors)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    latencies, errors = [], 0
    for client_id in ids:
        started = time.perf_counter()
        connection.request("GET", f"/api/v1/clients/{client_id}/score")
        response = connection.getresponse()
        body = response.read()
        latencies.append(time.perf_counter() - started)
        if response.status != 200 or "probability" not in json.loads(body):
            errors += 1
    return latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--artifacts", default=os.environ.get("ARTIFACTS_DIR", str(ROOT / "artifacts")))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    ids = pl.read_parquet(Path(args.artifacts) / "clients" / "production.parquet", columns=["SK_ID_CURR"])
    pool = ids.get_column("SK_ID_CURR").to_list()
    port = free_port()
    env = {**os.environ, "ARTIFACTS_DIR": args.artifacts}
    command = [sys.executable, "-m", "gunicorn", "wsgi:server", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(args.workers), "--threads", "4", "--preload", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_up(port, server)
        rng = random.Random(0)
        per_client = args.requests // args.concurrency
        batches = [[rng.choice(pool) for _ in range(per_client)] for _ in range(args.concurrency)]
        started = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as executor:
            results = list(executor.map(lambda batch: client_session(port, batch), batches))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies = np.concatenate([r[0] for r in results]) * 1000
    errors = sum(r[1] for r in results)
    print(
        f"{len(latencies)} requests, {args.concurrency} clients, {args.workers} workers: "
        f"p50 {np.percentile(latencies, 50):.1f} ms, p99 {np.percentile(latencies, 99):.1f} ms, "
        f"max {latencies.max():.1f} ms, {len(latencies) / elapsed:.0f} req/s, errors {errors}"
    )


if __name__ == "__main__":
    main()
