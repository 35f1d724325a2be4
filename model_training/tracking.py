"""Where training runs are recorded, and the registry that says which model is live.

Default: an embedded SQLite store in ``<project>/mlruns/mlflow.db`` with artifacts in
``<project>/mlruns/artifacts`` (no server to start; ``mlflow ui --backend-store-uri sqlite:///mlruns/mlflow.db``
shows it). ``MLFLOW_TRACKING_URI`` points elsewhere (a server, another SQLite file in tests).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")  # no "Downloading artifacts" bars
os.environ.setdefault("DO_NOT_TRACK", "1")

import mlflow
import numpy as np
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from model_training.contract import GovernanceRecord, RegistryVersion, Tracking
from model_training.contract import run_record as logged

EXPERIMENT = "credit-scoring"
REGISTERED_MODEL = "credit-scoring"
CHAMPION = "champion"
CHALLENGER = "challenger"
PROJECT_DIR = Path(__file__).resolve().parents[1]

#: Bytes read from the start of each input file for its fingerprint: enough to tell two samples apart,
#: cheap on the 2.5 GB of full Kaggle files (size and modification time cover the rest).
_FINGERPRINT_BYTES = 1 << 20


def default_tracking_uri() -> str:
    return f"sqlite:///{PROJECT_DIR / 'mlruns' / 'mlflow.db'}"


def tracking_uri() -> str:
    """``MLFLOW_TRACKING_URI`` when set, else the project's embedded SQLite store."""
    return os.environ.get("MLFLOW_TRACKING_URI") or default_tracking_uri()


def _sqlite_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "sqlite":
        return None
    # sqlite:///relative.db and sqlite:////absolute.db (SQLAlchemy's convention): drop one slash
    return Path(url2pathname(parsed.path[1:])).absolute()


def artifact_root(uri: str) -> str | None:
    """For a SQLite store, an ``artifacts`` folder beside the database; a server decides for itself.

    Set explicitly because MLflow's default for a SQLite store is ``./mlruns`` of whatever the current
    directory happens to be.
    """
    database = _sqlite_path(uri)
    return None if database is None else (database.parent / "artifacts").as_uri()


def start_tracking(experiment: str = EXPERIMENT) -> str:
    """Point MLflow at the store (creating the SQLite folder), make ``experiment`` active, return its id."""
    uri = tracking_uri()
    database = _sqlite_path(uri)
    if database is not None:
        database.parent.mkdir(parents=True, exist_ok=True)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    found = mlflow.get_experiment_by_name(experiment)
    if found is None:
        experiment_id = mlflow.create_experiment(experiment, artifact_location=artifact_root(uri))
    else:
        experiment_id = found.experiment_id
    # Nested runs go to the active experiment, not their parent's: without this they would land in
    # "Default", whose artifacts go to ./mlruns of the current directory.
    mlflow.set_experiment(experiment_id=experiment_id)
    return experiment_id


