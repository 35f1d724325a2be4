"""Concept importance over the SHAP background: each applicant's concept steps as their own waterfall shows
them, averaged; computed from the exact contributions, not by adding features' mean |SHAP|."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from app import create_app
from app.concept_importance import background_importance, concept_importance
from app.services import get_services
from model_training.concepts import CONCEPTS


@pytest.fixture(scope="module")
def services(trained_artifacts, app_settings):
    app = create_app(trained_artifacts, app_settings)
    with app.server.app_context():
        yield get_services()


def rows_of(services, n: int) -> np.ndarray:
    names = services.scoring.feature_names
    return services.artifacts.background.select(names).head(n).to_numpy().astype(np.float32)


def test_one_applicants_importance_is_the_size_of_their_waterfalls_steps(services):
    """For one applicant, the mean |points| is exactly |their concept's points| as the explanation page
    draws them (Explanation.concepts, through the scoring service's own path)."""
    scoring = services.scoring
    for row in rows_of(services, 3):
        found = {c.concept: c for c in concept_importance(scoring.scorer, row[None, :])}
        explained = scoring.explain_features(row[None, :], None)
        for part in explained.concepts("fr"):
            assert found[part.concept].mean_points == pytest.approx(abs(part.points), abs=1e-12)
            assert found[part.concept].mean_log_odds == pytest.approx(abs(part.contribution), abs=1e-9)


def test_concepts_are_ranked_and_never_count_more_than_their_features(services):
    scorer = services.scoring.scorer
    rows = rows_of(services, 200)
    found = concept_importance(scorer, rows)
    assert {c.concept for c in found} <= {c.key for c in CONCEPTS} and len(found) >= 5
    assert [c.mean_points for c in found] == sorted((c.mean_points for c in found), reverse=True)
    _, contributions, _ = scorer.explained(rows)
    per_feature = np.abs(contributions).mean(axis=0)
    position = {name: i for i, name in enumerate(scorer.feature_names)}
    for concept in found:  # mean |sum| ≤ sum of mean |feature|: adding features' importances overstates
        assert concept.mean_log_odds <= per_feature[[position[f] for f in concept.features]].sum() + 1e-9


def test_the_background_is_read_once_and_without_one_nothing_is_claimed(services):
    scorer = services.scoring.scorer
    count, found = background_importance(scorer, services.artifacts.background)
    assert count == services.artifacts.background.height and found
    assert background_importance(scorer, services.artifacts.background)[1] is found  # computed once
    other = type(scorer)(scorer.booster, scorer.calibration, scorer.feature_names, scorer.threshold)
    assert background_importance(other, None) == (0, [])
    assert background_importance(other, pl.DataFrame()) == (0, [])
    assert concept_importance(scorer, np.empty((0, len(scorer.feature_names)), dtype=np.float32)) == []
