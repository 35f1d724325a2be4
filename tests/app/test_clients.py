import numpy as np
import polars as pl
import pytest

from app.clients import ClientRepository
from model_training.errors import InputError
from tests.app.client_tables import repository_of


def clients(n: int, seed: int, first_id: int, target: bool) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pl.DataFrame(
        {
            "SK_ID_CURR": np.arange(first_id, first_id + n, dtype=np.int32)[::-1],  # stored unsorted
            "probability": rng.beta(1, 10, n),
            "credit": rng.lognormal(13, 0.5, n),
            "contract_type": rng.choice(["Cash loans", "Revolving loans"], n),
            "APP_AGE_YEARS": rng.uniform(20, 70, n),
            "AMT_INCOME_TOTAL": rng.lognormal(12, 0.4, n),
            "AMT_CREDIT": rng.lognormal(13, 0.5, n),
            "APP_EXT_SOURCE_MEAN": rng.uniform(0, 1, n),
        }
    )
    return frame.with_columns(TARGET=pl.Series(rng.integers(0, 2, n), dtype=pl.Int8)) if target else frame


def repository(n_production: int = 200, n_reference: int = 1000) -> ClientRepository:
    production = clients(n_production, 0, 100_000, target=False)
    reference = clients(n_reference, 1, 500_000, target=True)
    return repository_of(production, reference)


@pytest.fixture(scope="module")
def repo() -> ClientRepository:
    return repository()


def test_decisions_follow_the_threshold_with_the_app_codes(repo):
    decided = repo.production.select(
        (pl.col("probability") >= 0.1) == (pl.col("decision") == "refuse")
    ).to_series()
    assert decided.all()
    assert set(repo.production["decision"]) <= {"accept", "refuse"}


def test_get_client_finds_production_then_reference(repo):
    assert repo.get_client(100_005)["population"] == "production"
    reference = repo.get_client(500_003)
    assert reference["population"] == "reference" and reference["TARGET"] in (0, 1)
    assert repo.get_client(42) is None


def test_search_ids_is_a_prefix_typeahead(repo):
    assert repo.search_ids("10001", 3) == [100_010, 100_011, 100_012]
    assert repo.search_ids("1000") == list(range(100_000, 100_010))
    assert repo.search_ids("9") == [] and repo.search_ids("abc") == [] and repo.search_ids("") == []


def test_filters_ranges_levels_and_equality(repo):
    rows, total = repo.filter_clients(
        {"credit": {"min": 3e5, "max": 8e5}, "contract_type": ["Cash loans"], "decision": "accept"},
        sort="-probability",
        page=0,
        page_size=10,
    )
    expected = repo.production.filter(
        pl.col("credit").is_between(3e5, 8e5)
        & (pl.col("contract_type") == "Cash loans")
        & (pl.col("probability") < 0.1)
    )
    assert total == expected.height and len(rows) == min(10, total)
    assert [r["probability"] for r in rows] == sorted(expected["probability"], reverse=True)[:10]


def test_pages_and_dash_sort_by(repo):
    first, total = repo.filter_clients(
        sort=[{"column_id": "SK_ID_CURR", "direction": "asc"}], page=0, page_size=50
    )
    second, _ = repo.filter_clients(sort="SK_ID_CURR", page=1, page_size=50)
    assert total == 200
    assert [r["SK_ID_CURR"] for r in first + second] == list(range(100_000, 100_100))
    assert repo.filter_clients({"id_prefix": "10019"})[1] == 10


def test_bad_filters_are_named(repo):
    with pytest.raises(InputError, match="nope"):
        repo.filter_clients({"nope": 1})
    with pytest.raises(InputError, match="median"):
        repo.filter_clients({"credit": {"median": 1}})
    with pytest.raises(InputError, match="nope"):
        repo.filter_clients(sort="-nope")
    with pytest.raises(InputError, match=r"'accorde'.*accept or refuse"):
        repo.filter_clients({"decision": ["accorde"]})


def test_similar_clients_are_near_and_exclude_the_client(repo):
    neighbours = repo.similar_clients(500_010, k=5)
    assert len(neighbours) == 5 and 500_010 not in neighbours.ids
    assert list(neighbours.distances) == sorted(neighbours.distances)
    assert neighbours.rows["SK_ID_CURR"].to_list() == neighbours.ids.tolist()
    rate = repo.observed_default_rate(neighbours)
    assert rate == pytest.approx(neighbours.rows["TARGET"].mean())
    assert repo.similar_clients(100_001, k=3) is not None
    assert repo.similar_clients(42) is None


def test_portfolio_summary_at_any_threshold(repo):
    summary = repo.portfolio_summary()
    assert summary.count == 200 and summary.approved + summary.refused == 200
    assert summary.approved == int((repo.production["probability"] < 0.1).sum())
    assert sum(summary.histogram_counts) == 200
    assert repo.portfolio_summary(1.0).approval_rate == 1.0
    assert repo.portfolio_summary(0.0).approved == 0


def test_levels_are_the_categories_present_among_production_clients(repo):
    assert repo.levels("contract_type") == ["Cash loans", "Revolving loans"]
    assert repo.levels("nowhere") == []
