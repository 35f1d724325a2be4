"""Serving benchmark: the scoring service in process, the API under gunicorn, the Dash pages at full scale.

1. In process: score + exact TreeSHAP explanation of one client over 1,000 distinct production clients (no
   Flask app context, so no result cache), then what-if and similar clients. Bar: p50 < 20 ms.
2. API: `gunicorn wsgi:server` as `make serve` runs it (2 workers, gunicorn.conf.py) on loopback, 8 concurrent
   keep-alive clients asking GET /api/v1/clients/<id>/score for random production ids during 30 s (and at
   most --max-requests requests); gunicorn is stopped at the end. Bar: p99 < 100 ms and no errors.
3. Start-up: seconds from launching gunicorn until /api/v1/health answers, and the RSS of each worker
   (/proc/<pid>/status) after start-up and after the load.
4. Dash pages at the full Kaggle scale: a copy of the artifacts with the client tables replicated to 307,511
   reference and 48,744 production clients, served in process by `create_app`; every page callback is posted
   to `/_dash-update-component` through Flask's test client. Bar: every callback < 300 ms (median of the
   repeats); client lists < 100 ms and similar clients < 50 ms per query are printed alongside.

The app refuses anonymous requests: a throw-away app database holds one admin, whose API token the load
clients send and as whom the callbacks' test client signs in (through the real sign-in form), so every figure
includes the access checks (a token or session lookup per request).

Every figure is printed with the 1-minute load average (the machine's cores are shared).
Usage: `python benchmarks/bench_serving.py [--artifacts DIR] [--seconds 30] [--concurrency 8]`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._measure import (
    ROOT,
    BenchUser,
    bar,
    bench_database,
    children_of,
    full_scale_artifacts,
    load_average,
    peak_rss_mb,
    percentiles_ms,
    rss_mb,
    sign_in_test_client,
    summary_ms,
    timed,
    wait_for_health,
)
from components.client_picker import dom_id, ids
from tests.pages.dash_requests import picker_open, picker_suggestions
from tests.server_process import free_port, stop

#: The comparison's second picker's answer, as the callback map names it (a pattern-matching id's JSON).
CHOSEN_OTHER = dom_id(ids.chosen("comparison-other"))

IN_PROCESS_P50_MS = 20
API_P99_MS = 100
CALLBACK_MS = 300
LIST_MS, SIMILAR_MS = 100, 50


def production_ids(directory: Path) -> list[int]:
    import polars as pl

    frame = pl.read_parquet(directory / "clients" / "production.parquet", columns=["SK_ID_CURR"])
    return frame.get_column("SK_ID_CURR").to_list()


# 1. in process ------------------------------------------------------------------------------------------


def bench_in_process(directory: Path, n_clients: int) -> None:
    from app.artifacts import load_artifacts
    from app.clients import ClientRepository
    from app.scoring import ScoringService

    print(f"\n== 1. in process: score + exact explanation ({load_average()})")
    started = time.perf_counter()
    artifacts = load_artifacts(directory)
    service = ScoringService(artifacts)
    print(
        f"load artifacts + scoring service: {time.perf_counter() - started:.2f} s, "
        f"peak RSS {peak_rss_mb():.0f} MB, {artifacts.booster.num_trees()} trees, "
        f"{len(service.feature_names)} features ({load_average()})"
    )
    ids = [int(i) for i in artifacts.production_features.ids[: n_clients + 1]]
    service.explain_client(ids[0])  # the first call pays LightGBM's lazy set-up; not one of the measured
    samples = timed(service.explain_client, ids[1:])
    p50, _ = percentiles_ms(samples)
    print(f"score + explanation     {summary_ms(samples)}")

    def lower_credit(client_id: int) -> None:
        credit = service.stored_application(client_id)["AMT_CREDIT"]
        service.what_if(client_id, {"AMT_CREDIT": 0.8 * credit})

    print(f"what-if (credit x0.8)   {summary_ms(timed(lower_credit, ids[1:201]))}")
    repository = ClientRepository.from_artifacts(artifacts)
    neighbours = timed(lambda i: repository.similar_clients(i, 20), ids[1:201])
    print(f"similar clients (k=20)  {summary_ms(neighbours)}")
    print(
        f"BAR in-process score + explanation p50 < {IN_PROCESS_P50_MS} ms: {p50:.2f} ms -> "
        f"{bar(p50 < IN_PROCESS_P50_MS)}"
    )


# 2. + 3. API under gunicorn -----------------------------------------------------------------------------


def client_session(
    port: int, ids: list[int], seed: int, deadline: float, budget: int, headers: dict[str, str]
) -> tuple[list, int]:
    """One keep-alive connection asking for random ids' scores until the deadline or the request budget;
    (latencies in s, errors). A refused or broken connection is an error and a new connection."""
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    latencies, errors = [], 0
    while time.monotonic() < deadline and len(latencies) < budget:
        started = time.perf_counter()
        try:
            connection.request("GET", f"/api/v1/clients/{rng.choice(ids)}/score", headers=headers)
            response = connection.getresponse()
            body = response.read()
            ok = response.status == 200 and "probability" in json.loads(body)
        except (OSError, http.client.HTTPException, ValueError):
            connection.close()
            ok = False
        latencies.append(time.perf_counter() - started)
        errors += not ok
    connection.close()
    return latencies, errors


def workers_of(server: subprocess.Popen, workers: int, seconds: float = 60) -> list[int]:
    """The gunicorn workers' pids, once all of them are forked (the first may answer before the last)."""
    deadline = time.monotonic() + seconds
    pids = children_of(server.pid)
    while len(pids) < workers and time.monotonic() < deadline:
        time.sleep(0.05)
        pids = children_of(server.pid)
    return sorted(pids)


