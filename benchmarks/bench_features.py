"""Load + feature-engineering benchmark at 10 %, 30 % and 100 % of the full Kaggle scale.

Bar at 100 % (307,511 + ~50,000 applicants, ~58M side-table rows, gzip CSV), on 2 cores: load + features
< 75 s and peak RSS < 3 GB. Each measurement runs in its own interpreter so that peak RSS is its own:
one child only loads the tables one by one (loading alone), one runs the whole `build_features`.
Usage: `python benchmarks/bench_features.py [--scales 0.1,0.3,1.0]`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._measure import run_child, synthetic_folder

LOAD_ONLY = """
import json, time
from benchmarks._measure import peak_rss_mb
from model_training.data import read_table
from model_training.schema import TABLES
rows, seconds = {}, {}
for table in TABLES:
    started = time.perf_counter()
    frame = read_table(FOLDER, table)
    seconds[table] = time.perf_counter() - started
    rows[table] = frame.height
    del frame
print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak_rss_mb()}))
"""

FEATURES = """
import json, time
from benchmarks._measure import peak_rss_mb
from model_training.features import build_features
started = time.perf_counter()
tables = build_features(FOLDER)
total = time.perf_counter() - started
print(json.dumps({"total": total, "timings": tables.timings, "peak_mb": peak_rss_mb(),
                  "train": tables.train.height, "production": tables.production.height,
                  "features": len(tables.feature_names)}))
"""


def bench(fraction: float) -> dict:
    folder = str(synthetic_folder(fraction))
    load = run_child(LOAD_ONLY.replace("FOLDER", repr(folder)))
    features = run_child(FEATURES.replace("FOLDER", repr(folder)))
    return {"fraction": fraction, "load": load, "features": features}


def report(result: dict) -> None:
    load, feats = result["load"], result["features"]
    print(f"\n=== {result['fraction']:.0%} of full Kaggle scale ===")
    print(f"{'table':<24}{'rows':>14}{'load s':>9}")
    for table, rows in load["rows"].items():
        print(f"{table:<24}{rows:>14,}{load['seconds'][table]:>9.1f}")
    load_s = sum(load["seconds"].values())
    in_build = feats["timings"]
    build_load = sum(t.get("load", 0.0) for t in in_build.values())
    build_agg = sum(t.get("aggregate", 0.0) for t in in_build.values())
    print(f"loading alone:      {load_s:6.1f} s   peak RSS {load['peak_mb']:7.0f} MB")
    print(
        f"build_features:     {feats['total']:6.1f} s   peak RSS {feats['peak_mb']:7.0f} MB "
        f"(of which loading {build_load:.1f} s, feature engineering {build_agg:.1f} s)"
    )
    print(
        f"feature table:      {feats['train']:,} labelled + {feats['production']:,} production clients, "
        f"{feats['features']} features"
    )
    if result["fraction"] >= 1.0:
        ok = feats["total"] < 75 and feats["peak_mb"] < 3 * 1024
        print(f"bar (< 75 s, < 3 GB): {'met' if ok else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="0.1,0.3,1.0", help="fractions of the full Kaggle scale")
    args = parser.parse_args()
    for fraction in (float(x) for x in args.scales.split(",")):
        report(bench(fraction))


if __name__ == "__main__":
    main()
