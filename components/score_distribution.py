"""Histogram of portfolio default probabilities, split at the acceptance threshold.

Scores are binned here with numpy and sent as bars: a raw histogram of 300,000 scores would ship every
score to the browser.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from components import palette
from components._format import percent_suffix
from components.figure import build, layout, vline
from model_training.decision import refused


def threshold_bin_edges(scores: np.ndarray, threshold: float, bins: int) -> np.ndarray:
    """About `bins` equal-width edges from 0 to the highest score, one of them exactly on the threshold."""
    top = float(np.nanmax(scores)) if scores.size else threshold
    upper = min(1.0, max(math.ceil(top * 20) / 20, threshold * 1.5, 0.05))
    width = upper / bins
    below = max(1, round(threshold / width))
    above = max(1, round((upper - threshold) / width))
    lower_edges = np.linspace(0, threshold, below + 1)
    return np.concatenate([lower_edges, np.linspace(threshold, upper, above + 1)[1:]])


def threshold_counts(values: np.ndarray, threshold: float, edges: np.ndarray) -> np.ndarray:
    """Clients per bin: two uniform histograms, under and over the threshold (numpy's fast path, where
    arbitrary edges would make it sort 300,000 scores)."""
    below_bins = int(np.argmin(np.abs(edges - threshold)))  # the threshold is an edge: bins under it
    upper = edges[-1]
    refused_rows = refused(values, threshold)
    below, _ = np.histogram(values[~refused_rows], bins=max(below_bins, 1), range=(0.0, threshold))
    over = np.clip(values[refused_rows], threshold, upper)
    above, _ = np.histogram(over, bins=len(edges) - 1 - below_bins, range=(threshold, upper))
    return np.concatenate([below, above])


def score_distribution(
    scores: Sequence[float] | np.ndarray,
    threshold: float,
    *,
    accepted_label: str,
    refused_label: str,
    threshold_label: str,
    axis_title: str,
    count_title: str,
    client_score: float | None = None,
    client_label: str | None = None,
    bins: int = 50,
    title: str | None = None,
    lang: str = "fr",
) -> go.Figure:
    """Bars below the threshold are plain blue (accepted), above hatched orange (refused)."""
    values = np.asarray(scores, dtype=float)
    values = values[~np.isnan(values)]
    edges = threshold_bin_edges(values, threshold, bins)
    counts = threshold_counts(values, threshold, edges)
    centers = (edges[:-1] + edges[1:]) / 2
    widths = np.diff(edges)
    refused = edges[:-1] >= threshold - 1e-12

    traces = [
        {
            "type": "bar",
            "x": centers[mask] * 100,
            "y": counts[mask],
            "width": widths[mask] * 100,
            "name": name,
            "marker": {"color": color, "pattern": {"shape": pattern, "fgcolor": "white", "solidity": 0.3}},
            "customdata": np.stack([edges[:-1][mask] * 100, edges[1:][mask] * 100], axis=-1),
            "hovertemplate": "%{customdata[0]:.1f}–%{customdata[1]:.1f}"
            + percent_suffix(lang)
            + "<br>%{y:,}<extra>"
            + name
            + "</extra>",
        }
        for mask, name, color, pattern in (
            (~refused, accepted_label, palette.SAFE, ""),
            (refused, refused_label, palette.RISKY, "/"),
        )
    ]
    marks = [(threshold * 100, threshold_label, palette.THRESHOLD, "dash", 1.0)]
    if client_score is not None and client_label:
        marks.append((client_score * 100, client_label, palette.CLIENT, "solid", 0.8))
    return build(
        traces,
        layout(
            lang=lang,
            title=title,
            bargap=0.05,
            shapes=[vline(x, color=color, dash=dash) for x, _, color, dash, _ in marks],
            annotations=[_caption(x, label, color, y) for x, label, color, _, y in marks],
            xaxis={"title": {"text": axis_title}, "ticksuffix": percent_suffix(lang)},
            yaxis={"title": {"text": count_title}},
        ),
    )


def _caption(x: float, label: str, color: str, y: float) -> dict:
    return {
        "x": x,
        "y": y,
        "xref": "x",
        "yref": "paper",
        "text": label,
        "showarrow": False,
        "xanchor": "left",
        "xshift": 4,
        "bgcolor": "rgba(255,255,255,0.85)",
        "font": {"color": color},
    }
