"""Scored applications as the store takes them, for every writer alike: the app (one credit file, the
export's clients) and the `score` command (a folder of new applicants). One function, so that a batch and
the API store the very same probability, decision and reasons for the same features."""

from __future__ import annotations

import numpy as np
import polars as pl

from model_training.export import describe_clients
from model_training.schema import CLIENT_ID
from model_training.scorer import Scorer, strongest_reasons
from model_training.store import applications as store


def application_json(applications: pl.DataFrame) -> list[str]:
    """Each application row as the JSON object it would be received as (Kaggle names, nulls kept)."""
    text = applications.with_columns(pl.col(pl.Enum, pl.Categorical).cast(pl.String))
    return text.select(pl.struct(pl.all()).struct.json_encode()).to_series().to_list()


def scored_rows(
    scorer: Scorer,
    applications: pl.DataFrame,
    matrix: np.ndarray,
    side_records: list[bytes | None] | None = None,
    client_ids: list[int | None] | None = None,
) -> pl.DataFrame:
    """Applications (loader dtypes) and their feature rows, scored and explained, as the store takes them."""
    probabilities, contributions, _ = scorer.explained(matrix)
    names = scorer.feature_names
    reasons = [
        store.reasons_json(strongest_reasons(contributions[i], matrix[i], names)) for i in range(len(matrix))
    ]
    ids = client_ids if client_ids is not None else applications.get_column(CLIENT_ID).to_list()
    return store.scored_frame(
        client_ids=ids,
        applications=application_json(applications),
        side_records=side_records if side_records is not None else [None] * len(matrix),
        descriptive=describe_clients(applications),
        probabilities=probabilities,
        decisions=scorer.decisions(probabilities),
        reasons=reasons,
        features=[store.encode_features(row) for row in matrix],
    )