def input_fingerprint(folder: Path) -> str:
    """A SHA-256 over the name, size, modification time and first MB of every file of the data folder.

    Cheap on the full Kaggle files and different as soon as a file is replaced, grown or touched.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).iterdir() if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
        with path.open("rb") as stream:
            digest.update(stream.read(_FINGERPRINT_BYTES))
    return digest.hexdigest()


@dataclass(frozen=True)
class RegistryOutcome:
    """The registered version, the alias it took (champion only when there was none) and why."""

    name: str
    version: str
    champion: bool
    previous_champion: str | None
    message: str

    @property
    def alias(self) -> str:
        return CHAMPION if self.champion else CHALLENGER


def _float_tag(tags: dict[str, str], key: str) -> float | None:
    try:
        return float(tags[key])
    except (KeyError, ValueError):
        return None


def version_by_alias(alias: str, name: str = REGISTERED_MODEL):
    """The model version ``alias`` points at, or None."""
    client = MlflowClient()
    try:
        return client.get_model_version_by_alias(name, alias)
    except MlflowException:
        return None


def current_champion(name: str = REGISTERED_MODEL):
    """The model version the ``champion`` alias points at, or None."""
    return version_by_alias(CHAMPION, name)


def register_version(
    model_uri: str, business_cost: float, tags: dict[str, str], name: str = REGISTERED_MODEL
) -> RegistryOutcome:
    """Register the model as ``challenger``, or as ``champion`` when the registry has none yet.

    Training never moves ``champion`` by itself: replacing a model in production is ``promote``'s decision,
    taken on outcomes of real applicants (model_training.promotion). The CV cost and ROC AUC are tags, for
    the comparison the registry and the Model page show.
    """
    client = MlflowClient()
    champion = current_champion(name)
    tags = {"cv_business_cost": f"{business_cost:.6f}", **tags}
    version = mlflow.register_model(model_uri, name, tags=tags)
    if champion is None:
        client.set_registered_model_alias(name, CHAMPION, version.version)
        message = "no champion yet: this version is the champion"
    else:
        client.set_registered_model_alias(name, CHALLENGER, version.version)
        message = (
            f"challenger of champion v{champion.version}; `python -m model_training promote --version "
            f"{version.version} --reason ...` replaces the champion once the gate passes"
        )
        champion_cost = _float_tag(champion.tags, "cv_business_cost")
        if champion_cost is not None:
            message += f" (CV cost {business_cost:.4f}, champion's {champion_cost:.4f})"
        if champion.tags.get("cost_weights") != tags.get("cost_weights"):
            message += " (note: the champion was measured with other cost weights)"
        elif champion.tags.get("data_fingerprint") != tags.get("data_fingerprint"):
            message += " (note: the champion was trained on other data)"
    return RegistryOutcome(
        name=name,
        version=str(version.version),
        champion=champion is None,
        previous_champion=None if champion is None else str(champion.version),
        message=message,
    )


def log_training_inputs(options: Mapping[str, Any], record: Mapping[str, Any]) -> None:
    """The command's options and the data record on the parent run (params, tags and a JSON file)."""
    mlflow.log_params({logged.option_param(k): v for k, v in options.items()})
    mlflow.log_params({logged.data_param(k): v for k, v in record.items() if k != "fingerprint_sha256"})
    mlflow.set_tags(
        {logged.DATA_FINGERPRINT_TAG: record["fingerprint_sha256"], logged.DATA_FOLDER_TAG: record["folder"]}
    )
    mlflow.log_dict(dict(record), "data_record.json")


def log_evaluation(scored, y, cost_fn: float, cost_fp: float, plots: bool, reliability: bool = False) -> None:
    """A configuration's hyperparameters, metrics, per-fold AUC and (optionally) curves on the active run."""
    from model_training import evaluate

    if scored.candidate.params:
        mlflow.log_params({f"param_{k}": v for k, v in scored.candidate.params.items()})
    mlflow.log_metrics(scored.metrics)
    for k, auc in enumerate(scored.oof.fold_auc):
        mlflow.log_metric("roc_auc_by_fold", auc, step=k)
    if scored.oof.best_iterations:
        mlflow.log_metric("trees_mean", float(np.mean(scored.oof.best_iterations)))
    if not plots:
        return
    probability, threshold = scored.evaluation.probability, scored.metrics["threshold"]
    name = scored.candidate.name
    figures = {
        logged.ROC_PR.artifact: evaluate.roc_pr_figure(y, probability, name),
        logged.COST_VS_THRESHOLD.artifact: evaluate.cost_figure(y, probability, cost_fn, cost_fp, name),
        logged.CONFUSION_MATRIX.artifact: evaluate.confusion_figure(y, probability, threshold, name),
    }
    if reliability:
        figures[logged.RELIABILITY.artifact] = evaluate.reliability_figure(
            scored.evaluation.reliability, scored.metrics["brier"], name
        )
        mlflow.log_dict(scored.evaluation.reliability, "reliability.json")
    for path, figure in figures.items():
        log_figure(figure, path)


def log_figure(figure, path: str) -> None:
    """Log a matplotlib figure and free it (a long training draws dozens)."""
    import matplotlib.pyplot as plt

    mlflow.log_figure(figure, path)
    plt.close(figure)


