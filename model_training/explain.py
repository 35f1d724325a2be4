"""Why the model says what it says: exact TreeSHAP contributions, and the features that matter overall.

Contributions come from LightGBM itself (``pred_contrib=True``, exact TreeSHAP, no shap import needed): per
client, a base value plus one contribution per feature, summing to the raw log-odds. Platt calibration is
affine on that scale, so scaled by ``a`` (and the base value mapped to ``a * base + b``) they sum to the
calibrated log-odds the app shows as a probability.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl

from model_training.calibration import PlattMap

#: Rows used for the global importance: mean |SHAP| settles long before 20,000 rows, and TreeSHAP over all
#: 307,511 Kaggle applicants would cost minutes for no visible change.
GLOBAL_IMPORTANCE_ROWS = 20_000


def final_step(model):
    """The estimator at the end of a pipeline (or the model itself)."""
    steps = getattr(model, "steps", None)
    return steps[-1][1] if steps else model


def booster_of(model):
    """The LightGBM booster inside a fitted model (or the model itself), or None for other models."""
    step = final_step(getattr(model, "estimator", model))
    return step if hasattr(step, "model_to_string") else getattr(step, "booster_", None)


def booster_input(model, X: pd.DataFrame) -> pd.DataFrame:
    """The features as the booster receives them: after the pipeline's transformers, if any."""
    inner = getattr(model, "estimator", model)
    steps = getattr(inner, "steps", None)
    if not steps or len(steps) == 1:
        return X
    transformed = X
    for _, step in steps[:-1]:
        if not hasattr(step, "fit_resample"):
            transformed = step.transform(transformed)
    return transformed


def contributions(booster, X: pd.DataFrame) -> np.ndarray:
    """Exact TreeSHAP: one column per feature, then the base value; each row sums to the raw log-odds."""
    return np.asarray(booster.predict(X, pred_contrib=True), dtype=np.float64)


def calibrated_contributions(raw_contributions: np.ndarray, calibration: PlattMap) -> np.ndarray:
    """The same contributions on the calibrated log-odds scale (they still add up exactly)."""
    scaled = calibration.contributions(raw_contributions)
    scaled[:, -1] = calibration.log_odds(raw_contributions[:, -1])
    return scaled


def global_importance(booster, X: pd.DataFrame, seed: int = 0) -> pl.DataFrame:
    """Per feature: mean |SHAP| in raw log-odds over the training rows (a sample beyond 20,000), the
    LightGBM total gain and its share, most important first."""
    if len(X) > GLOBAL_IMPORTANCE_ROWS:
        rows = np.sort(np.random.default_rng(seed).choice(len(X), GLOBAL_IMPORTANCE_ROWS, replace=False))
        X = X.iloc[rows]
    mean_abs = np.abs(contributions(booster, X)[:, :-1]).mean(axis=0)
    gain = booster.feature_importance(importance_type="gain")
    return (
        pl.DataFrame(
            {
                "feature": booster.feature_name(),
                "mean_abs_shap": mean_abs,
                "gain": gain.astype(np.float64),
                "gain_share": gain / max(gain.sum(), 1e-300),
            }
        )
        .sort("mean_abs_shap", descending=True)
        .with_row_index("rank", offset=1)
    )


def model_agnostic_importance(predict_log_odds, X: pd.DataFrame, background: pd.DataFrame, seed: int = 0):
    """Mean |SHAP| by shap's permutation explainer, for models without trees.

    Approximate and slow (2 x features + 1 model calls per client): 50 clients against 20 background rows.
    """
    import shap

    sample = X.sample(n=min(len(X), 50), random_state=seed)
    explainer = shap.PermutationExplainer(predict_log_odds, background.head(20), seed=seed)
    values = explainer(sample, max_evals=2 * X.shape[1] + 1, silent=True).values
    return (
        pl.DataFrame(
            {
                "feature": list(X.columns),
                "mean_abs_shap": np.abs(values).mean(axis=0),
                "gain": np.full(X.shape[1], np.nan),
                "gain_share": np.full(X.shape[1], np.nan),
            }
        )
        .sort("mean_abs_shap", descending=True)
        .with_row_index("rank", offset=1)
    )


def importance_figure(importance: pl.DataFrame, top: int = 20):
    """Horizontal bars of the ``top`` features by mean |SHAP|, the strongest at the top."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    head = importance.head(top).reverse()
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(head) + 1.2))
    ax.barh(head["feature"].to_list(), head["mean_abs_shap"].to_list(), color="#0072B2")
    ax.set(
        xlabel="mean |SHAP| (log-odds of default)", title=f"Top {len(head)} features over the training data"
    )
    fig.tight_layout()
    return fig
