"""The `score` command: a folder of new applicants scored through the one scoring path and stored as one
batch: the probabilities the export and the API give, whole or nothing, re-runs add nothing, bad files
named by file, line and column."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from sqlalchemy import func, select

from model_training.__main__ import main
from model_training.batch_scoring import (
    APPLICATION_TABLE,
    SIDE_TABLES,
    Progress,
    batch_digest,
    batch_files,
    database_url,
    score_folder,
    summary_lines,
)
from model_training.credit_file import credit_file_features, validate_credit_file
from model_training.data import read_table
from model_training.errors import InputError
from model_training.features.build import feature_matrix
from model_training.schema import CLIENT_ID
from model_training.scorer import Scorer
from model_training.store import tables as t
from model_training.store.applications import credit_file
from model_training.store.engine import DEFAULT_DATABASE_URL, open_engine

ROOT = Path(__file__).resolve().parents[2]


def _url(folder: Path) -> str:
    return f"sqlite:///{folder / 'app.db'}"


def _stored(url: str, batch: str | None = None) -> pl.DataFrame:
    """SK_ID_CURR, application_id and probability of every stored score (of one batch)."""
    a, s = t.applications.c, t.scores.c
    query = select(a.client_id, a.application_id, s.probability).join_from(
        t.scores, t.applications, a.application_id == s.application_id
    )
    if batch is not None:
        query = query.where(a.batch == batch)
    with open_engine(url).connect() as connection:
        rows = connection.execute(query.order_by(a.client_id)).all()
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema={CLIENT_ID: pl.Int64, "application_id": pl.Int64, "probability": pl.Float64},
        orient="row",
    )


def _counts(url: str) -> tuple[int, int, int]:
    """(batches, applications, scores) in the store."""
    with open_engine(url).connect() as connection:
        return tuple(  # type: ignore[return-value]
            connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (t.batches, t.applications, t.scores)
        )


def _batch_folder(source: Path, target: Path, clients: list[int] | None = None) -> Path:
    """application_test of `source` (only `clients`, when given) as a CSV, and its side tables as they are."""
    target.mkdir(parents=True, exist_ok=True)
    applications = read_table(source, APPLICATION_TABLE)
    if clients is not None:
        applications = applications.filter(pl.col(CLIENT_ID).is_in(clients))
    applications.write_csv(target / "application_test.csv")
    for table, path in batch_files(source).items():
        if table != APPLICATION_TABLE:
            shutil.copy(path, target / path.name)
    return target


# ------------------------------------------------------------------------------------ the scoring path


def test_the_batch_gives_the_probabilities_the_export_gave(
    trained_synthetic_data, trained_artifacts, tmp_path
):
    """The folder training used: its application_test scored again by the command gives, client by
    client, the probabilities `train` exported (1e-9); the labelled clients' side rows are left out."""
    url = _url(tmp_path)
    result = score_folder(
        trained_synthetic_data, trained_artifacts, batch="again", database=url, progress=False
    )
    exported = pl.read_parquet(trained_artifacts / "clients" / "production.parquet").sort(CLIENT_ID)
    stored = _stored(url, "again")
    assert result.applications_added == exported.height == stored.height
    assert stored[CLIENT_ID].to_list() == exported[CLIENT_ID].to_list()
    np.testing.assert_allclose(stored["probability"], exported["probability"], rtol=0, atol=1e-9)
    # the synthetic folder holds the labelled clients' histories too: not this batch's, left out and said so
    assert result.left_out["bureau"] > 0 and result.left_out["installments_payments"] > 0
    lines = summary_lines(result)
    assert any(line.startswith("ignored: ") and "bureau rows of applicants not in" in line for line in lines)
    assert (
        lines[-1]
        == f"batch 'again': {exported.height:,} applications scored and stored in {result.seconds:.1f} s"
    )


def _real_folder() -> Path:
    folder = os.environ.get("HOMECREDIT_DIR")
    if not folder:
        pytest.skip("HOMECREDIT_DIR is not set: no real Home Credit sample")
    return Path(folder)


