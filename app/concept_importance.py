"""What matters most overall, by concept, in the points of risk a client's waterfall shows.

The exported `global_importance.parquet` holds each feature's mean |SHAP| (raw log-odds): summing it over a
concept's features would overstate the concept, since features of one concept often push opposite ways for
the same client (mean |a + b| ≤ mean |a| + mean |b|). So a concept's importance is computed from what is
true for each client: over the SHAP background (a sample of training applicants exported with the model),
the exact calibrated contributions are summed per concept, turned into points of probability as the
client's waterfall shows them (`probability_points`), and the size of each concept's points averaged:
"on average, this concept moves an applicant's risk by 2.3 points".
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import numpy as np
import polars as pl

from app.explanation import probability_points
from model_training.concepts import concept_members
from model_training.scorer import Scorer


@dataclass(frozen=True)
class ConceptImportance:
    """One concept's average part in the applicants' scores."""

    concept: str
    #: mean over applicants of |the concept's step in probability| in their waterfall (0.023 = 2.3 points)
    mean_points: float
    #: mean over applicants of |sum of the concept's calibrated log-odds contributions|
    mean_log_odds: float
    #: the concept's features by decreasing mean |contribution|
    features: tuple[str, ...]


def concept_importance(scorer: Scorer, rows: np.ndarray) -> list[ConceptImportance]:
    """The concepts by decreasing mean |points| over feature rows (model order), from exact contributions."""
    if rows.shape[0] == 0:
        return []
    _, contributions, base = scorer.explained(rows)
    members = concept_members(scorer.feature_names)
    keys = list(members)
    sums = np.column_stack([contributions[:, ix].sum(axis=1) for ix in members.values()])
    points = np.array([probability_points(float(base[r]), sums[r]) for r in range(sums.shape[0])])
    mean_points = np.abs(points).mean(axis=0)
    mean_log_odds = np.abs(sums).mean(axis=0)
    names = scorer.feature_names
    found = []
    for k, key in enumerate(keys):
        ix = np.asarray(members[key])
        inside = ix[np.argsort(-np.abs(contributions[:, ix]).mean(axis=0), kind="stable")]
        found.append(
            ConceptImportance(
                key, float(mean_points[k]), float(mean_log_odds[k]), tuple(names[i] for i in inside)
            )
        )
    return sorted(found, key=lambda c: -c.mean_points)


_CACHE: weakref.WeakKeyDictionary[Scorer, tuple[int, list[ConceptImportance]]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def background_importance(
    scorer: Scorer, background: pl.DataFrame | None
) -> tuple[int, list[ConceptImportance]]:
    """(applicants averaged over, concept importance) over the exported SHAP background, computed once per
    model; (0, []) without a background."""
    with _LOCK:
        if scorer in _CACHE:
            return _CACHE[scorer]
    if background is None or background.height == 0:
        return 0, []
    columns = [  # a feature the background lacks is missing for every applicant, as the model reads it
        pl.col(c) if c in background.columns else pl.lit(None, pl.Float32).alias(c)
        for c in scorer.feature_names
    ]
    rows = np.ascontiguousarray(background.select(columns).cast(pl.Float32).to_numpy())
    found = (rows.shape[0], concept_importance(scorer, rows))
    with _LOCK:
        _CACHE[scorer] = found
    return found
