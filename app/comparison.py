"""What the comparison page shows of past clients: the groups a client is compared with, one feature's values
in each group, where the client stands in them, and the points of the two-feature chart.

At Kaggle scale the reference holds 307,511 past clients. What depends on a feature only (its values sorted,
for all clients, those who repaid and those who defaulted; a category's counts) is computed once per process,
on first use, and kept; what depends on the client (their most similar past clients) is computed per request
(a k-d tree query). So a page or a callback does a binary search and a small copy, never a pass over 300,000
rows.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import polars as pl

from app.clients import ClientRepository
from app.formatting import is_missing
from model_training.decision import PROBABILITY
from model_training.schema import TARGET

GROUPS = ("all", "similar", "outcome")
SIMILAR_K = 50
#: The parts of the reference a group is made of (besides the client's similar clients).
_PARTS = ("all", "repaid", "defaulted")


@dataclass(frozen=True)
class Group:
    """One group of past clients as a chart draws it: `key` is "all", "similar", "repaid" or "defaulted";
    `values` the feature's finite numbers, sorted, or a category's counts (level → clients)."""

    key: str
    values: np.ndarray | dict[object, int]

    @property
    def size(self) -> int:
        return int(self.values.size) if isinstance(self.values, np.ndarray) else sum(self.values.values())


class ComparisonData:
    """The reference clients shaped for the comparison page; one per client repository (see `for_clients`)."""

    def __init__(self, clients: ClientRepository, categorical: Collection[str]) -> None:
        self._clients = clients
        self._categorical = frozenset(categorical)
        outcome = clients.reference.get_column(TARGET).to_numpy()
        self._masks = {"all": None, "repaid": outcome == 0, "defaulted": outcome == 1}
        self._cache: dict[tuple[str, str], np.ndarray | dict[object, int]] = {}
        self._columns: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def is_categorical(self, field: str) -> bool:
        return field in self._categorical

    # --- per feature, cached ----------------------------------------------------------------------------

    def column(self, field: str) -> np.ndarray:
        """A numeric field of every reference client, as floats (missing: NaN), in reference order."""
        with self._lock:
            if field not in self._columns:
                values = self._clients.reference.get_column(field).cast(pl.Float64).fill_null(np.nan)
                self._columns[field] = values.to_numpy()
            return self._columns[field]

    def _part(self, field: str, part: str) -> np.ndarray | dict[object, int]:
        """A field's values in one part of the reference: sorted finite numbers, or category counts."""
        key = (field, part)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        mask = self._masks[part]
        values: np.ndarray | dict[object, int]
        if self.is_categorical(field):
            series = self._clients.reference.get_column(field)
            values = _counts(series if mask is None else series.filter(pl.Series(mask)))
        else:
            column = self.column(field)
            chosen = column if mask is None else column[mask]
            values = np.sort(chosen[np.isfinite(chosen)])
        with self._lock:
            self._cache[key] = values
        return values

    # --- per client, on demand --------------------------------------------------------------------------

    def similar_rows(self, client_id: int) -> pl.DataFrame | None:
        """The client's `SIMILAR_K` most similar past clients (None without a neighbour index)."""
        neighbours = self._clients.similar_clients(client_id, SIMILAR_K)
        return neighbours.rows if neighbours is not None else None

    def groups(self, group: str, client_id: int, field: str) -> list[Group]:
        """The groups drawn for `group`: all past clients; all and the similar ones; repaid and defaulted."""
        if group == "outcome":
            return [
                Group("repaid", self._part(field, "repaid")),
                Group("defaulted", self._part(field, "defaulted")),
            ]
        shown = [Group("all", self._part(field, "all"))]
        rows = self.similar_rows(client_id) if group == "similar" else None
        if rows is not None:
            series = rows.get_column(field)
            if self.is_categorical(field):
                shown.append(Group("similar", _counts(series)))
            else:
                numbers = series.cast(pl.Float64).fill_null(np.nan).to_numpy()
                shown.append(Group("similar", np.sort(numbers[np.isfinite(numbers)])))
        return shown

    def scatter_points(self, group: str, client_id: int, x: str, y: str) -> tuple[np.ndarray, ...]:
        """(x, y, risk) of the past clients the two-feature chart draws: the similar ones for "similar",
        else every past client (the chart samples them)."""
        rows = self.similar_rows(client_id) if group == "similar" else None
        if rows is None:
            return self.column(x), self.column(y), self.column(PROBABILITY)
        return tuple(
            rows.get_column(c).cast(pl.Float64).fill_null(np.nan).to_numpy() for c in (x, y, PROBABILITY)
        )


