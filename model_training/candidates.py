"""The models compared, each with an imbalance strategy, as imblearn pipelines.

Resampling steps live inside the pipeline, so under cross-validation they only ever see the training part
of a fold: the validation rows are scored as they are, with the real 8 % default rate. Imputation comes
before SMOTE (it cannot interpolate missing values); categorical code columns are one-hot encoded for the
linear model and stay plain numbers for LightGBM (its native categorical splits overfit here: 0.743 against
0.749 ROC AUC on the application table of the real sample); SMOTENC keeps them whole levels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from imblearn.over_sampling import SMOTE, SMOTENC
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from lightgbm import Booster, LGBMClassifier, early_stopping
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

from model_training.calibration import sigmoid

MODELS: tuple[str, ...] = ("dummy", "logistic_regression", "random_forest", "lightgbm")
STRATEGIES: tuple[str, ...] = ("none", "class_weight", "undersample", "smote")

#: Models worth comparing under every imbalance strategy; the others are floors and references.
STRONG_MODELS: tuple[str, ...] = ("logistic_regression", "lightgbm")

#: Missing categorical codes become their own level (-1) wherever a model cannot take missing values.
MISSING_CODE = -1.0

#: One thread per model: on a shared 2-core machine LightGBM's OpenMP threads slow down several-fold when
#: another process holds a core.
N_JOBS = 1

#: Regularised LightGBM defaults for ~20,000 applicants with ~1,600 defaulters: shallow trees with large
#: leaves, a quarter of the features per tree, strong L2 on leaf values, a small learning rate with early
#: stopping. Picked among a dozen settings on the real sample (5-fold CV, seed 42), all within noise of each
#: other (ROC AUC 0.748-0.752; a new random seed alone moves it by about 0.002 and the cost by 0.005).
LIGHTGBM_DEFAULTS: dict[str, Any] = {
    "learning_rate": 0.02,
    "num_leaves": 7,
    "min_child_samples": 200,
    "subsample": 0.8,
    "subsample_freq": 1,
    "colsample_bytree": 0.25,
    "reg_lambda": 30.0,
    "min_split_gain": 0.0,
}

#: LightGBM models averaged in the final configuration: a new seed alone moves the out-of-fold ROC AUC by
#: about 0.002 and the cost by 0.005 on the real sample; an average is steadier, on new clients too. Five
#: cost about 250 s of the full run on the real sample (three: 150 s), well inside its 20 minutes.
FINAL_SEEDS = 5

#: LightGBM's early stopping stops at this many trees at the latest (at 0.02 the real sample stops before).
MAX_TREES = 2000

#: Labelled clients from which the final LightGBM is one model (not an average of FINAL_SEEDS) and keeps the
#: screening learning rate: with 15 times the real sample's rows a seed moves the out-of-fold figures far
#: less, and at the full Kaggle scale each model at 0.02 took about 16 minutes per fold of the final
#: cross-validation on 2 shared cores (early-stopped then refitted), which put `train` past an hour.
LARGE_DATA_FROM = 100_000

#: In the final configuration each LightGBM model is refitted on all the rows it was given, with its
#: early-stopped number of trees scaled up to the larger sample (1 / 0.85: the inner split held out 15 %).
#: It is what the final model does on all applicants, and it scored better than the early-stopped models
#: themselves on the real sample (out-of-fold cost 0.5316 against 0.5330, same folds and seeds).
REFIT_FACTOR = 1 / 0.85

#: Learning rate while comparing candidates and searching: about 2.5 times fewer trees than the final
#: 0.02, and the ranking of settings carries over.
SCREENING_LEARNING_RATE = 0.05

#: Where each model's hyperparameter search starts: the settings the comparison used.
SEARCH_START: dict[str, dict[str, Any]] = {
    "lightgbm": {
        k: LIGHTGBM_DEFAULTS[k]
        for k in (
            "num_leaves",
            "min_child_samples",
            "colsample_bytree",
            "subsample",
            "reg_lambda",
            "min_split_gain",
        )
    },
    "logistic_regression": {"C": 0.05},
    "random_forest": {"min_samples_leaf": 20, "max_features": 0.06},
}


@dataclass(frozen=True)
class Candidate:
    """A model, the way it handles the 8 % of defaulters, and its hyperparameters (empty: defaults)."""

    model: str
    strategy: str = "none"
    params: dict[str, Any] = field(default_factory=dict)
    seeds: int = 1  # LightGBM models averaged (see EarlyStoppedLGBMClassifier)
    refit_factor: float | None = None  # LightGBM refitted on all its rows (see REFIT_FACTOR)
    max_trees: int = MAX_TREES  # LightGBM's early stopping stops here at the latest

    @property
    def name(self) -> str:
        return f"{self.model}+{self.strategy}"


def candidate_grid(quick: bool, models: Sequence[str] | None = None) -> list[Candidate]:
    """The candidates to compare: strong models under every strategy, the others once.

    ``quick`` keeps what a demo needs to show the comparison in well under a minute.
    """
    models = list(models or MODELS)
    if quick:
        plan = {
            "dummy": ("none",),
            "logistic_regression": ("class_weight",),
            "random_forest": (),
            "lightgbm": ("none", "undersample"),
        }
    else:
        plan = {m: STRATEGIES if m in STRONG_MODELS else ("none",) for m in MODELS}
    grid = [Candidate(m, s, screening_params(m)) for m in models for s in plan[m]]
    if not grid:  # --quick --model random_forest: still train what was asked
        grid = [Candidate(m, "none", screening_params(m)) for m in models]
    return grid


def screening_params(model: str) -> dict[str, Any]:
    """Settings for comparing and searching: LightGBM learns faster, the others are unchanged."""
    return {"learning_rate": SCREENING_LEARNING_RATE} if model == "lightgbm" else {}


#: The final LightGBM's most trees from LARGE_DATA_FROM labelled clients: the learning budget (rate × trees)
#: of 2,000 trees at 0.02 that the small-data configuration has, at the screening rate 0.05. On the
#: real-shaped full-scale folder early stopping otherwise runs to the cap (copies of a client on both sides
#: of the inner split), and 2,000 trees plus their refit per fold put the full comparison near an hour.
LARGE_DATA_MAX_TREES = round(MAX_TREES * LIGHTGBM_DEFAULTS["learning_rate"] / SCREENING_LEARNING_RATE)

#: `train --quick` from LARGE_DATA_FROM labelled clients: the final LightGBM stops at this many trees. Each
#: tree costs about 0.15 s on 250,000 rows on one core, and on the real-shaped full-scale folder early
#: stopping ran to the 2,000 trees, so the demo took 16.5 minutes; a demo needs a model, not the last 0.001.
QUICK_MAX_TREES = 500


def quick_candidate(candidate: Candidate, labelled: int) -> Candidate:
    """The configuration `train --quick` cross-validates and fits: as screened, with at most
    ``QUICK_MAX_TREES`` LightGBM trees from ``LARGE_DATA_FROM`` labelled clients."""
    if candidate.model != "lightgbm" or labelled < LARGE_DATA_FROM:
        return candidate
    return replace(candidate, max_trees=QUICK_MAX_TREES)


def final_candidate(candidate: Candidate, labelled: int = 0) -> Candidate:
    """The screened configuration at full precision: LightGBM refitted on all its rows (``REFIT_FACTOR``);
    below ``LARGE_DATA_FROM`` ``labelled`` clients also back to its small learning rate and averaged over
    ``FINAL_SEEDS`` seeds where the booster reads the features as they are (no imputation step)."""
    if candidate.model != "lightgbm":
        return candidate
    if labelled >= LARGE_DATA_FROM:
        return Candidate(
            candidate.model, candidate.strategy, candidate.params, 1, REFIT_FACTOR, LARGE_DATA_MAX_TREES
        )
    params = {**candidate.params, "learning_rate": LIGHTGBM_DEFAULTS["learning_rate"]}
    seeds = 1 if candidate.strategy == "smote" else FINAL_SEEDS
    return Candidate(candidate.model, candidate.strategy, params, seeds, REFIT_FACTOR)


class EarlyStoppedLGBMClassifier(ClassifierMixin, BaseEstimator):
    """LightGBM that picks its own number of trees on an inner split of the data it is fitted on.

    The inner split is carved out of the training rows it receives (after any resampling, so with the same
    class balance as training), never from the validation fold of the cross-validation; the best number of
    trees is kept in ``best_iteration_`` so that the final refit on all rows can reuse it. With
    ``refit_factor`` each model is then refitted on all the rows with that many times its best number of
    trees (``best_iteration_`` is then the refitted count). With ``seeds`` above 1 it averages that many
    models (each with its own inner split and sampling seed) on the log-odds scale, exactly what
    ``average_boosters`` serves after the refit.
    """

    def __init__(
        self,
        params: dict[str, Any] | None = None,
        class_weight: str | None = None,
        validation_fraction: float = 0.15,
        patience: int = 150,
        max_trees: int = MAX_TREES,
        random_state: int = 0,
        seeds: int = 1,
        refit_factor: float | None = None,
    ):
        self.params = params
        self.class_weight = class_weight
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.max_trees = max_trees
        self.random_state = random_state
        self.seeds = seeds
        self.refit_factor = refit_factor

    def fit(self, X, y):
        fitted = [self._fit_one(X, y, self.random_state + i) for i in range(self.seeds)]
        self.models_ = [model for model, _ in fitted]
        self.best_iteration_ = round(float(np.mean([trees for _, trees in fitted])))
        self.classes_ = self.models_[0].classes_
        return self

    def _fit_one(self, X, y, seed: int) -> tuple[LGBMClassifier, int]:
        """One model and its number of trees: early-stopped, then refitted on all rows if asked."""
        model = self._early_stopped(X, y, seed)
        trees = model.best_iteration_ or self.max_trees
        if not self.refit_factor:
            return model, trees
        trees = max(1, round(trees * self.refit_factor))
        refitted = lightgbm_classifier(self.params, self.class_weight, n_estimators=trees, random_state=seed)
        return refitted.fit(X, y), trees

    def _early_stopped(self, X, y, seed: int) -> LGBMClassifier:
        X_fit, X_stop, y_fit, y_stop = train_test_split(
            X, y, test_size=self.validation_fraction, stratify=y, random_state=seed
        )
        model = lightgbm_classifier(
            self.params, self.class_weight, n_estimators=self.max_trees, random_state=seed
        )
        stop_weight = compute_sample_weight(self.class_weight, y_stop) if self.class_weight else None
        return model.fit(
            X_fit,
            y_fit,
            eval_X=(X_stop,),
            eval_y=(y_stop,),
            eval_sample_weight=None if stop_weight is None else [stop_weight],
            callbacks=[early_stopping(self.patience, verbose=False)],
        )

    def decision_function(self, X) -> np.ndarray:
        """Raw log-odds (the scale Platt scaling and TreeSHAP work on), averaged over the seeds."""
        return np.mean([m.predict(X, raw_score=True) for m in self.models_], axis=0)

    def predict_proba(self, X) -> np.ndarray:
        p = sigmoid(self.decision_function(X))
        return np.column_stack([1 - p, p])


def average_boosters(boosters: Sequence[Booster]) -> Booster:
    """One LightGBM booster whose raw score is the mean of the boosters' raw scores.

    Every tree of every booster, its leaf (and internal node) values divided by their number: the sum of
    all trees is then the average, and exact TreeSHAP on the result is the average of their explanations,
    so the app keeps one ``booster.txt``.
    """
    if len(boosters) == 1:
        return boosters[0]
    share = 1.0 / len(boosters)
    header, tail, trees = "", "", []
    for booster in boosters:
        head, rest = booster.model_to_string(num_iteration=-1).split("\nTree=", 1)
        body, end = rest.split("\nend of trees", 1)
        header, tail = header or head, tail or "end of trees" + end
        for tree in ("Tree=" + body).split("\nTree="):
            lines = tree.strip("\n").split("\n")[1:]  # drop "Tree=i": renumbered below
            trees.append([_scaled(line, share) for line in lines])
    # tree_sizes (byte offsets for parallel loading) no longer match; LightGBM reads trees in order without it
    header = "\n".join(line for line in header.split("\n") if not line.startswith("tree_sizes="))
    body = "".join(f"Tree={i}\n" + "\n".join(lines) + "\n\n\n" for i, lines in enumerate(trees))
    return Booster(model_str=f"{header}\n\n{body}{tail}")


def _scaled(line: str, share: float) -> str:
    if not line.startswith(("leaf_value=", "internal_value=")):
        return line
    key, values = line.split("=", 1)
    return key + "=" + " ".join(repr(float(v) * share) for v in values.split(" "))


def lightgbm_classifier(
    params: dict[str, Any] | None, class_weight: str | None, n_estimators: int, random_state: int
) -> LGBMClassifier:
    """A LightGBM classifier with the regularised defaults overridden by ``params``."""
    settings = {**LIGHTGBM_DEFAULTS, **(params or {})}
    return LGBMClassifier(
        **settings,
        n_estimators=n_estimators,
        class_weight=class_weight,
        random_state=random_state,
        n_jobs=N_JOBS,
        verbose=-1,
    )


def _imputer(numeric: Sequence[str], categorical: Sequence[str]) -> ColumnTransformer:
    imputer = ColumnTransformer(
        [
            ("numeric", SimpleImputer(strategy="median", keep_empty_features=True), list(numeric)),
            (
                "categorical",
                SimpleImputer(strategy="constant", fill_value=MISSING_CODE, keep_empty_features=True),
                list(categorical),
            ),
        ],
        verbose_feature_names_out=False,
    )
    return imputer.set_output(transform="pandas")


def _sampler(strategy: str, categorical: Sequence[str], seed: int):
    if strategy == "undersample":
        return RandomUnderSampler(random_state=seed)
    if strategy == "smote":
        if categorical:
            return SMOTENC(categorical_features=list(categorical), random_state=seed)
        return SMOTE(random_state=seed)
    return None


def _linear_encoder(numeric: Sequence[str], categorical: Sequence[str]) -> ColumnTransformer:
    return ColumnTransformer(
        [
            ("numeric", StandardScaler(), list(numeric)),
            ("categorical", OneHotEncoder(handle_unknown="ignore", min_frequency=20), list(categorical)),
        ]
    )


def monotone_constraints(columns: Sequence[str]) -> list[int]:
    """LightGBM's per-column constraints: -1 (risk never rises with the value) for ``RISK_FALLS_WITH``."""
    from model_training.features.application import RISK_FALLS_WITH

    falls = set(RISK_FALLS_WITH)
    return [-1 if column in falls else 0 for column in columns]


