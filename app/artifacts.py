"""The exported model and client tables (docs/artifacts.md), loaded and checked once when the app starts.

Everything the app knows about the model comes from here: the threshold, the feature list, the labels and
the calibration are read from serving.json, never re-typed in a page. A missing or broken folder is one
`ArtifactsError` that names what is wrong and the command that builds it.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from time import perf_counter

import lightgbm as lgb
import numpy as np
import polars as pl

from app.labels import FeatureCatalog
from model_training.contract import ContractError, ServingCard
from model_training.contract.serving_card import CvMetrics, LocalText, TrainingData
from model_training.decision import DECISION as DECISION  # re-exported: the client tables' columns pages read
from model_training.decision import PROBABILITY, RULE
from model_training.schema import CLIENT_ID, TARGET

log = logging.getLogger(__name__)

SERVING = ServingCard.FILE
BOOSTER = "booster.txt"
PRODUCTION = "clients/production.parquet"
PRODUCTION_FEATURES = "clients/production_features.parquet"
PRODUCTION_APPLICATIONS = "clients/production_applications.parquet"
REFERENCE = "clients/reference.parquet"
REFERENCE_FEATURES = "clients/reference_features.parquet"
SHAP_BACKGROUND = "shap_background.parquet"
GLOBAL_IMPORTANCE = "global_importance.parquet"
REQUIRED = (SERVING, BOOSTER, PRODUCTION, PRODUCTION_FEATURES, PRODUCTION_APPLICATIONS, REFERENCE)


class ArtifactsError(RuntimeError):
    """The artifacts folder is missing or unusable; the message is the one line a person needs."""


def _problem(directory: Path, what: str) -> ArtifactsError:
    return ArtifactsError(
        f"artifacts in {directory} are unusable: {what}. Build them with `make run` or "
        f"`python -m model_training train --data DIR --out {directory}` (ARTIFACTS_DIR chooses the folder)"
    )


@dataclass(frozen=True)
class ModelCard:
    """What serving.json says about the model that the app uses: identity, decision rule, calibration,
    features and metrics (read through model_training.contract.ServingCard, never by key)."""

    name: str
    version: str
    alias: str | None
    run_id: str | None
    threshold: float
    cost_fn: float
    cost_fp: float
    calibration_a: float
    calibration_b: float
    feature_names: tuple[str, ...]
    categorical_levels: dict[str, tuple[str, ...]]
    labels: dict[str, LocalText]
    descriptions: dict[str, LocalText]
    cv_metrics: CvMetrics
    training_data: TrainingData
    #: values the training pipeline fills missing features with before its booster (SMOTE variants)
    booster_imputation: dict[str, float] | None = None
    trained_at: str | None = None

    @classmethod
    def from_serving_card(cls, card: ServingCard) -> ModelCard:
        return cls(
            name=card.model.name,
            version="unregistered" if card.model.version is None else card.model.version,
            alias=card.model.alias,
            run_id=card.run_id,
            threshold=card.threshold,
            cost_fn=card.cost_fn,
            cost_fp=card.cost_fp,
            calibration_a=card.calibration.a,
            calibration_b=card.calibration.b,
            feature_names=card.feature_names,
            categorical_levels=dict(card.categorical_features),
            labels=dict(card.labels),
            descriptions=dict(card.feature_descriptions),
            cv_metrics=card.cv_metrics,
            training_data=card.training_data,
            booster_imputation=card.explanation.booster_imputation or None,
            trained_at=card.trained_at,
        )

    def as_dict(self) -> dict[str, object]:
        """The public description of the model (GET /api/v1/model)."""
        return {
            "name": self.name,
            "version": self.version,
            "alias": self.alias,
            "run_id": self.run_id,
            "trained_at": self.trained_at,
            "threshold": self.threshold,
            "decision_rule": RULE,
            "cost_fn": self.cost_fn,
            "cost_fp": self.cost_fp,
            "calibration": {"a": self.calibration_a, "b": self.calibration_b},
            "n_features": len(self.feature_names),
            "cv_metrics": asdict(self.cv_metrics),
            "training_data": asdict(self.training_data),
        }


def read_model_card(directory: Path) -> ModelCard:
    """serving.json (written by training through model_training.contract.ServingCard) as a ModelCard.

    A damaged file, a missing field, a value of the wrong type or another schema version is an
    ArtifactsError naming the file and the field.
    """
    try:
        return ModelCard.from_serving_card(ServingCard.read(directory / SERVING))
    except ContractError as error:
        raise _problem(directory, error.detail) from None


@dataclass(frozen=True, eq=False)
class FeatureRows:
    """Model features of a set of clients as one float32 matrix (model order), found by client id."""

    ids: np.ndarray  # sorted SK_ID_CURR
    matrix: np.ndarray  # rows in `ids` order, C-contiguous so that one client is one contiguous row

    @classmethod
    def from_frame(cls, frame: pl.DataFrame, feature_names: tuple[str, ...]) -> FeatureRows:
        ordered = frame.sort(CLIENT_ID)
        ids = ordered.get_column(CLIENT_ID).to_numpy().astype(np.int64)
        matrix = np.ascontiguousarray(ordered.select(feature_names).to_numpy().astype(np.float32, copy=False))
        return cls(ids, matrix)

    def position(self, client_id: int) -> int | None:
        i = int(np.searchsorted(self.ids, client_id))
        return i if i < len(self.ids) and self.ids[i] == client_id else None

    def row(self, client_id: int) -> np.ndarray | None:
        """The client's features as a (1, n_features) matrix, or None for an unknown client."""
        i = self.position(client_id)
        return None if i is None else self.matrix[i : i + 1]

    def __contains__(self, client_id: object) -> bool:
        return isinstance(client_id, int) and self.position(client_id) is not None

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True, eq=False)
class Artifacts:
    """Everything the app serves from, in memory."""

    directory: Path
    model: ModelCard
    booster: lgb.Booster
    catalog: FeatureCatalog
    production: pl.DataFrame
    production_features: FeatureRows
    production_applications: pl.DataFrame
    reference: pl.DataFrame
    global_importance: pl.DataFrame | None = None
    background: pl.DataFrame | None = None

    @property
    def reference_features_path(self) -> Path | None:
        path = self.directory / REFERENCE_FEATURES
        return path if path.is_file() else None

    @property
    def identity(self) -> str:
        """Names this model for cache keys shared between workers (Redis): same artifacts, same key."""
        return f"{self.model.name}:{self.model.version}:{self.model.run_id}:{self.model.threshold}"


