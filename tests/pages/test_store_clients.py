"""A client who exists only in the applications store (a credit file submitted while the app runs, numbered by
the store, with bureau and previous-application records) is seen by every page: the portfolio's and the
clients page's batch and date filters find it at once, and the client, explanation, comparison, what-if and
meeting pages render for it.

The app here has its own database, so that storing applications changes no other test's portfolio.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import UTC, datetime, timedelta

import dash
import polars as pl
import pytest
from dash import html

from app import create_app
from app.services import services_of
from model_training.data import read_table
from model_training.schema import CLIENT_ID
from model_training.store.applications import credit_file as credit_file_of
from model_training.store.tables import NEW_CLIENT_BASE
from tests.app.test_auth import callback_body, components, render
from tests.app.test_drift_report import by_id, text
from tests.signin import signed_in_client

_CHILDREN = {
    "bureau": ("SK_ID_BUREAU", ("bureau_balance",)),
    "previous_application": (
        "SK_ID_PREV",
        ("POS_CASH_balance", "installments_payments", "credit_card_balance"),
    ),
}
_KEYS = {CLIENT_ID, "SK_ID_BUREAU", "SK_ID_PREV"}


def _records(frame: pl.DataFrame) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in _KEYS and v is not None} for row in frame.to_dicts()]


def credit_file(folder) -> dict:
    """A production applicant of the synthetic folder with bureau and previous-application records, as a
    new client's file: nested like the Kaggle tables, without SK_ID_CURR (the store numbers it)."""
    tables = {name: read_table(folder, name) for name in ("application_test", *_CHILDREN)}
    having = set(tables["bureau"][CLIENT_ID]) & set(tables["previous_application"][CLIENT_ID])
    applicant = min(set(tables["application_test"][CLIENT_ID]) & having)
    application = tables["application_test"].filter(pl.col(CLIENT_ID) == applicant)
    document: dict = {"application": _records(application)[0]}
    for parent, (key, children) in _CHILDREN.items():
        frame = tables[parent].filter(pl.col(CLIENT_ID) == applicant)
        child_tables = {child: read_table(folder, child) for child in children}
        document[parent] = []
        for record, record_id in zip(_records(frame), frame[key], strict=True):
            for child, rows in child_tables.items():
                record[child] = _records(rows.filter(pl.col(key) == record_id))
            document[parent].append(record)
    return json.loads(json.dumps(document))  # as received over the wire


@pytest.fixture(scope="module")
def app(trained_artifacts, app_settings, module_database):
    """The app on its own store, SQLite then PostgreSQL: batches, days and decisions filtered there."""
    settings = dataclasses.replace(app_settings, database_url=module_database)
    app = create_app(trained_artifacts, settings)
    with app.server.app_context():
        yield app


@pytest.fixture(scope="module")
def submitted(app, trained_synthetic_data):
    """The stored application of the new client (submitted after the app started)."""
    services = services_of(app.server)
    before = services.clients.portfolio_summary().count
    stored, created = services.applications.submit(
        credit_file(trained_synthetic_data), source="form", by="test-advisor"
    )
    assert created and stored.client_id >= NEW_CLIENT_BASE
    side = credit_file_of(services.applications.engine, stored.application_id)
    assert side is not None and side["bureau"] and side["previous_application"]  # with its side records
    return stored, before


@pytest.fixture(scope="module")
def client(app):
    return signed_in_client(app)


def module(name: str):
    """A page module as Dash imported it (importing it here would register the page a second time)."""
    return next(m for n, m in sys.modules.items() if n.endswith(name))


def page_layout(app, path_template_path: str, path: str, **arguments):
    page = next(p for p in dash.page_registry.values() if p["path"] == path_template_path)
    with app.server.test_request_context(path):
        return page["layout"](**arguments)


# --- the portfolio and the clients page: the new application appears, batch and dates filter it ------------


