"""The client's take-home summary in a real browser: opened from the client page in a new tab, in French and
English, it prints on one A4 page without its print button, and axe-core finds nothing to fix.

Screenshots (the page on screen) go to test-output/screenshots/summary_<lang>.png, the printed page to
test-output/screenshots/summary_<lang>.pdf.
"""

from __future__ import annotations

import base64
import re
from itertools import pairwise

import pytest

from app import get_services
from app.config import SETTINGS_EXTENSION
from app.i18n import t
from app.recourse import client_recourse
from app.summary import summary_path
from model_training.decision import REFUSE
from tests.browser.axe import assert_accessible
from tests.browser.conftest import start_signed_in
from tests.browser.test_pages import (
    SCREENSHOTS,
    click,
    open_page,
    screenshot,
    severe_logs,
    type_into,
    wait_until,
)
from tests.pages.loaded import app_in_context
from tests.signin import account

TIMEOUT = 10
#: A4 in PostScript points (595.28 x 841.89), as Chromium writes the PDF's MediaBox.
A4_POINTS = (595, 842)


@pytest.fixture(scope="module")
def app(trained_artifacts, app_settings):
    yield from app_in_context(trained_artifacts, app_settings)


@pytest.fixture(scope="module")
def refused(app) -> int:
    """A refused production client whose summary is among the longest: the most acceptable offers, looked
    for among the refusals nearest the threshold (where offers are)."""
    services = get_services()
    ids = services.clients.production.sort("probability").get_column("SK_ID_CURR").to_list()
    candidates = [int(i) for i in ids if services.scoring.score_client(int(i)).decision == REFUSE][:25]
    offers = {cid: len(client_recourse(services.scoring, cid).offers) for cid in candidates}
    assert max(offers.values()) > 0, "no refused client near the threshold has an acceptable offer"
    return max(candidates, key=lambda cid: offers[cid])


def printed_pages(driver) -> tuple[int, list[tuple[int, int]], bytes]:
    """The page printed by Chromium as the print dialog would (the page's own @page size and margins): its
    number of pages, their sizes in points, and the PDF itself."""
    pdf = base64.b64decode(
        driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})[
            "data"
        ]
    )
    sizes = [
        (round(float(w)), round(float(h)))
        for w, h in re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    ]
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf)), sizes, pdf


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_client_page_opens_a_one_page_a4_summary(dash_duo, app, refused, lang):
    open_page(dash_duo, app, f"/client/{refused}?lang={lang}")
    dash_duo.wait_for_element("#client-summary-link", timeout=TIMEOUT)
    link = dash_duo.find_element("#client-summary-link")
    assert link.get_attribute("target") == "_blank" and "noopener" in link.get_attribute("rel")
    assert link.get_attribute("href").endswith(summary_path(refused, lang))
    assert link.text.startswith(t("summary.print_link", lang))
    driver = dash_duo.driver
    before = set(driver.window_handles)
    link.click()
    wait_until(lambda: len(driver.window_handles) > len(before))
    driver.switch_to.window((set(driver.window_handles) - before).pop())
    dash_duo.wait_for_element("#summary-document", timeout=TIMEOUT)

    assert driver.execute_script("return document.documentElement.lang") == lang
    assert driver.title.startswith(t("summary.title", lang))
    assert dash_duo.find_element("#summary-reference").text == str(refused)
    assert dash_duo.find_element("#summary-decision").text.endswith(t("decision.refuse", lang))
    assert dash_duo.find_element("#summary-print").is_displayed()
    assert dash_duo.driver.find_elements("css selector", "#summary-offers-table tbody tr")  # the longest case
    headings = driver.execute_script(
        "return Array.from(document.querySelectorAll('h1, h2, h3')).map(h => Number(h.tagName[1]));"
    )
    assert headings[0] == 1 and all(b - a <= 1 for a, b in pairwise(headings))
    screenshot(dash_duo, f"summary_{lang}")
    assert_accessible(driver, f"the summary ({lang})")

    # printed: the button hidden, black text on white, one A4 page
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not dash_duo.find_element("#summary-print").is_displayed()
        colours = driver.execute_script(
            "const s = getComputedStyle(document.body); return [s.color, s.backgroundColor, s.fontSize];"
        )
        assert colours[:2] == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
        assert 14.6 <= float(colours[2].removesuffix("px")) <= 16.0  # 11 to 12 pt
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pages, sizes, pdf = printed_pages(driver)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"summary_{lang}.pdf").write_bytes(pdf)
    assert pages == 1, f"the summary prints on {pages} pages"
    assert sizes and all(size == A4_POINTS for size in sizes), sizes
    assert not severe_logs(dash_duo), severe_logs(dash_duo)  # the print script passes the CSP


def test_in_meeting_mode_the_client_takes_their_own_summary_and_nothing_else(dash_duo, app, refused):
    """The manager's screen in meeting mode: the link opens this client's summary; another client's summary,
    typed in that tab, leads back to the meeting view. The meeting then ends with the advisor's password."""
    production = get_services().clients.production.get_column("SK_ID_CURR").to_list()
    other = next(int(i) for i in production if int(i) != refused)
    dash_duo.driver.set_window_size(1280, 1000)
    start_signed_in(dash_duo, app, "advisor", f"/client/{refused}")
    click(dash_duo, "#nav-meeting")
    dash_duo.wait_for_element("#meeting-summary-link", timeout=TIMEOUT)
    driver = dash_duo.driver
    meeting_tab, before = driver.current_window_handle, set(driver.window_handles)
    click(dash_duo, "#meeting-summary-link")
    wait_until(lambda: len(driver.window_handles) > len(before))
    driver.switch_to.window((set(driver.window_handles) - before).pop())
    dash_duo.wait_for_element("#summary-document", timeout=TIMEOUT)
    assert dash_duo.find_element("#summary-reference").text == str(refused)
    screenshot(dash_duo, "summary_meeting_fr")
    driver.get(f"{dash_duo.server_url}{summary_path(other, 'fr')}")
    dash_duo.wait_for_element("#meeting-decision", timeout=TIMEOUT)  # back to the meeting view
    assert driver.current_url.endswith(f"/meeting/{refused}")
    assert str(other) not in driver.page_source
    driver.close()
    driver.switch_to.window(meeting_tab)
    type_into(dash_duo, "#meeting-password", account(app_database_of(app), "advisor").password, submit=False)
    click(dash_duo, "#meeting-leave")  # the meeting ends, so that no other test finds it in progress
    dash_duo.wait_for_element("#app-navbar", timeout=TIMEOUT)


def app_database_of(app) -> str:
    return app.server.extensions[SETTINGS_EXTENSION].database_url
