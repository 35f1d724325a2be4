"""`train`: from a folder of Kaggle tables to a tracked, registered and exported credit-scoring model.

1. features, and checks that the labels can support 5-fold cross-validation (before any run is opened);
2. candidates compared on the same stratified folds (seed ``--seed``), one nested MLflow run each;
3. a modest Optuna search for the best candidate, on a split with another seed, so that the reporting
   folds are not the ones the hyperparameters were picked on;
4. the final configuration cross-validated on the reporting folds: its out-of-fold scores give the Platt
   calibration, the cost-minimising threshold and every reported metric;
5. refit on all labelled clients, SHAP, export into a staging folder, registry (the first version becomes the
   champion, every later one the challenger), swap into ``--out`` (champion) or ``--out/challenger``.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "1")

import numpy as np
import pandas as pd
import polars as pl

from model_training.calibration import CalibratedClassifier
from model_training.candidates import (
    MODELS,
    SEARCH_START,
    Candidate,
    average_boosters,
    build_pipeline,
    candidate_grid,
    final_candidate,
    quick_candidate,
    serving_estimator,
    suggest_params,
)
from model_training.contract import GovernanceRecord, Registry, ServingCard
from model_training.contract import run_record as logged
from model_training.cost import cost_at_threshold
from model_training.errors import InputError
from model_training.evaluate import (
    N_FOLDS,
    Evaluation,
    OutOfFold,
    cross_validate,
    evaluate,
    stratified_folds,
)
from model_training.progress import Items, StepProgress
from model_training.schema import CLIENT_ID, TARGET

#: The steps of a training, as its progress names them.
STEPS = (
    "load and features",
    "screening",
    "search",
    "final cross-validation",
    "final fit",
    "MLflow",
    "export",
)

#: Optuna trials when --trials is not given: a modest budget, the data cannot support a finer search.
DEFAULT_TRIALS, QUICK_TRIALS = 10, 2

#: Labelled clients on which candidates are compared and searched when there are more (a stratified
#: subsample): at the full Kaggle scale (307,511) a comparison on every row does not finish in an hour on
#: 2 cores (SMOTE alone took 25 minutes, the random forest more than 17). 50,000 clients hold about 4,000
#: defaulters, twice the real sample, enough to rank configurations; the final configuration is always
#: cross-validated and fitted on every labelled client. ``--quick`` screens on 20,000, the real sample's size.
SCREENING_CLIENTS, QUICK_SCREENING_CLIENTS, MIN_SCREENING_CLIENTS = 50_000, 20_000, 1_000


@dataclass(frozen=True)
class TrainOptions:
    """What the `train` command was asked to do."""

    data: Path
    out: Path
    quick: bool = False
    trials: int | None = None
    model: str | None = None
    cost_fn: float = 10.0
    cost_fp: float = 1.0
    seed: int = 42
    screening: int | None = None

    @property
    def n_trials(self) -> int:
        if self.trials is not None:
            return self.trials
        return QUICK_TRIALS if self.quick else DEFAULT_TRIALS

    @property
    def screening_clients(self) -> int:
        """At most this many labelled clients compare candidates and run the search."""
        if self.screening is not None:
            return self.screening
        return QUICK_SCREENING_CLIENTS if self.quick else SCREENING_CLIENTS


@dataclass
class TrainingData:
    """The labelled feature matrix, and the feature tables it comes from (for export)."""

    X: pd.DataFrame
    y: np.ndarray
    ids: np.ndarray
    tables: Any  # model_training.features.FeatureTables
    feature_names: list[str]
    categorical_features: dict[str, tuple[str, ...]]


@dataclass
class Scored:
    """One configuration under cross-validation: out-of-fold scores and what they measure."""

    candidate: Candidate
    oof: OutOfFold
    evaluation: Evaluation
    y: np.ndarray  # the labels of the clients it was scored on (a screening subsample, or all of them)

    @property
    def metrics(self) -> dict[str, float]:
        return self.evaluation.metrics


@dataclass
class TrainReport:
    """What the command prints and the tests check."""

    out: Path
    run_id: str
    final: Scored
    model: CalibratedClassifier
    comparison: pl.DataFrame
    registry: Any  # tracking.RegistryOutcome
    n_trees: int | None
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


# -------------------------------------------------------------------------------------------- progress


class Progress(StepProgress):
    """The training's steps (`train: [i/7] step (elapsed)`), with the candidate, trial or seed running and
    what an interruption leaves behind."""

    PREFIX = "train"

    def __init__(self, enabled: bool = True, stream: TextIO | None = None) -> None:
        super().__init__(len(STEPS), stream=stream, enabled=enabled)
        self.name = ""
        self.current: Items | None = None
        self.registered: str | None = None  # the registered version, once the registry has it

    def step(self, name: str) -> None:
        self.close_items()
        self.name = name
        super().step(name)

    def items(self, label: str, count: int, parts: int = 1, noun: str = "") -> Items:
        self.close_items()
        self.current = super().items(label, count, parts, noun)
        return self.current

    def close_items(self) -> None:
        if self.current is not None:
            self.current.close()
            self.current = None

    def close(self) -> None:
        self.close_items()
        super().close()

    def interrupted(self) -> str:
        """One line: where the run stopped and what it left in the registry."""
        where = self.current.where if self.current is not None else self.name
        left = (
            f"{self.registered} registered, its export not written"
            if self.registered
            else "nothing registered"
        )
        return f"interrupted during {where or 'start-up'}: {left}"


# ------------------------------------------------------------------------------------------ input checks


def check_options(options: TrainOptions) -> None:
    """Everything that can be checked before reading any data: fail fast, touch nothing."""
    from model_training.export import check_writable

    if options.model is not None and options.model not in MODELS:
        raise InputError(f"--model {options.model!r} is not a known model; choose one of {', '.join(MODELS)}")
    if options.cost_fn <= 0 or options.cost_fp <= 0:
        raise InputError(
            f"--cost-fn and --cost-fp must be above 0 (got {options.cost_fn:g}, {options.cost_fp:g})"
        )
    if options.trials is not None and options.trials < 0:
        raise InputError(f"--trials must be 0 or more (got {options.trials})")
    if options.screening is not None and options.screening < MIN_SCREENING_CLIENTS:
        raise InputError(
            f"--screening-clients must be at least {MIN_SCREENING_CLIENTS:,} (got {options.screening:,}): "
            "fewer cannot rank candidates under cross-validation"
        )
    if not Path(options.data).is_dir():
        raise InputError(
            f"--data {options.data}: no such folder; expected a folder with the Home Credit tables"
        )
    check_writable(Path(options.out))


def load_training_data(folder: Path) -> TrainingData:
    """Features of the labelled clients, checked to hold both classes, enough of each for 5 folds."""
    from model_training.features import build_features

    tables = build_features(Path(folder))
    target = tables.train.get_column(TARGET)
    if target.null_count():
        raise InputError(f"{folder}: {target.null_count()} rows of application_train have no {TARGET}")
    y = target.to_numpy().astype(np.int8)
    defaulters, good = int(y.sum()), int(len(y) - y.sum())
    if min(defaulters, good) == 0:
        raise InputError(
            f"{folder}: application_train has only {TARGET} = {1 if defaulters else 0} "
            f"({len(y)} rows); a model needs both repaid (0) and defaulted (1) clients"
        )
    if min(defaulters, good) < N_FOLDS:
        raise InputError(
            f"{folder}: application_train has {defaulters} defaulters and {good} repaid clients; "
            f"{N_FOLDS}-fold cross-validation needs at least {N_FOLDS} of each"
        )
    return TrainingData(
        X=tables.train.select(tables.feature_names).to_pandas(),
        y=y,
        ids=tables.train.get_column(CLIENT_ID).to_numpy(),
        tables=tables,
        feature_names=list(tables.feature_names),
        categorical_features=dict(tables.categorical_features),
    )


def data_record(folder: Path, data: TrainingData) -> dict[str, Any]:
    """Which data the model was trained on, precise enough to tell two trainings apart."""
    from model_training.tracking import input_fingerprint

    return {
        "folder": str(Path(folder).resolve()),
        "fingerprint_sha256": input_fingerprint(Path(folder)),
        "labelled_clients": len(data.y),
        "defaulters": int(data.y.sum()),
        "default_rate": float(data.y.mean()),
        "production_clients": data.tables.production.height,
        "features": len(data.feature_names),
    }


# ------------------------------------------------------------------------------ comparison and search


def screening_sample(data: TrainingData, clients: int, seed: int) -> TrainingData:
    """``data`` itself when it has at most ``clients`` labelled clients, otherwise a stratified subsample of
    that many (same default rate, rows in their original order) on which candidates are compared."""
    if len(data.y) <= clients:
        return data
    from sklearn.model_selection import train_test_split

    kept, _ = train_test_split(np.arange(len(data.y)), train_size=clients, stratify=data.y, random_state=seed)
    rows = np.sort(kept)
    defaulters = int(data.y[rows].sum())
    if min(defaulters, len(rows) - defaulters) < N_FOLDS:  # too few of a kind to compare on: all rows
        return data
    return replace(data, X=data.X.iloc[rows].reset_index(drop=True), y=data.y[rows], ids=data.ids[rows])


def score(
    candidate: Candidate,
    data: TrainingData,
    folds: np.ndarray,
    options: TrainOptions,
    items: Items | None = None,
) -> Scored:
    """Cross-validate one configuration and evaluate its out-of-fold scores (each fold told to ``items``)."""
    pipeline = build_pipeline(candidate, data.feature_names, list(data.categorical_features), options.seed)
    oof = cross_validate(pipeline, data.X, data.y, folds, None if items is None else items.part_done)
    return Scored(candidate, oof, evaluate(data.y, oof, options.cost_fn, options.cost_fp), data.y)


def rank_key(scored: Scored) -> tuple[float, float]:
    """Cheapest first; ROC AUC breaks ties."""
    return (scored.metrics["business_cost"], -scored.metrics["roc_auc"])


def fold_costs(scored: Scored, cost_fn: float, cost_fp: float) -> list[float]:
    """Cost per applicant of each validation fold at the configuration's one (pooled) threshold."""
    threshold = scored.metrics["threshold"]
    probability = scored.evaluation.probability
    return [
        cost_at_threshold(
            scored.y[scored.oof.folds == k], probability[scored.oof.folds == k], threshold, cost_fn, cost_fp
        )
        for k in np.unique(scored.oof.folds)
    ]


