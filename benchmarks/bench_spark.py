"""Spark in local mode against the single-process `score` command, on one full-Kaggle-scale folder.

Both commands read the same folder (the real-shaped one of `benchmarks/real_shaped.py` when it can be
built, else the synthetic one): its application_test (48,744 applicants) with the full side tables (58M rows,
most of them other clients', which both leave out). Measured as whole commands in child processes:

* single process: `python -m model_training score` into a throw-away SQLite (`bench_batch_scoring.run_score`:
  features, credit files, scores with exact SHAP reasons, stored);
* Spark: `python -m model_training spark-score --master local[2]` (features, scores with the same reasons,
  Parquet), then `load-scores` into a throw-away SQLite (the store's insert path).

Peak memory of Spark is the sum of the resident memory of the whole process tree (the Python driver, the
JVM, the Python workers), sampled every 0.2 s: pages the forked workers share are counted once per process,
so it is an upper bound. Usage: `python benchmarks/bench_spark.py --artifacts artifacts [--data DIR]
[--partitions 8] [--master local[2]]`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._measure import ROOT, load_average, synthetic_folder
from benchmarks.bench_batch_scoring import run_score


def full_scale_folder() -> Path:
    """The real-shaped full-scale folder (real Kaggle rows resampled), else the synthetic one."""
    try:
        from benchmarks.real_shaped import real_shaped_folder
    except ImportError:
        return synthetic_folder(1.0)
    return real_shaped_folder(1.0)


def _rows_read(folder: Path) -> int | None:
    """Rows of application_test and the side tables (both commands read them all): the full Kaggle counts
    for the real-shaped and synthetic full-scale folders, unknown for another folder."""
    from benchmarks.real_shaped import table_rows

    full_scale = folder.name in ("real_shaped_307511", "synthetic_307511")
    return sum(n for t, n in table_rows(1.0).items() if t != "application_train") if full_scale else None


def _loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def _tree_rss_mb(pid: int) -> float:
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total / 2**20


def measured_tree(command: list[str]) -> dict:
    """Run a command; its wall seconds, the peak RSS of its process tree (MB) and its output."""
    env = {name: value for name, value in os.environ.items() if name != "_RJEM_MALLOC_CONF"}
    started = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss_mb(child.pid))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = child.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command[2:4])} failed ({child.returncode}):\n{err[-3000:]}")
    return {"seconds": seconds, "peak_mb": peak, "stdout": out.strip(), "stderr": err.strip()}


def run_spark(folder: Path, artifacts: Path, master: str, partitions: int) -> dict:
    """spark-score into a temporary folder, then load-scores into a throw-away SQLite database."""
    with tempfile.TemporaryDirectory(prefix="bench_spark_") as work:
        scores = Path(work) / "scores"
        command = [sys.executable, "-m", "model_training", "spark-score", "--data", str(folder)]
        command += ["--artifacts", str(artifacts), "--out", str(scores), "--master", master]
        command += ["--partitions", str(partitions)]
        spark = measured_tree(command)
        spark["load_before"] = os.getloadavg()
        database = f"sqlite:///{Path(work) / 'app.db'}"
        load = [sys.executable, "-m", "model_training", "load-scores", "--scores", str(scores)]
        load += ["--artifacts", str(artifacts), "--database", database, "--batch", "bench"]
        loaded = measured_tree(load)
        scores_mb = sum(p.stat().st_size for p in scores.glob("*.parquet")) / 1e6
        applicants = json.loads((scores / "_spark_scores.json").read_text())["applicants"]
    return {"spark": spark, "load": loaded, "scores_mb": scores_mb, "applicants": applicants}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artifacts", required=True, help="artifacts folder exported by train")
    parser.add_argument(
        "--data", default=None, help="full-scale folder (default: real-shaped, else synthetic)"
    )
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--skip-single", action="store_true", help="measure Spark only")
    args = parser.parse_args()
    folder = Path(args.data) if args.data else full_scale_folder()
    artifacts = Path(args.artifacts)
    print(
        f"folder {folder}: "
        + ", ".join(f"{p.name} {p.stat().st_size / 1e6:.0f} MB" for p in sorted(folder.glob("*.csv.gz")))
    )

    print(f"\n=== Spark {args.master}, {args.partitions} partitions ({load_average()}) ===", flush=True)
    spark = run_spark(folder, artifacts, args.master, args.partitions)
    s, loaded, applicants = spark["spark"], spark["load"], spark["applicants"]
    print(s["stdout"])
    print(loaded["stdout"])
    print(
        f"spark-score: {s['seconds']:.1f} s, peak RSS of the process tree {s['peak_mb']:.0f} MB "
        f"(driver + JVM + Python workers), {applicants / s['seconds']:,.0f} applicants/s, scores "
        f"{spark['scores_mb']:.0f} MB of Parquet; /proc/loadavg after: {_loadavg()}"
    )
    print(f"load-scores: {loaded['seconds']:.1f} s, peak RSS {loaded['peak_mb']:.0f} MB")
    total = s["seconds"] + loaded["seconds"]
    print(f"Spark path in all: {total:.1f} s, {applicants / total:,.0f} applicants/s", flush=True)

    if args.skip_single:
        return
    print(f"\n=== single process: score ({load_average()}) ===", flush=True)
    single = run_score(folder, artifacts)
    print(single["stdout"])
    print(
        f"score: {single['seconds']:.1f} s, peak RSS {single['peak_mb']:.0f} MB, "
        f"{applicants / single['seconds']:,.0f} applicants/s (credit files stored too); "
        f"/proc/loadavg after: {_loadavg()}"
    )
    read = _rows_read(folder)
    rows = [
        ("Spark local[2]: spark-score", s["seconds"], s["peak_mb"]),
        ("Spark: spark-score + load-scores", total, max(s["peak_mb"], loaded["peak_mb"])),
        ("single process: score", single["seconds"], single["peak_mb"]),
    ]
    print("\n| path | seconds | peak RSS | applicants/s | rows read/s |\n|---|---|---|---|---|")
    for name, seconds, peak in rows:
        per_second = f"{read / seconds:,.0f}" if read else "?"
        print(
            f"| {name} | {seconds:.1f} | {peak / 1024:.2f} GB | {applicants / seconds:,.0f} | {per_second} |"
        )
    print(f"(rows read: {read:,} of application_test and the six side tables; {load_average()})")


if __name__ == "__main__":
    main()
