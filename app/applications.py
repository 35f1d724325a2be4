"""The applications store as the app reads and writes it: one repository for every page and the API.

The portfolio is the latest application of each client scored by the serving model, with the advisor's
decision in force; it lives in memory as one polars frame (filters stay fast at 356,000 applications) and
is brought up to date when the store changed: at once after a write by this process, within
`REFRESH_SECONDS` after a write by another (another worker, another server, the `score` command).

At start the export's production clients (application_test, scored by `train`) become the store's first
batch, "export", if this model has not stored them yet.

With a challenger (ARTIFACTS/challenger/), every new application is scored by it too, in shadow: its score is
stored with role "challenger" in the same transaction, never shown nor used to decide; its export's clients
are adopted the same way. A challenger that fails to score is logged and leaves the champion's work alone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError, OperationalError

from app.artifacts import Artifacts
from app.database import engine as database_engine
from app.gate import GATE
from model_training.contract import HumanDecision, StoredApplication
from model_training.credit_file import (
    APPLICATION_TABLE,
    credit_file_features,
    credit_file_tables,
    validate_credit_file,
)
from model_training.data import typed_frame
from model_training.decision import DECISION, PROBABILITY
from model_training.features.build import feature_matrix
from model_training.schema import CLIENT_ID
from model_training.scorer import ModelIdentity, Scorer, strongest_reasons
from model_training.store import applications as store
from model_training.store import tables
from model_training.store.scored_rows import scored_rows

log = logging.getLogger(__name__)

#: How stale the portfolio may be with respect to writes by other processes.
REFRESH_SECONDS = 1.0
#: The batch the export's production clients are stored in (source "export"; "export-<digest>" for the
#: clients of a model trained on other data, on the same database).
EXPORT_BATCH = "export"
_FEATURES_KEPT = 4096
#: Columns of the portfolio frame besides the descriptive fields.
HUMAN_COLUMNS = ("final_decision", "follows_model", "decided_by", "decided_at")


@dataclass(frozen=True, eq=False)
class Challenger:
    """The model scoring in shadow: its export, its scorer and the identity its scores are stored under."""

    artifacts: Artifacts
    scorer: Scorer
    model: ModelIdentity

    @classmethod
    def of(cls, artifacts: Artifacts) -> Challenger:
        return cls(artifacts, scorer_of(artifacts), model_identity(artifacts))


def model_identity(artifacts: Artifacts) -> ModelIdentity:
    card = artifacts.model
    return ModelIdentity(card.name, card.version, card.run_id or "", card.threshold)


def scorer_of(artifacts: Artifacts) -> Scorer:
    """The exported model as model_training's one scoring path."""
    from model_training.calibration import PlattMap

    card = artifacts.model
    return Scorer(
        artifacts.booster,
        PlattMap(card.calibration_a, card.calibration_b),
        card.feature_names,
        card.threshold,
        card.booster_imputation or {},
    )


def _export_batch_name(engine: Engine, digest: str) -> str:
    """The batch of these exported clients: the one already made from them, else "export", else (a model
    trained on other data, on the same database) "export-<digest>"."""
    b = tables.batches.c
    with engine.connect() as connection:
        same = connection.execute(
            select(b.name).where(b.source == "export", b.digest == digest).order_by(b.created_at)
        ).first()
        taken = connection.execute(select(b.name).where(b.name == EXPORT_BATCH)).first()
    if same is not None:
        return str(same.name)
    return EXPORT_BATCH if taken is None else f"{EXPORT_BATCH}-{digest[:8]}"


