"""Spark in local mode (local[2]) against the single-process path, on the real sample (HOMECREDIT_DIR).

One Spark run per module (`spark-score` with --features-out); then every feature column of every
applicant must equal what the `score` command computes (nulls at the same places, values to 1e-9), and the
scores loaded into a store by `load-scores` must equal those `score` stores (probabilities to 1e-9, the
same decisions, reasons and feature rows). Without Java the module is skipped saying so, or fails under
CI_REQUIRE_BACKENDS=1 (CI installs Java 17).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from model_training.__main__ import main
from model_training.errors import InputError
from model_training.schema import CLIENT_ID

ROOT = Path(__file__).resolve().parents[2]
PARTITIONS = 2
TOLERANCE = 1e-9


def _java_or_skip() -> None:
    from model_training.spark.session import SparkUnavailable, check_pyspark, java_home

    try:
        check_pyspark()
        java_home()
    except SparkUnavailable as missing:
        if os.environ.get("CI_REQUIRE_BACKENDS", "").strip() == "1":
            pytest.fail(f"CI_REQUIRE_BACKENDS=1 but Spark cannot run: {missing}", pytrace=False)
        pytest.skip(f"Spark cannot run here: {missing}")


@pytest.fixture(scope="module")
def real_sample() -> Path:
    folder = os.environ.get("HOMECREDIT_DIR")
    if not folder:
        pytest.skip("HOMECREDIT_DIR is not set: no real Home Credit sample")
    return Path(folder)


@pytest.fixture(scope="module")
def spark():
    _java_or_skip()
    from model_training.spark.session import spark_session

    session = spark_session("local[2]", PARTITIONS)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def spark_run(spark, real_sample, trained_artifacts, tmp_path_factory):
    """(manifest, scores folder, features folder) of one Spark run on the real sample."""
    from model_training.spark.scoring import score_portfolio

    out = tmp_path_factory.mktemp("spark_scores")
    scores, features = out / "scores", out / "features"
    manifest = score_portfolio(
        spark,
        str(real_sample),
        trained_artifacts,
        str(scores),
        partitions=PARTITIONS,
        master="local[2]",
        features_out=str(features),
    )
    return manifest, scores, features


@pytest.fixture(scope="module")
def single_process_features(real_sample) -> pl.DataFrame:
    """Every applicant's features as the `score` command computes them (its own functions, in its order)."""
    from model_training.batch_scoring import APPLICATION_TABLE, BatchTables, Progress, batch_files
    from model_training.data import read_table
    from model_training.features.application import application_columns, application_features
    from model_training.features.build import side_features, with_side_features

    files = batch_files(real_sample)
    applications = read_table(real_sample, APPLICATION_TABLE)
    applicants = application_features(applications.select(application_columns(APPLICATION_TABLE)))
    tables = BatchTables(
        files, applications.get_column(CLIENT_ID), keep_records=False, progress=Progress(10, enabled=False)
    )
    return with_side_features(applicants, side_features(tables))


def _stored_scores(database: str) -> pl.DataFrame:
    from sqlalchemy import create_engine, select

    from model_training.store import tables as t

    a, s = t.applications.c, t.scores.c
    query = select(
        a.client_id, a.batch, a.application, s.probability, s.decision, s.reasons, s.features
    ).join_from(t.scores, t.applications, a.application_id == s.application_id)
    engine = create_engine(database)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    engine.dispose()
    frame = pl.DataFrame(
        [tuple(r) for r in rows],
        schema=["client_id", "batch", "application", "probability", "decision", "reasons", "features"],
        orient="row",
    )
    return frame.sort("client_id")


@pytest.fixture(scope="module")
def score_command_database(real_sample, trained_artifacts, tmp_path_factory) -> str:
    """The real sample scored and stored by the `score` command (credit files left out, as Spark's are)."""
    from model_training.batch_scoring import score_folder

    database = f"sqlite:///{tmp_path_factory.mktemp('score_db') / 'app.db'}"
    score_folder(
        real_sample,
        trained_artifacts,
        database=database,
        keep_records=False,
        progress=False,
        leave_out_incomplete=True,
    )
    return database