def choose_best(results: list[Scored], cost_fn: float, cost_fp: float) -> tuple[Scored, str]:
    """The cheapest configuration, unless it beats the best ranker (highest ROC AUC) by less than the noise.

    The cost at the best threshold is read off one point of a noisy curve: on the real sample a new seed
    moves it by 0.005, and a cheaper-by-chance candidate (undersampling at 0.5401 against 0.5415) was then
    the worse final model (0.5410 against 0.533). ROC AUC ranks on every threshold at once, so it is the
    steadier judge of near-ties: the cheapest wins only when its per-fold cost gain over the best ranker
    exceeds one standard error (folds are shared, so the comparison is paired). Returns the choice and why.
    """
    cheapest = min(results, key=rank_key)
    ranker = max(results, key=lambda r: (r.metrics["roc_auc"], -r.metrics["business_cost"]))
    if ranker is cheapest:
        return cheapest, f"chosen: {cheapest.candidate.name}, the cheapest and the best ranker"
    gain, error = paired_gain(fold_costs(ranker, cost_fn, cost_fp), fold_costs(cheapest, cost_fn, cost_fp))
    # gain: how much more the ranker costs than the cheapest, per applicant, averaged over folds
    if gain > error:
        return cheapest, (
            f"chosen: {cheapest.candidate.name}, cheaper than {ranker.candidate.name} (the best ranker) "
            f"by {gain:.4f} ± {error:.4f} per applicant"
        )
    return ranker, (
        f"chosen: {ranker.candidate.name}, the best ranker (ROC AUC {ranker.metrics['roc_auc']:.4f}): "
        f"{cheapest.candidate.name} is cheaper by only {gain:.4f} ± {error:.4f} per applicant, within noise"
    )


