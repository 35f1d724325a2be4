"""The advisor's decision on the client page, in a real browser: overriding the model without a reason is
refused (nothing recorded); with a reason it is shown as the decision in force, still after a reload, and it
is in the audit log. The app has its own database: the decisions it records change no other test."""

from __future__ import annotations

import dataclasses

import pytest
from selenium.webdriver.common.by import By

from app import create_app, get_services
from app.audit import EventFilter, audit_log, query_events
from tests.browser.conftest import start_signed_in
from tests.browser.test_pages import click, screenshot, text_of, wait_until

TIMEOUT = 10
REASON = "Garant solvable présenté en agence"


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('human_decision_browser') / 'app.db'}"


@pytest.fixture(scope="module")
def app(database, trained_artifacts, app_settings):
    app = create_app(trained_artifacts, dataclasses.replace(app_settings, database_url=database))
    with app.server.app_context():
        yield app


def test_an_override_needs_a_reason_then_is_shown_and_audited(dash_duo, app, database):
    applications = get_services().applications
    client_id = int(applications.frame()["SK_ID_CURR"][0])
    application_id = applications.application_id(client_id)
    model = applications.read(application_id).scores[-1]
    dash_duo.driver.set_window_size(1280, 1000)
    start_signed_in(dash_duo, app, "advisor", f"/client/{client_id}")
    dash_duo.wait_for_element("#client-human-override", timeout=TIMEOUT)

    click(dash_duo, "#client-human-override")
    wait_until(lambda: "motif" in text_of(dash_duo, "#client-human-reason-feedback"), TIMEOUT)
    assert "is-invalid" in dash_duo.find_element("#client-human-reason").get_attribute("class")
    assert applications.read(application_id).human_decision is None  # refused: nothing recorded

    dash_duo.find_element("#client-human-reason").send_keys(REASON)
    click(dash_duo, "#client-human-override")
    wait_until(lambda: REASON in text_of(dash_duo, "#client-human-current"), TIMEOUT)
    shown = text_of(dash_duo, "#client-human-current")
    assert "passé outre" in shown and "test-advisor" in shown
    decision = applications.read(application_id).human_decision
    assert decision is not None and not decision.follows_model and decision.reason == REASON
    assert applications.read(application_id).scores[-1] == model  # the model's score is unchanged
    screenshot(dash_duo, "human_decision_overridden")

    dash_duo.driver.refresh()  # the decision in force is read from the store
    dash_duo.wait_for_element("#client-human-current", timeout=TIMEOUT)
    wait_until(lambda: REASON in text_of(dash_duo, "#client-human-current"), TIMEOUT)
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, "#client-decision")  # the model's own decision

    audit_log().flush()
    events = query_events(EventFilter(kind="human_decision", client_id=client_id), url=database).rows
    assert len(events) == 1 and events[0]["user_name"] == "test-advisor" and REASON in events[0]["detail"]
    assert events[0]["decision"] == decision.final_decision
