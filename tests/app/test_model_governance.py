"""What the model page reads: governance.json (present, missing, broken), the ratio from the slider, the cost
curves cached per ratio, the MLflow link and the registry snapshot."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from app.config import load_settings
from app.governance import (
    GovernanceError,
    cost_curves,
    load_governance,
    mlflow_run_link,
    mlflow_ui_url,
    parse_ratio,
    registry_versions,
    slider_ratio,
)
from model_training.contract import GovernanceRecord, Registry, RegistryVersion, Tracking
from model_training.cost import optimal_threshold


def test_a_missing_file_is_none_and_a_broken_one_names_the_problem(tmp_path):
    assert load_governance(tmp_path) is None
    (tmp_path / "governance.json").write_text("{not json")
    with pytest.raises(GovernanceError, match=r"governance\.json is unreadable"):
        load_governance(tmp_path)
    (tmp_path / "governance.json").write_text(json.dumps({"schema_version": 1, "computed_on": "oof"}))
    with pytest.raises(
        GovernanceError, match=r"governance\.json: applicants is missing; rebuild it with `python"
    ):
        load_governance(tmp_path)
    (tmp_path / "governance.json").write_text("[1, 2]")
    with pytest.raises(GovernanceError, match="not a JSON object"):
        load_governance(tmp_path)


def test_the_trained_governance_record_is_read_by_attribute(trained_artifacts):
    record = load_governance(trained_artifacts)
    assert record is not None and record.registry is not None and record.tracking is not None
    assert record.registry.served_version in {v.version for v in record.registry.versions}
    assert 0 <= record.calibration.largest_gap_bin < record.calibration.bins
    assert record.fairness.flagged == sum(g.status == "flagged" for g in record.fairness.gaps)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (10, 10),
        ("7", 7),
        (1, 1),
        ("20", 20),
        (3.0, 3),
        ("0", None),
        (21, None),
        ("2.5", None),
        ("x", None),
        (None, None),
    ],
)
def test_the_slider_value_must_be_a_whole_ratio_in_range(value, expected):
    assert parse_ratio(value) == expected


def test_the_slider_starts_at_the_production_ratio():
    assert slider_ratio(10, 1) == 10
    assert slider_ratio(20, 3) == 7
    assert slider_ratio(50, 1) == 20 and slider_ratio(1, 4) == 1


def test_cost_curves_are_built_once_from_the_reference_scores_and_kept_per_ratio(trained_artifacts):
    from app.artifacts import load_artifacts

    artifacts = load_artifacts(trained_artifacts)
    curves = cost_curves(artifacts)
    assert cost_curves(artifacts) is curves
    reference = artifacts.reference
    y, p = reference["TARGET"].to_numpy(), reference["probability"].to_numpy()
    ten = curves.curve(10)
    assert curves.curve(10) is ten
    # the production threshold is the optimum of the production weights on these same out-of-fold scores
    assert ten.optimum.threshold == pytest.approx(optimal_threshold(y, p, 10, 1).threshold)
    assert ten.optimum.threshold == pytest.approx(artifacts.model.threshold)
    assert ten.production_cost == pytest.approx(ten.optimum.cost)
    assert curves.curve(20).optimum.threshold <= ten.optimum.threshold <= curves.curve(1).optimum.threshold
    assert np.all(np.diff(ten.thresholds) > 0)


def test_the_run_link_needs_an_http_server():
    tracking = Tracking(run_id="abc", experiment_id="4", server=None)
    assert mlflow_run_link("abc", tracking, tracking_uri="sqlite:///mlruns/mlflow.db") is None
    assert (
        mlflow_run_link("abc", tracking, tracking_uri="https://bob:pw@mlflow.example/")
        == "https://mlflow.example/#/experiments/4/runs/abc"
    )
    ui_first = mlflow_run_link(
        "abc", tracking, tracking_uri="http://tracking:5000", ui_url="https://ui.example"
    )
    assert ui_first == "https://ui.example/#/experiments/4/runs/abc"
    trained_on_server = Tracking(run_id="abc", experiment_id="4", server="http://mlflow:5000")
    assert mlflow_run_link("abc", trained_on_server, tracking_uri=None).startswith("http://mlflow:5000/#/")
    assert mlflow_run_link(None, trained_on_server, tracking_uri=None) is None
    assert mlflow_ui_url(load_settings({"MLFLOW_UI_URL": " https://ui.example "})) == "https://ui.example"
    assert mlflow_ui_url(load_settings({})) is None


def test_registry_versions_mark_the_champion_and_the_served_version(trained_artifacts):
    record = GovernanceRecord.read(trained_artifacts / "governance.json")
    snapshot = [
        RegistryVersion("3", (), "r3", None, None, None, None, None, None, None, None),
        RegistryVersion("2", ("champion",), "r2", None, None, None, None, None, None, None, None),
    ]
    record = replace(record, registry=Registry("credit-scoring", "3", tuple(snapshot)))
    versions = registry_versions(record)
    assert [(v.entry.version, v.champion, v.served) for v in versions] == [
        ("3", False, True),
        ("2", True, False),
    ]
    assert registry_versions(replace(record, registry=None)) == []
    assert registry_versions(None) == []


def test_only_admins_open_the_model_page_and_move_its_slider(trained_artifacts, app_settings):
    from app import create_app
    from tests.app.test_auth import callback_body
    from tests.signin import signed_in_client

    app = create_app(trained_artifacts, app_settings)
    slider = callback_body(app, "model-cost-curve.figure", {"model-ratio.value": 20, "model-lang.data": "fr"})
    advisor, admin = signed_in_client(app, "advisor"), signed_in_client(app, "admin")
    assert advisor.get("/model").status_code == 403
    assert advisor.post("/_dash-update-component", json=slider).status_code == 403
    assert admin.get("/model").status_code == 200
    answer = admin.post("/_dash-update-component", json=slider)
    assert answer.status_code == 200
    assert answer.get_json()["response"]["model-ratio-value"]["children"] == "20\u00a0:\u00a01"