def bench_api(
    directory: Path, workers: int, concurrency: int, seconds: float, max_requests: int, user: BenchUser
) -> None:
    print(
        f"\n== 2. API: gunicorn {workers} workers, {concurrency} clients, {seconds:.0f} s ({load_average()})"
    )
    ids = production_ids(directory)
    port = free_port()
    env = {**os.environ, "ARTIFACTS_DIR": str(directory)}
    command = [sys.executable, "-m", "gunicorn", "wsgi:server", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "-c", "gunicorn.conf.py", "--no-control-socket", "--timeout", "60"]
    command += ["--log-level", "warning"]
    started = time.perf_counter()
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr: list[bytes] = []
    reader = threading.Thread(target=lambda: stderr.extend(server.stderr), daemon=True)  # type: ignore[arg-type]
    reader.start()
    try:
        try:
            wait_for_health(port, server)
        except RuntimeError as error:
            tail = b"".join(stderr).decode(errors="replace")[-2000:]
            raise SystemExit(f"error: gunicorn did not start: {error}\n{tail}") from None
        startup = time.perf_counter() - started
        pids = workers_of(server, workers)
        at_start = [rss_mb(pid) for pid in pids]
        deadline = time.monotonic() + seconds
        budget = max_requests // concurrency
        began = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as executor:
            futures = [
                executor.submit(client_session, port, ids, seed, deadline, budget, user.bearer)
                for seed in range(concurrency)
            ]
            results = [future.result() for future in futures]
        elapsed = time.perf_counter() - began
        after_load = [rss_mb(pid) if Path(f"/proc/{pid}").exists() else float("nan") for pid in pids]
        master = rss_mb(server.pid)
    finally:
        stop(server)
    latencies = np.concatenate([np.asarray(r[0]) for r in results])
    errors = sum(r[1] for r in results)
    p50, p99 = percentiles_ms(latencies)
    print(
        f"GET /api/v1/clients/<id>/score: {len(latencies)} requests in {elapsed:.1f} s, "
        f"{len(latencies) / elapsed:.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"max {latencies.max() * 1000:.1f} ms, errors {errors} ({load_average()})"
    )
    print(
        f"BAR API p99 < {API_P99_MS} ms with no errors: p99 {p99:.1f} ms, {errors} errors -> "
        f"{bar(p99 < API_P99_MS and errors == 0)}"
    )
    print(f"\n== 3. start-up and memory ({load_average()})")
    print(f"start-up until /api/v1/health answers: {startup:.2f} s")
    print(f"master RSS {master:.0f} MB")
    for pid, first, last in zip(pids, at_start, after_load, strict=True):
        print(f"worker {pid}: RSS {first:.0f} MB after start-up, {last:.0f} MB after the load")


# 4. Dash page callbacks at full scale -------------------------------------------------------------------


