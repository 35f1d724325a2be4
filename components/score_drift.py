"""Score drift: the risk scores of reference clients (out-of-fold) against production clients, as shares.

The two populations differ in size (307,511 against 48,744 at Kaggle scale), so each bar is the share of its
own population, not a count; both are binned here on the same edges, so only bars travel to the browser.
Reference bars are plain blue, production bars hatched orange: the pattern tells them apart without colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from components import palette
from components._format import percent_suffix
from components.figure import build, layout


def shared_edges(reference: np.ndarray, current: np.ndarray, bins: int) -> np.ndarray:
    """`bins` equal-width edges from 0 to the highest score of either side, rounded up to 5 points."""
    tops = [float(np.max(side)) for side in (reference, current) if side.size]
    upper = min(1.0, max(math.ceil(max(tops, default=0.05) * 20) / 20, 0.05))
    return np.linspace(0.0, upper, bins + 1)


def shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Share of `values` in each bin (sums to 1; all zeros for an empty side rather than a division by 0)."""
    counts, _ = np.histogram(np.clip(values, edges[0], edges[-1]), bins=edges)
    return counts / values.size if values.size else counts.astype(float)


def _finite(values: Sequence[float] | np.ndarray) -> np.ndarray:
    array = np.asarray(values, dtype=float).ravel()
    return array[np.isfinite(array)]


def score_drift(
    reference: Sequence[float] | np.ndarray,
    current: Sequence[float] | np.ndarray,
    *,
    reference_label: str,
    current_label: str,
    axis_title: str,
    share_title: str,
    bins: int = 20,
    title: str | None = None,
    lang: str = "fr",
) -> go.Figure:
    """Two bar series side by side per bin: reference (blue, plain) and production (orange, hatched)."""
    ref, cur = _finite(reference), _finite(current)
    edges = shared_edges(ref, cur, bins)
    centers = (edges[:-1] + edges[1:]) / 2 * 100
    ranges = np.stack([edges[:-1] * 100, edges[1:] * 100], axis=-1)
    traces = [
        {
            "type": "bar",
            "x": centers,
            "y": shares(values, edges) * 100,
            "name": name,
            "marker": {"color": color, "pattern": {"shape": pattern, "fgcolor": "white", "solidity": 0.3}},
            "customdata": ranges,
            "hovertemplate": "%{customdata[0]:.1f}–%{customdata[1]:.1f}"
            + percent_suffix(lang)
            + "<br>%{y:.1f}"
            + percent_suffix(lang)
            + "<extra>"
            + name
            + "</extra>",
        }
        for values, name, color, pattern in (
            (ref, reference_label, palette.SAFE, ""),
            (cur, current_label, palette.RISKY, "/"),
        )
    ]
    suffix = percent_suffix(lang)
    return build(
        traces,
        layout(
            lang=lang,
            title=title,
            barmode="group",
            bargap=0.15,
            xaxis={"title": {"text": axis_title}, "ticksuffix": suffix},
            yaxis={"title": {"text": share_title}, "ticksuffix": suffix},
        ),
    )
