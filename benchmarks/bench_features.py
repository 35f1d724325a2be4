"""Load + feature-engineering benchmark at the full Kaggle scale: real-shaped rows, synthetic rows, and the
classic recipe in plain pandas, side by side in one run.

Headline case: the real-shaped folder (`benchmarks/real_shaped.py`: the real sample's rows drawn with new ids
to the full Kaggle row counts, 307,511 + 48,744 applicants, ~58M side-table rows, gzip CSV). Bar there, on
2 cores: load + features <= 40 s and peak RSS <= 1.5 GiB. Each measurement runs in its own interpreter so that
peak RSS is its own: one child only loads the tables one by one (loading alone), one runs `build_features`,
one the plain-pandas recipe (`benchmarks/classic_pandas.py`) on the same folder.
Usage: `python benchmarks/bench_features.py [--fraction 1.0] [--no-pandas] [--no-synthetic]`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._measure import bar, load_average, run_child, synthetic_folder
from benchmarks.real_shaped import real_shaped_folder

BAR_SECONDS, BAR_GIB = 40.0, 1.5
#: CPU seconds (user + system) of a child: the cost of a run, however busy other jobs keep the 2 cores.
_CPU_SECONDS = "sum(resource.getrusage(resource.RUSAGE_SELF)[:2])"

LOAD_ONLY = """
import json, time
import resource
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
print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak_rss_mb(), "cpu": CPU}))
"""

FEATURES = """
import json, time
import resource
from benchmarks._measure import peak_rss_mb
from model_training.features import build_features
started = time.perf_counter()
tables = build_features(FOLDER)
total = time.perf_counter() - started
print(json.dumps({"total": total, "timings": tables.timings, "peak_mb": peak_rss_mb(), "cpu": CPU,
                  "train": tables.train.height, "production": tables.production.height,
                  "features": len(tables.feature_names)}))
"""

CLASSIC_PANDAS = """
import json, time
from pathlib import Path
import resource
from benchmarks._measure import peak_rss_mb
from benchmarks.classic_pandas import classic_features
started = time.perf_counter()
frame = classic_features(Path(FOLDER))
total = time.perf_counter() - started
rows, columns = frame.shape
print(json.dumps({"total": total, "peak_mb": peak_rss_mb(), "cpu": CPU, "rows": rows,
                  "columns": columns}))
"""


def _child(code: str, folder: Path) -> dict:
    before = load_average()
    result = run_child(code.replace("FOLDER", repr(str(folder))).replace("CPU", _CPU_SECONDS))
    result["load"] = f"{before} before, {load_average()} after"
    return result


def bench(name: str, folder: Path, pandas: bool) -> dict:
    result = {"name": name, "load": _child(LOAD_ONLY, folder), "features": _child(FEATURES, folder)}
    if pandas:
        result["pandas"] = _child(CLASSIC_PANDAS, folder)
    return result


def _gib(mb: float) -> str:
    return f"{mb / 1024:.2f} GiB"


def report(result: dict) -> None:
    load, feats = result["load"], result["features"]
    print(f"\n=== {result['name']} ===")
    timings = feats["timings"]
    print(f"{'table':<24}{'rows':>14}{'load alone s':>14}{'in build: load s':>18}{'aggregate s':>13}")
    for table, rows in load["rows"].items():
        inside = timings.get(table, {})
        print(
            f"{table:<24}{rows:>14,}{load['seconds'][table]:>14.1f}"
            f"{inside.get('load', 0.0):>18.1f}{inside.get('aggregate', 0.0):>13.1f}"
        )
    build_load = sum(t.get("load", 0.0) for t in timings.values())
    build_agg = sum(t.get("aggregate", 0.0) for t in timings.values())
    print(
        f"loading alone:      {sum(load['seconds'].values()):6.1f} s   peak RSS {_gib(load['peak_mb'])}, "
        f"CPU {load['cpu']:.1f} s "
        f"({load['load']})"
    )
    print(
        f"build_features:     {feats['total']:6.1f} s   peak RSS {_gib(feats['peak_mb'])}, "
        f"CPU {feats['cpu']:.1f} s "
        f"(loading {build_load:.1f} s, features {build_agg:.1f} s, join {timings['join']['aggregate']:.1f} s;"
        f" {feats['load']})"
    )
    print(
        f"feature table:      {feats['train']:,} labelled + {feats['production']:,} production clients, "
        f"{feats['features']} features"
    )
    if "pandas" in result:
        pandas = result["pandas"]
        print(
            f"classic pandas:     {pandas['total']:6.1f} s   peak RSS {_gib(pandas['peak_mb'])}, "
            f"CPU {pandas['cpu']:.1f} s "
            f"({pandas['rows']:,} rows, {pandas['columns']:,} columns; {pandas['load']})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, default=1.0, help="share of the full Kaggle row counts")
    parser.add_argument("--no-pandas", action="store_true", help="skip the plain-pandas recipe (~3 min)")
    parser.add_argument("--no-synthetic", action="store_true", help="skip the synthetic folder")
    args = parser.parse_args()
    if not 0 < args.fraction <= 1:
        parser.error(f"--fraction must be above 0 and at most 1, got {args.fraction}")
    headline = bench(
        f"real-shaped rows, {args.fraction:.0%} of full Kaggle scale",
        real_shaped_folder(args.fraction),
        not args.no_pandas,
    )
    report(headline)
    if not args.no_synthetic:
        report(
            bench(
                f"synthetic rows, {args.fraction:.0%} of full Kaggle scale",
                synthetic_folder(args.fraction),
                False,
            )
        )
    if args.fraction == 1.0:
        feats = headline["features"]
        met = feats["total"] <= BAR_SECONDS and feats["peak_mb"] <= BAR_GIB * 1024
        print(f"\nbar on real-shaped rows (<= {BAR_SECONDS:.0f} s, <= {BAR_GIB} GiB): {bar(met)}")


if __name__ == "__main__":
    main()
