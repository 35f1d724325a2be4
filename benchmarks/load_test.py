"""Load test: gunicorn (2 workers, gunicorn.conf.py, as `make serve`) under users mixing page loads, Dash
callbacks and API calls, then the same while one worker is killed with SIGKILL.

Loopback only, bounded in time (--seconds per phase) and in requests (--max-requests per phase). Phases:
1. `--users` concurrent users (default 8, then 32), each for --seconds (default 60): a user draws its next
   request at random: a page load (GET of a page's HTML), a Dash callback (POST /_dash-update-component with
   a payload built from the app's own `/_dash-dependencies`: a client page rendered by the pages router, the
   explanation waterfall, the clients table filter) or an API call (a client's score or explanation, a new
   application scored).
2. The first user count again, and one worker killed (SIGKILL) halfway: gunicorn forks a new one; errors
   are counted over the whole phase and inside the kill window (kill time + `KILL_WINDOW` seconds).
Each phase reports requests/s, p50/p99 per kind and errors. At the end, the audit events the server stored
are counted against the requests that record one (client pages, API calls): a killed worker may lose what it
had not written yet (app/audit.py says how much).

Several servers on one state (`--base-url URL --base-url URL`, loopback only): servers already running over
the same DATABASE_URL (given in this process's environment: the bench user is created there; for servers in
containers, LOAD_TEST_USER, LOAD_TEST_PASSWORD and LOAD_TEST_TOKEN name an advisor of theirs instead) and the
same cache; the users are spread across them in turn (user i on server i mod n), each signing in on its own
server, and the worker-kill phase is left out (those servers are not this process's children).
benchmarks/bench_two_servers.py starts two gunicorn masters on PostgreSQL and Redis and runs it.

The app database (users, sessions, audit log) is a throw-away SQLite file (`bench_database`): every user
signs in through the real sign-in form (its own session, for pages and callbacks) and calls the API with an
advisor's token, so every figure includes the access checks.
Usage: `python benchmarks/load_test.py --artifacts DIR [--seconds 60] [--users 8,32] [--max-requests N]
[--base-url http://127.0.0.1:PORT ...]`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.openapi import APPLICATION_EXAMPLE
from benchmarks._measure import (
    ROOT,
    BenchUser,
    bench_database,
    children_of,
    load_average,
    percentiles_ms,
    sign_in_http,
    wait_for_health,
)
from benchmarks.bench_serving import Callbacks, production_ids, workers_of
from tests.server_process import free_port, stop

KILL_WINDOW = 10.0
#: (kind, weight): what a user does next
MIX = (("page", 3), ("callback", 4), ("api", 3))
PAGES = ("/", "/clients", "/client/{id}", "/explanation/{id}", "/what-if/{id}", "/comparison/{id}")


# --- Dash callbacks as the browser posts them ---------------------------------------------------------


class DashPayloads:
    """Payloads for `/_dash-update-component`, built from the server's `/_dash-dependencies` (the same list
    the browser's renderer reads), so that a renamed input or output fails here, not silently."""

    def __init__(self, dependencies: list[dict]):
        self.dependencies = dependencies

    def payload(self, output: str, values: dict[str, object], changed: list[str]) -> dict:
        """The request body of the callback whose outputs include `output` ("component-id.property")."""
        spec = next((d for d in self.dependencies if output in d["output"].strip(".").split("...")), None)
        if spec is None:
            raise LookupError(f"no Dash callback outputs {output}")

        def fill(kind: str) -> list[dict]:
            return [
                {"id": d["id"], "property": d["property"], "value": values.get(f"{d['id']}.{d['property']}")}
                for d in spec.get(kind, [])
            ]

        return {
            "output": spec["output"],
            "outputs": Callbacks.outputs(spec["output"]),
            "inputs": fill("inputs"),
            "state": fill("state"),
            "changedPropIds": changed,
        }

    def page(self, path: str, search: str = "") -> dict:
        """The pages router rendering `path`: what the browser posts on every navigation."""
        values: dict[str, object] = {"_pages_location.pathname": path, "_pages_location.search": search}
        return self.payload("_pages_content.children", values, ["_pages_location.pathname"])


