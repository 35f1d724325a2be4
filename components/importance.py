"""What matters most overall, largest on top: by concept in points of risk (app.concept_importance) on the
advisor's view, by feature in mean |SHAP| (the exported global importance) on the data scientist's."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from components import palette
from components._format import number
from components.figure import build, layout, wrap


def importance(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    n: int = 15,
    axis_title: str,
    value_texts: Sequence[str] | None = None,
    descriptions: Sequence[str] | None = None,
    title: str | None = None,
    lang: str = "fr",
) -> go.Figure:
    """One bar per concept or feature for the n most important, each with its figure written as the caller
    says (`value_texts`, two decimals by default); one colour, since here colour means nothing."""
    texts = value_texts or [number(v, lang, 2) for v in values]
    rows = sorted(
        zip(labels, values, descriptions or [""] * len(labels), texts, strict=True),
        key=lambda row: row[1],
        reverse=True,
    )[:n]
    bars = {
        "type": "bar",
        "orientation": "h",
        "y": [wrap(r[0]) for r in rows],
        "x": [r[1] for r in rows],
        "text": [r[3] for r in rows],
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
            margin={"r": 70},
            yaxis={"autorange": "reversed"},
            xaxis={"title": {"text": axis_title}, "range": [0, max((r[1] for r in rows), default=1) * 1.15]},
        ),
    )
