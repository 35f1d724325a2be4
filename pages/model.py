"""Model governance (/model), for the admin: which model decides, how well, at which threshold, at what
cost for other FN:FP assumptions, how calibrated, how it treats groups of clients, and how it compares with
the other registered versions.

The card comes from serving.json (loaded with the artifacts), the audit from governance.json (read at each
page load: a few kilobytes, always in step with a retraining), the cost curve from the reference clients'
out-of-fold scores (app/governance.py, cached per ratio). Artifacts exported before governance.json existed
still show the card and the cost curve, and say which command builds the rest.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update
from dash.development.base_component import ComponentType

from app import formatting as fmt
from app.auth.guard import current_session
from app.challenger import current_comparison, promote_challenger
from app.governance import (
    BUILD_COMMAND,
    MAKE_COMMAND,
    MAX_RATIO,
    MIN_RATIO,
    MLFLOW_UI_COMMAND,
    GovernanceError,
    ListedVersion,
    cost_curves,
    load_governance,
    mlflow_run_link,
    mlflow_ui_url,
    model_gender_features,
    parse_ratio,
    registry_versions,
    slider_ratio,
)
from app.i18n import language
from app.vocabulary import level_label
from components.attributes import attributes
from components.calibration_curve import calibration_figure
from components.challenger_comparison import FORCE as PROMOTION_FORCE
from components.challenger_comparison import PROMOTE as PROMOTION_BUTTON
from components.challenger_comparison import REASON as PROMOTION_REASON
from components.challenger_comparison import STATUS as PROMOTION_STATUS
from components.challenger_comparison import VERSION as PROMOTION_VERSION
from components.challenger_comparison import challenger_section
from components.cost_curve import cost_curve_figure
from components.fairness_table import fairness_table
from components.layout import chart_with_summary
from components.real_performance import batch_performance_block
from model_training.batch_performance import performance_by_batch
from model_training.contract import GovernanceRecord
from model_training.governance import UNKNOWN
from pages._shared import frame, services, t, threshold_text

dash.register_page(
    __name__,
    path="/model",
    name="Modèle (admin)",
    title="Gouvernance du modèle – Prêt à dépenser",
    order=89,
    admin=True,
)

# --- ids: every one carries the page's prefix (app/auth/access.py) ------------------------------------------
RATIO_ID = "model-ratio"  # the FN:FP cost ratio slider
RATIO_VALUE, RATIO_FEEDBACK = f"{RATIO_ID}-value", f"{RATIO_ID}-feedback"
LANG = "model-lang"
COST_CURVE, COST_CURVE_SUMMARY = "model-cost-curve", "model-cost-curve-summary"
OPTIMAL_THRESHOLD, COST_PER_1000 = "model-optimal-threshold", "model-cost-per-1000"

TICKS = (1, 5, 10, 15, 20)


def layout(lang: str | None = None, **_query: object) -> html.Div:
    lang = language(lang)
    artifacts_dir = services().settings.artifacts_dir
    badge = dbc.Badge(t("model.admin", lang), color="dark", class_name="mb-2", id="model-admin")
    intro = html.P(t("model.intro", lang), className="lead")
    try:
        governance, problem = load_governance(artifacts_dir), None
    except GovernanceError as error:
        governance, problem = None, _problem(t("model.governance_corrupt", lang, problem=str(error)), lang)
    if governance is None and problem is None:
        problem = _problem(t("model.governance_missing", lang), lang)
    sections = [_card(governance, lang), _cost_section(lang), _real_performance(lang)]
    if governance is not None:
        sections += [_calibration(governance, lang), _fairness(governance, lang), _registry(governance, lang)]
    sections.append(challenger_section(current_comparison(services()), lang, str(artifacts_dir)))
    body = [badge, intro, *([problem] if problem else []), *sections, dcc.Store(id=LANG, data=lang)]
    return frame(body, lang=lang, active="model", path="/model", title=t("model.title", lang))


def _problem(message: str, lang: str) -> html.Div:
    command = BUILD_COMMAND.format(artifacts=services().settings.artifacts_dir)
    make, cli = "\0make\0", "\0cli\0"
    before, rest = t("model.how_to", lang, make=make, command=cli).split(make)
    middle, after = rest.split(cli)
    return html.Div(
        [html.P(message), html.P([before, html.Code(MAKE_COMMAND), middle, html.Code(command), after])],
        className="alert alert-secondary",
        id="model-governance-missing",
        role="status",
    )


def _section(title: str, children: list, section_id: str) -> html.Section:
    return html.Section(
        [html.H2(title, className="h4", id=f"{section_id}-heading"), *children],
        className="mb-4",
        id=section_id,
        **attributes(aria_labelledby=f"{section_id}-heading"),
    )


# --- model card ---------------------------------------------------------------------------------------------


def _card(governance: GovernanceRecord | None, lang: str) -> html.Section:
    model = services().artifacts.model
    cv, data = model.cv_metrics, model.training_data
    aliases = ", ".join(_aliases(governance, model.version, model.alias))
    gender = model_gender_features(services().artifacts)
    semicolon = "\u00a0; " if lang == "fr" else "; "  # French puts a no-break space before ";"
    by_fold = semicolon.join(fmt.number(v, lang, 3) for v in cv.roc_auc_by_fold)
    rows: list[tuple[str, ComponentType]] = [
        ("name", model.name),
        ("version", t("model.card.version_value", lang, version=model.version, aliases=aliases or "–")),
        ("run", _run_cell(governance, lang)),
        (
            "data",
            t(
                "model.card.data_value",
                lang,
                rows=fmt.number(data.labelled_clients, lang),
                defaulters=fmt.number(data.defaulters, lang),
                rate=fmt.percent(data.default_rate, lang, 1),
                date=_date_text(model.trained_at, lang),
            ),
        ),
        ("fingerprint", html.Code(data.fingerprint_sha256 or "–", className="text-break")),
        (
            "features",
            t(
                "model.card.features_value",
                lang,
                count=fmt.number(len(model.feature_names), lang),
                gender=", ".join(gender) if gender else t("model.card.none", lang),
            ),
        ),
        (
            "auc",
            t(
                "model.card.auc_value",
                lang,
                auc=fmt.number(cv.roc_auc, lang, 3),
                std=fmt.number(cv.roc_auc_fold_std, lang, 3),
                folds=cv.folds,
                by_fold=by_fold,
            ),
        ),
        (
            "cost",
            t(
                "model.card.cost_value",
                lang,
                cost=fmt.number(cv.business_cost, lang, 3),
                accept_all=fmt.number(cv.cost_accept_all, lang, 3),
            ),
        ),
        ("threshold", t("model.card.threshold_value", lang, threshold=threshold_text(model.threshold, lang))),
        (
            "weights",
            t(
                "model.card.weights_value",
                lang,
                fn=fmt.number(model.cost_fn, lang, 1 if model.cost_fn % 1 else 0),
                fp=fmt.number(model.cost_fp, lang, 1 if model.cost_fp % 1 else 0),
            ),
        ),
        ("brier", fmt.number(cv.brier, lang, 4)),
    ]
    items = []
    for key, value in rows:
        items += [html.Dt(t(f"model.card.{key}", lang)), html.Dd(value, id=f"model-card-{key}")]
    return _section(t("model.card_title", lang), [html.Dl(items, className="client-facts")], "model-card")


def _aliases(governance: GovernanceRecord | None, version: str, exported: str | None) -> list[str]:
    """The version's aliases in the registry snapshot; serving.json's alias for an older export."""
    served = next((v for v in registry_versions(governance) if v.entry.version == version), None)
    if served is not None:
        return list(served.entry.aliases)
    return [exported] if exported else []


def _run_cell(governance: GovernanceRecord | None, lang: str) -> list:
    run_id = services().artifacts.model.run_id
    link = mlflow_run_link(
        run_id,
        governance.tracking if governance else None,
        tracking_uri=services().settings.mlflow_tracking_uri,
        ui_url=mlflow_ui_url(),
    )
    cell: list = [html.Code(run_id or "–")]
    if link:
        cell += [" ", html.A(t("model.card.run_link", lang), href=link, target="_blank", rel="noopener")]
    elif run_id:
        cell += [
            html.Br(),
            html.Span(t("model.card.run_how_to", lang, command=MLFLOW_UI_COMMAND), className="small"),
        ]
    return cell


def _date_text(moment: str | None, lang: str) -> str:
    try:
        return fmt.date_text(datetime.fromisoformat(str(moment)).date(), lang)
    except ValueError:
        return str(moment or "?")


# --- cost curve ---------------------------------------------------------------------------------------------


def _cost_section(lang: str) -> html.Section:
    model = services().artifacts.model
    ratio = slider_ratio(model.cost_fn, model.cost_fp)
    figure, summary, optimal, per_1000 = _cost_view(ratio, lang)
    slider = html.Div(
        [
            html.Label(t("model.ratio_label", lang), htmlFor=RATIO_ID, className="form-label fw-semibold"),
            html.Div(
                [
                    html.Div(
                        [
                            dcc.Input(
                                id=RATIO_ID,
                                type="range",
                                min=MIN_RATIO,
                                max=MAX_RATIO,
                                step=1,
                                value=ratio,
                                list=f"{RATIO_ID}-ticks",
                                className="form-range",
                                debounce=False,
                            ),
                            _tick_labels(),
                        ],
                        className="flex-grow-1",
                    ),
                    html.Output(
                        t("model.ratio_value", lang, ratio=ratio),
                        id=RATIO_VALUE,
                        htmlFor=RATIO_ID,
                        className="fw-bold text-nowrap",
                        **attributes(aria_live="polite"),
                    ),
                ],
                className="d-flex align-items-center gap-3",
            ),
            html.Datalist([html.Option(value=str(v), label=str(v)) for v in TICKS], id=f"{RATIO_ID}-ticks"),
            html.Div(
                t("model.ratio_production", lang, ratio=_ratio_text(model.cost_fn / model.cost_fp, lang)),
                className="form-text",
            ),
            html.Div(id=RATIO_FEEDBACK, className="invalid-feedback d-block", role="status"),
        ],
        className="mb-3",
        style={"maxWidth": "40rem"},
    )
    facts = html.Dl(
        [
            html.Dt(t("model.optimal_label", lang)),
            html.Dd(optimal, id=OPTIMAL_THRESHOLD),
            html.Dt(t("model.cost_label", lang)),
            html.Dd(per_1000, id=COST_PER_1000),
        ],
        className="client-facts mb-3",
    )
    note = html.P(
        t("model.cost_note", lang, threshold=threshold_text(model.threshold, lang)),
        className="alert alert-info",
        id="model-cost-note",
    )
    chart = chart_with_summary(figure, summary, graph_id=COST_CURVE, summary_id=COST_CURVE_SUMMARY)
    return _section(t("model.cost_title", lang), [note, slider, facts, chart], "model-cost")


#: Bootstrap's .form-range thumb is 1rem wide: its centre runs from 0.5rem to 100% − 0.5rem of the track.
THUMB = "1rem"


def tick_position(value: float) -> str:
    """Where the thumb's centre sits for `value`, as a CSS left offset under the track (1, 5, 10, 15, 20 are
    not evenly spaced, and the thumb never reaches the track's very ends)."""
    share = (value - MIN_RATIO) / (MAX_RATIO - MIN_RATIO)
    return f"calc({THUMB} / 2 + (100% - {THUMB}) * {share:.4f})"