def _estimator(
    candidate: Candidate,
    categorical: Sequence[str],
    seed: int,
    n_estimators: int | None,
    columns: Sequence[str] = (),
):
    class_weight = "balanced" if candidate.strategy == "class_weight" else None
    params = candidate.params
    if candidate.model == "dummy":
        return DummyClassifier(strategy="prior")
    if candidate.model == "logistic_regression":
        return LogisticRegression(
            C=params.get("C", SEARCH_START["logistic_regression"]["C"]),
            class_weight=class_weight,
            solver="newton-cholesky",  # few hundred columns, many rows: a handful of Newton steps
            max_iter=200,
        )
    if candidate.model == "random_forest":
        return RandomForestClassifier(
            n_estimators=params.get("n_estimators", 150),
            min_samples_leaf=params.get(
                "min_samples_leaf", SEARCH_START["random_forest"]["min_samples_leaf"]
            ),
            max_features=params.get("max_features", SEARCH_START["random_forest"]["max_features"]),
            max_samples=0.5,
            class_weight=class_weight,
            n_jobs=N_JOBS,
            random_state=seed,
        )
    if candidate.model == "lightgbm":
        constraints = monotone_constraints(columns)
        if any(constraints):
            params = {
                **params,
                "monotone_constraints": constraints,
                "monotone_constraints_method": "advanced",
            }
        if n_estimators is None:
            return EarlyStoppedLGBMClassifier(
                params,
                class_weight,
                random_state=seed,
                max_trees=candidate.max_trees,
                seeds=candidate.seeds,
                refit_factor=candidate.refit_factor,
            )
        return lightgbm_classifier(params, class_weight, n_estimators=n_estimators, random_state=seed)
    raise KeyError(f"unknown model {candidate.model!r}; expected one of {', '.join(MODELS)}")