def _one_line(error: BaseException) -> str:
    """The first line of an error (polars adds a multi-line context stack): the message is one line."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _read_parquet(directory: Path, relative: str, columns: list[str] | None = None) -> pl.DataFrame:
    try:
        return pl.read_parquet(directory / relative, columns=columns)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise _problem(directory, f"{relative} is unreadable ({_one_line(error)})") from None


def _require_columns(directory: Path, relative: str, frame: pl.DataFrame, needed: list[str]) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise _problem(directory, f"{relative} lacks column(s) {shown}")


def _check_booster_text(directory: Path) -> None:
    """LightGBM aborts the whole process (a segfault, no exception) on a model file cut inside its trees, as
    a full disk or an interrupted copy leaves it: check that the text is whole before handing it over."""
    try:
        text = (directory / BOOSTER).read_bytes()
    except OSError as error:
        raise _problem(directory, f"{BOOSTER} is unreadable ({error.strerror})") from None
    sizes = re.search(rb"^tree_sizes=([0-9 ]*)$", text, re.MULTILINE)
    trees = text.count(b"\nTree=")
    if b"\nend of trees" not in text or (sizes is not None and len(sizes.group(1).split()) != trees):
        raise _problem(directory, f"{BOOSTER} is cut short or damaged (not a whole LightGBM model file)")


def _check_decision_numbers(directory: Path, card: ModelCard) -> None:
    """A threshold outside (0, 1) or a non-finite calibration would refuse or accept everyone silently."""
    if not (math.isfinite(card.threshold) and 0 < card.threshold < 1):
        raise _problem(directory, f"{SERVING} has threshold {card.threshold}, expected between 0 and 1")
    for name, value in (("calibration.a", card.calibration_a), ("calibration.b", card.calibration_b)):
        if not math.isfinite(value):
            raise _problem(directory, f"{SERVING} has {name} = {value}, expected a finite number")


def _load_booster(directory: Path, card: ModelCard) -> lgb.Booster:
    """The model, once `check_artifacts` has seen that its text is whole."""
    try:
        booster = lgb.Booster(model_file=str(directory / BOOSTER))
    except lgb.basic.LightGBMError as error:
        raise _problem(directory, f"{BOOSTER} is not a LightGBM model ({error})") from None
    if tuple(booster.feature_name()) != card.feature_names:
        raise _problem(directory, f"{BOOSTER} and {SERVING} disagree on the feature list")
    return booster


def reference_columns(frame: pl.DataFrame, feature_names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Every feature's values over reference applicants: what "among the lowest 10 %" is measured against."""
    present = [c for c in feature_names if c in frame.columns]
    return {c: frame.get_column(c).cast(pl.Float64).fill_null(np.nan).to_numpy() for c in present}


