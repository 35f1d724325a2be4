"""What the clients page asks the client repository, from what the user typed in its filters: plain values in,
a small query object out, so that the page only lays out and wires (and this is tested without Dash)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RangeField:
    """One "from … to …" filter: the column it filters and the factor from the typed unit (% → share)."""

    column: str
    factor: float = 1.0


@dataclass(frozen=True)
class ClientQuery:
    """The repository's filters, and the range columns whose lower bound is above the upper one (ignored,
    and told to the user)."""

    filters: dict[str, object]
    reversed_ranges: tuple[str, ...]


def bounds(typed: Sequence[float | None], factor: float = 1.0) -> dict[str, float | None] | None:
    """{"min": .., "max": ..} in the column's unit; None when both ends are empty."""
    low, high = (None if value is None else float(value) * factor for value in typed)
    if low is None and high is None:
        return None
    return {"min": low, "max": high}


def client_query(
    ranges: Sequence[RangeField],
    typed: Sequence[float | None],
    decisions: Sequence[str] | None,
    choices: Mapping[str, Sequence[object] | None],
) -> ClientQuery:
    """The filters for `filter_clients`: `typed` holds each range's (min, max) in turn; empty choices filter
    nothing."""
    filters: dict[str, object] = {}
    reversed_ranges = []
    for i, field in enumerate(ranges):
        wanted = bounds(typed[2 * i : 2 * i + 2], field.factor)
        if (
            wanted
            and wanted["min"] is not None
            and wanted["max"] is not None
            and wanted["min"] > wanted["max"]
        ):
            reversed_ranges.append(field.column)
        elif wanted:
            filters[field.column] = wanted
    if decisions:
        filters["decision"] = list(decisions)
    for column, chosen in choices.items():
        if chosen:
            filters[column] = list(chosen)
    return ClientQuery(filters, tuple(reversed_ranges))


def page_count(total: int, page_size: int) -> int:
    """Pages of the table: at least one, even when no client matches."""
    return max(1, -(-total // page_size))
