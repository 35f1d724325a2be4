"""Nouvelle demande (/new-application): an advisor enters an application, with the credit bureau's credits and
the client's earlier applications when known; it is stored and scored by the one intake path
(`ApplicationRepository.submit`, source "form") and opens on its client page. A refused application stores
nothing: each message stands under its field, and a summary above the button names them all."""

from __future__ import annotations

import json
import secrets

import dash
import dash_bootstrap_components as dbc
from dash import (
    ALL,
    ClientsideFunction,
    Input,
    Output,
    Patch,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
)

from app.api_applications import request_digest
from app.audit import record_event
from app.i18n import language
from app.identity import current_identity
from components.application_form import form_field, record_fieldset
from components.attributes import attributes
from components.navigation import href
from model_training.credit_file import CreditFileError
from model_training.store.applications import IdempotencyConflict, IdempotencyKey, StoreError
from pages._new_application_fields import (
    APPLICATION,
    FIELDS,
    RECORD_FIELDS,
    RECORD_TABLES,
    FormField,
    Place,
    choice_label,
    credit_file,
    field_label,
    field_unit,
    file_errors,
    levels,
    place_text,
    read_application,
    read_records,
)
from pages._shared import frame, services, t

dash.register_page(
    __name__,
    path="/new-application",
    name="Nouvelle demande",
    title="Nouvelle demande – Prêt à dépenser",
    order=2,
)

# --- ids: every one carries the page's prefix (app/auth/access.py) ------------------------------------------
LANG = "new-application-lang"
NO_JOB = "new-application-no-job"
SUBMIT = "new-application-submit"
SUMMARY = "new-application-summary"
LOCATION = "new-application-location"
#: this form's own key: pressed twice (a double click, a retry), the same application is stored once
FORM_KEY = "new-application-key"
#: per side table: the pattern-matching id type of its records' fields, its list and its "add" button
RECORD = {"bureau": "new-application-bureau", "previous_application": "new-application-previous"}
RECORD_LIST = {table: f"{RECORD[table]}-list" for table in RECORD_TABLES}
RECORD_ADD = {table: f"{RECORD[table]}-add" for table in RECORD_TABLES}
#: per side table: the record type again, for the browser to focus a new record's first field
RECORD_TYPE = {table: f"{RECORD[table]}-type" for table in RECORD_TABLES}
RECORD_FOCUSED = {table: f"{RECORD[table]}-focused" for table in RECORD_TABLES}
#: per side table: the pattern-matching id type of each record's "remove" button
RECORD_REMOVE = {table: f"{RECORD[table]}-remove" for table in RECORD_TABLES}
RECORD_REMOVED = {table: f"{RECORD[table]}-removed" for table in RECORD_TABLES}


def record_field_id(table: str, row: int, column: str) -> dict:
    return {"type": RECORD[table], "row": row, "column": column}


# --- layout -------------------------------------------------------------------------------------------------


def layout(lang: str | None = None, **_query: object) -> html.Div:
    lang = language(lang)
    body = [
        dcc.Store(id=LANG, data=lang),
        dcc.Store(id=FORM_KEY, data=secrets.token_urlsafe(16)),
        dcc.Location(id=LOCATION, refresh="callback-nav"),
        html.P(t("new_application.intro", lang)),
        html.P(t("new_application.required_note", lang), className="form-text"),
        _application_section(lang),
        *(_records_section(table, lang) for table in RECORD_TABLES),
        html.Div(id=SUMMARY, role="alert"),
        dbc.Button(t("new_application.submit", lang), id=SUBMIT, color="primary", n_clicks=0),
    ]
    return frame(
        body,
        lang=lang,
        active="new_application",
        path="/new-application",
        title=t("new_application.title", lang),
    )


def _application_section(lang: str) -> html.Fieldset:
    columns = []
    for field in FIELDS:
        columns.append(dbc.Col(_application_field(field, lang), md=6, lg=4))
        if field.column == "DAYS_EMPLOYED":
            no_job = dbc.Checkbox(id=NO_JOB, label=t("new_application.no_job", lang), value=False)
            columns.append(dbc.Col(html.Div(no_job, className="mb-3 pt-md-4"), md=6, lg=4))
    return html.Fieldset(
        [html.Legend(t("new_application.application", lang), className="h4"), dbc.Row(columns)],
        className="mb-4",
    )


def _application_field(field: FormField, lang: str) -> html.Div:
    return form_field(
        field.input_id,
        label=field_label(field, lang),
        unit=field_unit(field, lang),
        options=_options(field, lang),
        blank=t("new_application.choose", lang),
        required=field.required,
        help_text=t("new_application.client_help", lang) if field.column == "SK_ID_CURR" else "",
    )