def adopt_export(database_url: str, artifacts: Artifacts, scorer: Scorer, role: str = "champion") -> int:
    """Store the export's production clients as the batch "export", scored by this model (`role`
    "challenger": in shadow); the number of scores added (0 when this model already stored them, or another
    process is doing it right now)."""
    engine = database_engine(database_url)
    model = model_identity(artifacts)
    features = artifacts.production_features
    digest = hashlib.sha256(features.ids.astype("<i8").tobytes()).hexdigest()
    name = _export_batch_name(engine, digest)
    s = tables.scores.c
    with engine.connect() as connection:
        done = connection.execute(
            select(s.score_id)
            .join_from(
                tables.scores, tables.applications, tables.applications.c.application_id == s.application_id
            )
            .where(
                tables.applications.c.batch == name,
                s.model_name == model.name,
                s.model_version == model.version,
                s.model_run_id == model.run_id,
            )
            .limit(1)
        ).first()
    if done is not None:
        return 0
    with GATE.alone():
        applications = artifacts.production_applications.sort(CLIENT_ID)
        if not np.array_equal(applications.get_column(CLIENT_ID).to_numpy(), features.ids):
            applications = (
                pl.DataFrame({CLIENT_ID: features.ids})
                .cast({CLIENT_ID: applications.schema[CLIENT_ID]})
                .join(applications, on=CLIENT_ID, how="left", maintain_order="left")
            )
    chunks = []
    for start in range(0, len(features.ids), _ADOPTED_CHUNK):  # a chunk at a time: requests wait for one
        with GATE.alone():
            chunks.append(
                scored_rows(
                    scorer,
                    applications.slice(start, _ADOPTED_CHUNK),
                    features.matrix[start : start + _ADOPTED_CHUNK],
                )
            )
    with GATE.alone():
        rows = pl.concat(chunks)
    del chunks
    try:
        with GATE.alone():
            outcome = store.store_batch(
                engine,
                rows,
                model,
                batch=name,
                by="train",
                digest=digest,
                source="export",
                role=role,
                note=f"application_test of {artifacts.model.training_data.folder or 'the training folder'}",
            )
    except DBAPIError as error:  # another worker stored it at the same moment
        log.info("export batch: left to the process storing it now (%s)", type(error.orig).__name__)
        return 0
    log.info(
        "export batch: %d applications, %d scores added", outcome.applications_added, outcome.scores_added
    )
    return outcome.scores_added


#: Exported clients scored at a time when an export is adopted (the table work of one chunk holds the gate).
_ADOPTED_CHUNK = 2000
#: Applications a new champion scores at a time when it catches up with its predecessor's portfolio.
CATCH_UP_CHUNK = 2000
#: Chunks another process may store first (both workers of a server catch up at once) before giving up.
_CATCH_UP_RACES = 50


def catch_up(
    database_url: str,
    scorer: Scorer,
    model: ModelIdentity,
    previous: ModelIdentity,
    previous_features: tuple[str, ...],
    chunk: int = CATCH_UP_CHUNK,
) -> int:
    """Score with a new champion every application its predecessor scored and it did not, from the feature
    rows the predecessor scored (same features, in the new model's order), `chunk` at a time, each chunk its
    own transaction (role "champion", by "promotion"): the portfolio then follows the new champion entirely.

    When the new model needs a feature its predecessor did not compute, nothing is scored (logged): those
    applications stay out of its portfolio until they are scored again (`score` on their batch). Returns the
    number of scores added."""
    position = {name: i for i, name in enumerate(previous_features)}
    missing = [name for name in scorer.feature_names if name not in position]
    if missing:
        log.warning(
            "new champion %s needs %d feature(s) its predecessor did not keep (%s...): its "
            "predecessor's applications were not scored by it",
            model.version,
            len(missing),
            missing[0],
        )
        return 0
    order = np.array([position[name] for name in scorer.feature_names], dtype=np.intp)
    engine = database_engine(database_url)
    added, after, races = 0, 0, 0
    while True:
        found = store.unscored_by(engine, model, previous, after, chunk)
        if not found:
            return added
        matrix = np.ascontiguousarray(
            np.vstack([store.decode_features(blob)[:, order] for _, blob in found]).astype(np.float32)
        )
        probabilities, contributions, _ = scorer.explained(matrix)  # LightGBM only: no gate needed
        decisions = scorer.decisions(probabilities)
        names = scorer.feature_names
        rows = [
            {
                "application_id": application_id,
                "probability": float(probabilities[i]),
                "decision": decisions[i],
                "reasons": store.reasons_json(strongest_reasons(contributions[i], matrix[i], names)),
                "features": store.encode_features(matrix[i]),
            }
            for i, (application_id, _) in enumerate(found)
        ]
        try:
            with GATE.alone():
                added += store.store_scores(engine, rows, model, by="promotion", role="champion")
        except DBAPIError:  # another worker stored some of them at the same moment: look again
            races += 1
            if races > _CATCH_UP_RACES:
                raise
            continue
        after = found[-1][0]


def _json_object(fields: dict[str, Any]) -> str:
    """The application as received: the fields sent, with their validated values."""
    return json.dumps(fields, separators=(",", ":"), allow_nan=False)


