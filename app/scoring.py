"""The one scoring code path of the app: dashboard callbacks and the API both call this service.

Probability = sigmoid(a * raw + b): LightGBM's raw log-odds mapped by the Platt calibration exported with the
model, through training's own `PlattMap`. Exact TreeSHAP contributions (`pred_contrib=True`) are scaled the
same way, so that base value + the contributions give the calibrated log-odds exactly. A new application or
a what-if change is featurised by `model_training.features.application_features`, the very function training
used.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl

from app.applications import ApplicationRepository, scorer_of
from app.artifacts import Artifacts
from app.cache import memoized
from app.explanation import Explanation, Score
from app.validation import APPLICATION_TABLE, FieldErrors, validate_application
from model_training.calibration import sigmoid
from model_training.data import typed_frame
from model_training.errors import InputError
from model_training.features import application_features
from model_training.schema import CLIENT_ID

#: Reference clients whose features are kept after a first read (they are looked at, not scored all day).
_REFERENCE_ROWS_KEPT = 4096


class UnknownClient(LookupError):
    """No client with this id in the production (or reference) clients."""

    def __init__(self, client_id: object):
        self.client_id = client_id
        super().__init__(f"unknown client {client_id}")


def _errors_by_field(error: InputError) -> dict[str, str]:
    """typed_frame's "FIELD: message; FIELD: message" as a dict (a safety net behind our validation)."""
    errors = {}
    for part in str(error).split("; "):
        field, sep, message = part.partition(": ")
        errors[field if sep else "_application"] = message if sep else part
    return errors


def _variants_frame(rows: Sequence[Mapping[str, object]]) -> pl.DataFrame:
    """Typed rows that are variants of the first (recourse candidates, what-if changes): the first row is
    typed once and repeated, and only the fields that vary are typed row by row (the same frame as
    `typed_frame(rows)`, about ten times faster for a hundred variants of three fields)."""
    first = rows[0]
    try:  # set operations on the items run in C; a NaN never equals itself, so it is typed row by row
        varied = sorted({k for row in rows[1:] for k, _ in row.items() ^ first.items()})
    except TypeError:  # an unhashable value: compare field by field
        varied = sorted({k for row in rows[1:] for k in {*row, *first} if row.get(k) != first.get(k)})
    base = typed_frame(APPLICATION_TABLE, [first])
    repeated = base.select(pl.all().gather(np.zeros(len(rows), dtype=np.int64)))
    if not varied:
        return repeated
    changed = typed_frame(APPLICATION_TABLE, [{k: row.get(k) for k in varied} for row in rows], varied)
    return repeated.with_columns(changed.get_columns())


