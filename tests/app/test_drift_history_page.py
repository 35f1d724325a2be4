"""The drift page's history, from BatchDrift records stored in the app's own database (never the session's):
the latest verdict and its warning, the trend and grid with their text, the empty state, and the latest
batch's evidently report served through the report route without ever leaving ARTIFACTS/drift/batches."""

from __future__ import annotations

import dataclasses
import shutil

import pytest
from sqlalchemy import delete

from app import create_app, get_services
from app import formatting as fmt
from app.drift_report import REPORT_URL, batch_report_url
from model_training.batch_drift import build_batch_drift
from model_training.contract.monitoring import BATCH_DRIFT, BatchDrift, FeatureDrift
from model_training.drift_summary import psi_reading
from model_training.store import tables as t
from model_training.store.applications import put_monitoring_record
from tests.app.test_drift_report import by_id, drift_layout, text
from tests.signin import signed_in_client

REPORT_HTML = "<!doctype html><title>batch 2026-03</title><p>evidently</p>"


def feature(name: str, rank: int, drifted: bool, psi: float | None) -> FeatureDrift:
    method = "Wasserstein distance (normed)" if psi is not None else "Jensen-Shannon distance"
    return FeatureDrift(name, rank, drifted, 0.2 if drifted else 0.03, method, psi)


def record(subject: str, month: int, psi: float, features, report: str | None) -> BatchDrift:
    return BatchDrift(
        subject=subject,
        window="batch",
        first_received=f"2026-0{month}-01",
        last_received=f"2026-0{month}-28",
        model_name="",
        model_version="",
        model_run_id="",
        n=1000 + month,
        score_psi=psi,
        score_psi_reading=psi_reading(psi),
        features=features,
        dataset_drifted=False,
        drifted_share=0.1,
        report=report,
        computed_at=f"2026-0{month}-28T12:00:00+00:00",
    )


def put(app, built: BatchDrift) -> None:
    """Store `built` as the serving model's record for its subject."""
    with app.server.app_context():
        applications = get_services().applications
        model = applications.model
        identity = {"model_name": model.name, "model_version": model.version, "model_run_id": model.run_id}
        built = dataclasses.replace(built, **identity)
        put_monitoring_record(applications.engine, BATCH_DRIFT, built.key, model, built)


def remove(app, subjects: tuple[str, ...]) -> None:
    with app.server.app_context(), get_services().applications.engine.begin() as connection:
        connection.execute(delete(t.monitoring).where(t.monitoring.c.subject.in_(subjects)))


@pytest.fixture(scope="module")
def history_app(tmp_path_factory, drifted_artifacts, app_settings):
    return build_history_app(tmp_path_factory.mktemp("drift_history"), drifted_artifacts, app_settings)


def build_history_app(folder, drifted_artifacts, app_settings):
    """An app on a copy of the drifted artifacts (batch reports are written into it) with its own database
    holding three batches' drift records of the serving model; the features are the model's own."""
    artifacts = folder / "artifacts"
    shutil.copytree(drifted_artifacts, artifacts)
    (artifacts / "drift" / "batches").mkdir(parents=True)
    (artifacts / "drift" / "batches" / "2026-03.html").write_text(REPORT_HTML, encoding="utf-8")
    settings = dataclasses.replace(app_settings, database_url=f"sqlite:///{folder / 'app.db'}")
    app = create_app(artifacts, settings)
    with app.server.app_context():
        names = list(get_services().artifacts.catalog.names[:3])
        histories = [
            ("2026-01", 1, 0.02, (False, False, False), None),
            ("2026-02", 2, 0.08, (False, False, False), "drift/batches/2026-02.html"),  # not written
            ("2026-03", 3, 0.16, (False, True, False), "drift/batches/2026-03.html"),
        ]
        for subject, month, psi, drifted, report in histories:
            features = tuple(
                feature(name, rank, flag, 0.02 + 0.1 * flag if rank < 3 else None)
                for rank, (name, flag) in enumerate(zip(names, drifted, strict=True), start=1)
                if month > 1 or rank < 3  # the first batch did not compare the third feature
            )
            put(app, record(subject, month, psi, features, report))
    return app, names


def test_the_latest_batch_warns_on_a_drifted_important_feature_named_by_its_label(history_app):
    app, names = history_app
    layout = drift_layout(app)
    with app.server.app_context():
        label = get_services().artifacts.catalog.label(names[1], "fr")
    assert (
        text(by_id(layout, "drift-latest-verdict")) == "Dernier lot, 2026-03\u00a0: ⚠ variables importantes"
    )
    warning = text(by_id(layout, "drift-latest-important"))
    assert label in warning and names[1] not in warning
    assert "ne conclut pas à une dérive" in warning and "1 des 5 variables" in warning


