"""What a `train` run leaves in MLflow for the methodology note: artifact paths and the names of params and
metrics on the parent run.

model_training.tracking and model_training.train log under these names; model_training.report reads them
back. MLflow's own records are the storage (no file of ours), so this module holds names, not a reader.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Prefixes of the parent run's params and metrics: the command's options, the data record, and the final
#: configuration's out-of-fold metrics (named as in serving.json's cv_metrics) and settings.
OPTION_PREFIX = "option_"
DATA_PREFIX = "data_"
FINAL_PREFIX = "final_"

#: Tags of the parent run: the data's fingerprint and folder, and the configuration that won.
DATA_FINGERPRINT_TAG = "data_fingerprint"
DATA_FOLDER_TAG = "data_folder"
FINAL_CANDIDATE_TAG = "final_candidate"

#: The governance record as logged on the parent run (governance.json without registry and tracking).
GOVERNANCE_ARTIFACT = "governance/governance.json"
FAIRNESS_TABLE = "governance/fairness.csv"
COMPARISON_TABLE = "comparison.csv"
IMPORTANCE_TABLE = "explanations/global_importance.csv"


def option_param(name: str) -> str:
    """The parent run's param holding the `train` option `name` (TrainingOptions' field names)."""
    return OPTION_PREFIX + name


def data_param(name: str) -> str:
    """The parent run's param holding the data record's `name` (TrainingData's field names)."""
    return DATA_PREFIX + name


def final_key(name: str) -> str:
    """The parent run's metric (CvMetrics' field names) or param of the final configuration."""
    return FINAL_PREFIX + name


@dataclass(frozen=True)
class RunFigure:
    """A figure logged on a run, and the file it becomes beside the methodology note."""

    artifact: str
    note_file: str


ROC_PR = RunFigure("plots/roc_pr.png", "roc_pr.png")
COST_VS_THRESHOLD = RunFigure("plots/cost_vs_threshold.png", "cost_vs_threshold.png")
CONFUSION_MATRIX = RunFigure("plots/confusion_matrix.png", "confusion_matrix.png")
RELIABILITY = RunFigure("plots/reliability.png", "reliability.png")
GLOBAL_IMPORTANCE = RunFigure("explanations/global_importance.png", "global_importance.png")
FAIRNESS = RunFigure("governance/fairness.png", "fairness.png")
COST_BY_RATIO = RunFigure("governance/cost_by_ratio.png", "cost_by_ratio.png")

#: Figures of the final configuration's nested run, and of the parent run.
FINAL_FIGURES = (ROC_PR, COST_VS_THRESHOLD, CONFUSION_MATRIX, RELIABILITY)
PARENT_FIGURES = (GLOBAL_IMPORTANCE, FAIRNESS, COST_BY_RATIO)