def _assert_same_records(stored: list[dict], sent: list[dict]) -> None:
    """The same records, fields and nested lists (float32 values, written shortest by the batch)."""
    assert len(stored) == len(sent)
    for mine, theirs in zip(stored, sent, strict=True):
        assert list(mine) == list(theirs)
        for name, value in theirs.items():
            if isinstance(value, list):
                _assert_same_records(mine[name], value)
            elif isinstance(value, float):
                assert mine[name] == pytest.approx(value, rel=1e-6), name
            else:
                assert mine[name] == value, name


def test_on_real_applicants_the_batch_stores_what_the_api_stores_for_their_credit_files(
    trained_artifacts, tmp_path
):
    """Done means of issue 13: real application_test applicants (no model saw them), with their real
    bureau, previous applications and repayments: the batch command's stored probabilities equal those of
    `ApplicationRepository.submit` of the same applicants sent as credit files, to 1e-9; the credit file
    the batch stores for each one is that file (it scores the same again)."""
    from app.applications import ApplicationRepository
    from app.artifacts import load_artifacts
    from model_training.credit_file_sample import credit_file_document, read_sample

    # applicants all of whose repayment rows belong to one of their previous applications: a credit file
    # can only carry those (the sample's side tables were drawn separately)
    from tests.model_training.test_credit_file import _complete_clients

    real = _real_folder()
    tables = read_sample(real)
    test_ids = read_table(real, APPLICATION_TABLE, [CLIENT_ID])[CLIENT_ID].implode()
    candidates = pl.Series(_complete_clients(tables, 100_000))
    clients = candidates.filter(candidates.is_in(test_ids)).head(12).to_list()
    assert len(clients) == 12, "the real sample should hold application_test applicants with full histories"
    folder = _batch_folder(real, tmp_path / "new-applicants", clients)
    batch_url = _url(tmp_path)
    result = score_folder(folder, trained_artifacts, database=batch_url, progress=False)
    assert result.batch == "new-applicants" and result.applications_added == 12
    batch = _stored(batch_url, "new-applicants")

    api_url = _url(tmp_path / "api")
    repository = ApplicationRepository.open(api_url, load_artifacts(trained_artifacts))
    api = {}
    for client in clients:
        document = credit_file_document(client, tables)
        assert document["bureau"] and document["previous_application"]
        stored, _ = repository.submit(document, source="api", by="test")
        api[client] = stored.scores[-1].probability
    assert batch[CLIENT_ID].to_list() == sorted(clients)
    np.testing.assert_allclose(batch["probability"], [api[c] for c in sorted(clients)], rtol=0, atol=1e-9)

    scorer, _ = Scorer.from_artifacts(trained_artifacts)
    engine = open_engine(batch_url)
    for client, application_id, probability in batch.iter_rows():
        file = credit_file(engine, application_id)
        sent = credit_file_document(client, tables)
        assert file is not None
        _assert_same_records(file["bureau"], sent["bureau"])
        _assert_same_records(file["previous_application"], sent["previous_application"])
        features = feature_matrix(credit_file_features(validate_credit_file(file)), scorer.feature_names)
        again = scorer.probabilities(features.to_numpy().astype(np.float32))[0]
        assert again == pytest.approx(probability, abs=1e-9)


def test_an_applicant_without_side_tables_is_scored_without_history(
    trained_synthetic_data, trained_artifacts, tmp_path
):
    """Side tables are optional: without them an applicant has no history, as the API scores an application
    sent alone; the stored credit file has empty lists."""
    folder = tmp_path / "alone"
    folder.mkdir()
    applications = read_table(trained_synthetic_data, APPLICATION_TABLE).head(5)
    applications.write_csv(folder / "application_test.csv")
    url = _url(tmp_path)
    score_folder(folder, trained_artifacts, database=url, progress=False)
    stored = _stored(url)
    scorer, _ = Scorer.from_artifacts(trained_artifacts)
    engine = open_engine(url)
    for row, (client, application_id, probability) in zip(
        applications.iter_rows(named=True), stored.iter_rows(), strict=True
    ):
        assert client == row[CLIENT_ID]
        alone = validate_credit_file({"application": {k: v for k, v in row.items() if v is not None}})
        features = feature_matrix(credit_file_features(alone), scorer.feature_names).to_numpy()
        assert scorer.probabilities(features.astype(np.float32))[0] == pytest.approx(probability, abs=1e-9)
        file = credit_file(engine, application_id)
        assert file is not None and file["application"][CLIENT_ID] == client
        assert (file["bureau"], file["previous_application"]) == ([], [])


