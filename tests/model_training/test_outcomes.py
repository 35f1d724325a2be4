"""Recording outcomes: the whole file or nothing, every refusal naming its line and field, never an
outcome overwritten; then the touched batches' performance records, computed from the stored scores."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from sqlalchemy import func, select

from model_training.__main__ import main
from model_training.contract.monitoring import BATCH_PERFORMANCE, BatchPerformance
from model_training.contract.serving_card import ServingCard
from model_training.data import typed_frame
from model_training.export import describe_clients
from model_training.outcomes import OutcomesError, record_outcomes
from model_training.scorer import ModelIdentity
from model_training.store import applications as store
from model_training.store import tables
from model_training.store.engine import open_engine

TODAY = date(2026, 6, 30)


@pytest.fixture
def database(fresh_database) -> str:
    return fresh_database


@pytest.fixture
def engine(database):
    db = open_engine(database)
    store.ensure_schema(db)
    return db


def store_scored(engine, model: ModelIdentity, batch: str, clients: list[int], p, received: datetime) -> None:
    """A batch of applications with the given probabilities (the store keeps them, never computes)."""
    described = describe_clients(
        typed_frame("application_test", [{"SK_ID_CURR": c, "AMT_CREDIT": 2e5} for c in clients])
    )
    rows = store.scored_frame(
        client_ids=clients,
        applications=[json.dumps({"SK_ID_CURR": c}) for c in clients],
        side_records=[None] * len(clients),
        descriptive=described,
        probabilities=np.asarray(p, dtype=np.float64),
        decisions=["refuse" if x >= model.threshold else "accept" for x in p],
        reasons=[store.reasons_json([])] * len(clients),
        features=[store.encode_features(np.zeros(3, dtype=np.float32))] * len(clients),
    )
    store.store_batch(engine, rows, model, batch=batch, by="test", digest=batch, received_at=received)


def _file(tmp_path: Path, text: str, name: str = "outcomes.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _outcomes(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(tables.outcomes)).scalar_one()


MODEL = ModelIdentity("credit-scoring", "1", "run", 0.25)
JAN, MAR = datetime(2026, 1, 15, 10, tzinfo=UTC), datetime(2026, 3, 1, 9, tzinfo=UTC)


@pytest.fixture
def stored(engine):
    store_scored(engine, MODEL, "2026-01", [11, 12, 13], [0.1, 0.3, 0.6], JAN)
    store_scored(engine, MODEL, "2026-03", [11, 14], [0.2, 0.05], MAR)
    return engine


def test_each_outcome_goes_to_the_latest_application_received_on_or_before_its_date(stored, tmp_path):
    text = "SK_ID_CURR,TARGET,KNOWN_AT\n11,1,2026-02-20\n12,0,2026-03-01\n14,0,2026-03-01\n"
    recorded, batches = record_outcomes(stored, _file(tmp_path, text), by="ops", today=TODAY)
    assert recorded == 3 and batches == ("2026-01", "2026-03")
    with stored.connect() as connection:
        rows = connection.execute(
            select(tables.applications.c.batch, tables.outcomes.c.client_id, tables.outcomes.c.target).join(
                tables.applications,
                tables.applications.c.application_id == tables.outcomes.c.application_id,
            )
        ).all()
    # client 11 applied in January and again in March: a default known in February is January's
    assert sorted(map(tuple, rows)) == [("2026-01", 11, 1), ("2026-01", 12, 0), ("2026-03", 14, 0)]
    # on the day an application was received counts as on or before
    recorded, _ = record_outcomes(
        stored, _file(tmp_path, "SK_ID_CURR,TARGET,KNOWN_AT\n11,0,2026-03-01\n"), today=TODAY
    )
    assert recorded == 1


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("99,1,2026-05-01", "line 3, SK_ID_CURR: no stored application for client 99"),
        ("13,2,2026-05-01", "line 3, TARGET: '2', expected 0 (repaid) or 1 (defaulted)"),
        ("13,yes,2026-05-01", "line 3, TARGET: 'yes'"),
        ("13,1,2026-13-01", "line 3, KNOWN_AT: '2026-13-01' is not a date"),
        ("13,1,2026-07-01", "line 3, KNOWN_AT: 2026-07-01 is in the future"),
        ("13,1,2026-01-14", "line 3, KNOWN_AT: 2026-01-14 is before client 13's application was received"),
        ("12,1,2026-05-01", "line 3, SK_ID_CURR: client 12 is already on line 2"),
        ("abc,1,2026-05-01", "line 3, SK_ID_CURR: 'abc' is not a client id"),
        ("13,1", "line 3: 2 field(s), the header has 3"),
    ],
)
def test_a_bad_line_refuses_the_whole_file_naming_line_and_field(stored, tmp_path, line, expected):
    path = _file(tmp_path, f"SK_ID_CURR,TARGET,KNOWN_AT\n12,0,2026-05-01\n{line}\n")
    with pytest.raises(OutcomesError) as refused:
        record_outcomes(stored, path, today=TODAY)
    assert expected in str(refused.value)
    assert _outcomes(stored) == 0  # the good line 2 was not stored either


def test_missing_columns_a_cut_file_and_an_empty_one_are_refused(stored, tmp_path):
    with pytest.raises(OutcomesError, match=r"line 1: missing column\(s\) KNOWN_AT"):
        record_outcomes(stored, _file(tmp_path, "SK_ID_CURR,TARGET\n12,0\n"), today=TODAY)
    with pytest.raises(OutcomesError, match="line 3: cut short"):
        record_outcomes(
            stored, _file(tmp_path, "SK_ID_CURR,TARGET,KNOWN_AT\n12,0,2026-05-01\n13,1"), today=TODAY
        )
    with pytest.raises(OutcomesError, match="empty"):
        record_outcomes(stored, _file(tmp_path, ""), today=TODAY)
    with pytest.raises(OutcomesError, match="header only"):
        record_outcomes(stored, _file(tmp_path, "SK_ID_CURR,TARGET,KNOWN_AT\n"), today=TODAY)
    assert _outcomes(stored) == 0


def test_an_outcome_already_recorded_is_never_overwritten(stored, tmp_path):
    record_outcomes(stored, _file(tmp_path, "SK_ID_CURR,TARGET,KNOWN_AT\n12,0,2026-05-01\n"), today=TODAY)
    with pytest.raises(
        OutcomesError, match="line 2, SK_ID_CURR: an outcome is already recorded for client 12"
    ):
        record_outcomes(stored, _file(tmp_path, "SK_ID_CURR,TARGET,KNOWN_AT\n12,1,2026-06-01\n"), today=TODAY)
    with stored.connect() as connection:
        assert connection.execute(select(tables.outcomes.c.target)).scalars().all() == [0]


def test_the_command_records_outcomes_and_the_batchs_real_performance(
    engine, database, tmp_path, capsys, trained_artifacts
):
    artifacts = trained_artifacts
    card = ServingCard.read(artifacts / ServingCard.FILE)
    model = ModelIdentity.from_card(card)
    rng = np.random.default_rng(1)
    clients = list(range(1001, 1201))
    p = rng.uniform(0, 0.4, len(clients))
    y = (rng.uniform(size=len(clients)) < p).astype(int)
    store_scored(engine, model, "2026-02", clients, p, datetime(2026, 2, 1, tzinfo=UTC))
    # the first 150 matured; the others are still open
    text = "SK_ID_CURR,TARGET,KNOWN_AT\n" + "".join(
        f"{c},{t},2026-05-01\n" for c, t in zip(clients[:150], y, strict=False)
    )
    code = main(
        [
            "outcomes",
            "--file",
            str(_file(tmp_path, text)),
            "--artifacts",
            str(artifacts),
            "--database",
            database,
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert "150 outcome(s) recorded, in batch(es) 2026-02" in capsys.readouterr().out
    [record] = store.monitoring_records(engine, BATCH_PERFORMANCE, BatchPerformance, model)
    assert (record.subject, record.n, record.n_outcomes) == ("2026-02", 200, 150)
    assert record.roc_auc.value == pytest.approx(roc_auc_score(y[:150], p[:150]), abs=1e-12)
    refused = p[:150] >= card.threshold
    cost = (
        card.cost_fn * np.sum((y[:150] == 1) & ~refused) + card.cost_fp * np.sum((y[:150] == 0) & refused)
    ) / 150
    assert record.cost.value == pytest.approx(cost, abs=1e-12)
    assert record.cv_cost == card.cv_metrics.business_cost
    assert record.cost_warning == (not record.cost.low <= record.cv_cost <= record.cost.high)  # type: ignore[operator]
    # a refused file: exit code 2, one message naming the line, nothing stored
    code = main(
        [
            "outcomes",
            "--file",
            str(_file(tmp_path, "SK_ID_CURR,TARGET,KNOWN_AT\n7,1,2026-05-01\n", "b.csv")),
            "--artifacts",
            str(artifacts),
            "--database",
            database,
        ]
    )
    assert code == 2 and "line 2, SK_ID_CURR: no stored application for client 7" in capsys.readouterr().err
    assert _outcomes(engine) == 150


def test_the_command_names_a_missing_file_and_artifacts(tmp_path, database, capsys, trained_artifacts):
    artifacts = trained_artifacts
    assert (
        main(
            [
                "outcomes",
                "--file",
                str(tmp_path / "none.csv"),
                "--artifacts",
                str(artifacts),
                "--database",
                database,
            ]
        )
        == 2
    )
    assert "none.csv" in capsys.readouterr().err
    path = _file(tmp_path, "SK_ID_CURR,TARGET,KNOWN_AT\n1,1,2026-05-01\n")
    assert (
        main(
            [
                "outcomes",
                "--file",
                str(path),
                "--artifacts",
                str(tmp_path / "nowhere"),
                "--database",
                database,
            ]
        )
        == 2
    )
    assert "serving.json" in capsys.readouterr().err
