"""Two clients' explanations side by side, with the difference that separates their scores: by concept in
points of risk (each client's own waterfall steps), or by feature in log-odds for the data scientist."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from components import palette
from components.figure import build, layout, wrap
from components.waterfall import Scale, Step, log_odds_label, points_label


def largest_differences(
    first: Sequence[Step], second: Sequence[Step], n: int
) -> list[tuple[str, float, float]]:
    """(label, first value, second value) of the n bars whose values differ most; a bar one client lacks
    counts as 0 for them."""
    a = {s.key: s for s in first}
    b = {s.key: s for s in second}
    keys = list(dict.fromkeys([*a, *b]))
    rows = [
        (
            (a.get(k) or b[k]).label,
            a[k].value if k in a else 0.0,
            b[k].value if k in b else 0.0,
        )
        for k in keys
    ]
    return sorted(rows, key=lambda r: abs(r[1] - r[2]), reverse=True)[:n]


def value_text(value: float, scale: Scale, lang: str) -> str:
    """ "+6,2 pts" in points, "+0,34" in log-odds."""
    return points_label(value, lang) if scale == "points" else log_odds_label(value, lang)


def shap_difference(
    first: Sequence[Step],
    second: Sequence[Step],
    *,
    first_label: str,
    second_label: str,
    difference_label: str,
    axis_title: str,
    scale: Scale = "points",
    n: int = 10,
    title: str | None = None,
    lang: str = "fr",
) -> go.Figure:
    """Plain bars for the first client, hatched for the second, black diamonds: first − second."""
    rows = largest_differences(first, second, n)
    unit = 100.0 if scale == "points" else 1.0  # points are drawn in percentage points
    labels = [wrap(r[0]) for r in rows]
    styles = ((1, first_label, palette.BLUE, ""), (2, second_label, palette.ORANGE, "/"))
    traces = []
    for index, name, color, pattern in styles:
        values = [float(r[index]) for r in rows]  # the first or the second client's values
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "x": [v * unit for v in values],
                "name": name,
                "marker": {"color": color, "pattern": {"shape": pattern, "fgcolor": palette.BLACK}},
                # values in the hover only: texts in thin bars are unreadable
                "customdata": [value_text(v, scale, lang) for v in values],
                "hovertemplate": "<b>%{y}</b><br>%{customdata}<extra>" + name + "</extra>",
            }
        )
    differences = [r[1] - r[2] for r in rows]
    traces.append(
        {
            "type": "scatter",
            "y": labels,
            "x": [d * unit for d in differences],
            "mode": "markers",
            "name": difference_label,
            "marker": {"symbol": "diamond", "size": 12, "color": palette.BLACK},
            "text": [value_text(d, scale, lang) for d in differences],
            "hovertemplate": "<b>%{y}</b><br>%{text}<extra>" + difference_label + "</extra>",
        }
    )
    return build(
        traces,
        layout(
            lang=lang,
            title=title,
            height=max(340, 44 * len(rows) + 120),
            barmode="group",
            yaxis={"autorange": "reversed"},
            xaxis={"title": {"text": axis_title}, "zeroline": True, "zerolinecolor": palette.GREY},
        ),
    )
