"""Reusable controls, each with a visible label tied to it (htmlFor) and usable from the keyboard.

The client picker, which has callbacks of its own, is a component of its own: components/client_picker.py.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html


def datalist_options(values: Sequence[int | str]) -> list[html.Option]:
    """<option> elements for a typeahead list."""
    return [html.Option(value=str(v)) for v in values]


def range_filter(
    filter_id: str,
    *,
    label: str,
    min_label: str,
    max_label: str,
    minimum: float | None = None,
    maximum: float | None = None,
    step: float | str = "any",
    unit: str = "",
) -> html.Fieldset:
    """A "from … to …" pair of number fields: typing is faster and more precise than dragging a slider.

    Ids: `{filter_id}-min` and `{filter_id}-max`; values are None when a field is empty.
    """
    legend = f"{label} ({unit})" if unit else label
    return html.Fieldset(
        [
            html.Legend(legend, className="form-label fs-6 mb-1"),
            html.Div(
                [
                    _number_field(f"{filter_id}-min", min_label, minimum, maximum, step),
                    _number_field(f"{filter_id}-max", max_label, minimum, maximum, step),
                ],
                className="d-flex gap-2",
            ),
        ],
        className="range-filter mb-3",
        id=filter_id,
    )


def _number_field(field_id: str, label: str, minimum: float | None, maximum: float | None, step) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=field_id, className="form-label small mb-0"),
            dcc.Input(
                id=field_id,
                type="number",
                min=minimum,
                max=maximum,
                step=step,
                debounce=True,
                inputMode="decimal",  # type: ignore[arg-type]  # valid HTML; Dash's list of modes omits it
                className="form-control form-control-sm",
            ),
        ],
        className="flex-fill",
    )


def choice_filter(
    filter_id: str, *, label: str, options: Sequence[dict], value: Sequence | None = None
) -> html.Fieldset:
    """Checkboxes for a category: every choice visible, native keyboard behaviour (Tab, Space).

    Plain checkboxes, each with its <label>, grouped by the <fieldset>'s legend: dcc.Checklist draws a
    listbox whose options hold the checkboxes (axe: nested-interactive, and a listbox with no name).
    """
    return html.Fieldset(
        [
            html.Legend(label, className="form-label fs-6 mb-1"),
            dbc.Checklist(
                id=filter_id,
                options=list(options),
                value=list(value or []),
                class_name="choice-filter",
                input_class_name="me-1",
                label_class_name="me-3",
            ),
        ],
        className="mb-3",
    )


def labelled_input(
    input_id: str,
    *,
    label: str,
    value: str | float | None,
    unit: str = "",
    help_text: str = "",
) -> html.Div:
    """A text field for a number, with its label and unit, and `{input_id}-feedback` for a per-field message.

    A text field (not type=number) so that French input such as "12 500,50" reaches the server, which
    parses it and answers with a clear message instead of the browser silently dropping the value.
    """
    return html.Div(
        [
            html.Label(f"{label} ({unit})" if unit else label, htmlFor=input_id, className="form-label"),
            dbc.Input(
                id=input_id,
                type="text",
                value=value,
                inputmode="decimal",
                debounce=True,
                autocomplete="off",
            ),
            dbc.FormFeedback(id=f"{input_id}-feedback", type="invalid"),
            html.Div(help_text, className="form-text") if help_text else None,
        ],
        className="mb-3",
    )


_SPACES = re.compile(r"[\s\u00a0\u202f€]")
_ENGLISH_GROUPING = re.compile(r"\d{1,3}(,\d{3})+")


def parse_number(text: object, lang: str = "fr") -> float | None:
    """A typed number in the page's language → float; None when it is not a number.

    French: "12 500,50 €" (spaces group, comma or point for decimals). English: "12,500.50" (commas group,
    point for decimals), which is how the fields show numbers in English: "1,5" is then not a number rather
    than silently 15.
    """
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text) if math.isfinite(text) else None
    cleaned = _SPACES.sub("", str(text or ""))
    if lang == "en":
        if not _ENGLISH_GROUPING.fullmatch(cleaned.split(".")[0].lstrip("+-")) and "," in cleaned:
            return None
        cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
