"""The audit page in a real browser: an admin filters the log by user, type and client, sees a clear message
for a bad filter, and downloads the filtered CSV; an advisor has neither the link nor the page."""

from __future__ import annotations

import csv
import io
import urllib.error
import urllib.request
from datetime import datetime, timedelta

import pytest
from selenium.webdriver.support.ui import Select

from app import create_app
from app.audit import AuditEvent, audit_log
from tests.browser.conftest import session_cookie
from tests.browser.test_pages import open_page, screenshot, severe_logs, text_of, type_into, wait_until

USER = "nadia-browser"


@pytest.fixture(scope="module")
def app(trained_artifacts, app_settings):
    return create_app(trained_artifacts, app_settings)


@pytest.fixture(scope="module")
def seeded(app_database) -> None:
    """35 events of one user in the session's app database: 30 scores shown, then 5 what-ifs."""
    start = datetime(2025, 6, 2, 9, 0)
    shown = [
        AuditEvent("score_shown", start + timedelta(minutes=i), user_name=USER, role="advisor", client_id=123)
        for i in range(30)
    ]
    tried = [
        AuditEvent(
            "what_if", start + timedelta(hours=2, minutes=i), user_name=USER, role="advisor", client_id=456
        )
        for i in range(5)
    ]
    audit_log(app_database).insert_now(shown + tried)


def _fetch(dash_duo, path: str) -> tuple[int, str]:
    request = urllib.request.Request(dash_duo.server_url + path, headers={"Cookie": session_cookie(dash_duo)})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_an_admin_filters_the_log_and_downloads_it(dash_duo, app, seeded):
    open_page(dash_duo, app, "/audit", role="admin")
    assert "Administrateur" in text_of(dash_duo, "#audit-admin")
    assert dash_duo.find_element("#nav-audit").tag_name == "a"
    wait_until(lambda: "événement" in text_of(dash_duo, "#audit-count"))

    type_into(dash_duo, "#audit-user", USER)
    wait_until(lambda: text_of(dash_duo, "#audit-count") == "35 événements, page 1 sur 2.")
    first_row = text_of(dash_duo, "#audit-table tbody tr:nth-child(2)")  # row 1 holds the headers
    assert "Simulation" in first_row and USER in first_row and "conseiller" in first_row  # in words
    assert first_row.startswith("02/06/2025 11:04:00")  # the French date, on one line

    Select(dash_duo.find_element("#audit-kind")).select_by_value("score_shown")
    wait_until(lambda: text_of(dash_duo, "#audit-count") == "30 événements, page 1 sur 2.")
    type_into(dash_duo, "#audit-client", "12x")
    wait_until(lambda: "nombre entier" in text_of(dash_duo, "#audit-client-feedback"))
    assert "is-invalid" in dash_duo.find_element("#audit-client").get_attribute("class")
    type_into(dash_duo, "#audit-client", "123")
    wait_until(lambda: text_of(dash_duo, "#audit-client-feedback") == "")

    href = dash_duo.find_element("#audit-export").get_attribute("href")
    assert f"user={USER}" in href and "kind=score_shown" in href and "client_id=123" in href
    status, text = _fetch(dash_duo, href.removeprefix(dash_duo.server_url))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert status == 200 and len(rows) == 30 and {r["client_id"] for r in rows} == {"123"}
    dash_duo.driver.execute_script("window.scrollTo(0, 0)")
    screenshot(dash_duo, "audit")
    assert severe_logs(dash_duo) == []


def test_an_advisor_has_neither_the_link_nor_the_page_nor_the_export(dash_duo, app):
    open_page(dash_duo, app, "/", role="advisor")
    assert not dash_duo.driver.find_elements("css selector", "#nav-audit")
    assert _fetch(dash_duo, "/audit")[0] == 403
    assert _fetch(dash_duo, "/audit/export.csv")[0] == 403
