"""The artifacts folder the app reads (docs/artifacts.md): written aside, then swapped in whole.

Everything goes into a temporary folder next to ``--out``; only when every file is written does it replace
the previous folder (two renames), so a failed training leaves the previous artifacts untouched.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from model_training import quirks
from model_training.contract.serving_card import (
    Calibration,
    CvMetrics,
    ExplanationNote,
    LocalText,
    ModelIdentity,
    Reliability,
    SearchSummary,
    ServingCard,
    TrainingData,
    TrainingOptions,
)
from model_training.decision import RULE, decision_column
from model_training.errors import InputError
from model_training.feature_descriptions import FeatureDescription, describe_features
from model_training.schema import CLIENT_ID, TARGET
from model_training.units import DAYS_PER_YEAR

CLIENTS_DIR = "clients"
#: The challenger's export inside the champion's (same layout): train writes it, promote moves it up.
CHALLENGER_DIR = "challenger"
#: The champion a promotion replaced (same layout, without its own challenger/ and previous/): for a rollback.
PREVIOUS_DIR = "previous"
SHAP_BACKGROUND_ROWS = 500


def check_writable(out: Path) -> None:
    """Fail before any work if ``--out`` (or the folder it will be created in) cannot be written."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is a file; expected a folder for the artifacts")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"--out {out}: the folder {parent} does not exist")
    probe = parent / f".{out.name}.write-test-{os.getpid()}"
    try:
        probe.mkdir()
        probe.rmdir()
    except OSError as error:
        raise InputError(f"--out {out}: cannot write in {parent} ({error.strerror})") from None
    if out.exists() and not os.access(out, os.W_OK | os.X_OK):
        raise InputError(f"--out {out}: the existing artifacts folder is not writable")


def staging_folder(out: Path) -> Path:
    """A fresh temporary folder beside ``out`` (same file system, so the final rename is atomic)."""
    out = Path(out)
    staging = out.parent / f".{out.name}.staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


def swap_into_place(staging: Path, out: Path, keep_as: str | None = None) -> None:
    """Replace ``out`` by ``staging``; the old folder is removed only once the new one is in place, or kept
    as ``out/<keep_as>`` (a promotion keeps the previous champion for a rollback)."""
    out = Path(out)
    retired = out.parent / f".{out.name}.previous-{os.getpid()}"
    if out.exists():
        os.replace(out, retired)
    try:
        os.replace(staging, out)
    except OSError:
        if retired.exists():
            os.replace(retired, out)
        raise
    if keep_as is not None and retired.exists():
        os.replace(retired, out / keep_as)
    shutil.rmtree(retired, ignore_errors=True)


# ---------------------------------------------------------------------------------------- client tables


#: What a relationship manager reads about a client, from the raw application row (name → expression).
def descriptive_fields() -> dict[str, pl.Expr]:
    employed = quirks.without_days_sentinel("DAYS_EMPLOYED")
    return {
        "age_years": (-pl.col("DAYS_BIRTH").cast(pl.Float64) / DAYS_PER_YEAR).round(1),
        "income": pl.col("AMT_INCOME_TOTAL").cast(pl.Float64),
        "credit": pl.col("AMT_CREDIT").cast(pl.Float64),
        "annuity": pl.col("AMT_ANNUITY").cast(pl.Float64),
        "goods_price": pl.col("AMT_GOODS_PRICE").cast(pl.Float64),
        "employment_years": (-employed.cast(pl.Float64) / DAYS_PER_YEAR).round(1),
        "family_status": pl.col("NAME_FAMILY_STATUS").cast(pl.String),
        "children": pl.col("CNT_CHILDREN").cast(pl.Int16),
        "education": pl.col("NAME_EDUCATION_TYPE").cast(pl.String),
        "housing": pl.col("NAME_HOUSING_TYPE").cast(pl.String),
        "contract_type": pl.col("NAME_CONTRACT_TYPE").cast(pl.String),
        "gender": pl.col("CODE_GENDER").cast(pl.String),
        "income_type": pl.col("NAME_INCOME_TYPE").cast(pl.String),
        "occupation": pl.col("OCCUPATION_TYPE").cast(pl.String),
    }


def describe_clients(applications: pl.DataFrame) -> pl.DataFrame:
    """SK_ID_CURR and the descriptive fields of each application row."""
    return applications.select(
        pl.col(CLIENT_ID).cast(pl.Int32), *(expr.alias(name) for name, expr in descriptive_fields().items())
    )


