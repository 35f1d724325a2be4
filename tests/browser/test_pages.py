"""The pages in a real browser (dash[testing], headless Chromium) on artifacts trained on synthetic data.

Each test also saves a screenshot under test-output/screenshots/ for a person to look at.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from app import get_services
from app.concept_importance import background_importance
from app.i18n import t
from components.client_picker import css_selector, ids
from components.waterfall import bar_count
from model_training.decision import REFUSE
from pages._shared import field_label
from tests.browser.conftest import start_signed_in
from tests.pages.loaded import app_in_context

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
TIMEOUT = 10


@pytest.fixture(scope="module")
def app(trained_artifacts, app_settings):
    yield from app_in_context(trained_artifacts, app_settings)


@pytest.fixture(scope="module")
def clients(app) -> dict[str, int]:
    """A production client the model accepts and one it refuses (lowest and highest risk)."""
    production = get_services().clients.production.sort("probability")
    ids = production.get_column("SK_ID_CURR").to_list()
    return {"accepted": int(ids[0]), "refused": int(ids[-1])}


# --- helpers ------------------------------------------------------------------------------------------------


def open_page(dash_duo, app, path: str, role: str = "advisor") -> None:
    """Start the app, sign in as the test account of `role` and land on `path`."""
    dash_duo.driver.set_window_size(1280, 1000)
    start_signed_in(dash_duo, app, role, path)
    dash_duo.wait_for_element("#page-title", timeout=TIMEOUT)


def screenshot(dash_duo, name: str) -> None:
    """A full-page picture: the window is stretched to the page's height first."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    time.sleep(0.5)  # let Plotly finish drawing
    height = dash_duo.driver.execute_script("return document.documentElement.scrollHeight")
    dash_duo.driver.set_window_size(1280, max(900, min(int(height) + 120, 4000)))
    time.sleep(0.3)
    dash_duo.driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def severe_logs(dash_duo) -> list[dict]:
    return [entry for entry in dash_duo.get_logs() or [] if entry["level"] == "SEVERE"]


def text_of(dash_duo, selector: str) -> str:
    return dash_duo.find_element(selector).text


def wait_until(condition, timeout: float = TIMEOUT) -> float:
    """Waits for condition() to hold; returns how long it took (a callback's round trip as a user sees it)."""
    started = time.perf_counter()
    while not _holds(condition):
        if time.perf_counter() - started > timeout:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)
    return time.perf_counter() - started


def _holds(condition) -> bool:
    """A condition read off a page that may be re-rendering: a vanished element means "not yet"."""
    try:
        return bool(condition())
    except StaleElementReferenceException:
        return False


def figure_data(dash_duo, graph_id: str) -> list[dict]:
    """The traces Plotly drew in a dcc.Graph."""
    return dash_duo.driver.execute_script(
        "const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');"
        "return gd ? gd.data.map(t => ({name: t.name, y: t.y, x: t.x, type: t.type})) : [];",
        f"#{graph_id}",
    )


def click(dash_duo, selector: str) -> None:
    """Clicks like a user: the element is scrolled into view first (instantly: Bootstrap scrolls smoothly)."""
    element = dash_duo.find_element(selector)
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element
    )
    element.click()


def type_into(dash_duo, selector: str, text: str, submit: bool = True) -> None:
    field = dash_duo.find_element(selector)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.DELETE)
    field.send_keys(text)
    if submit:
        field.send_keys(Keys.ENTER)


# --- every page loads ---------------------------------------------------------------------------------------

PAGES = {
    "home": "/",
    "clients": "/clients",
    "client": "/client/{accepted}",
    "explanation": "/explanation/{refused}",
    "comparison": "/comparison/{accepted}?other={refused}",
    "what_if": "/what-if/{refused}",
    "client_unknown": "/client/1",
}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_loads_without_browser_errors(dash_duo, app, clients, page):
    open_page(dash_duo, app, PAGES[page].format(**clients))
    assert dash_duo.find_element("nav[aria-label]")  # the navigation bar
    assert dash_duo.driver.execute_script("return document.documentElement.lang") == "fr"
    for label in dash_duo.driver.find_elements(By.CSS_SELECTOR, "label[for]"):
        target = label.get_attribute("for")
        # by the DOM, not a CSS selector: a pattern-matching id (the client picker's) is JSON
        found = dash_duo.driver.execute_script("return !!document.getElementById(arguments[0])", target)
        assert found, f"label for missing #{target}"
    screenshot(dash_duo, page)
    assert severe_logs(dash_duo) == []


