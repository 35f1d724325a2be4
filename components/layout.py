"""Layout helpers: a chart always comes with a one-line text summary beside it; every page's content sits in
one busy area that says "working" while a callback of the page takes longer than `BUSY_DELAY_MS`."""

from __future__ import annotations

import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import Component, ComponentType

from components.attributes import attributes
from components.figure import build, layout

#: Callbacks quicker than this show nothing (no flicker); slower ones show the busy state.
BUSY_DELAY_MS = 300
BUSY_ID = "page-busy"

#: No Plotly toolbar (camera, zoom...) on any chart: it covered legends and meant nothing to the users.
GRAPH_CONFIG: dcc.Graph.Config = {"displayModeBar": False, "displaylogo": False, "responsive": True}


def graph(graph_id: str, figure: go.Figure | None = None) -> dcc.Graph:
    """A dcc.Graph with the shared configuration (no toolbar, resizes with its column)."""
    return dcc.Graph(
        id=graph_id,
        figure=figure if figure is not None else build([], layout(lang="fr")),
        config=GRAPH_CONFIG,
    )


def chart_with_summary(
    figure: go.Figure | None,
    summary_text: str,
    *,
    graph_id: str,
    summary_id: str,
    heading: str | None = None,
) -> html.Figure:
    """A <figure>: the chart, and beside it (below on narrow screens) a <figcaption> with the summary.

    Both ids come from the page, which declares them (callbacks then update the caption by the same id).

    Screen readers cannot read a Plotly SVG; the caption is what they read, so it must state the finding,
    not describe the chart.
    """
    caption = html.Figcaption(
        summary_text,
        id=summary_id,
        className="chart-summary",
        **attributes(aria_live="polite"),
    )
    children: list[Component] = [html.H3(heading, className="h5 chart-heading")] if heading else []
    body = html.Div(graph(graph_id, figure), className="chart-body")
    children.append(html.Div([body, caption], className="chart-row"))
    return html.Figure(children, className="chart-with-summary", id=f"{graph_id}-figure")


def busy_area(children: ComponentType, label: str) -> dcc.Loading:
    """The page's content, dimmed under a "working" notice while any of its callbacks runs past 300 ms.

    One dcc.Loading around the whole content covers every callback output of the page, whichever component
    it updates; Dash keeps the content in place (only dimmed, still readable) and removes the notice when
    the last callback answers. The notice is a role="status" text (the spinner is decoration), so screen
    readers hear what sighted users see; `show_initially=False` keeps the first render free of it.
    """
    notice = html.Div(
        [html.Span(className="busy-spinner", **attributes(aria_hidden="true")), html.Span(label)],
        className="busy-notice",
        id=f"{BUSY_ID}-notice",
        role="status",
        **attributes(aria_live="polite"),
    )
    return dcc.Loading(
        children,
        id=BUSY_ID,
        delay_show=BUSY_DELAY_MS,
        show_initially=False,
        custom_spinner=notice,
        overlay_style={"visibility": "visible", "opacity": 0.55, "transition": "opacity 0.2s"},
        parent_className="busy-area",
    )
