"""Governance: cost by FN:FP ratio, calibration readings and fairness gaps, on cases counted by hand; then
what training exports and logs (governance.json, the MLflow parent run) on the trained fixture."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from itertools import pairwise

import numpy as np
import pytest

from model_training.contract import GovernanceRecord
from model_training.contract._base import encode
from model_training.contract.governance_record import ModelFeatures
from model_training.cost import decision_counts, optimal_threshold
from model_training.governance import (
    METRICS,
    MIN_COUNT,
    age_bands,
    age_features,
    calibration_summary,
    cost_by_ratio,
    fairness,
    gender_features,
    gender_groups,
    group_metrics,
    largest_gaps,
    public_server_url,
    ratio_curve,
    ratio_optimum,
)

# Five applicants, two defaults (tests/model_training/test_cost.py's case). Cuts, by increasing threshold, and
# what each refuses (defaulters D, good clients G): all (2, 3) | >= 0.15 (2, 2) | >= 0.25 (1, 2) |
# >= 0.55 (1, 1) | >= 0.85 (1, 0) | none (0, 0). Cost for FN:FP = r:1 is (r * (2 - D) + G) / 5.
Y = np.array([1, 0, 0, 1, 0])
P = np.array([0.9, 0.8, 0.3, 0.2, 0.1])


# --- cost by ratio ------------------------------------------------------------------------------------------


def test_decision_counts_by_hand():
    counts = decision_counts(Y, P)
    assert counts.refused_defaults.tolist() == [2, 2, 1, 1, 1, 0]
    assert counts.refused_goods.tolist() == [3, 2, 2, 1, 0, 0]
    np.testing.assert_allclose(counts.approval_rates(), [0, 0.2, 0.4, 0.6, 0.8, 1.0])
    np.testing.assert_allclose(counts.costs(3, 1), [0.6, 0.4, 1.0, 0.8, 0.6, 1.2])


@pytest.mark.parametrize(
    ("ratio", "threshold", "cost", "approval"),
    [
        (0.5, 0.85, 0.1, 0.8),  # costs 0.6 0.4 0.5 0.3 0.1 0.2: refuse only the top score
        (1, 0.85, 0.2, 0.8),  # 0.6 0.4 0.6 0.4 0.2 0.4
        (3, 0.15, 0.4, 0.2),  # 0.6 0.4 1.0 0.8 0.6 1.2
        (10, 0.15, 0.4, 0.2),  # 0.6 0.4 2.4 2.2 2.0 4.0
    ],
)
def test_optimum_per_ratio_by_hand(ratio, threshold, cost, approval):
    optimum = ratio_optimum(decision_counts(Y, P), ratio)
    assert optimum.threshold == pytest.approx(threshold)
    assert optimum.cost == pytest.approx(cost)
    assert optimum.approval_rate == pytest.approx(approval)
    assert optimum.cost_per_1000 == pytest.approx(1000 * cost)


def test_a_dearer_missed_default_never_raises_the_threshold():
    rng = np.random.default_rng(1)
    p = rng.beta(2, 12, 3000)
    y = rng.random(3000) < p  # calibrated by construction
    table = cost_by_ratio(decision_counts(y, p))
    thresholds = [row.threshold for row in table]
    assert [row.ratio for row in table] == list(range(1, 21))
    assert all(a >= b for a, b in pairwise(thresholds))
    assert thresholds[0] > thresholds[-1]
    # the same optimum as the training's own threshold search for the production weights
    assert table[9].threshold == pytest.approx(optimal_threshold(y, p, 10, 1).threshold)


def test_ratio_curve_marks_the_optimum_and_costs_the_production_threshold():
    counts = decision_counts(Y, P)
    curve = ratio_curve(counts, Y, P, ratio=10, production_threshold=0.5)
    assert curve.optimum.threshold == pytest.approx(0.15)
    assert 0.15 in curve.thresholds.round(6)
    # at 0.5 the model refuses 0.9 and 0.8: one defaulter (0.2) accepted, one good client refused
    assert curve.production_cost == pytest.approx((10 * 1 + 1) / 5)
    assert curve.production_approval_rate == pytest.approx(0.6)
    np.testing.assert_allclose(curve.costs, counts.costs(10, 1)[: len(curve.costs)])


def test_ratio_curve_is_thinned_but_keeps_exact_points_and_the_optimum():
    rng = np.random.default_rng(2)
    p = rng.random(20_000)
    y = rng.random(20_000) < p
    counts = decision_counts(y, p)
    curve = ratio_curve(counts, y, p, ratio=4, production_threshold=0.2, points=100)
    assert len(curve.thresholds) <= 101
    assert curve.optimum.threshold in curve.thresholds
    positions = np.searchsorted(counts.thresholds, curve.thresholds)
    np.testing.assert_allclose(curve.costs, counts.costs(4, 1)[positions])


def test_a_ratio_must_be_positive():
    with pytest.raises(ValueError, match="ratio"):
        ratio_optimum(decision_counts(Y, P), 0)


# --- calibration --------------------------------------------------------------------------------------------


def test_calibration_summary_by_hand():
    reliability = {"mean_predicted": [0.1, 0.3], "observed_rate": [0.2, 0.3], "count": [30, 10]}
    summary = calibration_summary(reliability, brier=0.1)
    assert summary.bins == 2 and summary.brier == 0.1 and summary.count == (30, 10)
    assert summary.expected_calibration_error == pytest.approx((0.1 * 30 + 0 * 10) / 40)
    assert summary.largest_gap == pytest.approx(0.1) and summary.largest_gap_bin == 0


# --- groups -------------------------------------------------------------------------------------------------


def test_age_bands_from_days_birth():
    years = np.array([18, 24.99, 25, 34.9, 35, 44.99, 45, 54.9, 55, 80])
    bands = age_bands(-years * 365.25)
    assert bands.tolist() == [
        "<25",
        "<25",
        "25-34",
        "25-34",
        "35-44",
        "35-44",
        "45-54",
        "45-54",
        "55+",
        "55+",
    ]
    assert age_bands([np.nan]).tolist() == ["unknown"]


def test_gender_groups_keep_every_code_and_name_missing_values():
    assert gender_groups(["F", "M", "XNA", None, float("nan")]).tolist() == [
        "F",
        "M",
        "XNA",
        "unknown",
        "unknown",
    ]


def _group(n_defaulters_refused, n_defaulters, n_goods_refused, n_goods, label):
    """A group whose scores are 0.9 (refused at 0.5) or 0.1 (accepted)."""
    y = [1] * n_defaulters + [0] * n_goods
    p = [0.9] * n_defaulters_refused + [0.1] * (n_defaulters - n_defaulters_refused)
    p += [0.9] * n_goods_refused + [0.1] * (n_goods - n_goods_refused)
    return np.array(y), np.array(p), np.array([label] * len(y), dtype=object)


def _population(*groups):
    parts = [_group(*g) for g in groups]
    return tuple(np.concatenate([part[k] for part in parts]) for k in range(3))


# F: 100 defaulters (80 refused), 100 good (10 refused); M: 100 defaulters (50 refused), 100 good (30
# refused); XNA: 4 applicants, all refused: it would dominate every gap if it were judged.
Y_GROUPS, P_GROUPS, SEX = _population((80, 100, 10, 100, "F"), (50, 100, 30, 100, "M"), (2, 2, 2, 2, "XNA"))


def test_group_metrics_by_hand():
    rows = {r.group: r for r in group_metrics("gender", SEX, Y_GROUPS, P_GROUPS, threshold=0.5)}
    female, male, other = rows["F"], rows["M"], rows["XNA"]
    assert (female.n, female.defaulters, female.default_rate) == (200, 100, 0.5)
    assert female.approval_rate == pytest.approx(110 / 200)
    assert female.fnr == pytest.approx(20 / 100) and female.fpr == pytest.approx(10 / 100)
    # P(defaulter above good) + half the ties: 0.8 * 0.9 + (0.8 * 0.1 + 0.2 * 0.9) / 2
    assert female.auc == pytest.approx(0.85)
    assert male.approval_rate == pytest.approx(0.6)
    assert male.fnr == pytest.approx(0.5) and male.fpr == pytest.approx(0.3)
    assert male.auc == pytest.approx(0.5 * 0.7 + (0.5 * 0.3 + 0.5 * 0.7) / 2)
    assert other.approval_rate == 0 and not any(other.judged.values())
    assert all(female.judged.values()) and all(male.judged.values())


def test_largest_gaps_flag_beyond_tolerance_and_ignore_groups_too_small_to_judge():
    gaps = {g.metric: g for g in largest_gaps(group_metrics("gender", SEX, Y_GROUPS, P_GROUPS, 0.5))}
    assert gaps["default_rate"].status == "context" and gaps["default_rate"].gap == pytest.approx(0)
    approval = gaps[
        "approval_rate"
    ]  # 0.55 against 0.60: ratio 0.917, above four fifths; XNA (0 %) not judged
    assert (approval.lowest_group, approval.highest_group) == ("F", "M")
    assert approval.ratio == pytest.approx(0.55 / 0.6) and approval.status == "within"
    fnr = gaps["fnr"]  # 0.5 against 0.2: 30 points > 10
    assert fnr.gap == pytest.approx(0.3) and fnr.status == "flagged"
    assert fnr.noise == pytest.approx(2 * math.sqrt(0.5 * 0.5 / 100 + 0.2 * 0.8 / 100))
    assert gaps["fpr"].gap == pytest.approx(0.2) and gaps["fpr"].status == "flagged"
    assert gaps["auc"].gap == pytest.approx(0.85 - 0.6) and gaps["auc"].status == "flagged"
    assert gaps["auc"].noise is None


def test_four_fifths_rule_decides_approval_not_the_points():
    # A approves 90 %, B 75 %: 15 points but a ratio of 0.83, within; C approves 60 %: ratio 0.67, flagged.
    y, p, group = _population((0, 0, 10, 100, "A"), (0, 0, 25, 100, "B"))
    assert largest_gaps(group_metrics("x", group, y, p, 0.5))[1].status == "within"
    y, p, group = _population((0, 0, 10, 100, "A"), (0, 0, 40, 100, "C"))
    approval = largest_gaps(group_metrics("x", group, y, p, 0.5))[1]
    assert approval.ratio == pytest.approx(0.6 / 0.9) and approval.status == "flagged"


def test_a_metric_with_one_judged_group_is_too_small_not_flagged():
    # 100 applicants each, 5 of them defaulters: only rates over all applicants are judged (FPR counts the
    # 95 good clients, FNR and AUC the 5 defaulters).
    y, p, group = _population((5, 5, 0, 95, "A"), (0, 5, 0, 95, "B"))
    gaps = {g.metric: g for g in largest_gaps(group_metrics("x", group, y, p, 0.5))}
    assert gaps["fnr"].status == "too_small" and gaps["fnr"].gap is None
    assert gaps["fpr"].status == gaps["auc"].status == "too_small"
    assert gaps["approval_rate"].status == "within"
    assert MIN_COUNT == 100


def test_fairness_counts_flags_over_attributes():
    ages = np.where(np.arange(len(Y_GROUPS)) % 2 == 0, "<25", "55+").astype(object)
    audit = fairness(
        {"gender": ("CODE_GENDER", SEX), "age_band": ("DAYS_BIRTH", ages)}, Y_GROUPS, P_GROUPS, 0.5
    )
    gender = audit.attributes["gender"]
    assert gender.source == "CODE_GENDER" and [g.group for g in gender.groups] == ["F", "M", "XNA"]
    flagged = sum(g.status == "flagged" for a in audit.attributes.values() for g in a.gaps)
    assert audit.flagged == flagged >= 3 and len(audit.gaps) == 2 * len(METRICS)
    assert audit.tolerances["approval_rate"].kind == "ratio"
    json.dumps(encode(audit), allow_nan=False)  # exported as is


# --- the model's features -----------------------------------------------------------------------------------


def test_sensitive_features_are_read_from_the_feature_list():
    names = ["EXT_SOURCE_1", "CODE_GENDER", "OWN_CAR_AGE", "APP_AGE_YEARS", "APP_CAR_AGE_RATIO", "DAYS_BIRTH"]
    assert gender_features(names) == ["CODE_GENDER"]
    assert gender_features(["CODE_GENDER_M", "SEX", "ESSEX_REGION"]) == ["CODE_GENDER_M", "SEX"]
    assert gender_features(["EXT_SOURCE_1"]) == []
    assert age_features(names) == ["APP_AGE_YEARS", "APP_CAR_AGE_RATIO", "DAYS_BIRTH"]


def test_public_server_url_drops_credentials_and_rejects_local_stores():
    assert (
        public_server_url("https://user:secret@mlflow.example:5000/root/")
        == "https://mlflow.example:5000/root"
    )
    assert public_server_url("http://127.0.0.1:5000") == "http://127.0.0.1:5000"
    assert public_server_url("sqlite:///mlruns/mlflow.db") is None
    assert public_server_url("/tmp/mlruns") is None and public_server_url(None) is None


# --- what training exports and logs (trained fixture) -------------------------------------------------------


@pytest.fixture(scope="module")
def exported(trained_artifacts):
    return json.loads((trained_artifacts / "governance.json").read_text(encoding="utf-8"))


def test_export_writes_governance_on_the_out_of_fold_scores(trained_artifacts, exported):
    import polars as pl

    serving = json.loads((trained_artifacts / "serving.json").read_text(encoding="utf-8"))
    oof = pl.read_parquet(trained_artifacts / "oof_predictions.parquet")
    y, p = oof["TARGET"].to_numpy(), oof["probability"].to_numpy()
    assert exported["applicants"] == oof.height
    assert exported["threshold"] == serving["threshold"]
    production_ratio = next(r for r in exported["cost_by_ratio"] if r["ratio"] == 10)
    assert production_ratio["threshold"] == pytest.approx(serving["threshold"])
    assert production_ratio["cost"] == pytest.approx(serving["cv_metrics"]["business_cost"])
    calibration = exported["calibration"]
    assert calibration["bins"] == 10 and sum(calibration["count"]) == oof.height
    assert calibration["brier"] == pytest.approx(np.mean((p - y) ** 2))
    # the audit's groups cover every labelled client, counted from the application table
    reference = pl.read_parquet(trained_artifacts / "clients" / "reference.parquet")
    gender = exported["fairness"]["attributes"]["gender"]
    counts = dict(reference.group_by("gender").len().iter_rows())
    assert {g["group"]: g["n"] for g in gender["groups"]} == counts
    assert sum(g["n"] for g in exported["fairness"]["attributes"]["age_band"]["groups"]) == oof.height
    assert exported["model_features"]["names"] == serving["feature_names"]


def test_export_snapshots_the_registry(exported, trained_artifacts):
    serving = json.loads((trained_artifacts / "serving.json").read_text(encoding="utf-8"))
    registry = exported["registry"]
    assert registry["name"] == "credit-scoring" and registry["served_version"] == serving["model"]["version"]
    served = next(v for v in registry["versions"] if v["version"] == registry["served_version"])
    assert served["run_id"] == serving["run_id"]
    assert served["cv_roc_auc"] == pytest.approx(serving["cv_metrics"]["roc_auc"], abs=1e-6)
    assert ("champion" in served["aliases"]) == bool(serving["model"]["is_champion"])
    assert exported["tracking"]["run_id"] == serving["run_id"] and exported["tracking"]["server"] is None


def test_the_parent_run_logs_governance(trained_artifacts, exported):
    from mlflow.tracking import MlflowClient

    uri = f"sqlite:///{trained_artifacts.parent / 'mlruns' / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri)
    run = client.get_run(exported["tracking"]["run_id"])
    metrics = run.data.metrics
    assert metrics["fairness_flagged_gaps"] == exported["fairness"]["flagged"]
    assert metrics["calibration_ece"] == pytest.approx(exported["calibration"]["expected_calibration_error"])
    logged = {a.path for a in client.list_artifacts(run.info.run_id, "governance")}
    assert {
        "governance/governance.json",
        "governance/fairness.csv",
        "governance/fairness.png",
        "governance/cost_by_ratio.png",
    } <= logged


# --- the methodology note's governance section (trained fixture) -------------------------------------------


@pytest.fixture(scope="module")
def note(trained_artifacts, tmp_path_factory):
    from model_training.report import write_methodology

    out = tmp_path_factory.mktemp("note") / "methodology.md"
    uri = f"sqlite:///{trained_artifacts.parent / 'mlruns' / 'mlflow.db'}"
    return write_methodology(out, tracking_uri=uri)


def _section(text: str) -> str:
    return text[text.index("## 7. Governance") : text.index("## 8. Limits")]


def test_the_note_reports_calibration_ratios_and_fairness_as_logged(note, exported):
    from model_training.report import fmt, pct

    section = _section(note.read_text(encoding="utf-8"))
    calibration = exported["calibration"]
    assert f"Brier score {fmt(calibration['brier'])}" in section
    for k, predicted in enumerate(calibration["mean_predicted"]):
        assert f"| {k + 1} | {calibration['count'][k]} | {pct(predicted)} |" in section
    ten = next(r for r in exported["cost_by_ratio"] if r["ratio"] == 10)
    assert f"| 10:1 (production) | {fmt(ten['threshold'])} | {1000 * ten['cost']:.0f} |" in section
    for audit in exported["fairness"]["attributes"].values():
        for group in audit["groups"]:
            row = next(line for line in section.splitlines() if line.startswith(f"| {group['group']} |"))
            assert f"| {group['n']} | {group['defaulters']} |" in row and pct(group["approval_rate"]) in row
    flagged = exported["fairness"]["flagged"]
    assert (f"Gaps beyond tolerance: {flagged} (" in section) == (flagged > 0)
    assert "four-fifths rule" in section and "below 80% of the most approved" in section
    for name in ("fairness.png", "cost_by_ratio.png"):
        assert (note.parent / "methodology_figures" / name).stat().st_size > 0
        assert f"(methodology_figures/{name})" in section


def test_the_note_says_whether_the_exported_model_reads_sex_from_its_feature_list(note, trained_artifacts):
    serving = json.loads((trained_artifacts / "serving.json").read_text(encoding="utf-8"))
    section = _section(note.read_text(encoding="utf-8"))
    derived = [name for name in serving["feature_names"] if "GENDER" in name]
    if derived:
        assert f"reads {len(derived)} feature(s) derived from the applicant's sex: `{derived[0]}`" in section
        assert "None of the exported model's" not in section
    else:
        assert f"None of the exported model's {len(serving['feature_names'])} features" in section


def test_a_model_without_sex_gets_the_other_paragraph(exported):
    from model_training.report import sex_as_a_feature

    features = ModelFeatures(2, ("EXT_SOURCE_1", "APP_AGE_YEARS"), (), ("APP_AGE_YEARS",))
    record = replace(GovernanceRecord.from_dict(exported), model_features=features)
    text = " ".join(sex_as_a_feature(record, importance=[]))
    assert "None of the exported model's 2 features is derived from the applicant's sex" in text
    assert "still measures outcomes by sex" in text and "reads" not in text.split("Age enters")[0]
    assert "Age enters the model through 1 feature(s) (`APP_AGE_YEARS`)" in text


def test_a_run_before_the_audit_says_so():
    from types import SimpleNamespace

    from model_training.report import fairness_limit, governance_section

    runs = SimpleNamespace(governance=None)
    assert "predates the governance audit" in " ".join(governance_section(runs))
    assert "have not been studied for this run" in fairness_limit(runs)