class Callbacks:
    """Posts page callbacks to Dash's own endpoint through Flask's test client, as the browser does."""

    def __init__(self, app, repeat: int, user: BenchUser) -> None:
        self.app, self.repeat = app, repeat
        self.client = app.server.test_client()
        sign_in_test_client(self.client, user)
        self.client.get("/")  # builds the callback map
        self.results: list[tuple[str, str, float, float]] = []  # (page, what, median ms, worst ms)

    def key(self, output_id: str, prop: str) -> str:
        return next(key for key in self.app.callback_map if f"{output_id}.{prop}" in key)

    @staticmethod
    def outputs(key: str) -> object:
        if not key.startswith(".."):
            output_id, prop = key.rsplit(".", 1)
            return {"id": output_id, "property": prop}
        parts = key.strip(".").split("...")
        return [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True)) for part in parts]

    def time(self, page: str, what: str, output: tuple[str, str], values: dict, changed: list[str]) -> None:
        key = self.key(*output)
        spec = self.app.callback_map[key]

        def dependencies(kind: str) -> list[dict]:
            return [
                {"id": d["id"], "property": d["property"], "value": values.get(f"{d['id']}.{d['property']}")}
                for d in spec[kind]
            ]

        payload = {
            "output": key,
            "outputs": self.outputs(key),
            "inputs": dependencies("inputs"),
            "state": dependencies("state"),
            "changedPropIds": changed,
        }
        self.post(page, what, payload)

    def post(self, page: str, what: str, payload: dict) -> None:
        samples = []
        for _ in range(self.repeat):
            started = time.perf_counter()
            response = self.client.post("/_dash-update-component", json=payload)
            samples.append((time.perf_counter() - started) * 1000)
            if response.status_code not in (200, 204):
                raise RuntimeError(f"{what}: HTTP {response.status_code} {response.data[:300]!r}")
        worst = max(samples[1:]) if len(samples) > 1 else samples[0]
        self.results.append((page, what, statistics.median(samples), worst))


def page_callbacks(app, services, repeat: int, user: BenchUser) -> list[tuple[str, str, float, float]]:
    production = services.clients.production.sort("probability")
    cid, other = int(production["SK_ID_CURR"][0]), int(production["SK_ID_CURR"][-1])
    calls = Callbacks(app, repeat, user)
    lang = "fr"
    router = ("_pages_content", "children")
    for path in [
        "/",
        "/clients",
        f"/client/{cid}",
        f"/explanation/{cid}",
        f"/comparison/{cid}",
        f"/what-if/{cid}",
    ]:
        search = f"?other={other}" if path.startswith("/comparison") else ""
        values = {"_pages_location.pathname": path, "_pages_location.search": search}
        calls.time(path, "page layout", router, values, ["_pages_location.pathname"])
    table = ("clients-table", "data")
    calls.time(
        "/clients",
        "filter (refused, age 30-50)",
        table,
        {
            "clients-decision.value": ["refuse"],
            "clients-age-min.value": 30,
            "clients-age-max.value": 50,
            "clients-table.page_current": 0,
            "clients-table.sort_by": [],
            "clients-lang.data": lang,
        },
        ["clients-decision.value"],
    )
    calls.time(
        "/clients",
        "sort by risk, page 3",
        table,
        {
            "clients-decision.value": [],
            "clients-table.page_current": 3,
            "clients-table.sort_by": [{"column_id": "probability", "direction": "desc"}],
            "clients-lang.data": lang,
        },
        ["clients-table.sort_by"],
    )
    calls.time(
        "/explanation",
        "waterfall, concepts and importance in log-odds",
        ("explanation-waterfall", "figure"),
        {
            "explanation-view.value": "log_odds",
            "explanation-client.data": cid,
            "explanation-lang.data": lang,
        },
        ["explanation-view.value"],
    )
    for group in ("all", "similar", "outcome"):
        for field in ("income", "education"):
            calls.time(
                "/comparison",
                f"distribution {group}/{field}",
                ("comparison-distribution", "figure"),
                {
                    "comparison-group.value": group,
                    "comparison-feature.value": field,
                    "comparison-client.data": cid,
                    "comparison-lang.data": lang,
                },
                ["comparison-feature.value"],
            )
        calls.time(
            "/comparison",
            f"scatter {group}",
            ("comparison-scatter", "figure"),
            {
                "comparison-group.value": group,
                "comparison-x.value": "income",
                "comparison-y.value": "credit",
                "comparison-client.data": cid,
                "comparison-lang.data": lang,
            },
            ["comparison-group.value"],
        )
    calls.time(
        "/comparison",
        "difference with another client",
        ("comparison-difference", "figure"),
        {
            f"{CHOSEN_OTHER}.data": other,  # the second picker found the client: the page draws them
            "comparison-client.data": cid,
            "comparison-lang.data": lang,
        },
        [f"{CHOSEN_OTHER}.data"],
    )
    what_if = next(module for name, module in sys.modules.items() if name.endswith("pages.what_if"))
    original = what_if.original_values(services.scoring.stored_application(cid))
    values = {
        f"{f.input_id}.value": what_if.shown_number(original[f.key], f.decimals, lang) for f in what_if.FIELDS
    }
    credit = what_if.BY_KEY["credit"]
    values[f"{credit.input_id}.value"] = what_if.shown_number((original["credit"] or 1) * 0.5, 0, lang)
    values |= {
        "what-if-client.data": cid,
        "what-if-original.data": original,
        "what-if-lang.data": lang,
        "what-if-reset.n_clicks": 0,
    }
    result = ("what-if-after-result", "children")
    calls.time("/what-if", "re-score (credit halved)", result, values, [f"{credit.input_id}.value"])
    calls.time(
        "/what-if",
        "invalid value",
        result,
        {**values, "what-if-income.value": "beaucoup"},
        ["what-if-income.value"],
    )
    calls.post("/", "picker typeahead", picker_suggestions(app, "home-picker", "10"))
    calls.post("/", "picker open", picker_open(app, "home-picker", str(cid), "/client", lang))
    return calls.results