def test_the_repository_sees_the_new_application_in_its_batch_and_day(app, submitted):
    stored, before = submitted
    clients = services_of(app.server).clients
    assert clients.portfolio_summary().count == before + 1
    assert clients.batches()[0].name == stored.batch  # newest first
    today = datetime.now(UTC).date()
    rows, total = clients.filter_clients(batches=[stored.batch], received_from=today, received_to=today)
    assert total == 1 and rows[0]["SK_ID_CURR"] == stored.client_id
    assert rows[0]["batch"] == stored.batch and rows[0]["final_decision"] is None
    summary = clients.portfolio_summary(batches=stored.batch)
    assert summary.count == 1 and summary.approved + summary.refused == 1
    yesterday = (today - timedelta(days=1)).isoformat()
    assert clients.filter_clients(batches=[stored.batch], received_to=yesterday)[1] == 0
    assert clients.portfolio_summary(batches="export").count == before


def test_the_portfolio_cards_and_chart_follow_the_batch_chosen(app, client, submitted):
    stored, before = submitted
    values = {"home-batches.value": [stored.batch], "home-lang.data": "en"}
    answer = client.post(
        "/_dash-update-component", json=callback_body(app, "home-kpi-count.children", values)
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    response = answer.get_json()["response"]
    assert response["home-kpi-count"]["children"] == "1"
    assert " of 1 applications are granted" in response["home-distribution-summary"]["children"]
    assert response["home-filters-feedback"]["children"] == ""
    everyone = client.post(
        "/_dash-update-component",
        json=callback_body(app, "home-kpi-count.children", {"home-lang.data": "en"}),
    ).get_json()["response"]
    assert everyone["home-kpi-count"]["children"] == f"{before + 1:,}"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"home-received-from.value": "2026-02-30"}, "“2026-02-30” is not a date (YYYY-MM-DD)"),
        (
            {"home-received-from.value": "2026-12-05", "home-received-to.value": "2026-12-01"},
            "The start date is after the end date",
        ),
        ({"home-batches.value": ["no-such-batch"]}, "A chosen batch no longer exists"),
        ({"home-batches.value": 3, "home-received-to.value": 7}, "A chosen batch no longer exists"),  # forged
    ],
)
def test_bad_dates_and_batches_are_told_and_filter_nothing(app, client, submitted, values, message):
    _, before = submitted
    body = callback_body(app, "home-kpi-count.children", {**values, "home-lang.data": "en"})
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200
    response = answer.get_json()["response"]
    assert message in response["home-filters-feedback"]["children"]
    assert response["home-kpi-count"]["children"] == f"{before + 1:,}"


def clients_table(app, client, values: dict) -> dict:
    body = callback_body(app, "clients-table.data", {"clients-lang.data": "fr", **values})
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer.get_json()["response"]


def test_the_clients_table_shows_batch_received_day_and_both_decisions(app, client, submitted):
    stored, _ = submitted
    today = datetime.now(UTC).date()
    values = {
        "clients-batches.value": [stored.batch],
        "clients-received-from.value": today.isoformat(),
        "clients-received-to.value": today.isoformat(),
    }
    response = clients_table(app, client, values)
    (row,) = response["clients-table"]["data"]
    assert f"[{stored.client_id}]" in row["SK_ID_CURR"]
    assert row["batch"] == stored.batch and row["received_at"] == today.strftime("%d/%m/%Y")
    assert row["final_decision"] == "— à décider"
    assert response["clients-count"]["children"] == "1 client correspond"

    applications = services_of(app.server).applications
    model = stored.scores[-1].decision
    other = "accept" if model == "refuse" else "refuse"
    applications.decide(stored.application_id, other, "revenus confirmés par l’employeur", "test-advisor")
    (row,) = clients_table(app, client, values)["clients-table"]["data"]
    assert row["final_decision"].endswith("(contre le modèle)")
    assert ("Crédit accordé" if other == "accept" else "Crédit refusé") in row["final_decision"]
    assert ("Crédit accordé" if model == "accept" else "Crédit refusé") in row["decision"]


def test_the_clients_page_tells_a_reversed_date_range(app, client, submitted):
    values = {"clients-received-from.value": "2026-12-05", "clients-received-to.value": "2026-12-01"}
    response = clients_table(app, client, values)
    assert "La date de début est après la date de fin" in response["clients-feedback"]["children"]


