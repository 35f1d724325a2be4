"""Drift report benchmark at 10 %, 30 % and 100 % of the full Kaggle scale: time, peak memory, HTML size.

Bar at 100 % (307,511 training against ~50,000 production applicants), on 2 cores: report built in < 2 min,
HTML < 15 MB. Each scale runs `build_drift_report` in its own interpreter (peak RSS is its own; the time
includes importing evidently, as the CLI does). Data: the synthetic folders shared with bench_features.

The model side needs an exported model, and training one at full scale takes far longer than this benchmark.
By default a stand-in takes its place: the real application features of `model_training.features` with 20
engineered ones ranked first (the most columns a real export can add) and a logistic score of EXT_SOURCE_2,
written as the export writes them. `--model none` builds the application-column part only; `--artifacts DIR`
uses a real export (of the same data). `--full-reference` adds a run on every row at the largest scale, to
show what the sampling (`drift.MAX_ROWS`) changes in the verdicts.

Usage: `python benchmarks/bench_drift.py [--scales 0.1,0.3,1.0] [--model stand-in|none] [--full-reference]`.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._measure import OUTPUT, run_child, synthetic_folder

STAND_IN_FEATURES = 20

BUILD = """
import json, time
started, cpu = time.perf_counter(), time.process_time()
from model_training.drift import build_drift_report
from model_training.drift_summary import report_path
imported = time.perf_counter() - started
from benchmarks._measure import peak_rss_mb
result = build_drift_report({folder!r}, {artifacts!r}{options})
s = result.summary
print(json.dumps({{
    "seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu,
    "import_seconds": imported, "timings": result.timings, "peak_mb": peak_rss_mb(),
    "html_mb": report_path({artifacts!r}).stat().st_size / 1e6, "data": s["data"],
    "columns": s["dataset"]["columns"], "with_score": s["score"] is not None,
    "verdicts": {{c["column"]: [c["drifted"], c["drift_score"]] for c in s["columns"]}},
}}))
"""


def write_stand_in_model(data: Path, artifacts: Path) -> None:
    """Model files shaped as `model_training.export` writes them, for a model that was never trained."""
    import numpy as np
    import polars as pl

    from model_training.data import read_table
    from model_training.features import application_features
    from model_training.schema import CLIENT_ID

    clients = artifacts / "clients"
    clients.mkdir(parents=True)
    names: list[str] = []
    for table, side in (("application_train", "reference"), ("application_test", "production")):
        applications = read_table(data, table)
        features = application_features(applications)
        features.write_parquet(clients / f"{side}_features.parquet")
        names = features.columns[1:]
        ext = applications["EXT_SOURCE_2"].fill_null(0.5).cast(pl.Float64).to_numpy()
        probability = 1 / (1 + np.exp(2.5 - 4 * (0.5 - ext)))
        applications.select(CLIENT_ID).with_columns(probability=probability).write_parquet(
            clients / f"{side}.parquet"
        )
    engineered = [name for name in names if name.startswith("APP_")][:STAND_IN_FEATURES]
    ranked = engineered + [name for name in names if name not in engineered]
    pl.DataFrame(
        {
            "feature": ranked,
            "mean_abs_shap": np.linspace(1.0, 0.01, len(ranked)),
            "gain": np.ones(len(ranked)),
        }
    ).write_parquet(artifacts / "global_importance.parquet")


def artifacts_for(folder: Path, model: str, given: str | None) -> Path:
    """A fresh artifacts folder for one run, holding the model files to compare (if any)."""
    artifacts = OUTPUT / f"drift_artifacts_{folder.name}"
    if artifacts.exists():
        shutil.rmtree(artifacts)
    if given is not None:
        shutil.copytree(given, artifacts, ignore=shutil.ignore_patterns("drift", "model", "mlruns"))
    elif model == "stand-in":
        write_stand_in_model(folder, artifacts)
    else:
        artifacts.mkdir(parents=True)
    return artifacts


def bench(fraction: float, model: str, given: str | None, max_rows: int | None) -> dict:
    folder = synthetic_folder(fraction)
    artifacts = artifacts_for(folder, model, given)
    options = "" if max_rows is None else f", max_rows={max_rows}"
    code = BUILD.format(folder=str(folder), artifacts=str(artifacts), options=options)
    return {"fraction": fraction, **run_child(code)}


def report(result: dict) -> None:
    ref, cur = result["data"]["reference"], result["data"]["current"]
    timings = result["timings"]
    drifted = sorted(name for name, (flag, _) in result["verdicts"].items() if flag)
    print(f"\n=== {result['fraction']:.0%} of full Kaggle scale ===")
    print(
        f"applicants:   {ref['rows']:,} training ({ref['rows_compared']:,} compared), "
        f"{cur['rows']:,} production ({cur['rows_compared']:,} compared)"
    )
    print(f"columns:      {result['columns']} compared{' + the score (PSI)' if result['with_score'] else ''}")
    print(
        f"total:        {result['seconds']:6.1f} s wall, {result['cpu_seconds']:6.1f} s CPU   "
        f"(import {result['import_seconds']:.1f} s, load {timings['load']:.1f} s, "
        f"prepare {timings['prepare']:.1f} s, evidently {timings['evidently']:.1f} s, "
        f"write {timings['write']:.1f} s)"
    )
    print(f"peak RSS:     {result['peak_mb']:6.0f} MB")
    print(f"HTML:         {result['html_mb']:6.1f} MB")
    print(f"drifted:      {', '.join(drifted) or 'none'}")
    if result["fraction"] >= 1.0:
        ok = result["seconds"] < 120 and result["html_mb"] < 15
        print(f"bar (< 2 min, HTML < 15 MB): {'met' if ok else 'NOT met'}")


def compare_sampling(sampled: dict, full: dict) -> None:
    """What comparing every reference row instead of the sample changes."""
    same = [name for name in sampled["verdicts"] if sampled["verdicts"][name][0] == full["verdicts"][name][0]]
    gap = max(abs(sampled["verdicts"][n][1] - full["verdicts"][n][1]) for n in sampled["verdicts"])
    print(
        f"\n=== every reference row ({full['data']['reference']['rows_compared']:,}) against the sample ==="
    )
    print(
        f"time:         {full['seconds']:6.1f} s wall, {full['cpu_seconds']:6.1f} s CPU, "
        f"peak RSS {full['peak_mb']:.0f} MB"
    )
    print(
        f"verdicts:     {len(same)} of {len(sampled['verdicts'])} the same; largest drift-score gap {gap:.4f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="0.1,0.3,1.0", help="fractions of the full Kaggle scale")
    parser.add_argument(
        "--model", choices=("stand-in", "none"), default="stand-in", help="model side to compare"
    )
    parser.add_argument("--artifacts", help="a real export of the same data, instead of the stand-in")
    parser.add_argument(
        "--full-reference", action="store_true", help="also run on every row at the top scale"
    )
    args = parser.parse_args()
    scales = [float(s) for s in args.scales.split(",")]
    if args.model == "none" and args.artifacts is None:
        print("model side: none (application columns only; the top features and the score are skipped)")
    elif args.artifacts is None:
        print(
            f"model side: stand-in ({STAND_IN_FEATURES} engineered application features + a stand-in score)"
        )
    results = [bench(fraction, args.model, args.artifacts, None) for fraction in scales]
    for result in results:
        report(result)
    if args.full_reference:
        full = bench(max(scales), args.model, args.artifacts, 0)
        compare_sampling(results[-1], full)


if __name__ == "__main__":
    main()
