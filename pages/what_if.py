"""What if (/what-if/<id>): change the credit amount, annuity, term, income, goods price, time in job or
children, and see the risk, the decision and the waterfall recomputed next to the original ones. The loan
keeps its rate: a new amount keeps the term (the monthly payment and the goods price are recomputed), a new
term or payment recomputes the other, and the page says what it recomputed. A value that cannot be used gets
a message under its own field; the page never shows an error."""

from __future__ import annotations

import json
import math

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html

from app import formatting as fmt
from app.audit import record_score
from app.explanation import Explanation
from app.i18n import language
from app.validation import FieldErrors
from components.attributes import attributes
from components.layout import chart_with_summary
from components.widgets import labelled_input
from pages._shared import (
    client_id_from,
    client_picker,
    client_waterfall,
    decision_badge,
    field_label,
    frame,
    risk_sentences,
    services,
    t,
)
from pages._what_if_fields import (
    BY_KEY,
    FIELD_OF_COLUMN,
    FIELDS,
    Field,
    changes_for,
    follows,
    loan_fields,
    original_values,
    read_fields,
    shown_number,
)

dash.register_page(
    __name__,
    path_template="/what-if/<client_id>",
    path="/what-if/none",
    name="Simulation",
    title=lambda client_id=None, **_: f"Simulation {client_id} – Prêt à dépenser",
)

# --- ids: every one carries the page's prefix (app/auth/access.py) ------------------------------------------
PICKER = "what-if-picker"
CLIENT, ORIGINAL, RESET, CHANGE = "what-if-client", "what-if-original", "what-if-reset", "what-if-change"
BEFORE, AFTER = "what-if-before", "what-if-after"  # the two result panels; the simulated one is redrawn
LANG = "what-if-lang"
#: the stored loan (its rate prices a new amount or term), and the sentence saying what was recomputed
RECOMPUTED = "what-if-recomputed"
WATERFALL_TOP = 8


# --- layout -------------------------------------------------------------------------------------------------


def layout(client_id: str | None = None, lang: str | None = None, **_query: object) -> html.Div:
    lang = language(lang)
    cid = client_id_from(client_id)
    known = cid is not None and services().scoring.is_production_client(cid)
    picker = client_picker(PICKER, lang, value=cid, opens="/what-if")
    stored = services().scoring.stored_application(cid) if known else {}  # type: ignore[arg-type]
    original = original_values(stored) if known else {}
    body: list = [
        dbc.Row(dbc.Col(picker, md=6)),
        dcc.Store(id=LANG, data=lang),
        dcc.Store(id=CLIENT, data=cid if known else None),
        dcc.Store(id=ORIGINAL, data=original),
    ]
    if not known:
        message = t("picker.none", lang) if cid is None else t("client.unknown", lang, client_id=cid)
        body.append(dbc.Alert(message, color="info" if cid is None else "warning", id="what-if-missing"))
    explanation = services().scoring.explain_client(cid) if known else None  # type: ignore[arg-type]
    body.append(_workspace(explanation, original, lang, hidden=not known))
    return frame(
        body,
        lang=lang,
        active="what_if",
        path=f"/what-if/{client_id}" if client_id else "/what-if/none",
        title=t("what_if.title", lang, client_id=cid) if known else t("nav.what_if", lang),
        client_id=cid if known else None,
    )


def _workspace(
    explanation: Explanation | None, original: dict[str, float | None], lang: str, hidden: bool
) -> html.Div:
    """The changed application on top (a grid of fields), then the original and simulated results side by
    side, each wide enough for its waterfall."""
    form = html.Section(
        [
            html.H2(t("what_if.form", lang), className="h4"),
            html.P(t("what_if.intro", lang), className="form-text"),
            dbc.Row([dbc.Col(_input(field, original.get(field.key), lang), md=6, lg=3) for field in FIELDS]),
            html.P(id=RECOMPUTED, className="form-text", role="status", **attributes(aria_live="polite")),
            dbc.Button(t("what_if.reset", lang), id=RESET, color="secondary", outline=True, n_clicks=0),
        ],
        className="hide-in-meeting mb-4",
    )
    original_panel = _panel(BEFORE, t("what_if.original", lang), explanation, lang)
    simulated_panel = _panel(AFTER, t("what_if.simulated", lang), explanation, lang)
    change = html.P(
        t("what_if.unchanged", lang, before=_risk(explanation, lang)) if explanation else "",
        id=CHANGE,
        className="risk-sentence fw-bold",
        role="status",
        **attributes(aria_live="polite"),
    )
    results = dbc.Row([dbc.Col(original_panel, lg=6), dbc.Col(simulated_panel, lg=6)], class_name="g-4")
    return html.Div([form, change, results], hidden=hidden)


def _input(field: Field, value: float | None, lang: str) -> html.Div:
    label = t(field.label_key, lang) if field.label_key else field_label(field.column or field.key, lang)
    help_text = t("what_if.term_help", lang) if field.key == "term" else ""
    return labelled_input(
        field.input_id,
        label=label,
        value=shown_number(value, field.decimals, lang),
        unit=t(field.unit_key, lang) if field.unit_key else "",
        help_text=help_text,
    )


