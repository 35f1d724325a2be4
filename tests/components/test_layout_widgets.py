import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from components.layout import chart_with_summary
from components.widgets import choice_filter, labelled_input, range_filter


def walk(component):
    yield component
    children = getattr(component, "children", None)
    if children is None:
        return
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from walk(child)


def labels_for(component):
    return {c.htmlFor for c in walk(component) if isinstance(c, html.Label)}


def test_chart_with_summary_is_a_figure_with_a_caption():
    layout = chart_with_summary(
        go.Figure(), "Huit clients sur dix sont acceptés.", graph_id="dist", summary_id="dist-summary"
    )
    assert isinstance(layout, html.Figure)
    captions = [c for c in walk(layout) if isinstance(c, html.Figcaption)]
    assert captions[0].children == "Huit clients sur dix sont acceptés."
    assert captions[0].id == "dist-summary"
    graphs = [c for c in walk(layout) if isinstance(c, dcc.Graph)]
    assert graphs[0].id == "dist" and graphs[0].config["displaylogo"] is False
    assert graphs[0].config["displayModeBar"] is False  # no toolbar over the legend, on any chart


def test_range_filter_labels_both_ends():
    fieldset = range_filter("age", label="Âge", min_label="de", max_label="à", unit="ans")
    assert labels_for(fieldset) == {"age-min", "age-max"}
    assert next(c for c in walk(fieldset) if isinstance(c, html.Legend)).children == "Âge (ans)"


def test_choice_filter_is_a_fieldset_of_checkboxes():
    fieldset = choice_filter("decision", label="Décision", options=[{"label": "Accordé", "value": "a"}])
    assert isinstance(fieldset, html.Fieldset)
    assert any(isinstance(c, dbc.Checklist) for c in walk(fieldset))
    # not dcc.Checklist: a listbox whose options nest the checkboxes (axe: nested-interactive)
    assert not any(isinstance(c, dcc.Checklist) for c in walk(fieldset))


def test_labelled_input_has_a_label_and_a_feedback_slot():
    field = labelled_input("credit", label="Montant du crédit", value="1000", unit="€")
    assert labels_for(field) == {"credit"}
    assert any(getattr(c, "id", None) == "credit-feedback" for c in walk(field))


def test_parse_number_reads_french_and_english_typing():
    from components.widgets import parse_number

    assert parse_number("12\u202f500,50\u00a0€") == 12500.5
    assert parse_number("12500.5") == 12500.5
    assert parse_number(7) == 7.0
    assert parse_number("abc") is None
    assert parse_number("inf") is None
    assert parse_number(True) is None


def test_parse_number_reads_english_grouping_as_the_fields_show_it():
    from components.widgets import parse_number

    assert parse_number("1,165,500", "en") == 1_165_500.0
    assert parse_number("1,165,500.25", "en") == 1_165_500.25
    assert parse_number("12.5", "en") == 12.5
    assert parse_number("1,5", "en") is None  # not English grouping: refused, never read as 15
    assert parse_number("1,5", "fr") == 1.5
