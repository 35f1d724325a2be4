"""The drift page in a real browser: verdict, per-column table, score chart and the report on demand."""

from __future__ import annotations

import urllib.request

import pytest
from selenium.webdriver.common.by import By

from app import create_app
from app.drift_report import FULL_REPORT_URL, REPORT_URL
from app.drift_view import summary_verdict
from model_training.drift_summary import load_drift_summary
from tests.browser.conftest import session_cookie
from tests.browser.test_pages import (
    click,
    open_page,
    screenshot,
    severe_logs,
    text_of,
    wait_until,
)


@pytest.fixture(scope="module")
def drifted_app(drifted_artifacts, app_settings):
    return create_app(drifted_artifacts, app_settings)


def test_the_drift_page_shows_the_verdict_the_columns_and_the_report(
    dash_duo, drifted_app, drifted_artifacts
):
    summary = load_drift_summary(drifted_artifacts)
    open_page(dash_duo, drifted_app, "/drift", role="admin")
    dash_duo.wait_for_element("#drift-banner")
    verdict = text_of(dash_duo, "#drift-verdict")
    expected = {"drifted": "⚠ Dérive détectée", "important": "⚠ Variables importantes en dérive"}
    assert verdict.startswith(expected.get(summary_verdict(summary).level, "✓ Pas de dérive"))
    assert "Administrateur" in text_of(dash_duo, "#drift-admin")
    assert dash_duo.find_element("#nav-drift").tag_name == "a"  # the navigation slot became a link
    cells = "#drift-table td[data-dash-column='column']"
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, cells)) == len(summary.columns))
    assert "PSI" in text_of(dash_duo, "#drift-score-summary")

    frame = dash_duo.find_element("#drift-report-frame")
    assert not frame.get_attribute("src")
    click(dash_duo, "#drift-report-show")
    wait_until(
        lambda: (dash_duo.find_element("#drift-report-frame").get_attribute("src") or "").endswith(REPORT_URL)
    )
    request = urllib.request.Request(
        dash_duo.server_url + REPORT_URL, headers={"Cookie": session_cookie(dash_duo)}
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    # the report says it is loading until evidently has drawn it, then shows its content instead
    dash_duo.driver.switch_to.frame(dash_duo.find_element("#drift-report-frame"))
    try:
        wait_until(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, "[id^='root_'] .js-plotly-plot"))
        notices = dash_duo.driver.find_elements(By.ID, "pad-report-loading")
        assert len(notices) == 1 and not notices[0].is_displayed()
    finally:
        dash_duo.driver.switch_to.default_content()
    assert "anglais" in text_of(dash_duo, "#drift-report-english")
    assert dash_duo.find_element("#drift-report-full").get_attribute("href").endswith(FULL_REPORT_URL)
    dash_duo.driver.execute_script("window.scrollTo(0, 0)")
    screenshot(dash_duo, "drift")
    assert severe_logs(dash_duo) == []


def test_without_a_drift_report_the_page_says_how_to_build_it(dash_duo, trained_artifacts, app_settings):
    open_page(dash_duo, create_app(trained_artifacts, app_settings), "/drift", role="admin")
    message = text_of(dash_duo, "#drift-missing")
    assert "make drift" in message and "python -m model_training drift" in message
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, "#drift-table")
    screenshot(dash_duo, "drift_missing")
    assert severe_logs(dash_duo) == []
