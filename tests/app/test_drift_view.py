"""The drift page's data, shaped without Dash: the score's shift and the columns' reading order."""

import dataclasses

import numpy as np
import pytest

from app.drift_view import score_shift, severity, sorted_columns
from model_training.contract.drift_summary import (
    ColumnDrift,
    DatasetDrift,
    DriftData,
    DriftModel,
    DriftSide,
    DriftSummary,
    ScoreDrift,
)
from model_training.drift_summary import population_stability_index, psi_reading

SIDE = DriftSide(table="application_train", rows=10, rows_compared=10, sample=None)
SCORE = ScoreDrift(
    column="model_score",
    psi=0.3,
    reading="significant",
    bins=10,
    method="psi_reference_deciles",
    threshold=0.1,
    drifted=True,
    reference="out-of-fold probability",
    current="probability",
)
SUMMARY = DriftSummary(
    built_at="2026-01-01T00:00:00+00:00",
    evidently_version="0.7.23",
    data=DriftData(folder="/data", reference=SIDE, current=SIDE),
    model=DriftModel(used=True, artifacts="/a", note="", top_features=("EXT_SOURCE_1",)),
    dataset=DatasetDrift(
        drifted=True, drifted_columns=1, drifted_share=0.5, drift_share_threshold=0.5, test="share", columns=2
    ),
    score=SCORE,
    columns=(),
    not_compared=(),
)
RNG = np.random.default_rng(0)
REFERENCE, CURRENT = RNG.beta(1, 10, 2000), RNG.beta(1.5, 10, 1000)


def column(name: str, drifted: bool, score: float, importance: float | None, kind: str = "distance"):
    return ColumnDrift(
        column=name,
        source="application",
        type="numerical",
        method="Wasserstein distance (normed)",
        score_kind=kind,
        drift_score=score,
        threshold=0.1 if kind == "distance" else 0.05,
        drifted=drifted,
        importance=importance,
    )


def test_the_score_shift_is_the_summarys_psi_when_it_has_one():
    shift = score_shift(SUMMARY, REFERENCE, CURRENT)
    assert (shift.psi, shift.reading) == (0.3, "significant")
    assert shift.reference_mean == pytest.approx(REFERENCE.mean())
    assert shift.current_mean == pytest.approx(CURRENT.mean())


def test_without_a_score_in_the_summary_the_psi_is_computed_from_the_scores():
    shift = score_shift(dataclasses.replace(SUMMARY, score=None), REFERENCE, CURRENT)
    assert shift.psi == pytest.approx(population_stability_index(REFERENCE, CURRENT))
    assert shift.reading == psi_reading(shift.psi)


def test_an_unknown_reading_is_read_again_from_the_psi():
    summary = dataclasses.replace(SUMMARY, score=dataclasses.replace(SCORE, psi=0.01, reading="?"))
    assert score_shift(summary, REFERENCE, CURRENT).reading == "stable"


def test_columns_read_drifted_and_used_first_then_by_severity():
    columns = (
        column("stable", False, 0.01, 0.3),
        column("drifted_unused", True, 0.9, 0.0),
        column("drifted_used_little", True, 0.2, 0.1),
        column("drifted_used_much", True, 0.5, 0.1),
        column("p_value", True, 0.001, 0.2, kind="p_value"),
    )
    order = [c.column for c in sorted_columns(columns)]
    assert order == ["p_value", "drifted_used_much", "drifted_used_little", "drifted_unused", "stable"]
    assert severity(column("p", True, 0.0, None, kind="p_value")) == pytest.approx(0.05 / 1e-12)
