"""Portfolio (/): how many applications, how their risks spread around the threshold, and a client search."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from app import formatting as fmt
from app.i18n import language
from components.attributes import attributes
from components.layout import chart_with_summary
from components.navigation import href
from components.score_distribution import score_distribution
from pages._shared import client_picker, frame, services, t, threshold_text

dash.register_page(__name__, path="/", name="Portefeuille", title="Portefeuille – Prêt à dépenser", order=0)

PICKER = "home-picker"


def layout(lang: str | None = None, **_query: object) -> html.Div:
    lang = language(lang)
    summary = services().clients.portfolio_summary()
    threshold = threshold_text(summary.threshold, lang)
    figure = score_distribution(
        summary.probabilities,
        summary.threshold,
        accepted_label=t("chart.accepted", lang),
        refused_label=t("chart.refused", lang),
        threshold_label=t("chart.threshold", lang, threshold=threshold),
        axis_title=t("chart.risk_axis", lang),
        count_title=t("chart.count_axis", lang),
        lang=lang,
    )
    text = t(
        "home.summary",
        lang,
        threshold=threshold,
        approved=fmt.number(summary.approved, lang),
        count=fmt.number(summary.count, lang),
        approval_rate=fmt.percent(summary.approval_rate, lang),
        refused=fmt.number(summary.refused, lang),
    )
    kpis = dbc.Row(
        [
            _kpi(fmt.number(summary.count, lang), t("home.count", lang), "kpi-count"),
            _kpi(fmt.percent(summary.approval_rate, lang), t("home.approval_rate", lang), "kpi-approval"),
            _kpi(threshold, t("home.threshold", lang), "kpi-threshold"),
            _kpi(fmt.percent(summary.mean_probability, lang, 1), t("home.mean_risk", lang), "kpi-mean"),
        ],
        class_name="g-3 mb-4",
    )
    search = html.Section(
        [
            html.H2(t("home.search", lang), className="h4"),
            client_picker(PICKER, lang, opens="/client"),
            dcc.Link(t("home.all_clients", lang), href=href("/clients", lang), id="home-all-clients"),
        ],
        className="mb-4",
        **attributes(aria_labelledby="home-search-heading"),
    )
    chart = chart_with_summary(
        figure,
        text,
        graph_id="home-distribution",
        summary_id="home-distribution-summary",
        heading=t("home.chart_title", lang),
    )
    return frame([kpis, search, chart], lang=lang, active="home", path="/", title=t("home.title", lang))


def _kpi(value: str, label: str, kpi_id: str) -> dbc.Col:
    return dbc.Col(
        dbc.Card(
            dbc.CardBody(
                [html.Div(value, className="kpi", id=kpi_id), html.Div(label, className="kpi-label")]
            )
        ),
        xs=6,
        lg=3,
    )
