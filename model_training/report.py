"""`report`: the methodology note (docs/methodology.md) rendered from the last tracked training run.

Every number of the note is read from MLflow when the note is written (params, metrics, tags of the parent
``train`` run and of its nested runs, the comparison CSV and the figures it logged); none is typed here, so
the note cannot drift from the model it describes. The figures are copied beside the note, into
``<note stem>_figures/`` (docs/methodology_figures/ by default), small PNGs meant to be committed with it.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, overload

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")  # one progress bar per figure

from mlflow.entities import Run
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from model_training.contract import GovernanceRecord
from model_training.contract import run_record as logged
from model_training.contract.governance_record import CalibrationSummary, Fairness, Gap
from model_training.errors import InputError
from model_training.tracking import EXPERIMENT, _sqlite_path
from model_training.tracking import tracking_uri as default_uri

T = TypeVar("T")

#: Features listed in the note's global-importance table (the figure shows 20).
TOP_FEATURES = 10


@dataclass
class TrainingRuns:
    """A parent `train` run and what it logged: nested runs by role, tables and folds."""

    uri: str
    parent: Run
    candidates: list[Run]
    final: Run | None
    search: Run | None
    comparison: list[dict[str, str]]
    importance: list[dict[str, str]]
    fold_auc: list[float]
    #: governance/governance.json of the parent run; None for runs before the governance audit
    governance: GovernanceRecord | None = None


# ----------------------------------------------------------------------------------------- reading MLflow


@overload
def option_of(params: Mapping[str, str], name: str) -> str | None: ...
@overload
def option_of(params: Mapping[str, str], name: str, default: str) -> str: ...
def option_of(params: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    """The `train` option ``name`` (a TrainingOptions field) as the parent run logged it."""
    return params.get(logged.option_param(name), default)


@overload
def data_of(params: Mapping[str, str], name: str) -> str | None: ...
@overload
def data_of(params: Mapping[str, str], name: str, default: str) -> str: ...
def data_of(params: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    """The data record's ``name`` (a TrainingData field) as the parent run logged it."""
    return params.get(logged.data_param(name), default)


def final_of(logged_values: Mapping[str, T], name: str, default: T | None = None) -> T | None:
    """The final configuration's metric (a CvMetrics field) or param ``name`` on the parent run."""
    return logged_values.get(logged.final_key(name), default)


def _client(uri: str) -> MlflowClient:
    """A client on ``uri``; a SQLite file that does not exist is an error, not a new empty store."""
    database = _sqlite_path(uri)
    if database is not None and not database.is_file():
        raise InputError(f"no training run in {uri}: run `make train` first")
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def find_parent(client: MlflowClient, uri: str, run_id: str | None) -> Run:
    """The given run, or the latest finished top-level `train` run of the training experiment."""
    experiment = client.get_experiment_by_name(EXPERIMENT)
    if run_id is not None:
        try:
            run = client.get_run(run_id)
        except MlflowException:
            raise InputError(f"no training run {run_id} in {uri}: check the id in `make mlflow-ui`") from None
        if "mlflow.parentRunId" in run.data.tags or logged.option_param("seed") not in run.data.params:
            raise InputError(f"run {run_id} in {uri} is not a `train` run (a nested run, or another command)")
        return run
    if experiment is not None:
        runs = client.search_runs(
            [experiment.experiment_id],
            filter_string="attributes.status = 'FINISHED' and attributes.run_name LIKE 'train %'",
            order_by=["attributes.start_time DESC"],
            max_results=50,
        )
        for run in runs:
            if "mlflow.parentRunId" not in run.data.tags and logged.option_param("seed") in run.data.params:
                return run
    raise InputError(f"no training run in {uri}: run `make train` first")


def _children(client: MlflowClient, parent: Run) -> list[Run]:
    """Nested runs in the order they were started."""
    return client.search_runs(
        [parent.info.experiment_id],
        filter_string=f"tags.mlflow.parentRunId = '{parent.info.run_id}'",
        order_by=["attributes.start_time ASC"],
        max_results=1000,
    )


def _download(client: MlflowClient, run_id: str, path: str, folder: Path) -> Path | None:
    """The artifact as a local file, or None when the run did not log it."""
    try:
        return Path(client.download_artifacts(run_id, path, str(folder)))
    except (MlflowException, OSError):
        return None


def _csv_rows(path: Path | None) -> list[dict[str, str]]:
    if path is None:
        return []
    with path.open(newline="") as stream:
        return list(csv.DictReader(stream))


def _name(run: Run) -> str:
    return run.data.tags.get("mlflow.runName", "")