def _tick_labels() -> html.Div:
    """The tick values, each under its own position of the track (the datalist draws the tick marks)."""
    return html.Div(
        [html.Span(str(v), className="ratio-tick", style={"left": tick_position(v)}) for v in TICKS],
        className="ratio-ticks small",
        id=f"{RATIO_ID}-tick-labels",
        **attributes(aria_hidden="true"),
    )


def _ratio_text(ratio: float, lang: str) -> str:
    return t("model.ratio_value", lang, ratio=fmt.number(ratio, lang, 0 if float(ratio).is_integer() else 1))


def _cost_view(ratio: int, lang: str):
    """The figure, its summary, the optimal threshold and the cost per 1,000 applicants for one ratio."""
    curve = cost_curves(services().artifacts).curve(ratio)
    optimal = threshold_text(curve.optimum.threshold, lang)
    production = threshold_text(curve.production_threshold, lang)
    figure = cost_curve_figure(
        curve,
        cost_title=t("model.cost_axis", lang),
        approval_title=t("model.approval_axis", lang),
        threshold_title=t("model.threshold_axis", lang),
        cost_name=t("model.cost_name", lang),
        approval_name=t("model.approval_axis", lang),
        optimum_label=t("model.optimum_line", lang),
        production_label=t("model.production_line", lang),
        lang=lang,
    )
    cost = fmt.number(curve.optimum.cost_per_1000, lang)
    per_1000 = t("model.cost_value", lang, cost=cost)  # with its unit: a number alone says nothing
    summary = t(
        "model.cost_summary",
        lang,
        ratio=_ratio_text(ratio, lang),
        threshold=optimal,
        cost=cost,
        approval=fmt.percent(curve.optimum.approval_rate, lang, 1),
        production=production,
        production_cost=fmt.number(1000 * curve.production_cost, lang),
    )
    return figure, summary, optimal, per_1000


