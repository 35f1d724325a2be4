"""Serving benchmark: one client's score + exact explanation in process, what-if, client lists, neighbours.

Bars (DESIGN.md): score + exact SHAP explanation of one client p50 < 20 ms; client lists < 100 ms and similar
clients < 50 ms per query at the full Kaggle scale (307,511 reference clients, synthetic frame here).
Usage: `python benchmarks/bench_app.py [--artifacts DIR] [--clients 1000]`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.artifacts import FeatureRows, load_artifacts
from app.clients import SIMILARITY_FEATURES, ClientRepository
from app.scoring import ScoringService
from benchmarks._measure import ROOT, peak_rss_mb


def _ms(samples: list[float]) -> str:
    values = np.asarray(samples) * 1000
    return (
        f"p50 {np.percentile(values, 50):6.2f} ms  p99 {np.percentile(values, 99):6.2f} ms  (n={len(values)})"
    )


def _timed(call, arguments) -> list[float]:
    samples = []
    for argument in arguments:
        started = time.perf_counter()
        call(argument)
        samples.append(time.perf_counter() - started)
    return samples


def bench_scoring(directory: Path, n_clients: int) -> None:
    started = time.perf_counter()
    artifacts = load_artifacts(directory)
    service = ScoringService(artifacts)
    print(
        f"load artifacts + services: {time.perf_counter() - started:.2f} s, peak RSS {peak_rss_mb():.0f} MB"
    )
    print(f"model: {artifacts.booster.num_trees()} trees, {len(service.feature_names)} features")
    ids = [int(i) for i in artifacts.production_features.ids[:n_clients]]
    service.explain_client(ids[0])  # first call pays LightGBM's lazy set-up
    print("score + explanation  ", _ms(_timed(service.explain_client, ids)))

    def lower_credit(client_id: int) -> None:
        credit = service.stored_application(client_id)["AMT_CREDIT"]
        service.what_if(client_id, {"AMT_CREDIT": 0.8 * credit})

    print("what-if (credit x0.8)", _ms(_timed(lower_credit, ids[:200])))
    repository = ClientRepository.from_artifacts(artifacts)
    print("similar clients (k=20)", _ms(_timed(lambda i: repository.similar_clients(i, 20), ids[:200])))


def full_scale_repository(n_production: int = 48_744, n_reference: int = 307_511) -> ClientRepository:
    """A repository of random clients at Kaggle's size (only sizes matter for speed)."""
    rng = np.random.default_rng(0)

    def frame(n: int, first: int) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "SK_ID_CURR": np.arange(first, first + n, dtype=np.int32),
                "probability": rng.beta(1, 10, n),
                "TARGET": rng.integers(0, 2, n).astype(np.int8),
                "credit": rng.lognormal(13, 0.5, n),
                "income": rng.lognormal(12, 0.4, n),
                "age_years": rng.uniform(20, 70, n),
                "contract_type": rng.choice(["Cash loans", "Revolving loans"], n),
                "education": rng.choice(["Secondary", "Higher education", "Lower secondary"], n),
                **{name: rng.lognormal(10, 1, n) for name, _ in SIMILARITY_FEATURES},
            }
        )

    names = tuple(name for name, _ in SIMILARITY_FEATURES)
    production, reference = frame(n_production, 100_000), frame(n_reference, 200_000)
    return ClientRepository(
        production.drop(names),
        reference.drop(names),
        0.1,
        production_features=FeatureRows.from_frame(production, names),
        feature_names=names,
        reference_features=reference.select("SK_ID_CURR", *names),
    )


def bench_lists() -> None:
    started = time.perf_counter()
    repository = full_scale_repository()
    print(f"full-scale repository built in {time.perf_counter() - started:.2f} s")
    queries = [
        ({"credit": {"min": 2e5}, "contract_type": ["Cash loans"]}, "-probability", "production"),
        ({"decision": "refuse", "education": ["Secondary"]}, "credit", "reference"),
        ({"id_prefix": "2001"}, None, "reference"),
        ({}, "-income", "reference"),
    ]
    samples = []
    for page in range(5):
        for filters, sort, population in queries:
            started = time.perf_counter()
            repository.filter_clients(filters, sort, page=page, page_size=25, population=population)
            samples.append(time.perf_counter() - started)
    print("filter_clients (307,511)", _ms(samples))
    print(
        "similar clients (307,511)",
        _ms(_timed(lambda i: repository.similar_clients(i, 20), range(200_000, 200_200))),
    )
    print(
        "search_ids", _ms(_timed(lambda p: repository.search_ids(p, 10), [str(p) for p in range(100, 300)]))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default = os.environ.get("ARTIFACTS_DIR", str(ROOT / "artifacts"))
    parser.add_argument(
        "--artifacts", default=default, help="artifacts folder (default ARTIFACTS_DIR or artifacts/)"
    )
    parser.add_argument(
        "--clients", type=int, default=1000, help="production clients to score (default 1000)"
    )
    args = parser.parse_args()
    bench_scoring(Path(args.artifacts), args.clients)
    bench_lists()


if __name__ == "__main__":
    main()