# --- what a manager does ------------------------------------------------------------------------------------


def test_selecting_a_client_shows_its_score_and_decision(dash_duo, app, clients):
    open_page(dash_duo, app, "/")
    refused = clients["refused"]
    home_picker = css_selector(ids.input("home-picker"))
    type_into(dash_duo, home_picker, str(refused)[:3], submit=False)
    options = f"{css_selector(ids.options('home-picker'))} option"
    wait_until(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, options))  # typeahead
    type_into(dash_duo, home_picker, str(refused))
    dash_duo.wait_for_text_to_equal("#page-title", f"Client {refused}", timeout=TIMEOUT)
    assert "Crédit refusé" in text_of(dash_duo, "#client-decision")
    assert text_of(dash_duo, "#client-recourse").startswith("Ce qui changerait la décision")
    sentence = text_of(dash_duo, "#client-risk")
    assert sentence.startswith("Le risque estimé est de ") and "le seuil d’acceptation est de" in sentence
    assert "Âge" in text_of(dash_duo, "#client-facts")
    assert dash_duo.driver.current_url.endswith(f"/client/{refused}")

    accepted = clients["accepted"]
    type_into(dash_duo, css_selector(ids.input("client-picker")), str(accepted))
    dash_duo.wait_for_text_to_equal("#page-title", f"Client {accepted}", timeout=TIMEOUT)
    assert "Crédit accordé" in text_of(dash_duo, "#client-decision")
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, "#client-recourse")  # nothing to change

    type_into(dash_duo, css_selector(ids.input("client-picker")), "1")
    dash_duo.wait_for_contains_text(css_selector(ids.feedback("client-picker")), "1", timeout=TIMEOUT)
    assert severe_logs(dash_duo) == []


def test_the_waterfall_is_in_points_by_concept_and_a_concept_opens_by_keyboard(dash_duo, app, clients):
    client_id = clients["refused"]
    open_page(dash_duo, app, f"/explanation/{client_id}")
    explanation = get_services().scoring.explain_client(client_id)
    parts = explanation.concepts("fr")

    def bars() -> int:
        data = figure_data(dash_duo, "explanation-waterfall")
        return len(data[0]["y"]) if data else 0

    def drawn() -> int:
        return len(
            dash_duo.driver.find_elements(By.CSS_SELECTOR, "#explanation-waterfall .waterfalllayer .point")
        )

    def axis() -> str:
        return dash_duo.driver.execute_script(
            "const gd = document.querySelector('#explanation-waterfall .js-plotly-plot');"
            "return gd ? gd.layout.xaxis.title.text : '';"
        )

    wait_until(lambda: bars() == bar_count(len(parts), 10) == len(parts) + 2)
    assert drawn() == len(parts) + 2 and axis() == "Risque estimé (%)"
    assert dash_duo.find_element("#reasons li")

    # a concept opens to its features from the keyboard (the accordion's buttons)
    first = parts[0]
    button = dash_duo.find_element("#explanation-concepts .accordion-item .accordion-button")
    assert button.text.startswith(first.label)
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", button
    )
    button.send_keys(Keys.ENTER)
    table = f"#explanation-concept-{first.concept}"
    wait_until(lambda: dash_duo.find_element(table).is_displayed())
    top = explanation.catalog.names[first.features[0]]
    # the item unfolds with a transition: its rows show once it has
    wait_until(lambda: explanation.catalog.label(top, "fr") in text_of(dash_duo, table))
    screenshot(dash_duo, "explanation_concept_open")

    # a click on a concept's bar opens that concept too (the second concept's bar: the base is the first row)
    second = parts[1]
    bar = dash_duo.driver.find_elements(
        By.CSS_SELECTOR, "#explanation-waterfall .waterfalllayer .point path"
    )[2]
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", bar
    )
    ActionChains(dash_duo.driver).move_to_element(bar).click().perform()
    wait_until(lambda: dash_duo.find_element(f"#explanation-concept-{second.concept}").is_displayed())

    click(dash_duo, "#explanation-view input[value='log_odds']")  # the data scientist's view
    elapsed = wait_until(lambda: "log-odds" in axis())
    print(f"explanation view callback, as seen in the browser: {elapsed * 1000:.0f} ms")
    wait_until(lambda: "log-odds" in text_of(dash_duo, "#explanation-concepts-intro"))
    screenshot(dash_duo, "explanation_log_odds")
    assert severe_logs(dash_duo) == []


