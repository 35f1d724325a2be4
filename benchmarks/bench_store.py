"""Applications store benchmark at full Kaggle scale: 356,255 stored applications (307,511 + 48,744).

1. Build: a throw-away SQLite database, the export's clients adopted as the app does at start, then
   --applications applications written with `model_training.store.applications.store_batch` in monthly
   batches. Rows are real-shaped and cheap: the export's application rows resampled with new SK_ID_CURR
   (their JSON, their descriptive fields), random float32 feature rows of the model's width, probabilities
   drawn like the model's; each batch's received_at is then spread over its month (the store stamps a batch
   with the moment it is written).
2. Open: the repositories the app builds (`ApplicationRepository.open`, `ClientRepository.from_artifacts`)
   and their first read of the portfolio; the portfolio frame's memory.
3. Refresh: one new credit file through `ApplicationRepository.submit`, then the first filter that sees it.
4. Filters: `filter_clients` (batch + received dates + category + decision + amount, sorted, one page) and
   `portfolio_summary` (batch + dates), median and p95 over --calls calls; target < 300 ms.
5. Pages: the app (`create_app`) on that store, signed in as an advisor through the sign-in form; the
   portfolio and clients pages rendered and their filter callbacks posted as the browser posts them.
Figures are printed with /proc/loadavg (the machine's cores are shared).
Usage: `python benchmarks/bench_store.py --artifacts artifacts [--applications 356255] [--calls 100]`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._measure import peak_rss_mb, timed

FULL_SCALE = 307_511 + 48_744
BATCHES = 12
TARGET_MS = 300.0


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def current_rss_mb() -> float:
    """This process's resident memory now (peak RSS would include building the store)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile_ms(samples: list[float], q: float) -> float:
    import numpy as np

    return float(np.percentile(np.asarray(samples) * 1000, q))


def figures(name: str, samples: list[float]) -> bool:
    median, p95 = percentile_ms(samples, 50), percentile_ms(samples, 95)
    met = p95 < TARGET_MS
    print(
        f"{name:<48} median {median:7.1f} ms  p95 {p95:7.1f} ms  (n={len(samples)})  "
        f"target < {TARGET_MS:.0f} ms: {'met' if met else 'NOT met'}  [loadavg {loadavg()}]",
        flush=True,
    )
    return met


