"""The comparison's data shaping (app/comparison.py) without a browser: groups, positions, caching."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from app.clients import ClientRepository
from app.comparison import (
    SIMILAR_K,
    ComparisonData,
    Group,
    Standing,
    described,
    fields_known,
    for_clients,
    points_drawn,
    share_below,
    share_same,
    similar_default_rate,
    standings,
)
from tests.app.client_tables import repository_of


def clients(n: int, seed: int, first_id: int, target: bool) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    income = rng.lognormal(12, 0.4, n)
    income[::17] = np.nan  # some incomes unknown
    frame = pl.DataFrame(
        {
            "SK_ID_CURR": np.arange(first_id, first_id + n, dtype=np.int32),
            "probability": rng.beta(1, 10, n),
            "income": income,
            "contract_type": rng.choice(["Cash loans", "Revolving loans", None], n, p=[0.7, 0.25, 0.05]),
            "APP_AGE_YEARS": rng.uniform(20, 70, n),
            "AMT_INCOME_TOTAL": rng.lognormal(12, 0.4, n),
            "AMT_CREDIT": rng.lognormal(13, 0.5, n),
            "APP_EXT_SOURCE_MEAN": rng.uniform(0, 1, n),
        }
    ).with_columns(pl.col("income").fill_nan(None))
    return frame.with_columns(TARGET=pl.Series(rng.integers(0, 2, n), dtype=pl.Int8)) if target else frame


@pytest.fixture(scope="module")
def repository() -> ClientRepository:
    production = clients(50, 0, 100_000, target=False)
    reference = clients(3000, 1, 500_000, target=True)
    return repository_of(production, reference)


@pytest.fixture(scope="module")
def data(repository) -> ComparisonData:
    return ComparisonData(repository, categorical=["contract_type"])


def known(frame: pl.DataFrame, field: str) -> np.ndarray:
    return frame.get_column(field).drop_nulls().cast(pl.Float64).to_numpy()


def test_all_clients_hold_every_known_value_sorted(data, repository):
    (group,) = data.groups("all", 100_000, "income")
    assert group.key == "all"
    assert np.array_equal(group.values, np.sort(known(repository.reference, "income")))
    assert group.size == repository.reference.get_column("income").drop_nulls().len()


def test_repaid_and_defaulted_split_the_past_clients_by_outcome(data, repository):
    repaid, defaulted = data.groups("outcome", 100_000, "income")
    assert (repaid.key, defaulted.key) == ("repaid", "defaulted")
    reference = repository.reference
    for group, outcome in ((repaid, 0), (defaulted, 1)):
        expected = np.sort(known(reference.filter(pl.col("TARGET") == outcome), "income"))
        assert np.array_equal(group.values, expected)
    assert repaid.size + defaulted.size == data.groups("all", 100_000, "income")[0].size


def test_similar_clients_are_the_clients_nearest_neighbours(data, repository):
    groups = data.groups("similar", 100_003, "income")
    assert [g.key for g in groups] == ["all", "similar"]
    neighbours = repository.similar_clients(100_003, SIMILAR_K)
    assert np.array_equal(groups[1].values, np.sort(known(neighbours.rows, "income")))
    assert described(groups, "similar") == groups[1:]  # the caption speaks of the group chosen
    assert described(groups[:1], "all") == groups[:1]


def test_categories_are_counted_missing_ones_included(data, repository):
    (group,) = data.groups("all", 100_000, "contract_type")
    counts = repository.reference.get_column("contract_type").value_counts()
    assert group.values == dict(zip(counts["contract_type"], counts["count"], strict=True))
    assert None in group.values
    assert share_same(group.values, "Cash loans") == pytest.approx(
        (repository.reference.get_column("contract_type") == "Cash loans").sum() / repository.reference.height
    )


@pytest.mark.parametrize("value", [0.0, 50_000.0, 162_754.5, 1e9])
def test_share_below_is_the_share_of_strictly_smaller_values(data, repository, value):
    values = known(repository.reference, "income")
    (group,) = data.groups("all", 100_000, "income")
    assert share_below(group.values, value) == pytest.approx((values < value).mean())


def test_no_position_in_an_empty_group_or_for_an_unknown_value():
    assert share_below(np.array([]), 1.0) is None
    assert share_below(np.array([1.0, 2.0]), float("nan")) is None
    assert share_same({}, "x") is None


def test_a_feature_is_shaped_once_per_process(data, repository):
    first = data.groups("all", 100_000, "income")[0].values
    again = data.groups("all", 100_001, "income")[0].values
    assert again is first  # cached: no second pass over the reference
    assert for_clients(repository, ["contract_type"]) is for_clients(repository, ["contract_type"])


def test_scatter_points_are_every_past_client_or_the_similar_ones(data, repository):
    x, y, risk = data.scatter_points("all", 100_000, "income", "probability")
    assert len(x) == len(y) == len(risk) == repository.reference.height
    assert np.isnan(x).sum() == repository.reference.get_column("income").null_count()
    x, y, risk = data.scatter_points("similar", 100_000, "income", "probability")
    assert len(x) == SIMILAR_K


def test_the_client_stands_below_or_in_the_same_category_in_each_group():
    numbers = Group("all", np.array([1.0, 2.0, 3.0, 4.0]))
    counts = Group("similar", {"a": 3, "b": 1})
    assert standings([numbers], 3.0) == [Standing("all", 0.5, 4, category=False)]
    assert standings([counts], "a") == [Standing("similar", 0.75, 4, category=True)]
    assert standings([numbers], None) == [] and standings([numbers], float("nan")) == []
    # an unknown category is a level of its own: no one shares it among those who gave one
    assert standings([counts], None) == [Standing("similar", 0.0, 4, category=True)]
    assert standings([Group("all", np.array([]))], 1.0) == []


def test_the_scatter_draws_the_clients_known_on_both_features_and_the_risk_at_most():
    x, y, risk = np.array([1.0, np.nan, 3.0, 4.0]), np.array([1.0, 2.0, np.inf, 4.0]), np.ones(4)
    assert points_drawn((x, y, risk), 10) == 2
    assert points_drawn((x, y, risk), 1) == 1


def test_the_similar_clients_default_rate_is_told_against_everyone(repository):
    rate = similar_default_rate(repository, 100_000)
    assert rate is not None and rate.count == SIMILAR_K
    outcome = repository.reference.get_column("TARGET")
    assert rate.overall == pytest.approx(outcome.mean())
    assert 0.0 <= rate.rate <= 1.0


def test_fields_are_offered_only_when_the_reference_holds_them(repository):
    assert fields_known(["income", "nowhere", "probability"], repository) == ["income", "probability"]