def load_runs(uri: str, run_id: str | None, figures: Path) -> TrainingRuns:
    """Everything the note needs, read once; figures are copied into ``figures`` (stale PNGs removed)."""
    client = _client(uri)
    parent = find_parent(client, uri, run_id)
    children = _children(client, parent)
    final = next((r for r in children if _name(r).startswith("final ")), None)
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        comparison = _csv_rows(_download(client, parent.info.run_id, logged.COMPARISON_TABLE, folder))
        importance = _csv_rows(_download(client, parent.info.run_id, logged.IMPORTANCE_TABLE, folder))
        copy_figures(client, parent, final, folder, figures)
        governance = _governance_record(client, parent, folder)
    history = [] if final is None else client.get_metric_history(final.info.run_id, "roc_auc_by_fold")
    return TrainingRuns(
        uri=uri,
        parent=parent,
        candidates=[r for r in children if "strategy" in r.data.params],
        final=final,
        search=next((r for r in children if _name(r) == "hyperparameter search"), None),
        comparison=comparison,
        importance=importance,
        fold_auc=[m.value for m in sorted(history, key=lambda m: m.step)],
        governance=governance,
    )


def copy_figures(
    client: MlflowClient, parent: Run, final: Run | None, temporary: Path, figures: Path
) -> None:
    """The run's figures beside the note; PNGs of an older run that this one did not log are removed."""
    figures.mkdir(parents=True, exist_ok=True)
    wanted = [(parent.info.run_id, figure) for figure in logged.PARENT_FIGURES]
    if final is not None:
        wanted += [(final.info.run_id, figure) for figure in logged.FINAL_FIGURES]
    written = set()
    for run_id, figure in wanted:
        local = _download(client, run_id, figure.artifact, temporary / run_id)
        if local is not None:
            shutil.copyfile(local, figures / figure.note_file)
            written.add(figure.note_file)
    for stale in figures.glob("*.png"):
        if stale.name not in written:
            stale.unlink()


# ------------------------------------------------------------------------------------------ formatting


def fmt(value: float | str | None, digits: int = 4) -> str:
    """Metrics as the note shows them (and as the tests compare them): fixed decimals, n/a when absent."""
    if value is None or value == "":
        return "n/a"
    return f"{float(value):.{digits}f}"


def pct(value: float | str | None) -> str:
    return "n/a" if value is None or value == "" else f"{float(value):.1%}"


def _weight(value: str | None) -> str:
    return "n/a" if value is None else f"{float(value):g}"


def cost_formula(params: dict[str, str]) -> str:
    """(10·FN + FP)/n with the weights the run was trained with (a weight of 1 is not written)."""

    def term(weight: str | None, name: str) -> str:
        if weight is None:
            return f"c·{name}"
        return name if float(weight) == 1 else f"{float(weight):g}·{name}"

    return f"({term(option_of(params, 'cost_fn'), 'FN')} + {term(option_of(params, 'cost_fp'), 'FP')})/n"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _ordered_candidates(runs: TrainingRuns) -> list[Run]:
    """Candidates in the order of comparison.csv (cheapest first), else by cost then ROC AUC."""
    order = {row["candidate"]: k for k, row in enumerate(runs.comparison)}

    def key(run: Run) -> tuple[float, float]:
        m = run.data.metrics
        rank = order.get(_name(run))
        if rank is not None:
            return (float(rank), 0.0)
        return (len(order) + m.get("business_cost", float("inf")), -m.get("roc_auc", 0.0))

    return sorted(runs.candidates, key=key)


# ---------------------------------------------------------------------------------------------- sections


def summary_fr(runs: TrainingRuns) -> list[str]:
    """The committee's short French summary: what was chosen and what it saves."""
    p, m, tags = runs.parent.data.params, runs.parent.data.metrics, runs.parent.data.tags
    sentences = [
        f"Le modèle retenu, **{tags.get(logged.FINAL_CANDIDATE_TAG, 'n/a')}**, a été choisi parmi "
        f"{len(runs.candidates)} candidats (modèle × traitement du déséquilibre) par validation croisée "
        f"stratifiée sur {compared_fr(p)} clients étiquetés "
        f"(taux de défaut {pct(data_of(p, 'default_rate'))}).",
        f"Sur les prédictions hors échantillon{all_clients_fr(p)}, son ROC AUC est de "
        f"{fmt(final_of(m, 'roc_auc'))} "
        f"(± {fmt(final_of(m, 'roc_auc_fold_std'))} entre plis).",
        f"Au seuil {fmt(final_of(m, 'threshold'))}, qui minimise le coût métier {cost_formula(p)}, "
        f"le coût par demande est de {fmt(final_of(m, 'business_cost'))}, "
        f"contre {fmt(final_of(m, 'cost_accept_all'))} si l'on accepte tout le monde et "
        f"{fmt(final_of(m, 'cost_refuse_all'))} si l'on refuse tout le monde ;",
        f"le taux d'acceptation est de {pct(final_of(m, 'approval_rate'))}.",
        f"Les probabilités sont calibrées (Platt, Brier {fmt(final_of(m, 'brier'))}) et chaque décision "
        "s'explique par des contributions SHAP exactes.",
        "Tous les chiffres de cette note sont lus dans MLflow à sa génération.",
    ]
    return ["## Résumé", "", " ".join(sentences), ""]


