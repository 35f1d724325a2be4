"""The app's side of drift: reading the summary safely (model_training.contract.DriftSummary), the score PSI
and its reading, no evidently import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from model_training.contract import DriftSummary
from model_training.drift_summary import (
    SUMMARY_FORMAT,
    load_drift_summary,
    population_stability_index,
    psi_reading,
    summary_path,
)
from model_training.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


def _summary() -> dict:
    """A summary as `python -m model_training drift` writes it (without a model: no score)."""
    column = {
        "column": "AMT_CREDIT",
        "source": "application",
        "type": "numerical",
        "method": "Wasserstein distance (normed)",
        "score_kind": "distance",
        "drift_score": 0.21,
        "threshold": 0.1,
        "drifted": True,
        "importance": None,
    }
    side = {"table": "application_train", "rows": 1000, "rows_compared": 1000, "sample": None}
    return {
        "format_version": SUMMARY_FORMAT,
        "built_at": "2025-01-01T00:00:00+00:00",
        "evidently_version": "0.7.23",
        "data": {"folder": "/data", "reference": side, "current": {**side, "table": "application_test"}},
        "model": {"used": False, "artifacts": None, "note": "no model artifacts", "top_features": []},
        "dataset": {
            "drifted": False,
            "drifted_columns": 1,
            "drifted_share": 1 / 120,
            "drift_share_threshold": 0.5,
            "test": "Share of Drifted Columns: Actual value 0.008 < 0.500",
            "columns": 120,
        },
        "score": None,
        "columns": [column],
        "not_compared": [],
    }


def _write(artifacts: Path, text: str) -> None:
    path = summary_path(artifacts)
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")


def test_no_report_yet_is_none(tmp_path):
    assert load_drift_summary(tmp_path) is None
    assert load_drift_summary(tmp_path / "absent") is None


def test_a_valid_summary_is_read_as_written(tmp_path):
    _write(tmp_path, json.dumps(_summary()))
    summary = load_drift_summary(tmp_path)
    assert isinstance(summary, DriftSummary) and summary.to_dict() == _summary()
    assert summary.columns[0].drift_score == 0.21 and summary.score is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"format_version": 1, ', "is unreadable"),
        ("[]", "is not a JSON object"),
        (json.dumps({**_summary(), "format_version": 99}), "format_version is 99"),
        (json.dumps({**_summary(), "format_version": 0}), "format_version is 0, this code reads version 1"),
        (json.dumps({k: v for k, v in _summary().items() if k != "dataset"}), "dataset is missing"),
        (json.dumps({**_summary(), "columns": [{"column": "X"}]}), r"columns\[0\]\.source is missing"),
        (json.dumps({**_summary(), "score": {"psi": "high"}}), "score.column is missing"),
        (json.dumps({**_summary(), "dataset": "drifted"}), "dataset has the wrong type"),
    ],
)
def test_a_corrupt_summary_is_named_with_its_problem(tmp_path, text, problem):
    _write(tmp_path, text)
    with pytest.raises(InputError, match=problem) as raised:
        load_drift_summary(tmp_path)
    assert str(summary_path(tmp_path)) in str(raised.value)
    assert "python -m model_training drift" in str(raised.value)


def test_booleans_are_not_counts(tmp_path):
    summary = _summary()
    summary["dataset"]["drifted_columns"] = True
    _write(tmp_path, json.dumps(summary))
    with pytest.raises(InputError, match=r"dataset\.drifted_columns has the wrong type"):
        load_drift_summary(tmp_path)


def test_psi_of_a_sample_against_itself_is_zero_and_grows_with_the_shift():
    rng = np.random.default_rng(0)
    reference = rng.normal(size=50_000)
    assert population_stability_index(reference, reference) == pytest.approx(0.0, abs=1e-12)
    same = population_stability_index(reference, rng.normal(size=20_000))
    small = population_stability_index(reference, rng.normal(0.2, 1, size=20_000))
    large = population_stability_index(reference, rng.normal(0.8, 1, size=20_000))
    assert same < 0.01 < small < 0.1 < 0.25 < large


def test_psi_uses_reference_deciles():
    reference = np.arange(1000.0)  # deciles at 100, 200, ...: 10% of the reference in each bin
    current = np.r_[np.zeros(200), np.full(800, 500.0)]  # 20% in the first bin, 80% in the sixth
    shares = np.full(10, 1e-4)
    shares[0], shares[5] = 0.2, 0.8
    expected = float(np.sum((shares - 0.1) * np.log(shares / 0.1)))
    assert population_stability_index(reference, current) == pytest.approx(expected)


def test_psi_ignores_missing_values_and_needs_some():
    assert population_stability_index([0.1, 0.2, np.nan, 0.3], [0.1, 0.2, 0.3, np.nan]) == pytest.approx(0)
    with pytest.raises(ValueError, match="at least one non-missing value"):
        population_stability_index([np.nan], [0.5])


@pytest.mark.parametrize(
    ("psi", "reading"),
    [(0.0, "stable"), (0.099, "stable"), (0.1, "moderate"), (0.25, "moderate"), (0.26, "significant")],
)
def test_psi_reading_follows_the_usual_bands(psi, reading):
    assert psi_reading(psi) == reading


def test_the_app_side_does_not_import_evidently():
    code = "import sys, model_training.drift_summary; print('evidently' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
