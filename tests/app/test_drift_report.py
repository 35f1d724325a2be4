"""The drift report route and the drift page's content, on a real `python -m model_training drift` run."""

from __future__ import annotations

import gzip
import json
import shutil

import dash
import pytest

from app import create_app
from app.drift_report import FULL_REPORT_URL, REPORT_URL
from app.drift_view import summary_verdict
from model_training.drift_summary import light_report_path, load_drift_summary, report_path, summary_path
from tests.signin import signed_in_client


def walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from walk(child)


def by_id(layout, component_id: str):
    return next((c for c in walk(layout) if getattr(c, "id", None) == component_id), None)


def text(component) -> str:
    return " ".join(c for c in walk_text(component))


def walk_text(component):
    if isinstance(component, str):
        yield component
        return
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None:
            yield from walk_text(child)


def drift_layout(app, lang: str = "fr"):
    """The page as Dash registered it (importing `pages.drift` here would register the page a second time)."""
    page = next(p for p in dash.page_registry.values() if p["path"] == "/drift")
    with app.server.test_request_context("/drift"):
        return page["layout"](lang=lang)


@pytest.fixture(scope="module")
def drifted_app(drifted_artifacts, app_settings):
    return create_app(drifted_artifacts, app_settings)


@pytest.fixture(scope="module")
def bare_app(trained_artifacts, app_settings):
    return create_app(trained_artifacts, app_settings)


# --- the route ----------------------------------------------------------------------------------------------


def test_the_route_serves_the_lighter_report_and_the_full_one_on_demand(drifted_app, drifted_artifacts):
    client = signed_in_client(drifted_app, "admin")
    response = client.get(REPORT_URL)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.data == light_report_path(drifted_artifacts).read_bytes()
    assert client.get(FULL_REPORT_URL).data == report_path(drifted_artifacts).read_bytes()


def test_the_report_is_gzipped_for_browsers_that_accept_it(drifted_app, drifted_artifacts):
    client = signed_in_client(drifted_app, "admin")
    response = client.get(FULL_REPORT_URL, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.data) == report_path(drifted_artifacts).read_bytes()
    assert len(response.data) < report_path(drifted_artifacts).stat().st_size / 3


def test_artifacts_without_the_lighter_report_serve_the_full_one(tmp_path, drifted_artifacts, app_settings):
    artifacts = tmp_path / "artifacts"
    shutil.copytree(drifted_artifacts, artifacts)
    light_report_path(artifacts).unlink()
    app = create_app(artifacts, app_settings)
    assert signed_in_client(app, "admin").get(REPORT_URL).data == report_path(artifacts).read_bytes()
    assert "toutes les colonnes" in text(by_id(drift_layout(app), "drift-report-scope"))


def test_without_a_report_the_route_answers_404_saying_how_to_build_it(bare_app):
    response = signed_in_client(bare_app, "admin").get(REPORT_URL)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "make drift" in body and "python -m model_training drift" in body


def test_the_route_takes_nothing_from_the_request(drifted_app, drifted_artifacts):
    client = signed_in_client(drifted_app, "admin")
    asked = client.get(REPORT_URL, query_string={"path": "../serving.json", "full": "../serving.json"})
    assert asked.data == light_report_path(drifted_artifacts).read_bytes()
    assert b"drifted_columns" not in client.get("/reports/summary.json").data


# --- the page -----------------------------------------------------------------------------------------------


def test_the_page_shows_the_verdict_provenance_and_every_column(drifted_app, drifted_artifacts):
    summary = load_drift_summary(drifted_artifacts)
    layout = drift_layout(drifted_app)
    verdict = text(by_id(layout, "drift-verdict"))
    expected = {"drifted": "Dérive détectée", "important": "Variables importantes en dérive"}
    assert expected.get(summary_verdict(summary).level, "Pas de dérive") in verdict
    assert verdict[0] in "⚠✓"  # a symbol, not colour alone
    assert "Administrateur" in text(by_id(layout, "drift-admin"))
    assert str(summary.data.folder) in text(by_id(layout, "drift-built"))
    table = by_id(layout, "drift-table")
    assert len(table.data) == len(summary.columns)
    assert {row["drifted"] for row in table.data} <= {"⚠ Oui", "Non"}
    assert "PSI" in text(by_id(layout, "drift-score-summary"))
    assert by_id(layout, "drift-report-show") is not None
    assert getattr(by_id(layout, "drift-report-frame"), "src", None) is None  # loaded when asked for


