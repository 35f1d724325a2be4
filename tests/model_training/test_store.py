"""The applications store on a real SQLite database: whole batches or nothing, nothing overwritten,
idempotent intake, typed records back."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import numpy as np
import polars as pl
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from model_training.contract import Reason, StoredApplication
from model_training.contract.monitoring import BATCH_DRIFT, BatchDrift, FeatureDrift
from model_training.data import typed_frame
from model_training.export import describe_clients
from model_training.scorer import ModelIdentity
from model_training.store import applications as store
from model_training.store import tables
from model_training.store.engine import open_engine

MODEL = ModelIdentity("credit-scoring", "1", "run-1", 0.1)
WIDTH = 7


@pytest.fixture
def engine(fresh_database):
    """A new store, on SQLite and PostgreSQL."""
    db = open_engine(fresh_database)
    store.ensure_schema(db)
    return db


def _rows(client_ids: list[int | None], seed: int = 0) -> pl.DataFrame:
    """Scored applications as writers hand them over (random values: the store keeps them, never computes)."""
    rng = np.random.default_rng(seed)
    applications = typed_frame(
        "application_test",
        [
            {
                "SK_ID_CURR": cid or 0,
                "AMT_INCOME_TOTAL": 1e5 + i,
                "AMT_CREDIT": 2e5,
                "DAYS_BIRTH": -12000,
                "CODE_GENDER": "F",
            }
            for i, cid in enumerate(client_ids)
        ],
    )
    probabilities = rng.uniform(size=len(client_ids))
    features = rng.normal(size=(len(client_ids), WIDTH)).astype(np.float32)
    features[:, 0] = np.nan
    reasons = [Reason("AMT_CREDIT", 0.3, 2e5), Reason("EXT_SOURCE_2", -0.2, None)]
    return store.scored_frame(
        client_ids=client_ids,
        applications=[json.dumps({"AMT_INCOME_TOTAL": 1e5 + i}) for i in range(len(client_ids))],
        side_records=[
            store.encode_side_records({"bureau": [{"AMT_CREDIT_SUM": float(i)}]})
            for i in range(len(client_ids))
        ],
        descriptive=describe_clients(applications),
        probabilities=probabilities,
        decisions=["refuse" if p >= MODEL.threshold else "accept" for p in probabilities],
        reasons=[store.reasons_json(reasons)] * len(client_ids),
        features=[store.encode_features(row) for row in features],
    )


def _count(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_batch_is_stored_once_and_loading_it_again_adds_nothing(engine):
    rows = _rows([101, 102, 103])
    first = store.store_batch(engine, rows, MODEL, batch="2026-01", by="ops", digest="d1")
    again = store.store_batch(engine, rows, MODEL, batch="2026-01", by="ops", digest="d1")
    assert (first.applications_added, first.scores_added) == (3, 3)
    assert (again.applications_added, again.scores_added, again.applications_in_batch) == (0, 0, 3)
    assert _count(engine, tables.applications) == 3 and _count(engine, tables.scores) == 3


def test_another_model_adds_its_scores_and_overwrites_nothing(engine):
    rows = _rows([101, 102])
    store.store_batch(engine, rows, MODEL, batch="b", by="ops", digest="d")
    before = store.portfolio_rows(engine, MODEL)
    newer = ModelIdentity("credit-scoring", "2", "run-2", 0.2)
    outcome = store.store_batch(engine, _rows([101, 102], seed=1), newer, batch="b", by="ops", digest="d")
    assert (outcome.applications_added, outcome.scores_added) == (0, 2)
    assert _count(engine, tables.applications) == 2 and _count(engine, tables.scores) == 4
    assert store.portfolio_rows(engine, MODEL).equals(before)
    application = store.read_application(engine, int(before["application_id"][0]))
    assert application is not None and [s.model_version for s in application.scores] == ["1", "2"]


def test_a_batch_name_reused_for_other_data_is_refused(engine):
    store.store_batch(engine, _rows([101]), MODEL, batch="b", by="ops", digest="d1")
    with pytest.raises(store.StoreError, match="'b' was stored from other data"):
        store.store_batch(engine, _rows([102]), MODEL, batch="b", by="ops", digest="d2")
    assert _count(engine, tables.applications) == 1


def test_a_batch_with_a_repeated_client_is_refused_whole(engine):
    with pytest.raises(store.StoreError, match="SK_ID_CURR 102 appear"):
        store.store_batch(engine, _rows([101, 102, 102]), MODEL, batch="b", by="ops", digest="d")
    assert _count(engine, tables.applications) == 0 and _count(engine, tables.batches) == 0


def test_a_batch_failing_in_the_middle_leaves_nothing(engine):
    rows = _rows([101, 102, 103]).with_columns(
        pl.when(pl.col("client_id") == 103).then(None).otherwise(pl.col("features")).alias("features")
    )
    with pytest.raises(IntegrityError, match=r"(?i)not.null"):
        store.store_batch(engine, rows, MODEL, batch="b", by="ops", digest="d")
    for table in (tables.batches, tables.applications, tables.scores):
        assert _count(engine, table) == 0


def test_records_come_back_typed_with_the_exact_features_and_file(engine):
    rows = _rows([101])
    store.store_batch(engine, rows, MODEL, batch="b", by="ops", digest="d")
    portfolio = store.portfolio_rows(engine, MODEL)
    application = store.read_application(engine, int(portfolio["application_id"][0]))
    assert isinstance(application, StoredApplication)
    assert StoredApplication.from_dict(application.to_dict()) == application
    score = application.scores[0]
    assert score.probability == rows["probability"][0] and score.threshold == MODEL.threshold
    assert score.reasons == (Reason("AMT_CREDIT", 0.3, 2e5), Reason("EXT_SOURCE_2", -0.2, None))
    stored = store.score_features(engine, score.score_id)
    assert stored is not None and stored.tobytes() == rows["features"][0]
    assert store.credit_file(engine, application.application_id) == {
        "application": {"AMT_INCOME_TOTAL": 1e5},
        "bureau": [{"AMT_CREDIT_SUM": 0.0}],
    }
    assert portfolio["income"][0] == 1e5 and portfolio["gender"][0] == "F"
    assert portfolio["received_at"].dtype == pl.Datetime("us", "UTC")


def test_an_idempotent_retry_returns_the_first_application_and_stores_nothing(engine):
    key = store.IdempotencyKey("advisor", "k-1", "digest-a")
    first, created = store.store_application(
        engine, _rows([None]), MODEL, source="api", by="advisor", idempotency=key
    )
    retry, again = store.store_application(
        engine, _rows([None]), MODEL, source="api", by="advisor", idempotency=key
    )
    assert created and not again and retry == first
    assert _count(engine, tables.applications) == 1
    with pytest.raises(store.IdempotencyConflict, match="another request body"):
        store.store_application(
            engine,
            _rows([None]),
            MODEL,
            source="api",
            by="advisor",
            idempotency=store.IdempotencyKey("advisor", "k-1", "b"),
        )
    other, created_for_other = store.store_application(
        engine,
        _rows([None]),
        MODEL,
        source="api",
        by="someone",
        idempotency=store.IdempotencyKey("someone", "k-1", "b"),
    )
    assert created_for_other and other != first  # keys belong to their caller
    application = store.read_application(engine, first)
    assert application is not None
    assert application.client_id == tables.NEW_CLIENT_BASE + first and application.batch.startswith("api-")


def test_the_advisor_decides_and_the_model_output_never_changes(engine):
    store.store_batch(engine, _rows([101]), MODEL, batch="b", by="ops", digest="d")
    application_id = int(store.portfolio_rows(engine, MODEL)["application_id"][0])
    model_decision = store.read_application(engine, application_id).scores[0].decision  # type: ignore[union-attr]
    other = "accept" if model_decision == "refuse" else "refuse"
    follow = store.record_decision(
        engine, application_id, MODEL, final_decision=model_decision, reason=None, by="a"
    )
    assert follow.follows_model and follow.reason is None
    with pytest.raises(store.StoreError, match="reason"):
        store.record_decision(engine, application_id, MODEL, final_decision=other, reason="  ", by="a")
    with pytest.raises(store.StoreError, match="final decision 'maybe'"):
        store.record_decision(engine, application_id, MODEL, final_decision="maybe", reason="x", by="a")
    override = store.record_decision(
        engine, application_id, MODEL, final_decision=other, reason="salary slip", by="b"
    )
    assert not override.follows_model and override.reason == "salary slip"
    application = store.read_application(engine, application_id)
    assert application is not None and application.human_decision == override
    assert [d.decision_id for d in application.decisions] == [follow.decision_id, override.decision_id]
    assert application.scores[0].decision == model_decision
    assert store.marks(engine, MODEL)[1] == override.decision_id
    assert store.decision_rows(engine, follow.decision_id)["final_decision"].to_list() == [other]


def test_readers_fetch_only_what_is_new(engine):
    store.store_batch(engine, _rows([101, 102]), MODEL, batch="b1", by="ops", digest="d")
    mark, _ = store.marks(engine, MODEL)
    store.store_batch(engine, _rows([103]), MODEL, batch="b2", by="ops", digest="e")
    new = store.portfolio_rows(engine, MODEL, mark)
    assert new["client_id"].to_list() == [103] and new["batch"].to_list() == ["b2"]
    assert [b["name"] for b in store.batch_names(engine)] == ["b2", "b1"]
    assert [b["applications"] for b in store.batch_names(engine)] == [1, 2]


def _drift(subject: str, psi: float) -> BatchDrift:
    feature = FeatureDrift("EXT_SOURCE_2", 1, True, 0.3, "Wasserstein distance (normed)", 0.2)
    return BatchDrift(
        subject, "batch", "2026-03-01", "2026-03-01", MODEL.name, MODEL.version, MODEL.run_id, 200, psi,
        "moderate", (feature,), False, 0.1, None, "2026-03-02T00:00:00+00:00",
    )  # fmt: skip


def test_monitoring_records_are_replaced_when_computed_again_and_come_back_typed(engine):
    store.put_monitoring_record(engine, BATCH_DRIFT, "2026-03", MODEL, _drift("2026-03", 0.12))
    store.put_monitoring_record(engine, BATCH_DRIFT, "2026-03", MODEL, _drift("2026-03", 0.15))
    store.put_monitoring_record(engine, BATCH_DRIFT, "2026-04", MODEL, _drift("2026-04", 0.3))
    other = ModelIdentity("credit-scoring", "2", "run-2", 0.2)
    store.put_monitoring_record(engine, BATCH_DRIFT, "2026-03", other, _drift("2026-03", 0.01))
    records = store.monitoring_records(engine, BATCH_DRIFT, BatchDrift, MODEL)
    assert [(r.subject, r.score_psi) for r in records] == [("2026-03", 0.15), ("2026-04", 0.3)]
    assert records[0].drifted_features == ("EXT_SOURCE_2",) and not records[0].dataset_drifted
    assert len(store.monitoring_records(engine, BATCH_DRIFT, BatchDrift)) == 3


def test_promotions_are_recorded_with_their_flag_time_and_figures(engine):
    """model_promotions on each backend: a boolean, a time with its zone, the gate's JSON, oldest first."""
    from model_training.promotion import Gate, promotions, record_promotion

    refused = Gate("1", "2", 12, 200, 10.0, 1.0, None, (), ("too few outcomes",))
    before = datetime.now(UTC)
    record_promotion(engine, "credit-scoring", "1", "2", "new data policy", True, refused, by="ops")
    record_promotion(
        engine, "credit-scoring", "2", "3", "better", False, dataclasses.replace(refused, failures=())
    )
    first, second = promotions(engine)
    assert (first["forced"], second["forced"]) == (True, False)
    assert first["gate"]["failures"] == ["too few outcomes"] and second["gate"]["passed"] is True
    assert (first["from_version"], first["to_version"], first["promoted_by"]) == ("1", "2", "ops")
    # PostgreSQL gives the zone back, SQLite the UTC time without it
    first_at, second_at = (
        m if m.tzinfo else m.replace(tzinfo=UTC) for m in (first["promoted_at"], second["promoted_at"])
    )
    assert before <= first_at <= second_at <= datetime.now(UTC)
