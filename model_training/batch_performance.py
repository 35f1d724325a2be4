"""What the model really did on a batch once outcomes are known: ROC AUC, the business cost at the model's
threshold, approval and default rates and calibration by decile, each with a seeded percentile bootstrap
interval, beside what cross-validation promised (serving.json's cv_metrics).

Only applications scored by the model with a recorded outcome (matured) count. The bootstrap draws the
applicants again with replacement B times; every figure is a weighted sum over applicants, so a draw is a
row of counts and all B draws are a few matrix products (500 draws of 10,000 applicants in well under a
second, ROC AUC included: it is computed from weighted counts over the scores' sorted order, ties as half).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import Engine, func, select

from model_training.calibration import reliability_curve
from model_training.contract.monitoring import (
    BATCH_PERFORMANCE,
    BatchPerformance,
    CalibrationBin,
    Interval,
)
from model_training.contract.serving_card import ServingCard
from model_training.decision import refused
from model_training.scorer import ModelIdentity
from model_training.store import tables as t
from model_training.store.applications import monitoring_records, put_monitoring_record

#: Bootstrap draws: 500 keeps a batch of 10,000 outcomes well under a second.
BOOTSTRAP_SAMPLES = 500
BOOTSTRAP_SEED = 20_260_101
#: Fewer matured outcomes than this: the figures are given, their intervals are not (they would mislead).
MIN_OUTCOMES = 30
#: 95 % percentile intervals.
LEVEL = 0.95
CALIBRATION_BINS = 10

TOO_FEW = "too few outcomes for an interval ({n} < {minimum})"
ONE_CLASS = "only one class among the outcomes: no ROC AUC"
NO_OUTCOME = "no outcome known yet"


def _interval(value: float | None, draws: np.ndarray | None, reason: str | None = None) -> Interval:
    """A figure and the percentile interval of its bootstrap draws (draws that are undefined are NaN and
    left out, such as a draw holding a single class for the ROC AUC)."""
    if value is None or draws is None:
        return Interval(value, None, None, reason)
    kept = draws[np.isfinite(draws)]
    if not len(kept):
        return Interval(value, None, None, reason or "no bootstrap draw could compute it")
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(kept, [tail, 100 - tail])
    # percentiles of identical draws can differ from the value by a rounding: a constant gives [v, v]
    return Interval(value, float(min(low, value)), float(max(high, value)), reason)


def bootstrap_counts(n: int, samples: int, seed: int) -> np.ndarray:
    """`samples` draws of n applicants with replacement, as counts: row b, column i = how many times
    applicant i was drawn in draw b (float64, to multiply)."""
    rng = np.random.default_rng(seed)
    drawn = rng.integers(0, n, size=(samples, n)) + (np.arange(samples) * n)[:, None]
    return np.bincount(drawn.ravel(), minlength=samples * n).reshape(samples, n).astype(np.float64)


def weighted_roc_auc(y: np.ndarray, probability: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """ROC AUC of each row of `weights` (applicant counts): the probability that a defaulter scores above a
    good client, ties counting one half; NaN for a row without both classes. With weights of 1 it is
    sklearn's roc_auc_score."""
    weights = np.atleast_2d(weights)
    order = np.argsort(probability, kind="stable")
    sorted_p, sorted_y = probability[order], y[order].astype(bool)
    starts = np.flatnonzero(np.r_[True, sorted_p[1:] != sorted_p[:-1]])  # groups of tied scores
    w = weights[:, order]
    defaults = w * sorted_y
    if len(starts) < len(sorted_p):  # tied scores: one column per distinct score
        w = np.add.reduceat(w, starts, axis=1)
        defaults = np.add.reduceat(defaults, starts, axis=1)
    goods = w - defaults
    goods_below = np.cumsum(goods, axis=1) - goods
    pairs = defaults.sum(axis=1) * goods.sum(axis=1)
    wins = (defaults * (goods_below + goods / 2)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(pairs > 0, wins / np.where(pairs > 0, pairs, 1), np.nan)


@dataclass(frozen=True)
class Figures:
    """The figures of one set of matured applications."""

    n_outcomes: int
    roc_auc: Interval
    cost: Interval
    approval_rate: Interval
    default_rate: Interval
    calibration: tuple[CalibrationBin, ...]


def performance_figures(
    y: np.ndarray,
    probability: np.ndarray,
    threshold: float,
    cost_fn: float,
    cost_fp: float,
    *,
    samples: int = BOOTSTRAP_SAMPLES,
    seed: int = BOOTSTRAP_SEED,
    min_outcomes: int = MIN_OUTCOMES,
) -> Figures:
    """ROC AUC, cost per applicant at `threshold` (model_training.cost's rule), approval and default rates,
    calibration by decile (model_training.calibration.reliability_curve's bins), each with its interval."""
    y = np.asarray(y, dtype=np.float64)
    probability = np.asarray(probability, dtype=np.float64)
    n = len(y)
    if n == 0:
        empty = Interval(None, None, None, NO_OUTCOME)
        return Figures(0, empty, empty, empty, empty, ())
    is_refused = refused(probability, threshold).astype(np.float64)
    # model_training.cost.business_cost per applicant: cost_fn per accepted default, cost_fp per refused good
    loss = cost_fn * y * (1 - is_refused) + cost_fp * (1 - y) * is_refused
    both_classes = 0 < y.sum() < n
    counts = bootstrap_counts(n, samples, seed) if n >= min_outcomes else None
    short = None if counts is not None else TOO_FEW.format(n=n, minimum=min_outcomes)

    def figure(per_applicant: np.ndarray) -> Interval:
        value = float(per_applicant.mean())
        return _interval(value, None if counts is None else counts @ per_applicant / n, short)

    auc_value = float(weighted_roc_auc(y, probability, np.ones(n))[0]) if both_classes else None
    auc = _interval(
        auc_value,
        None if counts is None or auc_value is None else weighted_roc_auc(y, probability, counts),
        short if both_classes else ONE_CLASS,
    )
    return Figures(
        n,
        auc,
        figure(loss),
        figure(1 - is_refused),
        figure(y),
        _calibration(y, probability, counts, short),
    )


def _calibration(
    y: np.ndarray, probability: np.ndarray, counts: np.ndarray | None, short: str | None
) -> tuple[CalibrationBin, ...]:
    curve = reliability_curve(y, probability, CALIBRATION_BINS)
    # the same bins as reliability_curve: equal counts over the stably sorted probabilities
    groups = [g for g in np.array_split(np.argsort(probability, kind="stable"), CALIBRATION_BINS) if len(g)]
    bins = []
    for group, predicted, observed, size in zip(
        groups, curve["mean_predicted"], curve["observed_rate"], curve["count"], strict=True
    ):
        draws = None
        if counts is not None:
            drawn = counts[:, group]
            total = drawn.sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                draws = np.where(total > 0, drawn @ y[group] / np.where(total > 0, total, 1), np.nan)
        bins.append(CalibrationBin(int(size), predicted, _interval(observed, draws, short)))
    return tuple(bins)


def scored_counts(
    engine: Engine, model: ModelIdentity, batches: Iterable[str] | None = None
) -> dict[str, int]:
    """Per batch, how many of its applications `model` scored."""
    a, s = t.applications.c, t.scores.c
    query = (
        select(a.batch, func.count())
        .join_from(t.scores, t.applications, a.application_id == s.application_id)
        .where(s.model_name == model.name, s.model_version == model.version, s.model_run_id == model.run_id)
        .group_by(a.batch)
    )
    if batches is not None:
        query = query.where(a.batch.in_(sorted(set(batches))))
    with engine.connect() as connection:
        return {batch: int(n) for batch, n in connection.execute(query).tuples().all()}


def matured_rows(
    engine: Engine, model: ModelIdentity, batches: Iterable[str] | None = None
) -> dict[str, tuple[int, np.ndarray, np.ndarray]]:
    """Per batch: how many of its applications `model` scored, and the probabilities and outcomes (TARGET)
    of those with a recorded outcome."""
    a, s, o = t.applications.c, t.scores.c, t.outcomes.c
    is_model = (s.model_name == model.name, s.model_version == model.version, s.model_run_id == model.run_id)
    wanted = None if batches is None else sorted(set(batches))
    scored = scored_counts(engine, model, wanted)
    matured_query = (
        select(a.batch, s.probability, o.target)
        .join_from(t.scores, t.applications, a.application_id == s.application_id)
        .join(t.outcomes, o.application_id == s.application_id)
        .where(*is_model)
        .order_by(a.batch, s.score_id)
    )
    if wanted is not None:
        matured_query = matured_query.where(a.batch.in_(wanted))
    with engine.connect() as connection:
        rows = connection.execute(matured_query).all()
    found: dict[str, tuple[list[float], list[int]]] = {}
    for batch, probability, target in rows:
        p, y = found.setdefault(batch, ([], []))
        p.append(probability)
        y.append(target)
    return {
        batch: (
            int(n),
            np.asarray(found.get(batch, ([], []))[0], dtype=np.float64),
            np.asarray(found.get(batch, ([], []))[1], dtype=np.float64),
        )
        for batch, n in scored.items()
    }


def batch_performance(
    subject: str,
    n: int,
    probability: np.ndarray,
    y: np.ndarray,
    card: ServingCard,
    *,
    window: str = "batch",
    samples: int = BOOTSTRAP_SAMPLES,
    seed: int = BOOTSTRAP_SEED,
    min_outcomes: int = MIN_OUTCOMES,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> BatchPerformance:
    """The typed record of one batch (or window): its figures beside the cross-validated promise."""
    model = ModelIdentity.from_card(card)
    figures = performance_figures(
        y, probability, model.threshold, card.cost_fn, card.cost_fp, samples=samples, seed=seed,
        min_outcomes=min_outcomes,
    )  # fmt: skip
    cv_cost = card.cv_metrics.business_cost
    has_interval = figures.cost.low is not None and figures.cost.high is not None
    return BatchPerformance(
        subject=subject,
        window=window,
        model_name=model.name,
        model_version=model.version,
        model_run_id=model.run_id,
        threshold=model.threshold,
        n=n,
        n_outcomes=figures.n_outcomes,
        roc_auc=figures.roc_auc,
        cost=figures.cost,
        approval_rate=figures.approval_rate,
        default_rate=figures.default_rate,
        calibration=figures.calibration,
        cv_roc_auc=card.cv_metrics.roc_auc,
        cv_cost=cv_cost,
        cost_warning=bool(has_interval and not figures.cost.holds(cv_cost)),
        bootstrap_samples=samples if figures.cost.low is not None else 0,
        computed_at=now().isoformat(timespec="seconds"),
    )


def record_batch_performance(
    engine: Engine, card: ServingCard, batches: Iterable[str] | None = None
) -> list[BatchPerformance]:
    """Compute and store (replacing any earlier one) the performance record of each batch the card's model
    scored (of `batches` only, when given)."""
    model = ModelIdentity.from_card(card)
    records = []
    for batch, (n, probability, y) in sorted(matured_rows(engine, model, batches).items()):
        record = batch_performance(batch, n, probability, y, card)
        put_monitoring_record(engine, BATCH_PERFORMANCE, batch, model, record)
        records.append(record)
    return records


def performance_by_batch(engine: Engine, model: ModelIdentity) -> dict[str, BatchPerformance]:
    """The stored performance record of each batch `model` scored (calendar windows left out)."""
    records = monitoring_records(engine, BATCH_PERFORMANCE, BatchPerformance, model)
    return {r.subject: r for r in records if r.window == "batch"}
