"""`train` at the full Kaggle scale (307,511 labelled + 48,744 production applicants, ~58M side-table rows).

Bars on this 2-core machine: the full comparison under 45 minutes, `--quick` under 10, peak memory of the
whole process tree (the command and its joblib workers) under 12 GB. Prints the time of each step (from the
command's own step lines), the peak memory and the final configuration's out-of-fold ROC AUC and cost, read
from the exported serving.json (the figures the tracked run holds). Each run gets a throw-away MLflow store.

Usage: `python benchmarks/bench_train.py [--data synthetic|real-shaped|FOLDER] [--modes quick,full]`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._measure import ROOT, bar, load_average, synthetic_folder, tree_rss_mb

BARS = {"quick": 10 * 60, "full": 45 * 60}
PEAK_BAR_GB = 12
STEP = re.compile(r"^train: \[(\d+)/(\d+)\] (.+) \(([\d.]+) s\)$")


def data_folder(name: str) -> Path:
    if name == "synthetic":
        return synthetic_folder(1.0)
    if name == "real-shaped":
        from benchmarks.real_shaped import real_shaped_folder

        return real_shaped_folder(1.0)
    return Path(name)


def run_train(data: Path, quick: bool) -> dict:
    """One `train` as a user runs it, its process tree's memory sampled every second."""
    with tempfile.TemporaryDirectory(prefix="bench_train_") as work:
        env = os.environ | {
            "MLFLOW_TRACKING_URI": f"sqlite:///{work}/mlruns/mlflow.db",
            "PYTHONPATH": str(ROOT),
        }
        command = [sys.executable, "-m", "model_training", "train", "--data", str(data), "--out"]
        command += [f"{work}/artifacts", *(["--quick"] if quick else [])]
        log = Path(work) / "train.log"
        started, peak = time.perf_counter(), 0.0
        with log.open("w") as out:
            process = subprocess.Popen(command, cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT)
            while process.poll() is None:
                peak = max(peak, tree_rss_mb(process.pid))
                time.sleep(1)
        seconds = time.perf_counter() - started
        text = log.read_text()
        if process.returncode != 0:
            raise RuntimeError(f"train failed ({process.returncode}):\n{text[-3000:]}")
        card = json.loads((Path(work) / "artifacts" / "serving.json").read_text())
    marks = [(m.group(3), float(m.group(4))) for m in map(STEP.match, text.splitlines()) if m]
    steps = {
        name: end - start for (name, start), (_, end) in zip(marks, [*marks[1:], ("", seconds)], strict=True)
    }
    return {
        "seconds": seconds,
        "peak_gb": peak / 1024,
        "steps": steps,
        "metrics": card["cv_metrics"],
        "candidate": card["model"]["candidate"],
        "clients": card["training_data"]["labelled_clients"],
        "screened": card["options"].get("screening_clients"),
        "compared": [line.strip() for line in text.splitlines() if "ROC AUC" in line and " at " in line],
        "load": load_average(),
    }


def report(mode: str, data: Path, result: dict) -> None:
    m = result["metrics"]
    print(f"\n=== train {'--quick' if mode == 'quick' else '(full comparison)'} on {data.name} ===")
    print(f"{result['clients']:,} labelled clients, candidates compared on at most {result['screened']:,}")
    for line in result["compared"]:
        print(f"  {line}")
    for step, seconds in result["steps"].items():
        print(f"  {step:<24}{seconds:8.0f} s")
    print(
        f"total {result['seconds'] / 60:.1f} min, peak memory of the process tree {result['peak_gb']:.2f} GB "
        f"({result['load']})"
    )
    print(
        f"final configuration {result['candidate']}, out-of-fold on all {result['clients']:,}: "
        f"ROC AUC {m['roc_auc']:.4f} "
        f"± {m['roc_auc_fold_std']:.4f}, cost {m['business_cost']:.4f} at threshold {m['threshold']:.4f}"
    )
    met = result["seconds"] < BARS[mode] and result["peak_gb"] < PEAK_BAR_GB
    print(f"bar (< {BARS[mode] // 60} min, < {PEAK_BAR_GB} GB): {bar(met)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="synthetic", help="synthetic, real-shaped or a folder")
    parser.add_argument("--modes", default="quick,full", help="quick, full or both (comma-separated)")
    args = parser.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    if unknown := [m for m in modes if m not in BARS]:
        parser.error(f"--modes: unknown {', '.join(unknown)}; choose among quick, full")
    data = data_folder(args.data)
    for mode in modes:
        report(mode, data, run_train(data, quick=mode == "quick"))


if __name__ == "__main__":
    main()