COMPARISON_COLUMNS = (
    "roc_auc",
    "roc_auc_fold_std",
    "pr_auc",
    "business_cost",
    "threshold",
    "business_cost_at_0_5",
    "recall_defaulters",
    "precision_defaulters",
    "approval_rate",
    "brier",
    "fit_seconds",
)


def comparison_table(results: list[Scored]) -> pl.DataFrame:
    """One row per candidate, cheapest first (comparison.csv)."""
    return pl.DataFrame(
        [
            {"candidate": r.candidate.name, "model": r.candidate.model, "strategy": r.candidate.strategy}
            | {c: r.metrics[c] for c in COMPARISON_COLUMNS}
            for r in sorted(results, key=rank_key)
        ]
    )


def compare_candidates(
    data: TrainingData, folds: np.ndarray, options: TrainOptions, progress: Progress | None = None
) -> list[Scored]:
    """Every candidate of the grid under the reporting folds, one nested MLflow run each."""
    import mlflow

    from model_training.tracking import log_evaluation

    models = [options.model] if options.model else None
    grid = candidate_grid(options.quick, models)
    items = (progress or Progress(enabled=False)).items("screening", len(grid), N_FOLDS, "candidate")
    results = []
    for candidate in grid:
        items.start(candidate.name)
        with mlflow.start_run(run_name=candidate.name, nested=True):
            mlflow.log_params({"model": candidate.model, "strategy": candidate.strategy})
            scored = score(candidate, data, folds, options, items)
            plots = not options.quick or candidate.model == "lightgbm"
            log_evaluation(scored, data.y, options.cost_fn, options.cost_fp, plots=plots)
        results.append(scored)
        print(_summary_line(scored), flush=True)
    return results