def provenance(runs: TrainingRuns) -> list[str]:
    """Which run, which store, which data: enough to reproduce or audit the note."""
    info, p, tags = runs.parent.info, runs.parent.data.params, runs.parent.data.tags
    return [
        f"Generated from MLflow run `{info.run_id}` (**{info.run_name}**, experiment `{EXPERIMENT}`) "
        f"in `{runs.uri}`. Regenerate with `make report` after `make train`; do not edit by hand.",
        "",
        "## 1. Training data and protocol",
        "",
        *table(
            ["item", "value"],
            [
                ["labelled applicants", data_of(p, "labelled_clients", "n/a")],
                ["of which defaulters", data_of(p, "defaulters", "n/a")],
                ["default rate", pct(data_of(p, "default_rate"))],
                ["production applicants (unlabelled)", data_of(p, "production_clients", "n/a")],
                ["features", data_of(p, "features", "n/a")],
                ["data folder", f"`{tags.get(logged.DATA_FOLDER_TAG, 'n/a')}`"],
                ["data fingerprint (SHA-256)", f"`{tags.get(logged.DATA_FINGERPRINT_TAG, 'n/a')}`"],
                ["seed (folds and models)", option_of(p, "seed", "n/a")],
                ["quick mode", option_of(p, "quick", "n/a")],
                ["models requested", option_of(p, "model", "n/a")],
                ["candidates compared on", screened_clients(p)],
            ],
        ),
        "",
        f"Cross-validation: {len(runs.fold_auc) or 'n/a'} stratified folds (each keeps the overall default "
        f"rate), shuffled with seed {option_of(p, 'seed', 'n/a')}, the same folds for every candidate. "
        + screening_sentence(p)
        + "Every "
        "applicant is scored once by a model that never saw them; calibration, threshold and every metric "
        "below are computed on these out-of-fold scores, never on fitted rows. The fingerprint hashes the "
        "name, size, modification time and first megabyte of each input file: two trainings on different "
        "data cannot carry the same one.",
        "",
    ]


def _screening(params: Mapping[str, str]) -> tuple[int, int] | None:
    """(clients compared on, labelled clients) when candidates were compared on a subsample, else None."""
    limit, labelled = option_of(params, "screening_clients"), data_of(params, "labelled_clients")
    if limit in (None, "None") or labelled is None or int(labelled) <= int(limit):
        return None
    return int(limit), int(labelled)


def screened_clients(params: Mapping[str, str]) -> str:
    screening = _screening(params)
    if screening is None:
        return "every labelled applicant"
    return f"a stratified subsample of {screening[0]} of the {screening[1]} labelled applicants"


def compared_fr(params: Mapping[str, str]) -> str:
    """How many clients the comparison saw, for the French summary."""
    screening = _screening(params)
    if screening is None:
        return data_of(params, "labelled_clients", "n/a")
    return f"un sous-échantillon stratifié de {screening[0]} des {screening[1]}"


def all_clients_fr(params: Mapping[str, str]) -> str:
    screening = _screening(params)
    return "" if screening is None else f" de ses {screening[1]} clients (validation croisée sur tous)"


def screening_sentence(params: Mapping[str, str]) -> str:
    """How many clients the comparison and the search saw, when it was not all of them."""
    screening = _screening(params)
    if screening is None:
        return ""
    compared, labelled = screening
    return (
        f"With {labelled} labelled applicants, candidates were compared and the hyperparameters searched on "
        f"a stratified subsample of {compared} (same default rate, chosen with the same seed): on all rows "
        "the comparison would not finish in an hour on 2 cores. The candidates' figures (section 2, the "
        "table of section 4) are those of the subsample; the final configuration was cross-validated and "
        f"fitted on all {labelled}: the summary, section 3, the final configuration and every later "
        "section are computed on all of them. "
    )


def _cell(metrics: dict[str, float] | None) -> str:
    """ROC AUC / cost of one model under one strategy, or a dash when that pair was not run."""
    if metrics is None:
        return "–"
    return f"{fmt(metrics.get('roc_auc'))} / {fmt(metrics.get('business_cost'))}"


def imbalance(runs: TrainingRuns) -> list[str]:
    """Strategies × models: ROC AUC and cost of each nested candidate run."""
    cells = {
        (r.data.params["model"], r.data.params["strategy"]): r.data.metrics
        for r in runs.candidates
        if "model" in r.data.params
    }
    models = sorted({model for model, _ in cells})
    strategies = sorted({strategy for _, strategy in cells})
    rows = [[strategy, *(_cell(cells.get((model, strategy))) for model in models)] for strategy in strategies]
    return [
        "## 2. Class imbalance",
        "",
        f"Only {pct(data_of(runs.parent.data.params, 'default_rate'))} of applicants default. Each model was "
        "compared under the imbalance treatments below (none; `class_weight`: balanced class weights; "
        "`undersample`: random undersampling of repaid clients in the training folds only; `smote`: "
        "synthetic defaulters in the training folds only). Resampling never touches a validation fold, and "
        "the serving model drops the resampling step. Cells: out-of-fold ROC AUC / business cost per "
        "applicant at the optimal threshold (– : not run in this training).",
        "",
        *table(["strategy \\ model", *models], rows),
        "",
        "Since every candidate is recalibrated and gets its own cost-optimal threshold, the treatments are "
        "compared on what the business pays (the cost at the best threshold), not on a 0.5 cut-off that "
        "reweighting or resampling would shift.",
        "",
    ]


