"""The drift summary's file names and reader, and the score PSI: everything the app needs of drift.

The app reads `artifacts/drift/summary.json` at request time; evidently takes seconds to import and is only
needed to build the report, so this module imports numpy and the standard library only. The file's fields
are the record model_training.contract.DriftSummary (format_version 1), written by
`python -m model_training drift` beside `report.html`:

- `built_at` (ISO 8601, UTC), `evidently_version`;
- `data`: `folder`, and per side (`reference`: application_train, `current`: application_test) `table`,
  `rows`, `rows_compared` and `sample` (how the compared rows were drawn, null when all were compared);
- `model`: `used` (false when the artifacts hold no model), `artifacts`, `note`, `top_features`;
- `dataset`: `drifted`, `drifted_columns`, `columns`, `drifted_share`, `drift_share_threshold`, `test`;
- `score`: null without a model, else `psi`, `reading` (stable / moderate / significant), `bins`, `method`,
  `threshold`, `drifted` (PSI >= threshold), `reference`, `current` (what was compared);
- `columns`: per compared column, drifted first then by importance: `column`, `source` (application or
  feature), `type` (numerical or categorical), `method`, `score_kind` (distance or p_value), `drift_score`,
  `threshold`, `drifted`, `importance` (mean |SHAP|, null when the column is not a model feature);
- `not_compared`: columns left out (`column`, `reason`), e.g. without a single value on one side.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from model_training.contract import DriftSummary

DRIFT_FOLDER = "drift"
REPORT_FILE = "report.html"
#: The same report cut to the score and the columns read first (drifted, then the most important), which a
#: browser draws in about a second, where the full one (three plots per column) takes several.
LIGHT_REPORT_FILE = "report_light.html"
SUMMARY_FILE = Path(DriftSummary.FILE).name
SUMMARY_FORMAT = DriftSummary.SCHEMA_VERSION

#: PSI bands as credit-risk teams read them: below 0.1 stable, up to 0.25 moderate shift, above significant.
PSI_STABLE = 0.1
PSI_SIGNIFICANT = 0.25
PSI_BINS = 10


def summary_path(artifacts_dir: Path | str) -> Path:
    """Where `python -m model_training drift` writes the summary inside an artifacts folder."""
    return Path(artifacts_dir) / DRIFT_FOLDER / SUMMARY_FILE


def report_path(artifacts_dir: Path | str) -> Path:
    """Where `python -m model_training drift` writes the evidently HTML report inside an artifacts folder."""
    return Path(artifacts_dir) / DRIFT_FOLDER / REPORT_FILE


def light_report_path(artifacts_dir: Path | str) -> Path:
    """Where `python -m model_training drift` writes the lighter evidently report beside the full one."""
    return Path(artifacts_dir) / DRIFT_FOLDER / LIGHT_REPORT_FILE


def psi_reading(psi: float) -> str:
    """The usual reading of a PSI value: "stable", "moderate" or "significant"."""
    if psi < PSI_STABLE:
        return "stable"
    return "moderate" if psi <= PSI_SIGNIFICANT else "significant"


def population_stability_index(
    reference: np.ndarray | Any, current: np.ndarray | Any, bins: int = PSI_BINS
) -> float:
    """PSI of `current` against `reference` over `bins` quantile bins of the reference (missing ignored).

    Bins are reference deciles (by default), so each holds ~10% of the reference: the form risk teams use,
    unlike evidently's own "psi" (Sturges bins over both samples). Quantiles that coincide (a score with many
    equal values) merge their bins. An empty bin counts as 0.01% of the rows, so that the log stays finite.
    """
    ref = _finite(reference)
    cur = _finite(current)
    if ref.size == 0 or cur.size == 0:
        raise ValueError("PSI needs at least one non-missing value in each sample")
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1)[1:-1]))
    ref_share = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=edges.size + 1) / ref.size
    cur_share = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=edges.size + 1) / cur.size
    ref_share = np.clip(ref_share, 1e-4, None)
    cur_share = np.clip(cur_share, 1e-4, None)
    return float(np.sum((cur_share - ref_share) * np.log(cur_share / ref_share)))


def _finite(values: np.ndarray | Any) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64).ravel()
    return array[np.isfinite(array)]


def load_drift_summary(artifacts_dir: Path | str) -> DriftSummary | None:
    """The drift summary of an artifacts folder; None when no report was built yet.

    A file that exists but is not a summary this code can read raises a ContractError (an InputError)
    naming the file, the field and the command that rebuilds it, so that the app shows "rebuild the drift
    report" rather than a wrong or half-read verdict.
    """
    path = summary_path(artifacts_dir)
    if not path.is_file():
        return None
    return DriftSummary.read(path)
