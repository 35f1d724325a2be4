"""Meeting mode's exit in a real browser: wrong passwords never lock the client's screen (a delay counted down
on screen, then the advisor's password works), never lock anyone else out (an admin signs in from the same
machine), an admin ends another advisor's meeting, and the audit log tells the meeting as it happened."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from selenium.webdriver.common.by import By

from app import get_services
from app.audit import EventFilter, audit_log, query_events
from app.auth import store, throttle
from app.i18n import t
from model_training.concepts import CONCEPTS, concept_label
from tests.browser.conftest import SESSION_COOKIE, TIMEOUT, sign_in, start_signed_in
from tests.browser.test_pages import click, screenshot, severe_logs, text_of, type_into, wait_until
from tests.signin import account


@pytest.fixture(autouse=True)
def no_failures_counted(app, app_database):
    """Each test starts with no wrong password counted (the tests share one app database)."""
    store.clear_failures(throttle.meeting_key(account(app_database, "advisor").name))


def start_meeting(dash_duo, app, client_id: int) -> None:
    dash_duo.driver.set_window_size(1280, 1000)
    start_signed_in(dash_duo, app, "advisor", f"/client/{client_id}")
    click(dash_duo, "#nav-meeting")
    dash_duo.wait_for_element("#meeting-decision", timeout=TIMEOUT)


def try_password(dash_duo, password: str, *, press=True) -> None:
    """Type the exit password and send the form (with the button, as the advisor or the client would, or
    straight, whatever the button says); returns once the next page is drawn."""
    if press:
        wait_until(lambda: dash_duo.find_element("#meeting-leave").is_enabled())
    type_into(dash_duo, "#meeting-password", password, submit=False)
    dash_duo.driver.execute_script("window.beforeThisAttempt = true")
    if press:
        click(dash_duo, "#meeting-leave")
    else:
        dash_duo.driver.execute_script("document.getElementById('meeting-leave-form').submit()")
    wait_until(lambda: not dash_duo.driver.execute_script("return window.beforeThisAttempt === true"))
    dash_duo.wait_for_element("#page-title", timeout=TIMEOUT)


def events_since(started: datetime, client_id: int) -> list[dict]:
    assert audit_log().flush()
    rows = query_events(EventFilter(client_id=client_id), page_size=500).rows[::-1]
    return [r for r in rows if r["occurred_at"] >= started]


def test_wrong_exit_passwords_give_a_delay_on_screen_then_the_advisors_password_ends_it(
    dash_duo, app, production_ids, app_database
):
    shown = production_ids[6]
    started = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    start_meeting(dash_duo, app, shown)
    for attempt in range(6):  # the client trying: each one once the button is back
        try_password(dash_duo, f"not-the-password-{attempt}")
        dash_duo.wait_for_contains_text("#meeting-error", "incorrect", timeout=TIMEOUT)
        assert dash_duo.driver.find_elements(By.CSS_SELECTOR, "#meeting-decision")  # the view stays up

    message = text_of(dash_duo, "#meeting-wait")
    seconds = int(re.fullmatch(r"Réessayez dans (\d+)\s+s\.", message).group(1))
    assert 2 <= seconds <= 4  # 3 free failures, then 1, 2, 4 s
    assert not dash_duo.find_element("#meeting-leave").is_enabled()
    screenshot(dash_duo, "meeting_exit_delay")
    wait_until(lambda: text_of(dash_duo, "#meeting-wait") != message, timeout=3)  # it counts down
    wait_until(lambda: text_of(dash_duo, "#meeting-wait") == "Vous pouvez réessayer.", timeout=seconds + 3)
    assert dash_duo.find_element("#meeting-leave").is_enabled()

    try_password(dash_duo, account(app_database, "advisor").password)
    dash_duo.wait_for_text_to_equal("#page-title", f"Client {shown}", timeout=TIMEOUT)
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, "#nav-clients")
    assert severe_logs(dash_duo) == []

    rows = events_since(started, shown)
    kinds = [r["kind"] for r in rows]
    assert kinds == [
        "score_shown",  # the client's page, before the meeting
        "meeting_enter",
        "score_shown",  # the client's view: once, though the page was drawn again after each wrong password
        *["meeting_exit_refused"] * 6,
        "meeting_leave",
        "score_shown",  # back on the client's page: a new view
    ]
    assert [r["route"] for r in rows if r["kind"] == "score_shown"] == [
        f"/client/{shown} · page",
        f"/meeting/{shown} · page",
        f"/client/{shown} · page",
    ]
    assert "login_failed" not in kinds


def test_an_admin_signs_in_from_the_same_machine_and_ends_the_meeting(
    dash_duo, app, app_database, production_ids
):
    shown = production_ids[7]
    started = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    start_meeting(dash_duo, app, shown)
    for attempt in range(6):  # no waiting: past the free ones, attempts are refused during the delay
        try_password(dash_duo, f"not-the-password-{attempt}", press=False)
        dash_duo.wait_for_element("#meeting-error", timeout=TIMEOUT)
    advisor_cookie = dash_duo.driver.get_cookie(SESSION_COOKIE)

    dash_duo.wait_for_element("#meeting-decision", timeout=TIMEOUT)
    dash_duo.driver.get("about:blank")  # nothing in flight may put the advisor's cookie back
    dash_duo.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    # someone else at the same address: an admin who never mistyped
    sign_in(dash_duo, app_database, "admin", "/audit")
    dash_duo.wait_for_element("#audit-meetings-list", timeout=TIMEOUT)
    row = text_of(dash_duo, "#audit-meetings-list")
    assert "test-advisor" in row and f"client {shown}" in row
    click(dash_duo, "#audit-meetings-list button")
    dash_duo.wait_for_contains_text("#audit-meeting-result", "terminé", timeout=TIMEOUT)
    assert shown not in [m.client_id for m in store.open_meetings()]
    wait_until(
        lambda: "terminé par un administrateur" in text_of(dash_duo, "#audit-table tbody tr:nth-child(2)")
    )
    first_date = dash_duo.find_element(
        "#audit-table tbody tr:nth-child(2) td[data-dash-column='occurred_at']"
    )
    lines = dash_duo.driver.execute_script(
        """const walker = document.createTreeWalker(arguments[0], NodeFilter.SHOW_TEXT);
        const tops = new Set();
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const range = document.createRange();
          range.selectNodeContents(node);
          for (const rect of range.getClientRects()) { tops.add(Math.round(rect.top)); }
        }
        return tops.size;""",
        first_date,
    )
    assert lines == 1  # the date and time on one line, however tall the row
    screenshot(dash_duo, "audit_meeting_ended")
    assert severe_logs(dash_duo) == []

    dash_duo.driver.get("about:blank")  # back to the screen in front of the client
    dash_duo.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    dash_duo.driver.get(f"{dash_duo.server_url}/login")
    dash_duo.driver.add_cookie({"name": SESSION_COOKIE, "value": advisor_cookie["value"], "path": "/"})
    dash_duo.driver.get(f"{dash_duo.server_url}/meeting/{shown}")
    dash_duo.wait_for_element("#login-form", timeout=TIMEOUT)  # the sign-in page, never the advisor's pages

    rows = events_since(started, shown)
    refused = [r for r in rows if r["kind"] == "meeting_exit_refused"]
    assert len(refused) == 6 and {r["status"] for r in refused} == {401, 429}
    (ended,) = [r for r in rows if r["kind"] == "meeting_ended_by_admin"]
    assert ended["user_name"] == "test-admin" and "advisor=test-advisor" in ended["detail"]
    assert "login_failed" not in [r["kind"] for r in rows]


#: Words of the model, never shown to a client (a concept named "Scores de crédit externes" is fine: a
#: score's value, "0,44", is not).
MODEL_WORDS = {
    "fr": ("shap", "log-odds", "logit", "contribution", "probabilité de défaut", "caractéristique du modèle"),
    "en": ("shap", "log-odds", "logit", "contribution", "probability of default", "model feature"),
}
#: A raw model value: a number with two decimals or more ("0,00", "0.44"); risks and points have one (the
#: English thousands separator, "€25,000", is no decimal mark).
RAW_VALUE = {"fr": re.compile(r"\d,\d{2,}"), "en": re.compile(r"\d\.\d{2,}")}


def reason_digits_left(sentence: str, lang: str, catalog) -> str:
    """The sentence without what may hold digits: the bands ("les 10 % les plus bas"), the points
    ("6,2 points") and the features' names ("score externe 2"); what is left must hold none."""
    for band in ("lowest10", "lowest20", "typical", "highest20", "highest10"):
        for suffix in ("", "_date"):
            sentence = sentence.replace(t(f"standing.{band}{suffix}", lang), "")
    sentence = re.sub(r"\d+([.,]\d+)?[\s\u00a0\u202f]points?", "", sentence)
    for name in catalog.names:
        label = catalog.label(name, lang)
        sentence = sentence.replace(label, "").replace(label[:1].lower() + label[1:], "")
    return sentence


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_clients_reasons_name_distinct_concepts_in_plain_words(
    dash_duo, app, production_ids, app_database, lang
):
    """The issue's complaint: three reasons "against" that were all the external scores, with raw scores
    ("0,00") and model words. Now: three raising and up to three lowering reasons, each a different concept,
    no figure but the bands and the points, no model word anywhere on the client's screen."""
    scoring = get_services().scoring
    shown = max(production_ids, key=lambda cid: scoring.score_client(cid).probability)
    start_meeting(dash_duo, app, shown)
    if lang == "en":
        click(dash_duo, "#lang-en")
        dash_duo.wait_for_text_to_equal("#page-title", t("meeting.title", "en"), timeout=TIMEOUT)
    against = [e.text for e in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#meeting-against li")]
    for_them = [e.text for e in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#meeting-for li")]
    assert len(against) == 3 and 1 <= len(for_them) <= 3, (against, for_them)

    labels = {concept_label(c.key, lang) for c in CONCEPTS}
    named = [next((label for label in labels if r.startswith(label)), None) for r in against + for_them]
    assert None not in named, against + for_them  # every reason is a concept
    assert len(set(named)) == len(named)  # never the same concept twice, nor on both sides

    catalog = scoring.catalog
    for reason in against + for_them:
        assert not re.search(r"\d", reason_digits_left(reason, lang, catalog)), reason

    page = text_of(dash_duo, "#meeting-view")
    words = [w for w in MODEL_WORDS[lang] if w in page.lower()]
    assert words == [], words
    assert not RAW_VALUE[lang].search(page), RAW_VALUE[lang].search(page)
    screenshot(dash_duo, f"meeting_reasons_{lang}")
    assert severe_logs(dash_duo) == []

    try_password(dash_duo, account(app_database, "advisor").password)  # no meeting left open for others
    dash_duo.wait_for_text_to_equal("#page-title", f"Client {shown}", timeout=TIMEOUT)