def build_pipeline(
    candidate: Candidate,
    feature_names: Sequence[str],
    categorical_features: Sequence[str],
    seed: int,
    n_estimators: int | None = None,
) -> Pipeline:
    """The candidate as an imblearn pipeline: [imputation] → [resampling] → [encoding] → model.

    LightGBM takes missing values and integer codes as they are, so it gets imputation only when SMOTE
    needs it. ``n_estimators`` fixes LightGBM's number of trees (final refit) instead of early stopping.
    """
    if candidate.strategy not in STRATEGIES:
        raise KeyError(f"unknown imbalance strategy {candidate.strategy!r}; expected one of {STRATEGIES}")
    categorical = [c for c in feature_names if c in set(categorical_features)]
    numeric = [c for c in feature_names if c not in set(categorical)]
    sampler = _sampler(candidate.strategy, categorical, seed)
    # Random undersampling takes missing values as they are; SMOTE interpolates, so it cannot.
    needs_imputation = candidate.model in ("logistic_regression", "random_forest") or (
        candidate.strategy == "smote" and candidate.model != "dummy"
    )
    steps: list[tuple[str, Any]] = []
    if needs_imputation:
        steps.append(("impute", _imputer(numeric, categorical)))
    if sampler is not None:
        steps.append(("resample", sampler))
    if candidate.model == "logistic_regression":
        steps.append(("encode", _linear_encoder(numeric, categorical)))
    # the columns the model receives: the imputer puts the categorical ones last
    columns = [*numeric, *categorical] if needs_imputation else list(feature_names)
    steps.append(("model", _estimator(candidate, categorical, seed, n_estimators, columns)))
    return Pipeline(steps)