def _options(field: FormField, lang: str) -> list[tuple[str, str]] | None:
    if field.kind != "choice":
        return None
    return [(level, choice_label(level, lang)) for level in levels(field.table, field.column)]


def _records_section(table: str, lang: str) -> html.Section:
    heading_id = f"{RECORD[table]}-heading"
    return html.Section(
        [
            html.H2(t(f"new_application.{table}.heading", lang), className="h4", id=heading_id),
            html.P(t("new_application.records_help", lang), className="form-text"),
            html.Div([], id=RECORD_LIST[table]),
            dcc.Store(id=RECORD_TYPE[table], data=RECORD[table]),
            dcc.Store(id=RECORD_FOCUSED[table]),
            dcc.Store(id=RECORD_REMOVED[table]),
            dbc.Button(
                t(f"new_application.{table}.add", lang),
                id=RECORD_ADD[table],
                color="secondary",
                outline=True,
                n_clicks=0,
            ),
        ],
        className="mb-4",
        **attributes(aria_labelledby=heading_id),
    )


def _record(
    table: str, row: int, values: dict[str, object], messages: dict[Place, str], lang: str
) -> html.Fieldset:
    fields = [
        form_field(
            record_field_id(table, row, field.column),
            label=field_label(field, lang),
            unit=field_unit(field, lang),
            options=_options(field, lang),
            blank=t("new_application.choose", lang),
            value=values.get(field.column),
            message=messages.get((table, row, field.column), ""),
        )
        for field in RECORD_FIELDS[table]
    ]
    legend = t(f"new_application.{table}.legend", lang, n=row)
    remove = dbc.Button(
        t(f"new_application.{table}.remove", lang, n=row),
        id={"type": RECORD_REMOVE[table], "row": row},
        color="link",
        size="sm",
        n_clicks=0,
        class_name="px-0",
    )
    return record_fieldset(legend, fields, f"{RECORD[table]}-{row}", remove)


# --- callbacks ----------------------------------------------------------------------------------------------


def _add(table: str):
    def add_record(n_clicks: int, lang: str):
        """One more empty record at the end of the list; those typed in stay as they are."""
        records = Patch()
        records.append(_record(table, int(n_clicks), {}, {}, lang))
        return records

    add_record.__name__ = f"add_{table}"
    return add_record


def _remove(table: str):
    def remove_record(_clicks: list, _values: list, lang: str):
        """The record whose button was pressed is taken out; the others keep what was typed in them."""
        pressed = ctx.triggered[0].get("value") if ctx.triggered else None
        if not pressed or not isinstance(ctx.triggered_id, dict):
            return dash.no_update  # a record was drawn (its new button), nothing pressed
        gone = int(ctx.triggered_id["row"])
        rows = _typed_rows(table)
        return [
            _record(table, row, dict(values), {}, lang) for row, values in sorted(rows.items()) if row != gone
        ]

    remove_record.__name__ = f"remove_{table}"
    return remove_record


for _table in RECORD_TABLES:
    callback(
        Output(RECORD_LIST[_table], "children", allow_duplicate=True),
        Input(RECORD_ADD[_table], "n_clicks"),
        State(LANG, "data"),
        prevent_initial_call=True,
    )(_add(_table))
    callback(
        Output(RECORD_LIST[_table], "children", allow_duplicate=True),
        Input({"type": RECORD_REMOVE[_table], "row": ALL}, "n_clicks"),
        State({"type": RECORD[_table], "row": ALL, "column": ALL}, "value"),
        State(LANG, "data"),
        prevent_initial_call=True,
    )(_remove(_table))
    # the keyboard focus goes to a new record's first field, after a removal to the "add" button
    # (assets/new-application.js)
    clientside_callback(
        ClientsideFunction(namespace="new_application", function_name="focus_record"),
        Output(RECORD_FOCUSED[_table], "data"),
        Input(RECORD_ADD[_table], "n_clicks"),
        State(RECORD_TYPE[_table], "data"),
        prevent_initial_call=True,
    )
    clientside_callback(
        ClientsideFunction(namespace="new_application", function_name="focus_add"),
        Output(RECORD_REMOVED[_table], "data"),
        Input({"type": RECORD_REMOVE[_table], "row": ALL}, "n_clicks"),
        State(RECORD_ADD[_table], "id"),
        prevent_initial_call=True,
    )


