"""GET /api/v1/monitoring: the serving model batch by batch, admins only, on the app's own database; and
the issue's done-means check on the real sample: outcomes recorded for real applicants the model never saw,
the API's ROC AUC and cost equal to sklearn's and a hand count on the same stored scores (to 1e-6)."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import dash
import numpy as np
import polars as pl
import pytest
from sklearn.metrics import roc_auc_score
from sqlalchemy import select

from app import create_app, get_services
from model_training.batch_performance import record_batch_performance
from model_training.contract.monitoring import BATCH_DRIFT, BatchDrift, FeatureDrift
from model_training.contract.serving_card import ServingCard
from model_training.outcomes import record_outcomes
from model_training.store import applications as store
from model_training.store import tables
from model_training.store.engine import open_engine as store_engine
from tests.app.test_drift_report import by_id, text
from tests.signin import bearer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def settings(app_settings, module_database):
    """The module's own store, on SQLite and on PostgreSQL (the module runs once on each)."""
    return dataclasses.replace(app_settings, database_url=module_database)


@pytest.fixture(scope="module")
def app(trained_artifacts, settings):
    return create_app(trained_artifacts, settings)


def _client(app, settings, role: str | None):
    client = app.server.test_client()
    if role:
        client.environ_base["HTTP_AUTHORIZATION"] = bearer(settings.database_url, role)["Authorization"]
    return client


def stored_matured(engine, model, batch: str) -> tuple[np.ndarray, np.ndarray]:
    """The stored probabilities and outcomes of a batch, read straight from the tables (not through the
    monitoring code): what an independent check computes from."""
    a, s, o = tables.applications.c, tables.scores.c, tables.outcomes.c
    with engine.connect() as connection:
        rows = connection.execute(
            select(s.probability, o.target)
            .join(tables.applications, a.application_id == s.application_id)
            .join(tables.outcomes, o.application_id == s.application_id)
            .where(a.batch == batch, s.model_version == model.version, s.model_run_id == model.run_id)
        ).all()
    return np.array([r[0] for r in rows]), np.array([r[1] for r in rows])


def hand_cost(p: np.ndarray, y: np.ndarray, threshold: float, cost_fn: float, cost_fp: float) -> float:
    missed = sum(1 for pi, yi in zip(p, y, strict=True) if yi == 1 and pi < threshold)
    refused_goods = sum(1 for pi, yi in zip(p, y, strict=True) if yi == 0 and pi >= threshold)
    return (cost_fn * missed + cost_fp * refused_goods) / len(y)


def model_layout(app, lang: str = "fr"):
    """The model page's layout (the module as Dash imported it: importing it here would register it twice)."""
    page = next(p for p in dash.page_registry.values() if p["path"] == "/model")
    with app.server.test_request_context("/model"):
        return page["layout"](lang=lang)


def test_admins_only(app, settings):
    assert _client(app, settings, None).get("/api/v1/monitoring").status_code == 401
    refused = _client(app, settings, "advisor").get("/api/v1/monitoring")
    assert refused.status_code == 403 and refused.json["error"] == "forbidden"
    assert _client(app, settings, "admin").get("/api/v1/monitoring?x=1").status_code == 400