def described(groups: list[Group], group: str) -> list[Group]:
    """The groups a caption speaks of: the one chosen (the similar clients, not all, for "similar")."""
    if group == "similar" and len(groups) > 1:
        return groups[1:]
    return groups


def share_below(values: np.ndarray, value: float) -> float | None:
    """Share of the group's (sorted) values strictly below the client's; None for an empty group."""
    if values.size == 0 or not np.isfinite(value):
        return None
    return float(np.searchsorted(values, value, side="left") / values.size)


def share_same(counts: dict[object, int], level: object) -> float | None:
    """Share of the group in the client's category; None for an empty group."""
    total = sum(counts.values())
    return counts.get(level, 0) / total if total else None


@dataclass(frozen=True)
class Standing:
    """Where the client stands in one group: the share of the group below them (a number) or in their
    category (a category), and how many clients the group holds."""

    group: str
    share: float
    size: int
    category: bool


def standings(groups: list[Group], value: object) -> list[Standing]:
    """The client's place in each group that can say something (empty groups and unknown values cannot)."""
    missing = is_missing(value)
    places = []
    for shown in groups:
        if isinstance(shown.values, dict):
            share = share_same(shown.values, None if missing else value)
        else:
            share = None if missing or isinstance(value, str) else share_below(shown.values, float(value))  # type: ignore[arg-type]
        if share is not None:
            places.append(Standing(shown.key, share, shown.size, isinstance(shown.values, dict)))
    return places


def points_drawn(points: tuple[np.ndarray, ...], max_points: int) -> int:
    """How many clients the two-feature chart draws: those known on both features and the risk, sampled."""
    finite = np.logical_and.reduce([np.isfinite(values) for values in points])
    return min(int(finite.sum()), max_points)


@dataclass(frozen=True)
class SimilarRate:
    """How often the client's most similar past clients defaulted, against all past clients."""

    count: int
    rate: float
    overall: float


def similar_default_rate(clients: ClientRepository, client_id: int) -> SimilarRate | None:
    """None without a neighbour index (or an observed outcome)."""
    neighbours = clients.similar_clients(client_id, SIMILAR_K)
    rate = clients.observed_default_rate(neighbours)
    if rate is None or neighbours is None:
        return None
    return SimilarRate(len(neighbours), rate, clients.observed_default_rate(clients.reference) or 0.0)


def fields_known(fields: Collection[str], clients: ClientRepository) -> list[str]:
    """The fields the reference holds, in the given order."""
    columns = set(clients.reference.columns)
    return [name for name in fields if name in columns]


def _counts(series: pl.Series) -> dict[object, int]:
    counts = series.value_counts()  # missing values count too: "non renseigné" is a bar of its own
    return dict(zip(counts[series.name].to_list(), counts["count"].to_list(), strict=True))


_BY_REPOSITORY: weakref.WeakKeyDictionary[ClientRepository, ComparisonData] = weakref.WeakKeyDictionary()
_CREATING = threading.Lock()


def for_clients(clients: ClientRepository, categorical: Collection[str]) -> ComparisonData:
    """The one ComparisonData of a repository (a process serves one set of artifacts at a time)."""
    with _CREATING:
        data = _BY_REPOSITORY.get(clients)
        if data is None:
            data = _BY_REPOSITORY[clients] = ComparisonData(clients, categorical)
        return data
