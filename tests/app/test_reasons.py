import numpy as np
import pytest

from app.explanation import Explanation, Score
from app.labels import FeatureCatalog, is_code
from app.reasons import principal_reasons
from model_training.features.application import CATEGORICAL_FEATURES

NAMES = [
    "EXT_SOURCE_2",
    "AMT_CREDIT",
    "NAME_EDUCATION_TYPE",
    "EXT_SOURCE_1",
    "APP_EMPLOYED_YEARS",
    "FLAG_PHONE",
]
SECONDARY = float(CATEGORICAL_FEATURES["NAME_EDUCATION_TYPE"].index("Secondary / secondary special"))


@pytest.fixture
def explanation() -> Explanation:
    catalog = FeatureCatalog.build(NAMES, CATEGORICAL_FEATURES).with_typical(
        {"EXT_SOURCE_2": (0.4, 0.65), "AMT_CREDIT": (300_000, 700_000), "APP_EMPLOYED_YEARS": (2.0, 8.0)}
    )
    return Explanation(
        score=Score(client_id=1, probability=0.3, threshold=0.1, model_version="3"),
        base_value=-2.4,
        contributions=np.array([0.6, -0.2, 0.3, 0.1, -0.4, 0.0]),
        values=np.array([0.21, 250_000.0, SECONDARY, np.nan, 12.0, 1.0], dtype=np.float32),
        catalog=catalog,
    )


def test_the_strongest_factors_each_way_in_plain_french(explanation):
    reasons = principal_reasons(explanation, "fr", n=3)
    assert [r.sentence for r in reasons.raising] == [
        "Score externe 2 faible (0,21)\u00a0: augmente le risque",
        "Niveau d’études «\u00a0Secondaire\u00a0»\u00a0: augmente le risque",
        "Score externe 1 non renseigné\u00a0: augmente le risque",
    ]
    assert [r.sentence for r in reasons.lowering] == [
        "Ancienneté dans l’emploi élevée (12\u00a0ans)\u00a0: réduit le risque",
        "Montant du crédit faible (250\u202f000\u00a0€)\u00a0: réduit le risque",
    ]


def test_english_sentences(explanation):
    reasons = principal_reasons(explanation, "en", n=1)
    assert reasons.raising[0].sentence == "External score 2 is low (0.21): raises the risk"
    assert reasons.lowering[0].sentence == "Time in current job is high (12 years): lowers the risk"


def test_a_feature_that_does_not_move_the_score_is_no_reason(explanation):
    reasons = principal_reasons(explanation, "fr", n=10)
    assert "FLAG_PHONE" not in {r.feature for r in reasons.raising + reasons.lowering}
    assert len(reasons.raising) == 3 and len(reasons.lowering) == 2


def test_no_code_reaches_the_client(explanation):
    reasons = principal_reasons(explanation, "fr", n=3)
    for reason in reasons.raising + reasons.lowering:
        assert reason.feature not in reason.sentence
        assert not is_code(reason.label)


def test_explanation_adds_up_to_the_probability(explanation):
    assert explanation.log_odds == pytest.approx(-2.4 + 0.4)
    assert [f.feature for f in explanation.factors(n=2)] == ["EXT_SOURCE_2", "APP_EMPLOYED_YEARS"]
    assert explanation.as_dict("en", n=1)["contributions"][0]["label"] == "External score 2"