def test_batches_without_outcomes_or_drift_say_null_then_show_what_was_recorded(
    app, settings, trained_artifacts, tmp_path
):
    admin = _client(app, settings, "admin")
    with app.server.app_context():
        engine, model = get_services().applications.engine, get_services().applications.model
    [entry] = admin.get("/api/v1/monitoring").json["batches"]  # the export's production clients
    batch = entry["batch"]
    assert entry["n"] > 100 and entry["n_outcomes"] == 0
    assert entry["roc_auc"] is None and entry["score_psi"] is None and entry["drifted_features"] is None
    assert "outcomes --file" in text(by_id(model_layout(app), "model-performance-none"))

    # outcomes for the batch's applicants (drawn from their own probabilities: a model that is right)
    with engine.connect() as connection:
        clients = connection.execute(
            select(tables.applications.c.client_id, tables.scores.c.probability)
            .join(tables.scores, tables.scores.c.application_id == tables.applications.c.application_id)
            .where(tables.applications.c.batch == batch)
        ).all()
    rng = np.random.default_rng(0)
    lines = [f"{c},{int(rng.uniform() < min(0.9, 3 * p))},{datetime.now(UTC).date()}" for c, p in clients]
    path = tmp_path / "outcomes.csv"
    path.write_text("SK_ID_CURR,TARGET,KNOWN_AT\n" + "\n".join(lines) + "\n")
    record_outcomes(engine, path, by="test")
    card = ServingCard.read(trained_artifacts / ServingCard.FILE)
    record_batch_performance(engine, card, [batch])
    drift = BatchDrift(
        subject=batch, window="batch", first_received=None, last_received=None, model_name=model.name,
        model_version=model.version, model_run_id=model.run_id, n=entry["n"], score_psi=0.12,
        score_psi_reading="moderate",
        features=(
            FeatureDrift("DAYS_BIRTH", 1, True, 0.2, "wasserstein"),
            FeatureDrift("EXT_SOURCE_2", 2, False, 0.01, "wasserstein"),
        ),
        dataset_drifted=False, drifted_share=0.1, report=None, computed_at="2026-06-01T00:00:00+00:00",
    )  # fmt: skip
    store.put_monitoring_record(engine, BATCH_DRIFT, batch, model, drift)

    body = admin.get("/api/v1/monitoring").json
    [entry] = body["batches"]
    p, y = stored_matured(engine, model, batch)
    assert entry["n_outcomes"] == len(y) == len(clients)
    assert entry["roc_auc"]["value"] == pytest.approx(roc_auc_score(y, p), abs=1e-6)
    assert entry["cost"]["value"] == pytest.approx(
        hand_cost(p, y, model.threshold, card.cost_fn, card.cost_fp), abs=1e-6
    )
    assert entry["approval_rate"]["value"] == pytest.approx(np.mean(p < model.threshold), abs=1e-6)
    assert entry["roc_auc"]["low"] <= entry["roc_auc"]["value"] <= entry["roc_auc"]["high"]
    assert len(entry["calibration"]) == 10
    assert entry["score_psi"] == 0.12 and entry["drifted_features"] == ["DAYS_BIRTH"]
    assert body["cross_validation"]["cost"] == card.cv_metrics.business_cost
    # the model page shows the same figures, their intervals, the CV promise and the cost verdict
    shown = text(by_id(model_layout(app, "en"), "model-performance-0-figures"))
    auc = f"{entry['roc_auc']['value']:.3f}"
    assert "ROC AUC" in shown and auc in shown and f"{card.cv_metrics.roc_auc:.3f}" in shown
    assert re.search(r"\d\.\d{3} to \d\.\d{3}", shown)
    block = model_layout(app, "en")
    verdict = "model-performance-0-warning" if entry["cost_warning"] else "model-performance-0-cost-ok"
    assert by_id(block, verdict) is not None
    assert "Decile" in text(by_id(block, "model-performance-0-calibration"))
    assert entry["cost_warning"] == (
        not entry["cost"]["low"] <= card.cv_metrics.business_cost <= entry["cost"]["high"]
    )


# --- done means: the real sample ---------------------------------------------------------------------------

SIDE_TABLES = (
    "bureau",
    "bureau_balance",
    "previous_application",
    "POS_CASH_balance",
    "installments_payments",
    "credit_card_balance",
)


def _run(*arguments: str, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "model_training", *arguments], cwd=cwd, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.fail(
            f"model_training {' '.join(arguments)} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
        )
    return done.stdout


