"""Client file (/client/<id>): the score on a gauge, the decision, the distance to the threshold in words,
and what the application says (age, income, credit...) with human labels and units."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from app import formatting as fmt
from app.audit import record_score
from app.explanation import Explanation
from app.i18n import language
from components.attributes import attributes
from components.navigation import href
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
    return dbc.Row(
        [
            dbc.Col(_score_panel(explanation, lang), lg=6),
            dbc.Col(_facts_panel(row, lang), lg=6),
            dbc.Col(_next_steps(cid, lang), width=12),
        ],
        class_name="g-4",
    )


def _score_panel(explanation: Explanation, lang: str) -> html.Section:
    score = explanation.score
    return html.Section(
        [
            decision_badge(score, lang, "client-decision"),
            html.P(risk_sentences(score, lang), className="risk-sentence mt-3", id="client-risk"),
            score_gauge(score, lang, "client-gauge", "client-gauge-summary", t("client.gauge_title", lang)),
        ],
        **attributes(aria_label=t("client.gauge_title", lang)),
    )


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
    """Credit ÷ annuity: how many repayments the application implies (interest ignored)."""
    credit, annuity = row.get("credit"), row.get("annuity")
    if fmt.is_missing(credit) or fmt.is_missing(annuity) or not annuity:
        return None
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
