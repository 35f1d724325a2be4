"""Two clients' SHAP contributions side by side, with the difference that separates their scores."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from components import palette
from components._format import signed
from components.figure import build, layout, wrap
from components.waterfall import Contribution


def largest_differences(
    first: Sequence[Contribution], second: Sequence[Contribution], n: int
) -> list[tuple[str, float, float]]:
    """(label, first SHAP, second SHAP) of the n features whose contributions differ most."""
    a = {c.feature: c for c in first}
    b = {c.feature: c for c in second}
    features = list(dict.fromkeys([*a, *b]))
    rows = [
        (
            (a.get(f) or b[f]).label,
            a[f].shap if f in a else 0.0,
            b[f].shap if f in b else 0.0,
        )
        for f in features
    ]
    return sorted(rows, key=lambda r: abs(r[1] - r[2]), reverse=True)[:n]


def shap_difference(
    first: Sequence[Contribution],
    second: Sequence[Contribution],
    *,
    first_label: str,
    second_label: str,
    difference_label: str,
    axis_title: str,
    n: int = 10,
    title: str | None = None,
    lang: str = "fr",
) -> go.Figure:
    """Plain blue bars for the first client, hatched orange for the second, black diamonds: first − second."""
    rows = largest_differences(first, second, n)
    labels = [wrap(r[0]) for r in rows]
    styles = ((1, first_label, palette.BLUE, ""), (2, second_label, palette.ORANGE, "/"))
    traces = []
    for index, name, color, pattern in styles:
        values = [float(r[index]) for r in rows]  # the first or the second client's contributions
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "x": values,
                "name": name,
                "marker": {"color": color, "pattern": {"shape": pattern, "fgcolor": palette.BLACK}},
                # values in the hover only: texts in thin bars are unreadable
                "customdata": [signed(v, lang) for v in values],
                "hovertemplate": "<b>%{y}</b><br>%{customdata}<extra>" + name + "</extra>",
            }
        )
    differences = [r[1] - r[2] for r in rows]
    traces.append(
        {
            "type": "scatter",
            "y": labels,
            "x": differences,
            "mode": "markers",
            "name": difference_label,
            "marker": {"symbol": "diamond", "size": 12, "color": palette.BLACK},
            "text": [signed(d, lang) for d in differences],
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
