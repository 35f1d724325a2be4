"""Explanation (/explanation/<id>): why this score, by concept. A waterfall from the average risk to the
client's in points of risk (the log-odds view kept for the data scientist), the principal reasons in plain
sentences, each concept opening to its features, and what matters most overall."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, State, callback, dcc, html

from app.audit import record_score
from app.concept_importance import background_importance
from app.explanation import ConceptPart, Explanation
from app.i18n import language
from app.reasons import principal_reasons, where_text
from components.attributes import attributes
from components.importance import importance
from components.layout import chart_with_summary
from components.waterfall import SCALES, Scale, points_label, step_text
from model_training.concepts import concept_label
from pages._shared import (
    client_id_from,
    client_picker,
    client_waterfall,
    decision_badge,
    frame,
    hover_description,
    reason_text,
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
CLIENT, VIEW = "explanation-client", "explanation-view"
LANG = "explanation-lang"
WATERFALL, WATERFALL_SUMMARY = "explanation-waterfall", "explanation-waterfall-summary"
CONCEPTS, CONCEPTS_INTRO = "explanation-concepts", "explanation-concepts-intro"
IMPORTANCE, IMPORTANCE_SUMMARY = "explanation-importance", "explanation-importance-summary"
IMPORTANCE_SECTION = "explanation-importance-section"
#: every concept has its bar (there are ten): nothing is grouped away from the advisor
CONCEPT_BARS = 10
#: features listed when a concept opens; the rest are one line, so the lines still add up to the concept
CONCEPT_FEATURES = 10
REASONS = 3
IMPORTANCE_TOP = 15
DEFAULT_VIEW: Scale = "points"


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
    body += [
        _waterfall_section(explanation, lang),
        _concepts_section(explanation, lang),
        _importance_section(lang, DEFAULT_VIEW),
    ]
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
    items = [html.Li(reason_text(r), className="reason-raises") for r in reasons.raising]
    items += [html.Li(reason_text(r), className="reason-lowers") for r in reasons.lowering]
    return html.Section(
        [
            html.H2(t("explanation.reasons", lang), className="h4"),
            html.Ul(items, className="reasons", id="reasons"),
        ],
        className="my-3",
    )


def _waterfall_section(explanation: Explanation | None, lang: str) -> html.Section:
    figure, summary = client_waterfall(explanation, CONCEPT_BARS, lang) if explanation else (None, "")
    control = html.Div(
        [
            html.Fieldset(
                [
                    html.Legend(t("explanation.view", lang), className="form-label fs-6 mb-0 me-2"),
                    dbc.RadioItems(
                        id=VIEW,
                        options=[{"label": t(f"explanation.view_{s}", lang), "value": s} for s in SCALES],
                        value=DEFAULT_VIEW,
                        inline=True,
                    ),
                ],
                className="d-flex align-items-center flex-wrap",
            ),
            html.Span(t("explanation.hint", lang), className="form-text"),
        ],
        className="d-flex align-items-center flex-wrap gap-3 mb-2 hide-in-meeting",
    )
    chart = chart_with_summary(
        figure,
        summary,
        graph_id=WATERFALL,
        summary_id=WATERFALL_SUMMARY,
        heading=t("explanation.waterfall_title", lang),
    )
    return html.Section([control, chart], hidden=explanation is None)


# --- a concept opens to its features ------------------------------------------------------------------------


def concept_items(explanation: Explanation, lang: str, scale: Scale) -> list[dbc.AccordionItem]:
    """One accordion item per concept, in the waterfall's order, titled with its effect, opening to its
    features: the client's value, where they stand among applicants, and each feature's effect (its step in
    points walking inside the concept, or its log-odds contribution), the lines adding up to the title's."""
    parts = explanation.concepts(lang)
    walks = explanation.feature_points(parts)
    return [
        dbc.AccordionItem(
            _concept_table(explanation, part, steps, lang, scale),
            title=t(
                "explanation.concept_item",
                lang,
                label=part.label,
                effect=step_text(part.points if scale == "points" else part.contribution, scale, lang),
            ),
            item_id=part.concept,
        )
        for part, steps in zip(parts, walks, strict=True)
    ]


def _concept_table(explanation: Explanation, part: ConceptPart, steps, lang: str, scale: Scale) -> html.Table:
    catalog = explanation.catalog
    values = steps if scale == "points" else explanation.contributions[list(part.features)]
    rows = []
    for position, value in zip(part.features[:CONCEPT_FEATURES], values[:CONCEPT_FEATURES], strict=False):
        name = catalog.names[position]
        rows.append(
            html.Tr(
                [
                    html.Th(
                        catalog.label(name, lang),
                        scope="row",
                        title=catalog.description(name, lang),
                        className="fw-normal",
                    ),
                    html.Td(catalog.value_text(name, explanation.value(name), lang)),
                    html.Td(_where(explanation, name, lang)),
                    html.Td(step_text(float(value), scale, lang), className="text-nowrap"),
                ]
            )
        )
    rest = values[CONCEPT_FEATURES:]
    if len(rest):
        rows.append(
            html.Tr(
                [
                    html.Th(t("chart.other_features", lang, count=len(rest)), scope="row", colSpan=3),
                    html.Td(step_text(float(sum(rest)), scale, lang), className="text-nowrap"),
                ],
                className="concept-rest",
            )
        )
    effect = "explanation.col.points" if scale == "points" else "explanation.col.log_odds"
    header = ["explanation.col.feature", "explanation.col.value", "explanation.col.where", effect]
    return html.Table(
        [
            html.Caption(
                t("explanation.concept_caption", lang, label=part.label), className="visually-hidden"
            ),
            html.Thead(html.Tr([html.Th(t(key, lang), scope="col") for key in header])),
            html.Tbody(rows),
        ],
        className="table table-sm concept-features mb-0",
        id=f"explanation-concept-{part.concept}",
    )