def log_table(frame, path: str) -> None:
    """A polars table as a CSV artifact."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        local = Path(folder) / Path(path).name
        frame.write_csv(local)
        mlflow.log_artifact(str(local), artifact_path=str(Path(path).parent) if "/" in path else None)


def pip_requirements() -> list[str]:
    """Exact pins of what unpickling and scoring the model needs (faster than MLflow's inference)."""
    from importlib.metadata import version

    packages = ("lightgbm", "scikit-learn", "numpy", "pandas", "scipy", "cloudpickle")
    return [f"{name}=={version(name)}" for name in packages]


def log_model(model, X_example) -> Any:
    """The calibrated model as an MLflow sklearn model whose pyfunc returns ``predict_proba``.

    cloudpickle, because skops would need every custom type listed as trusted; unpickling needs
    ``model_training.calibration`` importable (the app has the project on its path).
    Inputs are declared as doubles so that float32 and float64 frames are both accepted.
    """
    from mlflow.models import infer_signature

    example = X_example.head(5).astype("float64")
    signature = infer_signature(example, model.predict_proba(example))
    return mlflow.sklearn.log_model(
        model,
        name="model",
        serialization_format="cloudpickle",
        pyfunc_predict_fn="predict_proba",
        signature=signature,
        input_example=example,
        pip_requirements=pip_requirements(),
    )


def log_governance(record: GovernanceRecord) -> None:
    """Governance on the active (parent) run: gap metrics, the whole record, the fairness table, two plots."""
    import polars as pl

    from model_training import governance

    mlflow.log_metrics(governance.gap_metrics(record))
    mlflow.log_dict(record.to_dict(), logged.GOVERNANCE_ARTIFACT)
    log_table(pl.DataFrame(governance.fairness_rows(record)), logged.FAIRNESS_TABLE)
    log_figure(governance.fairness_figure(record), logged.FAIRNESS.artifact)
    log_figure(governance.cost_by_ratio_figure(record), logged.COST_BY_RATIO.artifact)


def registry_snapshot(name: str = REGISTERED_MODEL) -> tuple[RegistryVersion, ...]:
    """Every version of the registered model, newest first, with its aliases, run and CV figures.

    Exported with the model so that the app shows champion and challengers with no tracking server.
    Aliases come from the registered model: searching versions does not fill them in on every store.
    """
    from datetime import UTC, datetime

    client = MlflowClient()
    try:
        aliases = dict(client.get_registered_model(name).aliases or {})
    except MlflowException:
        return ()
    by_version: dict[str, list[str]] = {}
    for alias, version in aliases.items():
        by_version.setdefault(str(version), []).append(alias)
    rows = []
    for version in sorted(client.search_model_versions(f"name = '{name}'"), key=lambda v: -int(v.version)):
        tags = dict(version.tags or {})
        created = version.creation_timestamp
        rows.append(
            RegistryVersion(
                version=str(version.version),
                aliases=tuple(sorted(by_version.get(str(version.version), []))),
                run_id=tags.get("run_id") or version.run_id,
                created_at=None
                if created is None
                else datetime.fromtimestamp(created / 1000, UTC).isoformat(timespec="seconds"),
                candidate=tags.get("candidate"),
                cv_business_cost=_float_tag(tags, "cv_business_cost"),
                cv_roc_auc=_float_tag(tags, "cv_roc_auc"),
                cv_roc_auc_fold_std=_float_tag(tags, "cv_roc_auc_fold_std"),
                threshold=_float_tag(tags, "threshold"),
                cost_weights=tags.get("cost_weights"),
                data_fingerprint=tags.get("data_fingerprint"),
            )
        )
    return tuple(rows)


def run_location(run_id: str) -> Tracking:
    """Where the run can be opened: its experiment and, for a tracking server, the server's address.

    Credentials in the URI (user:password@) are dropped: the address is exported to the app.
    """
    from model_training.governance import public_server_url

    run = mlflow.get_run(run_id)
    return Tracking(
        run_id=run_id, experiment_id=run.info.experiment_id, server=public_server_url(tracking_uri())
    )
