"""Access control in a real browser: signing in and out, an advisor refused on an admin page, meeting mode
showing one client only and ending with the manager's password, an expired session sending to sign-in."""

from __future__ import annotations

import dataclasses
import re
import time

from selenium.webdriver.common.by import By

from app import create_app
from tests.browser.conftest import TIMEOUT, sign_in, start_signed_in
from tests.browser.test_pages import click, screenshot, severe_logs, text_of, type_into, wait_until
from tests.signin import account


def logs_except(dash_duo, *expected: str) -> list[dict]:
    """SEVERE console entries, but those the test provokes on purpose (a refused request's status)."""
    return [e for e in severe_logs(dash_duo) if not any(text in e["message"] for text in expected)]


def test_signing_in_and_out(dash_duo, app, app_database):
    dash_duo.start_server(app, navigate=False)
    dash_duo._url = dash_duo.server.url
    dash_duo.driver.set_window_size(1280, 1000)
    dash_duo.driver.get(dash_duo.server_url + "/clients")
    dash_duo.wait_for_element("#login-form", timeout=TIMEOUT)
    assert "/login?next=%2Fclients" in dash_duo.driver.current_url
    assert dash_duo.driver.execute_script("return document.activeElement.id") == "login-username"
    user = account(app_database, "advisor")
    dash_duo.find_element("#login-username").send_keys(user.name)
    dash_duo.find_element("#login-password").send_keys("not-my-password")
    dash_duo.find_element("#login-submit").click()
    dash_duo.wait_for_contains_text("#login-error", "incorrect", timeout=TIMEOUT)
    screenshot(dash_duo, "login_error")

    dash_duo.find_element("#login-password").send_keys(user.password)
    dash_duo.find_element("#login-submit").click()
    dash_duo.wait_for_text_to_equal("#page-title", "Tous les clients", timeout=TIMEOUT)
    assert user.name in text_of(dash_duo, "#nav-account")
    click(dash_duo, "#nav-logout")
    dash_duo.wait_for_contains_text("#login-notice", "déconnecté", timeout=TIMEOUT)
    dash_duo.driver.get(dash_duo.server_url + "/clients")
    dash_duo.wait_for_element("#login-form", timeout=TIMEOUT)
    assert logs_except(dash_duo, "401") == []


def test_an_advisor_does_not_see_nor_open_the_drift_page(dash_duo, app):
    start_signed_in(dash_duo, app, "advisor", "/")
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, "#nav-drift")
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, "#nav-clients")
    dash_duo.driver.get(dash_duo.server_url + "/drift")
    dash_duo.wait_for_contains_text("#error-message", "réservée aux administrateurs", timeout=TIMEOUT)
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, "#drift-banner")
    screenshot(dash_duo, "drift_refused_to_advisor")
    assert logs_except(dash_duo, "403") == []


def test_meeting_mode_shows_one_client_and_ends_with_the_managers_password(
    dash_duo, app, production_ids, app_database
):
    shown = production_ids[0]
    start_signed_in(dash_duo, app, "advisor", f"/client/{shown}")
    click(dash_duo, "#nav-meeting")
    dash_duo.wait_for_element("#meeting-decision", timeout=TIMEOUT)
    assert dash_duo.driver.current_url.endswith(f"/meeting/{shown}")
    wait_until(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, "#meeting-gauge .main-svg"))
    assert text_of(dash_duo, "#meeting-reasons")
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, "#app-navbar, #nav-clients, .client-picker")
    size = dash_duo.driver.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector('#meeting-risk')).fontSize)"
    )
    assert size >= 19  # large type: 1.25 rem and more
    page = dash_duo.driver.page_source
    leaked = [i for i in production_ids if i != shown and re.search(rf"\b{i}\b", page)]
    assert leaked == []
    screenshot(dash_duo, "meeting_mode")

    dash_duo.driver.get(f"{dash_duo.server_url}/client/{production_ids[1]}")  # typed by hand: sent back
    dash_duo.wait_for_element("#meeting-decision", timeout=TIMEOUT)
    assert dash_duo.driver.current_url.endswith(f"/meeting/{shown}")

    type_into(dash_duo, "#meeting-password", "not-the-password", submit=False)
    click(dash_duo, "#meeting-leave")
    dash_duo.wait_for_contains_text("#meeting-error", "incorrect", timeout=TIMEOUT)
    assert dash_duo.driver.current_url.endswith(f"/meeting/{shown}?error=wrong")

    type_into(dash_duo, "#meeting-password", account(app_database, "advisor").password, submit=False)
    click(dash_duo, "#meeting-leave")
    dash_duo.wait_for_text_to_equal("#page-title", f"Client {shown}", timeout=TIMEOUT)
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, "#nav-clients")
    assert logs_except(dash_duo) == []


def test_an_expired_session_sends_to_the_sign_in_page_and_back(
    dash_duo, drifted_artifacts, production_ids, app_settings
):
    settings = dataclasses.replace(app_settings, session_minutes=0.05)  # 3 s
    start_signed_in(dash_duo, create_app(drifted_artifacts, settings), "advisor", "/clients")
    time.sleep(4)
    type_into(dash_duo, "#clients-age-min", "30")  # a callback, refused: the session is over
    dash_duo.wait_for_element("#login-form", timeout=TIMEOUT)
    assert "next=%2Fclients" in dash_duo.driver.current_url
    sign_in(dash_duo, app_settings.database_url, "advisor", "/clients")
    dash_duo.wait_for_text_to_equal("#page-title", "Tous les clients", timeout=TIMEOUT)
    assert logs_except(dash_duo, "401") == []
