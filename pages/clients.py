"""All clients (/clients): filter by amounts, age, risk, categories and decision; a paginated, sortable table
answered page by page by the client repository (never the whole table in the browser)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, html
from dash.dash_table.DataTable import DataTable  # typed; `dash_table.DataTable` is not

from app import formatting as fmt
from app.clients_view import RangeField, client_query, page_count
from app.i18n import language
from components import palette
from components.attributes import attributes
from components.figure import FONT_FAMILY
from components.navigation import href
from components.widgets import choice_filter, range_filter
from model_training.decision import ACCEPT, DECISIONS, REFUSE, decide
from pages._shared import field_label, field_value_text, frame, services, t

dash.register_page(__name__, path="/clients", name="Clients", title="Clients – Prêt à dépenser", order=1)

# --- ids: every one carries the page's prefix (app/auth/access.py) ------------------------------------------
TABLE, COUNT, FEEDBACK, LANG = "clients-table", "clients-count", "clients-feedback", "clients-lang"
DECISION, RESET, SORT = "clients-decision", "clients-reset", "clients-sort"

PAGE_SIZE = 20
#: Range filters: (filter id, column, catalogue key of the label, unit key, factor from the typed unit).
RANGES = (
    ("clients-credit", "credit", "clients.credit", "unit.euros", 1.0),
    ("clients-income", "income", "clients.income", "unit.euros", 1.0),
    ("clients-age", "age_years", "clients.age", "unit.years_short", 1.0),
    ("clients-risk", "probability", "clients.risk", "unit.percent", 0.01),
)
#: Choice filters: (filter id, column, catalogue key of the label).
CHOICES = (
    ("clients-contract", "contract_type", "clients.contract"),
    ("clients-education", "education", "clients.education"),
    ("clients-housing", "housing", "clients.housing"),
)
COLUMNS = (
    "SK_ID_CURR",
    "age_years",
    "income",
    "credit",
    "annuity",
    "contract_type",
    "probability",
    "decision",
)


def layout(lang: str | None = None, **_query: object) -> html.Div:
    lang = language(lang)
    filters = html.Section(
        [
            html.H2(t("clients.filters", lang), className="h5"),
            *[
                range_filter(
                    filter_id,
                    label=t(label, lang),
                    min_label=t("clients.from", lang),
                    max_label=t("clients.to", lang),
                    unit=t(unit, lang),
                    minimum=0,
                )
                for filter_id, _, label, unit, _ in RANGES
            ],
            choice_filter(DECISION, label=t("clients.decision", lang), options=_decisions(lang)),
            *[
                choice_filter(filter_id, label=t(label, lang), options=_levels(column, lang))
                for filter_id, column, label in CHOICES
            ],
            dbc.Button(t("clients.reset", lang), id=RESET, color="secondary", outline=True, n_clicks=0),
        ],
        className="hide-in-meeting",
        **attributes(aria_label=t("clients.filters", lang)),
    )
    results = html.Section(
        [
            html.P(id=COUNT, className="fw-bold fs-5", role="status", **attributes(aria_live="polite")),
            html.Div(id=FEEDBACK, className="text-danger fw-bold", role="alert"),
            _sort_choice(lang),
            html.H2(t("clients.table", lang), className="h6 text-secondary", id="clients-table-caption"),
            _table(lang),
        ]
    )
    body = [
        dash.dcc.Store(id=LANG, data=lang),
        dbc.Row([dbc.Col(filters, lg=3), dbc.Col(results, lg=9)], class_name="g-4"),
    ]
    return frame(body, lang=lang, active="clients", path="/clients", title=t("clients.title", lang))


def _levels(column: str, lang: str) -> list[dict[str, object]]:
    """The levels present among production clients, by their human name."""
    return [
        {"label": field_value_text(column, level, lang), "value": level}
        for level in services().clients.levels(column)
    ]


#: Orders offered to keyboard users (the table's header arrows take a mouse): value → (column, direction).
SORTS = {
    "risk-desc": ("probability", "desc"),
    "risk-asc": ("probability", "asc"),
    "credit-desc": ("credit", "desc"),
    "income-desc": ("income", "desc"),
    "age-asc": ("age_years", "asc"),
    "id-asc": ("SK_ID_CURR", "asc"),
}


def _sort_choice(lang: str) -> html.Div:
    return html.Div(
        [
            html.Label(t("clients.sort", lang), htmlFor=SORT, className="form-label me-2 mb-0"),
            dbc.Select(
                id=SORT,
                options=[
                    {"label": t(f"clients.sort_{key.replace('-', '_')}", lang), "value": key} for key in SORTS
                ],
                value="id-asc",
                style={"maxWidth": "20rem"},
            ),
        ],
        className="d-flex align-items-center flex-wrap gap-2 mb-2 hide-in-meeting",
    )


def _decisions(lang: str) -> list[dict[str, str]]:
    """The decision codes (model_training.decision), accepted first, each with its words and symbol."""
    return [
        {"label": t("clients.refused" if code == REFUSE else "clients.accepted", lang), "value": code}
        for code in DECISIONS
    ]


def _table(lang: str) -> DataTable:
    columns: list[DataTable.Columns] = [
        {
            "id": c,
            "name": t("picker.label", lang) if c == "SK_ID_CURR" else _column_name(c, lang),
            "presentation": "markdown" if c == "SK_ID_CURR" else "input",
        }
        for c in COLUMNS
    ]
    return DataTable(
        id=TABLE,
        columns=columns,
        data=[],
        page_action="custom",
        page_current=0,
        page_size=PAGE_SIZE,
        page_count=0,
        sort_action="custom",
        sort_mode="single",
        sort_by=[],
        cell_selectable=False,
        markdown_options={"link_target": "_self"},
        style_table={"overflowX": "auto"},
        style_cell={
            "fontFamily": FONT_FAMILY,
            "fontSize": "0.95rem",
            "padding": "0.35rem 0.5rem",
            "textAlign": "left",
            "whiteSpace": "normal",
            "height": "auto",
        },
        style_header={"fontWeight": "700", "backgroundColor": "#eef2f7", "color": "#212529"},
        style_cell_conditional=[
            {"if": {"column_id": c}, "textAlign": "right"}
            for c in ("age_years", "income", "credit", "annuity", "probability")
        ],
        style_data_conditional=[{"if": {"filter_query": "{refused} = 1"}, "color": palette.RISKY_TEXT}],
        css=[
            {"selector": ".dash-cell-value p", "rule": "margin: 0;"},
            {"selector": ".dash-cell-value a", "rule": "color: #0a58ca; text-decoration: underline;"},
        ],
    )


def _column_name(column: str, lang: str) -> str:
    if column == "probability":
        return t("clients.risk", lang)
    if column == "decision":
        return t("clients.decision", lang)
    return field_label(column, lang)


def _row(row: dict[str, object], lang: str) -> dict[str, object]:
    client_id = row["SK_ID_CURR"]
    accepted = decide(float(row["probability"]), services().clients.threshold) == ACCEPT  # type: ignore[arg-type]
    mark = palette.ACCEPTED_MARK if accepted else palette.REFUSED_MARK
    return {
        "SK_ID_CURR": f"[{client_id}]({href(f'/client/{client_id}', lang)})",
        "age_years": field_value_text("age_years", row.get("age_years"), lang),
        "income": field_value_text("income", row.get("income"), lang),
        "credit": field_value_text("credit", row.get("credit"), lang),
        "annuity": field_value_text("annuity", row.get("annuity"), lang),
        "contract_type": field_value_text("contract_type", row.get("contract_type"), lang),
        "probability": fmt.percent(float(row["probability"]), lang, 1),  # type: ignore[arg-type]
        "decision": f"{mark} {t('decision.accept' if accepted else 'decision.refuse', lang)}",
        "refused": "" if accepted else "1",
    }


RANGE_INPUTS = [Input(f"{filter_id}-{end}", "value") for filter_id, *_ in RANGES for end in ("min", "max")]
CHOICE_INPUTS = [Input(DECISION, "value")] + [Input(filter_id, "value") for filter_id, *_ in CHOICES]


@callback(
    Output(TABLE, "data"),
    Output(TABLE, "page_count"),
    Output(TABLE, "page_current"),
    Output(COUNT, "children"),
    Output(FEEDBACK, "children"),
    *RANGE_INPUTS,
    *CHOICE_INPUTS,
    Input(TABLE, "page_current"),
    Input(TABLE, "sort_by"),
    State(LANG, "data"),
)
def show_clients(*values):
    """One page of the clients matching the filters; a new filter goes back to the first page."""
    lang = values[-1]
    page, sort_by = values[-3], values[-2]
    typed_ranges = values[: 2 * len(RANGES)]
    decision, *choices = values[2 * len(RANGES) : -3]
    query = client_query(
        [RangeField(column, factor) for _, column, _, _, factor in RANGES],
        typed_ranges,
        decision,
        {column: chosen for (_, column, _), chosen in zip(CHOICES, choices, strict=True)},
    )
    labels = {column: label for _, column, label, _, _ in RANGES}
    problems = [t("clients.invalid_range", lang, field=t(labels[c], lang)) for c in query.reversed_ranges]
    filter_changed = ctx.triggered_id not in (None, TABLE)
    page = 0 if filter_changed or page is None else int(page)
    rows, total = services().clients.filter_clients(query.filters, sort_by or None, page, PAGE_SIZE)
    return (
        [_row(r, lang) for r in rows],
        page_count(total, PAGE_SIZE),
        page if filter_changed else dash.no_update,
        _count_text(total, lang),
        " ".join(problems),
    )


def _count_text(total: int, lang: str) -> str:
    if total == 0:
        return t("clients.count_none", lang)
    if total == 1:
        return t("clients.count_one", lang)
    return t("clients.count", lang, count=fmt.number(total, lang))


@callback(
    *[Output(f"{filter_id}-{end}", "value") for filter_id, *_ in RANGES for end in ("min", "max")],
    Output(DECISION, "value"),
    *[Output(filter_id, "value") for filter_id, *_ in CHOICES],
    Input(RESET, "n_clicks"),
    prevent_initial_call=True,
)
def reset_filters(_clicks: int) -> tuple:
    """Empty ranges, no decision, no category: every client again."""
    return (*[None] * (2 * len(RANGES)), [], *[[] for _ in CHOICES])


@callback(Output(TABLE, "sort_by"), Input(SORT, "value"), prevent_initial_call=True)
def sort_from_choice(choice: str | None) -> list[dict[str, str]]:
    """The chosen order becomes the table's own sort, so the header arrows show it too."""
    column, direction = SORTS.get(choice or "", SORTS["id-asc"])
    return [{"column_id": column, "direction": direction}]
