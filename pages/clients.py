"""All clients (/clients): filter by batch, received date, amounts, age, risk, categories and decision; a
paginated, sortable table answered page by page by the client repository (never the whole table in the
browser), with each application's batch, received date, and the advisor's decision beside the model's."""

from __future__ import annotations

from datetime import datetime

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, html
from dash.dash_table.DataTable import DataTable  # typed; `dash_table.DataTable` is not

from app import formatting as fmt
from app.clients_view import (
    RangeField,
    client_query,
    human_decision,
    page_count,
    received_query,
)
from app.i18n import language
from components import palette
from components.attributes import attributes
from components.navigation import href
from components.received_filters import portfolio_filters
from components.table_style import TABLE_CELL, TABLE_HEADER
from components.widgets import choice_filter, range_filter
from model_training.decision import ACCEPT, DECISIONS, REFUSE, decide
from model_training.errors import InputError
from pages._shared import field_label, field_value_text, frame, services, t

dash.register_page(__name__, path="/clients", name="Clients", title="Clients – Prêt à dépenser", order=1)

# --- ids: every one carries the page's prefix (app/auth/access.py) ------------------------------------------
TABLE, COUNT, FEEDBACK, LANG = "clients-table", "clients-count", "clients-feedback", "clients-lang"
DECISION, RESET, SORT = "clients-decision", "clients-reset", "clients-sort"
BATCHES, RECEIVED_FROM, RECEIVED_TO = "clients-batches", "clients-received-from", "clients-received-to"

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
    "final_decision",
    "batch",
    "received_at",
)


def layout(lang: str | None = None, **_query: object) -> html.Div:
    lang = language(lang)
    batches = services().clients.batches()
    filters = html.Section(
        [
            html.H2(t("clients.filters", lang), className="h5"),
            portfolio_filters(batches, lang, batches_id=BATCHES, from_id=RECEIVED_FROM, to_id=RECEIVED_TO),
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
    "received-desc": ("received_at", "desc"),
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
        style_cell=TABLE_CELL,
        style_header=TABLE_HEADER,
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


#: Table columns named by the page rather than by the descriptive fields' labels.
COLUMN_NAMES = {
    "probability": "clients.risk",
    "decision": "clients.model_decision",
    "final_decision": "clients.final_decision",
    "batch": "clients.batch",
    "received_at": "clients.received",
}


def _column_name(column: str, lang: str) -> str:
    return t(COLUMN_NAMES[column], lang) if column in COLUMN_NAMES else field_label(column, lang)


def _decision_words(decision: str, lang: str) -> str:
    """A decision with its symbol and words: never colour alone."""
    accepted = decision == ACCEPT
    mark = palette.ACCEPTED_MARK if accepted else palette.REFUSED_MARK
    return f"{mark} {t('decision.accept' if accepted else 'decision.refuse', lang)}"


def _final_decision_text(row: dict[str, object], lang: str) -> str:
    """The advisor's decision in force, and whether it follows the model; "to decide" when none yet."""
    final, follows = human_decision(row)
    if final is None:
        return t("clients.undecided", lang)
    words = _decision_words(final, lang)
    return (
        words
        if follows is None
        else t("clients.follows" if follows else "clients.overrides", lang, decision=words)
    )


def _received_text(row: dict[str, object], lang: str) -> str:
    received = row.get("received_at")
    return fmt.date_text(received.date(), lang, "short") if isinstance(received, datetime) else ""


def _row(row: dict[str, object], lang: str) -> dict[str, object]:
    client_id = row["SK_ID_CURR"]
    probability, threshold = float(row["probability"]), services().clients.threshold  # type: ignore[arg-type]
    decision = decide(probability, threshold)
    return {
        "SK_ID_CURR": f"[{client_id}]({href(f'/client/{client_id}', lang)})",
        "age_years": field_value_text("age_years", row.get("age_years"), lang),
        "income": field_value_text("income", row.get("income"), lang),
        "credit": field_value_text("credit", row.get("credit"), lang),
        "annuity": field_value_text("annuity", row.get("annuity"), lang),
        "contract_type": field_value_text("contract_type", row.get("contract_type"), lang),
        "probability": fmt.risk_texts(probability, threshold, lang).risk,
        "decision": _decision_words(decision, lang),
        "final_decision": _final_decision_text(row, lang),
        "batch": str(row.get("batch") or ""),
        "received_at": _received_text(row, lang),
        "refused": "" if decision == ACCEPT else "1",
    }


RANGE_INPUTS = [Input(f"{filter_id}-{end}", "value") for filter_id, *_ in RANGES for end in ("min", "max")]
CHOICE_INPUTS = [Input(DECISION, "value")] + [Input(filter_id, "value") for filter_id, *_ in CHOICES]
RECEIVED_INPUTS = [Input(BATCHES, "value"), Input(RECEIVED_FROM, "value"), Input(RECEIVED_TO, "value")]


@callback(
    Output(TABLE, "data"),
    Output(TABLE, "page_count"),
    Output(TABLE, "page_current"),
    Output(COUNT, "children"),
    Output(FEEDBACK, "children"),
    *RANGE_INPUTS,
    *CHOICE_INPUTS,
    *RECEIVED_INPUTS,
    Input(TABLE, "page_current"),
    Input(TABLE, "sort_by"),
    State(LANG, "data"),
)
def show_clients(*values):
    """One page of the clients matching the filters; a new filter goes back to the first page."""
    lang = language(values[-1])
    page, sort_by = values[-3], values[-2]
    typed_ranges = values[: 2 * len(RANGES)]
    decision, *choices = values[2 * len(RANGES) : -6]
    received = received_query(*values[-6:-3])
    query = client_query(
        [RangeField(column, factor) for _, column, _, _, factor in RANGES],
        typed_ranges,
        decision,
        {column: chosen for (_, column, _), chosen in zip(CHOICES, choices, strict=True)},
    )
    labels = {column: label for _, column, label, _, _ in RANGES}
    problems = [t("clients.invalid_range", lang, field=t(labels[c], lang)) for c in query.reversed_ranges]
    if received.problem:
        problems.append(t(received.problem[0], lang, **received.problem[1]))
    filter_changed = ctx.triggered_id not in (None, TABLE)
    page = 0 if filter_changed or page is None else int(page)
    clients = services().clients
    try:
        rows, total = clients.filter_clients(
            query.filters,
            sort_by or None,
            page,
            PAGE_SIZE,
            **received.arguments,  # type: ignore[arg-type]
        )
    except InputError:  # a batch that is gone (or a forged name)
        problems.append(t("filters.unknown_batch", lang))
        rows, total = clients.filter_clients(query.filters, sort_by or None, page, PAGE_SIZE)
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
    Output(BATCHES, "value"),
    Output(RECEIVED_FROM, "value"),
    Output(RECEIVED_TO, "value"),
    Input(RESET, "n_clicks"),
    prevent_initial_call=True,
)
def reset_filters(_clicks: int) -> tuple:
    """Empty ranges, no decision, no category, every batch, any day: every client again."""
    return (*[None] * (2 * len(RANGES)), [], *[[] for _ in CHOICES], [], None, None)


@callback(Output(TABLE, "sort_by"), Input(SORT, "value"), prevent_initial_call=True)
def sort_from_choice(choice: str | None) -> list[dict[str, str]]:
    """The chosen order becomes the table's own sort, so the header arrows show it too."""
    column, direction = SORTS.get(choice or "", SORTS["id-asc"])
    return [{"column_id": column, "direction": direction}]
