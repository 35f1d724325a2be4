"""The drift history batch by batch: the score's PSI as a trend over the 0.1 and 0.25 bands, and the model's
important features as a grid (feature × batch).

The same three pale-to-strong fills mean the same bands in both charts (stable, moderate, strong); the bands
are written on the trend, each point's marker shape repeats its band, and a grid cell writes its PSI and a
"⚠" when evidently found drift: colour never carries the meaning alone. Labels come from the page (already
in its language); numbers follow the language through the layout's separators.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from components import palette
from components._format import number
from components.figure import build, layout, wrap
from model_training.drift_summary import PSI_SIGNIFICANT, PSI_STABLE
from model_training.drift_summary import psi_reading as band

READINGS = ("stable", "moderate", "significant")
#: Band fills, pale to strong (light enough for black text; ordered by lightness for every colour vision).
BAND_FILLS = {"stable": "#EEF2F7", "moderate": "#F7DCC7", "significant": "#E69F00"}
BAND_SYMBOLS = {"stable": "circle", "moderate": "square", "significant": "diamond"}
DRIFT_MARK = "⚠"


def psi_trend(
    subjects: Sequence[str],
    psi: Sequence[float],
    *,
    band_labels: dict[str, str],
    axis_title: str,
    batch_title: str,
    name: str,
    lang: str = "fr",
) -> go.Figure:
    """The score's PSI batch by batch (in the order given) over the three labelled bands."""
    top = max([*psi, PSI_SIGNIFICANT], default=PSI_SIGNIFICANT) * 1.25
    bounds = {"stable": (0.0, PSI_STABLE), "moderate": (PSI_STABLE, PSI_SIGNIFICANT)}
    bounds["significant"] = (PSI_SIGNIFICANT, top)
    shapes = [
        {
            "type": "rect",
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "yref": "y",
            "y0": low,
            "y1": high,
            "fillcolor": BAND_FILLS[reading],
            "opacity": 0.6,
            "line": {"width": 0},
            "layer": "below",
        }
        for reading, (low, high) in bounds.items()
    ]
    annotations = [
        {
            "xref": "paper",
            "x": 1,
            "xanchor": "right",
            "yref": "y",
            "y": (low + high) / 2,
            "text": band_labels[reading],
            "showarrow": False,
            "font": {"color": "#212529", "size": 13},
        }
        for reading, (low, high) in bounds.items()
    ]
    readings = [band(value) for value in psi]
    trace = {
        "type": "scatter",
        "mode": "lines+markers",
        "x": list(subjects),
        "y": list(psi),
        "name": name,
        "line": {"color": palette.BLUE, "width": 2},
        "marker": {
            "size": 11,
            "color": palette.BLUE,
            "symbol": [BAND_SYMBOLS[r] for r in readings],
            "line": {"color": "white", "width": 1},
        },
        "customdata": [band_labels[r] for r in readings],
        "hovertemplate": "%{x}<br>PSI %{y:.3f} (%{customdata})<extra></extra>",
    }
    return build(
        [trace],
        layout(
            lang=lang,
            height=320,
            showlegend=False,
            shapes=shapes,
            annotations=annotations,
            xaxis={"title": {"text": batch_title}, "type": "category"},
            yaxis={"title": {"text": axis_title}, "range": [0, top], "rangemode": "tozero"},
        ),
    )


def cell_text(psi: float | None, drifted: bool | None, lang: str) -> str:
    """What a grid cell writes: the PSI (3 decimals) and ⚠ when evidently found drift; "–" when the batch
    did not compare the feature."""
    if drifted is None:
        return "–"
    value = number(psi, lang, 3) if psi is not None else ""
    return " ".join(part for part in (DRIFT_MARK if drifted else "", value) if part) or "✓"


def feature_grid(
    subjects: Sequence[str],
    labels: Sequence[str],
    psi: Sequence[Sequence[float | None]],
    drifted: Sequence[Sequence[bool | None]],
    *,
    band_labels: dict[str, str],
    batch_title: str,
    lang: str = "fr",
) -> go.Figure:
    """One row per feature (most important on top), one column per batch: the fill is the feature's PSI band
    (pale grey when there is no PSI), the text its PSI and ⚠ where evidently found drift."""
    codes = {"stable": 0, "moderate": 1, "significant": 2}
    z = [[codes[band(value)] if value is not None else None for value in row] for row in psi]
    text = [
        [cell_text(p, d, lang) for p, d in zip(prow, drow, strict=True)]
        for prow, drow in zip(psi, drifted, strict=True)
    ]
    hover = [
        [
            f"{label}<br>{subject}<br>{band_labels[band(p)] if p is not None else ''}"
            for subject, p in zip(subjects, row, strict=True)
        ]
        for label, row in zip(labels, psi, strict=True)
    ]
    scale = [
        [0.0, BAND_FILLS["stable"]],
        [1 / 3, BAND_FILLS["stable"]],
        [1 / 3, BAND_FILLS["moderate"]],
        [2 / 3, BAND_FILLS["moderate"]],
        [2 / 3, BAND_FILLS["significant"]],
        [1.0, BAND_FILLS["significant"]],
    ]
    trace = {
        "type": "heatmap",
        "x": list(subjects),
        "y": [wrap(label, 28) for label in labels],
        "z": z,
        "zmin": 0,
        "zmax": 2,
        "colorscale": scale,
        "showscale": False,
        "xgap": 2,
        "ygap": 2,
        "text": text,
        "texttemplate": "%{text}",
        "textfont": {"color": "#212529", "size": 13},
        "customdata": hover,
        "hovertemplate": "%{customdata}<br>%{text}<extra></extra>",
    }
    return build(
        [trace],
        layout(
            lang=lang,
            height=max(220, 60 + 38 * len(labels)),
            plot_bgcolor=palette.LIGHT_GREY,
            xaxis={"title": {"text": batch_title}, "type": "category", "side": "top", "showgrid": False},
            yaxis={"type": "category", "autorange": "reversed", "showgrid": False},
        ),
    )
