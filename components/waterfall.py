"""Waterfall: from the average risk (base) to the client's risk, one bar per concept (or feature).

Two scales, one drawing. By default, points of risk: the axis is the estimated risk in %, each bar is its
points of probability (`app.explanation.probability_points`: order-free, sign-keeping), so the bars add up
exactly from the average risk to the client's risk shown at the end, and read "+6,2 pts". For the data
scientist, log-odds: the axis is the calibrated log-odds, each bar the exact sum of SHAP contributions,
labelled "+0,34"; nothing there is called a percentage but the two end points' risks.

Bars, top to bottom: one "base" marker, the N largest steps in the order given, one bar grouping the rest
(only when there are more than N), and one "final" marker; `bar_count` states the rule.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import plotly.graph_objects as go

from app import formatting as fmt
from app.i18n import t
from components import palette
from components._format import number, percent_suffix, signed
from components.figure import build, layout, vline, wrap
from model_training.calibration import sigmoid

Scale = Literal["points", "log_odds"]
SCALES: tuple[Scale, ...] = ("points", "log_odds")


@dataclass(frozen=True)
class Step:
    """One bar: a concept's (or a feature's) move of the risk, in the figure's unit (a probability step for
    points, a log-odds contribution for log-odds), with what the hover box says about it."""

    key: str
    label: str
    value: float
    hover: str = ""


def bar_count(n_steps: int, n: int) -> int:
    """Bars drawn for n_steps steps shown with the first n: base + shown + other + final."""
    return 1 + min(n, n_steps) + (1 if n_steps > n else 0) + 1


def points_label(step: float, lang: str = "fr", *, sign: bool = True) -> str:
    """A step in probability as short points for a bar: "+6,2 pts", "−0,4 pt" (or "6,2 pts" unsigned); two
    decimals below a tenth of a point, so that a small step never reads "+0,0"."""
    shown = abs(step) * 100
    decimals = 1 if round(shown, 1) >= 0.1 else 2
    value = signed(step * 100, lang, decimals) if sign else number(shown, lang, decimals)
    plural = round(shown, decimals) >= 2 if lang == "fr" else round(shown, decimals) != 1
    return t("chart.points_short_plural" if plural else "chart.points_short", lang, n=value)


def _unique(labels: list[str]) -> list[str]:
    """Category axes merge equal labels; two bars sharing a human label must stay two bars."""
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return unique


def step_text(value: float, scale: Scale, lang: str) -> str:
    """A bar's text: an arrow and a signed figure, so the way is never told by colour alone."""
    arrow = palette.UP_ARROW if value > 0 else palette.DOWN_ARROW
    figure = points_label(value, lang) if scale == "points" else log_odds_label(value, lang)
    return f"{arrow} {figure}"


def log_odds_label(value: float, lang: str = "fr") -> str:
    """A contribution in log-odds with its sign: "+0,34"; three decimals when two would read "0,00"."""
    return signed(value, lang, 2 if round(abs(value), 2) > 0 else 3)


def level_text(level: float, scale: Scale, lang: str) -> str:
    """The base's or the final's text: the risk ("11,9 %"), and in log-odds the level itself beside it."""
    if scale == "points":
        return fmt.risk(level, lang)
    return t("chart.log_odds_level", lang, log_odds=signed(level, lang), risk=fmt.risk(sigmoid(level), lang))


