import math

import numpy as np
import pytest

from app.explanation import probability_steps
from components.figure import wrap
from components.waterfall import (
    Step,
    bar_count,
    log_odds_label,
    points_label,
    step_text,
    travelled_range,
    waterfall,
)
from model_training.calibration import sigmoid

TEXTS = {
    "base_label": "Risque moyen",
    "final_label": "Ce client",
    "other_label": "{count} autres thèmes",
    "axis_title": "Risque estimé (%)",
}
NBSP, NNBSP = "\u00a0", "\u202f"
BASE = -2.0
CONTRIBUTIONS = [0.5, -0.3, 0.05, -0.02, 0.01, 0.2]


def points_steps(contributions=CONTRIBUTIONS, base=BASE):
    """Concept-like bars in points: each one's step walking in the order given (the page's rule)."""
    steps = probability_steps(base, np.array(contributions))
    return [Step(f"c{i}", f"Thème {i}", float(s), f"<br>aide {i}") for i, s in enumerate(steps)]


def log_odds_steps(contributions=CONTRIBUTIONS):
    return [Step(f"c{i}", f"Thème {i}", c) for i, c in enumerate(contributions)]


def test_in_points_the_bars_add_up_from_the_average_risk_to_the_clients_risk():
    steps = points_steps()
    figure = waterfall(steps, sigmoid(BASE), **TEXTS)
    trace = figure.data[0]
    final = sigmoid(BASE + sum(CONTRIBUTIONS))
    # drawn in percent: base + every bar's step = the client's probability, to the float
    assert abs(trace.base + sum(trace.x[1:-1]) - final * 100) < 1e-12 * 100
    assert abs(sigmoid(BASE) + sum(s.value for s in steps) - final) < 1e-12
    assert trace.measure[-1] == "total" and trace.text[-1] == f"17,4{NNBSP}%"  # sigmoid(-1.56)
    assert figure.data[1].text[0] == f"11,9{NNBSP}%"  # the base diamond: sigmoid(-2)


def test_in_points_the_axis_reads_risk_in_percent_and_bars_read_points():
    figure = waterfall(points_steps(), sigmoid(BASE), **TEXTS)
    axis = figure.layout.xaxis
    assert axis.title.text == "Risque estimé (%)" and axis.ticksuffix == f"{NNBSP}%"
    assert axis.range[0] >= 0  # a risk is never negative
    texts = list(figure.data[0].text[1:-1])
    assert texts[0].startswith("▲ +") and texts[0].endswith(f"{NBSP}pts")  # +8,1 points
    assert texts[1].startswith("▼ \u2212")
    assert not any("log" in str(text) for text in figure.data[0].text)


def test_in_log_odds_the_axis_and_the_bars_are_log_odds():
    figure = waterfall(
        log_odds_steps(),
        BASE,
        scale="log_odds",
        **{**TEXTS, "axis_title": "Risque en log-odds calibrés"},
    )
    trace = figure.data[0]
    assert trace.base == BASE and trace.base + sum(trace.x[1:-1]) == pytest.approx(BASE + sum(CONTRIBUTIONS))
    assert "log-odds" in figure.layout.xaxis.title.text
    assert figure.layout.xaxis.ticksuffix is None  # log-odds ticks, no percent
    assert trace.text[1] == "▲ +0,50" and trace.text[2] == "▼ \u22120,30"
    assert trace.text[-1] == f"\u22121,56 (risque 17,4{NNBSP}%)"  # the level and what it means


def test_bars_are_base_first_n_other_and_final():
    figure = waterfall(log_odds_steps(), BASE, scale="log_odds", n=3, **TEXTS)
    trace = figure.data[0]
    assert len(trace.y) == bar_count(6, 3) == 3 + 3
    assert list(trace.measure) == ["absolute", "relative", "relative", "relative", "relative", "total"]
    assert list(trace.y[1:4]) == ["Thème 0", "Thème 1", "Thème 2"]  # in the order given (the walk's)
    assert trace.y[4] == "3 autres thèmes"
    assert trace.x[4] == pytest.approx(-0.02 + 0.01 + 0.2)


def test_grouped_points_still_end_on_the_probability():
    figure = waterfall(points_steps(), sigmoid(BASE), n=2, **TEXTS)
    trace = figure.data[0]
    assert trace.base + sum(trace.x[1:-1]) == pytest.approx(
        sigmoid(BASE + sum(CONTRIBUTIONS)) * 100, abs=1e-10
    )


def test_no_other_bar_when_every_step_is_shown():
    figure = waterfall(points_steps([0.1, 0.2]), sigmoid(0.0), n=5, **TEXTS)
    assert len(figure.data[0].y) == bar_count(2, 5) == 4
    assert not any("autres" in label for label in figure.data[0].y)


def test_points_labels_in_both_languages():
    assert points_label(0.062) == f"+6,2{NBSP}pts"
    assert points_label(-0.004) == f"\u22120,4{NBSP}pt"  # French singular below 2
    assert points_label(0.0004) == f"+0,04{NBSP}pt"  # never "+0,0"
    assert points_label(0.062, "en") == "+6.2 pts"
    assert points_label(0.01, "en") == "+1.0 pt"
    assert points_label(0.029, "fr", sign=False) == f"2,9{NBSP}pts"


def test_bar_texts_carry_an_arrow_and_a_sign_besides_colour():
    assert step_text(0.062, "points", "fr") == f"▲ +6,2{NBSP}pts"
    assert step_text(-0.3, "log_odds", "en") == "▼ \u22120.30"
    assert log_odds_label(0.004) == "+0,004"  # three decimals rather than "0,00"


def test_hover_carries_the_steps_help_and_a_click_finds_its_concept():
    figure = waterfall(points_steps(), sigmoid(BASE), **TEXTS)
    assert list(figure.data[0].customdata[1]) == ["<br>aide 0", "c0"]
    assert list(figure.data[0].customdata[0]) == ["", ""]  # the base is no concept


def test_long_labels_wrap_on_words():
    assert wrap("Part des échéances de prêts précédents payées en retard", 20) == (
        "Part des échéances<br>de prêts précédents<br>payées en retard"
    )


def test_equal_labels_stay_separate_bars():
    steps = [Step("A", "Même", 0.1), Step("B", "Même", 0.2)]
    labels = list(waterfall(steps, 0.0, scale="log_odds", n=5, **TEXTS).data[0].y)
    assert len(set(labels)) == len(labels)


def test_travelled_range_pads_and_a_floor_holds():
    assert travelled_range(0.0, [1.0, -2.0]) == pytest.approx((-1.44, 1.44))  # levels 0, 1, -1; pad 22 %
    assert travelled_range(0.1, [2.0], floor=0.0)[0] == 0.0


def test_sigmoid():
    assert sigmoid(0) == 0.5
    assert sigmoid(math.log(3)) == pytest.approx(0.75)


def test_hover_finds_each_bar_by_row():
    """plotly.js seeks waterfall bars as if they started at 0 (#6161): by row, every bar shows its hover."""
    figure = waterfall(points_steps(), sigmoid(BASE), **TEXTS)
    assert figure.layout.hovermode == "y"