def test_no_dataset_drift_never_reads_no_drift_when_an_important_feature_drifted(
    drifted_app, drifted_artifacts
):
    """The issue's case: evidently's share rule says no drift while one of the model's five most important
    features drifted; the banner warns and names it by its label."""
    summary = load_drift_summary(drifted_artifacts)
    found = summary_verdict(summary)
    layout = drift_layout(drifted_app)
    verdict = text(by_id(layout, "drift-verdict"))
    if found.level == "stable":
        assert verdict.startswith("✓") and by_id(layout, "drift-important") is None
        return
    assert verdict.startswith("⚠") and "Pas de dérive" not in verdict
    if found.level == "important":
        warning = text(by_id(layout, "drift-important"))
        assert all(name not in warning.split() for name in found.drifted_important)
        assert "5 variables les plus importantes" in warning


def test_drifted_model_features_come_first_with_human_labels(drifted_app):
    rows = by_id(drift_layout(drifted_app), "drift-table").data
    drifted = [row["drifted"] == "⚠ Oui" for row in rows]
    assert drifted == sorted(drifted, reverse=True)
    drifted_features = [r for r in rows if r["drifted"] == "⚠ Oui" and (r["importance"] or 0) > 0]
    assert rows[: len(drifted_features)] == drifted_features
    assert all(row["label"] != row["column"] for row in rows)


def test_the_page_speaks_english_too(drifted_app):
    layout = drift_layout(drifted_app, "en")
    assert "drift" in text(by_id(layout, "drift-verdict")).lower()
    assert {row["drifted"] for row in by_id(layout, "drift-table").data} <= {"⚠ Yes", "No"}
    assert "English only" in text(by_id(layout, "drift-report-english"))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_table_names_evidentlys_tests_in_the_pages_words(drifted_app, drifted_artifacts, lang):
    summary = load_drift_summary(drifted_artifacts)
    methods = {row["method"] for row in by_id(drift_layout(drifted_app, lang), "drift-table").data}
    evidently_names = {column.method for column in summary.columns}
    assert methods and not methods & evidently_names  # none left in evidently's English
    words = {"fr": ("écart", "test", "stabilité"), "en": ("distance", "test", "stability")}[lang]
    assert all(any(word in method.lower() for word in words) for method in methods)


def test_the_page_says_the_evidently_report_is_in_english(drifted_app):
    layout = drift_layout(drifted_app)
    assert "anglais" in text(by_id(layout, "drift-report-english"))
    assert "colonnes à lire d’abord" in text(by_id(layout, "drift-report-scope"))
    assert by_id(layout, "drift-report-full").href == FULL_REPORT_URL


def test_without_a_report_the_page_says_how_to_build_it(bare_app):
    layout = drift_layout(bare_app)
    message = text(by_id(layout, "drift-missing"))
    assert "make drift" in message and "python -m model_training drift" in message
    assert by_id(layout, "drift-table") is None


def test_a_corrupt_summary_is_a_clear_message(tmp_path, trained_artifacts, app_settings):
    artifacts = tmp_path / "artifacts"
    shutil.copytree(trained_artifacts, artifacts)
    summary_path(artifacts).parent.mkdir()
    summary_path(artifacts).write_text(json.dumps({"format_version": 1}), encoding="utf-8")
    layout = drift_layout(create_app(artifacts, app_settings))
    message = text(by_id(layout, "drift-corrupt"))
    assert "illisible" in message and "built_at" in message and "make drift" in message
