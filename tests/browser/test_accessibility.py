"""Every page, in both languages and for both roles, checked by axe-core (WCAG 2.1 A/AA): 0 violations.

One browser session per role × language visits the pages in sequence, as a person would: the sign-in page
signed out, then each page the role may open, some interactive states (filters used, a table paged, a
slider moved, a field refused) and finally meeting mode. Every violation of the whole visit is reported at
once, with the page it was found on, and each view is saved under test-output/screenshots/a11y_*.png.
"""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By

from app import get_services
from app.i18n import t
from components.navigation import PAGER_LABELS
from model_training.decision import REFUSE
from tests.browser.axe import axe_violations, describe
from tests.browser.test_pages import SCREENSHOTS, click, text_of, type_into, wait_until
from tests.signin import account

TIMEOUT = 20
WIDTH = 1280

#: (name, path, roles): every page a role may open; {a} and {b} are two production clients.
PAGES = (
    ("home", "/", ("advisor", "admin")),
    ("client", "/client/{a}", ("advisor", "admin")),
    ("explanation", "/explanation/{b}", ("advisor", "admin")),
    ("clients", "/clients", ("advisor", "admin")),
    ("new_application", "/new-application", ("advisor", "admin")),
    ("comparison", "/comparison/{a}?other={b}", ("advisor", "admin")),
    ("what_if", "/what-if/{b}", ("advisor", "admin")),
    ("drift", "/drift", ("admin",)),
    ("model", "/model", ("admin",)),
    ("audit", "/audit", ("admin",)),
)

#: Dash's callbacks all answered, nothing marked loading, every graph drawn by Plotly.
SETTLED = """
if (!window.store) { return false; }
const callbacks = Object.assign({}, window.store.getState().callbacks);
delete callbacks.stored;
delete callbacks.completed;
if (Object.values(callbacks).some(list => list.length)) { return false; }
if (document.querySelector('[data-dash-is-loading="true"]')) { return false; }
return Array.from(document.querySelectorAll('.dash-graph'))
    .every(graph => graph.querySelector('.main-svg'));
"""


@pytest.fixture(scope="module")
def clients(app) -> dict[str, int]:
    """The production clients with the lowest and the highest risk (accepted and refused)."""
    ids = get_services().clients.production.sort("probability").get_column("SK_ID_CURR").to_list()
    return {"a": int(ids[0]), "b": int(ids[-1])}


def url(dash_duo, path: str, lang: str) -> str:
    """The page's address in `lang` (French is the default: no parameter)."""
    if lang == "fr":
        return dash_duo.server_url + path
    return dash_duo.server_url + path + ("&" if "?" in path else "?") + f"lang={lang}"


def wait_for(condition, what: str) -> None:
    """wait_until, saying what did not happen when it times out."""
    try:
        wait_until(condition, TIMEOUT)
    except AssertionError as error:
        raise AssertionError(f"not in {TIMEOUT} s: {what}") from error


def settle(dash_duo) -> None:
    """Waits until the page's callbacks have rendered, twice in a row a moment apart (chained callbacks)."""
    for _ in range(2):
        wait_for(lambda: dash_duo.driver.execute_script(SETTLED), f"{dash_duo.driver.current_url} settled")
        time.sleep(0.3)


class Visit:
    """One person's visit: checks each view with axe and keeps every violation with where it was found."""

    def __init__(self, dash_duo, database: str, role: str, lang: str):
        self.dash_duo, self.role, self.lang = dash_duo, role, lang
        self.database = database  # the app's, where the test accounts are
        self.found: list[tuple[str, list[dict]]] = []
        self.checked: list[str] = []

    def check(self, view: str) -> None:
        driver = self.dash_duo.driver
        driver.set_script_timeout(60)
        where = f"{view} ({self.role}, {self.lang}) {driver.current_url}"
        violations = axe_violations(driver)
        if violations:
            self.found.append((where, violations))
        self.checked.append(view)
        self.screenshot(view)

    def screenshot(self, view: str) -> None:
        """The whole page: the window stretched to its height, then back to the usual size."""
        driver = self.dash_duo.driver
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        driver.execute_script("window.scrollTo(0, 0)")
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(WIDTH, max(900, min(int(height) + 120, 5000)))
        time.sleep(0.4)
        driver.save_screenshot(str(SCREENSHOTS / f"a11y_{self.role}_{self.lang}_{view}.png"))
        driver.set_window_size(WIDTH, 1000)

    def report(self) -> str:
        return "\n".join(f"{where}:\n{describe(violations)}" for where, violations in self.found)


