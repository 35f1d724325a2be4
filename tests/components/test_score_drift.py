"""The score-drift figure: shares on shared bins, told apart by pattern as well as colour."""

import numpy as np
import pytest

from components import palette
from components.score_drift import score_drift, shared_edges, shares

LABELS = {
    "reference_label": "Référence",
    "current_label": "Production",
    "axis_title": "Risque",
    "share_title": "Part des clients",
}


def figure(reference, current, **options):
    return score_drift(reference, current, **LABELS, **options)


def test_each_side_is_drawn_as_shares_of_its_own_population():
    rng = np.random.default_rng(0)
    fig = figure(rng.beta(2, 20, 5000), rng.beta(2, 15, 300), bins=20)
    reference, current = fig.data
    assert reference.name == "Référence" and current.name == "Production"
    assert sum(reference.y) == pytest.approx(100) and sum(current.y) == pytest.approx(100)
    assert len(reference.x) == len(current.x) == 20
    assert list(reference.x) == list(current.x)


def test_colour_is_never_the_only_cue():
    reference, current = figure([0.1, 0.2], [0.3, 0.4]).data
    assert reference.marker.color == palette.SAFE and current.marker.color == palette.RISKY
    assert reference.marker.pattern.shape != current.marker.pattern.shape


def test_bins_run_from_zero_past_the_highest_score_of_either_side():
    edges = shared_edges(np.array([0.05, 0.1]), np.array([0.42]), bins=10)
    assert edges[0] == 0 and edges[-1] == pytest.approx(0.45)
    assert len(edges) == 11


def test_missing_scores_are_ignored_and_an_empty_side_draws_nothing():
    fig = figure([0.1, np.nan, 0.2], [], bins=5)
    reference, current = fig.data
    assert sum(reference.y) == pytest.approx(100)
    assert sum(current.y) == 0


def test_shares_count_values_on_the_top_edge():
    edges = np.linspace(0, 1, 5)
    assert shares(np.array([0.0, 1.0, 1.0, 0.3]), edges).tolist() == [0.25, 0.25, 0, 0.5]


def test_axes_and_numbers_follow_the_language():
    french = figure([0.1], [0.2], lang="fr").layout
    english = figure([0.1], [0.2], lang="en").layout
    assert french.separators == ",\u202f" and english.separators == ".,"
    assert french.xaxis.title.text == "Risque" and french.yaxis.title.text == "Part des clients"
    assert english.yaxis.ticksuffix == "%"
