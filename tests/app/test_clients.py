from datetime import UTC, date, datetime

import numpy as np
import polars as pl
import pytest

from app.clients import ClientRepository, Selection, received_date
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


def received_clients() -> pl.DataFrame:
    """Production clients as the store gives them: 300 in three batches received on three days."""
    production = clients(300, 2, 200_000, target=False)
    days = [datetime(2026, 11, 30, 23, 59, tzinfo=UTC), datetime(2026, 12, 1, 0, 0, tzinfo=UTC)]
    days.append(datetime(2026, 12, 3, 12, 0, tzinfo=UTC))
    return production.with_columns(
        batch=pl.Series(["export"] * 100 + ["api-2026-12-01"] * 100 + ["api-2026-12-03"] * 100),
        received_at=pl.Series([days[0]] * 100 + [days[1]] * 100 + [days[2]] * 100),
    )


@pytest.fixture(scope="module")
def received() -> ClientRepository:
    return repository_of(received_clients(), clients(500, 3, 500_000, target=True))


def test_batches_are_listed_newest_first_with_their_counts(received):
    batches = received.batches()
    assert [(b.name, b.applications) for b in batches] == [
        ("api-2026-12-03", 100),
        ("api-2026-12-01", 100),
        ("export", 100),
    ]
    assert batches[-1].first_received == datetime(2026, 11, 30, 23, 59, tzinfo=UTC)


def test_batch_and_received_dates_filter_the_clients(received):
    frame = received.production
    _, total = received.filter_clients(batches="export")
    assert total == 100
    rows, total = received.filter_clients(
        {"decision": "refuse"}, batches=["export", "api-2026-12-03"], page_size=500
    )
    expected = frame.filter(
        pl.col("batch").is_in(["export", "api-2026-12-03"]) & (pl.col("decision") == "refuse")
    )
    assert total == expected.height and {r["SK_ID_CURR"] for r in rows} == set(expected["SK_ID_CURR"])
    # inclusive days, in UTC: 23:59 on the 30th is not on the 1st, midnight on the 1st is
    assert received.filter_clients(received_from="2026-12-01", received_to="2026-12-01")[1] == 100
    assert received.filter_clients(received_to=date(2026, 11, 30))[1] == 100
    assert received.filter_clients(received_from="2026-12-02")[1] == 100
    assert received.filter_clients(received_from="2026-12-01T01:00:00+02:00")[1] == 300  # 30th in UTC
    both = received.filter_clients(batches="api-2026-12-01", received_from="2026-12-02")
    assert both == ([], 0)


def test_the_portfolio_summary_follows_the_batch_and_dates(received):
    everyone = received.portfolio_summary()
    export = received.portfolio_summary(batches=["export"])
    late = received.portfolio_summary(received_from="2026-12-01")
    assert everyone.count == 300 and export.count == 100 and late.count == 200
    scores = received.production.filter(pl.col("batch") == "export")["probability"]
    assert export.approved == int((scores < 0.1).sum()) and sum(export.histogram_counts) == 100
    assert received.portfolio_summary(received_from="2027-01-01").count == 0


def test_bad_batches_and_dates_are_named(received, repo):
    with pytest.raises(InputError, match="unknown batch 'exprot'"):
        received.filter_clients(batches="exprot")
    with pytest.raises(
        InputError, match=r"received from: '2026-13-01' is not a date \(expected YYYY-MM-DD\)"
    ):
        received.filter_clients(received_from="2026-13-01")
    with pytest.raises(InputError, match="received to: 'hier'"):
        received.portfolio_summary(received_to="hier")
    with pytest.raises(InputError, match="from 2026-12-03 is after to 2026-12-01"):
        received.portfolio_summary(received_from="2026-12-03", received_to="2026-12-01")
    with pytest.raises(InputError, match="expected a batch name or a list of them, got 3"):
        received.filter_clients(batches=3)
    with pytest.raises(InputError, match="did not come in a batch"):
        repo.filter_clients(batches="export")  # clients of a frame without batches
    with pytest.raises(InputError, match="not received"):
        received.filter_clients(received_from="2026-12-01", population="reference")


def test_selection_reads_what_the_ui_gives():
    assert Selection.of(None, "", None) == Selection() and not Selection.of([], " ", None)
    assert Selection.of("export", "2026-12-01", date(2026, 12, 2)) == Selection(
        ("export",), date(2026, 12, 1), date(2026, 12, 2)
    )
    assert received_date("2026-12-05T23:30:00", "to") == date(2026, 12, 5)


def test_search_ids_takes_the_smallest_ids_across_lengths():
    ids = [7, 12, 99, 120, 129, 130, 1200, 12_000_001]
    production = pl.DataFrame(
        {"SK_ID_CURR": pl.Series(ids, dtype=pl.Int32), "probability": [0.05] * len(ids)}
    )
    repository = ClientRepository(production, production.with_columns(TARGET=pl.lit(0, pl.Int8)), 0.1)
    assert repository.search_ids("12") == [12, 120, 129, 1200, 12_000_001]
    assert repository.search_ids("12", limit=3) == [12, 120, 129]
    assert repository.search_ids("0") == [] and repository.search_ids("13") == [130]
