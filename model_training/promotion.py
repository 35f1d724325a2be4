"""`promote`: the challenger takes the champion alias only when it is not worse on real applicants.

The gate looks at the applications both models scored whose outcome is known (application_scores of each
model's identity joined with application_outcomes), each model deciding at its own threshold as it did:

- cost: the business cost per applicant (cost_fn · missed defaults + cost_fp · good clients refused) / n,
  compared with a paired bootstrap (the same resampled applicants for both models, seeded). The gate is
  refused when the whole 95 % interval of (challenger's cost − champion's cost) lies above 0: a challenger
  costlier by less than the noise passes;
- fairness: every gap of the challenger's governance record within its tolerance (the tolerances the Model
  page shows, model_training.governance.TOLERANCES), or, where the champion already exceeds the same
  tolerance, no wider than the champion's gap beyond two standard errors;
- enough evidence: at least MIN_COMMON_OUTCOMES such applications, else the gate cannot pass.

On a pass (or ``--force`` with a reason) the registry's ``champion`` alias moves to the challenger (its
``challenger`` alias is removed), ARTIFACTS/challenger/ replaces ARTIFACTS/ in one rename (the previous
champion is kept as ARTIFACTS/previous/ for a rollback) and a model_promotions row records who, when, why and
the gate's figures. Stored scores are never rewritten: each keeps the version that produced it.
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from model_training.contract import GovernanceRecord
from model_training.contract.governance_record import Fairness, Gap, Registry
from model_training.contract.serving_card import ServingCard
from model_training.errors import InputError
from model_training.scorer import ModelIdentity

#: Applications scored by both models with a known outcome below which the gate cannot pass: with fewer,
#: a cost difference of the size that matters (a few hundredths per applicant) is within noise.
MIN_COMMON_OUTCOMES = 100
BOOTSTRAP_DRAWS = 2000
BOOTSTRAP_SEED = 14
#: Bootstrap draws computed at once (bounds the memory: draws × applicants indices).
_DRAWS_PER_CHUNK = 100


class PromotionRefused(InputError):
    """The gate did not pass and ``--force`` was not given."""


@dataclass(frozen=True)
class CostComparison:
    """Business cost per applicant of each model on the same applicants, and the paired bootstrap interval
    of the challenger's cost minus the champion's."""

    n: int
    champion_cost: float
    challenger_cost: float
    difference: float
    low: float
    high: float
    draws: int
    seed: int

    @property
    def worse_beyond_noise(self) -> bool:
        return self.low > 0


@dataclass(frozen=True)
class FairnessCheck:
    """One gap of the challenger flagged beyond its tolerance, beside the champion's same gap."""

    attribute: str
    metric: str
    challenger_gap: float | None
    champion_gap: float | None
    noise: float | None
    tolerance: str
    passes: bool


@dataclass(frozen=True)
class Gate:
    """What the gate measured and why it passes or not (stored as JSON with the promotion)."""

    champion_version: str | None
    challenger_version: str
    common_outcomes: int
    min_common_outcomes: int
    cost_fn: float
    cost_fp: float
    cost: CostComparison | None
    fairness: tuple[FairnessCheck, ...]
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "passed": self.passed}


# ------------------------------------------------------------------------------------------------- cost


def paired_cost_difference(
    target: np.ndarray,
    champion_refused: np.ndarray,
    challenger_refused: np.ndarray,
    cost_fn: float,
    cost_fp: float,
    draws: int = BOOTSTRAP_DRAWS,
    seed: int = BOOTSTRAP_SEED,
) -> CostComparison:
    """Each model's cost per applicant and the 95 % percentile interval of the difference, resampling the
    applicants (the same for both models: the models are compared on the same people)."""
    y = np.asarray(target).astype(bool)
    if y.size == 0:
        raise ValueError("cost comparison of no applicant")

    def per_applicant(refused: np.ndarray) -> np.ndarray:
        refused = np.asarray(refused).astype(bool)
        return np.where(y & ~refused, cost_fn, 0.0) + np.where(~y & refused, cost_fp, 0.0)

    champion, challenger = per_applicant(champion_refused), per_applicant(challenger_refused)
    difference = challenger - champion
    rng = np.random.default_rng(seed)
    means = np.empty(draws)
    for start in range(0, draws, _DRAWS_PER_CHUNK):
        size = min(_DRAWS_PER_CHUNK, draws - start)
        picks = rng.integers(0, y.size, size=(size, y.size))
        means[start : start + size] = difference[picks].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return CostComparison(
        n=int(y.size),
        champion_cost=float(champion.mean()),
        challenger_cost=float(challenger.mean()),
        difference=float(difference.mean()),
        low=float(low),
        high=float(high),
        draws=draws,
        seed=seed,
    )


