"""Command line of the training side: `python -m model_training {synth,features,train,drift,...} ...`.

Each command imports only what it needs, and any `InputError` becomes one line on stderr with exit code 2.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from model_training.errors import InputError

# MLflow's environment for every command, set before any of them imports mlflow: no telemetry, and no
# "Downloading artifacts: 0%|" bars in logs (the commands show their own progress).
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {value}")
    return value


def _cmd_synth(args: argparse.Namespace) -> None:
    from model_training.synthetic import FIRST_MONTH, write_synthetic

    started = time.perf_counter()
    first_month = FIRST_MONTH if args.first_month is None else args.first_month
    rows = write_synthetic(Path(args.out), args.clients, args.seed, args.batches, first_month)
    width = max(map(len, rows)) + 1
    for table, n in rows.items():
        print(f"{table:<{width}} {n:>12,} rows")
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


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def _cmd_drift(args: argparse.Namespace) -> None:
    if args.batch is not None or args.all_batches or args.window is not None or args.period is not None:
        _cmd_batch_drift(args)
        return
    if args.data is None:
        raise InputError(
            "drift: give --data DIR (training against production applicants), or --batch NAME, "
            "--all-batches or --window month|week (stored batches against training)"
        )
    from model_training.drift import build_drift_report, summary_lines
    from model_training.drift_summary import report_path, summary_path

    started = time.perf_counter()
    given = {"max_rows": args.max_rows, "top_features": args.top_features}
    result = build_drift_report(
        Path(args.data), Path(args.artifacts), **{k: v for k, v in given.items() if v is not None}
    )
    for line in summary_lines(result.summary):
        print(line)
    html = report_path(args.artifacts)
    print(
        f"written {html} ({html.stat().st_size / 1e6:.1f} MB) and {summary_path(args.artifacts)} "
        f"in {time.perf_counter() - started:.1f} s"
    )


def _cmd_batch_drift(args: argparse.Namespace) -> None:
    from model_training.batch_drift import build_batch_drift, summary_lines

    given = {"max_rows": args.max_rows, "top": args.top_features}
    run = build_batch_drift(
        Path(args.artifacts),
        batch=args.batch,
        all_batches=args.all_batches,
        window=args.window,
        period=args.period,
        database=args.database,
        **{k: v for k, v in given.items() if v is not None},
    )
    for line in summary_lines(run):
        print(line)


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _cmd_train(args: argparse.Namespace) -> None:
    from model_training.train import TrainOptions, train

    signal.signal(signal.SIGTERM, _interrupt)  # a stop from a scheduler ends like Ctrl-C: one line, 130
    report = train(
        TrainOptions(
            data=Path(args.data),
            out=Path(args.out),
            quick=args.quick,
            trials=args.trials,
            model=args.model,
            cost_fn=args.cost_fn,
            cost_fp=args.cost_fp,
            seed=args.seed,
            screening=args.screening_clients,
        )
    )
    m = report.final.metrics
    print(
        f"model {report.final.candidate.name}: out-of-fold ROC AUC {m['roc_auc']:.4f} "
        f"± {m['roc_auc_fold_std']:.4f} (fold std), PR AUC {m['pr_auc']:.4f}, Brier {m['brier']:.4f}\n"
        f"business cost per applicant {m['business_cost']:.4f} at threshold {m['threshold']:.4f} "
        f"(accept all {m['cost_accept_all']:.4f}, refuse all {m['cost_refuse_all']:.4f}, at 0.5 "
        f"{m['business_cost_at_0_5']:.4f}); approval rate {m['approval_rate']:.1%}\n"
        f"registered {report.registry.name} v{report.registry.version}: "
        f"alias {report.registry.alias} ({report.registry.message})\n"
        f"MLflow run {report.run_id}; artifacts in {report.out}\n"
        f"total time {report.seconds:.1f} s"
    )


def _cmd_score(args: argparse.Namespace) -> None:
    from model_training.batch_scoring import score_folder, summary_lines

    result = score_folder(
        Path(args.data),
        Path(args.artifacts),
        batch=args.batch,
        database=args.database,
        received=args.received,
        leave_out_incomplete=args.leave_out_incomplete,
    )
    for line in summary_lines(result):
        print(line)


def _cmd_spark_score(args: argparse.Namespace) -> None:
    from model_training.spark.session import check_pyspark, spark_session

    started = time.perf_counter()
    check_pyspark()
    from model_training.spark.scoring import check_local_inputs, score_portfolio

    check_local_inputs(args.data, args.artifacts, args.out)
    spark = spark_session(args.master, args.partitions)  # Java missing: one line, exit 2
    master = spark.sparkContext.master or "?"
    try:
        manifest = score_portfolio(
            spark,
            args.data,
            args.artifacts,
            args.out,
            partitions=args.partitions,
            master=master,
            features_out=args.features_out,
        )
    finally:
        spark.stop()
    left_out = f", {manifest.incomplete:,} incomplete (no decision)" if manifest.incomplete else ""
    print(
        f"spark-score: {manifest.applicants:,} applicants{left_out} scored by {manifest.model_name} "
        f"v{manifest.model_version} on {master} ({args.partitions} partitions), written to {args.out} "
        f"in {time.perf_counter() - started:.1f} s"
    )
    if args.features_out:
        print(f"features written to {args.features_out}")
    print(
        "store them with `python -m model_training load-scores "
        f"--scores {args.out} --artifacts {args.artifacts}`"
    )


def _cmd_load_scores(args: argparse.Namespace) -> None:
    from model_training.spark.scores_file import load_scores

    started = time.perf_counter()
    loaded = load_scores(
        Path(args.scores),
        Path(args.artifacts),
        batch=args.batch,
        database=args.database,
        received=args.received,
    )
    if loaded.left_out:
        shown = ", ".join(map(str, loaded.left_out[:10])) + (" ..." if len(loaded.left_out) > 10 else "")
        print(
            f"left out: {len(loaded.left_out):,} incomplete application(s), no decision: SK_ID_CURR {shown}"
        )
    done = loaded.outcome
    if done.applications_added == 0 and done.scores_added == 0:
        print(f"batch {done.batch!r}: already stored: {done.applications_in_batch:,} applications, 0 added")
    else:
        print(
            f"batch {done.batch!r}: {done.applications_added:,} applications and "
            f"{done.scores_added:,} scores stored in {time.perf_counter() - started:.1f} s"
        )


def _spark_master(text: str) -> str:
    from model_training.spark.session import MASTER_PATTERN

    if not MASTER_PATTERN.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"expected local, local[N], local[*], yarn, spark://HOST:PORT or k8s://URL, got {text!r}"
        )
    return text


def _cmd_outcomes(args: argparse.Namespace) -> None:
    from model_training.outcomes import record_outcomes_file, summary_lines

    started = time.perf_counter()
    result = record_outcomes_file(Path(args.file), Path(args.artifacts), database=args.database)
    for line in summary_lines(result):
        print(line)
    print(f"done in {time.perf_counter() - started:.1f} s")


def _cmd_promote(args: argparse.Namespace) -> None:
    from model_training.promotion import promote

    done = promote(
        Path(args.artifacts), args.version, args.reason or "", force=args.force, database=args.database
    )
    forced = " (forced: the gate did not pass)" if done.forced else ""
    kept = f"; the previous champion is kept in {done.previous}" if done.previous else ""
    print(
        f"{done.name} v{done.to_version} is now the champion{forced}, replacing v{done.from_version}; "
        f"its export is in {done.artifacts}{kept}"
    )


def _cmd_report(args: argparse.Namespace) -> None:
    from model_training.report import write_methodology

    out = write_methodology(Path(args.out), run_id=args.run_id)
    print(f"methodology note written to {out} (figures in {out.parent / (out.stem + '_figures')})")


def _past_date(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None
    if day > datetime.now(UTC).date():
        raise argparse.ArgumentTypeError(
            f"{day} is in the future: applications cannot arrive later than today"
        )
    return day


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {text}")
    return value


def _batch_options(parser: argparse.ArgumentParser, batch_help: str) -> None:
    """--batch, --database and --received: where and as what a command stores a batch of applications."""
    parser.add_argument("--batch", default=None, help=batch_help)
    parser.add_argument(
        "--database",
        default=None,
        help="SQLAlchemy URL of the app database (default: DATABASE_URL, else the app's data/app.db)",
    )
    parser.add_argument(
        "--received",
        type=_past_date,
        default=None,
        help="the day the applications arrived, YYYY-MM-DD (default: now)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m model_training", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    synth = sub.add_parser("synth", help="write a synthetic copy of the Home Credit tables (Kaggle schema)")
    synth.add_argument("--out", required=True, help="folder to write the CSV files into")
    synth.add_argument(
        "--clients", type=_positive_int, default=6000, help="labelled applicants (default 6000)"
    )
    synth.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    synth.add_argument(
        "--batches",
        type=_non_negative_int,
        default=0,
        help="months of new applicants to write in OUT/batches/<YYYY-MM>/ (default 0)",
    )
    synth.add_argument("--first-month", help="first batch month, YYYY-MM (default 2026-01)")
    synth.set_defaults(run=_cmd_synth)

    features = sub.add_parser("features", help="build the feature table from a folder of Kaggle-named tables")
    features.add_argument("--data", required=True, help="folder with the seven Kaggle tables")
    features.add_argument("--out", required=True, help="Parquet file to write")
    features.set_defaults(run=_cmd_features)

    train = sub.add_parser("train", help="compare models, tune, calibrate, register and export the best one")
    train.add_argument("--data", required=True, help="folder with the Kaggle Home Credit tables")
    train.add_argument("--out", default="artifacts", help="artifacts folder for the app (default artifacts)")
    train.add_argument("--quick", action="store_true", help="fewer candidates and trials (demo, CI)")
    train.add_argument(
        "--trials", type=_non_negative_int, default=None, help="Optuna trials (default 10, quick 2)"
    )
    train.add_argument(
        "--model", default=None, help="train only this model (dummy, logistic_regression, ...)"
    )
    train.add_argument("--cost-fn", type=_positive_float, default=10.0, help="cost of a missed default")
    train.add_argument("--cost-fp", type=_positive_float, default=1.0, help="cost of a refused good client")
    train.add_argument(
        "--seed", type=int, default=42, help="random seed of the folds and models (default 42)"
    )
    train.add_argument(
        "--screening-clients",
        type=_non_negative_int,
        default=None,
        help="compare candidates on a stratified subsample of at most this many labelled clients "
        "(default 50,000, quick 20,000); the final model always uses all of them",
    )
    train.set_defaults(run=_cmd_train)

    drift = sub.add_parser(
        "drift",
        help="data drift of production against training applicants (evidently HTML + JSON summary), or of "
        "stored batches (--batch, --all-batches, --window) against training, kept in the store",
    )
    drift.add_argument("--data", help="folder with application_train and application_test")
    drift.add_argument(
        "--batch", help="a stored batch: its applications as the model scored them against training"
    )
    drift.add_argument("--all-batches", action="store_true", help="every stored batch the model scored")
    drift.add_argument(
        "--window", help="month or week: per calendar window of the day applications were received"
    )
    drift.add_argument(
        "--period", help="with --window, one window only: 2026-03 (month) or 2026-W10 (ISO week)"
    )
    drift.add_argument(
        "--database",
        default=None,
        help="SQLAlchemy URL of the app database (default: DATABASE_URL, else the app's data/app.db)",
    )
    drift.add_argument(
        "--artifacts",
        required=True,
        help="artifacts folder: the report goes to ARTIFACTS/drift/; the model's top features and score are "
        "compared when ARTIFACTS holds an exported model, skipped (and said so) when it holds none",
    )
    drift.add_argument(
        "--max-rows",
        type=_non_negative_int,
        help="applicants compared per side at most, a seeded random sample beyond (default 60000; 0: all)",
    )
    drift.add_argument(
        "--top-features", type=_non_negative_int, help="model features compared, by mean |SHAP| (default 20)"
    )
    drift.set_defaults(run=_cmd_drift)

    score = sub.add_parser(
        "score",
        help="score a folder of new applicants (application_test and side tables) and store it as one batch",
        description="Score every applicant of application_test (with the side tables present: a missing one "
        "means no history) with the exported model, and store them in the applications store as one batch, "
        "whole or not at all. Re-running the same folder adds nothing. A bad file is named with its line "
        "(line 1 is the header) and column.",
    )
    score.add_argument("--data", required=True, help="folder of Kaggle-named files (.csv or .csv.gz)")
    score.add_argument("--artifacts", required=True, help="artifacts folder exported by train")
    _batch_options(score, "batch name (default: the folder's name)")
    score.add_argument(
        "--leave-out-incomplete",
        action="store_true",
        help="store the applicants with every required field and list the others (default: refuse the batch)",
    )
    score.set_defaults(run=_cmd_score)

    spark_score = sub.add_parser(
        "spark-score",
        help="features and scores of a folder of applicants on Apache Spark, written as Parquet",
        description="Every applicant of DATA's application_test (with the side tables present) "
        "featurised by the same polars functions as `score`, partition by partition (every table hashed on "
        "SK_ID_CURR), and scored by the exported model (broadcast to the executors); the scores are written "
        "to OUT as Parquet with a manifest, for `load-scores`. Needs Java 17 and pyspark "
        "(requirements-spark.txt).",
    )
    spark_score.add_argument(
        "--data",
        required=True,
        help="folder of Kaggle-named files (.csv or .csv.gz): a path or an hdfs:// URL",
    )
    spark_score.add_argument("--artifacts", required=True, help="artifacts folder exported by train")
    spark_score.add_argument(
        "--out", required=True, help="folder to write the scores into (new, or earlier scores)"
    )
    spark_score.add_argument(
        "--master",
        type=_spark_master,
        default=None,
        help="Spark master (default: spark-submit's when it runs the command, else local[2])",
    )
    spark_score.add_argument(
        "--partitions",
        type=_positive_int,
        default=8,
        help="hash partitions of every table by SK_ID_CURR (default 8; a few per core of the cluster)",
    )
    spark_score.add_argument(
        "--features-out", default=None, help="also write every applicant's features here"
    )
    spark_score.set_defaults(run=_cmd_spark_score)

    load_scores = sub.add_parser(
        "load-scores",
        help="store the scores written by spark-score in the applications store, as one batch",
        description="The Parquet scores of spark-score stored as one batch of the applications store, "
        "whole or not at all, through the store's own insert path (as `score` stores a batch). The scores "
        "must have been made by the model ARTIFACTS serves. Loading the same scores again adds nothing. "
        "Incomplete applicants (a required field missing) are left out and listed.",
    )
    load_scores.add_argument("--scores", required=True, help="folder written by spark-score --out")
    load_scores.add_argument(
        "--artifacts", required=True, help="artifacts folder of the model that scored them"
    )
    _batch_options(load_scores, "batch name (default: the scored data folder's name)")
    load_scores.set_defaults(run=_cmd_load_scores)

    outcomes = sub.add_parser(
        "outcomes",
        help="record what happened to scored applications (SK_ID_CURR, TARGET, KNOWN_AT) and compute the "
        "real performance of the batches they belong to",
        description="Each row (SK_ID_CURR, TARGET 0 or 1, KNOWN_AT the day the outcome became known, "
        "YYYY-MM-DD) is the outcome of that client's latest stored application received on or before "
        "KNOWN_AT. The file is stored whole or not at all; a refusal names each line (line 1 is the header) "
        "and field. An outcome already recorded is never overwritten. The performance records of the "
        "batches touched are then computed again for the serving model of --artifacts.",
    )
    outcomes.add_argument("--file", required=True, help="CSV file with SK_ID_CURR, TARGET, KNOWN_AT")
    outcomes.add_argument("--artifacts", default="artifacts", help="artifacts folder of the serving model")
    outcomes.add_argument(
        "--database",
        default=None,
        help="SQLAlchemy URL of the app database (default: DATABASE_URL, else the app's data/app.db)",
    )
    outcomes.set_defaults(run=_cmd_outcomes)

    promote = sub.add_parser(
        "promote",
        help="make the challenger the champion once its gate passes (or --force with a reason)",
        description="The gate, on the applications both the champion and the challenger scored whose "
        "outcome is known (at least 100): the challenger is refused when the whole 95 % paired "
        "bootstrap interval (2,000 draws, seeded) of its business cost per applicant minus the "
        "champion's, each model deciding at "
        "its own threshold, lies above 0; and when a fairness gap of its governance record is beyond its "
        "tolerance, unless the champion's same gap is too and the challenger's is no wider beyond two "
        "standard errors. On a pass the registry alias champion moves to the version (challenger "
        "removed), ARTIFACTS/challenger/ replaces ARTIFACTS/ (the previous champion kept as "
        "ARTIFACTS/previous/) and the promotion is recorded in the app database (model_promotions). "
        "Refused: exit 2 with the figures.",
    )
    promote.add_argument("--version", required=True, help="the registered version to promote: the challenger")
    promote.add_argument("--reason", default=None, help="why (recorded with the promotion; required)")
    promote.add_argument(
        "--force", action="store_true", help="promote even if the gate does not pass (recorded as forced)"
    )
    promote.add_argument(
        "--artifacts", default="artifacts", help="the champion's artifacts folder (default artifacts)"
    )
    promote.add_argument(
        "--database",
        default=None,
        help="SQLAlchemy URL of the app database (default: DATABASE_URL, else the app's data/app.db)",
    )
    promote.set_defaults(run=_cmd_promote)

    report = sub.add_parser(
        "report", help="write the methodology note from the last tracked training run (numbers from MLflow)"
    )
    report.add_argument(
        "--out", default="docs/methodology.md", help="markdown file (default docs/methodology.md)"
    )
    report.add_argument("--run-id", default=None, help="MLflow run of a `train` (default: the latest)")
    report.set_defaults(run=_cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as error:
        print(error.args[0] if error.args else "interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
