"""Portfolio (/): how many applications, how their risks spread around the threshold, and a client search;
for every batch received, or only some batches and days."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from app import formatting as fmt
from app.clients import PortfolioSummary
from app.clients_view import received_query
from app.i18n import language
from components.attributes import attributes
from components.layout import chart_with_summary
from components.navigation import href
from components.received_filters import portfolio_filters
from components.score_distribution import score_distribution
from model_training.errors import InputError
from pages._shared import client_picker, frame, services, t, threshold_text

dash.register_page(__name__, path="/", name="Portefeuille", title="Portefeuille – Prêt à dépenser", order=0)

# --- ids: every one carries the page's prefix (app/auth/access.py) ------------------------------------------
PICKER = "home-picker"
LANG = "home-lang"
BATCHES, RECEIVED_FROM, RECEIVED_TO = "home-batches", "home-received-from", "home-received-to"
FEEDBACK = "home-filters-feedback"
KPI_COUNT, KPI_APPROVAL, KPI_THRESHOLD, KPI_MEAN = (
    "home-kpi-count",
    "home-kpi-approval",
    "home-kpi-threshold",
    "home-kpi-mean",
)
DISTRIBUTION, DISTRIBUTION_SUMMARY = "home-distribution", "home-distribution-summary"


def layout(lang: str | None = None, **_query: object) -> html.Div:
    lang = language(lang)
    clients = services().clients
    summary = clients.portfolio_summary()
    figure, text = distribution(summary, lang)
    values = kpi_values(summary, lang)
    kpis = dbc.Row(
        [
            _kpi(values[0], t("home.count", lang), KPI_COUNT),
            _kpi(values[1], t("home.approval_rate", lang), KPI_APPROVAL),
            _kpi(values[2], t("home.threshold", lang), KPI_THRESHOLD),
            _kpi(values[3], t("home.mean_risk", lang), KPI_MEAN),
        ],
        class_name="g-3 mb-4",
    )
    batches = clients.batches()
    filters = html.Section(
        [
            html.H2(t("home.filters", lang), className="h5", id="home-filters-heading"),
            portfolio_filters(batches, lang, batches_id=BATCHES, from_id=RECEIVED_FROM, to_id=RECEIVED_TO),
            html.Div(id=FEEDBACK, className="text-danger fw-bold", role="alert"),
        ],
        className="mb-4 hide-in-meeting",
        **attributes(aria_labelledby="home-filters-heading"),
    )
    search = html.Section(
        [
            html.H2(t("home.search", lang), className="h4", id="home-search-heading"),
            client_picker(PICKER, lang, opens="/client"),
            dcc.Link(t("home.all_clients", lang), href=href("/clients", lang), id="home-all-clients"),
        ],
        className="mb-4",
        **attributes(aria_labelledby="home-search-heading"),
    )
    chart = chart_with_summary(
        figure,
        text,
        graph_id=DISTRIBUTION,
        summary_id=DISTRIBUTION_SUMMARY,
        heading=t("home.chart_title", lang),
    )
    body = [
        dcc.Store(id=LANG, data=lang),
        dbc.Row([dbc.Col(filters, lg=3), dbc.Col([kpis, search, chart], lg=9)], class_name="g-4"),
    ]
    return frame(body, lang=lang, active="home", path="/", title=t("home.title", lang))


def kpi_values(summary: PortfolioSummary, lang: str) -> tuple[str, str, str, str]:
    """Count, approval rate, threshold and mean risk, as the cards show them."""
    return (
        fmt.number(summary.count, lang),
        fmt.percent(summary.approval_rate, lang),
        threshold_text(summary.threshold, lang),
        fmt.risk(summary.mean_probability, lang),
    )


def distribution(summary: PortfolioSummary, lang: str):
    """The risks around the threshold, and the sentence that sums them up."""
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
    return figure, text


@callback(
    Output(KPI_COUNT, "children"),
    Output(KPI_APPROVAL, "children"),
    Output(KPI_THRESHOLD, "children"),
    Output(KPI_MEAN, "children"),
    Output(DISTRIBUTION, "figure"),
    Output(DISTRIBUTION_SUMMARY, "children"),
    Output(FEEDBACK, "children"),
    Input(BATCHES, "value"),
    Input(RECEIVED_FROM, "value"),
    Input(RECEIVED_TO, "value"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def show_portfolio(batches: list[str] | None, received_from: str | None, received_to: str | None, lang: str):
    """The cards, the chart and its sentence for the batches and days chosen (every batch by default)."""
    lang = language(lang)
    query = received_query(batches, received_from, received_to)
    problem = t(query.problem[0], lang, **query.problem[1]) if query.problem else ""
    try:
        summary = services().clients.portfolio_summary(**query.arguments)  # type: ignore[arg-type]
    except InputError:  # a batch that is gone (or a forged name)
        summary = services().clients.portfolio_summary()
        problem = t("filters.unknown_batch", lang)
    figure, text = distribution(summary, lang)
    return (*kpi_values(summary, lang), figure, text, problem)


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
