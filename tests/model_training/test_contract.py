"""The contract between training and serving (model_training.contract): each record reads back what it
wrote, and refuses a damaged file, a missing field, a wrong type and another schema version with one line
naming the file, the field and the command that rebuilds it."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import pytest

from model_training.contract import ContractError, DriftSummary, GovernanceRecord, ServingCard
from model_training.errors import InputError

ROOT = Path(__file__).resolve().parents[2]

TRAIN = "python -m model_training train --data DIR --out"
DRIFT = "python -m model_training drift --data DIR --artifacts"


def _drift_summary() -> dict:
    side = {"table": "application_train", "rows": 10, "rows_compared": 10, "sample": None}
    return {
        "format_version": 1,
        "built_at": "2026-01-01T00:00:00+00:00",
        "evidently_version": "0.7.23",
        "data": {"folder": "/data", "reference": side, "current": {**side, "table": "application_test"}},
        "model": {"used": True, "artifacts": "/a", "note": "top 1 feature", "top_features": ["EXT_SOURCE_1"]},
        "dataset": {
            "drifted": True,
            "drifted_columns": 1,
            "drifted_share": 0.5,
            "drift_share_threshold": 0.5,
            "test": "Share of Drifted Columns",
            "columns": 2,
        },
        "score": {
            "column": "model_score",
            "psi": 0.3,
            "reading": "significant",
            "bins": 10,
            "method": "psi_reference_deciles",
            "threshold": 0.1,
            "drifted": True,
            "reference": "out-of-fold probability",
            "current": "probability",
        },
        "columns": [
            {
                "column": "EXT_SOURCE_1",
                "source": "application",
                "type": "numerical",
                "method": "Wasserstein distance (normed)",
                "score_kind": "distance",
                "drift_score": 0.4,
                "threshold": 0.1,
                "drifted": True,
                "importance": 0.2,
            }
        ],
        "not_compared": [{"column": "FLAG_MOBIL", "reason": "a single value on both sides"}],
    }


@pytest.fixture(scope="module")
def written(trained_artifacts) -> dict[str, tuple[type, dict, str]]:
    """Each record's content as training wrote it: (record class, JSON, its path in an artifacts folder)."""
    read = lambda name: json.loads((trained_artifacts / name).read_text(encoding="utf-8"))  # noqa: E731
    return {
        "serving": (ServingCard, read("serving.json"), "serving.json"),
        "governance": (GovernanceRecord, read("governance.json"), "governance.json"),
        "drift": (DriftSummary, _drift_summary(), "drift/summary.json"),
    }


KINDS = ("serving", "governance", "drift")


def _put(folder: Path, name: str, content: dict | str) -> Path:
    path = folder / "artifacts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def _refused(record: type, path: Path) -> str:
    with pytest.raises(ContractError) as raised:
        record.read(path)
    message = str(raised.value)
    assert "\n" not in message and str(path) in message
    command = DRIFT if record is DriftSummary else TRAIN
    assert f"rebuild it with `{command} {path.parent.parent if record is DriftSummary else path.parent}`" in (
        message
    )
    assert isinstance(raised.value, InputError)  # the CLI's one-line error
    return message


@pytest.mark.parametrize("kind", KINDS)
def test_a_record_reads_back_what_it_wrote(tmp_path, written, kind):
    record_type, content, name = written[kind]
    record = record_type.from_dict(content)
    assert record.to_dict() == content  # the file keeps its field names and order
    path = record.write(tmp_path / Path(name).name)
    assert record_type.read(path) == record
    assert (
        json.loads(path.read_text(encoding="utf-8"))[record_type.VERSION_FIELD] == record_type.SCHEMA_VERSION
    )


def test_records_are_frozen_and_read_by_attribute(written):
    card = ServingCard.from_dict(written["serving"][1])
    assert card.calibration.a == written["serving"][1]["calibration"]["a"]
    assert card.feature_names == tuple(written["serving"][1]["feature_names"])
    with pytest.raises(FrozenInstanceError):
        card.threshold = 0.5  # type: ignore[misc]
    governance = GovernanceRecord.from_dict(written["governance"][1])
    assert governance.model_features.names == card.feature_names
    assert governance.cost_by_ratio[9].ratio == 10


