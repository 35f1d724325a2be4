import numpy as np
import pytest

from components.score_distribution import score_distribution, threshold_bin_edges

TEXTS = {
    "accepted_label": "Accordé",
    "refused_label": "Refusé",
    "threshold_label": "Seuil 9 %",
    "axis_title": "Risque",
    "count_title": "Clients",
}


def scores(n=10_000):
    return np.random.default_rng(0).beta(1.2, 12, n)


def test_threshold_is_a_bin_edge():
    edges = threshold_bin_edges(scores(), 0.09, 50)
    assert np.any(np.isclose(edges, 0.09))
    assert edges[0] == 0 and edges[-1] >= scores().max()
    assert 40 <= len(edges) - 1 <= 60


def test_bars_split_at_the_threshold_and_count_every_client():
    values = scores()
    figure = score_distribution(values, 0.09, **TEXTS)
    accepted, refused = figure.data
    assert accepted.name == "Accordé" and refused.name == "Refusé"
    assert sum(accepted.y) == (values < 0.09).sum()
    assert sum(accepted.y) + sum(refused.y) == values.size
    assert refused.marker.pattern.shape == "/" and not accepted.marker.pattern.shape


def test_figure_stays_light_at_full_scale():
    figure = score_distribution(np.random.default_rng(1).beta(1.2, 12, 307_511), 0.09, **TEXTS)
    assert sum(len(trace.x) for trace in figure.data) <= 70
    assert len(figure.to_json()) < 50_000


def test_threshold_and_client_lines():
    figure = score_distribution(scores(), 0.09, client_score=0.2, client_label="Client 20 %", **TEXTS)
    assert [s.x0 for s in figure.layout.shapes] == [pytest.approx(9), pytest.approx(20)]
    assert {a.text for a in figure.layout.annotations} == {"Seuil 9 %", "Client 20 %"}


def test_missing_scores_are_ignored():
    figure = score_distribution([0.01, np.nan, 0.5], 0.09, **TEXTS)
    assert sum(figure.data[0].y) + sum(figure.data[1].y) == 2