def bench_repository(repository) -> None:
    """Client lists and nearest neighbours straight on the full-scale repository."""
    queries = [
        ({"credit": {"min": 2e5}, "contract_type": ["Cash loans"]}, "-probability", "production"),
        ({"decision": "refuse", "education": ["Secondary / secondary special"]}, "credit", "reference"),
        ({"id_prefix": "2001"}, None, "reference"),
        ({}, "-income", "reference"),
    ]
    lists = []
    for page in range(5):
        for filters, sort, population in queries:
            started = time.perf_counter()
            repository.filter_clients(filters, sort, page=page, page_size=25, population=population)
            lists.append(time.perf_counter() - started)
    ids = repository.production.get_column("SK_ID_CURR").head(200).to_list()
    neighbours = timed(lambda i: repository.similar_clients(i, 20), ids)
    lists_p99, similar_p99 = percentiles_ms(lists)[1], percentiles_ms(neighbours)[1]
    print(f"filter_clients (307,511)   {summary_ms(lists)}  p99 < {LIST_MS} ms: {bar(lists_p99 < LIST_MS)}")
    print(
        f"similar clients (307,511)  {summary_ms(neighbours)}  p99 < {SIMILAR_MS} ms: "
        f"{bar(similar_p99 < SIMILAR_MS)}"
    )


def bench_callbacks(directory: Path, repeat: int, user: BenchUser) -> None:
    from app import create_app
    from app.services import services_of

    print(f"\n== 4. Dash page callbacks at the full Kaggle scale ({load_average()})")
    with tempfile.TemporaryDirectory(prefix="bench_full_scale_") as scratch:
        full = Path(scratch) / "artifacts"
        started = time.perf_counter()
        full_scale_artifacts(directory, full)
        print(
            f"full-scale copy of {directory} built in {time.perf_counter() - started:.1f} s "
            f"({load_average()})"
        )
        started = time.perf_counter()
        app = create_app(full)
        services = services_of(app.server)
        print(
            f"create_app: {time.perf_counter() - started:.1f} s, "
            f"{services.clients.reference.height:,} reference and "
            f"{services.clients.production.height:,} production clients, "
            f"peak RSS {peak_rss_mb():.0f} MB ({load_average()})"
        )
        results = page_callbacks(app, services, repeat, user)
        bench_repository(services.clients)
    width = max(len(f"{page}  {what}") for page, what, _, _ in results)
    print(f"each callback {repeat} times, slowest first ({load_average()}):")
    for page, what, median, worst in sorted(results, key=lambda r: -r[2]):
        print(
            f"  {f'{page}  {what}':<{width}}  median {median:6.1f} ms  worst after the first {worst:6.1f} ms"
        )
    page, what, median, _ = max(results, key=lambda r: r[2])
    print(
        f"BAR every callback < {CALLBACK_MS} ms: slowest {what} on {page}, {median:.1f} ms -> "
        f"{bar(median < CALLBACK_MS)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    default = os.environ.get("ARTIFACTS_DIR", str(ROOT / "artifacts"))
    parser.add_argument(
        "--artifacts", default=default, help="artifacts folder (default ARTIFACTS_DIR or artifacts/)"
    )
    parser.add_argument("--clients", type=int, default=1000, help="clients scored in process (default 1000)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent API clients (default 8)")
    parser.add_argument("--seconds", type=float, default=30, help="API load duration (default 30)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="API request cap (default 200,000)")
    parser.add_argument("--repeat", type=int, default=7, help="posts of each Dash callback (default 7)")
    args = parser.parse_args()
    directory = Path(args.artifacts).resolve()
    if not (directory / "serving.json").is_file():
        raise SystemExit(
            f"error: no artifacts in {directory} (serving.json missing): run `make train` first, "
            f"or pass --artifacts DIR"
        )
    print(f"artifacts: {directory}, {os.cpu_count()} cores, {load_average()}")
    bench_in_process(directory, args.clients)
    with bench_database("admin") as user:
        bench_api(directory, args.workers, args.concurrency, args.seconds, args.max_requests, user)
        bench_callbacks(directory, args.repeat, user)


if __name__ == "__main__":
    main()