# --- the users -------------------------------------------------------------------------------------------


@dataclass
class Tally:
    """Latencies and errors per kind of request, and the time of every error (for the kill window)."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_times: list[float] = field(default_factory=list)
    request_times: list[float] = field(default_factory=list)
    audited: int = 0  # requests that record one audit event (a client page rendered, an API call)
    examples: list[str] = field(default_factory=list)
    by_port: Counter[int] = field(default_factory=Counter)  # requests sent to each server

    def merge(self, other: Tally) -> None:
        for kind, values in other.latencies.items():
            self.latencies[kind] += values
        for kind, count in other.errors.items():
            self.errors[kind] += count
        self.error_times += other.error_times
        self.request_times += other.request_times
        self.audited += other.audited
        self.examples += other.examples[: max(0, 5 - len(self.examples))]
        self.by_port += other.by_port

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


class User:
    """One person (or program) on a keep-alive connection; a broken connection is an error and a new one."""

    def __init__(self, port: int, ids: list[int], payloads: DashPayloads, user: BenchUser, seed: int):
        self.port, self.ids, self.payloads = port, ids, payloads
        self.web = {"Cookie": sign_in_http(port, user)}  # a browser's own session
        self.api = user.bearer
        self.rng = random.Random(seed)
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        self.tally = Tally()
        self.shown: str | None = None  # the page the router last rendered for this session

    def request(self, method: str, path: str, body: object = None) -> tuple[int, bytes]:
        data = None if body is None else json.dumps(body).encode()
        headers = {**(self.api if path.startswith("/api/") else self.web)}
        headers |= {"Content-Type": "application/json"} if data else {}
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        return response.status, response.read()

    def next_request(self) -> tuple[str, str, str, object, bool]:
        """(kind, method, path, body, audited) of the next request, drawn from MIX."""
        kind = self.rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
        cid = self.rng.choice(self.ids)
        if kind == "page":
            return kind, "GET", self.rng.choice(PAGES).format(id=cid), None, False
        if kind == "callback":
            choice = self.rng.random()
            if choice < 0.5:
                # the same client's page rendered again is the same view: its score is recorded once
                page, shown_before = f"/client/{cid}", self.shown
                self.shown = page
                return kind, "POST", "/_dash-update-component", self.payloads.page(page), page != shown_before
            if choice < 0.75:
                values = {
                    "explanation-view.value": self.rng.choice(["points", "log_odds"]),
                    "explanation-client.data": cid,
                    "explanation-lang.data": "fr",
                }
                body = self.payloads.payload(
                    "explanation-waterfall.figure", values, ["explanation-view.value"]
                )
                return kind, "POST", "/_dash-update-component", body, False
            low = self.rng.choice([20, 30, 40])
            values = {
                "clients-age-min.value": low,
                "clients-age-max.value": low + 15,
                "clients-table.page_current": 0,
                "clients-table.sort_by": [],
                "clients-lang.data": "fr",
            }
            body = self.payloads.payload("clients-table.data", values, ["clients-age-min.value"])
            return kind, "POST", "/_dash-update-component", body, False
        choice = self.rng.random()
        if choice < 0.5:
            return kind, "GET", f"/api/v1/clients/{cid}/score", None, True
        if choice < 0.75:
            return kind, "GET", f"/api/v1/clients/{cid}/explanation?top=5", None, True
        application = {**APPLICATION_EXAMPLE, "AMT_INCOME_TOTAL": self.rng.randint(20_000, 300_000)}
        return kind, "POST", "/api/v1/score", application, True

    def run(self, deadline: float, budget: int) -> Tally:
        done = 0
        while time.monotonic() < deadline and done < budget:
            kind, method, path, body, audited = self.next_request()
            started = time.perf_counter()
            try:
                status, _ = self.request(method, path, body)
                ok = status == 200
                if not ok and len(self.tally.examples) < 5:
                    self.tally.examples.append(f"{method} {path}: HTTP {status}")
            except (OSError, http.client.HTTPException) as error:
                self.connection.close()
                ok = False
                if len(self.tally.examples) < 5:
                    self.tally.examples.append(f"{method} {path}: {type(error).__name__}")
            now = time.monotonic()
            self.tally.latencies[kind].append(time.perf_counter() - started)
            self.tally.request_times.append(now)
            self.tally.by_port[self.port] += 1
            if ok:
                self.tally.audited += audited
            else:
                self.tally.errors[kind] += 1
                self.tally.error_times.append(now)
            done += 1
        self.connection.close()
        return self.tally


def report(title: str, tally: Tally, elapsed: float) -> None:
    total = sum(len(v) for v in tally.latencies.values())
    errors = sum(tally.errors.values())
    print(
        f"{title}: {total} requests in {elapsed:.1f} s, {total / elapsed:.0f} req/s, errors {errors} "
        f"({load_average()})"
    )
    for kind, _ in MIX:
        samples = tally.latencies.get(kind, [])
        if samples:
            p50, p99 = percentiles_ms(samples)
            print(
                f"  {kind:<9} n={len(samples):>6}  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  "
                f"errors {tally.errors.get(kind, 0)}"
            )
    if len(tally.by_port) > 1:
        print("  per server: " + ", ".join(f"127.0.0.1:{p} {n}" for p, n in sorted(tally.by_port.items())))
    for example in tally.examples:
        print(f"  e.g. {example}")


def load_phase(
    port: int | Sequence[int],
    users: int,
    seconds: float,
    max_requests: int,
    setup: tuple[list[int], DashPayloads, BenchUser],
    during=None,
) -> tuple[Tally, float]:
    """`users` users for `seconds` (at most `max_requests` in all); `during(started)` runs beside them.
    Several ports: servers on one state, user i on ports[i mod n] (its session opened there)."""
    ids, payloads, user = setup
    ports = [port] if isinstance(port, int) else list(port)
    try:  # signed in before the clock
        crowd = [User(ports[seed % len(ports)], ids, payloads, user, seed) for seed in range(users)]
    except (OSError, http.client.HTTPException, RuntimeError) as error:
        raise SystemExit(f"error: a user could not sign in ({error}): is a worker stuck?") from None
    deadline = time.monotonic() + seconds
    began = time.perf_counter()
    side = threading.Thread(target=during, args=(time.monotonic(),), daemon=True) if during else None
    if side:
        side.start()
    with ThreadPoolExecutor(users) as executor:
        tallies = list(executor.map(lambda user: user.run(deadline, max_requests // users), crowd))
    if side:
        side.join()
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    return total, time.perf_counter() - began


# --- the server --------------------------------------------------------------------------------------------


def start_server(directory: Path, workers: int, preload: bool) -> tuple[subprocess.Popen, int, list]:
    """gunicorn on the app database of this process (DATABASE_URL), as `make serve` starts it."""
    port = free_port()
    env = {**os.environ, "ARTIFACTS_DIR": str(directory)}
    command = [sys.executable, "-m", "gunicorn", "wsgi:server", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "-c", "gunicorn.conf.py", "--no-control-socket", "--timeout", "60"]
    command += ["--log-level", "warning"] + (["--preload"] if preload else [])
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr: list[bytes] = []
    threading.Thread(target=lambda: stderr.extend(server.stderr), daemon=True).start()  # type: ignore[arg-type]
    try:
        wait_for_health(port, server)
    except RuntimeError as error:
        stop(server)
        tail = b"".join(stderr).decode(errors="replace")[-2000:]
        raise SystemExit(f"error: gunicorn did not start: {error}\n{tail}") from None
    return server, port, stderr


def dash_payloads(port: int, user: BenchUser) -> DashPayloads:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/_dash-dependencies", headers={"Cookie": sign_in_http(port, user)})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"error: /_dash-dependencies answered HTTP {response.status}: {body[:200]!r}")
    return DashPayloads(json.loads(body))


def stored_events(database: Path | str) -> int:
    """Audit events of the kinds the users' requests record (sign-ins and the start-up's health polls left
    out), in a SQLite file or at a database URL (several servers on PostgreSQL)."""
    query = (
        "SELECT count(*) FROM audit_events WHERE kind IN ('score_shown', 'api_call') "
        "AND route != '/api/v1/health'"
    )
    if isinstance(database, Path):
        with sqlite3.connect(database) as connection:
            return connection.execute(query).fetchone()[0]
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(database, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.execute(text(query)).scalar_one()
    finally:
        engine.dispose()


def loopback_ports(base_urls: Sequence[str]) -> list[int]:
    """The ports of `--base-url`s; a clear error for anything but http://<loopback>:<port> (the load test
    sends traffic to this machine only)."""
    ports = []
    for url in base_urls:
        parts = urlsplit(url)
        host = parts.hostname or ""
        try:
            port = parts.port
        except ValueError:
            port = None
        loopback = host == "localhost" or host.startswith("127.")
        if parts.scheme != "http" or not loopback or port is None or parts.path.strip("/"):
            raise SystemExit(
                f"error: --base-url must be http://127.0.0.1:PORT (a server on this machine), got {url!r}"
            )
        ports.append(port)
    return ports


def bench_user_in(url: str, role: str = "advisor") -> BenchUser:
    """A new user of `role` with an API token in the servers' own database (`--base-url`)."""
    import secrets

    from app.users import add_user, issue_token

    password = secrets.token_urlsafe(16)
    name = add_user(f"bench-{role}-{secrets.token_hex(4)}", role, password, url=url)
    return BenchUser(name, password, issue_token(name, url=url))


