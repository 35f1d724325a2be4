"""The batch and received-date filters: every field has its label, dates are native date fields bounded by
the portfolio's days, and the batch checkboxes sit in a labelled group."""

from datetime import date

from dash import html

from components.received_filters import received_filters
from tests.components.test_layout_widgets import walk


def widget(first_day, last_day):
    return received_filters(
        batches_id="home-batches",
        from_id="home-received-from",
        to_id="home-received-to",
        batches_label="Lots de demandes",
        batch_options=[{"label": "export – 12 demandes", "value": "export"}],
        dates_label="Date de réception",
        from_label="Reçues à partir du",
        to_label="Reçues jusqu’au (inclus)",
        first_day=first_day,
        last_day=last_day,
    )


def test_each_date_field_is_labelled_and_bounded_by_the_days_received():
    components = list(walk(widget(date(2026, 11, 2), date(2026, 12, 5))))
    labels = {c.htmlFor: c.children for c in components if isinstance(c, html.Label)}
    fields = [c for c in components if getattr(c, "type", None) == "date"]
    assert [f.id for f in fields] == ["home-received-from", "home-received-to"]
    assert labels == {
        "home-received-from": "Reçues à partir du",
        "home-received-to": "Reçues jusqu’au (inclus)",
    }
    assert all(f.min == "2026-11-02" and f.max == "2026-12-05" and f.value is None for f in fields)
    legends = [c.children for c in components if isinstance(c, html.Legend)]
    assert legends == ["Lots de demandes", "Date de réception"]
    (batches,) = [c for c in components if getattr(c, "id", None) == "home-batches"]
    assert batches.options == [{"label": "export – 12 demandes", "value": "export"}] and batches.value == []


def test_an_empty_portfolio_leaves_the_dates_unbounded():
    fields = [c for c in walk(widget(None, None)) if getattr(c, "type", None) == "date"]
    assert all(f.min is None and f.max is None for f in fields)
