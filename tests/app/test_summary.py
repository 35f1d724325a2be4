"""The client's take-home summary (app/summary.py) through the app's real server: what it says, what it never
says (another client, the model's internals), who may get it (meeting mode included), its audit event, and
the clear refusals of bad requests."""

from __future__ import annotations

import dataclasses
import re
from html import unescape
from html.parser import HTMLParser

import pytest

from app import create_app, get_services
from app.audit import EventFilter, audit_log, query_events
from app.formatting import number, risk_texts
from app.i18n import t
from app.lender import LENDER
from app.reasons import principal_reasons
from app.recourse import client_recourse
from app.summary import build_summary, summary_client, summary_html, summary_path
from model_training.decision import ACCEPT, REFUSE
from tests.app.test_auth import components, render, start_meeting
from tests.signin import signed_in_client

LANGS = ("fr", "en")
#: Words of the model's trade a client never reads.
MODEL_WORDS = ("SHAP", "log-odds", "logit", "LightGBM", "booster", "feature", "run_id", "version")
EXTERNAL_SCORES = ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3")


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    """The module's own app database: the human decisions and audit events it writes stay here."""
    return f"sqlite:///{tmp_path_factory.mktemp('summary') / 'app.db'}"


@pytest.fixture(scope="module")
def app(trained_artifacts, app_settings, database):
    return create_app(trained_artifacts, dataclasses.replace(app_settings, database_url=database))


@pytest.fixture(scope="module")
def production(app) -> list[int]:
    """Production clients from the lowest risk to the highest."""
    with app.server.app_context():
        frame = get_services().clients.production.sort("probability")
        return [int(i) for i in frame.get_column("SK_ID_CURR").to_list()]


@pytest.fixture(scope="module")
def every_id(app) -> set[int]:
    """Every client the app knows: production and reference."""
    with app.server.app_context():
        clients = get_services().clients
        ids = clients.production.get_column("SK_ID_CURR").to_list()
        ids += clients.reference.get_column("SK_ID_CURR").to_list()
    return {int(i) for i in ids}


@pytest.fixture(scope="module")
def chosen(app, production) -> list[int]:
    """The production clients the document is checked for: the riskiest (refused, with and without
    offers), the safest (accepted), and the two on each side of the threshold."""
    with app.server.app_context():
        threshold = get_services().artifacts.model.threshold
        frame = get_services().clients.production.sort("probability")
    probabilities = frame.get_column("probability").to_list()
    first_refused = next(i for i, p in enumerate(probabilities) if p >= threshold)
    picks = production[-8:] + production[:3] + production[max(first_refused - 2, 0) : first_refused + 2]
    return list(dict.fromkeys(picks))


