import re

import numpy as np
import pytest

from app.explanation import Explanation, Score, probability_points, probability_steps
from app.labels import FeatureCatalog, is_code
from app.reasons import principal_reasons
from model_training.calibration import sigmoid
from model_training.features.application import CATEGORICAL_FEATURES

NAMES = [
    "EXT_SOURCE_2",
    "AMT_CREDIT",
    "NAME_EDUCATION_TYPE",
    "EXT_SOURCE_1",
    "APP_EXT_SOURCE_MIN",
    "APP_EMPLOYED_YEARS",
    "FLAG_PHONE",
]
SECONDARY = float(CATEGORICAL_FEATURES["NAME_EDUCATION_TYPE"].index("Secondary / secondary special"))
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture
def explanation() -> Explanation:
    reference = {
        "EXT_SOURCE_2": np.linspace(0.01, 1.0, 100),
        "APP_EXT_SOURCE_MIN": np.linspace(0.01, 1.0, 100),
        "AMT_CREDIT": np.linspace(50_000, 1_000_000, 100),
        "APP_EMPLOYED_YEARS": np.linspace(0.0, 20.0, 100),
    }
    catalog = FeatureCatalog.build(NAMES, CATEGORICAL_FEATURES).with_reference(reference)
    return Explanation(
        score=Score(client_id=1, probability=sigmoid(-2.4 + 0.6), threshold=0.1, model_version="3"),
        base_value=-2.4,
        # external scores: 0.6 + 0.1 + 0.2 = 0.9; education (work) +0.3 ... employment -0.4 → work -0.1
        contributions=np.array([0.6, -0.2, 0.3, 0.1, 0.2, -0.4, 0.0]),
        values=np.array([0.05, 150_000.0, SECONDARY, np.nan, 0.03, 17.0, 1.0], dtype=np.float32),
        catalog=catalog,
    )


def test_concepts_add_up_to_the_features_and_to_the_probability(explanation):
    parts = {p.concept: p for p in explanation.concepts("fr")}
    assert set(parts) == {"external_scores", "loan", "work", "documents"}
    assert parts["external_scores"].contribution == pytest.approx(0.6 + 0.1 + 0.2)
    assert parts["work"].contribution == pytest.approx(0.3 - 0.4)
    assert sum(p.contribution for p in parts.values()) == pytest.approx(explanation.contributions.sum())
    steps = sum(p.points for p in parts.values())
    assert steps == pytest.approx(explanation.score.probability - explanation.base_probability, abs=1e-15)


def test_probability_points_add_up_keep_signs_and_need_no_order():
    contributions = np.array([0.9, -1.1, 0.4, -0.05, 1.3])
    points = probability_points(-2.0, contributions)
    assert points.sum() == pytest.approx(sigmoid(-2.0 + contributions.sum()) - sigmoid(-2.0), abs=1e-15)
    assert list(np.sign(points)) == list(np.sign(contributions))
    order = np.array([3, 0, 4, 1, 2])
    assert probability_points(-2.0, contributions[order]) == pytest.approx(points[order], abs=1e-15)
    assert probability_points(-2.0, np.array([0.7])) == pytest.approx([sigmoid(-1.3) - sigmoid(-2.0)])


def test_probability_steps_keep_each_sign_and_end_on_the_probability():
    steps = probability_steps(-2.0, np.array([0.8, -0.3, 0.05]))
    assert [s > 0 for s in steps] == [True, False, True]
    assert steps.sum() == pytest.approx(sigmoid(-2.0 + 0.55) - sigmoid(-2.0), abs=1e-15)


def test_one_reason_per_concept_in_plain_french(explanation):
    reasons = principal_reasons(explanation, "fr", n=3)
    assert [r.concept for r in reasons.raising] == ["external_scores"]
    assert [r.concept for r in reasons.lowering] == ["loan", "work"]
    first = reasons.raising[0]
    assert first.feature == "EXT_SOURCE_2"  # the concept's feature pushing its way the most
    assert first.sentence.startswith(
        f"Scores de crédit externes — score externe 2{NBSP}: parmi les 10{NNBSP}%"
    )
    assert first.sentence.endswith(
        f"Augmente le risque de {first.points * 100:.1f}{NBSP}points.".replace(".", ",", 1)
    )
    assert reasons.lowering[0].sentence.startswith(
        f"Le crédit demandé : montant, durée, mensualité — montant du crédit{NBSP}: parmi les 20{NNBSP}%"
    )


def test_english_sentences(explanation):
    reasons = principal_reasons(explanation, "en", n=1)
    assert reasons.raising[0].sentence.startswith(
        "External credit scores — external score 2: among the lowest 10% of applicants. Raises the risk by "
    )


def test_no_raw_model_value_and_no_code_reach_the_client(explanation):
    """The external score 0.05 is never written; the only figures are the band and the points."""
    for lang in ("fr", "en"):
        reasons = principal_reasons(explanation, lang, n=3)
        for reason in reasons.raising + reasons.lowering:
            assert "0,05" not in reason.sentence and "0.05" not in reason.sentence
            assert reason.feature not in reason.sentence and not is_code(reason.label)
            told = reason.sentence.replace(reason.feature_label[1:], "")  # "score externe 2" is a name
            figures = re.findall(r"\d+(?:[.,]\d+)?", told)
            assert set(figures) <= {"10", "20", f"{abs(reason.points) * 100:.1f}".replace(".", ",")} | {
                f"{abs(reason.points) * 100:.1f}"
            }


def test_a_typical_value_is_never_called_low(explanation):
    reasons = principal_reasons(explanation, "fr", n=3)
    work = next(r for r in reasons.lowering if r.concept == "work")
    assert work.feature == "APP_EMPLOYED_YEARS" and work.standing == "highest20"  # 17 years of 0..20
    assert "faible" not in work.sentence


def test_explanation_answer_carries_concepts(explanation):
    answer = explanation.as_dict("en", n=2)
    concepts = answer["concepts"]
    assert {c["concept"] for c in concepts} == {"external_scores", "loan", "work", "documents"}
    assert all(c["label"] and c["features"] for c in concepts)
    assert [c["concept"] for c in answer["contributions"]] == ["external_scores", "work"]
