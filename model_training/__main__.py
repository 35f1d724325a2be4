"""Command line of the training side: `python -m model_training {synth,features,train,drift} ...`.

Each command imports only what it needs, and any `InputError` becomes one line on stderr with exit code 2.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from model_training.errors import InputError


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {value}")
    return value


def _cmd_synth(args: argparse.Namespace) -> None:
    from model_training.synthetic import write_synthetic

    started = time.perf_counter()
    rows = write_synthetic(Path(args.out), clients=args.clients, seed=args.seed)
    for table, n in rows.items():
        print(f"{table:<35} {n:>12,} rows")
    print(f"synthetic Home Credit tables written to {args.out} in {time.perf_counter() - started:.1f} s")


def _cmd_features(args: argparse.Namespace) -> None:
    from model_training.features import build_features, write_feature_table

    started = time.perf_counter()
    tables = build_features(Path(args.data))
    write_feature_table(tables, Path(args.out))
    print(
        f"features: {tables.train.height:,} labelled and {tables.production.height:,} production clients, "
        f"{len(tables.feature_names)} features, written to {args.out} "
        f"in {time.perf_counter() - started:.1f} s"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m model_training", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    synth = sub.add_parser("synth", help="write a synthetic copy of the Home Credit tables (Kaggle schema)")
    synth.add_argument("--out", required=True, help="folder to write the CSV files into")
    synth.add_argument("--clients", type=_positive_int, default=6000, help="labelled applicants (default 6000)")
    synth.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    synth.set_defaults(run=_cmd_synth)

    features = sub.add_parser("features", help="build the feature table from a folder of Kaggle-named tables")
    features.add_argument("--data", required=True, help="folder with the seven Kaggle tables")
    features.add_argument("--out", required=True, help="Parquet file to write")
    features.set_defaults(run=_cmd_features)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
