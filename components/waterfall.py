"""SHAP waterfall: from the average risk (base value) to the client's score, in calibrated log-odds.

Bars, top to bottom: one "base" marker, the N largest contributions by |SHAP|, one bar grouping all the
other features (only when there are more than N), and one "final" marker. So a client with more than N
features has N + 3 bars; `bar_count` states the rule.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from components import palette
from components._format import percent, signed
from components.figure import build, layout, vline, wrap
from model_training.calibration import sigmoid


@dataclass(frozen=True)
class Contribution:
    """One feature's share of a client's score, with what a manager reads about it."""

    feature: str
    label: str
    shap: float
    value_text: str = ""
    description: str = ""


def bar_count(n_features: int, n: int) -> int:
    """Bars drawn for n_features contributions shown with the top n: base + top + other + final."""
    return 1 + min(n, n_features) + (1 if n_features > n else 0) + 1


def top_contributions(
    contributions: Sequence[Contribution], n: int
) -> tuple[list[Contribution], list[Contribution]]:
    """The n largest by |SHAP| (largest first) and the rest; ties keep the input order."""
    ranked = sorted(contributions, key=lambda c: abs(c.shap), reverse=True)
    return ranked[:n], ranked[n:]


def _unique(labels: list[str]) -> list[str]:
    """Category axes merge equal labels; two features sharing a human label must stay two bars."""
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return unique


def _bar_text(value: float, lang: str) -> str:
    arrow = palette.UP_ARROW if value > 0 else palette.DOWN_ARROW
    return f"{arrow} {signed(value, lang)}"


def waterfall(
    contributions: Sequence[Contribution],
    base_value: float,
    *,
    n: int = 10,
    base_label: str,
    final_label: str,
    other_label: str,
    axis_title: str,
    title: str | None = None,
    lang: str = "fr",
) -> go.Figure:
    """Horizontal waterfall, base on top; bars that raise the risk point right (▲), lowering ones left (▼).

    Bars start from the base value (the average risk), so the axis spans only where the client's risk
    travels; the base row is a diamond on that start line and the final bar runs from it to the client's
    score. The axis is in log-odds, where contributions add up, but its ticks read as probabilities.
    `other_label` may hold "{count}", replaced by the number of grouped features.
    """
    top, rest = top_contributions(contributions, n)
    final_value = base_value + sum(c.shap for c in contributions)

    labels = [base_label] + [c.label for c in top]
    measures = ["absolute"] + ["relative"] * len(top)
    values = [0.0] + [c.shap for c in top]
    texts = [""] + [_bar_text(c.shap, lang) for c in top]  # the base's text goes beside its diamond
    hovers = [""] + [_hover(c) for c in top]
    if rest:
        other = sum(c.shap for c in rest)
        labels.append(other_label.format(count=len(rest)))
        measures.append("relative")
        values.append(other)
        texts.append(_bar_text(other, lang))
        hovers.append("")
    labels.append(final_label)
    measures.append("total")
    values.append(0.0)  # a total's value is the running sum; plotly ignores this one
    texts.append(risk_text(sigmoid(final_value), lang))
    hovers.append("")
    rows = [wrap(label) for label in _unique(labels)]

    bars = {
        "type": "waterfall",
        "orientation": "h",
        "y": rows,
        "x": values,
        "base": base_value,
        "measure": measures,
        "text": texts,
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": hovers,
        "hovertemplate": "<b>%{y}</b><br>%{text}%{customdata}<extra></extra>",
        "increasing": {"marker": {"color": palette.RISKY}},
        "decreasing": {"marker": {"color": palette.SAFE}},
        "totals": {"marker": {"color": palette.NEUTRAL}},
        "connector": {"line": {"color": palette.GREY, "width": 1, "dash": "dot"}},
    }
    base_mark = {
        "type": "scatter",
        "x": [base_value],
        "y": [rows[0]],
        "mode": "markers+text",
        "text": [risk_text(sigmoid(base_value), lang)],
        "textposition": "middle right",
        "marker": {"symbol": "diamond", "size": 14, "color": palette.NEUTRAL},
        "hoverinfo": "skip",
        "showlegend": False,
    }
    low, high = travelled_range(base_value, values[1:-1])
    tickvals, ticktext = probability_ticks(low, high, lang)
    return build(
        [bars, base_mark],
        layout(
            lang=lang,
            title=title,
            height=max(320, 38 * len(rows) + 90),
            showlegend=False,
            margin={"r": 70},
            # plotly.js draws a waterfall with a non-zero `base` where it belongs but looks for the bar under
            # the mouse as if the bars started at 0 (plotly/plotly.js#6161): most bars never showed their
            # hover text. Hovering by row finds the bar whatever its position.
            hovermode="y",
            shapes=[vline(base_value, color=palette.GREY, dash="dash", width=1)],
            yaxis={"autorange": "reversed"},
            xaxis={
                "title": {"text": axis_title},
                "range": [low, high],
                "tickvals": tickvals,
                "ticktext": ticktext,
                "showgrid": True,
            },
        ),
    )


def travelled_range(base_value: float, steps: Sequence[float]) -> tuple[float, float]:
    """The log-odds interval the running total crosses, padded for the bar texts."""
    levels = [base_value]
    for step in steps:
        levels.append(levels[-1] + step)
    low, high = min(levels), max(levels)
    pad = max((high - low) * 0.18, 0.15)
    return low - pad, high + pad


#: Probabilities worth a tick: every 0.1 % up to 1 %, every 1 % up to 10 %, every 5 % beyond.
_TICK_PROBABILITIES = (
    *(i / 1000 for i in range(1, 10)),
    *(i / 100 for i in range(1, 10)),
    *(i / 100 for i in range(10, 100, 5)),
    0.98,
    0.99,
)
MAX_TICKS = 8


def probability_ticks(low: float, high: float, lang: str) -> tuple[list[float], list[str]]:
    """Log-odds tick positions labelled as probabilities ("5 %"), within [low, high], at most MAX_TICKS."""
    inside = [p for p in _TICK_PROBABILITIES if low <= math.log(p / (1 - p)) <= high]
    while len(inside) > MAX_TICKS:
        inside = inside[::2]
    texts = [percent(p, lang, 1 if p < 0.01 else 0) for p in inside]  # ticks are round numbers
    return [math.log(p / (1 - p)) for p in inside], texts


def risk_text(probability: float, lang: str) -> str:
    """A risk with one decimal, as everywhere in the app: 4,5 % and 5,4 % must be told apart."""
    return percent(probability, lang, 1)


def _hover(contribution: Contribution) -> str:
    parts = [p for p in (contribution.value_text, contribution.description) if p]
    return "".join(f"<br>{p}" for p in parts)