def test_features_equal_the_single_process_path(spark_run, single_process_features):
    _, _, features = spark_run
    spark_features = pl.read_parquet(sorted(features.glob("*.parquet"))).sort(CLIENT_ID)
    expected = single_process_features.sort(CLIENT_ID)
    assert spark_features.columns == expected.columns
    assert spark_features.schema == expected.schema
    assert spark_features.height == expected.height == 48_744
    assert spark_features.get_column(CLIENT_ID).equals(expected.get_column(CLIENT_ID))
    differences = {}
    for name in expected.columns:
        mine, theirs = spark_features.get_column(name), expected.get_column(name)
        assert mine.is_null().equals(theirs.is_null()), f"{name}: missing at other places"
        gap = (mine.cast(pl.Float64) - theirs.cast(pl.Float64)).abs().max()
        differences[name] = float(gap) if gap is not None else 0.0  # type: ignore[arg-type]
    worst = max(differences, key=differences.__getitem__)
    print(f"features: {len(differences)} columns, max abs difference {differences[worst]:.3g} ({worst})")
    assert differences[worst] <= TOLERANCE


def test_loaded_scores_equal_those_score_stores(
    spark_run, trained_artifacts, score_command_database, tmp_path, capsys
):
    manifest, scores, _ = spark_run
    assert manifest.applicants == 48_744
    assert manifest.incomplete == 24  # the real application_test: 24 applicants lack AMT_ANNUITY
    database = f"sqlite:///{tmp_path / 'spark.db'}"
    code = main(
        [
            "load-scores",
            "--scores",
            str(scores),
            "--artifacts",
            str(trained_artifacts),
            "--database",
            database,
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "left out: 24 incomplete application(s)" in out
    assert "48,720 applications and 48,720 scores stored" in out

    loaded, stored = _stored_scores(database), _stored_scores(score_command_database)
    assert loaded.height == stored.height == 48_720
    assert loaded.get_column("client_id").equals(stored.get_column("client_id"))
    assert loaded.get_column("batch").unique().to_list() == stored.get_column("batch").unique().to_list()
    gap = (loaded.get_column("probability") - stored.get_column("probability")).abs().max()
    print(f"probabilities: {loaded.height:,} applicants, max abs difference {gap:.3g}")
    assert gap is not None and gap <= TOLERANCE  # type: ignore[operator]
    assert loaded.get_column("decision").equals(stored.get_column("decision"))
    assert loaded.get_column("features").equals(stored.get_column("features"))
    assert loaded.get_column("reasons").equals(stored.get_column("reasons"))  # the same JSON, to the bit
    assert loaded.get_column("application").equals(stored.get_column("application"))

    # the same scores again add nothing; in the store `score` filled (the same files: the same digest and
    # batch name) they are recognised as that batch
    for again in (database, score_command_database):
        main(
            [
                "load-scores",
                "--scores",
                str(scores),
                "--artifacts",
                str(trained_artifacts),
                "--database",
                again,
            ]
        )
        assert "already stored: 48,720 applications, 0 added" in capsys.readouterr().out


def _refused(arguments: list[str], capsys) -> str:
    assert main(arguments) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


def test_load_scores_refuses_what_is_not_our_scores(spark_run, trained_artifacts, tmp_path, capsys):
    _, scores, features = spark_run
    base = [
        "load-scores",
        "--artifacts",
        str(trained_artifacts),
        "--database",
        f"sqlite:///{tmp_path / 'x.db'}",
    ]
    missing = _refused([*base, "--scores", str(tmp_path / "nowhere")], capsys)
    assert "scores folder" in missing and "does not exist" in missing
    assert "no scores written by spark-score" in _refused([*base, "--scores", str(features)], capsys)

    cut = tmp_path / "cut"
    shutil.copytree(scores, cut)
    sorted(cut.glob("*.parquet"))[0].unlink()
    assert "a Parquet file is missing" in _refused([*base, "--scores", str(cut)], capsys)

    foreign = tmp_path / "foreign"
    shutil.copytree(scores, foreign)
    for part in foreign.glob("*.parquet"):
        pl.read_parquet(part).drop("reasons").write_parquet(part)
    assert "not spark-score's Parquet: column reasons (missing)" in _refused(
        [*base, "--scores", str(foreign)], capsys
    )

    other_model = tmp_path / "other_model"
    shutil.copytree(trained_artifacts, other_model, ignore=shutil.ignore_patterns("clients", "model"))
    card = json.loads((other_model / "serving.json").read_text())
    card["model"]["version"] = "99"
    (other_model / "serving.json").write_text(json.dumps(card))
    refused = _refused(
        ["load-scores", "--scores", str(scores), "--artifacts", str(other_model), "--database", base[-1]],
        capsys,
    )
    assert "was scored by credit-scoring v" in refused and "serves credit-scoring v99" in refused


def test_spark_score_arguments_are_checked_before_spark_starts(
    trained_artifacts, real_sample, tmp_path, capsys
):
    base = ["spark-score", "--artifacts", str(trained_artifacts), "--out", str(tmp_path / "out")]
    for bad, said in (
        (["--partitions", "0"], "--partitions: expected a number above 0, got 0"),
        (["--master", "local[two]"], "--master: expected local, local[N], local[*], yarn"),
    ):
        with pytest.raises(SystemExit) as stopped:
            main([*base, "--data", str(real_sample), *bad])
        assert stopped.value.code == 2
        assert said in capsys.readouterr().err
    assert "data folder" in _refused([*base, "--data", str(tmp_path / "nowhere")], capsys)
    assert "missing table application_test" in _refused([*base, "--data", str(tmp_path)], capsys)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    taken = [*base[:-1], str(tmp_path / "taken"), "--data", str(real_sample)]
    assert "already holds other files" in _refused(taken, capsys)
    no_model = [
        "spark-score",
        "--artifacts",
        str(tmp_path),
        "--out",
        str(tmp_path / "o"),
        "--data",
        str(real_sample),
    ]
    assert "holds no exported model" in _refused(no_model, capsys)


def _cli(arguments: list[str], env: dict[str, str], prelude: str = "") -> subprocess.CompletedProcess:
    code = f"{prelude}import sys; from model_training.__main__ import main; sys.exit(main({arguments!r}))"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_without_java_or_pyspark_one_line_names_what_to_install(trained_artifacts, real_sample, tmp_path):
    arguments = ["spark-score", "--data", str(real_sample), "--artifacts", str(trained_artifacts)]
    arguments += ["--out", str(tmp_path / "out")]
    no_java = _cli(arguments, {**os.environ, "JAVA_HOME": str(tmp_path / "no-java")})
    assert no_java.returncode == 2
    java = tmp_path / "no-java"
    assert no_java.stderr.strip().splitlines() == [
        f"error: JAVA_HOME={java} holds no usable Java ({java / 'bin' / 'java'} does not run): install "
        "Java 17 with `apt-get install openjdk-17-jre-headless` or point JAVA_HOME at one"
    ]
    no_pyspark = _cli(arguments, dict(os.environ), prelude="import sys; sys.modules['pyspark'] = None; ")
    assert no_pyspark.returncode == 2
    assert no_pyspark.stderr.strip().splitlines() == [
        "error: pyspark is not installed: install it with `pip install -r requirements-spark.txt`"
    ]
    assert not (tmp_path / "out").exists()


def test_a_value_spark_cannot_parse_is_one_line(spark, trained_artifacts, real_sample, tmp_path):
    from model_training.spark.scoring import score_portfolio

    folder = tmp_path / "bad"
    folder.mkdir()
    lines = (real_sample / "application_test.csv.gz").open("rb").read()
    import gzip

    text = gzip.decompress(lines).decode().splitlines()[:20]
    header = text[0].split(",")
    row = text[5].split(",")
    row[header.index("AMT_CREDIT")] = "abc"
    text[5] = ",".join(row)
    (folder / "application_test.csv").write_text("\n".join(text) + "\n")
    with pytest.raises(InputError) as refused:
        score_portfolio(spark, str(folder), trained_artifacts, str(tmp_path / "out"), partitions=PARTITIONS)
    assert str(refused.value) == (
        f"spark-score on {folder}: reading application_test.csv; a row does not fit the Kaggle column types "
        '(FAILFAST parse); For input string: "abc"'
    )


def test_scored_partition_matches_the_scorer_on_the_same_rows(spark_run, trained_artifacts):
    """The probabilities written are Scorer.probabilities of the written feature rows (no other path)."""
    from model_training.scorer import Scorer

    _, scores, _ = spark_run
    written = pl.read_parquet(sorted(scores.glob("*.parquet"))).filter("complete").head(500)
    scorer, _ = Scorer.from_artifacts(trained_artifacts)
    matrix = np.vstack([np.frombuffer(b, dtype="<f4") for b in written.get_column("features")])
    assert (
        np.abs(scorer.probabilities(matrix) - written.get_column("probability").to_numpy()).max() <= TOLERANCE
    )