def test_the_history_lists_every_batch_newest_first_with_french_numbers(history_app):
    app, _ = history_app
    layout = drift_layout(app)
    rows = by_id(layout, "drift-history-table").data
    assert [r["subject"] for r in rows] == ["2026-03", "2026-02", "2026-01"]
    march = rows[0]
    assert (march["psi"], march["reading"], march["n"]) == ("0,160", "modérée", "1\u202f003")
    assert march["period"] == "du 01/03/2026 au 28/03/2026"
    assert march["verdict"] == "⚠ variables importantes" and rows[2]["verdict"] == "✓ stable"
    trend = text(by_id(layout, "drift-history-psi-summary"))
    assert "0,020 au premier lot (2026-01)" in trend and "0,160 au dernier (2026-03)" in trend
    grid = by_id(layout, "drift-grid-table")
    first_row = [text(cell) for cell in grid.children[1].children[1].children]
    assert first_row[1:] == ["0,020", "0,020", "⚠ 0,120"]
    third_row = [text(cell) for cell in grid.children[1].children[2].children]
    assert third_row[1:] == ["–", "✓", "✓"]  # not compared in the first batch; a category without PSI
    assert "1 des 3 variables les plus importantes" in text(by_id(layout, "drift-history-grid-summary"))


def test_english_bands_and_numbers(history_app):
    app, _ = history_app
    layout = drift_layout(app, "en")
    march = by_id(layout, "drift-history-table").data[0]
    assert (march["psi"], march["reading"], march["n"]) == ("0.160", "moderate", "1,003")
    assert text(by_id(layout, "drift-latest-verdict")) == "Latest batch, 2026-03: ⚠ important features"


def test_the_latest_batchs_report_is_linked_and_served(history_app):
    app, _ = history_app
    link = by_id(drift_layout(app), "drift-batch-report")
    assert link.href == batch_report_url("2026-03") and link.target == "_blank"
    client = signed_in_client(app, "admin")
    answer = client.get(link.href)
    assert answer.status_code == 200 and answer.get_data(as_text=True) == REPORT_HTML
    assert signed_in_client(app, "advisor").get(link.href).status_code == 403
    assert client.get(REPORT_URL).status_code == 200  # the one-off report stays


def test_nothing_outside_the_batch_reports_is_served(history_app):
    app, _ = history_app
    march = record("x", 4, 0.1, (), None)
    escapes = {"escape": "serving.json", "up": "drift/batches/../../serving.json", "abs": "/etc/passwd"}
    for subject, report in escapes.items():
        put(app, dataclasses.replace(march, subject=subject, report=report))
    try:
        client = signed_in_client(app, "admin")
        for subject in (*escapes, "2026-02", "unknown", "../serving.json"):
            refused = client.get(batch_report_url(subject))
            assert refused.status_code == 404, subject
            assert "python -m model_training drift --batch" in refused.get_data(as_text=True)
        # the latest batch now points outside: the page says its report is missing, no link
        layout = drift_layout(app)
        assert by_id(layout, "drift-batch-report") is None
        assert by_id(layout, "drift-batch-report-missing") is not None
    finally:
        remove(app, tuple(escapes))


def test_without_records_the_page_says_how_to_build_the_history(tmp_path, drifted_artifacts, app_settings):
    settings = dataclasses.replace(app_settings, database_url=f"sqlite:///{tmp_path / 'app.db'}")
    layout = drift_layout(create_app(drifted_artifacts, settings))
    message = text(by_id(layout, "drift-history-empty"))
    assert "Aucun lot n’a encore été analysé" in message
    assert "python -m model_training drift --all-batches --artifacts" in message
    assert by_id(layout, "drift-history-table") is None
    assert by_id(layout, "drift-verdict") is not None  # the one-off report is still there


def test_the_drift_command_on_a_stored_batch_shows_on_the_page(tmp_path, trained_artifacts, app_settings):
    """For real: the app stores the export's production clients as the batch "export"; `drift --batch
    export` compares it; the page shows that record (the same model) and serves its evidently report."""
    artifacts = tmp_path / "artifacts"
    shutil.copytree(trained_artifacts, artifacts)
    url = f"sqlite:///{tmp_path / 'app.db'}"
    app = create_app(artifacts, dataclasses.replace(app_settings, database_url=url))
    run = build_batch_drift(artifacts, batch="export", database=url, progress=False)
    (built,) = run.records
    layout = drift_layout(app)
    rows = by_id(layout, "drift-history-table").data
    assert [r["subject"] for r in rows] == ["export"]
    assert rows[0]["psi"] == fmt.number(built.score_psi, "fr", 3)
    assert rows[0]["n"] == fmt.number(built.n, "fr")
    link = by_id(layout, "drift-batch-report")
    assert link.href == batch_report_url(built.key)
    answer = signed_in_client(app, "admin").get(link.href)
    assert answer.status_code == 200
    assert answer.get_data() == (artifacts / str(built.report)).read_bytes()
