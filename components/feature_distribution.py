"""Distribution of one feature in several groups of clients, with the client's own value marked.

Each group is drawn as a share of that group (so 300,000 reference clients and 50 neighbours compare), with
its own colour, line dash or bar pattern. Numbers are binned here; categories are counted here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from app.formatting import NBSP
from components import palette
from components._format import number, percent_suffix
from components.figure import build, layout, vline

Values = Sequence[object] | np.ndarray | Mapping[object, int]


def is_numeric(values: Values) -> bool:
    """True when the values are numbers (a histogram), False for categories (bars)."""
    array = np.asarray(values)
    return array.dtype.kind in "biuf"


#: Percentile bounds are read off at most this many values: a sample bounds the bins as well as all of them.
BOUNDS_SAMPLE = 20_000


def shared_bin_edges(groups: Mapping[str, np.ndarray], bins: int) -> np.ndarray:
    """Edges shared by all groups over the 0.5–99.5 percentiles: a few huge incomes must not flatten all."""
    pooled = np.concatenate([g for g in groups.values() if g.size]) if groups else np.array([])
    if pooled.size == 0:
        return np.array([0.0, 1.0])
    step = max(1, pooled.size // BOUNDS_SAMPLE)
    low, high = np.percentile(pooled[::step], [0.5, 99.5])
    if high <= low:
        low, high = low - 0.5, high + 0.5
    return np.linspace(low, high, bins + 1)


def feature_distribution(
    groups: Mapping[str, Values],
    client_value: object | None,
    *,
    feature_label: str,
    share_title: str,
    client_label: str,
    title: str | None = None,
    bins: int = 30,
    styles: Sequence[palette.GroupStyle] | None = None,
    lang: str = "fr",
) -> go.Figure:
    """Step lines per group for numbers, grouped bars per group for categories; the client is a black mark.

    A group of categories may be given as counts ({"Secondaire": 120, ...}) instead of values. `styles`
    picks each group's look (default: palette.GROUP_STYLES in order), so that "defaulted" keeps its look
    whichever groups are shown.

    `client_label` is the full caption of the client's mark, e.g. "Client : 35 ans".
    """
    chosen = list(styles) if styles else [palette.group_style(i) for i in range(len(groups))]
    first = next((v for v in groups.values() if len(v)), [])
    x_mark: float | str | None  # where the client's mark stands: a number, or a category's bar
    if not isinstance(first, Mapping) and is_numeric(first):
        traces, x_mark = _numeric(groups, client_value, bins=bins, styles=chosen, lang=lang)
        extra: dict = {"shapes": [vline(x_mark, color=palette.CLIENT, width=3)] if x_mark is not None else []}
    else:
        traces, x_mark = _categorical(groups, client_value, styles=chosen, lang=lang)
        extra = {"barmode": "group"}
    return build(
        traces,
        layout(
            lang=lang,
            title=title,
            height=420,
            # even one group: its name and size caption the line; below the plot, clear of the client's mark
            showlegend=True,
            legend={"orientation": "h", "y": -0.25, "yanchor": "top", "x": 0},
            annotations=[_client_annotation(x_mark, client_label)] if x_mark is not None else [],
            xaxis={"title": {"text": feature_label}},
            yaxis={"title": {"text": share_title}, "ticksuffix": percent_suffix(lang), "rangemode": "tozero"},
            **extra,
        ),
    )


def _numeric(
    groups: Mapping[str, Values],
    client_value: object | None,
    *,
    bins: int,
    styles: Sequence[palette.GroupStyle],
    lang: str,
) -> tuple[list[dict], float | None]:
    """Step lines of each group's share per bin, and where the client's mark goes."""
    arrays = {name: _finite(values) for name, values in groups.items()}
    edges = shared_bin_edges(arrays, bins)
    traces = []
    for style, (name, values) in zip(styles, arrays.items(), strict=True):
        # bins + range (not the edges) keeps numpy on its fast uniform-bins path
        counts, _ = np.histogram(np.clip(values, edges[0], edges[-1]), bins=bins, range=(edges[0], edges[-1]))
        shares = counts / max(values.size, 1) * 100
        traces.append(
            {
                "type": "scatter",
                "x": edges,
                "y": np.append(shares, shares[-1]),
                "mode": "lines",
                "line": {"shape": "hv", "color": style.color, "dash": style.dash, "width": 3},
                "name": group_name(name, values.size, lang),
                "hovertemplate": "%{x}<br>%{y:.1f}" + percent_suffix(lang) + "<extra>" + name + "</extra>",
            }
        )
    known = client_value is not None and np.isfinite(float(client_value))  # type: ignore[arg-type]
    return traces, float(client_value) if known else None  # type: ignore[arg-type]


def _categorical(
    groups: Mapping[str, Values],
    client_value: object | None,
    *,
    styles: Sequence[palette.GroupStyle],
    lang: str,
) -> tuple[list[dict], str | None]:
    """Grouped bars of each group's share per category, and the client's category if it is shown."""
    counters = {name: _counts(values) for name, values in groups.items()}
    categories = sorted({str(c) for counter in counters.values() for c in counter})
    traces = []
    for style, (name, counter) in zip(styles, counters.items(), strict=True):
        by_text = Counter({str(c): k for c, k in counter.items()})
        size = sum(by_text.values())
        traces.append(
            {
                "type": "bar",
                "x": categories,
                "y": [by_text[c] / max(size, 1) * 100 for c in categories],
                "name": group_name(name, size, lang),
                "marker": {"color": style.color, "pattern": {"shape": style.pattern, "fgcolor": "white"}},
                "hovertemplate": "%{x}<br>%{y:.1f}" + percent_suffix(lang) + "<extra>" + name + "</extra>",
            }
        )
    shown = client_value is not None and str(client_value) in categories
    return traces, str(client_value) if shown else None


def group_name(name: str, size: int, lang: str) -> str:
    """A group's legend entry with its size in the page's language: "Tous (n = 6 000)", "All (n = 6,000)"."""
    return f"{name} (n{NBSP}={NBSP}{number(size, lang)})"


def _client_annotation(x: object, label: str) -> dict:
    return {
        "x": x,
        "y": 1,
        "xref": "x",
        "yref": "paper",
        "text": f"{palette.DOWN_ARROW} {label}",
        "showarrow": False,
        "yanchor": "bottom",
        "font": {"color": palette.CLIENT, "size": 14},
        "bgcolor": "rgba(255,255,255,0.85)",
    }


def _finite(values: Values) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    return array[np.isfinite(array)]


def _counts(values: Values | Mapping[object, int]) -> Counter:
    """Counts per category; a mapping is taken as counts already made (e.g. by polars on 300,000 rows)."""
    if isinstance(values, Mapping):
        return Counter({k: int(v) for k, v in values.items() if _present(k)})
    return Counter(v for v in values if _present(v))


def _present(value: object) -> bool:
    """Missing categories (None, NaN) are left out of the shares."""
    return value is not None and value == value