class _Text(HTMLParser):
    """The words a reader sees (scripts and styles left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return re.sub(r"[ \t\r\n]+", " ", " ".join(parser.parts)).strip()  # no-break spaces kept


def by_id(page: str, element_id: str) -> str:
    """The visible text of the element with this id (its first closing tag of the same name ends it)."""
    found = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert found, f"no #{element_id} in the document"
    return visible_text(found.group(2))


# --- what it says, and what it never says -------------------------------------------------------------------


def test_every_chosen_client_gets_their_own_summary_and_nothing_else(app, chosen, every_id):
    client = signed_in_client(app, "advisor")
    with app.server.app_context():
        services = get_services()
        model = services.artifacts.model
        codes = [name for name in model.feature_names if "_" in name]
        for cid in chosen:
            explanation = services.scoring.explain_client(cid)
            score = explanation.score
            stored = services.scoring.stored_application(cid)
            for lang in LANGS:
                answer = client.get(summary_path(cid, lang))
                assert answer.status_code == 200, (cid, lang, answer.status_code)
                page = answer.get_data(as_text=True)
                text = visible_text(page)
                assert f'<html lang="{lang}">' in page
                assert by_id(page, "summary-reference") == str(cid)
                assert t(f"decision.{score.decision}", lang) in by_id(page, "summary-decision")
                texts = risk_texts(score.probability, score.threshold, lang)
                risk = by_id(page, "summary-risk")
                assert texts.risk in risk and texts.threshold in risk and texts.gap in risk
                reasons = principal_reasons(explanation, lang, 3)
                assert [unescape(r.sentence) for r in reasons.raising] == [
                    visible_text(li) for li in re.findall(r"<li>(.*?)</li>", _list(page, "summary-raising"))
                ]
                for reason in reasons.lowering:
                    assert reason.sentence in text
                for key in (
                    "right_review",
                    "right_gdpr",
                    "right_credit",
                ):
                    assert t(f"summary.{key}", lang) in text
                assert LENDER.complaints_email in text and t("nav.brand", lang) in text
                # nothing of another client
                others = sorted({int(n) for n in re.findall(r"\d+", page)} & (every_id - {cid}))
                assert not others, f"other clients' ids in {cid}'s summary: {others[:5]}"
                # no model internals: no feature code, no model word, no run id, no raw external score
                assert not [code for code in codes if code in page], (cid, lang)
                assert not [word for word in MODEL_WORDS if word.lower() in text.lower()], (cid, lang)
                assert not model.run_id or model.run_id not in page
                for name in EXTERNAL_SCORES:
                    value = stored.get(name)
                    if isinstance(value, float) and value == value:
                        for decimals in (2, 3):
                            raw = number(value, lang, decimals)
                            assert not re.search(rf"(?<![\d,.]){re.escape(raw)}(?![\d])", text), (cid, raw)


def _list(page: str, element_id: str) -> str:
    found = re.search(rf'<ul id="{element_id}">(.*?)</ul>', page, re.S)
    return found.group(1) if found else ""


def test_a_refused_application_lists_the_acceptable_offers_or_says_there_is_none(app, production):
    client = signed_in_client(app, "advisor")
    statuses = set()
    with app.server.app_context():
        services = get_services()
        scores = [services.scoring.score_client(cid) for cid in production]
        refused = [score for score in scores if score.decision == REFUSE]
        # the refusals nearest the threshold (offers likely) and the riskiest (offers unlikely)
        for score in refused[:10] + refused[-4:]:
            cid = int(score.client_id or 0)
            recourse = client_recourse(services.scoring, cid)
            statuses.add(recourse.status)
            for lang in LANGS:
                page = client.get(summary_path(cid, lang)).get_data(as_text=True)
                if recourse.status == "none":
                    assert by_id(page, "summary-no-offer") == t("summary.offers_none", lang)
                    assert "summary-offers-table" not in page
                    continue
                rows = re.findall(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</tr>", page, re.S)
                assert len(rows) == len(recourse.offers) + 1  # the loan asked for, then each offer
                assert t("summary.offers_requested", lang) in rows[0]
                for offer, row in zip(recourse.offers, rows[1:], strict=True):
                    assert offer.probability < score.threshold
                    shown = risk_texts(offer.probability, score.threshold, lang)
                    assert shown.gap_points < 0  # written below the threshold, at the threshold's precision
                    assert shown.risk in row and t(f"summary.offer_kind.{offer.kind}", lang) in row
        assert statuses == {"offers", "none"}, f"both answers checked, not only {statuses}"


def test_an_accepted_application_shows_no_offers_section(app, production):
    client = signed_in_client(app, "advisor")
    with app.server.app_context():
        assert get_services().scoring.score_client(production[0]).decision == ACCEPT
    page = client.get(summary_path(production[0], "fr")).get_data(as_text=True)
    assert "summary-offers" not in page and "summary-automated" in page


def test_a_reference_clients_summary_says_the_past_decision_and_offers_nothing(app, production, every_id):
    reference = min(every_id - set(production))
    client = signed_in_client(app, "advisor")
    for lang in LANGS:
        answer = client.get(summary_path(reference, lang))
        page = answer.get_data(as_text=True)
        assert answer.status_code == 200 and by_id(page, "summary-reference") == str(reference)
        assert "summary-offers" not in page  # a past application: nothing to propose


def test_the_advisors_decision_in_force_is_shown_without_their_login_nor_their_note(app, production):
    refused = production[-3]
    note = "Garant solide présenté en agence XYZ-note"
    with app.server.app_context():
        services = get_services()
        assert services.scoring.score_client(refused).decision == REFUSE
        application_id = services.applications.application_id(refused)
        services.applications.decide(application_id, ACCEPT, note, "test-advisor")
        services.applications.stored()
        summary = build_summary(services, refused, "fr")
    assert summary.human is not None and summary.human.code == ACCEPT
    assert summary.recourse_status is None and not summary.offers  # accepted in the end: nothing to offer
    client = signed_in_client(app, "advisor")
    for lang in LANGS:
        page = client.get(summary_path(refused, lang)).get_data(as_text=True)
        decision = by_id(page, "summary-decision")
        assert t("summary.decision_final", lang) in decision and t("decision.accept", lang) in decision
        human = by_id(page, "summary-human")
        assert t("decision.refuse", lang) in human  # the tool's proposal, said beside
        assert "XYZ-note" not in page and "test-advisor" not in page and "summary-offers" not in page


def test_the_html_builder_escapes_what_it_prints(app, production):
    """The template escapes: a reason or a label can never inject markup into the document."""
    with app.server.app_context():
        summary = build_summary(get_services(), production[0], "en")
    hostile = dataclasses.replace(summary, raising=["<script>alert(1)</script>"])
    page = summary_html(hostile)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- audited ------------------------------------------------------------------------------------------------


def test_each_document_served_is_one_audit_event_with_client_language_and_who(app, database, production):
    client = signed_in_client(app, "admin")
    cid = production[5]
    before = len(query_events(EventFilter(kind="summary_printed", client_id=cid), url=database).rows)
    assert client.get(summary_path(cid, "en")).status_code == 200
    assert client.get(summary_path(cid, "fr")).status_code == 200
    client.get("/client/abc/summary")  # refused: nothing served, nothing recorded
    assert client.head(summary_path(cid, "fr")).status_code == 200  # no document handed over
    audit_log(database).flush()
    rows = query_events(EventFilter(kind="summary_printed", client_id=cid), url=database).rows
    assert len(rows) == before + 2
    newest = rows[0]
    assert newest["user_name"] == "test-admin" and newest["role"] == "admin"
    assert newest["detail"] == "lang=fr" and rows[1]["detail"] == "lang=en"
    assert newest["route"] == f"/client/{cid}/summary" and newest["method"] == "GET"
    assert newest["decision"] in (ACCEPT, REFUSE) and 0 <= newest["probability"] <= 1


# --- refusals -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status", "named"),
    [
        ("/client/abc/summary", 400, "abc"),
        ("/client/12345678901234/summary", 400, "12345678901234"),
        ("/client/999999999/summary", 404, "999999999"),
        ("/client/{cid}/summary?lang=de", 400, "de"),
        ("/client/{cid}/summary?lang=", 400, "fr, en"),
    ],
)
def test_bad_requests_get_a_page_naming_what_is_wrong(app, production, path, status, named):
    client = signed_in_client(app, "advisor")
    answer = client.get(path.format(cid=production[0]))
    page = answer.get_data(as_text=True)
    assert answer.status_code == status and answer.mimetype == "text/html"
    message = by_id(page, "error-message")
    assert named in message and "Traceback" not in page
    assert t("summary.error_title", "fr") in page


def test_the_english_refusal_is_in_english(app, production):
    client = signed_in_client(app, "advisor")
    page = client.get("/client/abc/summary?lang=en").get_data(as_text=True)
    assert by_id(page, "error-message") == t("summary.bad_client_id", "en", client_id="abc")


def test_signed_out_the_summary_leads_to_the_sign_in_page(app, production):
    answer = app.server.test_client().get(summary_path(production[0], "en"))
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login?next=")


# --- where it is opened, and meeting mode -------------------------------------------------------------------


def test_the_client_page_links_to_the_summary_in_a_new_tab(app, production):
    client = signed_in_client(app, "advisor")
    cid = production[-1]
    view = render(client, app, f"/client/{cid}", "?lang=en").get_json()
    link = next(p for p in components(view) if p.get("id") == "client-summary-link")
    assert link["href"] == summary_path(cid, "en") and link["target"] == "_blank"
    assert "noopener" in link["rel"]


def test_in_meeting_mode_only_the_meeting_clients_summary_is_served(app, database, production):
    client = signed_in_client(app, "advisor")
    shown, other = production[-2], production[-1]
    others_before = len(query_events(EventFilter(kind="summary_printed", client_id=other), url=database).rows)
    response, _ = start_meeting(client, app, shown)
    assert response.status_code == 303
    view = render(client, app, f"/meeting/{shown}").get_json()
    link = next(p for p in components(view) if p.get("id") == "meeting-summary-link")
    assert link["href"] == summary_path(shown, "fr") and link["target"] == "_blank"
    answer = client.get(summary_path(shown, "fr"))
    assert answer.status_code == 200 and by_id(answer.get_data(as_text=True), "summary-reference") == str(
        shown
    )
    for path in (summary_path(other, "fr"), f"/client/{other}/summary", f"/client/{shown}"):
        refused = client.get(path)
        assert refused.status_code == 303 and refused.headers["Location"] == f"/meeting/{shown}"
    audit_log(database).flush()
    (row, *_) = query_events(EventFilter(kind="summary_printed", client_id=shown), url=database).rows
    assert row["detail"] == "lang=fr; meeting" and row["user_name"] == "test-advisor"
    others_after = len(query_events(EventFilter(kind="summary_printed", client_id=other), url=database).rows)
    assert others_after == others_before


def test_summary_paths_are_read_back_exactly():
    assert summary_client("/client/100001/summary") == 100001
    assert summary_client(summary_path(100001, "en").split("?")[0]) == 100001
    for path in ("/client/100001", "/client/100001/summary/", "/client/abc/summary", "/meeting/100001"):
        assert summary_client(path) is None


def test_an_offer_just_under_the_threshold_shows_the_threshold_at_its_precision():
    """The page writes the threshold "8,1 %"; an offer at 8,1337 % against 8,1340 % must not read above it."""
    from app.recourse import Offer
    from app.summary import _offer_line

    offer = Offer("lower_amount", 838_000.0, 24, 43_447.0, 0.081337)
    line = _offer_line("Montant plus bas", offer, 0.08134, "fr")
    assert line.risk == "8,1337\u202f% (seuil 8,1340\u202f%)"
    plain = _offer_line("Durée plus longue", dataclasses.replace(offer, probability=0.078), 0.08134, "en")
    assert plain.risk == "7.8%"