class ScoringService:
    """Scores and explains clients with the exported booster and calibration."""

    def __init__(self, artifacts: Artifacts, applications: ApplicationRepository | None = None):
        """`applications`: the store the production clients are read from (the export's clients when None)."""
        self.artifacts = artifacts
        self.applications = applications
        self.model = artifacts.model
        self.catalog = artifacts.catalog
        self.feature_names = artifacts.model.feature_names
        self.scorer = applications.scorer if applications is not None else scorer_of(artifacts)
        self._calibration = self.scorer.calibration
        self._reference_rows: OrderedDict[int, np.ndarray | None] = OrderedDict()
        self._reference_rows_lock = threading.Lock()  # threaded gunicorn workers share this service
        empty = application_features(typed_frame(APPLICATION_TABLE, [{}]))
        self.application_features = tuple(c for c in empty.columns if c in set(self.feature_names))
        position = {name: i for i, name in enumerate(self.feature_names)}
        self._application_positions = np.array(
            [position[c] for c in self.application_features], dtype=np.intp
        )

    def __caching_id__(self) -> str:
        return self.artifacts.identity

    def __repr__(self) -> str:
        return f"ScoringService({self.artifacts.identity})"

    # --- the model ---------------------------------------------------------------------------------------

    def _contributions(self, matrix: np.ndarray) -> np.ndarray:
        """Raw exact TreeSHAP of one row: one value per feature, then the base value."""
        return self.scorer.raw_contributions(matrix)[0]

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        """Calibrated probabilities of default of feature rows (model order), for grids and portfolios."""
        return self.scorer.probabilities(matrix)

    def explain_features(self, features: np.ndarray, client_id: int | None) -> Explanation:
        """Exact TreeSHAP of one feature row (1, n_features), moved to the calibrated log-odds scale (a stored
        score's row, a what-if)."""
        return self._explanation(features[0], self._contributions(features), client_id)

    def _explanation(self, values: np.ndarray, raw: np.ndarray, client_id: int | None) -> Explanation:
        contributions = self._calibration.contributions(raw[:-1])
        base = self._calibration.log_odds(float(raw[-1]))
        probability = sigmoid(base + float(contributions.sum()))
        score = Score(client_id, probability, self.model.threshold, self.model.version)
        return Explanation(score, base, contributions, values, self.catalog)

    # --- stored clients ----------------------------------------------------------------------------------

    def is_production_client(self, client_id: int) -> bool:
        if self.applications is not None:
            return client_id in self.applications
        return client_id in self.artifacts.production_features

    def knows(self, client_id: int) -> bool:
        """A production client, or a reference (labelled) client whose features were exported."""
        return self.is_production_client(client_id) or self._reference_row(client_id) is not None

    def _reference_row(self, client_id: int) -> np.ndarray | None:
        """A reference client's features, read on demand from Parquet and kept for the next few thousand."""
        with self._reference_rows_lock:
            if client_id in self._reference_rows:
                self._reference_rows.move_to_end(client_id)
                return self._reference_rows[client_id]
        path = self.artifacts.reference_features_path
        row = None
        if path is not None:
            found = pl.scan_parquet(path).filter(pl.col(CLIENT_ID) == client_id).select(self.feature_names)
            frame = found.collect()
            if frame.height:
                row = np.ascontiguousarray(frame.head(1).to_numpy().astype(np.float32))
        with self._reference_rows_lock:
            self._reference_rows[client_id] = row
            if len(self._reference_rows) > _REFERENCE_ROWS_KEPT:
                self._reference_rows.popitem(last=False)
        return row

    def client_features(self, client_id: int) -> np.ndarray:
        """The stored feature row (1, n_features) of a client; UnknownClient otherwise."""
        if self.applications is not None:
            row = self.applications.features(client_id)
        else:
            row = self.artifacts.production_features.row(client_id)
        if row is None:
            row = self._reference_row(client_id)
        if row is None:
            raise UnknownClient(client_id)
        return row

    @memoized
    def _client_contributions(self, client_id: int, application_id: int | None) -> np.ndarray:
        """Raw TreeSHAP of a stored client's application (cached: a page and the API ask for the same
        client in a row; a new application of the client is another key)."""
        return self._contributions(self.client_features(client_id))

    def explain_client(self, client_id: int) -> Explanation:
        """Score and exact explanation of a stored client (its latest application)."""
        features = self.client_features(client_id)
        application = self.applications.application_id(client_id) if self.applications is not None else None
        return self._explanation(features[0], self._client_contributions(client_id, application), client_id)

    def score_client(self, client_id: int) -> Score:
        """Probability of default and decision of a stored client."""
        return self.explain_client(client_id).score

    # --- new applications and what-if --------------------------------------------------------------------

    def _application_matrix(self, rows: Sequence[Mapping[str, object]]) -> np.ndarray:
        """Model features of raw application rows; features the application cannot give are missing."""
        try:
            frame = _variants_frame(rows) if len(rows) > 1 else typed_frame(APPLICATION_TABLE, list(rows))
        except InputError as error:
            raise FieldErrors(_errors_by_field(error)) from None
        computed = application_features(frame).select(self.application_features).to_numpy()
        # what feature_matrix does, without a 350-column select: features the application lacks are missing
        matrix = np.full((len(rows), len(self.feature_names)), np.nan, dtype=np.float32)
        matrix[:, self._application_positions] = computed
        return matrix

    def score_application(self, fields: object, lang: str = "fr") -> Explanation:
        """Score and explanation of an application given as Kaggle fields (absent fields are missing values).

        Raises FieldErrors with a message per unknown, mistyped or out-of-range field.
        """
        row = validate_application(fields, lang)
        client_id = row.get(CLIENT_ID)
        return self.explain_features(
            self._application_matrix([row]), client_id if isinstance(client_id, int) else None
        )

    def stored_application(self, client_id: int) -> dict[str, object]:
        """The raw application of a production client as loaded (what-if starts from it)."""
        if self.applications is not None:
            fields = self.applications.application_fields(client_id)
            if fields is None:
                raise UnknownClient(client_id)
            return fields
        frame = self.artifacts.production_applications
        ids = frame.get_column(CLIENT_ID)
        i = int(ids.search_sorted(client_id))
        if i >= frame.height or ids[i] != client_id:
            raise UnknownClient(client_id)
        return frame.row(i, named=True)

    def _changed_features(self, client_id: int, rows: Sequence[Mapping[str, object]]) -> np.ndarray:
        """The client's stored features with the application features recomputed from changed rows.

        Side-table features (bureau, previous credits...) cannot change in a what-if: they are kept.
        """
        stored = self.client_features(client_id)
        recomputed = self._application_matrix(rows)
        matrix = np.repeat(stored, len(rows), axis=0)
        matrix[:, self._application_positions] = recomputed[:, self._application_positions]
        return matrix

    def what_if(self, client_id: int, changes: Mapping[str, object], lang: str = "fr") -> Explanation:
        """Score and explanation of a production client's application with some fields changed.

        Raises UnknownClient, or FieldErrors naming each bad change (negative amounts, a repayment above the
        credit, an employment longer than working life...).
        """
        row = validate_application(changes, lang, base=self.stored_application(client_id))
        matrix = self._changed_features(client_id, [row])
        return self.explain_features(matrix, client_id)
