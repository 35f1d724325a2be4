"""Shared test fixtures (the project root is on sys.path through pytest's `pythonpath` setting)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import Settings

ROOT = Path(__file__).resolve().parents[1]
# fresh_database, module_database, cache_settings: SQLite or PostgreSQL, in-process cache or Redis
pytest_plugins = ["tests.backends.fixtures"]


def settings_on(database_url: str) -> Settings:
    """The settings of the apps tests build: `database_url` and a test signing key (the environment is never
    read): `app_settings`'s, and a module's own when it runs on `module_database` (tests/backends)."""
    return Settings(database_url=database_url, secret_key="tests-only-signing-key")


@pytest.fixture(scope="session")
def app_database(tmp_path_factory) -> str:
    """The app database (users, sessions, audit) of the test session: a throw-away SQLite file, never the
    project's data/app.db. Users for signing in come from tests/signin.py."""
    return f"sqlite:///{tmp_path_factory.mktemp('app_database') / 'app.db'}"


@pytest.fixture(scope="session")
def app_settings(app_database) -> Settings:
    """The settings of the apps the tests build (`create_app(artifacts, app_settings)`): the session's
    database and a test signing key; the process environment is never read nor changed. A test needing
    other settings makes them with `dataclasses.replace(app_settings, ...)`."""
    return settings_on(app_database)


def pytest_setup_options():
    """Chromium options for dash[testing]'s `dash_duo` (Debian chromium, often run as root in CI)."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for argument in (
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
    ):
        options.add_argument(argument)
    return options


#: Labelled clients of the synthetic folder the trained-artifacts fixture learns from (about 250 production).
TRAINED_CLIENTS = 1500


def _model_training(*arguments: str, cwd: Path, env: dict[str, str] | None = None) -> None:
    """Run the training CLI in a child process; its output is shown only when it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "model_training", *arguments],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        command = " ".join(arguments)
        pytest.fail(f"python -m model_training {command} failed:\n{done.stdout[-2000:]}{done.stderr[-4000:]}")


@pytest.fixture(scope="session")
def trained_synthetic_data(tmp_path_factory) -> Path:
    """A small synthetic Home Credit folder (Kaggle names and schema), written once per test session."""
    folder = tmp_path_factory.mktemp("trained_synthetic")
    _model_training("synth", "--out", str(folder), "--clients", str(TRAINED_CLIENTS), "--seed", "3", cwd=ROOT)
    return folder


@pytest.fixture(scope="session")
def trained_artifacts(tmp_path_factory, trained_synthetic_data) -> Path:
    """Artifacts of a real `train --quick` on the synthetic folder, with a throw-away MLflow store.

    About a minute on 2 cores, once per session: the app's tests run on what training really exports.
    While developing, TEST_TRAINED_ARTIFACTS=DIR trains into DIR once and reuses it in later sessions
    (delete DIR after changing training or export); CI never sets it.
    """
    reuse = os.environ.get("TEST_TRAINED_ARTIFACTS", "").strip()
    if reuse and (Path(reuse) / "serving.json").is_file():
        return Path(reuse)
    work = Path(reuse).parent if reuse else tmp_path_factory.mktemp("trained")
    work.mkdir(parents=True, exist_ok=True)
    out = Path(reuse) if reuse else work / "artifacts"
    # run from the temporary folder so that nothing lands in the project; the project stays importable
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {
        **os.environ,
        "PYTHONPATH": path,
        "MLFLOW_TRACKING_URI": f"sqlite:///{work / 'mlruns' / 'mlflow.db'}",
    }
    _model_training(
        "train", "--data", str(trained_synthetic_data), "--out", str(out), "--quick", cwd=work, env=env
    )
    return out


@pytest.fixture(scope="session")
def drifted_artifacts(tmp_path_factory, trained_synthetic_data, trained_artifacts) -> Path:
    """A copy of `trained_artifacts` with a real drift report (`drift/`), built once per session.

    A copy, so that tests of the app without a drift report keep `trained_artifacts` as training left it.
    """
    import shutil

    out = tmp_path_factory.mktemp("drifted") / "artifacts"
    shutil.copytree(trained_artifacts, out)
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path}
    _model_training(
        "drift", "--data", str(trained_synthetic_data), "--artifacts", str(out), cwd=out.parent, env=env
    )
    return out
