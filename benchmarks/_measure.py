"""Shared measuring tools for the benchmarks: synthetic data cache, timed child processes, peak RSS."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

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
