"""Audit log (/audit), for the admin: who saw which score, explanation or what-if, API calls and sign-ins,
newest first, filtered by user, event type, client and dates, exported as CSV; and the meetings in progress,
which the admin can end (app/auth/meetings.py).

The events and their queries live in `app/audit.py`; this page lays them out. The CSV export is the streamed,
admin-only route of `app/audit_export.py`; the page links to it with the filters shown.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.dash_table.DataTable import DataTable  # typed; `dash_table.DataTable` is not
from sqlalchemy.exc import SQLAlchemyError

from app import formatting as fmt
from app.audit import (
    CSV_COLUMNS,
    EVENT_KINDS,
    AuditStatus,
    EventPage,
    audit_log,
    error_text,
    parse_event_filter,
    query_events,
)
from app.audit_export import EXPORT_URL
from app.auth.meetings import end_by_admin, open_meetings
from app.i18n import CATALOGUE, language
from components.attributes import attributes
from components.figure import FONT_FAMILY
from components.table_style import TABLE_HEADER
from pages._shared import frame, t

#: admins only: the server refuses the page, its callbacks and the export route to anyone else (app/auth)
dash.register_page(
    __name__,
    path="/audit",
    name="Journal d’audit (admin)",
    title="Journal d’audit – Prêt à dépenser",
    order=91,
    admin=True,
    routes=(EXPORT_URL,),
)
# --- ids: every one carries the page's prefix (app/auth/access.py) ------------------------------------------
USER, KIND, CLIENT = "audit-user", "audit-kind", "audit-client"
SINCE, UNTIL = "audit-since", "audit-until"
FEEDBACK = {field_id: f"{field_id}-feedback" for field_id in (USER, CLIENT, SINCE, UNTIL)}  # its message
RESET = "audit-reset"
TABLE, COUNT, EXPORT, STATUS = "audit-table", "audit-count", "audit-export", "audit-status"
MEETINGS, MEETING_RESULT = "audit-meetings", "audit-meeting-result"
END_MEETING = "audit-end-meeting"  # the pattern-matching type of each meeting's "end" button
LANG = "audit-lang"

PAGE_SIZE = 25
#: the export's columns but the event id, with the method shown in the route's cell
COLUMNS = tuple(c for c in CSV_COLUMNS if c not in ("method", "event_id"))
#: (field, component id, label key, input type): the filters, in the order the admin reads them
FILTERS = (
    ("user", USER, "audit.user", "text"),
    ("client_id", CLIENT, "audit.client", "text"),
    ("since", SINCE, "audit.since", "date"),
    ("until", UNTIL, "audit.until", "date"),
)


def layout(lang: str | None = None, **_query: object) -> html.Div:
    lang = language(lang)
    body = [
        dbc.Badge(t("audit.admin", lang), color="dark", class_name="mb-2", id="audit-admin"),
        html.P(t("audit.intro", lang), className="lead"),
        html.Div(_status_alerts(audit_log().status(), lang), id=STATUS, role="status"),
        _meetings_section(lang),
        _filters(lang),
        html.P(id=COUNT, className="fw-semibold", **attributes(aria_live="polite")),
        _table(lang),
        html.Div(
            [
                html.A(
                    t("audit.export", lang),
                    href=EXPORT_URL,
                    id=EXPORT,
                    className="btn btn-outline-primary",
                    download="audit.csv",
                ),
                html.Span(t("audit.export_note", lang), className="form-text ms-2"),
            ],
            className="mt-3",
        ),
        dcc.Store(id=LANG, data=lang),
    ]
    return frame(body, lang=lang, active="audit", path="/audit", title=t("audit.title", lang))


def _status_alerts(status: AuditStatus, lang: str) -> list[dbc.Alert]:
    """Warnings only when something needs the admin: events waiting, the database refusing, no spool."""
    alerts = []
    if status.pending:
        count = fmt.number(status.pending, lang)
        alerts.append(
            dbc.Alert(t("audit.pending", lang, count=count, spool=str(status.spool)), color="warning")
        )
    if not status.database_ok and status.last_error:
        alerts.append(dbc.Alert(t("audit.database_down", lang, error=status.last_error), color="warning"))
    if status.spool_problem:
        alerts.append(
            dbc.Alert(t("audit.spool_problem", lang, problem=status.spool_problem), color="warning")
        )
    return alerts


def _filters(lang: str) -> html.Form:
    fields = [
        dbc.Col(
            [
                html.Label(t(label, lang), htmlFor=field_id, className="form-label"),
                dbc.Input(
                    id=field_id,
                    type=kind,
                    debounce=True,
                    autocomplete="off",
                    inputmode="numeric" if name == "client_id" else None,
                ),
                dbc.FormFeedback(id=FEEDBACK[field_id], type="invalid"),
            ],
            md=3 if name in ("user", "client_id") else 2,
        )
        for name, field_id, label, kind in FILTERS
    ]
    kinds = [{"label": t("audit.kind_all", lang), "value": ""}] + [
        {"label": t(f"audit.kind.{kind}", lang), "value": kind} for kind in EVENT_KINDS
    ]
    fields.insert(
        1,
        dbc.Col(
            [
                html.Label(t("audit.kind", lang), htmlFor=KIND, className="form-label"),
                dbc.Select(id=KIND, options=kinds, value=""),
            ],
            md=2,
        ),
    )
    return html.Form(
        [
            html.H2(t("audit.filters", lang), className="h5"),
            dbc.Row(fields, class_name="g-2 align-items-start"),
            dbc.Button(
                t("audit.reset", lang),
                id=RESET,
                color="secondary",
                outline=True,
                n_clicks=0,
                type="button",
            ),
        ],
        className="mb-3",
        role="search",
        **attributes(aria_label=t("audit.filters", lang)),
    )


def _table(lang: str) -> DataTable:
    return DataTable(
        id=TABLE,
        columns=[{"id": c, "name": t(f"audit.col.{c}", lang)} for c in COLUMNS],
        data=[],
        page_action="custom",
        page_current=0,
        page_size=PAGE_SIZE,
        page_count=1,
        cell_selectable=False,
        style_table={"overflowX": "auto"},
        style_cell={
            "fontFamily": FONT_FAMILY,
            "fontSize": "0.9rem",
            "padding": "0.3rem 0.5rem",
            "textAlign": "left",
            "whiteSpace": "normal",
            "height": "auto",
            "maxWidth": "22rem",
        },
        style_header=TABLE_HEADER,
        style_cell_conditional=[
            {"if": {"column_id": c}, "textAlign": "right"} for c in ("client_id", "probability", "threshold")
        ]
        + [{"if": {"column_id": "occurred_at"}, "whiteSpace": "nowrap"}],
        style_header_conditional=[{"if": {"column_id": "occurred_at"}, "whiteSpace": "nowrap"}],
    )


# --- rows as a person reads them ----------------------------------------------------------------------------


def _label(prefix: str, code: object, lang: str) -> str:
    """A code in words when the catalogue knows it (event kinds, decisions), else the code itself."""
    if code is None:
        return ""
    key = f"{prefix}.{code}"
    return t(key, lang) if key in CATALOGUE[lang] else str(code)


def _row(event: dict[str, object], lang: str) -> dict[str, object]:
    occurred = event["occurred_at"]
    probability, threshold = _risks(event["probability"], event["threshold"], lang)
    return {
        "occurred_at": moment(occurred, lang) if isinstance(occurred, datetime) else occurred,
        "kind": _label("audit.kind", event["kind"], lang),
        "user_name": event["user_name"] or "",
        "role": _label("role", event["role"], lang),
        "client_id": "" if event["client_id"] is None else str(event["client_id"]),
        "probability": probability,
        "decision": _label("decision", event["decision"], lang),
        "model_version": event["model_version"] or "",
        "threshold": threshold,
        "route": _route(event["method"], event["route"], lang),
        "status": "" if event["status"] is None else str(event["status"]),
        "detail": event["detail"] or "",
    }


#: A compact date and time per language, on one line: 04/12/2026 23:05:09 · 2026-12-04 23:05:09.
MOMENT_FORMATS = {"fr": "%d/%m/%Y\u00a0%H:%M:%S", "en": "%Y-%m-%d\u00a0%H:%M:%S"}


def moment(value: datetime, lang: str) -> str:
    return value.strftime(MOMENT_FORMATS.get(lang, MOMENT_FORMATS["fr"]))


def _route(method: object, route: object, lang: str) -> str:
    """A plain request as "POST /login"; a Dash callback as its page and purpose, the purpose in words
    when the catalogue knows it ("/client/100001 · page affichée")."""
    if not route:
        return ""
    page, separator, purpose = str(route).partition(" · ")
    if separator:
        return f"{page} · {_label('audit.purpose', purpose, lang)}"
    return " ".join(str(v) for v in (method, route) if v)


def _risks(probability: object, threshold: object, lang: str) -> tuple[str, str]:
    """The row's risk and threshold written as every page writes them together (app.formatting.risk_texts),
    so that the decision beside them never looks contradictory."""
    if isinstance(probability, float) and isinstance(threshold, float):
        texts = fmt.risk_texts(probability, threshold, lang)
        return texts.risk, texts.threshold
    return tuple(fmt.risk(v, lang) if isinstance(v, float) else "" for v in (probability, threshold))  # type: ignore[return-value]


def _count_text(page: EventPage, lang: str) -> str:
    if page.total == 0:
        return t("audit.count_none", lang)
    if page.total == 1:
        return t("audit.count_one", lang)
    return t("audit.count", lang, count=fmt.number(page.total, lang), page=page.page, pages=page.page_count)


# --- callbacks ----------------------------------------------------------------------------------------------

FILTER_IDS = [USER, KIND, CLIENT, SINCE, UNTIL]


@callback(
    Output(TABLE, "data"),
    Output(TABLE, "page_count"),
    Output(TABLE, "page_current"),
    Output(COUNT, "children"),
    Output(EXPORT, "href"),
    Output(STATUS, "children"),
    *[Output(field_id, "invalid") for _, field_id, _, _ in FILTERS],
    *[Output(FEEDBACK[field_id], "children") for _, field_id, _, _ in FILTERS],
    *[Input(field_id, "value") for field_id in FILTER_IDS],
    Input(TABLE, "page_current"),
    Input(MEETING_RESULT, "children"),
    State(LANG, "data"),
)
def show_events(user, kind, client_id, since, until, page_current, _meeting_ended, lang):
    """One page of the matching events; a changed filter (or a meeting just ended: its event) goes back to
    the first page. A field that cannot be read gets its own message and is left out of the filter."""
    lang = language(lang)
    selection, problems = parse_event_filter(
        user=user, kind=kind, client_id=client_id, since=since, until=until
    )
    invalid = [name in problems for name, *_ in FILTERS]
    messages = [
        t(f"audit.invalid.{problems[name]}", lang) if name in problems else "" for name, *_ in FILTERS
    ]
    filter_changed = ctx.triggered_id not in (None, TABLE)
    page = 0 if filter_changed or page_current is None else int(page_current)
    export = f"{EXPORT_URL}?{urlencode(selection.as_params())}" if selection.as_params() else EXPORT_URL
    status = _status_alerts(audit_log().status(), lang)
    try:
        found = query_events(selection, page=page + 1, page_size=PAGE_SIZE)
    except SQLAlchemyError as error:
        problem = dbc.Alert(t("audit.unreadable", lang, error=error_text(error)), color="danger")
        return [], 1, 0, "", export, [*status, problem], *invalid, *messages
    return (
        [_row(event, lang) for event in found.rows],
        found.page_count,
        found.page - 1,
        _count_text(found, lang),
        export,
        status,
        *invalid,
        *messages,
    )


# --- meetings in progress -----------------------------------------------------------------------------------


def _meetings_section(lang: str) -> html.Section:
    return html.Section(
        [
            html.H2(t("audit.meetings", lang), className="h5"),
            html.P(t("audit.meetings_intro", lang), className="form-text"),
            html.Div(_meeting_list(lang), id=MEETINGS),
            html.Div(id=MEETING_RESULT, role="status"),
        ],
        className="mb-4",
        id="audit-meetings-section",
    )


def _meeting_list(lang: str) -> html.Ul | html.P:
    meetings = open_meetings()
    if not meetings:
        return html.P(t("audit.meetings_none", lang), id="audit-meetings-none")
    items = []
    for meeting in meetings:
        seen = moment(datetime.fromtimestamp(meeting.last_seen, UTC), lang)
        text = t("audit.meeting_row", lang, advisor=meeting.advisor, client_id=meeting.client_id, time=seen)
        items.append(
            html.Li(
                [
                    html.Span(text, className="me-3"),
                    dbc.Button(
                        t("audit.meeting_end", lang),
                        id={"type": END_MEETING, "session": meeting.session},
                        color="danger",
                        outline=True,
                        size="sm",
                        n_clicks=0,
                    ),
                ],
                className="list-group-item d-flex flex-wrap align-items-center",
            )
        )
    return html.Ul(items, className="list-group", id="audit-meetings-list")


@callback(
    Output(MEETINGS, "children"),
    Output(MEETING_RESULT, "children"),
    Input({"type": END_MEETING, "session": ALL}, "n_clicks"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def end_meeting(_clicks: list, lang: str):
    """End the meeting whose button was pressed (the server checks again that the caller is an admin)."""
    lang = language(lang)
    pressed = ctx.triggered_id
    # a list redrawn with new buttons triggers too, with no click: only a real press ends a meeting
    if not isinstance(pressed, dict) or not (ctx.triggered and ctx.triggered[0].get("value")):
        return dash.no_update, dash.no_update
    ended = end_by_admin(str(pressed.get("session", "")))
    audit_log().flush(timeout=2.0)  # the table, refreshed next, shows the end at once
    if ended is None:
        result = dbc.Alert(t("audit.meeting_gone", lang), color="info", class_name="mt-2")
    else:
        message = t("audit.meeting_ended", lang, advisor=ended.advisor, client_id=ended.client_id)
        result = dbc.Alert(message, color="success", class_name="mt-2")
    return _meeting_list(lang), result


@callback(
    *[Output(field_id, "value") for field_id in FILTER_IDS],
    Input(RESET, "n_clicks"),
    prevent_initial_call=True,
)
def reset_filters(_clicks: int) -> tuple:
    """Every event again."""
    return ("", "", "", None, None)