def sign_in(visit: Visit) -> None:
    """The sign-in page, signed out, checked; then the test account of the role types its password."""
    dash_duo, lang = visit.dash_duo, visit.lang
    dash_duo.driver.get(url(dash_duo, f"/login?next={quote('/', safe='')}", lang))
    dash_duo.wait_for_element("#login-username", timeout=TIMEOUT)
    visit.check("login")
    user = account(visit.database, visit.role)
    dash_duo.find_element("#login-username").send_keys(user.name)
    dash_duo.find_element("#login-password").send_keys(user.password)
    dash_duo.find_element("#login-submit").click()
    # the sign-in page has a #page-title too: wait for the Dash page the server sends once signed in
    dash_duo.wait_for_element("#react-entry-point", timeout=TIMEOUT)
    settle(dash_duo)


def open_page(visit: Visit, path: str) -> None:
    dash_duo = visit.dash_duo
    dash_duo.driver.get(url(dash_duo, path, visit.lang))
    dash_duo.wait_for_element("#page-title", timeout=TIMEOUT)
    settle(dash_duo)
    wait_for(
        lambda: dash_duo.driver.execute_script("return document.documentElement.lang") == visit.lang,
        f"<html lang> set to {visit.lang} on {path}",
    )


def interactive_states(visit: Visit, name: str) -> None:
    """The states of a page a person reaches by using it, each checked too."""
    dash_duo = visit.dash_duo
    if name == "clients":
        click(dash_duo, f"#clients-decision input[value='{REFUSE}']")
        type_into(dash_duo, "#clients-age-min", "30")
        type_into(dash_duo, "#clients-age-max", "20")  # a range the wrong way round: a message
        wait_for(lambda: text_of(dash_duo, "#clients-feedback"), "the clients page says the range is wrong")
        settle(dash_duo)
        visit.check("clients_filtered")
        click(dash_duo, "#clients-reset")
        settle(dash_duo)
        first = text_of(dash_duo, "#clients-table td[data-dash-column='SK_ID_CURR']")
        click(dash_duo, "#clients-table .next-page")
        wait_for(
            lambda: text_of(dash_duo, "#clients-table td[data-dash-column='SK_ID_CURR']") != first,
            "the clients table on its second page",
        )
        settle(dash_duo)
        # the pager's icon buttons and page field carry names in the page's language (assets/table-pager.js)
        names = dash_duo.driver.execute_script(
            "return Array.from(document.querySelectorAll('#clients-table .previous-next-container button,"
            " #clients-table input.current-page')).map(e => e.getAttribute('aria-label'));"
        )
        words = [t(f"table.{key}", visit.lang) for key in PAGER_LABELS if key != "page_input"]
        assert names[:2] == words[:2] and names[-2:] == words[2:], names
        assert names[2].startswith(t("table.page_input", visit.lang).split("(")[0]) and "2" in names[2], names
        visit.check("clients_page_2")
    elif name == "explanation":
        click(dash_duo, "#explanation-view input[value='log_odds']")  # the data scientist's view
        intro = "#explanation-concepts-intro"
        wait_for(lambda: "log-odds" in text_of(dash_duo, intro), "the concepts redrawn in log-odds")
        click(dash_duo, "#explanation-concepts .accordion-button")  # a concept opened to its features
        opened = ".concept-features"
        wait_for(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, opened), "a concept opens")
        settle(dash_duo)
        visit.check("explanation_log_odds_concept_open")
    elif name == "comparison":
        drawn = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#comparison-difference .main-svg")
        assert drawn and drawn[0].is_displayed(), "the second client's grid was checked, not an empty one"
        click(dash_duo, "#comparison-group input[value='outcome']")
        settle(dash_duo)
        visit.check("comparison_by_outcome")
    elif name == "client":
        click(dash_duo, "#client-human-override")  # overriding without a reason: refused, nothing recorded
        wait_for(lambda: text_of(dash_duo, "#client-human-reason-feedback"), "the override is refused")
        settle(dash_duo)
        visit.check("client_override_refused")
    elif name == "new_application":
        click(dash_duo, "#new-application-bureau-add")
        dash_duo.wait_for_element("#new-application-bureau-1", timeout=TIMEOUT)
        type_into(
            dash_duo, '[id=\'{"column":"AMT_CREDIT_SUM","row":1,"type":"new-application-bureau"}\']', "x"
        )
        click(dash_duo, "#new-application-submit")  # nothing else filled in: an incomplete application
        wait_for(lambda: text_of(dash_duo, "#new-application-summary"), "the application is refused")
        settle(dash_duo)
        visit.check("new_application_refused")
    elif name == "what_if":
        type_into(dash_duo, "#what-if-income", "beaucoup")
        wait_for(lambda: text_of(dash_duo, "#what-if-income-feedback"), "the what-if page refuses the income")
        settle(dash_duo)
        visit.check("what_if_refused_value")
    elif name == "model":
        dash_duo.find_element("#model-ratio").send_keys("\ue012")  # ← : the slider one step down
        settle(dash_duo)
        visit.check("model_ratio_moved")
    elif name == "audit":
        pages = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#audit-table .next-page")
        if pages and pages[0].is_enabled():
            click(dash_duo, "#audit-table .next-page")
            settle(dash_duo)
            visit.check("audit_page_2")


