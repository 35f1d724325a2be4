"""Client file (/client/<id>): the score on a gauge, the decision, the distance to the threshold in words,
and what the application says (age, income, credit...) with human labels and units."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html

from app import formatting as fmt
from app.audit import record_human_decision, record_score
from app.explanation import Explanation
from app.i18n import language
from app.identity import current_identity
from app.recourse import Recourse, offered_recourse
from components.attributes import attributes
from components.human_decision import (
    HumanDecisionIds,
    decision_in_force,
    human_decision_panel,
    other_decision,
)
from components.navigation import href
from components.recourse_offers import recourse_offers
from components.summary_link import summary_link
from model_training.product import ANNUITY, CONTRACT_TYPE, CREDIT, loan_of
from model_training.store.applications import MAX_REASON_CHARS, StoreError
from pages._shared import (
    DESCRIPTIVE_FIELDS,
    client_id_from,
    client_picker,
    decision_badge,
    field_label,
    field_value_text,
    frame,
    risk_sentences,
    score_gauge,
    services,
    t,
)

dash.register_page(
    __name__,
    path_template="/client/<client_id>",
    path="/client/none",
    name="Client",
    title=lambda client_id=None, **_: f"Client {client_id} – Prêt à dépenser",
)

PICKER = "client-picker"
LANG = "client-lang"
#: the stored application the advisor decides on: its id and the serving model's decision of it
APPLICATION = "client-application"
#: the advisor's decision panel (components/human_decision.py)
HUMAN_SECTION, HUMAN_CURRENT, HUMAN_FEEDBACK = "client-human", "client-human-current", "client-human-feedback"
HUMAN_REASON, HUMAN_FOLLOW, HUMAN_OVERRIDE = (
    "client-human-reason",
    "client-human-follow",
    "client-human-override",
)
HUMAN = HumanDecisionIds(
    section=HUMAN_SECTION,
    current=HUMAN_CURRENT,
    reason=HUMAN_REASON,
    follow=HUMAN_FOLLOW,
    override=HUMAN_OVERRIDE,
    feedback=HUMAN_FEEDBACK,
)


def layout(client_id: str | None = None, lang: str | None = None, **_query: object) -> html.Div:
    lang = language(lang)
    cid = client_id_from(client_id)
    picker = client_picker(PICKER, lang, value=cid, opens="/client")
    known = cid is not None and services().clients.get_client(cid) is not None
    content = _client_view(cid, lang) if known else _missing(cid, lang)  # type: ignore[arg-type]
    title = t("client.title", lang, client_id=cid) if known else t("nav.client", lang)
    return frame(
        [dbc.Row(dbc.Col(picker, md=6)), content],
        lang=lang,
        active="client",
        path=f"/client/{client_id}" if client_id else "/client/none",
        title=title,
        client_id=cid if known else None,
    )


def _missing(cid: int | None, lang: str) -> dbc.Alert:
    message = t("picker.none", lang) if cid is None else t("client.unknown", lang, client_id=cid)
    return dbc.Alert(message, color="info" if cid is None else "warning", id="client-missing")


def _client_view(cid: int, lang: str) -> html.Div:
    explanation = services().scoring.explain_client(cid)
    record_score("score_shown", explanation.score)
    row = services().clients.get_client(cid) or {}
    columns = [
        dbc.Col(_score_panel(explanation, lang), lg=6),
        dbc.Col(_facts_panel(row, lang), lg=6),
    ]
    if row.get("population") == "production":
        columns.append(dbc.Col(_human_panel(cid, lang), width=12))
    columns.append(dbc.Col(_next_steps(cid, lang), width=12))
    return html.Div([dcc.Store(id=LANG, data=lang), dbc.Row(columns, class_name="g-4")])


def _stored(cid: int):
    """The client's latest stored application and the serving model's score of it (None for a client
    the store does not hold: a reference client)."""
    repository = services().applications
    application_id = repository.application_id(cid)
    stored = repository.read(application_id) if application_id is not None else None
    if stored is None:
        return None, None
    model = repository.model
    return stored, stored.score_by(model.name, model.version, model.run_id)


def _human_panel(cid: int, lang: str) -> html.Div:
    stored, score = _stored(cid)
    if stored is None or score is None:
        return html.Div()
    data = {
        "client_id": cid,
        "application_id": stored.application_id,
        "model_decision": score.decision,
        "probability": score.probability,
    }
    return html.Div(
        [
            dcc.Store(id=APPLICATION, data=data),
            human_decision_panel(HUMAN, score.decision, stored.human_decision, lang),
        ]
    )


def _score_panel(explanation: Explanation, lang: str) -> html.Section:
    score = explanation.score
    return html.Section(
        [
            decision_badge(score, lang, "client-decision"),
            html.P(risk_sentences(score, lang), className="risk-sentence mt-3", id="client-risk"),
            *recourse_offers(_recourse(score.client_id), lang, "client-recourse"),
            summary_link(int(score.client_id or 0), lang, "client-summary-link"),  # the take-home document
            score_gauge(score, lang, "client-gauge", "client-gauge-summary", t("client.gauge_title", lang)),
        ],
        **attributes(aria_label=t("client.gauge_title", lang)),
    )


def _recourse(client_id: int | None) -> Recourse | None:
    """What would change the decision, for a production client (a reference client's is a past one)."""
    return None if client_id is None else offered_recourse(services().scoring, client_id)


def _facts_panel(row: dict[str, object], lang: str) -> html.Section:
    items: list = []
    for name in DESCRIPTIVE_FIELDS:
        if name in row:
            items += [
                html.Dt(field_label(name, lang)),
                html.Dd(field_value_text(name, row[name], lang)),
            ]
    term = _term(row, lang)
    if term:
        items += [html.Dt(t("client.term", lang)), html.Dd(term)]
    return html.Section(
        [
            html.H2(t("client.facts", lang), className="h4"),
            html.Dl(items, className="client-facts", id="client-facts"),
        ]
    )


def _term(row: dict[str, object], lang: str) -> str | None:
    """The loan's term in months, as the recourse offers read it (model_training.product); without a
    readable rate (a revolving credit), credit ÷ annuity: how many repayments, interest ignored."""
    credit, annuity = row.get("credit"), row.get("annuity")
    if fmt.is_missing(credit) or fmt.is_missing(annuity) or not annuity or not credit:
        return None
    loan = loan_of({CREDIT: credit, ANNUITY: annuity, CONTRACT_TYPE: row.get("contract_type")})
    if loan.term_months is not None:
        return t("unit.months", lang, n=fmt.number(loan.term_months, lang))
    term = float(credit) / float(annuity)  # type: ignore[arg-type]
    return t("client.term_value", lang, n=fmt.number(term, lang, 0 if abs(term - round(term)) < 0.05 else 1))


def _next_steps(cid: int, lang: str) -> html.Nav:
    links = [
        ("client.why", f"/explanation/{cid}", "client-link-explanation"),
        ("client.compare", f"/comparison/{cid}", "client-link-comparison"),
        ("client.what_if", f"/what-if/{cid}", "client-link-what-if"),
    ]
    return html.Nav(
        html.Ul(
            [
                html.Li(dcc.Link(t(key, lang), href=href(path, lang), id=link_id))
                for key, path, link_id in links
            ],
            className="list-inline d-flex flex-wrap gap-3 mb-0",
        ),
        **attributes(aria_label=t("client.next_steps", lang)),
        className="hide-in-meeting",
    )


# --- callbacks ----------------------------------------------------------------------------------------------

#: StoreError messages (English, model_training.store) that the page says in its own words.
_STORE_MESSAGES = {
    "reason: overriding the model's decision needs a reason": "human.reason_required",
    "reason: at most": "human.reason_too_long",
}


@callback(
    Output(HUMAN.current, "children"),
    Output(HUMAN.feedback, "children"),
    Output(HUMAN.reason, "invalid"),
    Output(f"{HUMAN.reason}-feedback", "children"),
    Input(HUMAN.follow, "n_clicks"),
    Input(HUMAN.override, "n_clicks"),
    State(HUMAN.reason, "value"),
    State(APPLICATION, "data"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def record_decision(_follow, _override, reason, application, lang):
    """Records the advisor's final decision (following the model, or overriding it with a reason) and shows
    the decision in force; a refusal is said under the reason, nothing is recorded."""
    model_decision = application["model_decision"]
    final = model_decision if ctx.triggered_id == HUMAN.follow else other_decision(model_decision)
    identity = current_identity()
    try:
        decision = services().applications.decide(
            int(application["application_id"]), final, reason, identity.name if identity else "?"
        )
    except StoreError as error:
        key = next((k for prefix, k in _STORE_MESSAGES.items() if str(error).startswith(prefix)), None)
        message = (
            t(key, lang, n=MAX_REASON_CHARS) if key else t("human.not_recorded", lang, message=str(error))
        )
        return dash.no_update, "", True, message
    record_human_decision(decision, int(application["client_id"]), float(application["probability"]))
    return decision_in_force(decision, lang), t("human.recorded", lang), False, ""
