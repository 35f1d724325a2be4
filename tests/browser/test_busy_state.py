"""The busy state in a real browser: a callback slower than 300 ms shows "working" over the page's content
until it answers; a quick one shows nothing; every page's content sits inside the busy area."""

from __future__ import annotations

import time

import pytest
from dash import Dash, Input, Output, html
from selenium.webdriver.common.by import By

from app import create_app
from components.layout import BUSY_DELAY_MS, BUSY_ID, busy_area
from tests.browser.test_pages import open_page, wait_until

NOTICE = f"#{BUSY_ID}-notice"


def busy_app() -> Dash:
    """Two buttons inside one busy area, as a page lays them out: one answers at once, one after 1.5 s."""
    app = Dash(__name__)
    content = [
        html.Button("quick", id="quick"),
        html.Button("slow", id="slow"),
        html.P("", id="quick-answer"),
        html.P("", id="slow-answer"),
    ]
    app.layout = html.Main([html.H1("test", id="page-title"), busy_area(content, "Calcul en cours…")])

    @app.callback(Output("quick-answer", "children"), Input("quick", "n_clicks"), prevent_initial_call=True)
    def quick(clicks: int) -> str:
        return f"quick {clicks}"

    @app.callback(Output("slow-answer", "children"), Input("slow", "n_clicks"), prevent_initial_call=True)
    def slow(clicks: int) -> str:
        time.sleep(1.5)
        return f"slow {clicks}"

    return app


def notice_shown(dash_duo) -> bool:
    return any(e.is_displayed() for e in dash_duo.driver.find_elements(By.CSS_SELECTOR, NOTICE))


def test_a_slow_callback_shows_the_busy_state_until_it_answers(dash_duo):
    dash_duo.start_server(busy_app())
    dash_duo.wait_for_element("#slow")
    assert not notice_shown(dash_duo), "no busy state on the first render"
    dash_duo.find_element("#slow").click()
    clicked = time.monotonic()
    wait_until(lambda: notice_shown(dash_duo), timeout=3)
    appeared = time.monotonic() - clicked
    assert BUSY_DELAY_MS / 1000 * 0.8 <= appeared < 1.5, f"shown after {appeared:.2f} s"
    notice = dash_duo.find_element(NOTICE)
    assert notice.get_attribute("role") == "status"
    assert notice.text == "Calcul en cours…"
    assert dash_duo.find_element("#slow").is_displayed(), "the content stays in place, dimmed"
    wait_until(lambda: dash_duo.find_element("#slow-answer").text == "slow 1", timeout=5)
    wait_until(lambda: not notice_shown(dash_duo), timeout=2)


def test_nothing_shows_before_the_delay_so_quick_callbacks_never_flicker(dash_duo):
    dash_duo.start_server(busy_app())
    dash_duo.wait_for_element("#quick")
    seen = []
    dash_duo.find_element("#quick").click()
    clicked = time.monotonic()
    # whatever the machine's load, the notice cannot show before the delay
    while time.monotonic() - clicked < BUSY_DELAY_MS / 1000 * 0.8:
        seen.append(notice_shown(dash_duo))
        time.sleep(0.02)
    wait_until(lambda: dash_duo.find_element("#quick-answer").text == "quick 1", timeout=5)
    assert seen and not any(seen)
    wait_until(lambda: not notice_shown(dash_duo), timeout=2)


@pytest.fixture(scope="module")
def app(trained_artifacts, app_settings):
    return create_app(trained_artifacts, app_settings)


@pytest.mark.parametrize("path", ["/", "/clients", "/model"])
def test_every_callback_output_of_a_page_is_inside_its_busy_area(dash_duo, app, path):
    open_page(dash_duo, app, path, role="admin")
    # the page's first callbacks (the clients table's rows...) may run past 300 ms on a loaded machine
    wait_until(lambda: not notice_shown(dash_duo))
    outside = dash_duo.driver.execute_script(
        """
        const area = document.getElementById(arguments[0]).parentElement;
        const outputs = document.querySelectorAll(
            'main .dash-graph, main .dash-table-container, main figcaption');
        return [outputs.length, Array.from(outputs).filter(e => !area.contains(e)).map(e => e.id)];
        """,
        BUSY_ID,
    )
    count, missing = outside
    assert count > 0 and missing == []
