"""Which stored applications a page looks at: batch checkboxes and a received-date range.

Native date fields (<input type="date">, each with its <label>): the browser gives the keyboard, the
screen-reader names and the calendar in the page's language, and always sends an ISO date or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import dash_bootstrap_components as dbc
from dash import html

from app.clients import BatchCount
from app.clients_view import batch_choices, received_days
from app.i18n import t
from components.widgets import choice_filter


def received_filters(
    *,
    batches_id: str,
    from_id: str,
    to_id: str,
    batches_label: str,
    batch_options: Sequence[dict],
    dates_label: str,
    from_label: str,
    to_label: str,
    first_day: date | None,
    last_day: date | None,
) -> html.Div:
    """The batch checkboxes (none ticked: every batch) and the two date fields, bounded by the days the
    portfolio's applications were received."""
    bounds = {
        "min": first_day.isoformat() if first_day else None,
        "max": last_day.isoformat() if last_day else None,
    }
    dates = html.Fieldset(
        [
            html.Legend(dates_label, className="form-label fs-6 mb-1"),
            *[
                html.Div(
                    [
                        html.Label(label, htmlFor=field_id, className="form-label small mb-0"),
                        dbc.Input(id=field_id, type="date", value=None, **bounds),
                    ],
                    className="mb-2",
                )
                for field_id, label in ((from_id, from_label), (to_id, to_label))
            ],
        ],
        className="mb-3",
    )
    batches = choice_filter(batches_id, label=batches_label, options=batch_options)
    return html.Div([html.Div(batches, className="batch-filter"), dates])


def portfolio_filters(
    batches: Sequence[BatchCount], lang: str, *, batches_id: str, from_id: str, to_id: str
) -> html.Div:
    """`received_filters` over the portfolio's batches (ClientRepository.batches()), labelled in `lang`: the
    portfolio and clients pages show the same filters."""
    first_day, last_day = received_days(batches)
    return received_filters(
        batches_id=batches_id,
        from_id=from_id,
        to_id=to_id,
        batches_label=t("filters.batches", lang),
        batch_options=batch_choices(batches, lang),
        dates_label=t("filters.received", lang),
        from_label=t("filters.received_from", lang),
        to_label=t("filters.received_to", lang),
        first_day=first_day,
        last_day=last_day,
    )
