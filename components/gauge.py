"""The client's default probability on a gauge, with the acceptance threshold marked."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from app.formatting import risk, risk_decimals
from components import palette
from components._format import percent_suffix
from components.figure import build, layout


def gauge_range(probability: float, threshold: float) -> float:
    """Upper end of the gauge, as a probability.

    A 0-100 % dial would squeeze typical risks (a few percent) into its first tenth; the dial instead
    spans three thresholds, widened in steps of 10 points when the client's risk lies beyond.
    """
    upper = max(3 * threshold, probability * 1.1, 0.1)
    return min(1.0, math.ceil(upper * 10 - 1e-9) / 10)


def gauge(
    probability: float,
    threshold: float,
    *,
    title: str,
    threshold_label: str,
    lang: str = "fr",
    height: int = 260,
) -> go.Figure:
    """Gauge in percent; the needle bar is black, the zones below/above the threshold are pale blue/orange.

    `threshold_label` is the full caption of the threshold mark, e.g. "Seuil d'acceptation : 9 %".
    """
    upper = gauge_range(probability, threshold) * 100
    indicator = {
        "type": "indicator",
        "mode": "gauge+number",
        "value": probability * 100,
        "number": {
            "suffix": percent_suffix(lang),
            "valueformat": f".{risk_decimals(probability, threshold)}f",  # as the sentences write it
            "font": {"size": 40},
        },
        "gauge": {
            "shape": "angular",
            "axis": {"range": [0, upper], "ticksuffix": percent_suffix(lang)},
            "bar": {"color": palette.BLACK, "thickness": 0.3},
            "steps": [
                {"range": [0, threshold * 100], "color": palette.SAFE_ZONE},
                {"range": [threshold * 100, upper], "color": palette.RISKY_ZONE},
            ],
            "threshold": {
                "line": {"color": palette.THRESHOLD, "width": 4},
                "thickness": 0.9,
                "value": threshold * 100,
            },
        },
        "domain": {"x": [0, 1], "y": [0.12, 1]},
    }
    caption = {
        "text": threshold_label,
        "x": 0.5,
        "y": 0,
        "xref": "paper",
        "yref": "paper",
        "showarrow": False,
        "font": {"size": 14},
    }
    return build(
        [indicator],
        layout(
            lang=lang,
            title=title,
            height=height,
            annotations=[caption],
            margin={"l": 40, "r": 45, "t": 50, "b": 10},  # room for the end tick labels
        ),
    )


def threshold_caption(threshold: float, template: str, lang: str = "fr") -> str:
    """Fills a catalogue template such as "Seuil d'acceptation : {threshold}" with the percentage."""
    return template.format(threshold=risk(threshold, lang))