@callback(
    *[Output(f.input_id, "invalid") for f in FIELDS],
    *[Output(f"{f.input_id}-feedback", "children") for f in FIELDS],
    *[Output(RECORD_LIST[table], "children") for table in RECORD_TABLES],
    Output(SUMMARY, "children"),
    Output(LOCATION, "href"),
    Input(SUBMIT, "n_clicks"),
    *[State(f.input_id, "value") for f in FIELDS],
    State(NO_JOB, "value"),
    *[State({"type": RECORD[table], "row": ALL, "column": ALL}, "value") for table in RECORD_TABLES],
    State(FORM_KEY, "data"),
    State(LANG, "data"),
    running=[(Output(SUBMIT, "disabled"), True, False)],
    prevent_initial_call=True,
)
def submit_application(_clicks, *arguments):
    """Reads the form, stores and scores the application, and opens its client page; or shows why not.

    Returns, flat: the fields' invalid flags and messages, the side records, the summary, the new address.
    """
    typed = dict(zip([f.column for f in FIELDS], arguments[: len(FIELDS)], strict=True))
    no_job, form_key, lang = bool(arguments[len(FIELDS)]), arguments[-2], arguments[-1]
    rows = {table: _typed_rows(table) for table in RECORD_TABLES}
    application, errors = read_application(typed, no_job, lang)
    messages: dict[Place, str] = {
        (APPLICATION, None, None if c == APPLICATION else c): m for c, m in errors.items()
    }
    records, rows_of = {}, {}
    for table in RECORD_TABLES:
        records[table], rows_of[table], record_errors = read_records(table, rows[table], lang)
        messages |= record_errors
    if not messages:
        identity = current_identity()
        by = identity.name if identity else "?"
        document = credit_file(application, records)
        key = IdempotencyKey(by, f"form:{form_key}", request_digest(document)) if form_key else None
        try:
            stored, _created = services().applications.submit(document, source="form", by=by, idempotency=key)
        except CreditFileError as error:
            messages = file_errors(error, rows_of, lang)
        except IdempotencyConflict:
            messages = {(APPLICATION, None, None): t("new_application.already_sent", lang)}
        except StoreError as error:  # the store refused the write: said as it is, nothing stored
            messages = {(APPLICATION, None, None): t("new_application.not_stored", lang, message=str(error))}
        else:
            score = stored.scores[-1]
            record_event(
                "application_submitted",
                client_id=stored.client_id,
                probability=score.probability,
                decision=score.decision,
                detail=json.dumps(
                    {"application_id": stored.application_id, "source": "form"}
                    | {table: len(records[table]) for table in RECORD_TABLES}
                ),
            )
            unchanged = [dash.no_update] * (2 * len(FIELDS) + len(RECORD_TABLES) + 1)
            return (*unchanged, href(f"/client/{stored.client_id}", lang))
    shown = [messages.get((APPLICATION, None, f.column), "") for f in FIELDS]
    lists = [
        [_record(table, row, dict(values), messages, lang) for row, values in sorted(rows[table].items())]
        if any(place[0] == table for place in messages)
        else dash.no_update
        for table in RECORD_TABLES
    ]
    return (*[bool(m) for m in shown], *shown, *lists, _summary(messages, lang), dash.no_update)


def _typed_rows(table: str) -> dict[int, dict[str, object]]:
    """The values typed in a side table's records, by form row and column (read off the callback's state)."""
    rows: dict[int, dict[str, object]] = {}
    for state in ctx.states_list:
        if not isinstance(state, list):
            continue
        for item in state:
            if item["id"].get("type") == RECORD[table]:
                rows.setdefault(int(item["id"]["row"]), {})[item["id"]["column"]] = item.get("value")
    return rows


def _summary(messages: dict[Place, str], lang: str) -> dbc.Alert:
    """Every problem in one list, the application's own ("incomplete application", which names the missing
    fields: their own "required" is not repeated) first."""
    required = t("what_if.required", lang)
    incomplete = (APPLICATION, None, None) in messages
    ordered = sorted(
        (
            (place, message)
            for place, message in messages.items()
            if not (incomplete and place[0] == APPLICATION and place[2] is not None and message == required)
        ),
        key=lambda item: (item[0][0] != APPLICATION, item[0][2] is not None),
    )
    items = [
        html.Li(
            message
            if place == (APPLICATION, None, None)
            else t("new_application.problem_at", lang, place=place_text(place, lang), message=message)
        )
        for place, message in ordered
    ]
    return dbc.Alert(
        [html.P(t("new_application.refused", lang), className="mb-1"), html.Ul(items, className="mb-0")],
        color="danger",
        id=f"{SUMMARY}-alert",
    )
