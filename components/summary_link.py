"""The link that opens a client's take-home summary (app/summary.py) in a new tab, from the client page and
the meeting view: the same words, address and behaviour on both."""

from __future__ import annotations

from dash import html

from app.i18n import t
from app.summary import summary_path


def summary_link(client_id: int, lang: str, link_id: str) -> html.P:
    """A button-looking link to the summary; screen readers are told it opens a new tab."""
    return html.P(
        html.A(
            [
                t("summary.print_link", lang),
                html.Span(f" {t('summary.new_tab', lang)}", className="visually-hidden"),
            ],
            href=summary_path(client_id, lang),
            target="_blank",
            rel="noopener",
            id=link_id,
            className="btn btn-outline-primary",
        ),
        className="mt-2 mb-0",
    )
