"""The contract between training and serving: one frozen, typed record per file that crosses it.

Each record is written by training through `write` and read by the app through `read`, which checks the
schema version and every field, and refuses a damaged, incomplete or older file with one line naming the
file, the field and the command that rebuilds it (`ContractError`). docs/artifacts.md lists the files and
their versions. Standard library only: the app imports this package, and imports no MLflow.
"""

from model_training.contract._base import ContractError, Record
from model_training.contract.drift_summary import DriftSummary
from model_training.contract.governance_record import GovernanceRecord, Registry, RegistryVersion, Tracking
from model_training.contract.monitoring import BatchDrift, BatchPerformance
from model_training.contract.serving_card import ServingCard
from model_training.contract.stored_application import (
    HumanDecision,
    Reason,
    StoredApplication,
    StoredScore,
)

__all__ = [
    "BatchDrift",
    "BatchPerformance",
    "ContractError",
    "DriftSummary",
    "GovernanceRecord",
    "HumanDecision",
    "Reason",
    "Record",
    "Registry",
    "RegistryVersion",
    "ServingCard",
    "StoredApplication",
    "StoredScore",
    "Tracking",
]