@dataclass(frozen=True)
class PortfolioView:
    """The latest application of each client scored by the serving model, sorted by SK_ID_CURR."""

    frame: pl.DataFrame
    score_mark: int
    decision_mark: int


class ApplicationRepository:
    """Stored applications, read and written for one model, on one database."""

    def __init__(
        self, database_url: str, artifacts: Artifacts, scorer: Scorer, challenger: Challenger | None = None
    ):
        self.database_url = database_url
        self.model = model_identity(artifacts)
        self.scorer = scorer
        self.challenger = challenger
        self._lock = threading.Lock()
        self._scores = pl.DataFrame(schema=store.portfolio_schema())
        self._decisions = pl.DataFrame(schema=store.decision_schema())
        self._view = PortfolioView(self._portfolio(), 0, 0)
        self._checked = 0.0
        self._features: OrderedDict[int, np.ndarray] = OrderedDict()

    @property
    def engine(self):
        return database_engine(self.database_url)

    @classmethod
    def open(
        cls, database_url: str, artifacts: Artifacts, challenger: Challenger | None = None
    ) -> ApplicationRepository:
        """The store's tables made if missing, the exports adopted (the challenger's in shadow), the
        portfolio read."""
        store.ensure_schema(database_engine(database_url))
        scorer = scorer_of(artifacts)
        adopt_export(database_url, artifacts, scorer)
        if challenger is not None:
            try:
                adopt_export(database_url, challenger.artifacts, challenger.scorer, role="challenger")
            except Exception:  # the shadow never stops the champion
                log.exception(
                    "challenger %s: its export's clients were not adopted", challenger.model.version
                )
        repository = cls(database_url, artifacts, scorer, challenger)
        with GATE.alone():
            repository.view(force=True)
        return repository

    # --- the portfolio -----------------------------------------------------------------------------------

    def view(self, force: bool = False) -> PortfolioView:
        """The portfolio, brought up to date when the store changed (checked every REFRESH_SECONDS).

        A database that does not answer (restarting, out of reach) keeps the last portfolio served, checked
        again at the next interval: pages and /health answer from it rather than fail."""
        if not force and time.monotonic() - self._checked < REFRESH_SECONDS:
            return self._view
        with self._lock:
            if not force and time.monotonic() - self._checked < REFRESH_SECONDS:
                return self._view
            try:
                score_mark, decision_mark = store.marks(self.engine, self.model)
            except OperationalError as error:
                if force:
                    raise
                self._checked = time.monotonic()
                reason = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else "no answer"
                log.warning("portfolio not refreshed: the database does not answer (%s)", reason)
                return self._view
            view = self._view
            if (score_mark, decision_mark) != (view.score_mark, view.decision_mark):
                if score_mark > view.score_mark:
                    new = store.portfolio_rows(self.engine, self.model, view.score_mark)
                    self._scores = pl.concat([self._scores, new]) if self._scores.height else new
                if decision_mark > view.decision_mark:
                    new_decisions = store.decision_rows(self.engine, view.decision_mark)
                    self._decisions = pl.concat([self._decisions, new_decisions])
                self._view = PortfolioView(self._portfolio(), score_mark, decision_mark)
            self._checked = time.monotonic()
            return self._view

    def frame(self) -> pl.DataFrame:
        return self.view().frame

    def _portfolio(self) -> pl.DataFrame:
        latest = (
            self._scores.sort("application_id")
            .unique("client_id", keep="last", maintain_order=True)
            .rename({"client_id": CLIENT_ID})
            .with_columns(pl.col(CLIENT_ID).cast(pl.Int32))
        )
        decided = (
            self._decisions.sort("decision_id").unique("application_id", keep="last").drop("decision_id")
        )
        return latest.join(decided, on="application_id", how="left").sort(CLIENT_ID)

    def _row(self, client_id: int) -> dict[str, Any] | None:
        frame = self.frame()
        ids = frame.get_column(CLIENT_ID)
        i = int(ids.search_sorted(client_id))
        return frame.row(i, named=True) if i < frame.height and ids[i] == client_id else None

    def __contains__(self, client_id: object) -> bool:
        return isinstance(client_id, int) and self._row(client_id) is not None

    def application_id(self, client_id: int) -> int | None:
        """The client's latest application in the portfolio."""
        row = self._row(client_id)
        return None if row is None else int(row["application_id"])

    def features(self, client_id: int) -> np.ndarray | None:
        """The feature row (1, n_features) the serving model scored for the client's latest application."""
        row = self._row(client_id)
        if row is None:
            return None
        score_id = int(row["score_id"])
        with self._lock:
            if score_id in self._features:
                self._features.move_to_end(score_id)
                return self._features[score_id]
        found = store.score_features(self.engine, score_id)
        with self._lock:
            self._features[score_id] = found  # type: ignore[assignment]
            if len(self._features) > _FEATURES_KEPT:
                self._features.popitem(last=False)
        return found

    def application_fields(self, client_id: int) -> dict[str, object] | None:
        """The client's latest application row with the loader's dtypes (what-if starts from it)."""
        row = self._row(client_id)
        if row is None:
            return None
        fields = store.application_fields(self.engine, int(row["application_id"])) or {}
        return typed_frame("application_test", [fields]).row(0, named=True)

    # --- writes --------------------------------------------------------------------------------------------

    def submit(
        self,
        document: object,
        *,
        source: str,
        by: str,
        idempotency: store.IdempotencyKey | None = None,
        batch: str | None = None,
    ) -> tuple[StoredApplication, bool]:
        """Validate, featurise, score and store one credit file; (the stored application, stored now).

        Raises CreditFileError naming each bad path (incomplete application included): nothing is stored;
        IdempotencyConflict for a key already used with another body. An application without SK_ID_CURR is
        a new client, numbered by the store.
        """
        file = validate_credit_file(document)
        tables_of_file = credit_file_tables(file)
        application = tables_of_file[APPLICATION_TABLE]
        client = application.get_column(CLIENT_ID)[0]
        given = file.model_dump(exclude_unset=True)  # as received: the fields sent, validated
        side = {name: records for name, records in given.items() if name != "application"}
        computed = credit_file_features(file)
        features = feature_matrix(computed, self.scorer.feature_names)
        matrix = np.ascontiguousarray(features.to_numpy().astype(np.float32))
        shadow = self._shadow(application, computed, client)
        rows = scored_rows(
            self.scorer,
            application,
            matrix,
            side_records=[store.encode_side_records(side)],
            client_ids=[None if client in (None, 0) else int(client)],
        ).with_columns(application=pl.lit(_json_object(given["application"])))
        application_id, created = store.store_application(
            self.engine,
            rows,
            self.model,
            source=source,
            by=by,
            batch=batch,
            idempotency=idempotency,
            shadow=shadow,
        )
        self.stored()
        stored = store.read_application(self.engine, application_id)
        assert stored is not None
        return stored, created

    def _shadow(
        self, application: pl.DataFrame, computed: pl.DataFrame, client: object
    ) -> tuple[pl.DataFrame, ModelIdentity] | None:
        """The challenger's score of the application, or None (no challenger, or it failed: logged)."""
        challenger = self.challenger
        if challenger is None:
            return None
        try:
            matrix = np.ascontiguousarray(
                feature_matrix(computed, challenger.scorer.feature_names).to_numpy().astype(np.float32)
            )
            rows = scored_rows(
                challenger.scorer,
                application,
                matrix,
                side_records=[None],
                client_ids=[None if client in (None, 0) else int(client)],  # type: ignore[call-overload]
            ).with_columns(application=pl.lit(""))
        except Exception:  # the shadow never stops the champion's answer
            log.exception(
                "challenger %s: this application was not scored in shadow", challenger.model.version
            )
            return None
        return rows, challenger.model

    def decide(self, application_id: int, final_decision: str, reason: str | None, by: str) -> HumanDecision:
        """The advisor's final decision on an application, against the serving model's score of it: following
        the model needs no reason, overriding it does (StoreError naming the field otherwise)."""
        decision = store.record_decision(
            self.engine, application_id, self.model, final_decision=final_decision, reason=reason, by=by
        )
        self.stored()
        return decision

    def read(self, application_id: int) -> StoredApplication | None:
        """One stored application with all its scores and decisions."""
        return store.read_application(self.engine, application_id)

    def stored(self) -> None:
        """Something was written: the next read looks at the store at once."""
        self._checked = 0.0


__all__ = ["DECISION", "EXPORT_BATCH", "PROBABILITY", "ApplicationRepository", "PortfolioView"]
