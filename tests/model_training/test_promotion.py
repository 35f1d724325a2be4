"""The model's life on a real MLflow store: train gives a challenger, promote moves the champion after its
gate (refused, forced, passed), every score keeping its version; bad input is one line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, insert, select

from model_training.__main__ import main
from model_training.promotion import MIN_COMMON_OUTCOMES, paired_cost_difference, promotions
from model_training.store import tables as t
from model_training.store.engine import open_engine

NAME = "credit-scoring"


@pytest.fixture(scope="module")
def lifecycle(tmp_path_factory, trained_synthetic_data):
    """A fresh MLflow store and artifacts folder; MLFLOW_TRACKING_URI points at the store for the module.

    Trainings are LightGBM only, no search: each takes seconds, and two seeds give two different models.
    """
    work = tmp_path_factory.mktemp("lifecycle")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{work / 'mlruns' / 'mlflow.db'}")
        yield work, trained_synthetic_data


def _train(work: Path, data: Path, seed: int):
    from model_training.train import TrainOptions, train

    return train(TrainOptions(data, work / "artifacts", quick=True, trials=0, model="lightgbm", seed=seed))


def _aliases() -> dict[str, str]:
    from mlflow.tracking import MlflowClient

    return {k: str(v) for k, v in MlflowClient().get_registered_model(NAME).aliases.items()}


def _serving(folder: Path) -> dict:
    return json.loads((folder / "serving.json").read_text())["model"]


def _scored_batch(work: Path, data: Path, database: str) -> None:
    """The same applicants scored by the champion (ARTIFACTS) and the challenger (ARTIFACTS/challenger)."""
    from model_training.batch_scoring import score_folder

    for artifacts in (work / "artifacts", work / "artifacts" / "challenger"):
        score_folder(data, artifacts, batch="2026-01", database=database, progress=False)


def _decisions(engine, version: str) -> dict[int, str]:
    s = t.scores.c
    with engine.connect() as connection:
        rows = connection.execute(select(s.application_id, s.decision).where(s.model_version == version))
        return dict(rows.all())


def _record_outcomes(engine, refused_by: dict[int, str]) -> None:
    """Outcomes that prove one model right: a client defaulted exactly when that model refused."""
    at = datetime(2026, 6, 1, tzinfo=UTC)
    with engine.connect() as connection:
        clients = dict(
            connection.execute(select(t.applications.c.application_id, t.applications.c.client_id)).all()
        )
    rows = [
        {
            "application_id": application,
            "client_id": clients[application],
            "target": int(decision == "refuse"),
            "known_at": at,
            "recorded_at": at,
            "recorded_by": "test",
            "source": "test outcomes",
        }
        for application, decision in refused_by.items()
    ]
    with engine.begin() as connection:
        connection.execute(insert(t.outcomes), rows)


def _one_line_error(capsys, expected: str) -> None:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], captured.err
    assert "Traceback" not in captured.err


# --------------------------------------------------------------------------------------- the bootstrap


def test_paired_bootstrap_on_a_hand_computed_case():
    # 4 applicants; the challenger misses the one defaulter (10) where the champion refused it (0), and both
    # refuse one good client (1 each): champion 1/4, challenger 11/4, difference 10/4 on every resample with
    # the defaulter, 0 without: the interval's low end is 0 as soon as a resample misses it (p = (3/4)^4)
    target = np.array([1, 0, 0, 0])
    champion = np.array([1, 1, 0, 0])
    challenger = np.array([0, 1, 0, 0])
    cost = paired_cost_difference(target, champion, challenger, 10.0, 1.0, draws=2000, seed=1)
    assert cost.champion_cost == pytest.approx(0.25) and cost.challenger_cost == pytest.approx(2.75)
    assert cost.difference == pytest.approx(2.5)
    assert cost.low == 0.0 and cost.high == pytest.approx(7.5)
    assert not cost.worse_beyond_noise
    same = paired_cost_difference(target, champion, challenger, 10.0, 1.0, draws=2000, seed=1)
    assert same == cost  # seeded
    # the same disagreement on 400 applicants (100 copies): now beyond noise
    many = paired_cost_difference(
        np.tile(target, 100), np.tile(champion, 100), np.tile(challenger, 100), 10.0, 1.0
    )
    assert many.difference == pytest.approx(2.5) and many.low > 1.5 and many.worse_beyond_noise


def _fairness(**gaps: tuple[str, float, float | None]):
    """A fairness record of one attribute ("age_band"): metric → (status, gap, noise)."""
    from model_training.contract.governance_record import AttributeAudit, Fairness, Gap
    from model_training.governance import TOLERANCES

    audit = AttributeAudit(
        source="DAYS_BIRTH",
        groups=(),
        gaps=tuple(
            Gap("age_band", metric, status, gap=gap, noise=noise, tolerance=TOLERANCES[metric].rule)
            for metric, (status, gap, noise) in gaps.items()
        ),
    )
    flagged = sum(status == "flagged" for status, _, _ in gaps.values())
    return Fairness(0.1, 100, dict(TOLERANCES), {"age_band": audit}, flagged)


def test_fairness_gaps_beyond_tolerance_pass_only_when_the_champion_is_as_far():
    from model_training.promotion import fairness_checks

    champion = _fairness(fpr=("flagged", 0.18, 0.06), approval_rate=("within", 0.05, 0.04))
    # within tolerance everywhere: nothing to check
    assert fairness_checks(_fairness(fpr=("within", 0.08, 0.05)), champion) == ()
    # flagged like the champion and wider by less than its noise: passes
    (check,) = fairness_checks(_fairness(fpr=("flagged", 0.22, 0.06)), champion)
    assert check.passes and check.champion_gap == 0.18
    # wider beyond the noise, or flagged where the champion is within tolerance: fails
    assert not fairness_checks(_fairness(fpr=("flagged", 0.25, 0.06)), champion)[0].passes
    (check,) = fairness_checks(_fairness(approval_rate=("flagged", 0.30, 0.04)), champion)
    assert not check.passes and check.champion_gap == 0.05
    # no champion record to compare with: a flagged gap fails
    assert not fairness_checks(_fairness(fpr=("flagged", 0.12, 0.06)), None)[0].passes


# ------------------------------------------------------------------------------------ the whole story


def test_first_version_is_champion_then_challengers(lifecycle, capsys):
    work, data = lifecycle
    first = _train(work, data, seed=42)
    assert first.registry.champion and first.out == work / "artifacts"
    assert _aliases() == {"champion": "1"}
    assert _serving(work / "artifacts")["alias"] == "champion"
    before = (work / "artifacts" / "serving.json").read_text()

    second = _train(work, data, seed=7)
    assert not second.registry.champion and second.registry.alias == "challenger"
    assert _aliases() == {"champion": "1", "challenger": "2"}
    challenger = work / "artifacts" / "challenger"
    assert second.out == challenger
    assert _serving(challenger)["version"] == "2" and _serving(challenger)["alias"] == "challenger"
    assert not _serving(challenger)["is_champion"]
    for name in ("model/MLmodel", "booster.txt", "governance.json", "clients/production.parquet"):
        assert (challenger / name).is_file(), name
    assert (work / "artifacts" / "serving.json").read_text() == before  # the champion's export untouched
    assert "v2 is the challenger" in capsys.readouterr().out


def test_the_gate_refuses_a_challenger_worse_on_outcomes(lifecycle, capsys):
    work, data = lifecycle
    database = f"sqlite:///{work / 'refused.db'}"
    _scored_batch(work, data, database)
    engine = open_engine(database)
    champion, challenger = _decisions(engine, "1"), _decisions(engine, "2")
    assert champion.keys() == challenger.keys() and len(champion) >= MIN_COMMON_OUTCOMES
    disagreements = sum(champion[a] != challenger[a] for a in champion)
    assert disagreements >= 10  # otherwise the two models would be the same and the test could not fail
    _record_outcomes(engine, champion)  # the champion was right every time
    serving_before = (work / "artifacts" / "serving.json").read_text()

    code = main(["promote", "--version", "2", "--reason", "better CV", "--artifacts", str(work / "artifacts"),
                 "--database", database])  # fmt: skip

    assert code == 2
    captured = capsys.readouterr()
    assert "v2 is not promoted" in captured.err and "entirely above 0" in captured.err
    assert "champion 0.0000" in captured.out and "95 % paired bootstrap interval" in captured.out
    assert _aliases() == {"champion": "1", "challenger": "2"}
    assert (work / "artifacts" / "serving.json").read_text() == serving_before
    assert (work / "artifacts" / "challenger" / "serving.json").is_file()
    assert promotions(engine) == []


def test_bad_input_is_one_line(lifecycle, capsys):
    work, _ = lifecycle
    database = f"sqlite:///{work / 'refused.db'}"
    base = ["promote", "--artifacts", str(work / "artifacts"), "--database", database]
    assert main([*base, "--version", "99", "--reason", "x"]) == 2
    _one_line_error(capsys, "no such version (registered: 1, 2)")
    assert main([*base, "--version", "1", "--reason", "x"]) == 2
    _one_line_error(capsys, "is not the challenger: the challenger is v2")
    assert main([*base, "--version", "2", "--force"]) == 2
    _one_line_error(capsys, "--reason is required")
    assert main([*base, "--version", "2", "--force", "--reason", "  "]) == 2
    _one_line_error(capsys, "--reason is required")
    assert main([*base, "--version", "two", "--reason", "x"]) == 2
    _one_line_error(capsys, "expected a version number")
    assert main([*base[:1], "--artifacts", str(work / "nowhere"), "--version", "2", "--reason", "x"]) == 2
    _one_line_error(capsys, "holds no exported model")
    assert _aliases() == {"champion": "1", "challenger": "2"}


def test_too_few_outcomes_cannot_pass(lifecycle, capsys):
    work, _ = lifecycle
    database = f"sqlite:///{work / 'empty.db'}"
    code = main(["promote", "--version", "2", "--reason", "x", "--artifacts", str(work / "artifacts"),
                 "--database", database])  # fmt: skip
    assert code == 2
    assert f"0 application(s) scored by both models have a known outcome; the gate needs at least " \
        f"{MIN_COMMON_OUTCOMES}" in capsys.readouterr().err  # fmt: skip
    assert _aliases() == {"champion": "1", "challenger": "2"}


def test_a_forced_promotion_is_recorded_with_its_reason(lifecycle, capsys):
    work, _ = lifecycle
    database = f"sqlite:///{work / 'refused.db'}"
    engine = open_engine(database)
    scores_before = _score_rows(engine)

    code = main(["promote", "--version", "2", "--force", "--reason", "new data policy",
                 "--artifacts", str(work / "artifacts"), "--database", database])  # fmt: skip

    assert code == 0, capsys.readouterr().err
    assert "v2 is now the champion (forced" in capsys.readouterr().out
    assert _aliases() == {"champion": "2"}
    artifacts = work / "artifacts"
    assert _serving(artifacts)["version"] == "2" and _serving(artifacts)["alias"] == "champion"
    assert _serving(artifacts)["is_champion"] and _serving(artifacts)["previous_champion"] == "1"
    assert _serving(artifacts / "previous")["version"] == "1"
    assert not (artifacts / "challenger").exists()
    governance = json.loads((artifacts / "governance.json").read_text())["registry"]
    assert governance["served_version"] == "2"
    assert {v["version"]: v["aliases"] for v in governance["versions"]} == {"2": ["champion"], "1": []}
    (row,) = promotions(engine)
    assert (row["from_version"], row["to_version"], row["forced"], row["reason"]) == (
        "1",
        "2",
        True,
        "new data policy",
    )
    assert row["gate"]["passed"] is False and row["gate"]["cost"]["champion_cost"] == 0.0
    assert row["promoted_by"] and row["promoted_at"] is not None
    assert _score_rows(engine) == scores_before  # every stored score keeps the version that produced it


def _score_rows(engine) -> list[tuple]:
    s = t.scores.c
    with engine.connect() as connection:
        query = select(s.score_id, s.model_version, s.model_run_id, s.probability, s.role).order_by(
            s.score_id
        )
        return [tuple(row) for row in connection.execute(query)]


def test_a_challenger_that_passes_the_gate_becomes_champion(lifecycle, capsys):
    work, data = lifecycle
    third = _train(work, data, seed=11)
    assert third.registry.alias == "challenger" and _aliases() == {"champion": "2", "challenger": "3"}
    database = f"sqlite:///{work / 'passed.db'}"
    _scored_batch(work, data, database)
    engine = open_engine(database)
    _record_outcomes(engine, _decisions(engine, "3"))  # the challenger was right every time
    capsys.readouterr()

    code = main(["promote", "--version", "3", "--reason", "cheaper on matured outcomes",
                 "--artifacts", str(work / "artifacts"), "--database", database])  # fmt: skip

    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "  passed" in captured.out and "v3 is now the champion, replacing v2" in captured.out
    assert _aliases() == {"champion": "3"}
    assert _serving(work / "artifacts")["version"] == "3"
    assert _serving(work / "artifacts" / "previous")["version"] == "2"
    assert not (work / "artifacts" / "previous" / "previous").exists()  # one champion back, not a chain
    (row,) = promotions(engine)
    assert row["forced"] is False and row["gate"]["passed"] is True
    assert all(check["passes"] for check in row["gate"]["fairness"])
    assert row["gate"]["common_outcomes"] >= MIN_COMMON_OUTCOMES
    with engine.connect() as connection:
        versions = connection.execute(
            select(t.scores.c.model_version, func.count()).group_by("model_version")
        )
        assert dict(versions.all()).keys() == {"2", "3"}

    # with no challenger left, promoting again is a clear error
    assert main(["promote", "--version", "3", "--reason", "x", "--artifacts", str(work / "artifacts"),
                 "--database", database]) == 2  # fmt: skip
    _one_line_error(capsys, "has no challenger")
