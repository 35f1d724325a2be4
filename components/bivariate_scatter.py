"""Two features against each other, each client coloured by score, the client as a large black star.

Large sets are sampled (seeded, so a page shows the same points on every visit) to keep the figure light.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from components import palette
from components._format import percent_suffix
from components.figure import build, layout

MAX_POINTS = 5000


def sample_indices(size: int, max_points: int, seed: int = 0) -> np.ndarray:
    """All indices when small enough, else max_points of them, sorted, without replacement."""
    if size <= max_points:
        return np.arange(size)
    return np.sort(np.random.default_rng(seed).choice(size, max_points, replace=False))


def bivariate_scatter(
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    score: Sequence[float] | np.ndarray,
    *,
    client_x: float | None,
    client_y: float | None,
    x_label: str,
    y_label: str,
    score_label: str,
    client_label: str,
    others_label: str,
    max_points: int = MAX_POINTS,
    seed: int = 0,
    title: str | None = None,
    lang: str = "fr",
) -> go.Figure:
    """Points coloured on a Cividis scale (score in %); the client is drawn last, on top."""
    xs, ys, scores = (np.asarray(a, dtype=float) for a in (x, y, score))
    keep = np.isfinite(xs) & np.isfinite(ys) & np.isfinite(scores)
    xs, ys, scores = xs[keep], ys[keep], scores[keep]
    picked = sample_indices(xs.size, max_points, seed)
    traces: list[dict] = [
        {
            "type": "scatter",
            "x": xs[picked],
            "y": ys[picked],
            "mode": "markers",
            "name": others_label,
            "marker": {
                "size": 6,
                "opacity": 0.7,
                "color": scores[picked] * 100,
                "colorscale": palette.SCORE_COLORSCALE,
                "colorbar": {"title": {"text": score_label}, "ticksuffix": percent_suffix(lang)},
                "line": {"width": 0},
            },
            "hovertemplate": "%{x}<br>%{y}<br>%{marker.color:.1f}" + percent_suffix(lang) + "<extra></extra>",
        }
    ]
    if client_x is not None and client_y is not None and np.isfinite([client_x, client_y]).all():
        traces.append(
            {
                "type": "scatter",
                "x": [client_x],
                "y": [client_y],
                "mode": "markers+text",
                "name": client_label,
                "text": [client_label],
                "textposition": "top center",
                "textfont": {"size": 14, "color": palette.CLIENT},
                "marker": {
                    "symbol": palette.CLIENT_SYMBOL,
                    "size": 22,
                    "color": palette.ORANGE,
                    "line": {"color": palette.CLIENT, "width": 2},
                },
                "hovertemplate": "<b>" + client_label + "</b><br>%{x}<br>%{y}<extra></extra>",
            }
        )
    return build(
        traces,
        layout(
            lang=lang,
            title=title,
            height=440,
            legend={"orientation": "h", "y": -0.2, "yanchor": "top"},
            xaxis={"title": {"text": x_label}},
            yaxis={"title": {"text": y_label}},
        ),
    )
