"""What the drift page shows, shaped from the drift summary (model_training.contract.drift_summary), the
scored clients and the batches' drift records (model_training.contract.monitoring.BatchDrift): the score's
drift with its PSI, the columns in reading order, the verdict (with the warning evidently's dataset rule
misses) and the history batch by batch. Plain values out (small
frozen records), so that the page only lays out and wires, and this is tested without Dash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from model_training.contract.drift_summary import ColumnDrift, DriftSummary
from model_training.contract.monitoring import BatchDrift
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


# --- the warning the dataset-level rule misses -------------------------------------------------------------

#: How many of the model's features (by mean |SHAP|) count as important for the one-off report's warning;
#: the issue's example: Âge, among the five most important, drifted while evidently's share rule said no.
IMPORTANT_FEATURES = 5


@dataclass(frozen=True)
class Verdict:
    """What a drift comparison says, in one of three words: "drifted" (evidently's dataset rule),
    "important" (no dataset drift, yet some of the model's important features drifted), "stable"."""

    level: str
    #: the important features that drifted, most important first
    drifted_important: tuple[str, ...]


def _verdict(dataset_drifted: bool, drifted_important: tuple[str, ...]) -> Verdict:
    level = "drifted" if dataset_drifted else "important" if drifted_important else "stable"
    return Verdict(level, drifted_important)


def summary_verdict(summary: DriftSummary, top: int = IMPORTANT_FEATURES) -> Verdict:
    """The one-off report's verdict: the dataset rule, and the model's `top` features that drifted (a share
    of drifted columns under evidently's threshold must not read "no drift" when they did)."""
    drifted = {c.column for c in summary.columns if c.drifted}
    important = tuple(name for name in summary.model.top_features[:top] if name in drifted)
    return _verdict(summary.dataset.drifted, important)


def batch_verdict(record: BatchDrift, top: int = IMPORTANT_FEATURES) -> Verdict:
    """A batch's verdict, by the same rule: the record's features of rank `top` or better that drifted (the
    record keeps more of them, for the grid)."""
    ranked = sorted(record.features, key=lambda f: f.importance_rank)
    important = tuple(f.feature for f in ranked if f.drifted and f.importance_rank <= top)
    return _verdict(record.dataset_drifted, important)


# --- the history, batch by batch ----------------------------------------------------------------------------

WINDOWS = ("batch", "month", "week")


def windows_present(records: Sequence[BatchDrift]) -> list[str]:
    """The kinds of window the records cover, batches first."""
    present = {r.window for r in records}
    return [w for w in WINDOWS if w in present]


def in_order(records: Sequence[BatchDrift], window: str) -> list[BatchDrift]:
    """One window kind's records in the order the applications came in (first day received, then name);
    a subject computed twice keeps its latest record."""
    latest = {r.subject: r for r in records if r.window == window}
    return sorted(latest.values(), key=lambda r: (r.first_received or "", r.last_received or "", r.subject))


def history_rows(records: Sequence[BatchDrift]) -> list[dict[str, Any]]:
    """One row per batch, in order: what the history table and the trend show (language-free values)."""
    return [
        {
            "subject": r.subject,
            "first_received": r.first_received,
            "last_received": r.last_received,
            "n": r.n,
            "score_psi": r.score_psi,
            "reading": r.score_psi_reading if r.score_psi_reading in READINGS else psi_reading(r.score_psi),
            "dataset_drifted": r.dataset_drifted,
            "drifted_share": r.drifted_share,
            "verdict": batch_verdict(r).level,
            "drifted_important": batch_verdict(r).drifted_important,
            "report": r.report,
        }
        for r in records
    ]


@dataclass(frozen=True)
class FeatureHistory:
    """The important features (rows, most important first) against the batches (columns, in order): the
    feature's PSI (None when evidently compared it another way, or when the batch did not hold it) and
    evidently's verdict."""

    subjects: tuple[str, ...]
    features: tuple[str, ...]
    psi: tuple[tuple[float | None, ...], ...]
    drifted: tuple[tuple[bool | None, ...], ...]


def feature_history(records: Sequence[BatchDrift], top: int = 10) -> FeatureHistory:
    """The drift of the model's `top` most important features batch by batch; the ranks of the latest batch
    order the rows (a feature only older batches ranked keeps its best rank there)."""
    ranks: dict[str, int] = {}
    for record in records:  # later records overwrite: the latest ranking wins
        for feature in record.features:
            ranks[feature.feature] = feature.importance_rank
    features = tuple(sorted(ranks, key=lambda name: (ranks[name], name))[:top])
    cells = [{f.feature: f for f in r.features} for r in records]
    return FeatureHistory(
        subjects=tuple(r.subject for r in records),
        features=features,
        psi=tuple(tuple(c[name].psi if name in c else None for c in cells) for name in features),
        drifted=tuple(tuple(c[name].drifted if name in c else None for c in cells) for name in features),
    )