def run_across(
    ports: Sequence[int],
    artifacts: Path,
    users: list[int],
    seconds: float,
    max_requests: int,
    user: BenchUser,
) -> list[tuple[int, Tally, float]]:
    """One phase per user count across servers already running on one state: (users, tally, seconds)."""
    setup = (production_ids(artifacts), dash_payloads(ports[0], user), user)
    phases = []
    for count in users:
        tally, elapsed = load_phase(ports, count, seconds, max_requests, setup)
        report(f"{count} users across {len(ports)} servers", tally, elapsed)
        phases.append((count, tally, elapsed))
    return phases


def worker_killer(server: subprocess.Popen, workers: int, delay: float, record: dict):
    """A side task: SIGKILL the first worker `delay` seconds in, note how soon gunicorn replaces it."""

    def run(started: float) -> None:
        time.sleep(max(0.0, started + delay - time.monotonic()))
        before = workers_of(server, workers)
        victim = before[0]
        record["killed_at"] = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        while time.monotonic() < record["killed_at"] + 60:
            now = children_of(server.pid)
            if victim not in now and len(now) >= workers:
                record["replaced_after"] = time.monotonic() - record["killed_at"]
                record["new_worker"] = sorted(set(now) - set(before))
                return
            time.sleep(0.02)

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--artifacts", type=Path, default=Path(os.environ.get("ARTIFACTS_DIR", ROOT / "artifacts"))
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each phase")
    parser.add_argument("--users", default="8,32", help="concurrent users of the successive phases")
    parser.add_argument("--max-requests", type=int, default=50_000, help="request budget of each phase")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--base-url",
        action="append",
        default=[],
        help="a server already running on this machine (repeat it for several on one state, DATABASE_URL "
        "being theirs); none: start gunicorn here",
    )
    parser.add_argument(
        "--preload",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="load the app in the master before forking (not what `make serve` does: it hangs polars, "
        "see gunicorn.conf.py)",
    )
    options = parser.parse_args(argv)
    if not (options.artifacts / "serving.json").is_file():
        print(f"error: no artifacts in {options.artifacts}: build them with `make train`", file=sys.stderr)
        return 2
    users = [int(n) for n in options.users.split(",") if n.strip()]
    if options.base_url:
        return across_servers(options, users)
    print(
        f"== load test: gunicorn {options.workers} workers{' --preload' if options.preload else ''}, "
        f"{options.seconds:.0f} s per phase, users {users}, artifacts {options.artifacts} ({load_average()})"
    )
    with bench_database("advisor") as user:
        database = Path(os.environ["DATABASE_URL"].removeprefix("sqlite:///"))
        run_phases(options, users, user, database)
    return 0


