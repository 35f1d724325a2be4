from datetime import UTC, date, datetime

import pytest

from app.clients import BatchCount
from app.clients_view import (
    ClientQuery,
    RangeField,
    ReceivedQuery,
    batch_choices,
    bounds,
    client_query,
    human_decision,
    page_count,
    received_days,
    received_query,
)

RANGES = [RangeField("credit"), RangeField("probability", 0.01)]


def test_typed_ranges_become_filters_in_the_columns_unit():
    query = client_query(RANGES, [1000, None, 5, 20], None, {})
    assert query.filters["credit"] == {"min": 1000.0, "max": None}
    assert query.filters["probability"] == pytest.approx({"min": 0.05, "max": 0.2})
    assert query.reversed_ranges == ()


def test_a_reversed_range_filters_nothing_and_is_named():
    query = client_query(RANGES, [9000, 1000, None, None], None, {})
    assert query == ClientQuery({}, ("credit",))


def test_decisions_and_categories_filter_only_when_chosen():
    query = client_query(RANGES, [None] * 4, ["refuse"], {"education": ["Higher education"], "housing": []})
    assert query.filters == {"decision": ["refuse"], "education": ["Higher education"]}
    assert client_query(RANGES, [None] * 4, [], {"housing": None}).filters == {}


def test_bounds_and_page_counts():
    assert bounds([None, None]) is None
    assert bounds([0, 0]) == {"min": 0.0, "max": 0.0}  # zero is a bound, not an empty field
    assert page_count(0, 20) == 1 and page_count(20, 20) == 1 and page_count(21, 20) == 2


BATCHES = [
    BatchCount(
        "api-2026-12-05", 3, datetime(2026, 12, 5, 9, tzinfo=UTC), datetime(2026, 12, 5, 17, tzinfo=UTC)
    ),
    BatchCount("export", 1234, datetime(2026, 11, 2, 8, tzinfo=UTC), datetime(2026, 11, 2, 8, tzinfo=UTC)),
]


def test_batches_and_dates_become_repository_arguments():
    query = received_query(["export", ""], "2026-11-01", "")
    assert query == ReceivedQuery(
        {"batches": ["export"], "received_from": date(2026, 11, 1), "received_to": None}
    )
    assert received_query(None, None, None).arguments == {
        "batches": [],
        "received_from": None,
        "received_to": None,
    }


def test_a_bad_or_reversed_date_is_told_and_the_dates_filter_nothing():
    bad = received_query(["export"], "2026-02-30", None)
    assert bad.arguments == {"batches": ["export"]}
    assert bad.problem == ("filters.bad_date", {"end": "from", "value": "2026-02-30"})
    reversed_ = received_query([], "2026-12-05", "2026-12-01")
    assert reversed_.arguments == {"batches": []} and reversed_.problem == ("filters.reversed_dates", {})


@pytest.mark.parametrize(
    ("lang", "first", "export"),
    [
        (
            "fr",
            "api-2026-12-05 – 3\u00a0demandes, reçues à partir du 05/12/2026",
            "Premier lot (clients de l’export) – 1\u202f234\u00a0demandes, reçues à partir du 02/11/2026",
        ),
        (
            "en",
            "api-2026-12-05 – 3 applications, received from 2026-12-05",
            "First batch (the export’s clients) – 1,234 applications, received from 2026-11-02",
        ),
    ],
)
def test_batch_choices_name_each_batch_with_its_count(lang, first, export):
    choices = batch_choices(BATCHES, lang)
    assert [c["value"] for c in choices] == ["api-2026-12-05", "export"]
    assert [c["label"] for c in choices] == [first, export]


def test_received_days_bound_the_date_fields():
    assert received_days(BATCHES) == (date(2026, 11, 2), date(2026, 12, 5))
    assert received_days([]) == (None, None)


def test_the_human_decision_in_force_or_none():
    assert human_decision({"final_decision": "accept", "follows_model": False}) == ("accept", False)
    assert human_decision({"final_decision": None, "follows_model": None}) == (None, None)
    assert human_decision({"probability": 0.2}) == (None, None)  # a table without human decisions


def test_batches_that_are_not_a_list_of_names_are_refused():
    assert received_query("export", None, None).problem == ("filters.unknown_batch", {})  # type: ignore[arg-type]
    assert received_query([3], None, None) == ReceivedQuery({"batches": []}, ("filters.unknown_batch", {}))
    assert received_query([], 3.5, None).problem == (  # type: ignore[arg-type]
        "filters.bad_date",
        {"end": "from", "value": "3.5"},
    )
