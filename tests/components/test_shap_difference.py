import pytest

from components.shap_difference import largest_differences, shap_difference
from components.waterfall import Step

TEXTS = {
    "first_label": "Client 1",
    "second_label": "Client 2",
    "difference_label": "Écart",
    "axis_title": "x",
}
NBSP = "\u00a0"


def test_rows_are_the_largest_differences_with_missing_bars_as_zero():
    a = [Step("A", "a", 0.5), Step("B", "b", 0.1), Step("C", "c", 0.0)]
    b = [Step("A", "a", 0.4), Step("B", "b", -0.4), Step("D", "d", 0.3)]
    rows = largest_differences(a, b, 3)
    assert rows == [("b", 0.1, -0.4), ("d", 0.0, 0.3), ("a", 0.5, 0.4)]


def test_in_log_odds_two_bar_traces_and_a_difference_trace():
    a = [Step("A", "a", 0.5), Step("B", "b", 0.1)]
    b = [Step("A", "a", 0.2), Step("B", "b", 0.3)]
    figure = shap_difference(a, b, scale="log_odds", **TEXTS)
    first, second, difference = figure.data
    assert (first.name, second.name, difference.name) == ("Client 1", "Client 2", "Écart")
    assert first.marker.pattern.shape != second.marker.pattern.shape
    assert list(difference.x) == pytest.approx([0.3, -0.2])
    assert list(difference.text) == ["+0,30", "\u22120,20"]
    assert difference.marker.symbol == "diamond"


def test_by_concept_the_bars_are_points_of_risk():
    a = [Step("loan", "Le crédit", 0.062), Step("income", "Revenus", -0.004)]
    b = [Step("loan", "Le crédit", 0.01), Step("income", "Revenus", 0.0)]
    figure = shap_difference(a, b, **TEXTS)
    first, _, difference = figure.data
    assert list(first.x) == pytest.approx([6.2, -0.4])  # drawn in points
    assert list(first.customdata) == [f"+6,2{NBSP}pts", f"\u22120,4{NBSP}pt"]
    assert list(difference.text) == [f"+5,2{NBSP}pts", f"\u22120,4{NBSP}pt"]