def search(
    best: Candidate, data: TrainingData, options: TrainOptions, progress: Progress | None = None
) -> tuple[Candidate, dict[str, Any]]:
    """Optuna on ``best``'s model and strategy: out-of-fold ROC AUC on folds seeded ``seed + 1``.

    The first trial is the candidate as compared. The best trial replaces it only if it wins by more than
    one standard error of the per-fold differences (same folds, so paired): with 1,600 defaulters most
    differences between sensible settings are noise, and chasing them overfits the folds.
    """
    import mlflow
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    folds = stratified_folds(data.y, options.seed + 1)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=options.seed))
    items = (progress or Progress(enabled=False)).items(
        f"search {best.name}", options.n_trials, N_FOLDS, "trial"
    )

    def objective(trial: optuna.Trial) -> float:
        params = suggest_params(trial, best.model)
        items.start("")
        with mlflow.start_run(run_name=f"trial {trial.number}", nested=True):
            mlflow.log_params(params)
            scored = score(with_params(best, params), data, folds, options, items)
            mlflow.log_metrics(
                {k: scored.metrics[k] for k in ("roc_auc", "roc_auc_fold_std", "business_cost")}
            )
        trial.set_user_attr("fold_auc", scored.oof.fold_auc)
        return scored.metrics["roc_auc"]

    start = SEARCH_START[best.model]
    study.enqueue_trial({k: best.params.get(k, v) for k, v in start.items()})
    with mlflow.start_run(run_name="hyperparameter search", nested=True):
        mlflow.log_params(
            {"trials": options.n_trials, "search_seed": options.seed + 1, "objective": "roc_auc"}
        )
        study.optimize(objective, n_trials=options.n_trials)
        first, top = study.trials[0], study.best_trial
        gain, standard_error = paired_gain(top.user_attrs["fold_auc"], first.user_attrs["fold_auc"])
        adopted = top.number != first.number and gain > standard_error
        if top.value is None or first.value is None:  # optuna's best trial is complete; the first one too
            raise RuntimeError("the hyperparameter search's first or best trial has no score")
        mlflow.log_metrics({"best_search_roc_auc": top.value, "start_search_roc_auc": first.value})
        mlflow.log_params({f"best_{k}": v for k, v in top.params.items()} | {"adopted": adopted})
    summary = {
        "trials": len(study.trials),
        "search_folds_seed": options.seed + 1,
        "start_roc_auc": first.value,
        "best_roc_auc": top.value,
        "best_params": top.params,
        "fold_gain": gain,
        "fold_gain_standard_error": standard_error,
        "adopted": adopted,
        "rule": "the best trial replaces the starting settings only if its mean per-fold ROC AUC gain "
        "exceeds one standard error of the paired per-fold differences",
    }
    print(
        f"  best trial {top.number}: ROC AUC {top.value:.4f} against {first.value:.4f} for the starting "
        f"settings (gain {gain:+.4f} ± {standard_error:.4f}): {'adopted' if adopted else 'kept the start'}",
        flush=True,
    )
    return (with_params(best, top.params) if adopted else best), summary


