"""The "Nouvelle demande" form's widgets: a number or a choice with its visible label (required ones marked
and announced), and a side record as a <fieldset> of such fields under its legend.

A side record's fields have pattern-matching ids (one per record and column), so that records can be added
without a fixed number of slots; their labels point at the id the browser gives them (`dom_id`).
"""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import html

from components.attributes import attributes
from components.client_picker import dom_id

#: Marks a required field's label; its meaning is stated once above the form.
REQUIRED_MARK = "*"


def _label(text: str, unit: str, required: bool, for_id: str) -> html.Label:
    shown = f"{text} ({unit})" if unit else text
    parts: list = [shown]
    if required:
        parts.append(
            html.Span(f" {REQUIRED_MARK}", className="required-mark", **attributes(aria_hidden="true"))
        )
    return html.Label(parts, htmlFor=for_id, className="form-label")


def _control(
    control_id: str | dict,
    *,
    options: Sequence[tuple[str, str]] | None,
    blank: str,
    value: object,
    required: bool,
    invalid: bool,
) -> dbc.Input | dbc.Select:
    if options is not None:
        # dbc.Select shows `placeholder` (a hidden option) while nothing is chosen; an optional field also
        # offers the blank choice, to take a choice back
        choices = [{"label": lab, "value": val} for val, lab in options]
        return dbc.Select(
            id=control_id,
            options=choices if required else [{"label": blank, "value": ""}, *choices],
            placeholder=blank,
            value="" if value is None else str(value),
            required=required,
            invalid=invalid,
        )
    return dbc.Input(
        id=control_id,
        type="text",
        value=value,
        inputmode="decimal",
        debounce=True,
        autocomplete="off",
        required=required,
        invalid=invalid,
    )


def form_field(
    field_id: str | dict,
    *,
    label: str,
    unit: str = "",
    options: Sequence[tuple[str, str]] | None = None,
    blank: str = "",
    value: object = None,
    required: bool = False,
    message: str = "",
    help_text: str = "",
) -> html.Div:
    """A text field for a number (typed the page's way, read by the server), or a choice when `options`
    (value, words) are given; `{field_id}-feedback` holds its message when the id is a string."""
    feedback_id = {"id": f"{field_id}-feedback"} if isinstance(field_id, str) else {}
    for_id = field_id if isinstance(field_id, str) else dom_id(field_id)
    return html.Div(
        [
            _label(label, unit, required, for_id),
            _control(
                field_id, options=options, blank=blank, value=value, required=required, invalid=bool(message)
            ),
            dbc.FormFeedback(message, type="invalid", **feedback_id),
            html.Div(help_text, className="form-text") if help_text else None,
        ],
        className="mb-3",
    )


def record_fieldset(
    legend: str, fields: Sequence[html.Div], record_id: str, remove: dbc.Button | None = None
) -> html.Fieldset:
    """One side record: its fields under a legend ("Crédit déclaré n° 2") that screen readers read with
    each field, and its "remove" button."""
    return html.Fieldset(
        [
            html.Legend(legend, className="h6"),
            dbc.Row([dbc.Col(f, md=6, lg=4) for f in fields]),
            remove,
        ],
        className="record-fieldset border rounded p-3 mb-3",
        id=record_id,
    )
