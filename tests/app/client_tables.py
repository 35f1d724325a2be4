"""The client repository the app builds, over synthetic tables (the client and comparison tests make their own
tables: each module its columns)."""

from __future__ import annotations

import polars as pl

from app.artifacts import FeatureRows
from app.clients import ClientRepository

#: The model features the synthetic tables carry next to the columns shown.
FEATURES = ("APP_AGE_YEARS", "AMT_INCOME_TOTAL", "AMT_CREDIT", "APP_EXT_SOURCE_MEAN")


def repository_of(production: pl.DataFrame, reference: pl.DataFrame) -> ClientRepository:
    """A repository over tables holding both the shown columns and FEATURES, split as the artifacts are."""
    return ClientRepository(
        production.drop(FEATURES),
        reference.drop(FEATURES),
        threshold=0.1,
        production_features=FeatureRows.from_frame(production, FEATURES),
        feature_names=FEATURES,
        reference_features=reference.select("SK_ID_CURR", *FEATURES),
    )
