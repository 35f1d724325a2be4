"""The cost-curve figure: cost and approval on two axes, the optimum and the production threshold named."""

import numpy as np
import pytest

from components import palette
from components.cost_curve import cost_curve_figure
from model_training.cost import decision_counts
from model_training.governance import ratio_curve

LABELS = {
    "cost_title": "Coût pour 1 000 demandes",
    "approval_title": "Taux d’acceptation",
    "threshold_title": "Seuil",
    "cost_name": "Coût",
    "approval_name": "Acceptation",
    "optimum_label": "◆ Optimal {threshold}",
    "production_label": "Production {threshold}",
}

Y = np.array([1, 0, 0, 1, 0])
P = np.array([0.9, 0.8, 0.3, 0.2, 0.1])


def figure(ratio=10, production=0.5, lang="fr"):
    curve = ratio_curve(decision_counts(Y, P), Y, P, ratio, production)
    return curve, cost_curve_figure(curve, **LABELS, lang=lang)


def test_cost_per_1000_and_approval_in_percent_against_the_threshold_in_percent():
    curve, fig = figure()
    cost, approval, optimum = fig.data
    shown = curve.thresholds * 100 <= fig.layout.xaxis.range[1]  # 0 to 60 %: the 85 % cut is off the axis
    assert shown.tolist() == [True, True, True, True, False]
    np.testing.assert_allclose(cost.x, curve.thresholds[shown] * 100)
    np.testing.assert_allclose(cost.y, curve.costs[shown] * 1000)
    np.testing.assert_allclose(approval.y, curve.approval_rates[shown] * 100)
    assert approval.yaxis == "y2" and fig.layout.yaxis2.overlaying == "y"
    # the diamond sits on the optimum: threshold 15 %, 0.4 per applicant = 400 per 1,000
    assert optimum.x == pytest.approx((15.0,)) and optimum.y == pytest.approx((400.0,))


def test_optimum_and_production_are_lines_named_in_text_not_by_colour_alone():
    _, fig = figure(production=0.5)
    texts = [a.text for a in fig.layout.annotations]
    assert texts == ["◆ Optimal 15,0\u202f%", "Production 50,0\u202f%"]
    optimum_line, production_line = fig.layout.shapes
    assert optimum_line.x0 == pytest.approx(15) and production_line.x0 == pytest.approx(50)
    assert optimum_line.line.dash != production_line.line.dash
    assert production_line.line.color == palette.THRESHOLD
    cost, approval, _ = fig.data
    assert cost.line.dash != approval.line.dash


def test_the_axis_reaches_past_a_high_production_threshold():
    _, fig = figure(production=0.85)
    assert fig.layout.xaxis.range[1] >= 85


def test_english_numbers():
    _, fig = figure(lang="en")
    assert fig.layout.annotations[0].text == "◆ Optimal 15.0%"
    assert fig.layout.separators == ".,"