def waterfall(
    steps: Sequence[Step],
    base: float,
    *,
    scale: Scale = "points",
    n: int = 10,
    base_label: str,
    final_label: str,
    other_label: str,
    axis_title: str,
    title: str | None = None,
    lang: str = "fr",
) -> go.Figure:
    """Horizontal waterfall, base on top, bars in the order given; raising bars point right (▲), lowering
    ones left (▼). `base` is the base probability (points) or the base log-odds (log-odds); the final bar
    ends on base + the sum of every step. `other_label` may hold "{count}", the number of grouped steps.
    """
    shown, rest = list(steps[:n]), list(steps[n:])
    unit = 100.0 if scale == "points" else 1.0  # the points axis is drawn in percent
    final = base + sum(s.value for s in steps)

    labels = [base_label] + [s.label for s in shown]
    values = [0.0] + [s.value * unit for s in shown]
    texts = [""] + [step_text(s.value, scale, lang) for s in shown]  # the base's text goes beside it
    hovers = [""] + [s.hover for s in shown]
    keys = [""] + [s.key for s in shown]
    if rest:
        other = sum(s.value for s in rest)
        labels.append(other_label.format(count=len(rest)))
        values.append(other * unit)
        texts.append(step_text(other, scale, lang))
        hovers.append("")
        keys.append("")
    labels.append(final_label)
    values.append(0.0)  # a total's value is the running sum; plotly ignores this one
    texts.append(level_text(final, scale, lang))
    hovers.append("")
    keys.append("")
    rows = [wrap(label) for label in _unique(labels)]

    bars = {
        "type": "waterfall",
        "orientation": "h",
        "y": rows,
        "x": values,
        "base": base * unit,
        "measure": ["absolute"] + ["relative"] * (len(rows) - 2) + ["total"],
        "text": texts,
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": [[hover, key] for hover, key in zip(hovers, keys, strict=True)],
        "hovertemplate": "<b>%{y}</b><br>%{text}%{customdata[0]}<extra></extra>",
        "increasing": {"marker": {"color": palette.RISKY}},
        "decreasing": {"marker": {"color": palette.SAFE}},
        "totals": {"marker": {"color": palette.NEUTRAL}},
        "connector": {"line": {"color": palette.GREY, "width": 1, "dash": "dot"}},
    }
    base_mark = {
        "type": "scatter",
        "x": [base * unit],
        "y": [rows[0]],
        "mode": "markers+text",
        "text": [level_text(base, scale, lang)],
        "textposition": "middle right",
        "marker": {"symbol": "diamond", "size": 14, "color": palette.NEUTRAL},
        "hoverinfo": "skip",
        "showlegend": False,
    }
    low, high = travelled_range(base * unit, values[1:-1], floor=0.0 if scale == "points" else None)
    xaxis: dict[str, object] = {"title": {"text": axis_title}, "range": [low, high], "showgrid": True}
    if scale == "points":
        xaxis["ticksuffix"] = percent_suffix(lang)
    return build(
        [bars, base_mark],
        layout(
            lang=lang,
            title=title,
            height=max(320, 44 * len(rows) + 90),
            showlegend=False,
            margin={"r": 90},
            # plotly.js draws a waterfall with a non-zero `base` where it belongs but looks for the bar under
            # the mouse as if the bars started at 0 (plotly/plotly.js#6161): most bars never showed their
            # hover text. Hovering by row finds the bar whatever its position.
            hovermode="y",
            shapes=[vline(base * unit, color=palette.GREY, dash="dash", width=1)],
            yaxis={"autorange": "reversed"},
            xaxis=xaxis,
        ),
    )


def travelled_range(base: float, steps: Sequence[float], floor: float | None = None) -> tuple[float, float]:
    """The interval the running total crosses, padded for the bar texts (never below `floor`)."""
    levels = [base]
    for step in steps:
        levels.append(levels[-1] + step)
    low, high = min(levels), max(levels)
    pad = max((high - low) * 0.22, 0.15)
    low = low - pad if floor is None else max(floor, low - pad)
    return low, high + pad


def final_level(base: float, steps: Sequence[Step]) -> float:
    """Where the bars end: the client's probability (points) or log-odds (log-odds)."""
    return base + math.fsum(s.value for s in steps)


def hover_lines(*lines: str) -> str:
    """Lines under a bar's text in its hover box."""
    return "".join(f"<br>{line}" for line in lines if line)
