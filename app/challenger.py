"""Champion against challenger on the same applications: what the Model page shows before a promotion.

Both models' stored scores are paired by application (each decided at its own threshold, as it did); where
the outcome is known (application_outcomes) each one's business cost is what its decisions would have cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine, and_, select

from app.config import Settings
from app.services import Services
from model_training.cost import DEFAULT_COST_FN, DEFAULT_COST_FP, business_cost
from model_training.decision import REFUSE
from model_training.scorer import ModelIdentity
from model_training.store import tables as t

#: Quantiles of the score shift the page lists.
SHIFT_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True, eq=False)
class Comparison:
    """What the two models said on the applications both scored.

    `shift`: challenger − champion probability, one per application; `agreement`: share of identical
    decisions; costs are per applicant with a known outcome (None without any)."""

    champion: ModelIdentity
    challenger: ModelIdentity
    n: int
    agreement: float | None
    refused_by_champion_only: int
    refused_by_challenger_only: int
    shift: np.ndarray
    n_outcomes: int
    champion_cost: float | None
    challenger_cost: float | None

    @property
    def mean_shift(self) -> float | None:
        return float(self.shift.mean()) if self.n else None

    def shift_quantiles(self) -> dict[float, float]:
        if not self.n:
            return {}
        return {
            q: float(v)
            for q, v in zip(SHIFT_QUANTILES, np.quantile(self.shift, SHIFT_QUANTILES), strict=True)
        }


def _is_model(table, model: ModelIdentity):
    return and_(
        table.c.application_id == t.applications.c.application_id,
        table.c.model_name == model.name,
        table.c.model_version == model.version,
        table.c.model_run_id == model.run_id,
    )


def compare(
    engine: Engine,
    champion: ModelIdentity,
    challenger: ModelIdentity,
    cost_fn: float = DEFAULT_COST_FN,
    cost_fp: float = DEFAULT_COST_FP,
) -> Comparison:
    """Agreement, score shift and cost on matured outcomes of two models on the applications both scored."""
    first, second = t.scores.alias("champion"), t.scores.alias("challenger")
    query = (
        select(
            first.c.probability,
            first.c.decision,
            second.c.probability,
            second.c.decision,
            t.outcomes.c.target,
        )
        .select_from(t.applications)
        .join(first, _is_model(first, champion))
        .join(second, _is_model(second, challenger))
        .outerjoin(t.outcomes, t.outcomes.c.application_id == t.applications.c.application_id)
        .order_by(t.applications.c.application_id)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    n = len(rows)
    p_champion = np.array([r[0] for r in rows], dtype=np.float64)
    p_challenger = np.array([r[2] for r in rows], dtype=np.float64)
    refuse_champion = np.array([r[1] == REFUSE for r in rows], dtype=bool)
    refuse_challenger = np.array([r[3] == REFUSE for r in rows], dtype=bool)
    known = np.array([r[4] is not None for r in rows], dtype=bool)
    target = np.array([r[4] if r[4] is not None else 0 for r in rows], dtype=np.int8)
    n_outcomes = int(known.sum())
    return Comparison(
        champion=champion,
        challenger=challenger,
        n=n,
        agreement=float((refuse_champion == refuse_challenger).mean()) if n else None,
        refused_by_champion_only=int((refuse_champion & ~refuse_challenger).sum()),
        refused_by_challenger_only=int((refuse_challenger & ~refuse_champion).sum()),
        shift=p_challenger - p_champion,
        n_outcomes=n_outcomes,
        champion_cost=business_cost(target[known], refuse_champion[known], cost_fn, cost_fp)
        if n_outcomes
        else None,
        challenger_cost=business_cost(target[known], refuse_challenger[known], cost_fn, cost_fp)
        if n_outcomes
        else None,
    )


def current_comparison(services: Services) -> Comparison | None:
    """The comparison of the running champion and challenger (None without a challenger)."""
    challenger = services.challenger
    if challenger is None:
        return None
    card = services.artifacts.model
    return compare(
        services.applications.engine,
        services.applications.model,
        challenger.model,
        card.cost_fn,
        card.cost_fp,
    )


@dataclass(frozen=True)
class PromotionAnswer:
    """What the Model page says after a promotion was asked: done or not, and the figures or the reason."""

    promoted: bool
    message: str
    lines: tuple[str, ...] = ()


def promote_challenger(
    settings: Settings, version: str, reason: str, force: bool, by: str
) -> PromotionAnswer:
    """`python -m model_training promote` from the Model page: the same gate, the same record. The running app
    then notices the new ARTIFACTS/serving.json and swaps its model (app.model_watch). Never raises for what
    a person can fix: a refused gate, a missing reason, another version."""
    from model_training.errors import InputError
    from model_training.promotion import PromotionRefused, gate_lines, promote

    try:
        done = promote(
            settings.artifacts_dir, version, reason, force=force, database=settings.database_url, by=by
        )
    except PromotionRefused as error:
        return PromotionAnswer(False, str(error))
    except InputError as error:
        return PromotionAnswer(False, str(error))
    return PromotionAnswer(True, f"v{done.to_version}", tuple(gate_lines(done.gate)))
