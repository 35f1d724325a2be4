"""Explanation (/explanation/<id>): why this score, as a SHAP waterfall from the average risk to the client's,
the principal reasons in plain sentences, and what matters most to the model overall."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, State, callback, dcc, html

from app.audit import record_score
from app.explanation import Explanation
from app.i18n import language
from app.reasons import principal_reasons
from components.importance import importance
from components.layout import chart_with_summary
from pages._shared import (
    client_id_from,
    client_picker,
    client_waterfall,
    decision_badge,
    frame,
    hover_description,
    risk_sentences,
    services,
    t,
)

dash.register_page(
    __name__,
    path_template="/explanation/<client_id>",
    path="/explanation/none",
    name="Explication",
    title=lambda client_id=None, **_: f"Explication {client_id} – Prêt à dépenser",
)

# --- ids: every one carries the page's prefix (app/auth/access.py) ------------------------------------------
PICKER = "explanation-picker"
CLIENT, TOP_N = "explanation-client", "explanation-top-n"
LANG = "explanation-lang"
WATERFALL, WATERFALL_SUMMARY = "explanation-waterfall", "explanation-waterfall-summary"
IMPORTANCE, IMPORTANCE_SUMMARY = "explanation-importance", "explanation-importance-summary"
TOP_CHOICES = (5, 10, 15, 20)
DEFAULT_TOP = 10
REASONS = 3
IMPORTANCE_TOP = 15


def layout(client_id: str | None = None, lang: str | None = None, **_query: object) -> html.Div:
    lang = language(lang)
    cid = client_id_from(client_id)
    known = cid is not None and services().clients.get_client(cid) is not None
    explanation = services().scoring.explain_client(cid) if known else None  # type: ignore[arg-type]
    picker = client_picker(PICKER, lang, value=cid, opens="/explanation")
    body = [
        dbc.Row(dbc.Col(picker, md=6)),
        dcc.Store(id=LANG, data=lang),
        dcc.Store(id=CLIENT, data=cid if known else None),
    ]
    if explanation is None:
        message = t("picker.none", lang) if cid is None else t("client.unknown", lang, client_id=cid)
        body.append(dbc.Alert(message, color="info" if cid is None else "warning", id="explanation-missing"))
    else:
        record_score("explanation_viewed", explanation.score)
        body += [
            decision_badge(explanation.score, lang, "explanation-decision"),
            html.P(risk_sentences(explanation.score, lang), className="risk-sentence mt-2"),
            _reasons(explanation, lang),
        ]
    body += [_waterfall_section(explanation, lang), _importance_section(lang)]
    return frame(
        body,
        lang=lang,
        active="explanation",
        path=f"/explanation/{client_id}" if client_id else "/explanation/none",
        title=t("explanation.title", lang, client_id=cid) if known else t("nav.explanation", lang),
        client_id=cid if known else None,
    )


def _reasons(explanation: Explanation, lang: str) -> html.Section:
    reasons = principal_reasons(explanation, lang, REASONS)
    items = [html.Li(r.sentence, className="reason-raises") for r in reasons.raising]
    items += [html.Li(r.sentence, className="reason-lowers") for r in reasons.lowering]
    return html.Section(
        [
            html.H2(t("explanation.reasons", lang), className="h4"),
            html.Ul(items, className="reasons", id="reasons"),
        ],
        className="my-3",
    )


def _waterfall_section(explanation: Explanation | None, lang: str) -> html.Section:
    figure, summary = client_waterfall(explanation, DEFAULT_TOP, lang) if explanation else (None, "")
    control = html.Div(
        [
            html.Label(t("explanation.top_n", lang), htmlFor=TOP_N, className="form-label me-2"),
            dbc.Select(
                id=TOP_N,
                options=[{"label": str(n), "value": str(n)} for n in TOP_CHOICES],
                value=str(DEFAULT_TOP),
                style={"maxWidth": "6rem"},
            ),
            html.Span(t("explanation.hint", lang), className="form-text ms-3"),
        ],
        className="d-flex align-items-center flex-wrap mb-2 hide-in-meeting",
    )
    chart = chart_with_summary(
        figure,
        summary,
        graph_id=WATERFALL,
        summary_id=WATERFALL_SUMMARY,
        heading=t("explanation.waterfall_title", lang),
    )
    return html.Section([control, chart], hidden=explanation is None)


def _importance_section(lang: str) -> html.Section:
    table = services().artifacts.global_importance
    if table is None or table.height == 0:
        return html.Section(id="explanation-importance-section")
    catalog = services().artifacts.catalog
    shap_column = next(c for c in table.columns if "shap" in c.lower())
    top = table.sort(shap_column, descending=True).head(IMPORTANCE_TOP)
    names = [n for n in top.get_column("feature").to_list() if n in catalog]
    values = top.filter(pl.col("feature").is_in(names)).get_column(shap_column).to_list()
    labels = [catalog.label(n, lang) for n in names]
    figure = importance(
        labels,
        values,
        n=IMPORTANCE_TOP,
        axis_title=t("chart.importance_axis", lang),
        descriptions=[hover_description(catalog.description(n, lang)) for n in names],
        lang=lang,
    )
    summary = t("explanation.importance_summary", lang, features=", ".join(labels[:3]))
    return html.Section(
        chart_with_summary(
            figure,
            summary,
            graph_id=IMPORTANCE,
            summary_id=IMPORTANCE_SUMMARY,
            heading=t("explanation.importance_title", lang),
        ),
        id="explanation-importance-section",
        className="mt-4",
    )


@callback(
    Output(WATERFALL, "figure"),
    Output(WATERFALL_SUMMARY, "children"),
    Input(TOP_N, "value"),
    State(CLIENT, "data"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def show_top_n(top: str | None, client_id: int | None, lang: str):
    """Redraws the waterfall with the number of features the manager asked for."""
    if client_id is None:
        return dash.no_update, dash.no_update
    known = {str(choice) for choice in TOP_CHOICES}  # known choices only
    n = int(str(top)) if str(top) in known else DEFAULT_TOP
    return client_waterfall(services().scoring.explain_client(client_id), n, lang)