@pytest.fixture(scope="module")
def real_heldout(tmp_path_factory):
    """A quick model trained on half of the real sample's labelled applicants; the other half (10,000
    applicants it never saw) scored as one batch and their real TARGET recorded as outcomes."""
    data = Path(os.environ.get("HOMECREDIT_DIR", "").strip() or "/nonexistent")
    if not (data / "application_train.csv.gz").is_file():
        pytest.skip("HOMECREDIT_DIR: the real Home Credit sample")
    work = tmp_path_factory.mktemp("real_heldout")
    train_dir, batch_dir = work / "train", work / "batch"
    train_dir.mkdir()
    batch_dir.mkdir()
    labelled = pl.read_csv(data / "application_train.csv.gz", infer_schema_length=0)
    seen = labelled.sample(fraction=0.5, seed=14)
    unseen = labelled.join(seen.select("SK_ID_CURR"), on="SK_ID_CURR", how="anti").head(10_000)
    seen.write_csv(train_dir / "application_train.csv")
    pl.read_csv(data / "application_test.csv.gz", infer_schema_length=0, n_rows=300).write_csv(
        train_dir / "application_test.csv"
    )
    unseen.drop("TARGET").write_csv(batch_dir / "application_test.csv")
    for table in SIDE_TABLES:
        for folder in (train_dir, batch_dir):
            (folder / f"{table}.csv.gz").symlink_to(data / f"{table}.csv.gz")
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path, "MLFLOW_TRACKING_URI": f"sqlite:///{work / 'mlflow.db'}"}
    artifacts, database = work / "artifacts", f"sqlite:///{work / 'app.db'}"
    _run("train", "--data", str(train_dir), "--out", str(artifacts), "--quick", cwd=work, env=env)
    _run(
        "score", "--data", str(batch_dir), "--artifacts", str(artifacts), "--batch", "real-unseen",
        "--database", database, "--received", "2026-01-15", "--leave-out-incomplete", cwd=work, env=env,
    )  # fmt: skip
    # the applicants `score` left out (no AMT_ANNUITY: no decision without it) have no stored application: an
    # outcome for one of them would be refused (no stored application), so the file holds the stored ones
    with store_engine(database).connect() as connection:
        stored = connection.execute(select(tables.applications.c.client_id)).scalars().all()
    unseen = unseen.filter(pl.col("SK_ID_CURR").cast(pl.Int64).is_in(stored))
    outcomes = work / "outcomes.csv"
    unseen.select(
        "SK_ID_CURR", "TARGET", pl.lit("2026-06-30").alias("KNOWN_AT")
    ).write_csv(outcomes)  # fmt: skip
    started = time.perf_counter()
    printed = _run(
        "outcomes", "--file", str(outcomes), "--artifacts", str(artifacts), "--database", database, cwd=work,
        env=env,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    return artifacts, database, unseen, printed, seconds


def test_real_unseen_applicants_monitoring_equals_sklearn_and_a_hand_count(real_heldout, app_settings):
    artifacts, database, unseen, printed, seconds = real_heldout
    print(f"\noutcomes for {unseen.height:,} rows (process included): {seconds:.1f} s\n{printed}")
    settings = dataclasses.replace(app_settings, database_url=database)
    app = create_app(artifacts, settings)
    body = _client(app, settings, "admin").get("/api/v1/monitoring").json
    [entry] = [b for b in body["batches"] if b["batch"] == "real-unseen"]
    card = ServingCard.read(artifacts / ServingCard.FILE)
    with app.server.app_context():
        engine, model = get_services().applications.engine, get_services().applications.model
    p, y = stored_matured(engine, model, "real-unseen")
    # every stored applicant of the batch got its real outcome (a few without AMT_ANNUITY are left out)
    assert entry["n_outcomes"] == len(y) == entry["n"] > 9_900
    truth = dict(
        unseen.select(pl.col("SK_ID_CURR").cast(pl.Int64), pl.col("TARGET").cast(pl.Int64)).iter_rows()
    )
    with engine.connect() as connection:
        rows = connection.execute(select(tables.outcomes.c.client_id, tables.outcomes.c.target)).all()
    recorded = {int(client): int(target) for client, target in rows}
    assert recorded == {client: truth[client] for client in recorded}  # the real TARGET, client by client
    assert abs(entry["roc_auc"]["value"] - roc_auc_score(y, p)) < 1e-6
    assert abs(entry["cost"]["value"] - hand_cost(p, y, card.threshold, card.cost_fn, card.cost_fp)) < 1e-6
    assert (
        entry["roc_auc"]["value"] > 0.65
    )  # a model that learnt something holds up on applicants it never saw
    print(
        f"unseen real applicants: ROC AUC {entry['roc_auc']['value']:.4f} "
        f"[{entry['roc_auc']['low']:.4f}, {entry['roc_auc']['high']:.4f}] "
        f"(CV {card.cv_metrics.roc_auc:.4f}); "
        f"cost {entry['cost']['value']:.4f} [{entry['cost']['low']:.4f}, {entry['cost']['high']:.4f}] "
        f"(CV {card.cv_metrics.business_cost:.4f}); warning {entry['cost_warning']}"
    )
