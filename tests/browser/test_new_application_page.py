"""The "Nouvelle demande" page in a real browser: an incomplete application is refused naming its missing
fields and stores nothing; completed, with a bureau credit added, it is stored and opens on its client page
with its stored score. The app has its own database: the applications it stores change no other test."""

from __future__ import annotations

import dataclasses

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from app import create_app, get_services
from pages._new_application_fields import BY_COLUMN
from pages._shared import probability_text
from tests.browser.conftest import start_signed_in
from tests.browser.test_pages import click, screenshot, text_of, type_into, wait_until

TIMEOUT = 10
TYPED = {  # as an advisor types them, in French
    "AMT_CREDIT": "200 000",
    "AMT_ANNUITY": "10 000",
    "AMT_INCOME_TOTAL": "60 000",
    "DAYS_BIRTH": "40",
    "DAYS_EMPLOYED": "5",
    "CNT_CHILDREN": "1",
    "CNT_FAM_MEMBERS": "3",
}
CHOSEN = {
    "NAME_CONTRACT_TYPE": "Cash loans",
    "NAME_INCOME_TYPE": "Working",
    "NAME_EDUCATION_TYPE": "Higher education",
    "NAME_FAMILY_STATUS": "Married",
    "NAME_HOUSING_TYPE": "House / apartment",
    "FLAG_OWN_CAR": "N",
    "FLAG_OWN_REALTY": "Y",
}


@pytest.fixture(scope="module")
def app(tmp_path_factory, trained_artifacts, app_settings):
    database = f"sqlite:///{tmp_path_factory.mktemp('new_application_browser') / 'app.db'}"
    app = create_app(trained_artifacts, dataclasses.replace(app_settings, database_url=database))
    with app.server.app_context():
        yield app


def selector(column: str) -> str:
    return f"#{BY_COLUMN[column].input_id}"


def test_an_application_is_refused_until_complete_then_opens_on_its_client_page(dash_duo, app):
    applications = get_services().applications
    before = applications.frame().height
    dash_duo.driver.set_window_size(1280, 1000)
    start_signed_in(dash_duo, app, "advisor", "/new-application")
    dash_duo.wait_for_element("#new-application-submit", timeout=TIMEOUT)
    for column, text in TYPED.items():
        if column != "AMT_INCOME_TOTAL":
            type_into(dash_duo, selector(column), text)
    for column, level in CHOSEN.items():
        if column != "NAME_FAMILY_STATUS":
            Select(dash_duo.find_element(selector(column))).select_by_value(level)
    click(dash_duo, "#new-application-submit")
    wait_until(lambda: "Demande incomplète" in text_of(dash_duo, "#new-application-summary"), TIMEOUT)
    summary = text_of(dash_duo, "#new-application-summary")
    assert "Revenu annuel" in summary and "Situation familiale" in summary
    assert "is-invalid" in dash_duo.find_element(selector("AMT_INCOME_TOTAL")).get_attribute("class")
    assert applications.frame().height == before  # nothing stored
    screenshot(dash_duo, "new_application_incomplete")

    type_into(dash_duo, selector("AMT_INCOME_TOTAL"), TYPED["AMT_INCOME_TOTAL"])
    Select(dash_duo.find_element(selector("NAME_FAMILY_STATUS"))).select_by_value(
        CHOSEN["NAME_FAMILY_STATUS"]
    )
    click(dash_duo, "#new-application-bureau-add")
    dash_duo.wait_for_element("#new-application-bureau-1", timeout=TIMEOUT)
    first = '{"column":"CREDIT_ACTIVE","row":1,"type":"new-application-bureau"}'
    wait_until(lambda: dash_duo.driver.switch_to.active_element.get_attribute("id") == first, TIMEOUT)
    credit = '[id=\'{"column":"AMT_CREDIT_SUM","row":1,"type":"new-application-bureau"}\']'
    type_into(dash_duo, credit, "15 000")
    click(dash_duo, "#new-application-bureau-add")  # one too many: added, then removed
    dash_duo.wait_for_element("#new-application-bureau-2", timeout=TIMEOUT)
    click(dash_duo, '[id=\'{"row":2,"type":"new-application-bureau-remove"}\']')
    wait_until(lambda: not dash_duo.driver.find_elements(By.ID, "new-application-bureau-2"), TIMEOUT)
    wait_until(
        lambda: dash_duo.driver.switch_to.active_element.get_attribute("id") == "new-application-bureau-add"
    )
    assert dash_duo.find_element(credit).get_attribute("value") == "15 000"  # the other record kept
    click(dash_duo, "#new-application-submit")
    wait_until(lambda: "/client/" in dash_duo.driver.current_url, TIMEOUT)
    dash_duo.wait_for_element("#client-risk", timeout=TIMEOUT)

    client_id = int(dash_duo.driver.current_url.rsplit("/", 1)[-1].split("?")[0])
    stored = applications.read(applications.application_id(client_id))
    assert applications.frame().height == before + 1 and stored is not None
    assert stored.source == "form" and stored.received_by == "test-advisor"
    probability = probability_text(stored.scores[-1].probability, "fr")
    assert probability in text_of(dash_duo, "#client-risk")  # the stored score, on its client page
    assert dash_duo.find_element("#client-human-follow")  # a stored application: the advisor decides
    screenshot(dash_duo, "new_application_stored")
