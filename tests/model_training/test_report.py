"""The methodology note: rendered from the tracked `train --quick` run, every number as MLflow holds it."""

from __future__ import annotations

from pathlib import Path

import pytest

from model_training.errors import InputError


def _uri(trained_artifacts: Path) -> str:
    """The throw-away store the `trained_artifacts` fixture trained into."""
    return f"sqlite:///{trained_artifacts.parent / 'mlruns' / 'mlflow.db'}"


@pytest.fixture(scope="module")
def tracked(trained_artifacts):
    """The parent `train` run and its nested candidate runs, read directly with MlflowClient."""
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=_uri(trained_artifacts))
    experiment = client.get_experiment_by_name("credit-scoring")
    runs = client.search_runs([experiment.experiment_id])
    parent = next(r for r in runs if "mlflow.parentRunId" not in r.data.tags)
    candidates = [
        r
        for r in runs
        if r.data.tags.get("mlflow.parentRunId") == parent.info.run_id and "strategy" in r.data.params
    ]
    return parent, candidates


@pytest.fixture(scope="module")
def note(trained_artifacts, tmp_path_factory) -> Path:
    from model_training.report import write_methodology

    out = tmp_path_factory.mktemp("docs") / "methodology.md"
    return write_methodology(out, tracking_uri=_uri(trained_artifacts))


def test_note_names_every_candidate_with_its_logged_numbers(note, tracked):
    from model_training.report import fmt

    text = note.read_text(encoding="utf-8")
    _, candidates = tracked
    assert len(candidates) >= 2
    for run in candidates:
        m = run.data.metrics
        row = next(line for line in text.splitlines() if line.startswith(f"| {run.info.run_name} |"))
        assert f"{fmt(m['roc_auc'])} ± {fmt(m['roc_auc_fold_std'])}" in row
        for key in ("pr_auc", "business_cost", "threshold", "business_cost_at_0_5"):
            assert fmt(m[key]) in row, key


def test_note_reports_the_final_model_as_logged(note, tracked):
    from model_training.report import fmt

    text = note.read_text(encoding="utf-8")
    parent, _ = tracked
    m = parent.data.metrics
    assert parent.info.run_id in text
    assert parent.data.tags["final_candidate"] in text
    assert parent.data.tags["data_fingerprint"] in text
    for key in ("roc_auc", "threshold", "business_cost", "cost_accept_all", "cost_refuse_all", "brier"):
        assert fmt(m[f"final_{key}"]) in text, key
    assert f"| accept everyone | {fmt(m['final_cost_accept_all'])} |" in text
    assert f"{fmt(m['final_business_cost'])} |" in text
    assert "## Résumé" in text and "(10·FN + FP)/n" in text


def test_figures_are_copied_beside_the_note_and_linked(note):
    text = note.read_text(encoding="utf-8")
    figures = note.parent / "methodology_figures"
    for name in ("roc_pr.png", "cost_vs_threshold.png", "reliability.png", "global_importance.png"):
        assert (figures / name).stat().st_size > 0
        assert f"(methodology_figures/{name})" in text


def test_cli_writes_the_note(trained_artifacts, tmp_path, monkeypatch, capsys):
    from model_training.__main__ import main

    monkeypatch.setenv("MLFLOW_TRACKING_URI", _uri(trained_artifacts))
    out = tmp_path / "note.md"
    assert main(["report", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("# Credit-scoring model")
    assert (tmp_path / "note_figures" / "roc_pr.png").is_file()
    assert "methodology note written" in capsys.readouterr().out


def test_no_tracked_run_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    from model_training.__main__ import main

    uri = f"sqlite:///{tmp_path / 'mlruns' / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    assert main(["report", "--out", str(tmp_path / "note.md")]) == 2
    error = capsys.readouterr().err.strip()
    assert error == f"error: no training run in {uri}: run `make train` first"
    assert not (tmp_path / "note.md").exists()
    assert not (tmp_path / "mlruns").exists()  # no empty store created as a side effect


def test_unknown_run_id_is_an_input_error(trained_artifacts, tmp_path):
    from model_training.report import write_methodology

    with pytest.raises(InputError, match="no training run 0123"):
        write_methodology(tmp_path / "note.md", tracking_uri=_uri(trained_artifacts), run_id="0123" * 8)
    assert not (tmp_path / "note.md").exists()


def test_nested_run_id_is_refused(trained_artifacts, tracked, tmp_path):
    from model_training.report import write_methodology

    _, candidates = tracked
    with pytest.raises(InputError, match="not a `train` run"):
        write_methodology(
            tmp_path / "note.md", tracking_uri=_uri(trained_artifacts), run_id=candidates[0].info.run_id
        )
