"""The app's applications repository on a real database: the export becomes the first batch, a new file is
stored and scored once, another server sees it, another model adds its scores beside the first one's."""

from __future__ import annotations

import json
import shutil

import numpy as np
import polars as pl
import pytest

from app.applications import EXPORT_BATCH, ApplicationRepository
from app.artifacts import load_artifacts
from app.scoring import ScoringService
from model_training.credit_file import CreditFileError
from model_training.schema import CLIENT_ID
from model_training.store import applications as store
from model_training.store import tables


@pytest.fixture(scope="module")
def artifacts(trained_artifacts):
    return load_artifacts(trained_artifacts)


@pytest.fixture
def database(fresh_database) -> str:
    return fresh_database


def _file(repository: ApplicationRepository, client_id: int) -> dict:
    """An exported client's application sent again as a credit file without SK_ID_CURR (a new client)."""
    fields = repository.application_fields(client_id) or {}
    application = {k: v for k, v in fields.items() if v is not None and k != CLIENT_ID}
    bureau = [
        {"CREDIT_ACTIVE": "Active", "AMT_CREDIT_SUM": 50_000.0, "DAYS_CREDIT": -400, "bureau_balance": []}
    ]
    return {"application": application, "bureau": bureau}


def test_the_exported_clients_are_the_first_batch_with_the_exported_scores(artifacts, database):
    repository = ApplicationRepository.open(database, artifacts)
    frame = repository.frame()
    exported = artifacts.production.sort(CLIENT_ID)
    assert frame.get_column(CLIENT_ID).to_list() == exported.get_column(CLIENT_ID).to_list()
    assert set(frame.get_column("batch")) == {EXPORT_BATCH} and set(frame["source"]) == {"export"}
    assert np.allclose(
        frame["probability"].to_numpy(), exported["probability"].to_numpy(), rtol=0, atol=1e-12
    )
    cid = int(exported[CLIENT_ID][0])
    assert np.array_equal(repository.features(cid), artifacts.production_features.row(cid), equal_nan=True)
    stored = repository.application_fields(cid)
    original = artifacts.production_applications.filter(pl.col(CLIENT_ID) == cid).row(0, named=True)
    assert stored == original
    again = ApplicationRepository.open(database, artifacts)  # a second worker or server: nothing twice
    assert again.frame().height == frame.height


def test_a_file_is_stored_scored_once_and_seen_by_another_server(artifacts, database):
    first = ApplicationRepository.open(database, artifacts)
    other = ApplicationRepository.open(database, artifacts)
    cid = int(artifacts.production[CLIENT_ID][0])
    document = _file(first, cid)
    application, created = first.submit(document, source="api", by="advisor")
    assert created and application.client_id >= tables.NEW_CLIENT_BASE
    score = application.scores[0]
    service = ScoringService(artifacts, first)
    assert service.score_client(application.client_id).probability == pytest.approx(
        score.probability, abs=1e-12
    )
    assert other.view(force=True).frame.filter(pl.col(CLIENT_ID) == application.client_id).height == 1
    assert store.credit_file(first.engine, application.application_id) == json.loads(json.dumps(document))
    assert (
        first.application_fields(application.client_id)["AMT_CREDIT"] == document["application"]["AMT_CREDIT"]
    )


def test_an_incomplete_file_is_refused_and_nothing_is_stored(artifacts, database):
    repository = ApplicationRepository.open(database, artifacts)
    before = repository.frame().height
    with pytest.raises(
        CreditFileError, match="incomplete application: missing NAME_CONTRACT_TYPE, AMT_INCOME_TOTAL"
    ):
        repository.submit({"application": {"AMT_CREDIT": 1e5}}, source="api", by="advisor")
    assert repository.view(force=True).frame.height == before


def test_the_human_decision_in_force_joins_the_portfolio(artifacts, database):
    repository = ApplicationRepository.open(database, artifacts)
    row = repository.frame().row(0, named=True)
    other = "accept" if row["decision"] == "refuse" else "refuse"
    repository.decide(row["application_id"], other, "income proven since", "advisor")
    decided = repository.frame().filter(pl.col("application_id") == row["application_id"]).row(0, named=True)
    assert (decided["final_decision"], decided["follows_model"], decided["decided_by"]) == (
        other,
        False,
        "advisor",
    )
    assert decided["decision"] == row["decision"] and decided["probability"] == row["probability"]


def test_another_model_adds_its_scores_and_each_model_reads_its_own(
    artifacts, trained_artifacts, tmp_path, database
):
    first = ApplicationRepository.open(database, artifacts)
    newer_folder = tmp_path / "newer"
    shutil.copytree(trained_artifacts, newer_folder)
    card = json.loads((newer_folder / "serving.json").read_text())
    card["model"]["version"] = "99"
    (newer_folder / "serving.json").write_text(json.dumps(card))
    newer = ApplicationRepository.open(database, load_artifacts(newer_folder))
    assert newer.model.version == "99" and newer.frame().height == first.frame().height
    application_id = int(first.frame()["application_id"][0])
    stored = first.read(application_id)
    assert stored is not None and [s.model_version for s in stored.scores] == [first.model.version, "99"]
    assert stored.scores[0].probability == pytest.approx(stored.scores[1].probability, abs=1e-12)


def test_a_model_trained_on_other_clients_gets_its_own_export_batch(
    artifacts, trained_artifacts, tmp_path, database
):
    first = ApplicationRepository.open(database, artifacts)
    other_folder = tmp_path / "other"
    shutil.copytree(trained_artifacts, other_folder)
    kept = artifacts.production[CLIENT_ID].head(10)
    for name in ("production", "production_features", "production_applications"):
        path = other_folder / "clients" / f"{name}.parquet"
        pl.read_parquet(path).filter(pl.col(CLIENT_ID).is_in(kept)).write_parquet(path)
    other = ApplicationRepository.open(database, load_artifacts(other_folder))
    batches = {b["name"]: b for b in store.batch_names(first.engine)}
    assert set(batches) == {EXPORT_BATCH, next(n for n in batches if n.startswith(f"{EXPORT_BATCH}-"))}
    assert {b["source"] for b in batches.values()} == {"export"}
    assert other.frame().height == first.frame().height  # the same model: it reads every client it scored