def paired_gain(challenger: list[float], incumbent: list[float]) -> tuple[float, float]:
    """Mean per-fold difference and its standard error (folds are shared, so differences are paired)."""
    differences = np.asarray(challenger) - np.asarray(incumbent)
    if len(differences) < 2:
        return float(differences.mean()), float("inf")
    return float(differences.mean()), float(differences.std(ddof=1) / np.sqrt(len(differences)))


def with_params(candidate: Candidate, params: dict[str, Any]) -> Candidate:
    return replace(candidate, params={**candidate.params, **params})


def _screened_on(screen: TrainingData, data: TrainingData) -> str:
    if screen is data:
        return ""
    return (
        f" on a stratified {len(screen.y):,} of the {len(data.y):,} labelled clients; the final "
        "configuration is cross-validated on all of them"
    )


def _summary_line(scored: Scored) -> str:
    m = scored.metrics
    return (
        f"  {scored.candidate.name:<34} ROC AUC {m['roc_auc']:.4f} ± {m['roc_auc_fold_std']:.4f}  "
        f"cost {m['business_cost']:.4f} at {m['threshold']:.3f}  ({m['fit_seconds']:.0f} s)"
    )


# ------------------------------------------------------------------------------------------ final model


def refit_trees(oof: OutOfFold) -> int | None:
    """Trees for the refit on all rows: the mean of the folds' early-stopped counts."""
    return round(float(np.mean(oof.best_iterations))) if oof.best_iterations else None


def refit(
    candidate: Candidate, data: TrainingData, n_trees: int | None, seed: int, progress: Progress | None = None
):
    """The configuration fitted on every labelled client, without its resampling step for serving.

    Averaged LightGBM configurations become one booster (``average_boosters``), seeds as in CV.
    """
    items = (progress or Progress(enabled=False)).items(
        f"final fit {candidate.name}", candidate.seeds, 1, "seed"
    )
    fitted = []
    for i in range(candidate.seeds):
        items.start("")
        pipeline = build_pipeline(
            candidate, data.feature_names, list(data.categorical_features), seed + i, n_estimators=n_trees
        )
        fitted.append(serving_estimator(pipeline.fit(data.X, data.y)))
        items.part_done(1)
    return fitted[0] if len(fitted) == 1 else average_boosters([model.booster_ for model in fitted])


def final_model(
    final: Scored, data: TrainingData, seed: int, progress: Progress | None = None
) -> tuple[CalibratedClassifier, int | None]:
    """Refit on all rows, wrapped with the out-of-fold calibration and threshold."""
    n_trees = refit_trees(final.oof)
    calibration = final.evaluation.calibration
    estimator = refit(final.candidate, data, n_trees, seed, progress)
    model = CalibratedClassifier(estimator, calibration.a, calibration.b, final.metrics["threshold"])
    model.classes_ = np.array([0, 1])
    return model, n_trees


def importance_of(model: CalibratedClassifier, data: TrainingData, seed: int) -> pl.DataFrame:
    """Global mean |SHAP| over the training rows (+ LightGBM gain); model-agnostic for other models."""
    from model_training import explain

    booster = explain.booster_of(model)
    if booster is not None:
        return explain.global_importance(booster, explain.booster_input(model, data.X), seed)
    background = data.X.sample(n=min(len(data.X), 200), random_state=seed)
    return explain.model_agnostic_importance(model.decision_function, data.X, background, seed)


def explanation_note(model: CalibratedClassifier) -> dict[str, Any]:
    """How the app explains this model (serving.json)."""
    from model_training.explain import booster_of

    if booster_of(model) is not None:
        return {
            "method": "exact TreeSHAP: booster.txt, booster.predict(X, pred_contrib=True)",
            "scale": "raw log-odds; calibrated log-odds = a * raw + b, so multiply each contribution by "
            "calibration.a and map the base value (last column) to a * base + b",
            "booster_imputation": None,
        }
    return {
        "method": "model-agnostic: shap.PermutationExplainer on the model's calibrated log-odds "
        "(model/ via mlflow.pyfunc, decision_function), background = shap_background.parquet",
        "scale": "calibrated log-odds",
        "booster_imputation": None,
    }