def test_repayments_of_previous_applications_not_sent_count_but_are_said(
    trained_synthetic_data, trained_artifacts, tmp_path
):
    """Without previous_application, the applicants' repayment rows still make their repayment features
    (as in training) but belong to no previous application of a credit file: counted and said."""
    folder = _batch_folder(trained_synthetic_data, tmp_path / "no-previous")
    (folder / "previous_application.csv.gz").unlink()
    ids = read_table(folder, APPLICATION_TABLE, [CLIENT_ID])[CLIENT_ID].implode()
    repayments = sum(
        read_table(folder, table, [CLIENT_ID]).filter(pl.col(CLIENT_ID).is_in(ids)).height
        for table in ("POS_CASH_balance", "installments_payments", "credit_card_balance")
    )
    result = score_folder(folder, trained_artifacts, database=_url(tmp_path), progress=False)
    assert repayments > 0 and result.unattached_repayments == repayments
    assert f"note: {repayments:,} repayment rows belong to no previous application" in "\n".join(
        summary_lines(result)
    )


# ------------------------------------------------------------------------------------ once, whole or not


def test_running_the_same_batch_again_stores_nothing(
    trained_synthetic_data, trained_artifacts, tmp_path, capsys, fresh_database
):
    folder = _batch_folder(trained_synthetic_data, tmp_path / "june")
    url = fresh_database  # SQLite and PostgreSQL
    assert (
        main(["score", "--data", str(folder), "--artifacts", str(trained_artifacts), "--database", url]) == 0
    )
    first = _counts(url)
    capsys.readouterr()
    assert (
        main(["score", "--data", str(folder), "--artifacts", str(trained_artifacts), "--database", url]) == 0
    )
    out = capsys.readouterr().out
    assert _counts(url) == first
    assert out.strip().splitlines()[-1] == f"batch 'june': already stored: {first[1]:,} applications, 0 added"


def test_another_folder_under_a_batch_name_in_use_is_refused(
    trained_synthetic_data, trained_artifacts, tmp_path, capsys, fresh_database
):
    url = fresh_database
    first = _batch_folder(trained_synthetic_data, tmp_path / "a")
    score_folder(first, trained_artifacts, batch="monday", database=url, progress=False)
    before = _counts(url)
    other = _batch_folder(trained_synthetic_data, tmp_path / "b")
    (other / "bureau.csv.gz").unlink()
    arguments = ["score", "--data", str(other), "--artifacts", str(trained_artifacts), "--database", url]
    error = _refused([*arguments[1:], "--batch", "monday"], url, capsys)
    assert error == (
        "error: batch 'monday' was stored from other files; give this folder another batch name (--batch)"
    )
    assert _counts(url) == before
    # a batch the API or the export made is never extended by a folder
    assert main([*arguments, "--batch", "export-x"]) == 0
    with open_engine(url).begin() as connection:
        connection.execute(t.batches.update().where(t.batches.c.name == "export-x").values(source="export"))
    with pytest.raises(InputError, match=r"^batch 'export-x' holds applications received by export; give"):
        score_folder(first, trained_artifacts, batch="export-x", database=url, progress=False)


def _bad_application_csv(source: Path, folder: Path, edit) -> Path:
    """A batch folder whose application_test.csv is the source's, its lines changed by `edit`."""
    folder.mkdir(parents=True, exist_ok=True)
    read_table(source, APPLICATION_TABLE).head(20).write_csv(folder / "application_test.csv")
    lines = (folder / "application_test.csv").read_text().splitlines(keepends=True)
    (folder / "application_test.csv").write_text("".join(edit(lines)))
    return folder


def _with_abc_on_line_7(lines: list[str]) -> list[str]:
    header = lines[0].rstrip("\n").split(",")
    fields = lines[6].rstrip("\n").split(",")
    fields[header.index("AMT_CREDIT")] = "abc"
    return [*lines[:6], ",".join(fields) + "\n", *lines[7:]]


def _with_line_9_repeating_line_3(lines: list[str]) -> list[str]:
    return [*lines[:8], lines[2], *lines[9:]]