def summary_document(visit: Visit, client_id: int) -> None:
    """The client's take-home summary (app/summary.py): a plain HTML page, no Dash to settle."""
    dash_duo = visit.dash_duo
    dash_duo.driver.get(url(dash_duo, f"/client/{client_id}/summary", visit.lang))
    dash_duo.wait_for_element("#summary-document", timeout=TIMEOUT)
    visit.check("summary")


def meeting_mode(visit: Visit, client_id: int) -> None:
    """The client's own view, the manager's password refused once (the message the client sees), then the
    meeting ended with the right one."""
    dash_duo = visit.dash_duo
    open_page(visit, f"/client/{client_id}")
    click(dash_duo, "#nav-meeting")
    dash_duo.wait_for_element("#meeting-decision", timeout=TIMEOUT)
    settle(dash_duo)
    visit.check("meeting")
    type_into(dash_duo, "#meeting-password", "not-the-password", submit=False)
    click(dash_duo, "#meeting-leave")
    dash_duo.wait_for_element("#meeting-error", timeout=TIMEOUT)
    settle(dash_duo)
    visit.check("meeting_wrong_password")
    type_into(dash_duo, "#meeting-password", account(visit.database, visit.role).password, submit=False)
    click(dash_duo, "#meeting-leave")  # the meeting ends, so that no other test finds it in progress
    dash_duo.wait_for_element("#app-navbar", timeout=TIMEOUT)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("role", ["advisor", "admin"])
def test_every_page_passes_axe_in_both_languages(dash_duo, app, app_database, clients, role, lang):
    dash_duo.driver.set_window_size(WIDTH, 1000)
    dash_duo.start_server(app, navigate=False)
    dash_duo._url = dash_duo.server.url  # what start_server sets, without its wait for a Dash page at "/"
    visit = Visit(dash_duo, app_database, role, lang)
    sign_in(visit)
    for name, path, roles in PAGES:
        if role not in roles:
            continue
        open_page(visit, path.format(**clients))
        visit.check(name)
        interactive_states(visit, name)
    summary_document(visit, clients["b"])
    meeting_mode(visit, clients["a"])
    expected = {name for name, _, roles in PAGES if role in roles} | {"login", "meeting", "summary"}
    assert expected <= set(visit.checked)
    assert not visit.found, f"axe-core (WCAG 2.1 A/AA) found violations:\n{visit.report()}"
