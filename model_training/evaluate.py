"""Cross-validation with out-of-fold predictions, the metrics a credit committee reads, and their curves.

Every applicant is scored exactly once by a model that never saw them: the out-of-fold scores. The
calibration, the threshold and every reported metric come from those scores, never from fitted rows.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from time import perf_counter

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import average_precision_score, confusion_matrix, roc_auc_score, roc_curve
from sklearn.model_selection import StratifiedKFold

from model_training.calibration import PlattMap, brier_score, fit_platt, raw_log_odds, reliability_curve
from model_training.cost import cost_at_threshold, cost_curve, optimal_threshold
from model_training.decision import refused

N_FOLDS = 5

#: Folds fitted at the same time, in separate processes.
CV_PROCESSES = max(1, min(2, os.cpu_count() or 1))

# joblib's workers restart themselves once they have grown by 300 MB (its guard against leaks), which every
# fold at the full Kaggle scale does; the restart is harmless and its warning is noise in the training log.
warnings.filterwarnings("ignore", message="A worker stopped while some jobs were given to the executor")


def stratified_folds(y: np.ndarray, seed: int, n_folds: int = N_FOLDS) -> np.ndarray:
    """Fold number (0..n_folds-1) of each applicant; every fold keeps the overall default rate."""
    folds = np.empty(len(y), dtype=np.int8)
    splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    for k, (_, validation) in enumerate(splitter.split(np.zeros(len(y)), y)):
        folds[validation] = k
    return folds


@dataclass
class OutOfFold:
    """Out-of-fold raw log-odds of one configuration, with what each fold says on its own."""

    raw: np.ndarray
    folds: np.ndarray
    fold_auc: list[float]
    fit_seconds: float
    best_iterations: list[int] = field(default_factory=list)


def cross_validate(
    pipeline,
    X: pd.DataFrame,
    y: np.ndarray,
    folds: np.ndarray,
    on_fold: Callable[[int], None] | None = None,
) -> OutOfFold:
    """Fit a fresh copy of ``pipeline`` on all folds but one and score the one left out, for each fold.

    Folds run in parallel processes (one thread each): on a shared 2-core machine this degrades gracefully,
    where multi-threaded LightGBM slows down several-fold as soon as another process holds a core.
    ``on_fold(done)`` is called as each fold's model comes back, in fold order (for progress).
    """
    from joblib import Parallel, delayed

    started = perf_counter()
    fold_ids = np.unique(folds)
    values, columns = X.to_numpy(), list(X.columns)
    jobs = min(CV_PROCESSES, len(fold_ids))
    fitted = []
    for result in Parallel(n_jobs=jobs, return_as="generator")(
        delayed(_fit_fold)(clone(pipeline), values, columns, y, folds != k) for k in fold_ids
    ):
        fitted.append(result)
        if on_fold is not None:
            on_fold(len(fitted))
    raw = np.full(len(y), np.nan)
    fold_auc: list[float] = []
    best_iterations: list[int] = []
    for k, (model, _) in zip(fold_ids, fitted, strict=True):
        validation = folds == k
        raw[validation] = raw_log_odds(model, X.iloc[np.flatnonzero(validation)])
        fold_auc.append(float(roc_auc_score(y[validation], raw[validation])))
        iterations = getattr(model[-1] if hasattr(model, "steps") else model, "best_iteration_", None)
        if iterations is not None:
            best_iterations.append(int(iterations))
    return OutOfFold(raw, folds, fold_auc, perf_counter() - started, best_iterations)


def _fit_fold(pipeline, values: np.ndarray, columns: list[str], y: np.ndarray, train: np.ndarray):
    rows = np.flatnonzero(train)
    X_train = pd.DataFrame(values[rows], columns=columns)
    started = perf_counter()
    return pipeline.fit(X_train, y[rows]), perf_counter() - started


@dataclass
class Evaluation:
    """Calibrated out-of-fold probabilities of one configuration and everything measured on them."""

    probability: np.ndarray
    calibration: PlattMap
    metrics: dict[str, float]
    reliability: dict[str, list[float]]


def evaluate(y: np.ndarray, oof: OutOfFold, cost_fn: float, cost_fp: float) -> Evaluation:
    """Platt-calibrate the out-of-fold scores, choose the threshold on them, and measure.

    Calibration is monotone, so ROC AUC and the best achievable cost are those of the raw scores; it makes
    the threshold and the Brier score readable as probabilities.
    """
    calibration = fit_platt(oof.raw, y)
    probability = calibration.probability(oof.raw)
    choice = optimal_threshold(y, probability, cost_fn, cost_fp)
    refused_rows = refused(probability, choice.threshold)
    defaults = np.asarray(y).astype(bool)
    metrics = {
        "roc_auc": float(roc_auc_score(y, oof.raw)),
        "roc_auc_fold_mean": float(np.mean(oof.fold_auc)),
        "roc_auc_fold_std": float(np.std(oof.fold_auc)),
        "pr_auc": float(average_precision_score(y, oof.raw)),
        "business_cost": choice.cost,
        "threshold": choice.threshold,
        "business_cost_at_0_5": cost_at_threshold(y, probability, 0.5, cost_fn, cost_fp),
        "cost_accept_all": choice.cost_accept_all,
        "cost_refuse_all": choice.cost_refuse_all,
        "gain_over_accept_all": choice.gain_over_accept_all,
        "gain_over_refuse_all": choice.gain_over_refuse_all,
        "recall_defaulters": float((refused_rows & defaults).sum() / max(defaults.sum(), 1)),
        "precision_defaulters": float((refused_rows & defaults).sum() / max(refused_rows.sum(), 1)),
        "approval_rate": float(1 - refused_rows.mean()),
        "brier": brier_score(y, probability),
        "calibration_a": calibration.a,
        "calibration_b": calibration.b,
        "fit_seconds": oof.fit_seconds,
    }
    return Evaluation(probability, calibration, metrics, reliability_curve(y, probability))


# Figures: matplotlib (installed with mlflow), drawn off-screen.


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def roc_pr_figure(y: np.ndarray, probability: np.ndarray, title: str):
    """ROC and precision-recall curves side by side."""
    from sklearn.metrics import precision_recall_curve

    plt = _pyplot()
    fig, (roc_ax, pr_ax) = plt.subplots(1, 2, figsize=(10, 4.5))
    fpr, tpr, _ = roc_curve(y, probability)
    roc_ax.plot(fpr, tpr, color="#0072B2", label=f"AUC {roc_auc_score(y, probability):.3f}")
    roc_ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="chance")
    roc_ax.set(xlabel="false positive rate (good clients refused)", ylabel="recall of defaulters")
    roc_ax.set_title("ROC (out-of-fold)")
    roc_ax.legend(loc="lower right")
    precision, recall, _ = precision_recall_curve(y, probability)
    pr_ax.plot(recall, precision, color="#D55E00", label=f"AP {average_precision_score(y, probability):.3f}")
    pr_ax.axhline(np.mean(y), color="grey", linestyle="--", label="default rate")
    pr_ax.set(xlabel="recall of defaulters", ylabel="precision of refusals")
    pr_ax.set_title("Precision-recall (out-of-fold)")
    pr_ax.legend(loc="upper right")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def cost_figure(y: np.ndarray, probability: np.ndarray, cost_fn: float, cost_fp: float, title: str):
    """Cost per applicant against the threshold, with the chosen one and the accept-all line."""
    plt = _pyplot()
    thresholds, costs = cost_curve(y, probability, cost_fn, cost_fp)
    choice = optimal_threshold(y, probability, cost_fn, cost_fp)
    inside = thresholds <= 1.0
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(thresholds[inside], costs[inside], color="#0072B2", label="cost per applicant")
    ax.axhline(choice.cost_accept_all, color="grey", linestyle="--", label="accept everyone")
    ax.axvline(choice.threshold, color="#D55E00", linestyle=":", label=f"threshold {choice.threshold:.3f}")
    ax.scatter([choice.threshold], [choice.cost], color="#D55E00", marker="D", zorder=3)
    ax.set(xlabel="threshold on the probability of default", ylabel=f"({cost_fn:g}·FN + {cost_fp:g}·FP) / n")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig


def confusion_figure(y: np.ndarray, probability: np.ndarray, threshold: float, title: str):
    """Counts of the four outcomes at the chosen threshold, written in each cell."""
    plt = _pyplot()
    matrix = confusion_matrix(y, refused(probability, threshold).astype(int), labels=[0, 1])
    fig, ax = plt.subplots(figsize=(5, 4.5))
    ax.imshow(matrix, cmap="Blues")
    labels = [["good, accepted", "good, refused (FP)"], ["default, accepted (FN)", "default, refused"]]
    for i in range(2):
        for j in range(2):
            colour = "white" if matrix[i, j] > matrix.max() / 2 else "black"
            ax.text(j, i, f"{labels[i][j]}\n{matrix[i, j]:,}", ha="center", va="center", color=colour)
    ax.set_xticks([0, 1], ["accepted", "refused"])
    ax.set_yticks([0, 1], ["repaid", "defaulted"])
    ax.set_title(f"{title}\nthreshold {threshold:.3f}")
    fig.tight_layout()
    return fig


def reliability_figure(reliability: dict[str, list[float]], brier: float, title: str):
    """Observed default rate against the predicted probability, per decile of the predictions."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 5))
    top = max(max(reliability["mean_predicted"]), max(reliability["observed_rate"])) * 1.05
    ax.plot([0, top], [0, top], color="grey", linestyle="--", label="perfect calibration")
    ax.plot(
        reliability["mean_predicted"],
        reliability["observed_rate"],
        marker="o",
        color="#0072B2",
        label=f"out-of-fold (Brier {brier:.4f})",
    )
    ax.set(xlabel="mean predicted probability (decile)", ylabel="observed default rate")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig
