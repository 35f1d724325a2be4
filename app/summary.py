"""The summary a client takes home (`GET /client/<client_id>/summary?lang=fr|en`): one printable page.

Its path sits under the client page's (`/client/<client_id>`), as a document of that page: it is a page for
people, not a JSON answer (`/api/v1/clients/...` is the API's), and the client page and the meeting view open
it in a new tab. It is plain HTML with a print style sheet (assets/summary-print.css: one A4 page, black on
white), printed by the browser: no PDF library, and as accessible as any page.

What it says, for the client only: the decision (and the advisor's decision in force), the risk against the
threshold written by `app.formatting.risk_texts`, the principal reasons by concept
(`app.reasons.principal_reasons`, their sentences only), the offers that would be acceptable for a refused
application (`app.recourse.client_recourse`), and the client's rights with whom to contact (`app.lender`).
Nothing of another client and no model internals: no feature code, no model vocabulary, no raw score.

Who may get it is the access gate's business (app/auth/guard.py): any signed-in advisor or admin; during a
meeting, the meeting's client's summary only. Each document served is one `summary_printed` audit event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import Blueprint, Response, request
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app import formatting as fmt
from app.audit import record_event
from app.i18n import LANGUAGES, t
from app.lender import LENDER, LenderContact
from app.reasons import principal_reasons
from app.recourse import Offer, Recourse, client_recourse
from app.security import message_page
from app.services import Services, get_services
from model_training.decision import ACCEPT, REFUSE

#: The summary's route; `summary_client` reads a path back (the access gate, in meeting mode).
SUMMARY_ROUTE = "/client/<client_id>/summary"
_SUMMARY_PATH = re.compile(r"/client/([0-9]{1,12})/summary")
#: A client id as the URL may carry it (the same bound as the access gate's).
_CLIENT_ID = re.compile(r"[0-9]{1,12}")
#: Reasons each way: the meeting view's count.
REASONS = 3
TEMPLATES = Path(__file__).resolve().parent / "templates"

client_summary = Blueprint("client_summary", __name__)
_templates = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True
)


def summary_path(client_id: int, lang: str = "fr") -> str:
    """The summary's address in `lang` (French, the default, carries it too: the document is printed)."""
    return f"/client/{int(client_id)}/summary?lang={lang}"


def summary_client(path: str) -> int | None:
    """The client whose summary `path` is, or None when it is no summary's path."""
    found = _SUMMARY_PATH.fullmatch(path)
    return int(found.group(1)) if found else None


# --- what the document says ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferLine:
    """One row of the offers table, written for the client: amount, term, monthly payment, estimated risk."""

    label: str
    amount: str
    term: str
    monthly_payment: str
    risk: str


@dataclass(frozen=True)
class HumanDecisionText:
    """The advisor's decision in force, in the client's words (never the advisor's login nor their note)."""

    decision: str
    code: str
    sentence: str


@dataclass(frozen=True)
class ClientSummary:
    """Everything the document prints, already in the client's language."""

    lang: str
    client_id: int
    lender: str
    contact: LenderContact
    day: str
    decision: str
    decision_code: str
    #: the model's probability, for the audit event (the document prints it through `risk_sentence` only)
    probability: float
    human: HumanDecisionText | None
    risk_sentence: str
    raising: list[str]
    lowering: list[str]
    #: "accepted" (no offer needed), "offers" or "none", as app.recourse says; None when the decision in
    #: force is an acceptance (the advisor accepted a refused application: nothing to propose)
    recourse_status: str | None
    requested: OfferLine | None
    offers: list[OfferLine]


def _term_text(months: float | None, lang: str) -> str:
    if months is None or fmt.is_missing(months):  # a term the loan does not imply
        return t("value.missing", lang)
    return t("unit.months" if months >= 2 else "unit.month", lang, n=fmt.number(months, lang))


def _offer_line(label: str, loan: Offer | Recourse, threshold: float, lang: str) -> OfferLine:
    """A loan (an offer, or the one asked for) as the table writes it; its risk beside the threshold's
    precision (`risk_texts`), so that an offer never reads at or above the threshold; when that takes more
    than one decimal, the threshold is written beside it at that precision (the page's 8,1 % would read below
    an offer's 8,1337 %)."""
    texts = fmt.risk_texts(loan.probability, threshold, lang)
    risk = texts.risk
    if texts.decimals > fmt.RISK_DECIMALS:
        risk = t("summary.risk_beside_threshold", lang, risk=texts.risk, threshold=texts.threshold)
    return OfferLine(
        label=label,
        amount=fmt.amount(loan.amount, lang),
        term=_term_text(loan.term_months, lang),
        monthly_payment=fmt.amount(loan.monthly_payment, lang),
        risk=risk,
    )


def _human_decision(services: Services, client_id: int, lang: str) -> HumanDecisionText | None:
    """The advisor's final decision on the client's latest stored application, if one was recorded."""
    repository = services.applications
    application_id = repository.application_id(client_id)
    stored = repository.read(application_id) if application_id is not None else None
    decision = stored.human_decision if stored is not None else None
    if decision is None:
        return None
    words = t(f"decision.{decision.final_decision}", lang)
    try:
        day = fmt.date_text(date.fromisoformat(decision.decided_at[:10]), lang)
    except ValueError:
        day = t("value.missing", lang)
    key = "summary.human_followed" if decision.follows_model else "summary.human_overridden"
    return HumanDecisionText(decision=words, code=decision.final_decision, sentence=t(key, lang, day=day))


def _risk_sentence(probability: float, threshold: float, lang: str) -> str:
    """The client's risk against the threshold, figures and gap from `risk_texts` (one precision)."""
    texts = fmt.risk_texts(probability, threshold, lang)
    first = t("summary.risk", lang, risk=texts.risk, threshold=texts.threshold)
    if texts.gap_points == 0:
        return f"{first} {t('client.distance_at', lang)}"
    key = "client.distance_above" if texts.gap_points > 0 else "client.distance_below"
    return f"{first} {t(key, lang, points=texts.gap)}"


def build_summary(services: Services, client_id: int, lang: str, today: date | None = None) -> ClientSummary:
    """The summary of a known client (the caller checks it exists: `services.clients.get_client`)."""
    explanation = services.scoring.explain_client(client_id)
    score = explanation.score
    reasons = principal_reasons(explanation, lang, REASONS)
    human = _human_decision(services, client_id, lang)
    in_force = human.code if human is not None else score.decision
    status: str | None = None
    offers: list[OfferLine] = []
    requested = None
    # offers are for an application refused and stored (a reference client's is a past decision)
    if in_force == REFUSE and services.applications.application_id(client_id) is not None:
        recourse = client_recourse(services.scoring, client_id)
        status = recourse.status
        offers = [
            _offer_line(t(f"summary.offer_kind.{offer.kind}", lang), offer, score.threshold, lang)
            for offer in recourse.offers
        ]
        if offers:
            requested = _offer_line(t("summary.offers_requested", lang), recourse, score.threshold, lang)
    return ClientSummary(
        lang=lang,
        client_id=client_id,
        lender=LENDER.name(lang),
        contact=LENDER,
        day=fmt.date_text(today or date.today(), lang),
        decision=score.decision_label(lang),
        decision_code=score.decision,
        probability=score.probability,
        human=human,
        risk_sentence=_risk_sentence(score.probability, score.threshold, lang),
        raising=[reason.sentence for reason in reasons.raising],
        lowering=[reason.sentence for reason in reasons.lowering],
        recourse_status=status,
        requested=requested,
        offers=offers,
    )


def summary_html(summary: ClientSummary) -> str:
    """The document as a complete HTML page (its words from the catalogue, its look from the assets)."""
    lang = summary.lang

    def words(key: str, **values: object) -> str:
        return t(key, lang, **values)

    return _templates.get_template("client_summary.html").render(
        s=summary, t=words, accept=ACCEPT, refuse=REFUSE, brand=summary.lender
    )


# --- the route ----------------------------------------------------------------------------------------------


def _refusal(status: int, key: str, page_lang: str, **values: object) -> Response:
    """A 400 or 404 page naming what is wrong, in the app's look, with the way back."""
    return message_page(
        t("summary.error_title", page_lang),
        t(key, page_lang, **values),
        page_lang,
        status,
        link=("/", t("errorpage.home", page_lang)),
    )


@client_summary.get(SUMMARY_ROUTE)
def show_summary(client_id: str) -> Response:
    """The client's summary in the language asked (`?lang=fr|en`, else the deployment's); audited."""
    services = get_services()
    asked = request.args.get("lang")
    lang = asked if asked in LANGUAGES else services.settings.lang
    if asked is not None and asked not in LANGUAGES:
        return _refusal(400, "summary.bad_lang", lang, given=asked[:20], languages=", ".join(LANGUAGES))
    if not _CLIENT_ID.fullmatch(client_id):
        return _refusal(400, "summary.bad_client_id", lang, client_id=client_id[:20])
    cid = int(client_id)
    if services.clients.get_client(cid) is None:
        return _refusal(404, "client.unknown", lang, client_id=cid)
    summary = build_summary(services, cid, lang)
    page = summary_html(summary)
    decision = summary.human.code if summary.human is not None else summary.decision_code
    if request.method != "GET":  # a HEAD asks whether the page is there: no document handed over
        return Response(page, mimetype="text/html")
    record_event(
        "summary_printed",
        client_id=cid,
        probability=summary.probability,
        decision=decision,
        detail=f"lang={lang}{_meeting_note()}",
    )
    return Response(page, mimetype="text/html")


def _meeting_note() -> str:
    """ "; meeting" when the document was asked for from the meeting view (the session says so)."""
    from app.auth.guard import current_session  # the gate imports this module: imported when serving

    state = current_session()
    return "; meeting" if state is not None and state.meeting_client_id is not None else ""
