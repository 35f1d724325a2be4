"""The drift page's data, shaped without Dash: the score's shift, the columns' reading order, the verdict
(with the warning evidently's dataset rule misses) and the history batch by batch from BatchDrift records."""

import dataclasses

import numpy as np
import pytest

from app.drift_view import (
    IMPORTANT_FEATURES,
    Verdict,
    batch_verdict,
    feature_history,
    history_rows,
    in_order,
    score_shift,
    severity,
    sorted_columns,
    summary_verdict,
    windows_present,
)
from model_training.contract.drift_summary import (
    ColumnDrift,
    DatasetDrift,
    DriftData,
    DriftModel,
    DriftSide,
    DriftSummary,
    ScoreDrift,
)
from model_training.contract.monitoring import BatchDrift, FeatureDrift
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


# --- the verdict: evidently's dataset rule, and the important features it can miss -------------------------


def summary_with(dataset_drifted: bool, drifted: tuple[str, ...], top: tuple[str, ...]) -> DriftSummary:
    names = dict.fromkeys((*top, *drifted, "OTHER"))
    return dataclasses.replace(
        SUMMARY,
        model=dataclasses.replace(SUMMARY.model, top_features=top),
        dataset=dataclasses.replace(SUMMARY.dataset, drifted=dataset_drifted),
        columns=tuple(column(name, name in drifted, 0.2 if name in drifted else 0.01, 0.1) for name in names),
    )


TOP = ("EXT_SOURCE_3", "EXT_SOURCE_2", "APP_AGE_YEARS", "AMT_ANNUITY", "APP_CREDIT_TERM", "SIXTH")


def test_an_important_feature_that_drifted_warns_even_when_the_dataset_rule_says_no_drift():
    found = summary_verdict(summary_with(False, ("APP_AGE_YEARS", "OTHER"), TOP))
    assert found == Verdict("important", ("APP_AGE_YEARS",))


def test_the_dataset_rule_wins_and_still_names_the_important_features():
    found = summary_verdict(summary_with(True, ("EXT_SOURCE_2", "APP_AGE_YEARS"), TOP))
    assert found == Verdict("drifted", ("EXT_SOURCE_2", "APP_AGE_YEARS"))  # most important first


def test_only_the_five_most_important_features_warn():
    assert IMPORTANT_FEATURES == 5
    assert summary_verdict(summary_with(False, ("SIXTH", "OTHER"), TOP)).level == "stable"
    assert summary_verdict(summary_with(False, ("SIXTH",), TOP), top=6).level == "important"


# --- the history, from BatchDrift records -------------------------------------------------------------------


def feature(name: str, rank: int, drifted: bool, psi: float | None = 0.05) -> FeatureDrift:
    return FeatureDrift(
        feature=name,
        importance_rank=rank,
        drifted=drifted,
        score=0.2 if drifted else 0.03,
        method="Wasserstein distance (normed)",
        psi=psi,
    )


def record(
    subject: str,
    first: str | None,
    psi: float,
    features: tuple[FeatureDrift, ...],
    dataset_drifted: bool = False,
    window: str = "batch",
) -> BatchDrift:
    return BatchDrift(
        subject=subject,
        window=window,
        first_received=first,
        last_received=first,
        model_name="credit-scoring",
        model_version="1",
        model_run_id="run",
        n=4000,
        score_psi=psi,
        score_psi_reading=psi_reading(psi),
        features=features,
        dataset_drifted=dataset_drifted,
        drifted_share=0.5 if dataset_drifted else 0.1,
        report=f"drift/batches/{subject}.html",
        computed_at="2026-07-01T00:00:00+00:00",
    )


STABLE = (feature("EXT_SOURCE_3", 1, False), feature("APP_AGE_YEARS", 2, False, 0.02))
AGE_DRIFTED = (feature("EXT_SOURCE_3", 1, False), feature("APP_AGE_YEARS", 2, True, 0.14))


def test_a_batch_warns_on_its_important_features_under_the_dataset_rule():
    assert batch_verdict(record("b", None, 0.02, STABLE)) == Verdict("stable", ())
    assert batch_verdict(record("b", None, 0.02, AGE_DRIFTED)) == Verdict("important", ("APP_AGE_YEARS",))
    assert batch_verdict(record("b", None, 0.3, AGE_DRIFTED, dataset_drifted=True)).level == "drifted"
    far = (feature("RANK_7", 7, True),)
    assert batch_verdict(record("b", None, 0.02, far)).level == "stable"  # kept for the grid, not a warning


def test_the_history_reads_in_the_order_applications_came_in_one_record_per_subject():
    records = [
        record("2026-03", "2026-03-01", 0.12, AGE_DRIFTED),
        record("2026-01", "2026-01-01", 0.01, STABLE),
        record("2026-02", "2026-02-01", 0.05, STABLE),
        record("2026-01", "2026-01-01", 0.02, STABLE),  # computed again: replaces the first
        record("2026-01", "2026-01-01", 0.4, STABLE, window="month"),
    ]
    assert windows_present(records) == ["batch", "month"]
    rows = history_rows(in_order(records, "batch"))
    assert [r["subject"] for r in rows] == ["2026-01", "2026-02", "2026-03"]
    assert [r["score_psi"] for r in rows] == [0.02, 0.05, 0.12]
    assert [r["reading"] for r in rows] == ["stable", "stable", "moderate"]
    assert [r["verdict"] for r in rows] == ["stable", "stable", "important"]
    assert rows[-1]["drifted_important"] == ("APP_AGE_YEARS",)
    assert [r["subject"] for r in history_rows(in_order(records, "month"))] == ["2026-01"]
    assert windows_present([]) == [] and in_order([], "batch") == []


def test_the_feature_grid_puts_the_most_important_first_and_marks_what_a_batch_did_not_compare():
    records = [
        record("a", "2026-01-01", 0.01, (feature("OLD", 1, False, 0.01), feature("AGE", 2, False, 0.02))),
        record("b", "2026-02-01", 0.2, (feature("AGE", 1, True, 0.3), feature("CAT", 2, False, None))),
    ]
    grid = feature_history(records)
    assert grid.subjects == ("a", "b")
    assert grid.features == ("AGE", "OLD", "CAT")  # the latest ranks, then older ones
    assert grid.psi == ((0.02, 0.3), (0.01, None), (None, None))
    assert grid.drifted == ((False, True), (False, None), (None, False))
    assert feature_history(records, top=1).features == ("AGE",)
