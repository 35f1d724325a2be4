"""The applications store's records: an application as received, each score a model gave it, and the
advisor's final decision. Rows of the app database (model_training.store), typed here like the files that
cross from training to serving, so that the batch command, the API and the pages read the same fields.

Nothing in the store is overwritten: a re-score by another model adds a `StoredScore`, a new human decision
adds a `HumanDecision` (the latest is the one in force), and the model's own output never changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from model_training.concepts import concept_or_blank
from model_training.contract._base import Record

#: How an application came in: the API, the "Nouvelle demande" form, a batch folder, or the clients of
#: application_test that `train` scored and exported (the store's first batch).
Source = Literal["api", "form", "batch", "export"]
SOURCES: tuple[str, ...] = ("api", "form", "batch", "export")
#: What a model was when it scored an application.
ROLES: tuple[str, ...] = ("champion", "challenger")


@dataclass(frozen=True)
class Reason:
    """One feature's exact contribution (calibrated log-odds) to a stored score, the feature's value, and the
    concept the feature belongs to (model_training.concepts), by which the app groups reasons.

    Stored language-free: labels and words are the app's, at reading time, in the reader's language.
    """

    feature: str
    contribution: float
    value: float | None
    #: filled from the feature's name when not given (rows stored before concepts existed)
    concept: str = ""

    def __post_init__(self) -> None:
        if not self.concept:
            object.__setattr__(self, "concept", concept_or_blank(self.feature))


@dataclass(frozen=True)
class StoredScore(Record):
    """What one model said about one application, when, and at which threshold."""

    FILE: ClassVar[str] = "application_scores"
    SCHEMA_VERSION: ClassVar[int] = 1
    REBUILD: ClassVar[str] = "python -m model_training score --data DIR --artifacts {folder}"
    WHAT: ClassVar[str] = "a stored score"

    score_id: int
    application_id: int
    model_name: str
    model_version: str
    model_run_id: str
    threshold: float
    probability: float
    decision: str
    #: the strongest contributions, raising the risk first (largest first), then lowering it
    reasons: tuple[Reason, ...]
    scored_at: str
    scored_by: str
    #: "champion" (its decision was the model's decision) or "challenger" (scored in shadow, never shown)
    role: str = "champion"

    def check(self) -> tuple[str, str] | None:
        if self.role not in ROLES:
            return "role", f"is {self.role!r}, expected one of {', '.join(ROLES)}"
        if not 0.0 <= self.probability <= 1.0:
            return "probability", f"is {self.probability}, expected between 0 and 1"
        if not 0.0 < self.threshold < 1.0:
            return "threshold", f"is {self.threshold}, expected between 0 and 1"
        return None


@dataclass(frozen=True)
class HumanDecision(Record):
    """The advisor's final decision on an application: the model followed, or overridden with a reason."""

    FILE: ClassVar[str] = "application_decisions"
    SCHEMA_VERSION: ClassVar[int] = 1
    REBUILD: ClassVar[str] = "the client page (record the decision again)"
    WHAT: ClassVar[str] = "a human decision"

    decision_id: int
    application_id: int
    score_id: int
    #: the model's decision the advisor saw
    model_decision: str
    final_decision: str
    follows_model: bool
    #: mandatory when the advisor overrides the model
    reason: str | None
    decided_by: str
    decided_at: str

    def check(self) -> tuple[str, str] | None:
        if self.follows_model != (self.final_decision == self.model_decision):
            return "follows_model", "disagrees with the model's and the final decision"
        if not self.follows_model and not (self.reason or "").strip():
            return "reason", "is missing: overriding the model needs a reason"
        return None


@dataclass(frozen=True)
class StoredApplication(Record):
    """An application as the store keeps it: who sent it, when, in which batch, and its scores."""

    FILE: ClassVar[str] = "applications"
    SCHEMA_VERSION: ClassVar[int] = 1
    REBUILD: ClassVar[str] = "python -m model_training score --data DIR --artifacts {folder}"
    WHAT: ClassVar[str] = "a stored application"

    application_id: int
    client_id: int
    batch: str
    source: str
    received_at: str
    received_by: str
    #: every score given to it, oldest first (one per model version)
    scores: tuple[StoredScore, ...]
    #: the advisor's decisions, oldest first; the last is in force
    decisions: tuple[HumanDecision, ...] = ()

    def check(self) -> tuple[str, str] | None:
        if self.source not in SOURCES:
            return "source", f"is {self.source!r}, expected one of {', '.join(SOURCES)}"
        return None

    def score_by(self, model_name: str, model_version: str, run_id: str) -> StoredScore | None:
        """The score of one model, None when that model never scored it."""
        for score in reversed(self.scores):
            if (score.model_name, score.model_version, score.model_run_id) == (
                model_name,
                model_version,
                run_id,
            ):
                return score
        return None

    @property
    def human_decision(self) -> HumanDecision | None:
        return self.decisions[-1] if self.decisions else None