def common_outcomes(engine, champion: ModelIdentity, challenger: ModelIdentity):
    """Applications both models scored and whose outcome is known: target, and each model's decision as
    stored (at its own threshold). A polars frame (application_id, target, champion_decision,
    challenger_decision), one row per application."""
    import polars as pl
    from sqlalchemy import and_, select

    from model_training.store import tables as t

    first, second = t.scores.alias("champion"), t.scores.alias("challenger")

    def is_model(table, model: ModelIdentity):
        return and_(
            table.c.application_id == t.outcomes.c.application_id,
            table.c.model_name == model.name,
            table.c.model_version == model.version,
            table.c.model_run_id == model.run_id,
        )

    query = (
        select(
            t.outcomes.c.application_id,
            t.outcomes.c.target,
            first.c.decision.label("champion_decision"),
            second.c.decision.label("challenger_decision"),
        )
        .join(first, is_model(first, champion))
        .join(second, is_model(second, challenger))
        .order_by(t.outcomes.c.application_id)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pl.DataFrame(
        rows,
        schema={
            "application_id": pl.Int64,
            "target": pl.Int8,
            "champion_decision": pl.String,
            "challenger_decision": pl.String,
        },
        orient="row",
    )


# --------------------------------------------------------------------------------------------- fairness


def fairness_checks(challenger: Fairness, champion: Fairness | None) -> tuple[FairnessCheck, ...]:
    """The challenger's gaps flagged beyond tolerance, each passing only when the champion's same gap is
    flagged too and the challenger's is no wider beyond two standard errors (its ``noise``)."""
    checks = []
    for attribute, audit in challenger.attributes.items():
        for gap in audit.gaps:
            if gap.status != "flagged":
                continue
            theirs: Gap | None = None
            if champion is not None and attribute in champion.attributes:
                theirs = next(
                    (g for g in champion.attributes[attribute].gaps if g.metric == gap.metric), None
                )
            passes = (
                theirs is not None
                and theirs.status == "flagged"
                and gap.gap is not None
                and theirs.gap is not None
                and gap.gap <= theirs.gap + (gap.noise or 0.0)
            )
            checks.append(
                FairnessCheck(
                    attribute=attribute,
                    metric=gap.metric,
                    challenger_gap=gap.gap,
                    champion_gap=None if theirs is None else theirs.gap,
                    noise=gap.noise,
                    tolerance=gap.tolerance,
                    passes=passes,
                )
            )
    return tuple(checks)


# ------------------------------------------------------------------------------------------------- gate


def gate(
    engine,
    champion: ServingCard,
    challenger: ServingCard,
    champion_fairness: Fairness | None,
    challenger_fairness: Fairness,
    min_common: int = MIN_COMMON_OUTCOMES,
) -> Gate:
    """The gate's figures and its failures (none: it passes). Costs use the champion's cost weights."""
    from model_training.decision import REFUSE

    frame = common_outcomes(engine, ModelIdentity.from_card(champion), ModelIdentity.from_card(challenger))
    failures = []
    cost = None
    if frame.height < min_common:
        failures.append(
            f"{frame.height} application(s) scored by both models have a known outcome; the gate needs at "
            f"least {min_common}"
        )
    if frame.height:
        cost = paired_cost_difference(
            frame["target"].to_numpy(),
            (frame["champion_decision"] == REFUSE).to_numpy(),
            (frame["challenger_decision"] == REFUSE).to_numpy(),
            champion.cost_fn,
            champion.cost_fp,
        )
        if cost.worse_beyond_noise:
            failures.append(
                f"the challenger costs {cost.challenger_cost:.4f} per applicant against the champion's "
                f"{cost.champion_cost:.4f}: {cost.difference:+.4f}, 95 % interval [{cost.low:+.4f}, "
                f"{cost.high:+.4f}] entirely above 0"
            )
    checks = fairness_checks(challenger_fairness, champion_fairness)
    for check in checks:
        if not check.passes:
            champion_gap = "not flagged" if check.champion_gap is None else f"{check.champion_gap:.3f}"
            failures.append(
                f"fairness: {check.attribute} {check.metric} gap {check.challenger_gap:.3f} beyond tolerance "
                f"({check.tolerance}); champion's {champion_gap}"
            )
    return Gate(
        champion_version=champion.model.version,
        challenger_version=str(challenger.model.version),
        common_outcomes=frame.height,
        min_common_outcomes=min_common,
        cost_fn=champion.cost_fn,
        cost_fp=champion.cost_fp,
        cost=cost,
        fairness=checks,
        failures=tuple(failures),
    )


def gate_lines(result: Gate) -> list[str]:
    """The gate's figures, for the terminal."""
    lines = [
        f"gate: challenger v{result.challenger_version} against champion v{result.champion_version} on "
        f"{result.common_outcomes} application(s) both scored with a known outcome "
        f"(at least {result.min_common_outcomes} needed)"
    ]
    if result.cost is not None:
        c = result.cost
        lines.append(
            f"  cost per applicant (FN {result.cost_fn:g}, FP {result.cost_fp:g}): champion "
            f"{c.champion_cost:.4f}, challenger {c.challenger_cost:.4f}, difference {c.difference:+.4f} "
            f"(95 % paired bootstrap interval [{c.low:+.4f}, {c.high:+.4f}], {c.draws} draws, seed {c.seed})"
        )
    flagged = [f"{c.attribute} {c.metric} {'ok' if c.passes else 'too wide'}" for c in result.fairness]
    lines.append("  fairness: " + ("every gap within tolerance" if not flagged else "; ".join(flagged)))
    lines.append("  passed" if result.passed else "  not passed: " + "; ".join(result.failures))
    return lines


# -------------------------------------------------------------------------------------------- promotion


@dataclass(frozen=True)
class Promotion:
    """What `promote` did."""

    name: str
    from_version: str | None
    to_version: str
    forced: bool
    gate: Gate
    artifacts: Path
    previous: Path | None


def _read_export(folder: Path, what: str) -> tuple[ServingCard, GovernanceRecord]:
    from model_training.contract import ContractError

    if not (folder / ServingCard.FILE).is_file():
        raise InputError(f"{folder} holds no exported model (no {ServingCard.FILE}): {what}")
    try:
        return ServingCard.read(folder / ServingCard.FILE), GovernanceRecord.read(
            folder / GovernanceRecord.FILE
        )
    except ContractError as error:
        raise InputError(str(error)) from None


def _check_version(name: str, version: str) -> tuple[Any, Any]:
    """The registered challenger (which must be ``version``) and the champion (or None)."""
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    from model_training import tracking

    client = MlflowClient()
    try:
        client.get_model_version(name, version)
    except MlflowException:
        try:
            known = sorted(int(v.version) for v in client.search_model_versions(f"name = '{name}'"))
        except MlflowException:
            known = []
        listed = ", ".join(map(str, known)) or "none"
        raise InputError(f"--version {version}: {name} has no such version (registered: {listed})") from None
    challenger = tracking.version_by_alias(tracking.CHALLENGER, name)
    if challenger is None:
        raise InputError(f"--version {version}: {name} has no challenger (train a new version first)")
    if str(challenger.version) != version:
        raise InputError(
            f"--version {version} is not the challenger: the challenger is v{challenger.version}"
        )
    return challenger, tracking.current_champion(name)


def promote(
    artifacts: Path,
    version: str,
    reason: str,
    force: bool = False,
    database: str | None = None,
    by: str | None = None,
    min_common: int = MIN_COMMON_OUTCOMES,
) -> Promotion:
    """Check the gate and, when it passes or ``force`` is given, make ``version`` the champion (registry,
    ARTIFACTS/, model_promotions). PromotionRefused (exit 2) with the figures when the gate does not pass."""
    from mlflow.tracking import MlflowClient

    from model_training import tracking
    from model_training.export import CHALLENGER_DIR, PREVIOUS_DIR, swap_into_place
    from model_training.store.applications import ensure_schema
    from model_training.store.engine import database_url, open_engine

    version = str(version).strip()
    reason = (reason or "").strip()
    if not version.isdigit():
        raise InputError(f"--version: expected a version number, got {version!r}")
    if not reason:
        raise InputError("--reason is required: say why this version replaces the champion (it is recorded)")
    artifacts = Path(artifacts)
    tracking.start_tracking()
    name = tracking.REGISTERED_MODEL
    _, champion_version = _check_version(name, version)
    champion_card, champion_governance = _read_export(artifacts, "the champion's export is needed")
    challenger_folder = artifacts / CHALLENGER_DIR
    challenger_card, challenger_governance = _read_export(
        challenger_folder, f"train exports the challenger there; v{version} has no export to promote"
    )
    if str(challenger_card.model.version) != version:
        raise InputError(
            f"{challenger_folder} holds v{challenger_card.model.version}, not v{version}: train again or "
            "promote the version it holds"
        )

    url = database_url(database)
    engine = open_engine(url)
    ensure_schema(engine)
    result = gate(
        engine,
        champion_card,
        challenger_card,
        champion_governance.fairness,
        challenger_governance.fairness,
        min_common,
    )
    for line in gate_lines(result):
        print(line, flush=True)
    if not result.passed and not force:
        raise PromotionRefused(
            f"v{version} is not promoted: {'; '.join(result.failures)} "
            "(--force --reason ... promotes it anyway, recorded as forced)"
        )

    previous = None if champion_version is None else str(champion_version.version)
    staging = artifacts.parent / f".{artifacts.name}.promoting-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    os.replace(challenger_folder, staging)
    client = MlflowClient()
    try:
        client.set_registered_model_alias(name, tracking.CHAMPION, version)
        client.delete_registered_model_alias(name, tracking.CHALLENGER)
        message = f"promoted from challenger over v{previous}" + (" (forced)" if not result.passed else "")
        card = replace(
            challenger_card,
            model=replace(
                challenger_card.model,
                alias=tracking.CHAMPION,
                is_champion=True,
                previous_champion=previous,
                registry_message=message,
            ),
        )
        card.write(staging / ServingCard.FILE)
        replace(
            challenger_governance,
            registry=Registry(name=name, served_version=version, versions=tracking.registry_snapshot(name)),
        ).write(staging / GovernanceRecord.FILE)
        shutil.rmtree(artifacts / PREVIOUS_DIR, ignore_errors=True)  # one champion back is kept, not a chain
        swap_into_place(staging, artifacts, keep_as=PREVIOUS_DIR)
    except BaseException:
        if staging.exists():
            os.replace(staging, challenger_folder)
        if previous is not None:
            client.set_registered_model_alias(name, tracking.CHAMPION, previous)
        client.set_registered_model_alias(name, tracking.CHALLENGER, version)
        raise
    record_promotion(engine, name, previous, version, reason, not result.passed, result, by)
    return Promotion(
        name=name,
        from_version=previous,
        to_version=version,
        forced=not result.passed,
        gate=result,
        artifacts=artifacts,
        previous=artifacts / PREVIOUS_DIR if (artifacts / PREVIOUS_DIR).is_dir() else None,
    )


def record_promotion(
    engine,
    name: str,
    from_version: str | None,
    to_version: str,
    reason: str,
    forced: bool,
    result: Gate,
    by: str | None = None,
) -> None:
    """One model_promotions row: who, when, from and to which version, why, forced or not, the figures."""
    from sqlalchemy import insert

    from model_training.store import tables as t

    with engine.begin() as connection:
        connection.execute(
            insert(t.promotions).values(
                model_name=name,
                from_version=from_version,
                to_version=to_version,
                promoted_at=datetime.now(UTC),
                promoted_by=by or _user(),
                reason=reason,
                forced=forced,
                gate=json.dumps(result.to_dict(), allow_nan=False),
            )
        )


def promotions(engine) -> list[dict[str, Any]]:
    """Every promotion, oldest first, the gate's figures decoded."""
    from sqlalchemy import select

    from model_training.store import tables as t

    with engine.connect() as connection:
        rows = connection.execute(select(t.promotions).order_by(t.promotions.c.promotion_id)).mappings().all()
    return [{**row, "gate": json.loads(row["gate"])} for row in rows]


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