def _cut_in_line_12(lines: list[str]) -> list[str]:
    return [*lines[:11], lines[11][: len(lines[11]) // 2]]


BAD_APPLICATIONS = {
    "a word in a number column": (
        _with_abc_on_line_7,
        "error: application_test.csv: column AMT_CREDIT must hold numbers; line 7 has 'abc'",
    ),
    "a repeated applicant": (_with_line_9_repeating_line_3, "appears more than once (lines 3 and 9)"),
    "a file cut in the middle of a row": (
        _cut_in_line_12,
        "error: application_test.csv: line 12 has ",
    ),
}


@pytest.fixture()
def store_in_use(trained_synthetic_data, trained_artifacts, tmp_path) -> str:
    """A database already holding one batch: a refused run must leave it as it was."""
    url = _url(tmp_path)
    folder = tmp_path / "earlier"
    folder.mkdir()
    read_table(trained_synthetic_data, APPLICATION_TABLE).head(3).write_csv(folder / "application_test.csv")
    score_folder(folder, trained_artifacts, database=url, progress=False)
    return url


def _refused(arguments: list[str], url: str, capsys) -> str:
    before = _counts(url)
    assert main(["score", *arguments, "--database", url]) == 2
    captured = capsys.readouterr()
    assert _counts(url) == before, "nothing stored"
    assert all(line.startswith("score: [") for line in captured.out.splitlines()), "steps only"
    error = captured.err.strip().splitlines()
    assert len(error) == 1, f"one line: {error}"
    return error[0]


@pytest.mark.parametrize("case", list(BAD_APPLICATIONS))
def test_a_bad_application_file_is_named_by_line_and_column_and_nothing_is_stored(
    case, store_in_use, trained_synthetic_data, trained_artifacts, tmp_path, capsys
):
    edit, expected = BAD_APPLICATIONS[case]
    folder = _bad_application_csv(trained_synthetic_data, tmp_path / "bad", edit)
    error = _refused(["--data", str(folder), "--artifacts", str(trained_artifacts)], store_in_use, capsys)
    assert expected in error
    if case == "a file cut in the middle of a row":
        assert "(line 1 is the header): the file is cut in the middle of that row" in error


def test_a_bad_side_table_row_is_named_and_nothing_is_stored(
    store_in_use, trained_synthetic_data, trained_artifacts, tmp_path, capsys
):
    folder = tmp_path / "bad-bureau"
    folder.mkdir()
    applications = read_table(trained_synthetic_data, APPLICATION_TABLE).head(20)
    applications.write_csv(folder / "application_test.csv")
    bureau = (
        read_table(trained_synthetic_data, "bureau")
        .head(10)
        .with_columns(pl.col("AMT_CREDIT_SUM").cast(pl.String))
    )
    bureau.with_columns(
        pl.when(pl.int_range(pl.len()) == 4)
        .then(pl.lit("1O00"))
        .otherwise(pl.col("AMT_CREDIT_SUM"))
        .alias("AMT_CREDIT_SUM")
    ).write_csv(folder / "bureau.csv")
    error = _refused(["--data", str(folder), "--artifacts", str(trained_artifacts)], store_in_use, capsys)
    assert error == "error: bureau.csv: column AMT_CREDIT_SUM must hold numbers; line 6 has '1O00'"


def test_a_cut_gzip_file_a_missing_application_file_and_artifacts_without_model_are_refused(
    store_in_use, trained_synthetic_data, trained_artifacts, tmp_path, capsys
):
    cut = _batch_folder(trained_synthetic_data, tmp_path / "cut")
    whole = (trained_synthetic_data / "installments_payments.csv.gz").read_bytes()
    (cut / "installments_payments.csv.gz").write_bytes(whole[: len(whole) // 2])
    error = _refused(["--data", str(cut), "--artifacts", str(trained_artifacts)], store_in_use, capsys)
    assert error == (
        "error: installments_payments.csv.gz: the compressed file is cut short (it ends in the middle of its "
        "data); send the whole file again"
    )

    empty = tmp_path / "empty"
    empty.mkdir()
    shutil.copy(trained_synthetic_data / "bureau.csv.gz", empty)
    error = _refused(["--data", str(empty), "--artifacts", str(trained_artifacts)], store_in_use, capsys)
    assert error.startswith(f"error: {empty}: missing table application_test")

    no_model = tmp_path / "artifacts"
    no_model.mkdir()
    shutil.copy(trained_artifacts / "serving.json", no_model)
    error = _refused(["--data", str(cut), "--artifacts", str(no_model)], store_in_use, capsys)
    assert error == (
        f"error: artifacts folder {no_model} holds no exported model (missing booster.txt); "
        "export one with `python -m model_training train`"
    )
    error = _refused(
        ["--data", str(tmp_path / "nowhere"), "--artifacts", str(trained_artifacts)], store_in_use, capsys
    )
    assert error == f"error: data folder {tmp_path / 'nowhere'} does not exist or is not a folder"


def test_an_unusable_database_or_booster_is_one_line(
    trained_synthetic_data, trained_artifacts, tmp_path, capsys
):
    folder = tmp_path / "few"
    folder.mkdir()
    read_table(trained_synthetic_data, APPLICATION_TABLE).head(3).write_csv(folder / "application_test.csv")
    arguments = ["score", "--data", str(folder), "--artifacts", str(trained_artifacts)]
    assert main([*arguments, "--database", "not a url"]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: database URL: not one SQLAlchemy can open "
        "(Could not parse SQLAlchemy URL from given URL string)"
    )
    blocked = tmp_path / "file"
    blocked.write_text("")
    assert main([*arguments, "--database", f"sqlite:///{blocked}/app.db"]) == 2
    assert capsys.readouterr().err.strip().startswith(f"error: database sqlite:///{blocked}/app.db: ")

    broken = tmp_path / "broken"
    broken.mkdir()
    shutil.copy(trained_artifacts / "serving.json", broken)
    (broken / "booster.txt").write_text("not a model\n")
    assert (
        main(["score", "--data", str(folder), "--artifacts", str(broken), "--database", _url(tmp_path)]) == 2
    )
    assert (
        capsys.readouterr()
        .err.strip()
        .startswith(f"error: artifacts folder {broken}: booster.txt is not a LightGBM model")
    )


def test_the_credit_files_nest_the_tables_as_the_api_takes_them():
    from model_training.batch_scoring import CHILDREN
    from model_training.credit_file import _CHILDREN

    assert CHILDREN == _CHILDREN


# ----------------------------------------------------------------------------------------- the command


def test_the_command_prints_one_line_per_step_and_nothing_else_when_not_on_a_terminal(
    trained_synthetic_data, trained_artifacts, tmp_path
):
    folder = _batch_folder(trained_synthetic_data, tmp_path / "2026-07")
    url = _url(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    arguments = ["--data", str(folder), "--artifacts", str(trained_artifacts), "--database", url]
    done = subprocess.run(
        [sys.executable, "-m", "model_training", "score", *arguments],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", "no third-party noise"
    lines = done.stdout.strip().splitlines()
    steps = [line for line in lines if line.startswith("score: [")]
    summary = lines[-1]
    assert all(line.startswith(("score: [", "ignored: ", "batch ")) for line in lines), lines
    side = ["bureau_balance", "bureau", *SIDE_TABLES[2:]]  # the order build_features reads them in
    names = ["checking files", APPLICATION_TABLE, *side, "credit files", "scoring", "storing"]
    assert [line.split("] ")[1].rsplit(" (", 1)[0] for line in steps] == names
    assert all(line.startswith(f"score: [{i}/{len(names)}] ") for i, line in enumerate(steps, start=1))
    assert summary.startswith("batch '2026-07': ")


def test_progress_draws_a_bar_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = Progress(3, stream=stream)
    for name in ("reading", "scoring", "storing"):
        progress.step(name)
    progress.close()
    shown = stream.getvalue()
    assert "score: storing 2/3 steps [00:00 elapsed, 00:00 left]" in shown
    assert "score: [" not in shown


def test_the_database_is_the_option_else_database_url_else_the_apps_default(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////elsewhere/app.db")
    assert database_url("postgresql://db/credit") == "postgresql://db/credit"
    assert database_url(None) == "sqlite:////elsewhere/app.db"
    monkeypatch.delenv("DATABASE_URL")
    assert database_url(None) == DEFAULT_DATABASE_URL == f"sqlite:///{ROOT / 'data' / 'app.db'}"


def test_the_digest_is_that_of_the_files_bytes_wherever_the_folder_is(trained_synthetic_data, tmp_path):
    one = _batch_folder(trained_synthetic_data, tmp_path / "one")
    two = tmp_path / "two"
    shutil.copytree(one, two)
    assert batch_digest(batch_files(one)) == batch_digest(batch_files(two))
    (two / "application_test.csv").write_text((one / "application_test.csv").read_text() + "\n")
    assert batch_digest(batch_files(one)) != batch_digest(batch_files(two))


def test_stored_reasons_are_written_as_the_contract_encodes_them():
    """`reasons_json` reads a reason field by field (a batch writes 48,744 of them): the same text as the
    contract's generic `encode`, missing values and tiny contributions included."""
    import json

    from model_training.contract._base import encode
    from model_training.scorer import strongest_reasons
    from model_training.store.applications import reasons_json

    rng = np.random.default_rng(5)
    contributions = rng.normal(size=30) * np.logspace(-300, 2, 30)
    values = np.where(rng.random(30) < 0.3, np.nan, rng.normal(size=30)).astype(np.float32)
    reasons = strongest_reasons(contributions, values, [f"F{i}" for i in range(30)])
    assert len(reasons) == 10
    assert reasons_json(reasons) == json.dumps(encode(reasons), separators=(",", ":"))


def _without_annuity_on_lines_4_and_6(lines: list[str]) -> list[str]:
    header = lines[0].rstrip("\n").split(",")
    edited = list(lines)
    for number in (4, 6):
        fields = lines[number - 1].rstrip("\n").split(",")
        fields[header.index("AMT_ANNUITY")] = ""
        edited[number - 1] = ",".join(fields) + "\n"
    return edited


def test_incomplete_applicants_get_no_decision_the_batch_is_refused_naming_their_lines(
    store_in_use, trained_synthetic_data, trained_artifacts, tmp_path, capsys
):
    folder = _bad_application_csv(
        trained_synthetic_data, tmp_path / "incomplete", _without_annuity_on_lines_4_and_6
    )
    ids = read_table(folder, APPLICATION_TABLE).get_column(CLIENT_ID).to_list()
    error = _refused(["--data", str(folder), "--artifacts", str(trained_artifacts)], store_in_use, capsys)
    assert error == (
        "error: application_test.csv: 2 incomplete application(s), which get no decision: "
        f"line 4 (SK_ID_CURR {ids[2]}): missing AMT_ANNUITY; "
        f"line 6 (SK_ID_CURR {ids[4]}): missing AMT_ANNUITY. "
        "Complete them, or store the others with --leave-out-incomplete"
    )


def test_leaving_incomplete_applicants_out_stores_the_others_and_lists_them(
    store_in_use, trained_synthetic_data, trained_artifacts, tmp_path, capsys
):
    folder = _bad_application_csv(
        trained_synthetic_data, tmp_path / "incomplete", _without_annuity_on_lines_4_and_6
    )
    ids = read_table(folder, APPLICATION_TABLE).get_column(CLIENT_ID).to_list()
    arguments = [
        "score",
        "--data",
        str(folder),
        "--artifacts",
        str(trained_artifacts),
        "--database",
        store_in_use,
    ]
    assert main([*arguments, "--leave-out-incomplete", "--batch", "partial"]) == 0
    out = capsys.readouterr().out
    assert f"left out: 2 incomplete application(s), no decision: line 4 (SK_ID_CURR {ids[2]})" in out
    stored = _stored(store_in_use, "partial").get_column(CLIENT_ID).to_list()
    assert stored == sorted(set(ids) - {ids[2], ids[4]})


def test_a_batch_keeps_the_day_its_applications_arrived(
    trained_synthetic_data, trained_artifacts, tmp_path, capsys, fresh_database
):
    url = fresh_database
    folder = _batch_folder(trained_synthetic_data, tmp_path / "march", clients=None)
    arguments = ["score", "--data", str(folder), "--artifacts", str(trained_artifacts), "--database", url]
    assert main([*arguments, "--received", "2026-03-01"]) == 0
    with open_engine(url).connect() as connection:
        days = connection.execute(
            select(func.min(t.applications.c.received_at), func.max(t.applications.c.received_at))
        ).one()
    assert {str(day)[:10] for day in days} == {"2026-03-01"}
    with pytest.raises(SystemExit):
        main([*arguments, "--received", "2999-01-01"])
    assert "is in the future" in capsys.readouterr().err