def hover_texts(dash_duo, bars: str) -> list[str]:
    """The hover box of each bar as the mouse passes over it, as a user scans a chart.

    Spaces are dropped: Plotly's lines are separate SVG elements, which Selenium joins without one.
    """
    texts = []
    for bar in dash_duo.driver.find_elements(By.CSS_SELECTOR, bars):
        dash_duo.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", bar
        )
        ActionChains(dash_duo.driver).move_to_element(bar).perform()
        try:
            wait_until(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, ".hoverlayer .hovertext"), 1)
        except AssertionError:
            continue  # this bar shows no hover box: the assertions say whether the one wanted did
        texts.append(squeezed(dash_duo.find_element(".hoverlayer .hovertext").text))
    return texts


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_concepts_show_their_features_on_hover_in_the_page_language(dash_duo, app, clients, lang):
    client_id = clients["refused"]
    explanation = get_services().scoring.explain_client(client_id)
    catalog = explanation.catalog
    first = explanation.concepts(lang)[0]
    top = catalog.names[first.features[0]]
    open_page(dash_duo, app, f"/explanation/{client_id}" + ("?lang=en" if lang == "en" else ""))
    waterfall = "#explanation-waterfall .waterfalllayer .point path"
    dash_duo.wait_for_element(waterfall, timeout=TIMEOUT)

    hovered = hover_texts(dash_duo, waterfall)
    assert any(squeezed(catalog.label(top, lang)) in text for text in hovered), hovered
    assert any(squeezed(t("chart.concept_features", lang)) in text for text in hovered), hovered

    overall = importance_top_feature()
    hovered = hover_texts(dash_duo, "#explanation-importance .barlayer .point path")
    assert any(squeezed(catalog.label(overall, lang)) in text for text in hovered), hovered
    screenshot(dash_duo, f"explanation_hover_{lang}")
    assert severe_logs(dash_duo) == []


def squeezed(text: str) -> str:
    return "".join(text.split())


def importance_top_feature() -> str:
    """The first feature named in the hover of the concept the overall chart puts on top."""
    scoring = get_services().scoring
    _, concepts = background_importance(scoring.scorer, get_services().artifacts.background)
    return concepts[0].features[0]


def test_a_filter_narrows_the_table_and_the_count(dash_duo, app):
    open_page(dash_duo, app, "/clients")
    total = get_services().clients.production.height
    dash_duo.wait_for_contains_text("#clients-count", f"{total}", timeout=TIMEOUT)
    rows = dash_duo.driver.find_elements(
        By.CSS_SELECTOR, "#clients-table tr td[data-dash-column='SK_ID_CURR']"
    )
    assert 0 < len(rows) <= 20

    threshold = get_services().clients.threshold
    refused = (get_services().clients.production.get_column("probability") >= threshold).sum()
    click(dash_duo, f"#clients-decision input[value='{REFUSE}']")
    elapsed = wait_until(lambda: text_of(dash_duo, "#clients-count").startswith(f"{refused} "))
    print(f"clients filter callback, as seen in the browser: {elapsed * 1000:.0f} ms")

    def decisions() -> list[str]:
        cells = dash_duo.driver.find_elements(
            By.CSS_SELECTOR, "#clients-table td[data-dash-column='decision']"
        )
        return [cell.text for cell in cells]

    wait_until(lambda: decisions() and all("refusé" in text for text in decisions()))

    type_into(dash_duo, "#clients-age-min", "200")
    dash_duo.wait_for_text_to_equal(
        "#clients-count", "Aucun client ne correspond à ces filtres.", timeout=TIMEOUT
    )
    type_into(dash_duo, "#clients-age-max", "20")
    dash_duo.wait_for_contains_text("#clients-feedback", "borne basse", timeout=TIMEOUT)

    click(dash_duo, "#clients-reset")
    dash_duo.wait_for_contains_text("#clients-count", f"{total}", timeout=TIMEOUT)
    riskiest = get_services().clients.production.sort("probability", descending=True)["SK_ID_CURR"][0]
    Select(dash_duo.find_element("#clients-sort")).select_by_value("risk-desc")  # sorting without a mouse
    wait_until(
        lambda: text_of(dash_duo, "#clients-table td[data-dash-column='SK_ID_CURR'] a") == str(riskiest)
    )
    client_id = text_of(dash_duo, "#clients-table td[data-dash-column='SK_ID_CURR'] a")
    click(dash_duo, "#clients-table td[data-dash-column='SK_ID_CURR'] a")
    dash_duo.wait_for_text_to_equal("#page-title", f"Client {client_id}", timeout=TIMEOUT)
    assert severe_logs(dash_duo) == []