@dataclass
class ClientTables:
    """Everything written under ``clients/``."""

    production: pl.DataFrame
    production_features: pl.DataFrame
    production_applications: pl.DataFrame
    reference: pl.DataFrame
    reference_features: pl.DataFrame

    def write(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name in (
            "production",
            "production_features",
            "production_applications",
            "reference",
            "reference_features",
        ):
            getattr(self, name).write_parquet(folder / f"{name}.parquet")


def client_tables(
    *,
    production_features: pl.DataFrame,
    production_probability,
    production_applications: pl.DataFrame,
    reference_features: pl.DataFrame,
    reference_probability,
    train_applications: pl.DataFrame,
    threshold: float,
) -> ClientTables:
    """Production clients scored by the final model; reference clients with their out-of-fold score.

    The reference score is out-of-fold on purpose: comparing a client with training clients scored by a
    model that had seen them would make those look more certain than they were.
    """
    production_scores = pl.DataFrame(
        {CLIENT_ID: production_features[CLIENT_ID], "probability": production_probability}
    ).with_columns(decision_column(pl.col("probability"), threshold))
    reference_scores = pl.DataFrame(
        {
            CLIENT_ID: reference_features[CLIENT_ID],
            TARGET: reference_features[TARGET],
            "probability": reference_probability,
        }
    ).with_columns(decision_column(pl.col("probability"), threshold))
    production = production_scores.join(
        describe_clients(production_applications), on=CLIENT_ID, how="left", maintain_order="left"
    )
    reference = reference_scores.join(
        describe_clients(train_applications), on=CLIENT_ID, how="left", maintain_order="left"
    )
    return ClientTables(
        production=production,
        production_features=production_features,
        production_applications=production_applications,
        reference=reference,
        reference_features=reference_features.drop(TARGET),
    )


# ----------------------------------------------------------------------------------- feature descriptions


def _kaggle_lookup(descriptions: pl.DataFrame | None) -> dict[tuple[str, str], str]:
    """(table, column) → Kaggle description; 'application_{train|test}.csv' → 'application'."""
    if descriptions is None:
        return {}
    lookup: dict[tuple[str, str], str] = {}
    for table, column, text in descriptions.select("Table", "Row", "Description").iter_rows():
        if table and column and text:
            key = table.removesuffix(".csv")
            key = "application" if key.startswith("application") else key
            lookup[(key, column)] = " ".join(text.split())
    return lookup


def feature_descriptions(
    feature_names: list[str], kaggle_descriptions: pl.DataFrame | None
) -> dict[str, FeatureDescription]:
    """Per feature: a description in French and English and where it comes from (source table and method).

    English raw-column texts are Kaggle's own when the data folder has its description file.
    """
    return describe_features(feature_names, _kaggle_lookup(kaggle_descriptions))


# ------------------------------------------------------------------------------------------- writers


def write_model_files(staging: Path, model_uri: str, booster) -> None:
    """``model/`` (the logged MLflow model, byte for byte) and ``booster.txt`` (LightGBM winners)."""
    import mlflow

    mlflow.artifacts.download_artifacts(artifact_uri=model_uri, dst_path=str(staging / "model"))
    if booster is not None:
        booster.save_model(str(staging / "booster.txt"))


def write_explanation_files(
    staging: Path, train_features: pl.DataFrame, importance: pl.DataFrame, seed: int
) -> None:
    """``shap_background.parquet`` (a sample of training rows) and ``global_importance.parquet``."""
    rows = min(SHAP_BACKGROUND_ROWS, train_features.height)
    train_features.drop(TARGET).sample(n=rows, seed=seed).sort(CLIENT_ID).write_parquet(
        staging / "shap_background.parquet"
    )
    importance.write_parquet(staging / "global_importance.parquet")


def write_oof_predictions(staging: Path, ids, target, folds, probability, raw) -> None:
    """Out-of-fold probability of the final configuration for every labelled client (and its fold)."""
    pl.DataFrame(
        {
            CLIENT_ID: pl.Series(ids).cast(pl.Int32),
            TARGET: pl.Series(target).cast(pl.Int8),
            "fold": pl.Series(folds).cast(pl.Int8),
            "probability": probability,
            "raw_log_odds": raw,
        }
    ).write_parquet(staging / "oof_predictions.parquet")


def read_applications(folder: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """application_test as loaded (for what-if re-scoring) and the labelled clients' descriptive columns."""
    from model_training.data import read_table

    needed = [
        CLIENT_ID,
        "DAYS_BIRTH",
        "AMT_INCOME_TOTAL",
        "AMT_CREDIT",
        "AMT_ANNUITY",
        "AMT_GOODS_PRICE",
        "DAYS_EMPLOYED",
        "NAME_FAMILY_STATUS",
        "CNT_CHILDREN",
        "NAME_EDUCATION_TYPE",
        "NAME_HOUSING_TYPE",
        "NAME_CONTRACT_TYPE",
        "CODE_GENDER",
        "NAME_INCOME_TYPE",
        "OCCUPATION_TYPE",
    ]
    return read_table(folder, "application_test"), read_table(folder, "application_train", columns=needed)


def kaggle_descriptions(folder: Path) -> pl.DataFrame | None:
    """Kaggle's column descriptions when the folder has them (training does not need them)."""
    from model_training.data import read_column_descriptions

    try:
        return read_column_descriptions(folder)
    except InputError:
        return None


def booster_imputation(model) -> dict[str, float] | None:
    """Values the pipeline fills missing features with before its booster (SMOTE variants), else None.

    The app must apply them before ``booster.predict`` for explanations to match the model.
    """
    inner = getattr(model, "estimator", model)
    steps = dict(getattr(inner, "steps", []))
    imputer = steps.get("impute")
    if imputer is None:
        return None
    values: dict[str, float] = {}
    for _, step, columns in imputer.transformers_:
        if hasattr(step, "statistics_"):
            values.update(zip(columns, map(float, step.statistics_), strict=True))
    return values


def serving_card(
    *,
    final,
    options: Mapping[str, Any],
    data_record: Mapping[str, Any],
    feature_names: list[str],
    categorical_features: Mapping[str, tuple[str, ...]],
    descriptions: Mapping[str, FeatureDescription],
    registry,
    run_id: str,
    model_uri: str,
    n_trees: int | None,
    explanation: Mapping[str, Any],
    search: Mapping[str, Any] | None,
) -> ServingCard:
    """serving.json: everything the app needs to score, decide and explain, and to say which model it is."""
    from datetime import UTC, datetime

    metrics = final.metrics
    reliability = final.evaluation.reliability
    return ServingCard(
        model=ModelIdentity(
            name=registry.name,
            version=registry.version,
            alias=registry.alias,
            is_champion=registry.champion,
            previous_champion=registry.previous_champion,
            registry_message=registry.message,
            run_id=run_id,
            model_uri=model_uri,
            candidate=final.candidate.name,
            model_type=final.candidate.model,
            imbalance_strategy=final.candidate.strategy,
            params=dict(final.candidate.params),
            n_trees=n_trees,
            loading="mlflow.pyfunc.load_model('model') -> predict gives [P(repaid), P(default)]; "
            "unpickling needs the project's model_training.calibration importable",
        ),
        run_id=run_id,
        threshold=metrics["threshold"],
        cost_fn=options["cost_fn"],
        cost_fp=options["cost_fp"],
        decision_rule=RULE,
        calibration=Calibration(
            method="Platt scaling on the raw log-odds, fitted on out-of-fold scores",
            a=metrics["calibration_a"],
            b=metrics["calibration_b"],
            brier=metrics["brier"],
            reliability=Reliability(
                mean_predicted=tuple(reliability["mean_predicted"]),
                observed_rate=tuple(reliability["observed_rate"]),
                count=tuple(int(c) for c in reliability["count"]),
            ),
        ),
        cv_metrics=CvMetrics(
            folds=int(final.oof.folds.max()) + 1,
            seed=options["seed"],
            roc_auc_by_fold=tuple(final.oof.fold_auc),
            **metrics,
            note="out-of-fold scores of the final configuration; the calibration and the threshold are "
            "fitted on these same scores, and the LightGBM defaults were picked by looking at CV on the "
            "real sample: expect new applicants to score slightly worse",
        ),
        hyperparameter_search=None if search is None else SearchSummary(**search),
        feature_names=tuple(feature_names),
        categorical_features={k: tuple(v) for k, v in categorical_features.items()},
        feature_descriptions={k: LocalText(v.fr, v.en) for k, v in descriptions.items()},
        feature_sources={k: v.source for k, v in descriptions.items()},
        labels={},
        descriptive_fields=tuple(descriptive_fields()),
        explanation=ExplanationNote(**explanation),
        training_data=TrainingData(**data_record),
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        options=TrainingOptions(**options),
    )
