"""What the drift page shows, shaped from the drift summary (model_training.contract.drift_summary) and the
scored clients: the score's drift with its PSI, and the columns in reading order. Plain values out (small
frozen records), so that the page only lays out and wires, and this is tested without Dash.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model_training.contract.drift_summary import ColumnDrift, DriftSummary
from model_training.drift_summary import population_stability_index, psi_reading

READINGS = ("stable", "moderate", "significant")


@dataclass(frozen=True)
class ScoreShift:
    """The risk scores of the reference (training) and current (production) clients, how far apart they are
    (PSI and its reading), and their means."""

    reference: np.ndarray
    current: np.ndarray
    psi: float
    reading: str
    reference_mean: float
    current_mean: float


def score_shift(summary: DriftSummary, reference: np.ndarray, current: np.ndarray) -> ScoreShift:
    """The summary's PSI (the number in the evidently report); computed from the scores only if it has none,
    and read with the usual bands when its reading is not one of them."""
    score = summary.score
    psi = score.psi if score else population_stability_index(reference, current)
    reading = score.reading if score else None
    return ScoreShift(
        reference=reference,
        current=current,
        psi=psi,
        reading=reading if reading in READINGS else psi_reading(psi),
        reference_mean=float(np.nanmean(reference)),
        current_mean=float(np.nanmean(current)),
    )


def severity(row: ColumnDrift) -> float:
    """How far past its threshold a score is: distances grow with drift, p-values shrink."""
    score, threshold = row.drift_score, row.threshold
    if row.score_kind == "p_value":
        return threshold / max(score, 1e-12)
    return score / threshold if threshold else score


def sorted_columns(columns: tuple[ColumnDrift, ...]) -> list[ColumnDrift]:
    """Drifted columns the model uses (importance above 0) first, then other drifted columns, then the rest;
    by severity inside each group, so that what moves the score and moved most is read first."""
    return sorted(
        columns,
        key=lambda c: (not c.drifted, not (c.importance or 0) > 0, -severity(c)),
    )
