"""What the clients page asks the client repository, from what the user typed in its filters: plain values in,
a small query object out, so that the page only lays out and wires (and this is tested without Dash)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from app import formatting as fmt
from app.applications import EXPORT_BATCH
from app.clients import BatchCount, received_date
from app.i18n import t
from model_training.errors import InputError


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


@dataclass(frozen=True)
class ReceivedQuery:
    """The batch and received-date part of a page's query: keyword arguments for `filter_clients` and
    `portfolio_summary`, and what was wrong with the dates typed (a catalogue key and its values; the dates
    then filter nothing, the batches still do)."""

    arguments: dict[str, object]
    problem: tuple[str, dict[str, str]] | None = None


def received_query(
    batches: Sequence[str] | None, received_from: str | None, received_to: str | None
) -> ReceivedQuery:
    """From the batch checkboxes and the two date fields (ISO dates, empty for an open end)."""
    if batches is not None and not (
        isinstance(batches, list | tuple) and all(isinstance(b, str) for b in batches)
    ):  # what a browser never sends: a forged request
        return ReceivedQuery({"batches": []}, ("filters.unknown_batch", {}))
    arguments: dict[str, object] = {"batches": [b for b in batches or () if b]}
    days = {}
    for end, typed in (("from", received_from), ("to", received_to)):
        try:
            days[end] = received_date(typed, end)
        except InputError:
            return ReceivedQuery(arguments, ("filters.bad_date", {"end": end, "value": str(typed)}))
    if days["from"] is not None and days["to"] is not None and days["from"] > days["to"]:
        return ReceivedQuery(arguments, ("filters.reversed_dates", {}))
    arguments.update(received_from=days["from"], received_to=days["to"])
    return ReceivedQuery(arguments)


def batch_choices(batches: Sequence[BatchCount], lang: str) -> list[dict[str, object]]:
    """The batch checkboxes, newest first: each batch's name (the export's in words) and its count."""
    return [
        {
            "label": t(
                "filters.batch_option",
                lang,
                name=t("filters.export_batch", lang) if b.name == EXPORT_BATCH else b.name,
                count=fmt.number(b.applications, lang),
                day=fmt.date_text(b.first_received.date(), lang, "short"),
            ),
            "value": b.name,
        }
        for b in batches
    ]


def received_days(batches: Sequence[BatchCount]) -> tuple[date | None, date | None]:
    """The first and last day an application of the portfolio was received (the date fields' bounds)."""
    if not batches:
        return None, None
    return min(b.first_received for b in batches).date(), max(b.last_received for b in batches).date()


def human_decision(row: Mapping[str, object]) -> tuple[str | None, bool | None]:
    """The advisor's decision in force on a row of the portfolio (final_decision, follows the model), or
    (None, None) when none was recorded yet (or the row comes from a table without human decisions)."""
    final = row.get("final_decision")
    if final is None:
        return None, None
    follows = row.get("follows_model")
    return str(final), None if follows is None else bool(follows)
