import pytest

from app.clients_view import ClientQuery, RangeField, bounds, client_query, page_count

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