def cost_section(runs: TrainingRuns) -> list[str]:
    """The business cost, how the threshold is chosen, and what the model saves against trivial policies."""
    p, m = runs.parent.data.params, runs.parent.data.metrics
    return [
        "## 3. Business cost and decision threshold",
        "",
        f"A defaulter who is granted a loan (false negative) costs {_weight(option_of(p, 'cost_fn'))}; a "
        f"good client who is refused (false positive) costs {_weight(option_of(p, 'cost_fp'))}. The cost per "
        f"applicant is {cost_formula(p)}, so it compares across samples. A client is refused "
        "when the calibrated probability of default is at or above the threshold. The threshold is the one "
        "that minimises this cost over every distinct cut of the out-of-fold calibrated probabilities (exact "
        "search, ties to the threshold refusing fewer clients).",
        "",
        *table(
            ["policy", "cost per applicant"],
            [
                ["accept everyone", fmt(final_of(m, "cost_accept_all"))],
                ["refuse everyone", fmt(final_of(m, "cost_refuse_all"))],
                ["model at threshold 0.5", fmt(final_of(m, "business_cost_at_0_5"))],
                [
                    f"model at optimal threshold {fmt(final_of(m, 'threshold'))}",
                    fmt(final_of(m, "business_cost")),
                ],
            ],
        ),
        "",
        f"Gain over accepting everyone: {fmt(final_of(m, 'gain_over_accept_all'))} per applicant; over "
        f"refusing everyone: {fmt(final_of(m, 'gain_over_refuse_all'))}. At the optimal threshold the model "
        f"refuses {pct(final_of(m, 'recall_defaulters'))} of defaulters (recall), "
        f"{pct(final_of(m, 'precision_defaulters'))} of its refusals are defaulters (precision) and it "
        f"approves {pct(final_of(m, 'approval_rate'))} of applicants.",
        "",
        f"![Cost against threshold](methodology_figures/{logged.COST_VS_THRESHOLD.note_file})",
        "",
        f"![Confusion matrix at the threshold](methodology_figures/{logged.CONFUSION_MATRIX.note_file})",
        "",
    ]


def results(runs: TrainingRuns) -> list[str]:
    """All candidates side by side, then the final configuration and its search."""
    rows = []
    for run in _ordered_candidates(runs):
        m = run.data.metrics
        rows.append(
            [
                _name(run) or run.info.run_id,
                f"{fmt(m.get('roc_auc'))} ± {fmt(m.get('roc_auc_fold_std'))}",
                fmt(m.get("pr_auc")),
                fmt(m.get("business_cost")),
                fmt(m.get("threshold")),
                fmt(m.get("business_cost_at_0_5")),
                pct(m.get("recall_defaulters")),
                pct(m.get("precision_defaulters")),
                pct(m.get("approval_rate")),
                fmt(m.get("fit_seconds"), 1),
            ]
        )
    header = [
        "candidate",
        "ROC AUC ± fold std",
        "PR AUC",
        "cost at optimum",
        "threshold",
        "cost at 0.5",
        "recall (defaulters)",
        "precision (defaulters)",
        "approval rate",
        "CV time (s)",
    ]
    return [
        "## 4. Results of the candidates",
        "",
        "Out-of-fold metrics of every candidate (one nested MLflow run each), cheapest first. The ± is the "
        "standard deviation of the per-fold ROC AUC.",
        "",
        *table(header, rows),
        "",
        *no_better_than_accepting(runs),
        *final_section(runs),
    ]


def no_better_than_accepting(runs: TrainingRuns) -> list[str]:
    """Candidates whose best threshold is to accept everyone: they learnt nothing the business can use."""
    accept_all = final_of(runs.parent.data.metrics, "cost_accept_all")
    if accept_all is None:
        return []
    names = [
        _name(run)
        for run in _ordered_candidates(runs)
        if run.data.metrics.get("business_cost", float("inf")) >= accept_all - 1e-12
    ]
    if not names:
        return []
    return [
        f"No better than accepting everyone (cost {fmt(accept_all)}): {', '.join(f'`{n}`' for n in names)}. "
        "The dummy is the floor by design; any other candidate listed here found no usable signal on this "
        "sample (see its fold std and PR AUC) and should not be read as a verdict on the treatment at full "
        "data size.",
        "",
    ]


def _lightgbm_fit(runs: TrainingRuns) -> str:
    """How the final LightGBM was fitted, from the run's parameters (nothing when it is another model)."""
    params, tags = runs.parent.data.params, runs.parent.data.tags
    if not tags.get(logged.FINAL_CANDIDATE_TAG, "").startswith("lightgbm"):
        return ""
    refit = " and refitted on all its rows" if final_of(params, "refit_factor", "None") != "None" else ""
    return (
        f"The final LightGBM (learning rate {final_of(params, 'learning_rate', 'n/a')}) averages "
        f"{final_of(params, 'seeds', 'n/a')} seed(s), each early-stopped on an inner 15 % split (at most "
        f"{final_of(params, 'max_trees', '2000')} trees){refit}, with "
        "the risk constrained never to rise with an external credit score. "
    )


