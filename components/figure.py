"""The look shared by every figure: fonts, margins, number separators, no chart junk."""

from __future__ import annotations

import plotly.graph_objects as go

from components._format import separators

FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
TEXT_COLOR = "#212529"


GRID = "#E5E9F0"
#: Axis numbers written out and grouped in the page's language ("50 000", "2 500 000"; "50,000" in English):
#: Plotly's SI suffixes ("50k", "2.5M") are neither French nor how amounts read in the rest of the app.
NUMBER_AXIS = {"exponentformat": "none", "separatethousands": True}

#: A small template of our own: plotly's named templates cost ~40 ms to copy into every figure, which
#: alone would eat a sixth of a callback's budget on a page with three charts.
TEMPLATE = go.layout.Template(
    # patterns drawn over the bar's colour (plotly's default replaces the colour with the pattern)
    data={"bar": [{"marker": {"pattern": {"fillmode": "overlay", "size": 10, "solidity": 0.2}}}]},
    layout={
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "xaxis": {
            "gridcolor": GRID,
            "linecolor": GRID,
            "zerolinecolor": GRID,
            "ticks": "",
            "automargin": True,
            **NUMBER_AXIS,
        },
        "yaxis": {
            "gridcolor": GRID,
            "linecolor": GRID,
            "zerolinecolor": GRID,
            "ticks": "",
            "automargin": True,
            **NUMBER_AXIS,
        },
        "hoverlabel": {"align": "left"},
    },
)


def layout(*, lang: str, title: str | None = None, height: int = 380, **overrides: object) -> dict:
    """The shared layout as a plain dict, merged with a figure's own settings (nested dicts merge too).

    Figures are built in one go from dicts: plotly's update_* calls validate on every call, which costs
    tens of milliseconds per figure, and callbacks have 300 ms.
    """
    base: dict = {
        "template": TEMPLATE,
        "font": {"family": FONT_FAMILY, "size": 14, "color": TEXT_COLOR},
        "separators": separators(lang),
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": 14}},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "xaxis": {"automargin": True},
        "yaxis": {"automargin": True},
    }
    if title:
        base["title"] = {"text": title, "x": 0, "xanchor": "left"}
    return _merge(base, overrides)


def _merge(base: dict, overrides: dict) -> dict:
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def build(traces: list[dict], figure_layout: dict) -> go.Figure:
    """One figure from trace dicts (each with its "type") and a layout dict."""
    return go.Figure(data=traces, layout=figure_layout)


def vline(x: float, *, color: str, dash: str = "solid", width: int = 2) -> dict:
    """A vertical line across the plot at x (a layout shape)."""
    return {
        "type": "line",
        "x0": x,
        "x1": x,
        "xref": "x",
        "y0": 0,
        "y1": 1,
        "yref": "paper",
        "line": {"color": color, "width": width, "dash": dash},
    }


def wrap(label: str, width: int = 34) -> str:
    """Long feature labels on several lines (<br>), so the bars keep most of the width."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)