def across_servers(options: argparse.Namespace, users: list[int]) -> int:
    """`--base-url`: the users spread across running servers. Their user: a new one in DATABASE_URL (the
    servers' database, where the audit events are then counted), or, for servers whose database this
    machine cannot reach (containers), an advisor of theirs: LOAD_TEST_USER, LOAD_TEST_PASSWORD and
    LOAD_TEST_TOKEN."""
    ports = loopback_ports(options.base_url)
    database = os.environ.get("DATABASE_URL", "").strip()
    given = [os.environ.get(f"LOAD_TEST_{part}", "").strip() for part in ("USER", "PASSWORD", "TOKEN")]
    if not database and not all(given):
        print(
            "error: --base-url needs DATABASE_URL (the servers' database: the bench user goes there) or "
            "LOAD_TEST_USER, LOAD_TEST_PASSWORD and LOAD_TEST_TOKEN (an advisor of theirs)",
            file=sys.stderr,
        )
        return 2
    print(
        f"== load test across {len(ports)} servers ({', '.join(options.base_url)}), "
        f"{options.seconds:.0f} s per phase, users {users}, artifacts {options.artifacts} ({load_average()})"
    )
    user = BenchUser(*given) if all(given) else bench_user_in(database)
    before = stored_events(database) if database else 0
    phases = run_across(ports, options.artifacts, users, options.seconds, options.max_requests, user)
    audited = sum(tally.audited for _, tally, _ in phases)
    if database:
        time.sleep(1.0)  # each worker's audit writer inserts within LINGER_SECONDS
        stored = stored_events(database) - before
        print(f"audit events stored: {stored} for {audited} audited requests answered")
    return 1 if any(tally.error_count for _, tally, _ in phases) else 0