# ------------------------------------------------------------------------------------------ whole run


@dataclass
class FinalModel:
    """The chosen configuration, refitted and calibrated, with what export and the registry need."""

    scored: Scored
    model: CalibratedClassifier
    n_trees: int | None
    importance: pl.DataFrame
    model_uri: str
    run_id: str
    search: dict[str, Any] | None


def train(options: TrainOptions, show_progress: bool = True) -> TrainReport:
    """Run the whole training (see the module docstring). Bad input raises InputError before any write."""
    check_options(options)
    progress = Progress(enabled=show_progress)
    try:
        with progress.printing():
            return _train(options, progress)
    except KeyboardInterrupt:
        message = progress.interrupted()
        progress.close()
        release_workers()
        raise KeyboardInterrupt(message) from None
    finally:
        progress.close()


def release_workers() -> None:
    """Stop joblib's worker processes (and so their shared-memory folders) after an interruption, so that
    nothing is left behind and no "leaked folder" warning is printed at exit."""
    from joblib.externals.loky import reusable_executor

    executor = getattr(reusable_executor, "_executor", None)
    if executor is not None:
        executor.shutdown(wait=True, kill_workers=True)


def _train(options: TrainOptions, progress: Progress) -> TrainReport:
    clock = _Clock()
    progress.step("load and features")
    data = load_training_data(Path(options.data))
    record = data_record(Path(options.data), data)
    clock.lap("features")

    import mlflow

    from model_training import tracking

    experiment_id = tracking.start_tracking()
    run_name = f"train {datetime.now(UTC):%Y-%m-%d %H:%M}" + (" quick" if options.quick else "")
    with mlflow.start_run(experiment_id=experiment_id, run_name=run_name) as run:
        tracking.log_training_inputs(option_record(options), record)
        final, comparison = choose_and_fit(options, data, run.info.run_id, clock, progress)
        progress.step("export")
        registry = export_and_register(options, data, record, final, progress)
        clock.lap("export")
        mlflow.log_metric("total_seconds", clock.total())
        mlflow.log_dict(clock.laps, "timings.json")
    return TrainReport(
        out=export_folder(Path(options.out), registry.champion),
        run_id=run.info.run_id,
        final=final.scored,
        model=final.model,
        comparison=comparison,
        registry=registry,
        n_trees=final.n_trees,
        seconds=clock.total(),
        timings=clock.laps,
    )


