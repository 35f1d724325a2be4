"""Progress of `train` and `synth`: bars on a terminal, one line per step and candidate in a log, no MLflow
bars, and a Ctrl-C or SIGTERM that ends in one line with exit code 130."""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from model_training.__main__ import main
from model_training.candidates import candidate_grid
from model_training.train import STEPS, Progress
from tests.conftest import ROOT


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"}
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return env | {"PYTHONPATH": path, "MLFLOW_TRACKING_URI": f"sqlite:///{work / 'mlruns' / 'mlflow.db'}"}


def _train(data: Path, work: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "model_training",
            "train",
            "--data",
            str(data),
            "--out",
            "artifacts",
            "--quick",
        ],
        cwd=work,
        env=_env(work),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
    )


def test_a_logged_training_prints_one_line_per_step_and_candidate(trained_synthetic_data, tmp_path):
    started = time.perf_counter()
    out, err = _train(trained_synthetic_data, tmp_path).communicate(timeout=300)
    seconds = time.perf_counter() - started
    lines = out.splitlines()
    steps = [line for line in lines if line.startswith("train: [")]
    assert [line.split("] ", 1)[1].rsplit(" (", 1)[0] for line in steps] == list(STEPS), out
    grid = candidate_grid(True, None)
    screening = [line for line in lines if line.startswith("train: screening ")]
    assert [line.split(" ")[3].rstrip(",") for line in screening] == [c.name for c in grid]
    assert all(f" {i}/{len(grid)} " in line for i, line in enumerate(screening, start=1))
    assert "about" in screening[-1] and "s left" in screening[-1]  # estimated from the finished ones
    assert sum(line.startswith("train: search ") for line in lines) == 2  # one per --quick trial
    assert sum(line.startswith("train: ") for line in lines) <= len(STEPS) + len(grid) + 2 + 5
    assert not any("fold" in line for line in lines if line.startswith("train: "))  # the bar's, not logs
    assert "Downloading artifacts" not in out + err and "%|" not in out + err, err
    assert (tmp_path / "artifacts" / "serving.json").is_file()
    print(f"train --quick, logged: {seconds:.1f} s")


def test_the_cli_turns_mlflow_artifact_bars_off_before_mlflow_is_imported(tmp_path):
    code = (
        "import model_training.__main__, mlflow.environment_variables as e; "
        "print(e.MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR.get())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=_env(tmp_path), capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("sent", "to_group"), [(signal.SIGINT, True), (signal.SIGTERM, False)], ids=["ctrl-c", "sigterm"]
)
def test_an_interrupted_training_says_where_in_one_line_and_registers_nothing(
    sent, to_group, trained_synthetic_data, tmp_path
):
    process = _train(trained_synthetic_data, tmp_path)
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        if line.startswith("train: screening 2/"):
            break
    assert seen and seen[-1].startswith("train: screening 2/"), "".join(seen)
    candidate = seen[-1].split(" ")[3].rstrip(",")
    time.sleep(0.3)
    (os.killpg if to_group else os.kill)(process.pid, sent)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.splitlines()[-1] == f"interrupted during screening, candidate {candidate}: nothing registered"
    assert "Traceback" not in err and "leaked" not in err, err
    assert not (tmp_path / "artifacts" / "serving.json").exists()
    assert "registered" not in out


def test_a_terminal_shows_the_candidate_and_fold_with_elapsed_and_remaining_time():
    stream = Terminal()
    progress = Progress(stream=stream)
    progress.step("screening")
    items = progress.items("screening", 8, 5, "candidate")
    items.start("lightgbm+smote")
    items.part_done(1)
    assert (
        progress.interrupted() == "interrupted during screening, candidate lightgbm+smote: nothing registered"
    )
    progress.close()
    shown = stream.getvalue()
    assert "screening 1/8 lightgbm+smote, fold 2/5 [00:00 elapsed, " in shown
    assert "train: screening" in shown and "train: [" not in shown


def test_synth_prints_one_line_per_chunk_of_applicants_and_per_batch(tmp_path, capsys):
    assert main(["synth", "--out", str(tmp_path), "--clients", "60", "--seed", "2", "--batches", "2"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("synth: [")]
    names = [line.split("] ", 1)[1].rsplit(" (", 1)[0] for line in lines]
    assert names[0] == "applicants 1-70 of 70, all tables"
    assert names[1] == "descriptions"
    assert [name.split(" (")[0] for name in names[2:]] == ["batch 2026-01", "batch 2026-02"]
    assert all(line.startswith(f"synth: [{i}/4] ") for i, line in enumerate(lines, start=1))


def test_what_train_prints_goes_above_the_bars_whole_lines_at_a_time(capsys):
    bars = Terminal()
    progress = Progress(stream=bars)
    progress.step("screening")
    drawn = len(bars.getvalue())
    with progress.printing():
        print("  dummy+none  ROC AUC", end="")
        print(" 0.5000")
        assert capsys.readouterr().out == "  dummy+none  ROC AUC 0.5000\n"
    progress.close()
    assert len(bars.getvalue()) > drawn  # the bar was cleared and drawn again around the line