def run_phases(options: argparse.Namespace, users: list[int], user: BenchUser, database: Path) -> None:
    ids = production_ids(options.artifacts)
    server, port, stderr = start_server(options.artifacts, options.workers, options.preload)
    audited = 0
    try:
        setup = (ids, dash_payloads(port, user), user)
        for count in users:
            tally, elapsed = load_phase(port, count, options.seconds, options.max_requests, setup)
            report(f"{count} users", tally, elapsed)
            audited += tally.audited
        record: dict = {}
        killer = worker_killer(server, options.workers, options.seconds / 2, record)
        tally, elapsed = load_phase(
            port, users[0], options.seconds, options.max_requests, setup, during=killer
        )
        audited += tally.audited
        report(f"{users[0]} users, one worker SIGKILLed at {options.seconds / 2:.0f} s", tally, elapsed)
        if "killed_at" in record:
            start, end = record["killed_at"], record["killed_at"] + KILL_WINDOW
            window = sum(start <= t < end for t in tally.request_times)
            failed = sum(start <= t < end for t in tally.error_times)
            replaced = record.get("replaced_after")
            print(
                f"  kill window ({KILL_WINDOW:.0f} s after SIGKILL): {window} requests, {failed} errors; "
                + (f"new worker forked after {replaced:.2f} s" if replaced is not None else "no new worker")
            )
    finally:
        stop(server)  # SIGTERM: the workers flush their audit queues at exit
    stored = stored_events(database)
    print(
        f"audit events stored: {stored} for {audited} audited requests answered; "
        f"{max(0, audited - stored)} lost (queued by the killed worker, not yet written)"
    )
    errors = b"".join(stderr).decode(errors="replace").strip().splitlines()
    noteworthy = [line for line in errors if "Traceback" in line or "ERROR" in line or "error" in line]
    print(f"server error log: {len(errors)} lines, {len(noteworthy)} mention an error")
    for line in noteworthy[:5]:
        print(f"  {line[:200]}")


if __name__ == "__main__":
    sys.exit(main())
