import pytest

from components.gauge import gauge, gauge_range, threshold_caption


def test_gauge_marks_the_threshold_and_shows_the_probability_in_percent():
    figure = gauge(0.12, 0.09, title="Risque", threshold_label="Seuil : 9 %")
    indicator = figure.data[0]
    assert indicator.value == pytest.approx(12)
    assert indicator.gauge.threshold.value == pytest.approx(9)
    assert indicator.gauge.steps[0].range == (0, pytest.approx(9))
    assert figure.layout.annotations[0].text == "Seuil : 9 %"
    assert figure.layout.separators == ",\u202f"


@pytest.mark.parametrize(
    ("probability", "threshold", "upper"),
    [(0.05, 0.09, 0.3), (0.45, 0.09, 0.5), (0.95, 0.09, 1.0), (0.01, 0.02, 0.1)],
)
def test_gauge_range_spans_three_thresholds_or_the_client(probability, threshold, upper):
    assert gauge_range(probability, threshold) == pytest.approx(upper)
    assert gauge_range(probability, threshold) >= probability


def test_threshold_caption_has_the_one_decimal_every_risk_has():
    assert threshold_caption(0.085, "Seuil : {threshold}") == "Seuil : 8,5\u202f%"
    assert threshold_caption(0.25, "Threshold: {threshold}", "en") == "Threshold: 25.0%"