def month(k: int) -> date:
    return date(2025 + k // 12, k % 12 + 1, 1)


def build_store(database_url: str, artifacts, total: int, seed: int) -> list[str]:
    """The export adopted, then `total` applications in BATCHES monthly batches; the batch names."""
    import numpy as np
    import polars as pl
    from sqlalchemy import text

    from app.applications import adopt_export, model_identity, scorer_of
    from app.database import engine as database_engine
    from model_training.export import describe_clients
    from model_training.schema import CLIENT_ID
    from model_training.scorer import strongest_reasons
    from model_training.store import applications as store
    from model_training.store.scored_rows import application_json

    engine = database_engine(database_url)
    store.ensure_schema(engine)
    scorer = scorer_of(artifacts)
    adopt_export(database_url, artifacts, scorer)
    model = model_identity(artifacts)
    source = artifacts.production_applications
    first_row = artifacts.production_features.matrix[:1]
    _, contributions, _ = scorer.explained(first_row)
    reasons = store.reasons_json(strongest_reasons(contributions[0], first_row[0], scorer.feature_names))
    width = len(scorer.feature_names)
    rng = np.random.default_rng(seed)
    next_id = int(source.get_column(CLIENT_ID).max()) + 1  # above the export's clients: all distinct
    names = []
    started = time.perf_counter()
    for k in range(BATCHES):
        size = total // BATCHES + (1 if k < total % BATCHES else 0)
        sample = source[rng.integers(0, source.height, size).tolist()].with_columns(
            pl.Series(CLIENT_ID, np.arange(next_id, next_id + size), dtype=source.schema[CLIENT_ID])
        )
        next_id += size
        probabilities = rng.beta(1.3, 12.0, size)
        features = rng.random((size, width), dtype=np.float32)
        rows = store.scored_frame(
            client_ids=sample.get_column(CLIENT_ID).to_list(),
            applications=application_json(sample),
            side_records=[None] * size,
            descriptive=describe_clients(sample),
            probabilities=probabilities,
            decisions=scorer.decisions(probabilities),
            reasons=[reasons] * size,
            features=[row.tobytes() for row in features],
        )
        name = f"batch-{month(k).strftime('%Y-%m')}"
        store.store_batch(engine, rows, model, batch=name, by="bench", digest=None, note="bench_store")
        with engine.begin() as connection:  # received over the month, not all at the moment it was written
            connection.execute(
                text(
                    "UPDATE applications SET received_at = datetime(:start, "
                    "'+' || (application_id % 28) || ' days', '+' || (application_id % 86400) || ' seconds') "
                    "WHERE batch = :name"
                ),
                {"start": month(k).isoformat(), "name": name},
            )
        names.append(name)
        print(
            f"  {name}: {size:,} applications stored ({time.perf_counter() - started:.0f} s so far)",
            flush=True,
        )
    return names


def new_credit_file(artifacts) -> dict:
    """An export applicant's application as a new client's file (no SK_ID_CURR: the store numbers it)."""
    from model_training.store.scored_rows import application_json

    fields = json.loads(application_json(artifacts.production_applications.head(1))[0])
    fields.pop("SK_ID_CURR", None)
    return {"application": {k: v for k, v in fields.items() if v is not None}}


def callback_payload(app, output: str, values: dict[str, object]) -> dict:
    """What the Dash renderer posts for the callback writing `output` (every input sent as changed)."""
    key = next(k for k in app.callback_map if output in k.strip(".").split("..."))
    spec = app.callback_map[key]

    def dependencies(kind: str) -> list[dict]:
        return [{**d, "value": values.get(f"{d['id']}.{d['property']}")} for d in spec[kind]]

    parts = [
        dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in key.strip(".").split("...")
    ]
    inputs = dependencies("inputs")
    return {
        "output": key,
        "outputs": parts if key.startswith("..") else parts[0],
        "inputs": inputs,
        "state": dependencies("state"),
        "changedPropIds": [f"{d['id']}.{d['property']}" for d in inputs[:1]],
    }


def page_callbacks(artifacts: Path, url: str, queries: list, repeat: int) -> list[bool]:
    """The app on the store: the portfolio and clients pages rendered, and their filter callbacks with batch
    and dates, posted through Flask's test client signed in as an advisor."""
    import secrets

    from app import create_app
    from app.config import Settings
    from app.users import add_user
    from benchmarks._measure import BenchUser, sign_in_test_client

    print(f"\n== 5. the pages on the store, {repeat} calls each  [loadavg {loadavg()}]")
    started = time.perf_counter()
    app = create_app(artifacts, Settings(database_url=url, secret_key=secrets.token_hex(32)))
    print(f"create_app on the store: {time.perf_counter() - started:.1f} s")
    password = secrets.token_urlsafe(16)
    name = add_user("bench-advisor", "advisor", password, url=url)
    client = app.server.test_client()
    sign_in_test_client(client, BenchUser(name, password, ""))
    client.get("/")  # Dash registers its callbacks on the first request

    def post(payload: dict) -> None:
        response = client.post("/_dash-update-component", json=payload)
        if response.status_code != 200:
            raise SystemExit(f"error: HTTP {response.status_code} {response.get_data(as_text=True)[:300]}")

    met = []
    for path in ("/", "/clients"):
        payload = callback_payload(
            app, "_pages_content.children", {"_pages_location.pathname": path, "_pages_location.search": ""}
        )
        met.append(figures(f"page {path} rendered (router callback)", timed_calls(post, [payload] * repeat)))
    home, table = [], []
    for batches, start, stop in queries[:repeat]:
        home.append(
            callback_payload(
                app,
                "home-kpi-count.children",
                {
                    "home-batches.value": batches,
                    "home-received-from.value": start,
                    "home-received-to.value": stop,
                    "home-lang.data": "fr",
                },
            )
        )
        table.append(
            callback_payload(
                app,
                "clients-table.data",
                {
                    "clients-batches.value": batches,
                    "clients-received-from.value": start,
                    "clients-received-to.value": stop,
                    "clients-decision.value": ["refuse"],
                    "clients-table.page_current": 0,
                    "clients-table.sort_by": [{"column_id": "probability", "direction": "desc"}],
                    "clients-lang.data": "fr",
                },
            )
        )
    met.append(figures("portfolio callback, batch + dates", timed_calls(post, home)))
    met.append(figures("clients table callback, batch + dates + decision", timed_calls(post, table)))
    return met


def timed_calls(call, arguments) -> list[float]:
    call(arguments[0])  # warm-up, not measured
    return timed(call, arguments)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--artifacts", type=Path, default=Path("artifacts"))
    parser.add_argument("--applications", type=int, default=FULL_SCALE)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--seed", type=int, default=13)
    arguments = parser.parse_args()
    if not (arguments.artifacts / "serving.json").is_file():
        raise SystemExit(f"error: {arguments.artifacts} is not an artifacts folder (no serving.json)")
    if arguments.applications < BATCHES or arguments.calls < 1:
        raise SystemExit(f"error: --applications must be at least {BATCHES} and --calls at least 1")

    import numpy as np

    from app.applications import ApplicationRepository
    from app.artifacts import load_artifacts
    from app.clients import ClientRepository

    artifacts = load_artifacts(arguments.artifacts)
    with tempfile.TemporaryDirectory(prefix="bench_store_") as folder:
        url = f"sqlite:///{folder}/app.db"
        print(
            f"== 1. build: {arguments.applications:,} applications in {BATCHES} batches"
            f"  [loadavg {loadavg()}]"
        )
        started = time.perf_counter()
        names = build_store(url, artifacts, arguments.applications, arguments.seed)
        size_mb = Path(folder, "app.db").stat().st_size / 2**20
        print(f"stored in {time.perf_counter() - started:.1f} s; database {size_mb:,.0f} MB")

        print(f"\n== 2. open  [loadavg {loadavg()}]")
        rss_before = current_rss_mb()
        started = time.perf_counter()
        applications = ApplicationRepository.open(url, artifacts)
        opened = time.perf_counter() - started
        started = time.perf_counter()
        clients = ClientRepository.from_artifacts(artifacts, applications)
        production = clients.production
        first = time.perf_counter() - started
        print(f"ApplicationRepository.open (portfolio read from the store): {opened * 1000:8.0f} ms")
        print(f"ClientRepository + first read of the production clients:    {first * 1000:8.0f} ms")
        print(
            f"portfolio: {production.height:,} clients; frame {production.estimated_size('mb'):.0f} MB "
            f"(store's own frame {applications.frame().estimated_size('mb'):.0f} MB); "
            f"RSS {rss_before:,.0f} -> {current_rss_mb():,.0f} MB across the opening; "
            f"peak {peak_rss_mb():,.0f} MB"
        )

        print(f"\n== 3. refresh after one new application  [loadavg {loadavg()}]")
        document = new_credit_file(artifacts)
        samples, store_part = [], []
        for _ in range(5):
            stored, _ = applications.submit(document, source="api", by="bench")
            started = time.perf_counter()
            applications.frame()  # the store's portfolio brought up to date (app.applications)
            store_part.append(time.perf_counter() - started)
            seen = clients.filter_clients({"id_prefix": str(stored.client_id)})[1]
            samples.append(time.perf_counter() - started)
            if seen != 1:
                raise SystemExit(f"error: new client {stored.client_id} not seen after submit")
        figures("submit, then the first filter that sees it", samples)
        print(f"  of which the store's portfolio refresh: median {percentile_ms(store_part, 50):.1f} ms")

        print(f"\n== 4. filters, {arguments.calls} calls each  [loadavg {loadavg()}]")
        rng = np.random.default_rng(arguments.seed)
        contract = clients.levels("contract_type")[:1]
        queries = []
        for _ in range(arguments.calls):
            chosen = list(rng.choice(names, size=int(rng.integers(1, 4)), replace=False))
            start = date(2025, 1, 1) + timedelta(days=int(rng.integers(0, 300)))
            stop = start + timedelta(days=int(rng.integers(15, 120)))
            queries.append((chosen, start.isoformat(), stop.isoformat()))
        filters = {"contract_type": contract, "decision": "refuse", "credit": {"min": 1e5, "max": 2e6}}

        def filtered(query) -> None:
            batches, start, stop = query
            page = int(rng.integers(0, 5))
            clients.filter_clients(
                filters, "-probability", page, 20, batches=batches, received_from=start, received_to=stop
            )

        def summed(query) -> None:
            batches, start, stop = query
            clients.portfolio_summary(batches=batches, received_from=start, received_to=stop)

        def whole(query) -> None:  # the clients page as it opens: every client, sorted by risk
            clients.filter_clients(None, "-probability", int(rng.integers(0, 5)), 20)

        met = []
        for name, call in (
            ("filter_clients, batch + dates + categories", filtered),
            ("portfolio_summary, batch + dates", summed),
            ("filter_clients, no filter, sorted by risk", whole),
        ):
            call(queries[0])
            samples = []
            for query in queries:
                started = time.perf_counter()
                call(query)
                samples.append(time.perf_counter() - started)
            met.append(figures(name, samples))
        samples = []
        for _ in range(arguments.calls):
            started = time.perf_counter()
            clients.batches()
            samples.append(time.perf_counter() - started)
        met.append(figures("batches (the selector's list)", samples))
        _, total = clients.filter_clients(
            batches=names[:2],
            received_from="2025-01-10",
            received_to=datetime(2025, 2, 20, tzinfo=UTC).date(),
        )
        print(f"(check: {total:,} applications in the first two batches from 10 Jan to 20 Feb 2025)")
        met += page_callbacks(arguments.artifacts, url, queries, max(arguments.calls // 4, 5))
        print(f"\nloadavg {loadavg()}")
        if not all(met):
            raise SystemExit(1)


if __name__ == "__main__":
    main()