def choose_and_fit(
    options: TrainOptions, data: TrainingData, run_id: str, clock: _Clock, progress: Progress
) -> tuple[FinalModel, pl.DataFrame]:
    """Compare, search, cross-validate the final configuration, refit, explain and log the model."""
    import mlflow

    from model_training import tracking
    from model_training.explain import importance_figure

    folds = stratified_folds(data.y, options.seed)
    screen = screening_sample(data, options.screening_clients, options.seed)
    screen_folds = folds if screen is data else stratified_folds(screen.y, options.seed)
    progress.step("screening")
    print(
        f"comparing candidates ({N_FOLDS}-fold CV, seed {options.seed}){_screened_on(screen, data)}:",
        flush=True,
    )
    results = compare_candidates(screen, screen_folds, options, progress)
    comparison = comparison_table(results)
    tracking.log_table(comparison, logged.COMPARISON_TABLE)
    best, reason = choose_best(results, options.cost_fn, options.cost_fp)
    print(reason, flush=True)
    mlflow.set_tag("chosen_candidate", best.candidate.name)
    mlflow.set_tag("chosen_because", reason.strip())
    clock.lap("comparison")

    tuned, search_summary = best.candidate, None
    progress.step("search")
    if options.n_trials > 0 and best.candidate.model in SEARCH_START:
        print(f"searching {best.candidate.name}: {options.n_trials} Optuna trials", flush=True)
        tuned, search_summary = search(best.candidate, screen, options, progress)
    clock.lap("search")

    chosen = quick_candidate(tuned, len(data.y)) if options.quick else final_candidate(tuned, len(data.y))
    progress.step("final cross-validation")
    with mlflow.start_run(run_name=f"final {chosen.name}", nested=True):
        screened_as_it_is = (r for r in results if r.candidate == chosen and screen is data)
        final = next(screened_as_it_is, None)
        if final is None:
            items = progress.items("final cross-validation", 1, N_FOLDS, "candidate")
            items.start(chosen.name)
            final = score(chosen, data, folds, options, items)
        tracking.log_evaluation(final, data.y, options.cost_fn, options.cost_fp, plots=True, reliability=True)
    print(f"final configuration:\n{_summary_line(final)}", flush=True)
    mlflow.log_metrics({logged.final_key(k): v for k, v in final.metrics.items()})
    mlflow.log_params({logged.final_key(k): v for k, v in final.candidate.params.items()})
    mlflow.log_params(
        {
            logged.final_key("seeds"): final.candidate.seeds,
            logged.final_key("refit_factor"): final.candidate.refit_factor,
            logged.final_key("max_trees"): final.candidate.max_trees,
        }
    )
    mlflow.set_tag(logged.FINAL_CANDIDATE_TAG, final.candidate.name)
    clock.lap("final_cv")

    progress.step("final fit")
    model, n_trees = final_model(final, data, options.seed, progress)
    importance = importance_of(model, data, options.seed)
    progress.step("MLflow")
    tracking.log_table(importance, logged.IMPORTANCE_TABLE)
    tracking.log_figure(importance_figure(importance), logged.GLOBAL_IMPORTANCE.artifact)
    model_info = tracking.log_model(model, data.X)
    clock.lap("refit")
    return FinalModel(
        final, model, n_trees, importance, model_info.model_uri, run_id, search_summary
    ), comparison


def export_and_register(
    options: TrainOptions,
    data: TrainingData,
    record: dict[str, Any],
    final: FinalModel,
    progress: Progress | None = None,
):
    """Write every artifact into a staging folder, register the model, then swap the folder into ``--out``
    (the first version, which becomes the champion) or ``--out/challenger`` (every later one).

    The registry is touched only once every file is written; a failure before the swap removes the staging
    folder and leaves the previous artifacts as they were.
    """
    import shutil

    from model_training import export, tracking

    staging = export.staging_folder(Path(options.out))
    try:
        train_applications = export_files(staging, options, data, final)
        governance = governance_of(final.scored, data, options, train_applications)
        tracking.log_governance(governance)
        registry = tracking.register_version(
            final.model_uri, final.scored.metrics["business_cost"], registry_tags(options, record, final)
        )
        if progress is not None:
            progress.registered = f"{registry.name} v{registry.version}"
        target = export_folder(Path(options.out), registry.champion)
        if not registry.champion and not (Path(options.out) / ServingCard.FILE).is_file():
            print(
                f"note: {options.out} holds no champion's export (the registry's champion is "
                f"v{registry.previous_champion}): the app has nothing to serve until `promote`",
                flush=True,
            )
        print(
            f"registry: {registry.name} v{registry.version} is the {registry.alias} ({registry.message}); "
            f"exported to {target}",
            flush=True,
        )
        replace(
            governance,
            registry=Registry(
                name=registry.name,
                served_version=registry.version,
                versions=tracking.registry_snapshot(registry.name),
            ),
            tracking=tracking.run_location(final.run_id),
        ).write(staging / GovernanceRecord.FILE)
        explanation = {
            **explanation_note(final.model),
            "booster_imputation": export.booster_imputation(final.model),
        }
        card = export.serving_card(
            final=final.scored,
            options=option_record(options),
            data_record=record,
            feature_names=data.feature_names,
            categorical_features=data.categorical_features,
            descriptions=export.feature_descriptions(
                data.feature_names, export.kaggle_descriptions(Path(options.data))
            ),
            registry=registry,
            run_id=final.run_id,
            model_uri=final.model_uri,
            n_trees=final.n_trees,
            explanation=explanation,
            search=final.search,
        )
        card.write(staging / ServingCard.FILE)
        target.parent.mkdir(parents=True, exist_ok=True)
        export.swap_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return registry


