import json
import shutil
import subprocess
import sys

import polars as pl
import pytest

from app.artifacts import ArtifactsError, load_artifacts
from tests.conftest import ROOT


@pytest.fixture
def artifacts_copy(trained_artifacts, tmp_path):
    copy = tmp_path / "artifacts"
    shutil.copytree(trained_artifacts, copy)
    return copy


def test_loads_the_trained_artifacts(trained_artifacts):
    artifacts = load_artifacts(trained_artifacts)
    card = artifacts.model
    assert 0 < card.threshold < 1
    assert tuple(artifacts.booster.feature_name()) == card.feature_names
    assert artifacts.production_features.matrix.dtype.name == "float32"
    assert artifacts.production_features.matrix.shape == (
        artifacts.production.height,
        len(card.feature_names),
    )
    assert artifacts.reference["TARGET"].is_in([0, 1]).all()


def test_a_missing_folder_says_how_to_build_it(tmp_path):
    with pytest.raises(ArtifactsError) as raised:
        load_artifacts(tmp_path / "nowhere")
    message = str(raised.value)
    assert "\n" not in message
    assert (
        "does not exist" in message and "make run" in message and "python -m model_training train" in message
    )


def test_a_missing_file_is_named(artifacts_copy):
    (artifacts_copy / "booster.txt").unlink()
    with pytest.raises(ArtifactsError, match=r"missing booster\.txt"):
        load_artifacts(artifacts_copy)


def test_a_broken_serving_file_is_named(artifacts_copy):
    (artifacts_copy / "serving.json").write_text("{not json")
    with pytest.raises(ArtifactsError, match=r"serving\.json is unreadable"):
        load_artifacts(artifacts_copy)


def test_a_serving_file_without_threshold_is_named(artifacts_copy):
    meta = json.loads((artifacts_copy / "serving.json").read_text())
    meta.pop("threshold")
    (artifacts_copy / "serving.json").write_text(json.dumps(meta))
    with pytest.raises(ArtifactsError, match="threshold"):
        load_artifacts(artifacts_copy)


def test_a_feature_table_that_disagrees_with_the_model_is_named(artifacts_copy):
    table = artifacts_copy / "clients" / "production_features.parquet"
    frame = pl.read_parquet(table)
    frame.drop(frame.columns[-1]).write_parquet(table)
    with pytest.raises(ArtifactsError, match=r"production_features\.parquet lacks column"):
        load_artifacts(artifacts_copy)


def test_wsgi_start_without_artifacts_is_one_line_and_exit_3(tmp_path):
    """Exit 3 is gunicorn's 'worker failed to boot': the master stops instead of restarting the worker."""
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env={"ARTIFACTS_DIR": str(tmp_path / "none"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: artifacts in") and "make run" in lines[0]
