import math

import pytest

from components.figure import wrap
from components.waterfall import (
    Contribution,
    bar_count,
    probability_ticks,
    sigmoid,
    top_contributions,
    travelled_range,
    waterfall,
)

TEXTS = {
    "base_label": "Risque moyen",
    "final_label": "Ce client",
    "other_label": "{count} autres caractéristiques",
    "axis_title": "Contribution (log-odds)",
}


def contributions(values):
    return [
        Contribution(f"F{i}", f"Caractéristique {i}", v, f"valeur {i}", f"description {i}")
        for i, v in enumerate(values)
    ]


def test_bars_are_base_top_n_other_and_final():
    items = contributions([0.5, -0.3, 0.05, -0.02, 0.01, 0.2])
    figure = waterfall(items, -2.0, n=3, **TEXTS)
    trace = figure.data[0]
    assert len(trace.y) == bar_count(len(items), 3) == 3 + 3
    assert list(trace.measure) == ["absolute", "relative", "relative", "relative", "relative", "total"]
    assert list(trace.y[1:4]) == ["Caractéristique 0", "Caractéristique 1", "Caractéristique 5"]
    assert trace.y[4] == "3 autres caractéristiques"
    assert trace.x[4] == pytest.approx(0.05 - 0.02 + 0.01)


def test_final_bar_is_the_clients_score():
    items = contributions([0.5, -0.3, 0.05])
    figure = waterfall(items, -2.0, n=10, **TEXTS)
    trace = figure.data[0]
    assert trace.base == -2.0 and trace.x[0] == 0
    assert trace.base + sum(trace.x[1:-1]) == pytest.approx(-1.75)
    assert trace.measure[-1] == "total"
    assert trace.text[-1] == "14,8\u202f%"  # sigmoid(-1.75)
    assert figure.data[1].text[0] == "11,9\u202f%"  # the base diamond: sigmoid(-2)


def test_axis_spans_the_travelled_range_with_ticks_read_as_probabilities():
    figure = waterfall(contributions([0.5, -0.3]), -3.0, n=5, **TEXTS)
    low, high = figure.layout.xaxis.range
    assert low < -3.0 < -2.5 < high
    assert high < 0  # the axis does not stretch to zero log-odds
    assert "5\u202f%" in figure.layout.xaxis.ticktext  # logit(5 %) = -2.94 lies inside
    assert travelled_range(0.0, [1.0, -2.0]) == pytest.approx((-1.36, 1.36))  # levels 0, 1, -1; pad 18 %


def test_probability_ticks_are_log_odds_positions():
    values, texts = probability_ticks(-0.1, 0.1, "en")
    assert values == [0.0] and texts == ["50%"]
    values, texts = probability_ticks(-3.5, -2.5, "fr")  # 2.9 % to 7.6 %
    assert texts == ["3\u202f%", "4\u202f%", "5\u202f%", "6\u202f%", "7\u202f%"]
    assert len(probability_ticks(-7, 5, "fr")[0]) <= 8


def test_long_labels_wrap_on_words():
    assert wrap("Part des échéances de prêts précédents payées en retard", 20) == (
        "Part des échéances<br>de prêts précédents<br>payées en retard"
    )


def test_no_other_bar_when_every_feature_is_shown():
    figure = waterfall(contributions([0.1, 0.2]), 0.0, n=5, **TEXTS)
    assert len(figure.data[0].y) == bar_count(2, 5) == 4
    assert not any("autres" in label for label in figure.data[0].y)


def test_bar_texts_carry_an_arrow_and_a_sign_besides_colour():
    figure = waterfall(contributions([0.5, -0.3]), 0.0, n=5, **TEXTS)
    assert figure.data[0].text[1] == "▲ +0,50"
    assert figure.data[0].text[2] == "▼ \u22120,30"


def test_hover_carries_value_and_description():
    figure = waterfall(contributions([0.5]), 0.0, n=5, **TEXTS)
    assert figure.data[0].customdata[1] == "<br>valeur 0<br>description 0"


def test_equal_labels_stay_separate_bars():
    items = [Contribution("A", "Même", 0.1), Contribution("B", "Même", 0.2)]
    labels = list(waterfall(items, 0.0, n=5, **TEXTS).data[0].y)
    assert len(set(labels)) == len(labels)


def test_top_contributions_rank_by_absolute_value():
    top, rest = top_contributions(contributions([0.1, -0.9, 0.5]), 2)
    assert [c.feature for c in top] == ["F1", "F2"]
    assert [c.feature for c in rest] == ["F0"]


def test_sigmoid():
    assert sigmoid(0) == 0.5
    assert sigmoid(math.log(3)) == pytest.approx(0.75)


def test_hover_finds_each_bar_by_row():
    """plotly.js seeks waterfall bars as if they started at 0 (#6161): by row, every bar shows its hover."""
    figure = waterfall(contributions([0.5, -0.3]), -2.0, n=5, **TEXTS)
    assert figure.layout.hovermode == "y"