def test_both_pages_offer_the_batches_newest_first_with_their_counts(app, client, submitted):
    stored, _ = submitted
    for path, batches_id in (("/", "home-batches"), ("/clients", "clients-batches")):
        rendered = render(client, app, path).get_json()
        checklist = next(p for p in components(rendered) if p.get("id") == batches_id)
        labels = [o["label"] for o in checklist["options"]]
        assert [o["value"] for o in checklist["options"]] == [stored.batch, "export"]
        assert labels[0].startswith(f"{stored.batch} – 1\u00a0demandes")
        assert labels[1].startswith("Premier lot (clients de l’export)")
        dates = [p for p in components(rendered) if p.get("type") == "date"]
        assert len(dates) == 2 and all(p["max"] == datetime.now(UTC).date().isoformat() for p in dates)


# --- every page of one client, for a client only the store knows ------------------------------------------


def test_the_client_page_renders_for_a_stored_client(app, submitted):
    stored, _ = submitted
    cid = stored.client_id
    layout = page_layout(app, "/client/none", f"/client/{cid}", client_id=str(cid), lang="fr")
    assert str(cid) in text(by_id(layout, "page-title"))
    assert by_id(layout, "client-missing") is None


def test_the_explanation_page_renders_for_a_stored_client(app, submitted):
    stored, _ = submitted
    cid = stored.client_id
    layout = page_layout(app, "/explanation/none", f"/explanation/{cid}", client_id=str(cid), lang="fr")
    assert str(cid) in text(by_id(layout, "page-title"))
    assert by_id(layout, "explanation-missing") is None


def test_the_comparison_page_renders_for_a_stored_client(app, submitted):
    stored, _ = submitted
    cid = stored.client_id
    other = int(services_of(app.server).artifacts.production_features.ids[0])
    layout = page_layout(
        app, "/comparison/none", f"/comparison/{cid}", client_id=str(cid), lang="fr", other=str(other)
    )
    assert by_id(layout, "comparison-missing") is None
    page = module("pages.comparison")
    _, caption = page.distribution(cid, "similar", "income", "fr")
    assert "clients passés les plus proches" in caption
    page.scatter(cid, "all", "income", "credit", "fr")
    figure, _ = page.difference(cid, other, "fr")
    assert any(str(cid) in (trace.name or "") for trace in figure.data)


def test_the_what_if_page_renders_and_simulates_for_a_stored_client(app, client, submitted):
    stored, _ = submitted
    cid = stored.client_id
    layout = page_layout(app, "/what-if/none", f"/what-if/{cid}", client_id=str(cid), lang="fr")
    assert str(cid) in text(by_id(layout, "page-title"))
    assert by_id(layout, "what-if-missing") is None
    scoring = services_of(app.server).scoring
    unchanged = scoring.what_if(cid, {})  # the application as received gives back the stored score
    assert unchanged.score.probability == pytest.approx(stored.scores[-1].probability, abs=1e-6)

    fields = module("pages._what_if_fields")
    original = by_id(layout, "what-if-original").data
    typed = {f"{f.input_id}.value": by_id(layout, f.input_id).value for f in fields.FIELDS}
    credit = fields.BY_KEY["credit"].input_id
    typed[f"{credit}.value"] = fields.shown_number(original["credit"] * 0.6, 0, "fr")
    values = {
        **typed,
        "what-if-client.data": cid,
        "what-if-original.data": original,
        "what-if-lang.data": "fr",
    }
    body = callback_body(app, "what-if-change.children", values)
    body["changedPropIds"] = [f"{credit}.value"]
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    change = answer.get_json()["response"]["what-if-change"]["children"]
    assert change.startswith("Le risque passe de"), change


def test_the_meeting_page_renders_for_a_stored_client(app, submitted):
    """The client's own view in meeting mode (the page shows it once the advisor started the meeting)."""
    stored, _ = submitted
    cid = stored.client_id
    page = module("pages.meeting")
    with app.server.test_request_context(f"/meeting/{cid}"):
        view = html.Div(page._client_view(cid, "fr", None, 0))
    decision = text(by_id(view, "meeting-decision"))
    model = stored.scores[-1].decision
    assert ("Crédit accordé" if model == "accept" else "Crédit refusé") in decision
    assert "Le risque estimé est de" in text(by_id(view, "meeting-risk"))
