import json

import numpy as np
import pytest

from model_training.concepts import BY_KEY, CONCEPTS, UnknownConcept, concept_of, matching_concepts
from model_training.data import typed_frame
from model_training.features.application import application_features


def _model_features(trained_artifacts) -> list[str]:
    return json.loads((trained_artifacts / "serving.json").read_text())["feature_names"]


def test_every_feature_of_the_model_belongs_to_exactly_one_concept(trained_artifacts):
    application = list(application_features(typed_frame("application_test", [{"SK_ID_CURR": 1}])).columns[1:])
    names = set(_model_features(trained_artifacts)) | set(application)
    assert len(names) > 300
    several = {n: matching_concepts(n) for n in names if len(matching_concepts(n)) != 1}
    assert several == {}


def test_side_tables_go_to_who_lent():
    assert concept_of("BUREAU_ACTIVE_AMT_CREDIT_SUM_DEBT_SUM") == "other_lenders"
    assert concept_of("BUREAU_BAL_DPD_SHARE_MAX") == "other_lenders"
    assert concept_of("AMT_REQ_CREDIT_BUREAU_YEAR") == "other_lenders"
    assert concept_of("INST_LATE_SHARE") == "history_with_us"
    assert concept_of("CC_UTILISATION_MEAN") == "history_with_us"
    assert concept_of("PREV_REFUSED_COUNT") == "earlier_applications"
    assert {
        concept_of(n) for n in ("EXT_SOURCE_1", "APP_EXT_SOURCE_MIN", "APP_EXT_SOURCE_MISSING_COUNT")
    } == {"external_scores"}
    assert concept_of("DAYS_LAST_PHONE_CHANGE") == "documents"  # a phone number is a contact, not a reason


def test_an_unknown_name_is_refused_by_name():
    with pytest.raises(UnknownConcept, match="NEW_THING: no concept"):
        concept_of("NEW_THING")


def test_every_concept_has_words_in_both_languages():
    assert len(BY_KEY) == len(CONCEPTS) == 10
    for concept in CONCEPTS:
        assert concept.fr and concept.en and concept.fr != concept.en and "_" not in concept.fr + concept.en


def test_concept_sums_equal_feature_sums_on_the_trained_model(trained_artifacts):
    from app.artifacts import load_artifacts
    from app.scoring import ScoringService

    artifacts = load_artifacts(trained_artifacts)
    service = ScoringService(artifacts)
    for client_id in artifacts.production.get_column("SK_ID_CURR").to_list()[:25]:
        explanation = service.explain_client(client_id)
        parts = explanation.concepts("fr")
        by_feature = np.zeros(len(CONCEPTS))
        keys = [c.key for c in CONCEPTS]
        for name, value in zip(explanation.catalog.names, explanation.contributions, strict=True):
            by_feature[keys.index(concept_of(name))] += value
        for part in parts:
            assert part.contribution == pytest.approx(by_feature[keys.index(part.concept)], abs=1e-12)
        assert sum(p.points for p in parts) == pytest.approx(
            explanation.score.probability - explanation.base_probability, abs=1e-12
        )
        assert sorted(i for p in parts for i in p.features) == list(range(len(explanation.catalog.names)))
