"""Shared measuring tools for the benchmarks: synthetic data cache, timed child processes, memory, latency
percentiles, a gunicorn server's health and workers, full-Kaggle-scale copies of an artifacts folder, and a
throw-away app database with a user who signs in (the app refuses anonymous requests)."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from tests.server_process import healthy

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "benchmarks" / "output"
FULL_TRAIN_CLIENTS = 307_511
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "1")


def synthetic_folder(fraction: float, seed: int = 7) -> Path:
    """A synthetic Home Credit folder at `fraction` of the full Kaggle scale, generated once and reused."""
    clients = round(FULL_TRAIN_CLIENTS * fraction)
    folder = OUTPUT / f"synthetic_{clients}"
    done = folder / ".complete"
    if not done.exists():
        from model_training.synthetic import write_synthetic

        print(f"generating synthetic data: {clients:,} labelled clients into {folder} ...", flush=True)
        started = time.perf_counter()
        write_synthetic(folder, clients=clients, seed=seed)
        done.write_text(f"{time.perf_counter() - started:.1f}\n")
    return folder


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(code: str) -> dict:
    """Run `code` in a fresh interpreter (so peak RSS is its own) and return the JSON it prints last."""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def load_average() -> str:
    """The 1-minute load average, to print next to every figure (the machine's 2 cores are shared)."""
    return f"load {os.getloadavg()[0]:.2f}"


def percentiles_ms(samples) -> tuple[float, float]:
    """(p50, p99) of durations in seconds, in milliseconds."""
    import numpy as np  # here: the drift benchmark's children import this module and measure their own RSS

    values = np.asarray(samples, dtype=float) * 1000
    return float(np.percentile(values, 50)), float(np.percentile(values, 99))


def summary_ms(samples) -> str:
    p50, p99 = percentiles_ms(samples)
    return f"p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  (n={len(samples)}, {load_average()})"


def timed(call, arguments) -> list[float]:
    """Seconds taken by `call(argument)` for each argument."""
    samples = []
    for argument in arguments:
        started = time.perf_counter()
        call(argument)
        samples.append(time.perf_counter() - started)
    return samples


def bar(met: bool) -> str:
    return "met" if met else "NOT met"


def wait_for_health(port: int, server: subprocess.Popen, seconds: float = 180) -> None:
    """Poll GET /api/v1/health on 127.0.0.1:port until it answers 200; an error if the server stops first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped with code {server.returncode}")
        if healthy(port):
            return
        time.sleep(0.05)
    raise RuntimeError(f"no answer from /api/v1/health within {seconds:.0f} s")


def children_of(pid: int) -> list[int]:
    """Direct child processes of `pid` (Linux /proc)."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        children += [int(child) for child in text]
    return children


def rss_mb(pid: int) -> float:
    """Resident memory of a running process (VmRSS of /proc/<pid>/status), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (joblib workers, a JVM...), in MB."""
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            total += rss_mb(current)
            todo += children_of(current)
        except (FileNotFoundError, ProcessLookupError):  # ended while being read
            continue
    return total


def full_scale_artifacts(
    source: Path, target: Path, reference: int = 307_511, production: int = 48_744
) -> int:
    """Copy an artifacts folder to `target` with its client tables replicated to Kaggle's size.

    Each replica gets new SK_ID_CURR (+ i x a power of ten above every id), the same in every table of a
    population so the tables stay aligned; the last replica keeps the first table's rows that fit. Every
    other file is copied as is. Returns that power of ten (`full_scale_applications` needs it).
    """
    import polars as pl

    from app.artifacts import (
        PRODUCTION,
        PRODUCTION_APPLICATIONS,
        PRODUCTION_FEATURES,
        REFERENCE,
        REFERENCE_FEATURES,
    )
    from model_training.schema import CLIENT_ID

    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    groups = [
        ((REFERENCE, REFERENCE_FEATURES), reference),
        ((PRODUCTION, PRODUCTION_FEATURES, PRODUCTION_APPLICATIONS), production),
    ]
    paths = [target / name for names, _ in groups for name in names if (target / name).exists()]
    top = max(pl.scan_parquet(path).select(pl.col(CLIENT_ID).max()).collect().item() for path in paths)
    step = 10 ** len(str(int(top)))
    for names, size in groups:
        tables = [target / name for name in names if (target / name).exists()]
        ids = pl.read_parquet(tables[0], columns=[CLIENT_ID]).get_column(CLIENT_ID)
        for path in tables:
            _replicated(pl.read_parquet(path), ids, size, step, str(tables[0])).write_parquet(path)
    return step


def full_scale_applications(source: Path, artifacts: Path, target: Path, step: int) -> None:
    """application_train and application_test of the data folder `source` (the one `artifacts` was trained
    on) replicated as `full_scale_artifacts` replicated the artifacts (same new ids), into `target`: what
    `python -m model_training drift` needs to build a full-scale report against the full-scale artifacts."""
    import polars as pl

    from app.artifacts import PRODUCTION, REFERENCE
    from model_training.data import read_table
    from model_training.schema import CLIENT_ID

    target.mkdir(parents=True, exist_ok=True)
    for table, clients in (("application_train", REFERENCE), ("application_test", PRODUCTION)):
        # the artifacts' first rows are the originals, in the order the replicas were made from
        replicated = pl.read_parquet(artifacts / clients, columns=[CLIENT_ID]).get_column(CLIENT_ID)
        ids = replicated.filter(replicated < step)
        frame = read_table(source, table)
        frame = frame.filter(pl.col(CLIENT_ID).is_in(ids))
        _replicated(frame, ids, replicated.len(), step, table).write_csv(target / f"{table}.csv")


def _replicated(frame, ids, size: int, step: int, what: str):
    """`frame` (rows keyed by SK_ID_CURR, among `ids`) replicated to the rows of `size` clients: replica i
    adds i x `step` to the ids; the last one keeps the rows of the first `ids` that fit."""
    import polars as pl

    from model_training.schema import CLIENT_ID

    full, rest = divmod(size, len(ids))
    if (full + 1) * step > 2**31 - 1:
        raise ValueError(f"{what}: too few clients ({len(ids)}) to replicate to {size:,}")
    dtype = frame.schema[CLIENT_ID]
    replicas = [frame.with_columns(pl.col(CLIENT_ID) + i * step) for i in range(1, full)]
    if rest:
        tail = frame.filter(pl.col(CLIENT_ID).is_in(ids.head(rest)))
        replicas.append(tail.with_columns(pl.col(CLIENT_ID) + full * step))
    return pl.concat([frame] * min(full, 1) + replicas).with_columns(pl.col(CLIENT_ID).cast(dtype))


# --- signing in ---------------------------------------------------------------------------------------------

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class BenchUser:
    """A user of the throw-away database: name and password for the sign-in form, token for the API."""

    name: str
    password: str
    token: str

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@contextlib.contextmanager
def bench_database(role: str = "admin") -> Iterator[BenchUser]:
    """A fresh SQLite app database (users, sessions, audit log) as DATABASE_URL, with a SECRET_KEY, for this
    process and the servers it starts, holding one user of `role` with an API token; removed afterwards."""
    saved = {name: os.environ.get(name) for name in ("DATABASE_URL", "SECRET_KEY")}
    with tempfile.TemporaryDirectory(prefix="bench_app_db_") as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'app.db'}"
        os.environ["SECRET_KEY"] = secrets.token_hex(32)
        from app.users import add_user, issue_token

        password = secrets.token_urlsafe(16)
        url = os.environ["DATABASE_URL"]
        name = add_user(f"bench-{role}", role, password, url=url)
        try:
            yield BenchUser(name, password, issue_token(name, url=url))
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def sign_in_test_client(client, user: BenchUser) -> None:
    """Sign a Flask test client in through the real sign-in form (CSRF token included)."""
    page = client.get("/login").get_data(as_text=True)
    form = {"username": user.name, "password": user.password, "csrf_token": _CSRF.search(page).group(1)}
    response = client.post("/login", data=form)
    if response.status_code != 303:
        raise RuntimeError(f"sign-in refused: HTTP {response.status_code}")


def sign_in_http(port: int, user: BenchUser) -> str:
    """Sign in on a running server at 127.0.0.1:port; returns the Cookie header of the session."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";", 1)[0]
    form = urlencode(
        {"username": user.name, "password": user.password, "csrf_token": _CSRF.search(page).group(1)}
    )
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    connection.request("POST", "/login", body=form, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 303:
        raise RuntimeError(f"sign-in refused: HTTP {response.status}")
    return response.getheader("Set-Cookie", "").split(";", 1)[0]
