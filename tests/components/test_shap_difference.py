import pytest

from components.shap_difference import largest_differences, shap_difference
from components.waterfall import Contribution

TEXTS = {
    "first_label": "Client 1",
    "second_label": "Client 2",
    "difference_label": "Écart",
    "axis_title": "x",
}


def test_rows_are_the_largest_differences_with_missing_features_as_zero():
    a = [Contribution("A", "a", 0.5), Contribution("B", "b", 0.1), Contribution("C", "c", 0.0)]
    b = [Contribution("A", "a", 0.4), Contribution("B", "b", -0.4), Contribution("D", "d", 0.3)]
    rows = largest_differences(a, b, 3)
    assert rows == [("b", 0.1, -0.4), ("d", 0.0, 0.3), ("a", 0.5, 0.4)]


def test_two_bar_traces_and_a_difference_trace():
    a = [Contribution("A", "a", 0.5), Contribution("B", "b", 0.1)]
    b = [Contribution("A", "a", 0.2), Contribution("B", "b", 0.3)]
    figure = shap_difference(a, b, **TEXTS)
    first, second, difference = figure.data
    assert (first.name, second.name, difference.name) == ("Client 1", "Client 2", "Écart")
    assert first.marker.pattern.shape != second.marker.pattern.shape
    assert list(difference.x) == pytest.approx([0.3, -0.2])
    assert difference.marker.symbol == "diamond"