def final_section(runs: TrainingRuns) -> list[str]:
    """The chosen configuration, its hyperparameter search and per-fold AUC."""
    m, tags = runs.parent.data.metrics, runs.parent.data.tags
    lines = [
        "### Final configuration",
        "",
        f"Chosen: **{tags.get(logged.FINAL_CANDIDATE_TAG, 'n/a')}**. "
        "The cheapest configuration wins unless its "
        "per-fold cost gain over the best ranker (highest ROC AUC) is within one standard error: the cost at "
        "the best threshold is one point of a noisy curve, ROC AUC ranks on all of them. "
        f"This run: {tags.get('chosen_because', 'n/a').removeprefix('chosen: ')}. "
        + _lightgbm_fit(runs)
        + "Cross-validated again on the reporting folds: ROC AUC "
        f"{fmt(final_of(m, 'roc_auc'))} "
        f"± {fmt(final_of(m, 'roc_auc_fold_std'))}, PR AUC {fmt(final_of(m, 'pr_auc'))}, cost "
        f"{fmt(final_of(m, 'business_cost'))} at threshold {fmt(final_of(m, 'threshold'))}.",
        "",
    ]
    if runs.fold_auc:
        lines += ["Per-fold ROC AUC: " + ", ".join(fmt(v) for v in runs.fold_auc) + ".", ""]
    if runs.search is not None:
        sp, sm = runs.search.data.params, runs.search.data.metrics
        lines += [
            f"Hyperparameter search: {sp.get('trials', 'n/a')} Optuna trials on folds seeded "
            f"{sp.get('search_seed', 'n/a')} (not the reporting folds), objective "
            f"{sp.get('objective', 'n/a')}: best {fmt(sm.get('best_search_roc_auc'))} against "
            f"{fmt(sm.get('start_search_roc_auc'))} for the starting settings; adopted: "
            f"{sp.get('adopted', 'n/a')} (only if the paired per-fold gain exceeds one standard error).",
            "",
        ]
    return [*lines, f"![ROC and precision-recall curves](methodology_figures/{logged.ROC_PR.note_file})", ""]


def calibration_section(runs: TrainingRuns) -> list[str]:
    m = runs.parent.data.metrics
    return [
        "## 5. Calibration",
        "",
        "Platt scaling fitted on the out-of-fold raw log-odds: calibrated log-odds = a · raw + b, with "
        f"a = {fmt(final_of(m, 'calibration_a'))} and b = {fmt(final_of(m, 'calibration_b'))}. The map is "
        "monotone (ROC AUC and the best achievable cost are unchanged) and affine on the log-odds scale, so "
        "SHAP contributions stay additive after calibration. Out-of-fold Brier score: "
        f"{fmt(final_of(m, 'brier'))}.",
        "",
        f"![Reliability by decile](methodology_figures/{logged.RELIABILITY.note_file})",
        "",
    ]


def interpretability(runs: TrainingRuns) -> list[str]:
    """Global mean |SHAP| table and figure, and how local explanations stay exact."""
    rows = [
        [row["rank"], f"`{row['feature']}`", fmt(row.get("mean_abs_shap")), pct(row.get("gain_share"))]
        for row in runs.importance[:TOP_FEATURES]
    ]
    return [
        "## 6. Interpretability",
        "",
        "**Global.** Mean |SHAP| over the training applicants (log-odds of default), with the LightGBM gain "
        f"share when the model is a booster (n/a otherwise). Top {len(rows)}:",
        "",
        *table(["rank", "feature", "mean abs SHAP", "gain share"], rows),
        "",
        f"![Global importance](methodology_figures/{logged.GLOBAL_IMPORTANCE.note_file})",
        "",
        "**Local.** For a LightGBM model the app explains each applicant with exact TreeSHAP computed by "
        "LightGBM (`pred_contrib=True`): a base value plus one contribution per feature that sum exactly to "
        "the raw log-odds. Multiplying each contribution by a "
        f"(= {fmt(final_of(runs.parent.data.metrics, 'calibration_a'))}) and mapping the base value to "
        "a · base + b gives contributions that sum to the calibrated log-odds, hence to the probability "
        "shown to the advisor. Other models are explained by a model-agnostic permutation SHAP "
        "(approximate).",
        "",
    ]


def limits(runs: TrainingRuns) -> list[str]:
    """What the note cannot claim, with the run's own numbers where there are some."""
    p, m = runs.parent.data.params, runs.parent.data.metrics
    std, folds = final_of(m, "roc_auc_fold_std"), len(runs.fold_auc)
    error = None if std is None or folds < 2 else std / (folds - 1) ** 0.5
    return [
        "## 8. Limits and improvements",
        "",
        f"- **Sample.** {data_of(p, 'labelled_clients', 'n/a')} labelled applicants, "
        f"{data_of(p, 'defaulters', 'n/a')} defaulters: every metric above carries sampling noise, and the "
        "side tables (bureau, previous applications, instalments, cards) are sparse in the sample: many "
        "applicants have no history there and their aggregates are missing.",
        f"- **Fold noise.** The final model's ROC AUC varies by ± {fmt(std)} across folds (standard "
        f"deviation), i.e. about {fmt(error)} of standard error on the mean: differences between candidates "
        "below this are noise and should not drive a choice on their own (the hyperparameter search adopts "
        "new settings only beyond one paired standard error).",
        "- **Cost weights.** The 10:1 ratio is a business assumption; the threshold must be re-optimised if "
        "it changes (the registry records the weights each model was measured with).",
        fairness_limit(runs),
        "- **Drift.** Production applicants must be monitored against the training data (`make drift`: "
        "feature and score drift report); a material drift triggers re-training and a new note.",
        "",
    ]