def test_comparison_updates_when_the_feature_the_group_or_the_other_client_changes(dash_duo, app, clients):
    open_page(dash_duo, app, f"/comparison/{clients['accepted']}")
    assert "%" in text_of(dash_duo, "#comparison-similar-rate")

    def names(graph_id: str) -> list[str]:
        return [trace["name"] or "" for trace in figure_data(dash_duo, graph_id)]

    wait_until(lambda: any(name.startswith("Tous les clients") for name in names("comparison-distribution")))
    click(dash_duo, "#comparison-group input[value='outcome']")
    elapsed = wait_until(
        lambda: [n.split(" (")[0] for n in names("comparison-distribution")] == ["Ont remboursé", "En défaut"]
    )
    print(f"comparison group callback, as seen in the browser: {elapsed * 1000:.0f} ms")

    Select(dash_duo.find_element("#comparison-feature")).select_by_value("age_years")
    dash_duo.wait_for_contains_text("#comparison-distribution-summary", "âge", timeout=TIMEOUT)
    Select(dash_duo.find_element("#comparison-y")).select_by_value("annuity")
    wait_until(lambda: field_label("annuity", "fr") in text_of(dash_duo, "#comparison-scatter"))
    Select(dash_duo.find_element("#comparison-x")).select_by_value("credit")

    def ticks() -> list[str]:
        labels = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#comparison-scatter .xtick text")
        return [label.text for label in labels]

    wait_until(lambda: any("\u202f000" in text for text in ticks()))
    amounts = [text for text in ticks() if text != "0"]
    assert all(re.fullmatch(r"\d{1,3}(\u202f\d{3})+", a) for a in amounts), amounts  # "500 000", not "500k"

    type_into(dash_duo, css_selector(ids.input("comparison-other")), str(clients["refused"]))
    dash_duo.wait_for_contains_text(
        "#comparison-difference-summary", str(clients["refused"]), timeout=TIMEOUT
    )
    assert len(figure_data(dash_duo, "comparison-difference")) == 3
    screenshot(dash_duo, "comparison_after_changes")
    assert severe_logs(dash_duo) == []


