"""The drift history in a real browser: the latest verdict, both charts drawn, the window choice answering,
the latest batch's report reachable, and axe-core finding nothing (WCAG 2.1 A/AA) in French and English."""

from __future__ import annotations

import dataclasses
import urllib.request

import pytest
from selenium.webdriver.common.by import By

from app.drift_report import batch_report_url
from tests.app.test_drift_history_page import REPORT_HTML, build_history_app, put, record
from tests.browser.axe import axe_violations, describe
from tests.browser.conftest import session_cookie
from tests.browser.test_pages import click, open_page, screenshot, severe_logs, text_of, wait_until


@pytest.fixture(scope="module")
def history_app(tmp_path_factory, drifted_artifacts, app_settings):
    app, _ = build_history_app(
        tmp_path_factory.mktemp("drift_history_browser"), drifted_artifacts, app_settings
    )
    # the month 2026-03 beside the batch named 2026-03: its own record (keyed "month:2026-03")
    put(app, dataclasses.replace(record("2026-03", 3, 0.31, (), None), window="month"))
    return app


def drawn(dash_duo, graph_id: str) -> bool:
    return bool(dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{graph_id} .main-svg"))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_history_shows_the_trend_the_grid_and_the_latest_report(dash_duo, history_app, lang):
    path = "/drift" if lang == "fr" else "/drift?lang=en"
    open_page(dash_duo, history_app, path, role="admin")
    dash_duo.wait_for_element("#drift-latest")
    expected = "⚠ variables importantes" if lang == "fr" else "⚠ important features"
    assert text_of(dash_duo, "#drift-latest-verdict").endswith(expected)
    wait_until(lambda: drawn(dash_duo, "drift-history-psi") and drawn(dash_duo, "drift-history-grid"))
    cells = "#drift-history-table td[data-dash-column='subject']"
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, cells)) == 3)
    link = dash_duo.find_element("#drift-batch-report")
    assert link.get_attribute("href").endswith(batch_report_url("2026-03"))
    request = urllib.request.Request(link.get_attribute("href"), headers={"Cookie": session_cookie(dash_duo)})
    with urllib.request.urlopen(request) as response:
        assert response.read().decode() == REPORT_HTML
    violations = axe_violations(dash_duo.driver)
    assert not violations, describe(violations)
    screenshot(dash_duo, f"drift_history_{lang}")

    # by calendar month: one window, its own verdict
    click(dash_duo, "#drift-window input[value='month']")
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, cells)) == 1)
    assert "2026-03" in text_of(dash_duo, "#drift-latest-verdict")
    wait_until(lambda: drawn(dash_duo, "drift-history-psi"))
    violations = axe_violations(dash_duo.driver)
    assert not violations, describe(violations)
    assert severe_logs(dash_duo) == []