@callback(
    Output(COST_CURVE, "figure"),
    Output(COST_CURVE_SUMMARY, "children"),
    Output(OPTIMAL_THRESHOLD, "children"),
    Output(COST_PER_1000, "children"),
    Output(RATIO_VALUE, "children"),
    Output(RATIO_FEEDBACK, "children"),
    Input(RATIO_ID, "value"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def update_cost_curve(value: object, lang: str | None):
    """A new FN:FP ratio: the curve and its optimum for it; the production threshold does not move."""
    lang = language(lang)
    ratio = parse_ratio(value)
    if ratio is None:
        message = t("model.ratio_invalid", lang, min=MIN_RATIO, max=MAX_RATIO)
        return dash.no_update, dash.no_update, dash.no_update, dash.no_update, dash.no_update, message
    figure, summary, optimal, per_1000 = _cost_view(ratio, lang)
    return figure, summary, optimal, per_1000, _ratio_text(ratio, lang), ""


# --- real performance on known outcomes ---------------------------------------------------------------------


def _real_performance(lang: str) -> html.Section:
    """Each batch with matured outcomes, newest name first, against what cross-validation promised."""
    repository, model = services().applications, services().artifacts.model
    cv = model.cv_metrics
    promised = {
        "roc_auc": cv.roc_auc,
        "cost": cv.business_cost,
        "approval_rate": cv.approval_rate,
        "default_rate": model.training_data.default_rate,
    }
    records = performance_by_batch(repository.engine, repository.model)
    blocks: list = [
        batch_performance_block(record, promised, lang, f"model-performance-{i}")
        for i, record in enumerate(sorted(records.values(), key=lambda r: r.subject, reverse=True))
        if record.n_outcomes
    ]
    if not blocks:
        command = "python -m model_training outcomes --file FILE.csv --artifacts ARTIFACTS"
        blocks = [html.P([t("perf.none", lang), " ", html.Code(command)], id="model-performance-none")]
    children = [html.P(t("perf.intro", lang)), *blocks]
    return _section(t("perf.title", lang), children, "model-performance")


# --- calibration --------------------------------------------------------------------------------------------


def _calibration(governance: GovernanceRecord, lang: str) -> html.Section:
    calibration = governance.calibration
    figure = calibration_figure(
        list(calibration.mean_predicted),
        list(calibration.observed_rate),
        list(calibration.count),
        predicted_title=t("model.predicted_axis", lang),
        observed_title=t("model.observed_axis", lang),
        model_name=t("model.model_name", lang),
        perfect_name=t("model.perfect_name", lang),
        count_label=t("model.count_label", lang),
        lang=lang,
    )
    worst = calibration.largest_gap_bin
    summary = t(
        "model.calibration_summary",
        lang,
        brier=fmt.number(calibration.brier, lang, 4),
        ece=fmt.number(100 * (calibration.expected_calibration_error or 0), lang, 1),
        gap=fmt.number(100 * (calibration.largest_gap or 0), lang, 1),
        bin=worst + 1,
        bins=calibration.bins,
        predicted=fmt.percent(calibration.mean_predicted[worst], lang, 1),
        observed=fmt.percent(calibration.observed_rate[worst], lang, 1),
    )
    chart = chart_with_summary(
        figure, summary, graph_id="model-calibration", summary_id="model-calibration-summary"
    )
    return _section(t("model.calibration_title", lang), [chart], "model-calibration-section")


# --- fairness -----------------------------------------------------------------------------------------------

_AGE_KEYS = {"<25": "under_25", "25-34": "25_34", "35-44": "35_44", "45-54": "45_54", "55+": "55_plus"}


def group_name(attribute: str, group: str, lang: str) -> str:
    """A group as a person reads it: "Femme", "25 à 34 ans", "Non renseigné"."""
    if group == UNKNOWN:
        return t("value.missing", lang)
    if attribute == "age_band" and group in _AGE_KEYS:
        return t(f"model.age.{_AGE_KEYS[group]}", lang)
    return level_label(group, lang)


def _fairness(governance: GovernanceRecord, lang: str) -> html.Section:
    audit = governance.fairness
    headers = {"group": t("model.col.group", lang), "n": t("model.col.n", lang)} | {
        m: t(f"model.col.{m}", lang) for m in ("default_rate", "approval_rate", "fnr", "fpr", "auc")
    }
    words = {s: t(f"model.status.{s}", lang) for s in ("flagged", "within", "too_small", "context")}
    tables = [
        html.Div(
            fairness_table(
                attribute_audit,
                table_id=f"model-fairness-{attribute.replace('_', '-')}",
                caption=t(f"model.fairness.{attribute}", lang),
                headers=headers,
                group_name=partial(group_name, attribute, lang=lang),
                status_words=words,
                gap_label=t("model.gap", lang),
                points_label=t("model.points", lang),
                ratio_label=t("model.ratio", lang),
                not_judged=t("model.not_judged", lang, min=audit.min_count),
                lang=lang,
            ),
            className="table-responsive",
        )
        for attribute, attribute_audit in audit.attributes.items()
    ]
    judged = sum(g.status in ("flagged", "within") for g in audit.gaps)
    summary = html.P(
        t("model.fairness_summary", lang, flagged=audit.flagged, judged=judged),
        className="chart-summary",
        id="model-fairness-summary",
    )
    gender = model_gender_features(services().artifacts)
    uses_gender = (
        t("model.gender_feature_yes", lang, features=", ".join(gender))
        if gender
        else t("model.gender_feature_no", lang)
    )
    intro = t(
        "model.fairness_intro",
        lang,
        n=fmt.number(governance.applicants, lang),
        threshold=threshold_text(audit.threshold, lang),
    )
    children = [
        html.P(intro),
        summary,
        *tables,
        html.P(t("model.tolerances", lang, min=audit.min_count), className="small"),
        html.P(uses_gender, id="model-gender-feature"),
    ]
    return _section(t("model.fairness_title", lang), children, "model-fairness")


# --- champion and challengers -------------------------------------------------------------------------------


def _registry(governance: GovernanceRecord, lang: str) -> html.Section:
    versions = registry_versions(governance)
    name = governance.registry.name if governance.registry else services().artifacts.model.name
    if len(versions) < 2:
        body: list = [html.P(t("model.registry_single", lang, name=name), id="model-registry-single")]
        return _section(t("model.registry_title", lang), body, "model-registry")
    head = html.Thead(
        html.Tr(
            [
                html.Th(t(f"model.reg.{key}", lang), scope="col")
                for key in (
                    "version",
                    "role",
                    "created",
                    "candidate",
                    "auc",
                    "cost",
                    "threshold",
                    "weights",
                    "run",
                )
            ]
        )
    )
    rows = [_registry_row(v, lang) for v in versions]
    table = html.Div(
        html.Table(
            [html.Caption(t("model.registry_note", lang)), head, html.Tbody(rows)],
            id="model-registry-table",
            className="table table-sm caption-top align-middle",
        ),
        className="table-responsive",
    )
    champion = next((v.entry for v in versions if v.champion), None)
    latest = versions[0].entry
    summary = t(
        "model.registry_summary",
        lang,
        champion=champion.version if champion else "–",
        champion_cost=fmt.number(champion.cv_business_cost if champion else None, lang, 3),
        latest=latest.version,
        latest_cost=fmt.number(latest.cv_business_cost, lang, 3),
    )
    body = [html.P(summary, className="chart-summary", id="model-registry-summary"), table]
    return _section(t("model.registry_title", lang), body, "model-registry")


def _registry_row(listed: ListedVersion, lang: str) -> html.Tr:
    role = t("model.role.champion" if listed.champion else "model.role.challenger", lang)
    if listed.served:
        role += f" ({t('model.role.served', lang)})"
    version = listed.entry
    auc_text = (
        f"{fmt.number(version.cv_roc_auc, lang, 3)} ± {fmt.number(version.cv_roc_auc_fold_std, lang, 3)}"
    )
    return html.Tr(
        [
            html.Th(version.version, scope="row"),
            html.Td(role),
            html.Td(_date_text(version.created_at, lang)),
            html.Td(version.candidate or "–"),
            html.Td(auc_text),
            html.Td(fmt.number(version.cv_business_cost, lang, 3)),
            html.Td(threshold_text(version.threshold, lang) if version.threshold is not None else "–"),
            html.Td(version.cost_weights or "–"),
            html.Td(html.Code((version.run_id or "–")[:12])),
        ],
        className="fw-bold" if listed.champion else None,
    )


@callback(
    Output(PROMOTION_STATUS, "children"),
    Input(PROMOTION_BUTTON, "n_clicks"),
    State(PROMOTION_REASON, "value"),
    State(PROMOTION_FORCE, "value"),
    State(PROMOTION_VERSION, "data"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def _promote_challenger(
    clicked: int | None, reason: str | None, force: list[str] | None, version: str | None, lang: str | None
):
    """An admin promotes the challenger: the command's gate and record, its refusal said on the page."""
    lang = language(lang)
    if not clicked or not version:
        return no_update
    if not (reason or "").strip():
        return html.P(t("challenger.reason_missing", lang), className="text-danger")
    session = current_session()
    if session is None or not session.identity.is_admin:
        return html.P(t("auth.forbidden", lang), className="text-danger")
    answer = promote_challenger(
        services().settings, str(version), reason or "", bool(force), session.identity.name
    )
    if not answer.promoted:
        return html.P(t("challenger.refused", lang, message=answer.message), className="text-danger")
    return html.Div(
        [html.P(t("challenger.promoted", lang, version=answer.message)), html.Pre("\n".join(answer.lines))]
    )