def test_what_if_rescoring_and_clear_messages_for_bad_values(dash_duo, app, clients):
    client_id = clients["refused"]
    open_page(dash_duo, app, f"/what-if/{client_id}")
    before = text_of(dash_duo, "#what-if-change")
    assert before.startswith("Aucune modification")

    credit = dash_duo.find_element("#what-if-credit").get_attribute("value")
    term = dash_duo.find_element("#what-if-term").get_attribute("value")
    annuity = dash_duo.find_element("#what-if-annuity").get_attribute("value")
    smaller = int(float(credit.replace("\u202f", "").replace(",", ".")) / 4)
    type_into(dash_duo, "#what-if-credit", f"{smaller}")
    elapsed = wait_until(lambda: text_of(dash_duo, "#what-if-change").startswith("Le risque passe de"))
    print(f"what-if callback, as seen in the browser: {elapsed * 1000:.0f} ms")
    assert dash_duo.find_element("#what-if-after-waterfall")
    # the amount keeps the term and the rate: the monthly payment is recomputed, and the page says so
    assert dash_duo.find_element("#what-if-term").get_attribute("value") == term
    assert dash_duo.find_element("#what-if-annuity").get_attribute("value") != annuity
    recomputed = text_of(dash_duo, "#what-if-recomputed")
    assert recomputed.startswith("Mensualité recalculée") and "même taux" in recomputed

    type_into(dash_duo, "#what-if-income", "beaucoup")
    dash_duo.wait_for_contains_text("#what-if-income-feedback", "Saisissez un nombre", timeout=TIMEOUT)
    assert "is-invalid" in dash_duo.find_element("#what-if-income").get_attribute("class")
    assert "Corrigez" in text_of(dash_duo, "#what-if-change")

    type_into(dash_duo, "#what-if-income", "315 000")
    type_into(dash_duo, "#what-if-annuity", "-5")
    dash_duo.wait_for_contains_text("#what-if-annuity-feedback", "positif", timeout=TIMEOUT)

    click(dash_duo, "#what-if-reset")
    dash_duo.wait_for_contains_text("#what-if-change", "Aucune modification", timeout=TIMEOUT)
    screenshot(dash_duo, "what_if_after_reset")
    assert severe_logs(dash_duo) == []


def test_the_language_switch_changes_the_labels(dash_duo, app, clients):
    client_id = clients["refused"]
    open_page(dash_duo, app, f"/client/{client_id}")
    assert text_of(dash_duo, "#nav-home") == "Portefeuille"
    assert "Crédit refusé" in text_of(dash_duo, "#client-decision")

    click(dash_duo, "#lang-en")
    dash_duo.wait_for_text_to_equal("#nav-home", "Portfolio", timeout=TIMEOUT)
    assert "Credit refused" in text_of(dash_duo, "#client-decision")
    assert text_of(dash_duo, "#client-risk").startswith("The estimated risk is ")
    assert dash_duo.driver.execute_script("return document.documentElement.lang") == "en"
    assert dash_duo.driver.current_url.endswith(f"/client/{client_id}?lang=en")

    click(dash_duo, "#client-link-explanation")  # the language follows the links
    dash_duo.wait_for_text_to_equal("#page-title", f"Why this result? Client {client_id}", timeout=TIMEOUT)
    assert "Main reasons" in text_of(dash_duo, "#main-content")
    screenshot(dash_duo, "explanation_en")

    click(dash_duo, "#lang-fr")
    dash_duo.wait_for_text_to_equal("#nav-home", "Portefeuille", timeout=TIMEOUT)
    assert severe_logs(dash_duo) == []


# --- the navigation bar -------------------------------------------------------------------------------------

#: The rows the bar's parts sit on (vertical centres rounded to 8 px): its controls (brand, languages, the
#: person's buttons), then its page links.
BAR_ROWS = """
const rows = selector => Array.from(new Set(Array.from(document.querySelectorAll(selector))
    .map(p => p.getBoundingClientRect()).map(r => Math.round((r.top + r.height / 2) / 8))));
return [rows('#app-navbar .navbar-brand, #nav-controls .nav-link, #nav-account-area > *'),
        rows('#app-navbar .nav-item')];
"""


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_navigation_bar_keeps_its_two_rows_on_a_laptop_screen(dash_duo, app, clients, lang):
    """The admin on a client's page has the longest bar (every page, the meeting button, sign out): its
    controls on one line, its page links on the next, never wrapped further at 1440 or 1280 px."""
    open_page(dash_duo, app, f"/client/{clients['refused']}" + ("?lang=en" if lang == "en" else ""), "admin")
    for width in (1440, 1280):
        dash_duo.driver.set_window_size(width, 900)
        time.sleep(0.3)
        controls, links = dash_duo.driver.execute_script(BAR_ROWS)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        dash_duo.driver.save_screenshot(str(SCREENSHOTS / f"navigation_{lang}_{width}.png"))
        assert len(controls) == 1 and len(links) == 1, f"the bar wraps at {width} px ({lang})"
        assert controls[0] < links[0]
    assert severe_logs(dash_duo) == []