# ------------------------------------------------------------------------------------------ governance


def _governance_record(client: MlflowClient, parent: Run, folder: Path) -> GovernanceRecord | None:
    """governance/governance.json of the parent run (None for runs older than the governance audit).

    A damaged or older record is a ContractError (an InputError): the CLI says which file and field."""
    local = _download(client, parent.info.run_id, logged.GOVERNANCE_ARTIFACT, folder)
    if local is None:
        return None
    return GovernanceRecord.read(local)


def _points(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * float(value):.1f} pts"


def governance_section(runs: TrainingRuns) -> list[str]:
    """Calibration by decile, the threshold under other cost ratios, fairness by group, sex as a feature."""
    record = runs.governance
    if record is None:
        return [
            "## 7. Governance: calibration, cost assumptions and fairness",
            "",
            "This run predates the governance audit (no `governance/governance.json`): retrain to have it.",
            "",
        ]
    return [
        "## 7. Governance: calibration, cost assumptions and fairness",
        "",
        "Everything in this section is read from `governance/governance.json` of the parent run, computed "
        f"on the out-of-fold scores of the final configuration ({record.applicants} applicants, never a "
        "score of a row the model was fitted on) and exported with the model (`artifacts/governance.json`), "
        "where the admin's Model page (`/model`) shows the same figures.",
        "",
        *_calibration_table(record.calibration),
        *_ratio_table(record),
        *_fairness_tables(record.fairness),
        *sex_as_a_feature(record, runs.importance),
    ]


def _calibration_table(calibration: CalibrationSummary) -> list[str]:
    rows = [
        [str(k + 1), str(count), pct(predicted), pct(observed), _points(abs(observed - predicted))]
        for k, (count, predicted, observed) in enumerate(
            zip(calibration.count, calibration.mean_predicted, calibration.observed_rate, strict=True)
        )
    ]
    worst = calibration.largest_gap_bin
    return [
        "### 7.1 Calibration by decile",
        "",
        "Applicants sorted by calibrated out-of-fold probability and cut into "
        f"{calibration.bins} groups of equal size; in each, the mean predicted probability against the "
        "observed default rate.",
        "",
        *table(["decile", "applicants", "mean predicted", "observed default rate", "gap"], rows),
        "",
        f"Brier score {fmt(calibration.brier)}. Expected calibration error (gap averaged over deciles, "
        f"weighted by size): {_points(calibration.expected_calibration_error)}; the largest gap, "
        f"{_points(calibration.largest_gap)}, is in decile {worst + 1}. The decision rule compares "
        "the probability with a threshold, so what matters most is calibration around the threshold; the "
        "gap in the top deciles matters less (those applicants are refused either way).",
        "",
    ]


#: Ratios shown in the note's table (the page's slider covers every whole ratio from 1 to 20).
NOTE_RATIOS = (1, 2, 3, 5, 10, 15, 20)


def _ratio_table(record: GovernanceRecord) -> list[str]:
    production = record.cost_fn / record.cost_fp
    rows = [
        [
            f"{row.ratio:g}:1" + (" (production)" if row.ratio == production else ""),
            fmt(row.threshold),
            f"{row.cost_per_1000:.0f}",
            pct(row.approval_rate),
        ]
        for row in record.cost_by_ratio
        if row.ratio in NOTE_RATIOS or row.ratio == production
    ]
    return [
        "### 7.2 The threshold under other cost assumptions",
        "",
        f"The threshold minimises the cost for FN:FP = {production:g}:1, a business assumption. For other "
        "ratios the cost-minimising threshold moves as below (cost in units of one good client refused, per "
        "1,000 applicants, at that ratio's own optimum). For a perfectly calibrated model it would sit at "
        "1 / (1 + ratio); the production threshold only changes through a new training.",
        "",
        *table(["FN:FP", "optimal threshold", "cost per 1,000", "approval rate"], rows),
        "",
        f"![Optimal threshold and cost by ratio](methodology_figures/{logged.COST_BY_RATIO.note_file})",
        "",
    ]


_METRIC_NAMES = {
    "default_rate": "observed default rate",
    "approval_rate": "approval rate",
    "fnr": "defaults accepted (FNR)",
    "fpr": "good clients refused (FPR)",
    "auc": "ROC AUC",
}
_ATTRIBUTE_NAMES = {"gender": "sex", "age_band": "age band"}
_VERDICTS = {
    "flagged": "⚠ beyond tolerance",
    "within": "✓ within tolerance",
    "too_small": "○ too few applicants to judge",
    "context": "— context, not flagged",
}