@pytest.mark.parametrize("kind", KINDS)
def test_a_damaged_file_is_refused_in_one_line(tmp_path, written, kind):
    record_type, content, name = written[kind]
    text = json.dumps(content)
    path = _put(tmp_path, name, text[: len(text) // 2])
    assert f"{Path(name).name} is unreadable" in _refused(record_type, path)
    _put(tmp_path, name, "[1, 2]")
    assert "is not a JSON object" in _refused(record_type, path)


@pytest.mark.parametrize(
    ("kind", "field", "named"),
    [
        ("serving", ("calibration", "a"), "calibration.a is missing"),
        ("serving", ("threshold",), "threshold is missing"),
        ("governance", ("fairness", "flagged"), "fairness.flagged is missing"),
        ("governance", ("calibration",), "calibration is missing"),
        ("drift", ("dataset", "drifted_share"), "dataset.drifted_share is missing"),
        ("drift", ("built_at",), "built_at is missing"),
    ],
)
def test_a_missing_field_is_named(tmp_path, written, kind, field, named):
    record_type, content, name = written[kind]
    content = json.loads(json.dumps(content))
    *parents, last = field
    node = content
    for key in parents:
        node = node[key]
    del node[last]
    assert f": {named}; rebuild it with" in _refused(record_type, _put(tmp_path, name, content))


@pytest.mark.parametrize(
    ("kind", "change", "named"),
    [
        ("serving", lambda c: c["calibration"].update(a="steep"), "calibration.a has the wrong type (str)"),
        ("serving", lambda c: c["feature_names"].insert(0, 3), "feature_names[0] has the wrong type (int)"),
        ("governance", lambda c: c["fairness"].update(flagged=True), "fairness.flagged has the wrong type"),
        (
            "governance",
            lambda c: c["fairness"]["attributes"]["gender"]["groups"][0].update(n="many"),
            "fairness.attributes.gender.groups[0].n has the wrong type (str)",
        ),
        ("drift", lambda c: c["columns"][0].update(drift_score=None), "columns[0].drift_score is null"),
        ("drift", lambda c: c["score"].update(psi=float("nan")), "score.psi is not a finite number"),
    ],
)
def test_a_wrong_value_is_named(tmp_path, written, kind, change, named):
    record_type, content, name = written[kind]
    content = json.loads(json.dumps(content))
    change(content)
    assert named in _refused(record_type, _put(tmp_path, name, content))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("version", [0, None, 99])
def test_another_schema_version_is_refused(tmp_path, written, kind, version):
    record_type, content, name = written[kind]
    content = {**content}
    if version is None:
        del content[record_type.VERSION_FIELD]
    else:
        content[record_type.VERSION_FIELD] = version
    message = _refused(record_type, _put(tmp_path, name, content))
    field = record_type.VERSION_FIELD
    expected = (
        f"{field} is missing" if version is None else f"{field} is {version}, this code reads version 1"
    )
    assert expected in message


def test_the_app_reports_a_refused_serving_card_with_its_own_command(tmp_path, trained_artifacts):
    from app.artifacts import ArtifactsError, read_model_card

    content = json.loads((trained_artifacts / "serving.json").read_text(encoding="utf-8"))
    content["schema_version"] = 0
    path = _put(tmp_path, "serving.json", content)
    with pytest.raises(ArtifactsError) as raised:
        read_model_card(path.parent)
    message = str(raised.value)
    assert "\n" not in message
    assert "serving.json: schema_version is 0, this code reads version 1" in message
    assert "make run" in message and f"{TRAIN} {path.parent}" in message


def test_training_s_record_replaces_only_what_it_is_given(written):
    governance = GovernanceRecord.from_dict(written["governance"][1])
    logged = replace(governance, registry=None, tracking=None)
    assert "registry" in logged.to_dict() and logged.to_dict()["registry"] is None
    assert GovernanceRecord.from_dict(logged.to_dict()) == logged  # the MLflow run's copy reads back


def test_the_contract_imports_no_mlflow_nor_evidently():
    code = (
        "import sys, model_training.contract, app.artifacts, app.governance; "
        "print(sorted(m for m in ('mlflow', 'evidently') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_every_name_the_note_reads_from_mlflow_is_a_field_of_its_record():
    """report.py reads the parent run's params and metrics by the names of the records' fields: renaming a
    field of TrainingOptions, TrainingData or CvMetrics must fail here, not leave an 'n/a' in the note."""
    import ast
    import dataclasses

    from model_training.candidates import LIGHTGBM_DEFAULTS
    from model_training.contract.serving_card import CvMetrics, TrainingData, TrainingOptions

    fields = {
        "option_of": {f.name for f in dataclasses.fields(TrainingOptions)},
        "data_of": {f.name for f in dataclasses.fields(TrainingData)},
        # the final configuration's metrics, its LightGBM hyperparameters, and the three settings train.py
        # logs beside them
        "final_of": {f.name for f in dataclasses.fields(CvMetrics)}
        | set(LIGHTGBM_DEFAULTS)
        | {"seeds", "refit_factor", "max_trees"},
    }
    tree = ast.parse((ROOT / "model_training" / "report.py").read_text(encoding="utf-8"))
    asked = [
        (node.func.id, node.args[1].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in fields
        and isinstance(node.args[1], ast.Constant)
    ]
    assert len(asked) > 30  # the note reads them all this way
    assert [(reader, name) for reader, name in asked if name not in fields[reader]] == []
