"""Reliability curve: the observed default rate against the predicted probability, bin by bin.

Points on the dotted diagonal mean "a client given 8 % defaults 8 % of the time". The model's line is solid
with square markers, the diagonal grey and dotted: line style, not colour, tells them apart. Hovering a
point gives its bin's number of applicants.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from components import palette
from components._format import percent_suffix
from components.figure import build, layout


def calibration_figure(
    mean_predicted: Sequence[float],
    observed_rate: Sequence[float],
    count: Sequence[int],
    *,
    predicted_title: str,
    observed_title: str,
    model_name: str,
    perfect_name: str,
    count_label: str,
    lang: str = "fr",
) -> go.Figure:
    """Both axes in percent, on the same scale up to the largest rate (so the diagonal is at 45°)."""
    predicted = [100 * float(v) for v in mean_predicted]
    observed = [100 * float(v) for v in observed_rate]
    top = max([*predicted, *observed, 1.0]) * 1.08
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": [0, top],
            "y": [0, top],
            "name": perfect_name,
            "line": {"color": palette.NEUTRAL, "dash": "dot", "width": 2},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": predicted,
            "y": observed,
            "name": model_name,
            "line": {"color": palette.SAFE, "width": 3},
            "marker": {"symbol": "square", "size": 9},
            "customdata": [int(c) for c in count],
            "hovertemplate": f"%{{x:.1f}}{percent_suffix(lang)} → %{{y:.1f}}{percent_suffix(lang)}<br>"
            + count_label
            + " %{customdata:,}<extra>"
            + model_name
            + "</extra>",
        },
    ]
    suffix = percent_suffix(lang)
    # constrain="domain": the square plot shrinks to fit instead of widening an axis past its range
    axis = {"range": [0, top], "ticksuffix": suffix, "zeroline": False, "constrain": "domain"}
    return build(
        traces,
        layout(
            lang=lang,
            height=400,
            xaxis={**axis, "title": {"text": predicted_title}},
            yaxis={**axis, "title": {"text": observed_title}, "scaleanchor": "x", "scaleratio": 1},
        ),
    )