def _cell_value(metric: str, value: float | None, judged: bool) -> str:
    text = "n/a" if value is None else (fmt(value, 3) if metric == "auc" else pct(value))
    return text if judged or value is None else f"{text} ○"


def tolerance_justification(fairness: Fairness) -> list[str]:
    """Why these tolerances (numbers read from the record, the reasoning is the method's)."""
    tolerances, minimum = fairness.tolerances, fairness.min_count
    four_fifths = tolerances["approval_rate"].limit or 0.0
    errors = 100 * (tolerances["fnr"].limit or 0.0)
    auc = tolerances["auc"].limit or 0.0
    return [
        "**Tolerances and why.** *Approval rate*: flagged when the least approved group's rate is below "
        f"{four_fifths:.0%} of the most approved group's (the four-fifths rule of the US Uniform Guidelines "
        "on Employee Selection Procedures, 29 CFR 1607.4(D), the most widely used quantitative screen for "
        "disparate impact). A ratio, not a difference, so that it is as demanding at 90 % approval as at "
        f"50 %. *Error rates*: flagged beyond {errors:.0f} points between groups, for good clients refused "
        "(the applicant's harm: a creditworthy person denied credit) and for defaults accepted (the lender's "
        f"loss); {errors:.0f} points is the bound commonly used for equal-opportunity and average-odds "
        "differences (the ±0.1 'fair' range of IBM's AI Fairness 360), beyond which one group clearly bears "
        f"more of the model's mistakes. *ROC AUC*: flagged beyond {auc:g}, five times the 0.01 that is noise "
        "on the whole sample: a gap that large means the model ranks one group's risk materially worse. "
        "*Observed default rate*: shown, never flagged: it is what happened, not what the model decided, "
        "and the other gaps must be read against it (a group that defaults more is expected to be refused "
        "more; the four-fifths flag then calls for a documented business justification, it does not prove "
        f"discrimination). *Group size*: a rate is judged only on at least {minimum} applicants in its "
        "denominator (all applicants; defaulters for FNR; repaid clients for FPR; the scarcer class for "
        "AUC), where its standard error is at most 5 points, half the error-rate tolerance; smaller groups "
        "are shown with ○ and never flagged. A flag is a trigger for the model owner's review, not a "
        "verdict; the gap tables give two standard errors of each gap to show whether it stands out of "
        "sampling noise.",
        "",
    ]


def _fairness_tables(fairness: Fairness) -> list[str]:
    lines = [
        "### 7.3 Fairness at the production threshold",
        "",
        f"Decisions at the production threshold {fmt(fairness.threshold)}, by sex (the `CODE_GENDER` "
        "column of the application table, whether or not the model uses it) and by age band (from "
        "`DAYS_BIRTH`). "
        "FNR: share of a group's defaulters the model accepts; FPR: share of its good clients the model "
        "refuses. ○: computed on too few applicants to judge.",
        "",
        *tolerance_justification(fairness),
    ]
    for attribute, audit in fairness.attributes.items():
        name = _ATTRIBUTE_NAMES.get(attribute, attribute)
        rows = [
            [group.group, str(group.n), str(group.defaulters)]
            + [_cell_value(m, group.metric(m), group.judged.get(m, False)) for m in _METRIC_NAMES]
            for group in audit.groups
        ]
        gaps = [
            [
                _METRIC_NAMES[gap.metric],
                _extreme(gap.metric, gap.highest_group, gap.highest),
                _extreme(gap.metric, gap.lowest_group, gap.lowest),
                _gap_size(gap),
                "n/a" if gap.noise is None else _points(gap.noise),
                _VERDICTS[gap.status],
            ]
            for gap in audit.gaps
        ]
        lines += [
            f"**By {name}** (`{audit.source}`).",
            "",
            *table(["group", "applicants", "defaulters", *_METRIC_NAMES.values()], rows),
            "",
            *table(["metric", "highest", "lowest", "largest gap", "2 standard errors", "verdict"], gaps),
            "",
        ]
    flagged = [
        f"{_METRIC_NAMES[g.metric]} by {_ATTRIBUTE_NAMES.get(g.attribute, g.attribute)}"
        for g in fairness.gaps
        if g.status == "flagged"
    ]
    verdict = (
        f"Gaps beyond tolerance: {len(flagged)} ({'; '.join(flagged)}). Each needs the model owner's review: "
        "whether it comes from different observed default rates (then a business justification is "
        "documented) or from the model (then retrain, e.g. without the feature that carries it)."
        if flagged
        else "No gap is beyond tolerance among the groups large enough to judge."
    )
    return [
        *lines,
        verdict,
        "",
        f"![Approval and error rates by group](methodology_figures/{logged.FAIRNESS.note_file})",
        "",
    ]


def _extreme(metric: str, group: str | None, value: float | None) -> str:
    if value is None:
        return "n/a"
    shown = fmt(value, 3) if metric == "auc" else pct(value)
    return f"{group} ({shown})"


def _gap_size(gap: Gap) -> str:
    if gap.gap is None:
        return "n/a"
    if gap.metric == "auc":
        return fmt(gap.gap, 3)
    ratio = f", ratio {gap.ratio:.2f}" if gap.metric == "approval_rate" and gap.ratio is not None else ""
    return _points(gap.gap) + ratio


