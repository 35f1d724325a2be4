"""Explanation.feature_points: a concept opened shows its features' steps, which add up to its bar."""

import numpy as np
import pytest

from app.explanation import Explanation, Score
from app.labels import FeatureCatalog
from model_training.calibration import sigmoid

NAMES = ["EXT_SOURCE_2", "EXT_SOURCE_3", "AMT_CREDIT", "AMT_ANNUITY", "FLAG_PHONE"]


@pytest.fixture
def explanation() -> Explanation:
    contributions = np.array([0.6, -0.2, 0.3, 0.1, -0.05])
    return Explanation(
        score=Score(1, sigmoid(-2.4 + contributions.sum()), 0.1, "3"),
        base_value=-2.4,
        contributions=contributions,
        values=np.array([0.1, 0.5, 300_000.0, 20_000.0, 1.0], dtype=np.float32),
        catalog=FeatureCatalog.build(NAMES),
    )


def test_each_concepts_feature_steps_add_up_to_its_points(explanation):
    parts = explanation.concepts("fr")
    walks = explanation.feature_points(parts)
    assert [len(w) for w in walks] == [len(p.features) for p in parts]
    for part, steps in zip(parts, walks, strict=True):
        assert steps.sum() == pytest.approx(part.points, abs=1e-15)
        # each feature keeps the sign of its contribution
        assert list(np.sign(steps)) == list(np.sign(explanation.contributions[list(part.features)]))
    total = sum(float(w.sum()) for w in walks)
    assert abs(explanation.base_probability + total - explanation.score.probability) < 1e-12


def test_features_inside_a_concept_are_walked_most_influential_first(explanation):
    scores = next(p for p in explanation.concepts("fr") if p.concept == "external_scores")
    assert [explanation.catalog.names[i] for i in scores.features] == ["EXT_SOURCE_2", "EXT_SOURCE_3"]
