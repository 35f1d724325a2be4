"""Cost curve: the business cost per 1,000 applicants and the approval rate against the threshold.

Two lines on two axes, told apart by dash and marker as well as colour; the optimal threshold for the ratio
(dashed, diamond) and the production threshold (solid, black) are vertical lines named in their own text,
so neither depends on colour.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from app.formatting import risk
from components import palette
from components._format import percent_suffix
from components.figure import build, layout, vline

#: Thresholds shown: a calibrated model's optimum is 1 / (1 + ratio), at most 50 % for ratios from 1.
DEFAULT_UPPER = 0.6


def cost_curve_figure(
    curve,
    *,
    cost_title: str,
    approval_title: str,
    threshold_title: str,
    cost_name: str,
    approval_name: str,
    optimum_label: str,
    production_label: str,
    lang: str = "fr",
    upper: float = DEFAULT_UPPER,
) -> go.Figure:
    """The curve of a ``model_training.governance.RatioCurve``: cost (left axis), approval rate (right).

    ``optimum_label`` and ``production_label`` are templates with ``{threshold}``.
    """
    upper = max(upper, curve.production_threshold * 1.2, curve.optimum.threshold * 1.2)
    inside = curve.thresholds <= upper
    x = np.asarray(curve.thresholds)[inside] * 100
    suffix = percent_suffix(lang)
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": x,
            "y": np.asarray(curve.costs)[inside] * 1000,
            "name": cost_name,
            "line": {"color": palette.SAFE, "width": 3},
            "hovertemplate": "%{x:.1f}" + suffix + "<br>%{y:,.0f}<extra>" + cost_name + "</extra>",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": x,
            "y": np.asarray(curve.approval_rates)[inside] * 100,
            "name": approval_name,
            "yaxis": "y2",
            "line": {"color": palette.BLUISH_GREEN, "width": 2, "dash": "dash"},
            "hovertemplate": "%{x:.1f}"
            + suffix
            + "<br>%{y:.1f}"
            + suffix
            + "<extra>"
            + approval_name
            + "</extra>",
        },
        {
            "type": "scatter",
            "mode": "markers",
            "x": [curve.optimum.threshold * 100],
            "y": [curve.optimum.cost_per_1000],
            "name": optimum_label.format(threshold=risk(curve.optimum.threshold, lang)),
            "showlegend": False,  # the line's own label names it
            "marker": {"color": palette.RISKY, "symbol": "diamond", "size": 13, "line": {"color": "white"}},
            "hovertemplate": "%{x:.1f}" + suffix + "<br>%{y:,.0f}<extra></extra>",
        },
    ]
    lines = [
        (curve.optimum.threshold, optimum_label, palette.RISKY, "dash", 1.0),
        (curve.production_threshold, production_label, palette.THRESHOLD, "solid", 0.86),
    ]
    return build(
        traces,
        layout(
            lang=lang,
            height=420,
            margin={"t": 70},
            xaxis={"title": {"text": threshold_title}, "ticksuffix": suffix, "range": [0, upper * 100]},
            yaxis={"title": {"text": cost_title}, "rangemode": "tozero"},
            yaxis2={
                "title": {"text": approval_title},
                "overlaying": "y",
                "side": "right",
                "range": [0, 100],
                "ticksuffix": suffix,
                "showgrid": False,
            },
            legend={"y": 1.12},
            shapes=[vline(t * 100, color=color, dash=dash) for t, _, color, dash, _ in lines],
            annotations=[
                {
                    "x": t * 100,
                    "y": height,
                    "xref": "x",
                    "yref": "paper",
                    "text": label.format(threshold=risk(t, lang)),
                    "showarrow": False,
                    "xanchor": "left",
                    "xshift": 4,
                    "font": {"color": palette.RISKY_TEXT if color == palette.RISKY else palette.BLACK},
                    "bgcolor": "rgba(255,255,255,0.8)",
                }
                for t, label, color, _, height in lines
            ],
        ),
    )