def _sex_gaps(record: GovernanceRecord) -> str:
    """The sex audit in one sentence, from the record."""
    audit = record.fairness.attributes.get("gender")
    if not audit:
        return "The audit has no breakdown by sex."
    parts = [
        f"{_METRIC_NAMES[g.metric]} {_gap_size(g)} ({_VERDICTS[g.status].split(' ', 1)[1]})"
        for g in audit.gaps
        if g.metric != "default_rate"
    ]
    return "Largest gaps between the sexes: " + "; ".join(parts) + "."


def _importance_of(row: dict[str, str] | None, features: int) -> str:
    """ " (rank 12 of 351 by mean |SHAP|, 0.021)"; a feature no tree splits on says so."""
    if row is None:
        return ""
    shap = float(row.get("mean_abs_shap") or 0.0)
    used = f"{shap:.2g}" if shap > 0 else "0: no tree splits on it"
    return f" (rank {row['rank']} of {features} by mean |SHAP|, {used})"


def sex_as_a_feature(record: GovernanceRecord, importance: list[dict[str, str]]) -> list[str]:
    """Whether the exported model reads sex, from its exported feature list, with the paragraph that fits."""
    from model_training.governance import age_features, gender_features

    names = record.model_features.names
    used = gender_features(names)
    ranks = {row["feature"]: row for row in importance}
    if used:
        described = ", ".join(f"`{name}`" + _importance_of(ranks.get(name), len(names)) for name in used)
        paragraph = (
            f"The exported model reads {len(used)} feature(s) derived from the applicant's sex: {described}. "
            "They are in this version because the feature set keeps every application column; whether they "
            "stay is the model owner's decision, and they should not stay without a documented "
            "justification: Council Directive 2004/113/EC forbids less favourable treatment on grounds of "
            "sex in access to goods and services, financial services included, and since the CJEU's "
            "Test-Achats ruling (C-236/09, 2011) not even actuarially founded differences by sex are "
            "allowed in insurance; the AI Act treats this scoring as high-risk (Annex III 5(b)), with duties "
            "to examine and correct bias "
            f"(Article 10). {_sex_gaps(record)} Recommendation: retrain without them and compare the "
            "cross-validated cost and these gaps; if the cost moves by less than the fold noise, drop them."
        )
    else:
        paragraph = (
            f"None of the exported model's {len(names)} features is derived from the applicant's sex (no "
            "`CODE_GENDER` nor any encoding of it in the exported feature list). Sex is left out because "
            "Council Directive 2004/113/EC forbids less favourable treatment on grounds of sex in access to "
            "goods and services, financial services included (the CJEU's Test-Achats ruling, C-236/09, "
            "removed even the actuarial exception for insurance), and because a refusal must never be "
            "explainable by "
            "the applicant's sex. Leaving the column out does not make the model blind to it: other features "
            "(occupation, income type, family status, car ownership) can stand in for it, which is why the "
            f"audit above still measures outcomes by sex from the application table. {_sex_gaps(record)}"
        )
    ages = age_features(names)
    age_sentence = (
        f"Age enters the model through {len(ages)} feature(s) ({', '.join(f'`{a}`' for a in ages)}); its "
        "effect is what the age-band audit above measures."
        if ages
        else "No feature of the model is derived from the applicant's age."
    )
    return ["### 7.4 Sex as a model feature", "", paragraph, "", age_sentence, ""]


def fairness_limit(runs: TrainingRuns) -> str:
    """The limits' fairness bullet: what the audit found, or that there is none for this run."""
    if runs.governance is None:
        return (
            "- **Fairness.** Outcomes by sex, age and family status have not been studied for this run; an "
            "audit of approval and error rates by group is needed before production use."
        )
    flagged = runs.governance.fairness.flagged
    return (
        f"- **Fairness.** Section 7.3 audits approval and error rates by sex and age band: {flagged} gap(s) "
        "beyond tolerance, each to be reviewed before production use; groups below the size threshold are "
        "not judged, and other grounds (family status, nationality proxies) are not audited yet."
    )


def render(runs: TrainingRuns) -> str:
    """The whole note as markdown."""
    lines = [
        "# Credit-scoring model: methodology note",
        "",
        *summary_fr(runs),
        *provenance(runs),
        *imbalance(runs),
        *cost_section(runs),
        *results(runs),
        *calibration_section(runs),
        *interpretability(runs),
        *governance_section(runs),
        *limits(runs),
    ]
    return "\n".join(lines).rstrip() + "\n"


def write_methodology(out: Path, tracking_uri: str | None = None, run_id: str | None = None) -> Path:
    """Write the note for ``run_id`` (default: the latest finished `train` run) and copy its figures.

    Bad input (no store, no run, a run that is not a training) raises InputError before anything is written.
    """
    out = Path(out)
    uri = tracking_uri or default_uri()
    figures = out.parent / f"{out.stem}_figures"
    runs = load_runs(uri, run_id, figures)
    text = render(runs).replace("methodology_figures/", f"{figures.name}/")
    out.write_text(text, encoding="utf-8")
    return out