def serving_estimator(pipeline: Pipeline):
    """The fitted pipeline without its resampling step (resampling only matters when fitting).

    A plain LightGBM model when nothing else is left, so the app can unpickle it with lightgbm and sklearn
    alone, without imblearn.
    """
    from sklearn.pipeline import Pipeline as SklearnPipeline

    kept = [(name, step) for name, step in pipeline.steps if not hasattr(step, "fit_resample")]
    return kept[0][1] if len(kept) == 1 else SklearnPipeline(kept)


def suggest_params(trial, model: str) -> dict[str, Any]:
    """An Optuna trial's hyperparameters: regularised ranges only (20,000 applicants overfit quickly).

    The learning rate stays fixed: early stopping picks the number of trees for it.
    """
    if model == "lightgbm":
        return {
            "num_leaves": trial.suggest_int("num_leaves", 4, 31, log=True),
            "min_child_samples": trial.suggest_int("min_child_samples", 40, 400, log=True),
            "colsample_bytree": trial.suggest_float("colsample_bytree", 0.1, 0.6),
            "subsample": trial.suggest_float("subsample", 0.5, 0.95),
            "reg_lambda": trial.suggest_float("reg_lambda", 1.0, 100.0, log=True),
            "min_split_gain": trial.suggest_float("min_split_gain", 0.0, 0.5),
        }
    if model == "logistic_regression":
        return {"C": trial.suggest_float("C", 1e-3, 1.0, log=True)}
    if model == "random_forest":
        return {
            "min_samples_leaf": trial.suggest_int("min_samples_leaf", 5, 100, log=True),
            "max_features": trial.suggest_float("max_features", 0.03, 0.3),
        }
    return {}