def check_artifacts(directory: Path | str) -> ModelCard:
    """The checks that need no table read: the folder, its files, serving.json, the model file's text.

    gunicorn's master runs them before forking its workers (gunicorn.conf.py), so that a broken folder
    stops the start with one line; reading tables there would start polars' thread pool, which a forked
    worker cannot use. Raises ArtifactsError naming the first problem.
    """
    directory = Path(directory).expanduser().resolve()
    if not directory.is_dir():
        raise _problem(directory, "the folder does not exist")
    missing = [name for name in REQUIRED if not (directory / name).is_file()]
    if missing == [BOOSTER] and (directory / SERVING).is_file():
        raise _problem(directory, f"missing {BOOSTER}: the app serves LightGBM models (exact TreeSHAP) only")
    if missing:
        raise _problem(directory, f"missing {', '.join(missing)}")
    card = read_model_card(directory)
    _check_decision_numbers(directory, card)
    _check_booster_text(directory)
    return card


def load_artifacts(directory: Path | str) -> Artifacts:
    """Read and check the artifacts folder; raises ArtifactsError naming the first problem."""
    started = perf_counter()
    directory = Path(directory).expanduser().resolve()
    card = check_artifacts(directory)
    booster = _load_booster(directory, card)
    names = list(card.feature_names)

    features = _read_parquet(directory, PRODUCTION_FEATURES)
    _require_columns(directory, PRODUCTION_FEATURES, features, [CLIENT_ID, *names])
    production = _read_parquet(directory, PRODUCTION)
    _require_columns(directory, PRODUCTION, production, [CLIENT_ID, PROBABILITY])
    applications = _read_parquet(directory, PRODUCTION_APPLICATIONS)
    _require_columns(directory, PRODUCTION_APPLICATIONS, applications, [CLIENT_ID])
    reference = _read_parquet(directory, REFERENCE)
    _require_columns(directory, REFERENCE, reference, [CLIENT_ID, TARGET, PROBABILITY])

    optional = {name: directory / name for name in (SHAP_BACKGROUND, GLOBAL_IMPORTANCE)}
    background = _read_parquet(directory, SHAP_BACKGROUND) if optional[SHAP_BACKGROUND].is_file() else None
    importance = (
        _read_parquet(directory, GLOBAL_IMPORTANCE) if optional[GLOBAL_IMPORTANCE].is_file() else None
    )
    rows = FeatureRows.from_frame(features, card.feature_names)
    catalog = FeatureCatalog.build(
        names,
        card.categorical_levels,
        {name: text.as_dict() for name, text in card.labels.items()},
        {name: text.as_dict() for name, text in card.descriptions.items()},
    ).with_reference(
        reference_columns(background if background is not None else features, card.feature_names)
    )
    del features
    artifacts = Artifacts(
        directory=directory,
        model=card,
        booster=booster,
        catalog=catalog,
        production=production.sort(CLIENT_ID),
        production_features=rows,
        production_applications=applications.sort(CLIENT_ID),
        reference=reference.sort(CLIENT_ID),
        global_importance=importance,
        background=background,
    )
    log.info(
        "artifacts loaded from %s in %.1f s: model %s v%s, %d production and %d reference clients",
        directory,
        perf_counter() - started,
        card.name,
        card.version,
        len(rows),
        reference.height,
    )
    return artifacts
