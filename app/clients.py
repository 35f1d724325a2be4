"""The client repository: find a client, filter and page through clients, compare a client with similar
past clients, and sum up the portfolio.

Production clients are the stored applications (the latest of each client, app.applications), which a
page narrows to some batches and a received-date range; reference clients are past applicants whose outcome
(TARGET) is known. Everything is answered from frames and arrays rebuilt only when the store changed, so that
a query stays under 300 ms at the full Kaggle scale (356,000 applications, 307,511 reference clients).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Literal

import numpy as np
import polars as pl
from sklearn.neighbors import NearestNeighbors

from app.applications import ApplicationRepository
from app.artifacts import DECISION, PROBABILITY, REFERENCE_FEATURES, TARGET, Artifacts, FeatureRows
from model_training.decision import DECISIONS, decision_column
from model_training.errors import InputError
from model_training.schema import CLIENT_ID

Population = Literal["production", "reference"]
MAX_PAGE_SIZE = 500
#: Columns of the stored applications the batch and received-date filters read (app.applications).
BATCH, RECEIVED_AT = "batch", "received_at"

#: What makes two clients alike for a relationship manager: (feature, amounts are compared on a log scale).
SIMILARITY_FEATURES: tuple[tuple[str, bool], ...] = (
    ("APP_AGE_YEARS", False),
    ("AMT_INCOME_TOTAL", True),
    ("AMT_CREDIT", True),
    ("AMT_ANNUITY", True),
    ("AMT_GOODS_PRICE", True),
    ("APP_EMPLOYED_YEARS", False),
    ("APP_EXT_SOURCE_MEAN", False),
)


@dataclass(frozen=True)
class Neighbours:
    """Reference clients most like a client, nearest first, with their outcome and out-of-fold score."""

    client_id: int
    ids: np.ndarray
    distances: np.ndarray
    rows: pl.DataFrame  # reference rows (SK_ID_CURR, TARGET, probability, descriptive fields), nearest first

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class PortfolioSummary:
    """Production clients at a threshold: how many, how many granted, and how their scores spread."""

    threshold: float
    count: int
    approved: int
    refused: int
    approval_rate: float
    mean_probability: float
    histogram_edges: list[float]
    histogram_counts: list[int]
    probabilities: np.ndarray  # every production probability, for figures that bin them themselves

    def as_dict(self) -> dict[str, object]:
        return {
            "threshold": self.threshold,
            "count": self.count,
            "approved": self.approved,
            "refused": self.refused,
            "approval_rate": self.approval_rate,
            "mean_probability": self.mean_probability,
            "histogram": {"edges": self.histogram_edges, "counts": self.histogram_counts},
        }


def _check_decisions(wanted: object) -> None:
    """A decision filter names codes of model_training.decision: a mistyped code would match nobody."""
    codes = list(wanted) if isinstance(wanted, list | tuple | set) else [wanted]
    unknown = ", ".join(repr(c) for c in codes if c not in DECISIONS)
    if unknown:
        raise InputError(f"filter on decision: unknown code {unknown}; expected {' or '.join(DECISIONS)}")


def received_date(text: date | str | None, end: str) -> date | None:
    """A date typed in the UI ("2026-12-05", or an ISO date-time: its day); None when empty.

    `end` ("from" or "to") names the field in the message of a bad date."""
    if text is None or isinstance(text, date):
        return text
    typed = str(text).strip()
    if not typed:
        return None
    try:
        if len(typed) <= 10:
            return date.fromisoformat(typed)
        moment = datetime.fromisoformat(typed)
        return (moment.astimezone(UTC) if moment.tzinfo else moment).date()
    except ValueError:
        raise InputError(f"received {end}: {typed!r} is not a date (expected YYYY-MM-DD)") from None


@dataclass(frozen=True)
class Selection:
    """Which stored applications a page looks at: some batches (all when empty) received between two days
    (inclusive, UTC; open at an end left empty)."""

    batches: tuple[str, ...] = ()
    received_from: date | None = None
    received_to: date | None = None

    @classmethod
    def of(
        cls,
        batches: str | Sequence[str] | None = None,
        received_from: date | str | None = None,
        received_to: date | str | None = None,
    ) -> Selection:
        """From what the UI gives (a batch name or several, ISO dates); InputError for a bad date or a
        range whose start is after its end."""
        if batches is not None and not isinstance(batches, str | list | tuple | set | frozenset):
            raise InputError(f"filter on batch: expected a batch name or a list of them, got {batches!r}")
        names = (batches,) if isinstance(batches, str) else tuple(batches or ())
        start, stop = received_date(received_from, "from"), received_date(received_to, "to")
        if start is not None and stop is not None and start > stop:
            raise InputError(f"received dates: from {start.isoformat()} is after to {stop.isoformat()}")
        return cls(tuple(str(name) for name in names if name not in (None, "")), start, stop)

    def __bool__(self) -> bool:
        return bool(self.batches) or self.received_from is not None or self.received_to is not None

    def condition(self, frame: pl.DataFrame, known_batches: Collection[str]) -> pl.Expr:
        """The filter on `frame` (InputError for a batch nobody's application is in, or a frame of clients
        that were never received: the reference clients)."""
        condition = pl.lit(True)
        if self.batches:
            if BATCH not in frame.columns:
                raise InputError("filter on batch: these clients did not come in a batch")
            unknown = sorted(set(self.batches) - set(known_batches))
            if unknown:
                raise InputError(f"filter on batch: unknown batch {', '.join(map(repr, unknown))}")
            condition &= pl.col(BATCH).is_in(list(self.batches))
        if self.received_from is not None or self.received_to is not None:
            if RECEIVED_AT not in frame.columns:
                raise InputError("filter on received date: these clients were not received by the store")
            received = pl.col(RECEIVED_AT)
            if self.received_from is not None:
                condition &= received >= _midnight_utc(self.received_from)
            if self.received_to is not None:  # inclusive: up to the next day's midnight
                condition &= received < _midnight_utc(self.received_to + timedelta(days=1))
        return condition


def _midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


@dataclass(frozen=True)
class BatchCount:
    """A batch as the portfolio holds it: its current applications and when they were received (UTC)."""

    name: str
    applications: int
    first_received: datetime
    last_received: datetime


def _similarity_scale(values: np.ndarray, logged: np.ndarray) -> np.ndarray:
    """Amounts on a log scale: a 10 % gap weighs the same at any income."""
    values = np.array(values, dtype=np.float64)
    values[:, logged] = np.log1p(np.clip(values[:, logged], 0, None))
    return values


@dataclass(frozen=True, eq=False)
class _Production:
    """Production clients as one frame and the arrays that answer lookups fast (each built on first use:
    the first query after a new application pays only for what it reads)."""

    source: pl.DataFrame  # the frame given, to know when it changed
    frame: pl.DataFrame
    ids: np.ndarray

    @classmethod
    def of(cls, source: pl.DataFrame, frame: pl.DataFrame) -> _Production:
        return cls(source, frame, frame.get_column(CLIENT_ID).to_numpy())

    @cached_property
    def sorted_probabilities(self) -> np.ndarray:
        return np.sort(self.frame.get_column(PROBABILITY).to_numpy().astype(np.float64))

    @cached_property
    def batches(self) -> list[BatchCount]:
        """The batches of these applications, newest first (by their first application received)."""
        if BATCH not in self.frame.columns or RECEIVED_AT not in self.frame.columns:
            return []
        counted = (
            self.frame.group_by(BATCH)
            .agg(
                pl.len().alias("applications"),
                pl.col(RECEIVED_AT).min().alias("first"),
                pl.col(RECEIVED_AT).max().alias("last"),
            )
            .sort(["first", BATCH], descending=[True, False])
        )
        return [BatchCount(*row) for row in counted.iter_rows()]

    @cached_property
    def batch_names(self) -> frozenset[str]:
        return frozenset(batch.name for batch in self.batches)


class ClientRepository:
    """Production and reference clients, with a nearest-neighbour index over the reference clients."""

    def __init__(
        self,
        production: pl.DataFrame | Callable[[], pl.DataFrame],
        reference: pl.DataFrame,
        threshold: float,
        *,
        production_features: FeatureRows | Callable[[int], np.ndarray | None] | None = None,
        feature_names: tuple[str, ...] = (),
        reference_features: pl.DataFrame | None = None,
    ):
        """Clients sorted by id, with the decision recomputed at `threshold` (one rule, the model's).

        `production` is a frame, or a function giving the current one (the applications store's portfolio,
        which grows while the app runs). `reference_features` (SK_ID_CURR and similarity features) feeds the
        similar-clients index; the query client's own features come from `production_features` (rows or a
        function of the client id) in `feature_names` order.
        """
        self.threshold = threshold
        self._production_source = production
        self._production_state: _Production | None = None
        self.reference = self._decided(reference, threshold)
        features = production_features
        self._production_features = features.row if isinstance(features, FeatureRows) else features
        self._feature_names = feature_names
        self._reference_ids = self.reference.get_column(CLIENT_ID).to_numpy()
        self._build_neighbour_index(reference_features)

    def _production_now(self) -> _Production:
        """The production clients now, recomputed only when the source gives another frame."""
        source = self._production_source
        frame = source() if callable(source) else source
        state = self._production_state
        if state is None or state.source is not frame:
            state = _Production.of(frame, self._decided(frame, self.threshold))
            self._production_state = state
        return state

    @property
    def production(self) -> pl.DataFrame:
        return self._production_now().frame

    @classmethod
    def from_artifacts(
        cls, artifacts: Artifacts, applications: ApplicationRepository | None = None
    ) -> ClientRepository:
        """The repository over the exported reference clients and the stored applications (the exported
        production clients without a store); reads only the similarity columns of
        reference_features.parquet."""
        names = artifacts.model.feature_names
        reference_features = None
        path = artifacts.directory / REFERENCE_FEATURES
        if path.is_file():
            available = pl.read_parquet_schema(path)
            wanted = [n for n, _ in SIMILARITY_FEATURES if n in available and n in names]
            reference_features = pl.read_parquet(path, columns=[CLIENT_ID, *wanted])
        return cls(
            applications.frame if applications is not None else artifacts.production,
            artifacts.reference,
            artifacts.model.threshold,
            production_features=applications.features
            if applications is not None
            else artifacts.production_features,
            feature_names=names,
            reference_features=reference_features,
        )

    @staticmethod
    def _decided(frame: pl.DataFrame, threshold: float) -> pl.DataFrame:
        """The frame sorted by id with `decision` = accept / refuse at the threshold.

        Recomputed rather than read, so that the threshold the app serves is the only one in play.
        """
        decision = decision_column(pl.col(PROBABILITY), threshold).alias(DECISION)
        return frame.sort(CLIENT_ID).with_columns(decision)

    # --- one client --------------------------------------------------------------------------------------

    def _frame(self, population: Population) -> pl.DataFrame:
        if population not in ("production", "reference"):
            raise InputError(f"unknown population {population!r}; expected production or reference")
        return self.production if population == "production" else self.reference

    @staticmethod
    def _row(frame: pl.DataFrame, ids: np.ndarray, client_id: int) -> dict[str, object] | None:
        i = int(np.searchsorted(ids, client_id))
        return frame.row(i, named=True) if i < len(ids) and ids[i] == client_id else None

    def get_client(self, client_id: int) -> dict[str, object] | None:
        """A client's row (descriptive fields, probability, decision), production first, None if unknown.

        The row says where it comes from in "population"; reference rows carry the known outcome TARGET.
        """
        now = self._production_now()
        row = self._row(now.frame, now.ids, client_id)
        if row is not None:
            return {**row, "population": "production"}
        row = self._row(self.reference, self._reference_ids, client_id)
        return None if row is None else {**row, "population": "reference"}

    def is_production_client(self, client_id: int) -> bool:
        now = self._production_now()
        return self._row(now.frame, now.ids, client_id) is not None

    def search_ids(self, prefix: str | int, limit: int = 10) -> list[int]:
        """Production client ids starting with the typed digits, smallest first (for a typeahead).

        Ids starting with 123 lie in [123, 124), [1230, 1240), [12300, 12400)...: ranges of the sorted ids,
        shortest first, so the smallest come first without writing every id as text."""
        text = str(prefix).strip()
        if not text.isdigit() or text.startswith("0") or limit <= 0:
            return []
        ids = self._production_now().ids
        if not len(ids):
            return []
        found: list[int] = []
        low, high, top = int(text), int(text) + 1, int(ids[-1])
        while low <= top and len(found) < limit:
            start, stop = np.searchsorted(ids, [low, high])
            found.extend(int(i) for i in ids[start : min(stop, start + limit - len(found))])
            low, high = low * 10, high * 10
        return found

    def levels(self, column: str) -> list[object]:
        """The levels of a category present among production clients, sorted (none for an unknown column)."""
        if column not in self.production.columns:
            return []
        return self.production.get_column(column).drop_nulls().unique().sort().to_list()

    # --- lists ---------------------------------------------------------------------------------------------

    def _condition(self, frame: pl.DataFrame, column: str, wanted: object) -> pl.Expr:
        """One filter: {"min": .., "max": ..} a range, a list any of its values, anything else equality."""
        if column not in frame.columns:
            raise InputError(f"cannot filter on unknown column {column!r}")
        col = pl.col(column)
        if column == DECISION:
            _check_decisions(wanted)
        if isinstance(wanted, Mapping):
            unknown = set(wanted) - {"min", "max"}
            if unknown:
                raise InputError(
                    f"filter on {column}: expected min and/or max, got {', '.join(sorted(unknown))}"
                )
            condition = pl.lit(True)
            if wanted.get("min") is not None:
                condition &= col >= wanted["min"]
            if wanted.get("max") is not None:
                condition &= col <= wanted["max"]
            return condition
        if isinstance(wanted, list | tuple | set):
            return col.cast(pl.String).is_in([str(v) for v in wanted]) if wanted else pl.lit(True)
        return col.cast(pl.String).eq(str(wanted)) if isinstance(wanted, str) else col.eq(wanted)

    @staticmethod
    def _sort_keys(sort: object) -> list[tuple[str, bool]]:
        """(column, descending) pairs from "probability", "-probability", a list, or Dash's sort_by."""
        if not sort:
            return []
        items = sort if isinstance(sort, list | tuple) else [sort]
        keys = []
        for item in items:
            if isinstance(item, Mapping):
                keys.append((str(item["column_id"]), item.get("direction") == "desc"))
            else:
                text = str(item)
                keys.append((text.lstrip("-"), text.startswith("-")))
        return keys

    def filter_clients(
        self,
        filters: Mapping[str, object] | None = None,
        sort: object = None,
        page: int = 0,
        page_size: int = 25,
        population: Population = "production",
        *,
        batches: str | Sequence[str] | None = None,
        received_from: date | str | None = None,
        received_to: date | str | None = None,
    ) -> tuple[list[dict[str, object]], int]:
        """One page of the clients matching every filter, sorted, and how many match in all.

        filters: {"AMT_CREDIT": {"min": 1e5, "max": 5e5}, "NAME_CONTRACT_TYPE": ["Cash loans"],
        "decision": "refuse", "id_prefix": "1000"}; sort: "-probability" or Dash's sort_by; page from 0;
        batches: one batch name or several (all when None); received_from / received_to: days, inclusive,
        UTC (dates or ISO text).
        """
        selection = Selection.of(batches, received_from, received_to)
        if population == "production":
            now = self._production_now()
            frame, known = now.frame, now.batch_names
        else:
            frame, known = self._frame(population), frozenset()
        conditions = [selection.condition(frame, known)] if selection else []
        for column, wanted in (filters or {}).items():
            if column == "id_prefix":
                conditions.append(pl.col(CLIENT_ID).cast(pl.String).str.starts_with(str(wanted).strip()))
            elif wanted is not None and wanted != "":
                conditions.append(self._condition(frame, column, wanted))
        matched = frame.filter(pl.all_horizontal(conditions)) if conditions else frame
        keys = self._sort_keys(sort)
        for column, _ in keys:
            if column not in frame.columns:
                raise InputError(f"cannot sort on unknown column {column!r}")
        size = min(max(int(page_size), 1), MAX_PAGE_SIZE)
        start = max(int(page), 0) * size
        if keys:
            columns, descending = zip(*keys, strict=True)
            ordered = matched.lazy().sort(list(columns), descending=list(descending), nulls_last=True)
            rows = ordered.slice(start, size).collect()
        else:
            rows = matched.slice(start, size)
        return rows.to_dicts(), matched.height

    def batches(self) -> list[BatchCount]:
        """The batches of the production clients, newest first, with how many of them each holds."""
        return self._production_now().batches

    # --- similar clients -----------------------------------------------------------------------------------

    def _build_neighbour_index(self, reference_features: pl.DataFrame | None) -> None:
        """Standardised similarity features of every reference client, indexed once."""
        self._neighbour_index: NearestNeighbors | None = None
        if reference_features is None:
            return
        chosen = [
            (n, log)
            for n, log in SIMILARITY_FEATURES
            if n in reference_features.columns and (not self._feature_names or n in self._feature_names)
        ]
        if not chosen:
            return
        names = [n for n, _ in chosen]
        self._logged = np.array([log for _, log in chosen])
        self._positions = [self._feature_names.index(n) for n in names] if self._feature_names else []
        pool = reference_features.filter(pl.col(CLIENT_ID).is_in(self._reference_ids)).sort(CLIENT_ID)
        values = _similarity_scale(pool.select(names).to_numpy(), self._logged)
        self._center = np.nanmean(values, axis=0)
        spread = np.nanstd(values, axis=0)
        self._scale = np.where(spread > 0, spread, 1.0)
        self._pool_ids = pool.get_column(CLIENT_ID).to_numpy()
        self._pool_positions = np.searchsorted(self._reference_ids, self._pool_ids)
        self._pool_points = self._standardised(values)
        self._neighbour_index = NearestNeighbors(algorithm="kd_tree").fit(self._pool_points)

    def _standardised(self, values: np.ndarray) -> np.ndarray:
        """z-scores; a missing value sits at the mean, so it neither attracts nor repels."""
        return np.nan_to_num((values - self._center) / self._scale, nan=0.0)

    def _client_point(self, client_id: int) -> np.ndarray | None:
        """The client's standardised similarity features: production features, else a reference client's."""
        row = self._production_features(client_id) if self._production_features is not None else None
        if row is not None and self._positions:
            return self._standardised(_similarity_scale(row[:, self._positions], self._logged))
        i = int(np.searchsorted(self._pool_ids, client_id))
        if i >= len(self._pool_ids) or self._pool_ids[i] != client_id:
            return None
        return self._pool_points[i : i + 1]

    def similar_clients(self, client_id: int, k: int = 10) -> Neighbours | None:
        """The k reference clients nearest to a client (age, income, credit, repayment, goods price,
        employment, external scores), the client itself left out; None for an unknown client or without
        reference features."""
        if self._neighbour_index is None or k <= 0:
            return None
        point = self._client_point(client_id)
        if point is None:
            return None
        wanted = min(k + 1, len(self._pool_ids))
        distances, indices = self._neighbour_index.kneighbors(point, n_neighbors=wanted)
        keep = self._pool_ids[indices[0]] != client_id
        ids = self._pool_ids[indices[0]][keep][:k]
        rows = self.reference[self._pool_positions[indices[0]][keep][:k].tolist()]
        return Neighbours(client_id, ids, distances[0][keep][:k], rows)

    @staticmethod
    def observed_default_rate(neighbours: Neighbours | pl.DataFrame | None) -> float | None:
        """Share of these reference clients who did default (TARGET = 1); None when there are none."""
        rows = neighbours.rows if isinstance(neighbours, Neighbours) else neighbours
        if rows is None or rows.height == 0:
            return None
        rate = rows.get_column(TARGET).cast(pl.Float64).mean()
        return None if rate is None else float(rate)  # type: ignore[arg-type]

    # --- the portfolio -------------------------------------------------------------------------------------

    def portfolio_summary(
        self,
        threshold: float | None = None,
        bins: int = 20,
        *,
        batches: str | Sequence[str] | None = None,
        received_from: date | str | None = None,
        received_to: date | str | None = None,
    ) -> PortfolioSummary:
        """Production clients at a threshold (the model's by default): counts, approval rate, histogram;
        only those of some batches and received between two days when asked (as filter_clients)."""
        threshold = self.threshold if threshold is None else float(threshold)
        selection = Selection.of(batches, received_from, received_to)
        now = self._production_now()
        if selection:
            chosen = now.frame.filter(selection.condition(now.frame, now.batch_names))
            scores = np.sort(chosen.get_column(PROBABILITY).to_numpy().astype(np.float64))
        else:
            scores = now.sorted_probabilities
        count = len(scores)
        approved = int(
            np.searchsorted(scores, threshold, side="left")
        )  # refused when probability >= threshold
        top = max(float(scores[-1]) if count else 0.0, threshold)
        upper = min(1.0, math.ceil(top * 20) / 20 or 0.05)
        counts, edges = np.histogram(scores, bins=bins, range=(0.0, upper))
        return PortfolioSummary(
            threshold=threshold,
            count=count,
            approved=approved,
            refused=count - approved,
            approval_rate=approved / count if count else 0.0,
            mean_probability=float(scores.mean()) if count else 0.0,
            histogram_edges=[float(e) for e in edges],
            histogram_counts=[int(c) for c in counts],
            probabilities=scores,
        )
