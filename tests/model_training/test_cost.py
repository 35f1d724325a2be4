"""Business cost and threshold scan, checked against values computed by hand."""

import numpy as np
import pytest

from model_training.cost import business_cost, cost_at_threshold, cost_curve, optimal_threshold

# Five applicants, two defaults, scores already sorted: the costs below are counted by hand.
Y = np.array([1, 0, 0, 1, 0])
P = np.array([0.9, 0.8, 0.3, 0.2, 0.1])


def test_business_cost_counts_false_negatives_ten_times():
    # FN = 1 (second default accepted), FP = 1 (first good client refused): (10 + 1) / 4.
    assert business_cost([1, 1, 0, 0], [1, 0, 1, 0]) == pytest.approx(2.75)
    assert business_cost([1, 1, 0, 0], [1, 0, 1, 0], cost_fn=5, cost_fp=2) == pytest.approx(7 / 4)


def test_cost_curve_by_hand():
    thresholds, costs = cost_curve(Y, P)
    # refuse all | refuse >= 0.15 | >= 0.25 | >= 0.55 | >= 0.85 | accept all
    np.testing.assert_allclose(thresholds[1:-1], [0.15, 0.25, 0.55, 0.85])
    assert thresholds[0] <= 0.1 and thresholds[-1] > 1.0
    np.testing.assert_allclose(costs, [0.6, 0.4, 2.4, 2.2, 2.0, 4.0])


def test_optimal_threshold_by_hand():
    choice = optimal_threshold(Y, P)
    assert choice.threshold == pytest.approx(0.15)
    assert choice.cost == pytest.approx(0.4)
    assert choice.cost_accept_all == pytest.approx(4.0)
    assert choice.cost_refuse_all == pytest.approx(0.6)
    assert choice.gain_over_accept_all == pytest.approx(3.6)
    assert choice.gain_over_refuse_all == pytest.approx(0.2)


def test_cost_weights_move_the_threshold():
    # With a false negative as cheap as a false positive, refusing only the top score is best (FN = 1).
    choice = optimal_threshold(Y, P, cost_fn=1, cost_fp=1)
    assert choice.cost == pytest.approx(1 / 5)
    assert choice.threshold == pytest.approx(0.85)


def test_tied_scores_always_get_the_same_decision():
    thresholds, costs = cost_curve([1, 0, 0], [0.5, 0.5, 0.1])
    assert len(thresholds) == 3
    np.testing.assert_allclose(costs, [2 / 3, 1 / 3, 10 / 3])


def test_scan_matches_brute_force_on_random_scores():
    rng = np.random.default_rng(0)
    y = rng.random(500) < 0.1
    p = np.round(rng.random(500), 2)  # rounding makes ties
    thresholds, costs = cost_curve(y, p, cost_fn=10, cost_fp=1)
    brute = [cost_at_threshold(y, p, t) for t in thresholds]
    np.testing.assert_allclose(costs, brute)
    best = optimal_threshold(y, p)
    assert best.cost == pytest.approx(min(cost_at_threshold(y, p, t) for t in np.unique(p)))
