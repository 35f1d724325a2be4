"""The reliability figure: model against the diagonal, same scale on both axes, counts on hover."""

import pytest

from components.calibration_curve import calibration_figure

LABELS = {
    "predicted_title": "Risque prédit",
    "observed_title": "Taux observé",
    "model_name": "Modèle",
    "perfect_name": "Calibration parfaite",
    "count_label": "Demandes :",
}


def test_bins_are_drawn_in_percent_with_their_counts():
    fig = calibration_figure([0.02, 0.1, 0.3], [0.03, 0.09, 0.33], [100, 100, 100], **LABELS)
    diagonal, model = fig.data
    assert model.x == pytest.approx((2, 10, 30)) and model.y == pytest.approx((3, 9, 33))
    assert list(model.customdata) == [100, 100, 100]
    assert model.name == "Modèle" and diagonal.name == "Calibration parfaite"


def test_the_diagonal_spans_both_axes_at_the_same_scale():
    fig = calibration_figure([0.05, 0.2], [0.1, 0.4], [10, 10], **LABELS)
    diagonal = fig.data[0]
    top = diagonal.x[1]
    assert diagonal.y[1] == top and top >= 40
    assert list(fig.layout.xaxis.range) == list(fig.layout.yaxis.range) == [0, top]
    assert fig.layout.yaxis.scaleanchor == "x"


def test_line_style_not_colour_tells_the_model_from_the_diagonal():
    diagonal, model = calibration_figure([0.1], [0.1], [5], **LABELS).data
    assert diagonal.line.dash == "dot" and model.line.dash is None
    assert model.marker.symbol == "square"
