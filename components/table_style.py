"""The look of the app's data tables (dash DataTable), one definition for every page that lists rows."""

from __future__ import annotations

from components.figure import FONT_FAMILY

#: Every cell: the app's font, wrapped text, left-aligned (numbers are right-aligned per table).
TABLE_CELL: dict[str, str] = {
    "fontFamily": FONT_FAMILY,
    "fontSize": "0.95rem",
    "padding": "0.35rem 0.5rem",
    "textAlign": "left",
    "whiteSpace": "normal",
    "height": "auto",
}
#: The header row: bold on a light grey that keeps the text's contrast above 4.5:1.
TABLE_HEADER: dict[str, str] = {"fontWeight": "700", "backgroundColor": "#eef2f7", "color": "#212529"}