def _panel(panel_id: str, heading: str, explanation: Explanation | None, lang: str) -> html.Section:
    return html.Section(
        [
            html.H2(heading, className="h5"),
            html.Div(_result(panel_id, explanation, lang), id=f"{panel_id}-result"),
        ],
        id=panel_id,
    )


def _result(panel_id: str, explanation: Explanation | None, lang: str) -> list:
    if explanation is None:
        return []
    figure, summary = client_waterfall(explanation, WATERFALL_TOP, lang)
    return [
        decision_badge(explanation.score, lang, f"{panel_id}-decision"),
        html.P(risk_sentences(explanation.score, lang), className="mt-2", id=f"{panel_id}-risk"),
        chart_with_summary(
            figure, summary, graph_id=f"{panel_id}-waterfall", summary_id=f"{panel_id}-waterfall-summary"
        ),
    ]


def _risk(explanation: Explanation | None, lang: str) -> str:
    return "" if explanation is None else fmt.risk(explanation.score.probability, lang)


# --- callbacks ----------------------------------------------------------------------------------------------


@callback(
    *[Output(f.input_id, "value") for f in FIELDS],
    *[Output(f.input_id, "invalid") for f in FIELDS],
    *[Output(f"{f.input_id}-feedback", "children") for f in FIELDS],
    Output(f"{AFTER}-result", "children"),
    Output(CHANGE, "children"),
    Output(RECOMPUTED, "children"),
    *[Input(f.input_id, "value") for f in FIELDS],
    Input(RESET, "n_clicks"),
    State(CLIENT, "data"),
    State(ORIGINAL, "data"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def simulate(*arguments):
    """Re-scores the changed application; bad values get a message under their field, never an error.

    Returns, flat: the fields' values, their invalid flags, their messages, the simulated result, the change,
    what was recomputed.
    """
    typed, (_reset, client_id, original, lang) = arguments[: len(FIELDS)], arguments[len(FIELDS) :]
    return _flat(*_simulate(list(typed), client_id, original, lang))


def _flat(
    values: list, invalid: list, messages: list, result: object, change: object, recomputed: object
) -> tuple:
    return (*values, *invalid, *messages, result, change, recomputed)


def _simulate(typed: list, client_id: int | None, original: dict, lang: str):
    keep: list[object] = [dash.no_update] * len(FIELDS)
    if client_id is None:
        return keep, [False] * len(FIELDS), [""] * len(FIELDS), dash.no_update, dash.no_update, dash.no_update
    if ctx.triggered_id == RESET:
        shown = [shown_number(original.get(f.key), f.decimals, lang) for f in FIELDS]
        before = services().scoring.explain_client(client_id)
        return (
            shown,
            [False] * len(FIELDS),
            [""] * len(FIELDS),
            _result(AFTER, before, lang),
            t("what_if.unchanged", lang, before=_risk(before, lang)),
            "",
        )
    values, errors = read_fields({f.key: v for f, v in zip(FIELDS, typed, strict=True)}, lang)
    recomputed: object = dash.no_update
    if not errors:  # the loan as stored, read on the server: a browser's copy could be stale or forged
        loan = loan_fields(services().scoring.stored_application(client_id))
        loan_follows = follows(values, ctx.triggered_id, loan, lang)
        errors = loan_follows.errors
        for key in ("annuity", "term", "goods"):
            if loan_follows.values[key] != values[key]:
                keep[FIELDS.index(BY_KEY[key])] = shown_number(
                    loan_follows.values[key], BY_KEY[key].decimals, lang
                )
        values = loan_follows.values
        if loan_follows.recomputed is not None:
            recomputed = loan_follows.recomputed
    if not errors:
        changes = changes_for(values, original)
        try:
            after = services().scoring.what_if(client_id, changes, lang)
            record_score("what_if", after.score, detail=json.dumps(changes, sort_keys=True, default=str))
        except FieldErrors as error:
            errors = {FIELD_OF_COLUMN.get(c, "_other"): m for c, m in error.errors.items()}
    invalid = [f.key in errors for f in FIELDS]
    messages = [errors.get(f.key, "") for f in FIELDS]
    if errors:
        summary = " ".join([t("what_if.fix_fields", lang), errors.get("_other", "")]).strip()
        return keep, invalid, messages, dash.no_update, summary, recomputed
    before = services().scoring.explain_client(client_id)
    return keep, invalid, messages, _result(AFTER, after, lang), _change_text(before, after, lang), recomputed


def _change_text(before: Explanation, after: Explanation, lang: str) -> str:
    old, new = before.score.probability, after.score.probability
    if math.isclose(old, new, abs_tol=5e-5):
        return t("what_if.unchanged", lang, before=_risk(before, lang))
    gap = (new - old) * 100
    points = t("client.points_plural" if abs(gap) >= 2 else "client.points", lang, n=fmt.number(gap, lang, 1))
    difference = ("+" if gap > 0 else "") + points
    return t(
        "what_if.change", lang, before=_risk(before, lang), after=_risk(after, lang), difference=difference
    )
