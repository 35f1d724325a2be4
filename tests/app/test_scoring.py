import math

import numpy as np
import polars as pl
import pytest

from app.artifacts import load_artifacts
from app.explanation import sigmoid
from app.scoring import ScoringService, UnknownClient
from app.validation import FieldErrors


@pytest.fixture(scope="module")
def artifacts(trained_artifacts):
    return load_artifacts(trained_artifacts)


@pytest.fixture(scope="module")
def service(artifacts):
    return ScoringService(artifacts)


@pytest.fixture(scope="module")
def client_ids(artifacts) -> list[int]:
    return [int(i) for i in artifacts.production_features.ids[:20]]


def by_hand(artifacts, features: np.ndarray) -> float:
    """Booster raw log-odds + Platt calibration, with nothing of the app in between."""
    raw = float(artifacts.booster.predict(features, raw_score=True)[0])
    return sigmoid(artifacts.model.calibration_a * raw + artifacts.model.calibration_b)


def test_score_is_the_booster_and_calibration_by_hand(artifacts, service, client_ids):
    for client_id in client_ids:
        features = artifacts.production_features.row(client_id)
        assert service.score_client(client_id).probability == pytest.approx(
            by_hand(artifacts, features), abs=1e-9
        )


def test_score_matches_the_exported_production_probability(artifacts, service, client_ids):
    stored = artifacts.production.filter(pl.col("SK_ID_CURR").is_in(client_ids)).sort("SK_ID_CURR")
    for client_id, probability in stored.select("SK_ID_CURR", "probability").iter_rows():
        assert service.score_client(client_id).probability == pytest.approx(probability, abs=1e-6)


def test_explanation_adds_up_exactly_to_the_calibrated_log_odds(service, client_ids):
    for client_id in client_ids:
        explanation = service.explain_client(client_id)
        p = explanation.score.probability
        assert explanation.log_odds == pytest.approx(math.log(p / (1 - p)), abs=1e-9)
        assert len(explanation.contributions) == len(service.feature_names)


def test_decision_and_distance_follow_the_threshold(service, client_ids):
    for client_id in client_ids:
        score = service.score_client(client_id)
        assert score.decision == ("refuse" if score.probability >= score.threshold else "accept")
        assert score.distance == pytest.approx(score.probability - score.threshold)
        assert score.model_version == service.model.version


def test_unknown_client(service):
    with pytest.raises(UnknownClient):
        service.score_client(1)


def test_what_if_without_change_is_the_stored_score(service, client_ids):
    for client_id in client_ids:
        assert service.what_if(client_id, {}).score.probability == pytest.approx(
            service.score_client(client_id).probability, abs=1e-9
        )


def test_what_if_recomputes_the_application_features_and_keeps_the_history(service, client_ids):
    client_id = client_ids[0]
    stored = service.stored_application(client_id)
    changed = service.what_if(
        client_id, {"AMT_CREDIT": stored["AMT_CREDIT"] * 2, "AMT_ANNUITY": stored["AMT_ANNUITY"]}
    )
    before = service.explain_client(client_id)
    names = list(service.feature_names)
    assert changed.values[names.index("AMT_CREDIT")] == pytest.approx(stored["AMT_CREDIT"] * 2)
    side = [i for i, n in enumerate(names) if n not in service.application_features]
    np.testing.assert_array_equal(changed.values[side], before.values[side])


def test_what_if_rejects_impossible_changes_field_by_field(service, client_ids):
    with pytest.raises(FieldErrors) as raised:
        service.what_if(client_ids[0], {"AMT_INCOME_TOTAL": -1, "AMT_CREDIT": "a lot", "FOO": 1}, lang="en")
    assert set(raised.value.errors) == {"AMT_INCOME_TOTAL", "AMT_CREDIT", "FOO"}
    with pytest.raises(FieldErrors, match="AMT_ANNUITY"):
        service.what_if(client_ids[0], {"AMT_CREDIT": 1000.0, "AMT_ANNUITY": 5000.0})
    with pytest.raises(UnknownClient):
        service.what_if(1, {})


def test_many_variants_of_an_application_score_as_each_alone(service, client_ids):
    """Recourse types a hundred variants at once: the first row typed once, only the varied fields row by
    row; the features are those of typing each row whole."""
    client_id = client_ids[1]
    base = service.stored_application(client_id)
    rows = [
        base,
        {**base, "AMT_CREDIT": 100_000.0, "AMT_ANNUITY": 20_000.0},
        {**base, "AMT_CREDIT": 400_000.0, "AMT_GOODS_PRICE": None},
        {**base, "NAME_EDUCATION_TYPE": "Higher education", "EXT_SOURCE_1": float("nan")},
    ]
    together = service._changed_features(client_id, rows)
    alone = np.vstack([service._changed_features(client_id, [row]) for row in rows])
    np.testing.assert_array_equal(together, alone)
    single = [service.what_if(client_id, {"AMT_CREDIT": c}).score.probability for c in (100_000.0, 400_000.0)]
    varied = [{**base, "AMT_CREDIT": c} for c in (100_000.0, 400_000.0)]
    np.testing.assert_allclose(
        service.probabilities(service._changed_features(client_id, varied)), single, atol=0
    )


def test_a_new_application_has_no_history(artifacts, service, client_ids):
    client_id = client_ids[2]
    fields = {k: v for k, v in service.stored_application(client_id).items() if v is not None}
    explanation = service.score_application(fields)
    features = artifacts.production_features.row(client_id).copy()
    side = [i for i, n in enumerate(service.feature_names) if n not in service.application_features]
    features[:, side] = np.nan
    assert explanation.score.probability == pytest.approx(by_hand(artifacts, features), abs=1e-9)
    assert explanation.score.client_id == client_id


def test_a_new_application_with_bad_fields(service):
    with pytest.raises(FieldErrors) as raised:
        service.score_application({"AMT_CREDIT": -5, "NAME_CONTRACT_TYPE": "Mortgage", "X": 1})
    assert set(raised.value.errors) == {"AMT_CREDIT", "NAME_CONTRACT_TYPE", "X"}


def test_reference_clients_are_explained_from_their_exported_features(artifacts, service):
    client_id = int(artifacts.reference["SK_ID_CURR"][0])
    explanation = service.explain_client(client_id)
    assert 0 <= explanation.score.probability <= 1
    assert service.knows(client_id) and not service.is_production_client(client_id)


def test_explanations_are_cached_inside_the_app(trained_artifacts, client_ids, monkeypatch, app_settings):
    from app import create_app
    from app.services import services_of

    app = create_app(trained_artifacts, app_settings)
    scoring = services_of(app.server).scoring
    calls = []
    original = scoring.artifacts.booster.predict
    monkeypatch.setattr(
        scoring.artifacts.booster, "predict", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    with app.server.app_context():
        first = scoring.explain_client(client_ids[3])
        second = scoring.explain_client(client_ids[3])
    assert len(calls) == 1
    assert second.score == first.score
    np.testing.assert_array_equal(second.contributions, first.contributions)
