"""Recourse benchmark: for every refused production client, is there an acceptable offer within the product's
limits, and how long does `app.recourse.client_recourse` take to find it (cold cache: the scoring service is
a plain object here, nothing is memoized)?

The model is trained on a Kaggle-named folder (--data, default HOMECREDIT_DIR: the real sample) with
`train --quick` into benchmarks/output/recourse_<folder>/artifacts, once (reused while serving.json is
there), unless --artifacts names a trained folder; its production clients are the folder's
application_test applicants, scored at export. Prints the refused count, how many get at least one offer
(count and share), the offers by kind, p50/p99 of the time per refused client and the load average.
Usage: `python benchmarks/bench_recourse.py [--data DIR] [--artifacts DIR] [--clients N]`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._measure import OUTPUT, ROOT, load_average, percentiles_ms


def trained_artifacts(data: Path) -> Path:
    """`train --quick` on the folder, once: its artifacts folder under benchmarks/output."""
    work = OUTPUT / f"recourse_{data.name}"
    artifacts = work / "artifacts"
    if (artifacts / "serving.json").is_file():
        return artifacts
    work.mkdir(parents=True, exist_ok=True)
    print(f"training (--quick) on {data} into {artifacts} ...", flush=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "MLFLOW_TRACKING_URI": f"sqlite:///{work / 'mlflow.db'}",
    }
    command = [sys.executable, "-m", "model_training", "train", "--data", str(data), "--out", str(artifacts)]
    done = subprocess.run(
        [*command, "--quick"], cwd=work, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"error: training failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
    return artifacts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", default=os.environ.get("HOMECREDIT_DIR"), help="default HOMECREDIT_DIR")
    parser.add_argument("--artifacts", help="a trained artifacts folder (default: train --quick on --data)")
    parser.add_argument("--clients", type=int, help="at most this many refused clients (default: all)")
    args = parser.parse_args()
    if args.artifacts:
        artifacts = Path(args.artifacts).resolve()
        if not (artifacts / "serving.json").is_file():
            raise SystemExit(f"error: no artifacts in {artifacts} (serving.json missing)")
    elif args.data and Path(args.data).is_dir():
        artifacts = trained_artifacts(Path(args.data).resolve())
    else:
        raise SystemExit(f"error: no Kaggle folder at {args.data}: pass --data DIR or set HOMECREDIT_DIR")
    if args.clients is not None and args.clients < 1:
        raise SystemExit(f"error: --clients must be a whole number from 1 (got {args.clients})")

    import polars as pl

    from app.artifacts import load_artifacts
    from app.recourse import AMOUNTS_TRIED, client_recourse
    from app.scoring import ScoringService
    from model_training.decision import DECISION, REFUSE
    from model_training.schema import CLIENT_ID

    loaded = load_artifacts(artifacts)
    service = ScoringService(loaded)
    production = loaded.production
    refused = production.filter(pl.col(DECISION) == REFUSE).get_column(CLIENT_ID).to_list()
    measured = refused[: args.clients] if args.clients else refused
    print(
        f"== recourse: {artifacts} (model v{loaded.model.version}, threshold {loaded.model.threshold:.4f}), "
        f"{AMOUNTS_TRIED} amounts tried, {os.cpu_count()} cores, {load_average()}"
    )
    print(f"production clients {production.height:,}, refused {len(refused):,}; measuring {len(measured):,}")
    statuses: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    seconds: list[float] = []
    cpu: list[float] = []  # this process's CPU time: what other jobs on the machine do not inflate
    began = time.perf_counter()
    for count, client_id in enumerate(measured, start=1):
        start, start_cpu = time.perf_counter(), time.process_time()
        recourse = client_recourse(service, int(client_id))
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        statuses[recourse.status] += 1
        kinds.update(offer.kind for offer in recourse.offers)
        if count % 1000 == 0:
            print(f"  {count:,} clients, {time.perf_counter() - began:.0f} s, {load_average()}", flush=True)
    with_offers = statuses["offers"]
    p50, p99 = percentiles_ms(seconds)
    cpu50, cpu99 = percentiles_ms(cpu)
    print(
        f"refused {len(measured):,}: with at least one offer {with_offers:,} "
        f"({with_offers / max(len(measured), 1):.1%}), nothing within the limits {statuses['none']:,}"
        + (f", accepted on re-scoring {statuses['accepted']:,}" if statuses["accepted"] else "")
    )
    print(
        "offers by kind: " + ", ".join(f"{k} {kinds[k]:,}" for k in ("lower_amount", "longer_term", "both"))
    )
    print(
        f"client_recourse per refused client (cold cache): p50 {p50:.1f} ms, p99 {p99:.1f} ms "
        f"(CPU time p50 {cpu50:.1f} ms, p99 {cpu99:.1f} ms), total {sum(seconds):.0f} s; "
        f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