def export_folder(out: Path, champion: bool) -> Path:
    """Where a version's export goes: ``out`` for the champion, ``out/challenger`` for a challenger (the
    champion's export, which the app serves, stays as it is until ``promote``)."""
    from model_training.export import CHALLENGER_DIR

    return out if champion else out / CHALLENGER_DIR


def export_files(staging: Path, options: TrainOptions, data: TrainingData, final: FinalModel) -> pl.DataFrame:
    """Everything but serving.json and governance.json: model, booster, explanations, out-of-fold scores,
    client tables. Returns the labelled clients' application columns it read (for the fairness audit)."""
    from model_training import export
    from model_training.explain import booster_of

    scored = final.scored
    export.write_model_files(staging, final.model_uri, booster_of(final.model))
    export.write_explanation_files(staging, data.tables.train, final.importance, options.seed)
    export.write_oof_predictions(
        staging, data.ids, data.y, scored.oof.folds, scored.evaluation.probability, scored.oof.raw
    )
    production_applications, train_applications = export.read_applications(Path(options.data))
    production = data.tables.production
    export.client_tables(
        production_features=production,
        production_probability=final.model.predict_proba(production.select(data.feature_names).to_pandas())[
            :, 1
        ],
        production_applications=production_applications,
        reference_features=data.tables.train,
        reference_probability=scored.evaluation.probability,
        train_applications=train_applications,
        threshold=scored.metrics["threshold"],
    ).write(staging / export.CLIENTS_DIR)
    return train_applications


def governance_of(
    scored: Scored, data: TrainingData, options: TrainOptions, train_applications: pl.DataFrame
) -> GovernanceRecord:
    """Cost by FN:FP ratio, calibration and fairness on the final configuration's out-of-fold scores.

    Sex and age come from the application table (CODE_GENDER, DAYS_BIRTH), not from the features: the
    audit is the same whether or not the model reads them.
    """
    from model_training.cost import decision_counts
    from model_training.governance import governance_record

    applicants = pl.DataFrame({CLIENT_ID: pl.Series(data.ids).cast(pl.Int64)}).join(
        train_applications.select(
            pl.col(CLIENT_ID).cast(pl.Int64), pl.col("CODE_GENDER").cast(pl.String), "DAYS_BIRTH"
        ),
        on=CLIENT_ID,
        how="left",
        maintain_order="left",
    )
    probability = scored.evaluation.probability
    return governance_record(
        y_true=data.y,
        probability=probability,
        threshold=scored.metrics["threshold"],
        cost_fn=options.cost_fn,
        cost_fp=options.cost_fp,
        counts=decision_counts(data.y, probability),
        reliability=scored.evaluation.reliability,
        brier=scored.metrics["brier"],
        code_gender=applicants.get_column("CODE_GENDER").to_list(),
        days_birth=applicants.get_column("DAYS_BIRTH").cast(pl.Float64).to_numpy(),
        feature_names=data.feature_names,
    )


def registry_tags(options: TrainOptions, record: dict[str, Any], final: FinalModel) -> dict[str, str]:
    """Tags of the registered version: what the next training compares against, and where it came from."""
    m = final.scored.metrics
    return {
        "cv_roc_auc": f"{m['roc_auc']:.6f}",
        "cv_roc_auc_fold_std": f"{m['roc_auc_fold_std']:.6f}",
        "threshold": f"{m['threshold']:.6f}",
        "cost_weights": f"fn={options.cost_fn:g},fp={options.cost_fp:g}",
        "data_fingerprint": record["fingerprint_sha256"],
        "candidate": final.scored.candidate.name,
        "run_id": final.run_id,
    }


def option_record(options: TrainOptions) -> dict[str, Any]:
    """The options as logged and exported (paths as text, the effective number of trials)."""
    return {
        "data": str(options.data),
        "out": str(options.out),
        "quick": options.quick,
        "trials": options.n_trials,
        "model": options.model or "all",
        "cost_fn": options.cost_fn,
        "cost_fp": options.cost_fp,
        "seed": options.seed,
        "screening_clients": options.screening_clients,
    }


class _Clock:
    """Seconds spent in each step, for the log and the printed total."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        self.laps[name] = self.total() - sum(self.laps.values())

    def total(self) -> float:
        return time.perf_counter() - self.started
