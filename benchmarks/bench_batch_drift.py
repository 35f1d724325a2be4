"""Drift of one batch benchmark: `python -m model_training drift --batch NAME` on 50,000 stored applicants.

Bar (DESIGN.md): one batch's drift record built in < 30 s. Setup, not timed: the artifacts folder copied
with its client tables at Kaggle's scale (307,511 reference applicants, whom the command samples to 60,000
as model_training.drift does, and 50,000 production ones: `full_scale_artifacts`), then those 50,000
applicants stored as one batch with `store_batch` in a throw-away SQLite database: their application rows,
their feature rows in the model's order and the probabilities the exported model gives them (through
`Scorer.probabilities`; the reasons, which drift does not read, are left empty). Timed: the whole command
in a child process (its own peak RSS): read the reference, read the batch's 50,000 feature rows from the
store, evidently on the 20 most important features and the score, the HTML and the record.

Usage: `python benchmarks/bench_batch_drift.py --artifacts artifacts [--applicants 50000]`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._measure import bar, full_scale_artifacts, load_average
from benchmarks.bench_batch_scoring import _measured

APPLICANTS = 50_000
BATCH = "bench-drift"
BAR_SECONDS = 30.0


def store_applicants(artifacts: Path, url: str) -> tuple[int, float]:
    """The production clients of `artifacts` stored as one batch scored by its model: (rows, seconds)."""
    import numpy as np
    import polars as pl

    from model_training.export import describe_clients
    from model_training.features.build import feature_matrix
    from model_training.schema import CLIENT_ID
    from model_training.scorer import Scorer
    from model_training.store import applications as store
    from model_training.store.engine import open_engine
    from model_training.store.scored_rows import application_json

    started = time.perf_counter()
    scorer, model = Scorer.from_artifacts(artifacts, threads=2)
    applications = pl.read_parquet(artifacts / "clients" / "production_applications.parquet")
    features = pl.read_parquet(artifacts / "clients" / "production_features.parquet")
    features = applications.select(CLIENT_ID).join(features, on=CLIENT_ID, how="left", maintain_order="left")
    matrix = np.ascontiguousarray(
        feature_matrix(features, scorer.feature_names).to_numpy().astype(np.float32)
    )
    probabilities = scorer.probabilities(matrix)
    rows = store.scored_frame(
        client_ids=applications[CLIENT_ID].to_list(),
        applications=application_json(applications),
        side_records=[None] * len(matrix),
        descriptive=describe_clients(applications),
        probabilities=probabilities,
        decisions=scorer.decisions(probabilities),
        reasons=["[]"] * len(matrix),
        features=[store.encode_features(row) for row in matrix],
    )
    engine = open_engine(url)
    store.ensure_schema(engine)
    outcome = store.store_batch(engine, rows, model, batch=BATCH, by="bench", digest=None)
    return outcome.applications_in_batch, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artifacts", default="artifacts", help="exported model (default artifacts)")
    parser.add_argument("--applicants", type=int, default=APPLICANTS, help="applicants in the batch")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_batch_drift_") as work:
        full = Path(work) / "artifacts"
        started = time.perf_counter()
        full_scale_artifacts(Path(args.artifacts).resolve(), full, production=args.applicants)
        print(f"artifacts at full scale in {time.perf_counter() - started:.1f} s", flush=True)
        url = f"sqlite:///{Path(work) / 'app.db'}"
        stored, seconds = store_applicants(full, url)
        print(f"batch {BATCH!r}: {stored:,} applicants stored in {seconds:.1f} s", flush=True)
        command = [sys.executable, "-m", "model_training", "drift", "--batch", BATCH]
        command += ["--artifacts", str(full), "--database", url]
        done, seconds, peak_mb = _measured(command)
        again, rerun, _ = _measured(command)
        # the fixed part: a fresh interpreter importing the command's modules (mostly evidently)
        _, imports, _ = _measured([sys.executable, "-c", "import model_training.batch_drift"])
        html = sorted((full / "drift" / "batches").glob("*.html"))
        size = html[0].stat().st_size / 1e6 if html else float("nan")
    print(done.stdout.strip())
    print(
        f"drift --batch, {stored:,} applicants against 307,511 reference ones (sampled to 60,000): "
        f"{seconds:.1f} s, peak RSS {peak_mb:.0f} MB, report {size:.1f} MB "
        f"({load_average()}; /proc/loadavg {Path('/proc/loadavg').read_text().strip()})"
    )
    print(f"of which starting Python and importing the command's modules: {imports:.1f} s")
    print(f"built again (the record replaced): {rerun:.1f} s: {again.stdout.strip().splitlines()[-1]}")
    print(f"bar (< {BAR_SECONDS:.0f} s): {bar(seconds < BAR_SECONDS)}")


if __name__ == "__main__":
    main()
