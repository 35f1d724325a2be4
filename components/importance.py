"""Global feature importance: mean |SHAP| over the training clients, largest on top."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from components import palette
from components._format import number
from components.figure import build, layout, wrap


def importance(
    labels: Sequence[str],
    mean_abs_shap: Sequence[float],
    *,
    n: int = 15,
    axis_title: str,
    descriptions: Sequence[str] | None = None,
    title: str | None = None,
    lang: str = "fr",
) -> go.Figure:
    """One bar per feature for the n most important; one colour, since here colour means nothing."""
    rows = sorted(
        zip(labels, mean_abs_shap, descriptions or [""] * len(labels), strict=True),
        key=lambda row: row[1],
        reverse=True,
    )[:n]
    bars = {
        "type": "bar",
        "orientation": "h",
        "y": [wrap(r[0]) for r in rows],
        "x": [r[1] for r in rows],
        "text": [number(r[1], lang, 2) for r in rows],
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": [f"<br>{r[2]}" if r[2] else "" for r in rows],
        "hovertemplate": "<b>%{y}</b><br>%{text}%{customdata}<extra></extra>",
        "marker": {"color": palette.BLUE},
    }
    return build(
        [bars],
        layout(
            lang=lang,
            title=title,
            height=max(320, 38 * len(rows) + 100),
            showlegend=False,
            margin={"r": 50},
            yaxis={"autorange": "reversed"},
            xaxis={"title": {"text": axis_title}, "range": [0, max((r[1] for r in rows), default=1) * 1.15]},
        ),
    )