def _where(explanation: Explanation, name: str, lang: str) -> str:
    """Where the client stands, when it says more than the value beside it (a band, not the category)."""
    where = where_text(explanation, name, lang)
    value = explanation.catalog.value_text(name, explanation.value(name), lang)
    return where if where and where != value else t("explanation.where_none", lang)


def _concepts_section(explanation: Explanation | None, lang: str) -> html.Section:
    items = concept_items(explanation, lang, DEFAULT_VIEW) if explanation else []
    return html.Section(
        [
            html.H2(t("explanation.concepts_title", lang), className="h4"),
            html.P(
                t("explanation.concepts_intro_points", lang),
                id=CONCEPTS_INTRO,
                className="text-body-secondary",
            ),
            dbc.Accordion(items, id=CONCEPTS, start_collapsed=True, always_open=True),
        ],
        hidden=explanation is None,
        className="mb-4",
        **attributes(aria_label=t("explanation.concepts_title", lang)),
    )


# --- what matters most overall ------------------------------------------------------------------------------


def importance_chart(lang: str, scale: Scale):
    """(figure, summary) of what matters most overall, or (None, "") when training exported nothing to say
    it: by concept in points over the SHAP background (app.concept_importance) in the points view, by feature
    in the exported mean |SHAP| (raw log-odds) in the data scientist's view or without a background."""
    scoring = services().scoring
    count, concepts = background_importance(scoring.scorer, services().artifacts.background)
    if scale == "points" and concepts:
        labels = [concept_label(c.concept, lang) for c in concepts]
        catalog = services().artifacts.catalog
        hovers = [
            "<br>".join(
                [t("chart.concept_features", lang)]
                + [hover_description(catalog.label(f, lang)) for f in c.features[:3]]
            )
            for c in concepts
        ]
        figure = importance(
            labels,
            [c.mean_points * 100 for c in concepts],
            n=len(concepts),
            axis_title=t("chart.importance_points_axis", lang),
            value_texts=[points_label(c.mean_points, lang, sign=False) for c in concepts],
            descriptions=hovers,
            lang=lang,
        )
        top = [
            f"{label} ({points_label(c.mean_points, lang, sign=False)})"
            for label, c in zip(labels, concepts, strict=True)
        ]
        summary = t(
            "explanation.importance_summary_concepts",
            lang,
            count=count,
            concepts=t("explanation.list_separator", lang).join(top[:3]),
        )
        return figure, summary
    table = services().artifacts.global_importance
    if table is None or table.height == 0:
        return None, ""
    catalog = services().artifacts.catalog
    shap_column = next(c for c in table.columns if "shap" in c.lower())
    top_rows = table.sort(shap_column, descending=True).head(IMPORTANCE_TOP)
    names = [n for n in top_rows.get_column("feature").to_list() if n in catalog]
    values = top_rows.filter(pl.col("feature").is_in(names)).get_column(shap_column).to_list()
    labels = [catalog.label(n, lang) for n in names]
    figure = importance(
        labels,
        values,
        n=IMPORTANCE_TOP,
        axis_title=t("chart.importance_log_odds_axis", lang),
        descriptions=[hover_description(catalog.description(n, lang)) for n in names],
        lang=lang,
    )
    return figure, t("explanation.importance_summary", lang, features=", ".join(labels[:3]))


def _importance_section(lang: str, scale: Scale) -> html.Section:
    figure, summary = importance_chart(lang, scale)
    if figure is None:
        return html.Section(id=IMPORTANCE_SECTION)
    return html.Section(
        chart_with_summary(
            figure,
            summary,
            graph_id=IMPORTANCE,
            summary_id=IMPORTANCE_SUMMARY,
            heading=t("explanation.importance_title", lang),
        ),
        id=IMPORTANCE_SECTION,
        className="mt-4",
    )


# --- callbacks ----------------------------------------------------------------------------------------------


@callback(
    Output(WATERFALL, "figure"),
    Output(WATERFALL_SUMMARY, "children"),
    Output(CONCEPTS, "children"),
    Output(CONCEPTS_INTRO, "children"),
    Output(IMPORTANCE_SECTION, "children"),
    Input(VIEW, "value"),
    State(CLIENT, "data"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def show_view(view: str | None, client_id: int | None, lang: str):
    """Redraws the page's explanation in the unit asked for: points of risk, or log-odds."""
    if not isinstance(client_id, int) or not services().scoring.knows(client_id):
        return (dash.no_update,) * 5  # the page said so when it was drawn; a forged store changes nothing
    scale: Scale = "log_odds" if view == "log_odds" else "points"  # anything else: the default view
    explanation = services().scoring.explain_client(client_id)
    figure, summary = client_waterfall(explanation, CONCEPT_BARS, lang, scale)
    section = _importance_section(lang, scale)
    return (
        figure,
        summary,
        concept_items(explanation, lang, scale),
        t(f"explanation.concepts_intro_{scale}", lang),
        section.children,
    )


@callback(
    Output(CONCEPTS, "active_item"),
    Input(WATERFALL, "clickData"),
    State(CONCEPTS, "active_item"),
    prevent_initial_call=True,
)
def open_clicked_concept(click: dict | None, opened: list[str] | str | None):
    """A click on a concept's bar opens that concept below (the others stay as they were)."""
    points = (click or {}).get("points") or [{}]
    data = points[0].get("customdata")
    key = data[1] if isinstance(data, list) and len(data) > 1 else ""
    if not key:
        return dash.no_update
    current = [opened] if isinstance(opened, str) else list(opened or [])
    return current if key in current else [*current, key]
