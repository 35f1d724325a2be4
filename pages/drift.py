"""Data drift (/drift), for the admin: do production applicants still look like the training applicants?

First the history: the serving model's drift records of the stored batches (`python -m model_training drift
--all-batches`, read from the store at each page load), batch by batch: the latest verdict (warning when an
important feature drifted even under evidently's dataset rule), the score's PSI trend, the features' grid and
the latest batch's evidently report through the report route (`?batch=KEY`). Then the one-off report below.

Everything comes from `artifacts/drift/` written by `python -m model_training drift`: the JSON summary is read
at each page load (a few kilobytes, so always in step with a rebuild), the evidently HTML is only fetched when
the admin asks for it, from `/reports/drift.html` (app/drift_report.py): the lighter report in the page (drawn
in about a second), the full one in a new tab. evidently has no French: the page says so, and its own table
names evidently's tests in the page's language. A missing or unreadable summary is
a message saying how to build it, never an error page. Admins only: `admin=True` below makes the server refuse
the page, its callbacks and the report route (`routes`) to anyone else (app/auth/access.py).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html
from dash.dash_table.DataTable import DataTable  # typed; `dash_table.DataTable` is not
from dash.dash_table.Format import Format, Scheme

from app import formatting as fmt
from app.drift_report import (
    BATCH_COMMAND,
    BUILD_COMMAND,
    FULL_REPORT_URL,
    REPORT_URL,
    batch_report_file,
    batch_report_url,
)
from app.drift_view import (
    IMPORTANT_FEATURES,
    batch_verdict,
    feature_history,
    history_rows,
    in_order,
    score_shift,
    sorted_columns,
    summary_verdict,
    windows_present,
)
from app.i18n import language
from app.labels import composed_label
from components import palette
from components.drift_history import cell_text, feature_grid, psi_trend
from components.layout import chart_with_summary
from components.score_drift import score_drift
from components.table_style import TABLE_CELL, TABLE_HEADER
from model_training.contract.drift_summary import ColumnDrift, DriftSide, DriftSummary
from model_training.contract.monitoring import BATCH_DRIFT, BatchDrift
from model_training.drift_summary import light_report_path, load_drift_summary, report_path
from model_training.errors import InputError
from model_training.store import applications as store
from pages._shared import frame, probability_text, services, t

dash.register_page(
    __name__,
    path="/drift",
    name="Dérive (admin)",
    title="Dérive des données – Prêt à dépenser",
    order=90,
    admin=True,
    routes=(REPORT_URL,),
)

# --- ids: every one carries the page's prefix (app/auth/access.py) ------------------------------------------
TABLE_ID = "drift-table"
REPORT_SHOW, REPORT_FRAME = "drift-report-show", "drift-report-frame"  # the report loads on demand
LANG = "drift-lang"

MAKE_COMMAND = "make drift"


def layout(lang: str | None = None, **_query: object) -> html.Div:
    lang = language(lang)
    artifacts = services().settings.artifacts_dir
    badge = dbc.Badge(t("drift.admin", lang), color="dark", class_name="mb-2", id="drift-admin")
    intro = html.P(t("drift.intro", lang), className="lead")
    try:
        summary = load_drift_summary(artifacts)
    except InputError as error:
        content = [_problem(t("drift.corrupt", lang, problem=str(error)), lang, "drift-corrupt")]
    else:
        content = (
            [_problem(t("drift.missing", lang, folder=str(artifacts)), lang, "drift-missing")]
            if summary is None
            else _report_view(summary, lang)
        )
    oneoff = html.Section(
        [html.H2(t("drift.oneoff_title", lang), className="h3 mt-4", id="drift-oneoff-title"), *content],
        id="drift-oneoff",
    )
    return frame(
        [badge, intro, dcc.Store(id=LANG, data=lang), drift_history_section(lang), oneoff],
        lang=lang,
        active="drift",
        path="/drift",
        title=t("drift.title", lang),
    )


# --- the history, batch by batch ---------------------------------------------------------------------------

HISTORY_ID = "drift-history"
WINDOW_ID = "drift-window"
HISTORY_VIEW = "drift-history-view"


def _model_text() -> str:
    model = services().applications.model
    return f"{model.name} v{model.version}"


def _records() -> list[BatchDrift]:
    applications = services().applications
    return store.monitoring_records(applications.engine, BATCH_DRIFT, BatchDrift, applications.model)


def drift_history_section(lang: str) -> html.Section:
    """The batches' drift records of the serving model: a window choice when several kinds exist, then the
    latest verdict, the PSI trend, the feature grid and the history table; a clear sentence when none."""
    heading = html.H2(t("drift.history_title", lang), className="h3")
    try:
        records = _records()
    except InputError as error:
        message = t("drift.history_corrupt", lang, problem=str(error))
        alert = html.Div(
            [html.P(message), _history_how_to(lang)],
            className="alert alert-secondary",
            id="drift-history-corrupt",
            role="status",
        )
        return html.Section([heading, alert], id=HISTORY_ID, className="mb-4")
    windows = windows_present(records)
    if not windows:
        return html.Section([heading, _history_empty(lang)], id=HISTORY_ID, className="mb-4")
    intro = html.P(t("drift.history_intro", lang, model=_model_text()), className="text-body-secondary")
    choice: list = []
    if len(windows) > 1:
        choice = [
            html.Div(
                [
                    dbc.Label(t("drift.window", lang), html_for=WINDOW_ID, className="me-2 mb-0"),
                    dbc.RadioItems(
                        id=WINDOW_ID,
                        options=[{"label": t(f"drift.window.{w}", lang), "value": w} for w in windows],
                        value=windows[0],
                        inline=True,
                    ),
                ],
                className="d-flex flex-wrap align-items-center gap-2 mb-3",
                role="group",
            )
        ]
    view = html.Div(history_view(in_order(records, windows[0]), lang), id=HISTORY_VIEW)
    return html.Section([heading, intro, *choice, view], id=HISTORY_ID, className="mb-4")


#: Builds (or builds again: the same records are replaced) the history of every stored batch.
ALL_BATCHES_COMMAND = "python -m model_training drift --all-batches --artifacts {artifacts}"


def _history_how_to(lang: str) -> html.P:
    command = ALL_BATCHES_COMMAND.format(artifacts=services().settings.artifacts_dir)
    before, after = t("drift.history_how_to", lang, command="\0").split("\0")
    return html.P([before, html.Code(command), after], className="mb-0")


def _history_empty(lang: str) -> html.Div:
    names = [b["name"] for b in store.batch_names(services().applications.engine)]
    stored = (
        [html.P(t("drift.history_stored", lang, batches=", ".join(names)), id="drift-history-batches")]
        if names
        else []
    )
    return html.Div(
        [html.P(t("drift.history_empty", lang, model=_model_text())), *stored, _history_how_to(lang)],
        className="alert alert-secondary",
        id="drift-history-empty",
        role="status",
    )


def _period(first: str | None, last: str | None, lang: str) -> str:
    if not first or not last:
        return t("drift.period_unknown", lang)
    first_text, last_text = (fmt.date_text(date.fromisoformat(d[:10]), lang, "short") for d in (first, last))
    return t("drift.period", lang, first=first_text, last=last_text)


def _feature_list(names: tuple[str, ...], lang: str) -> str:
    return ", ".join(column_label(name, lang) for name in names) or t("drift.none", lang)


def history_view(records: list[BatchDrift], lang: str) -> list:
    """One window kind's history, oldest first."""
    rows = history_rows(records)
    latest_record, latest = records[-1], rows[-1]
    found = batch_verdict(latest_record)
    bands = {r: t(f"drift.band.{r}", lang) for r in ("stable", "moderate", "significant")}
    verdict = t(
        "drift.latest",
        lang,
        subject=latest["subject"],
        verdict=t(f"drift.verdict.{found.level}", lang),
    )
    counts = t(
        "drift.latest_counts",
        lang,
        n=fmt.number(latest["n"], lang),
        period=_period(latest["first_received"], latest["last_received"], lang),
        psi=fmt.number(latest["score_psi"], lang, 3),
        reading=bands[latest["reading"]],
        share=fmt.percent(latest["drifted_share"], lang),
    )
    detail = (
        [
            html.P(
                t(
                    "drift.important_detail",
                    lang,
                    count=fmt.number(len(found.drifted_important), lang),
                    top=fmt.number(IMPORTANT_FEATURES, lang),
                    features=_feature_list(found.drifted_important, lang),
                ),
                className="mb-1 fw-semibold",
                id="drift-latest-important",
            )
        ]
        if found.level == "important"
        else []
    )
    banner = html.Div(
        [
            html.H3(verdict, className="h4 alert-heading", id="drift-latest-verdict"),
            *detail,
            html.P(counts, className="mb-1", id="drift-latest-counts"),
            _batch_report_link(latest_record, lang),
        ],
        className=f"alert {'alert-warning' if found.level != 'stable' else 'alert-info'}",
        id="drift-latest",
        role="status",
    )
    subjects = [row["subject"] for row in rows]
    trend = psi_trend(
        subjects,
        [row["score_psi"] for row in rows],
        band_labels=bands,
        axis_title=t("drift.psi_axis", lang),
        batch_title=t("drift.batch_axis", lang),
        name=t("drift.psi_axis", lang),
        lang=lang,
    )
    first = rows[0]
    trend_text = t(
        "drift.trend_summary",
        lang,
        first=fmt.number(first["score_psi"], lang, 3),
        first_subject=first["subject"],
        last=fmt.number(latest["score_psi"], lang, 3),
        last_subject=latest["subject"],
        reading=bands[latest["reading"]],
    )
    return [
        banner,
        chart_with_summary(
            trend,
            trend_text,
            graph_id="drift-history-psi",
            summary_id="drift-history-psi-summary",
            heading=t("drift.trend_title", lang),
        ),
        *_feature_section(records, bands, lang),
        _history_table(rows, bands, lang),
    ]


def _batch_report_link(record: BatchDrift, lang: str) -> html.P:
    """The latest batch's evidently report, opened on demand in a new tab (served by app/drift_report.py)."""
    if batch_report_file(services().settings.artifacts_dir, record.report) is None:
        command = BATCH_COMMAND.format(artifacts=services().settings.artifacts_dir)
        message = t("drift.batch_report_missing", lang, subject=record.subject, command=command)
        return html.P(message, className="mb-0 small", id="drift-batch-report-missing")
    return html.P(
        html.A(
            t("drift.batch_report", lang, subject=record.subject),
            href=batch_report_url(record.key),
            target="_blank",
            rel="noopener",
            id="drift-batch-report",
        ),
        className="mb-0",
    )


def _feature_section(records: list[BatchDrift], bands: dict[str, str], lang: str) -> list:
    history = feature_history(records)
    if not history.features:
        return []
    labels = [column_label(name, lang) for name in history.features]
    grid = feature_grid(
        history.subjects,
        labels,
        history.psi,
        history.drifted,
        band_labels=bands,
        batch_title=t("drift.batch_axis", lang),
        lang=lang,
    )
    last = [row[-1] for row in history.drifted]
    drifted = tuple(name for name, flag in zip(history.features, last, strict=True) if flag)
    count = fmt.number(len(history.features), lang)
    text = (
        t(
            "drift.grid_summary",
            lang,
            subject=history.subjects[-1],
            drifted=fmt.number(len(drifted), lang),
            count=count,
            features=_feature_list(drifted, lang),
        )
        if drifted
        else t("drift.grid_summary_none", lang, subject=history.subjects[-1], count=count)
    )
    header = html.Tr(
        [html.Th(t("drift.col.feature", lang), scope="col")]
        + [html.Th(subject, scope="col") for subject in history.subjects]
    )
    body = [
        html.Tr(
            [html.Th(label, scope="row")]
            + [html.Td(cell_text(p, d, lang)) for p, d in zip(psi_row, drift_row, strict=True)]
        )
        for label, psi_row, drift_row in zip(labels, history.psi, history.drifted, strict=True)
    ]
    table = html.Details(
        [
            html.Summary(t("drift.grid_table", lang)),
            html.Div(
                html.Table(
                    [html.Thead(header), html.Tbody(body)],
                    className="table table-sm drift-grid-table",
                    id="drift-grid-table",
                ),
                className="table-responsive",
            ),
        ],
        className="mb-4",
    )
    return [
        chart_with_summary(
            grid,
            text,
            graph_id="drift-history-grid",
            summary_id="drift-history-grid-summary",
            heading=t("drift.grid_title", lang),
        ),
        html.P(t("drift.grid_note", lang), className="small text-body-secondary", id="drift-grid-note"),
        table,
    ]


def _history_table(rows: list[dict[str, Any]], bands: dict[str, str], lang: str) -> DataTable:
    """The history as text (also what the trend says, for screen readers): newest batch first."""
    data = [
        {
            "subject": row["subject"],
            "period": _period(row["first_received"], row["last_received"], lang),
            "n": fmt.number(row["n"], lang),
            "psi": fmt.number(row["score_psi"], lang, 3),
            "reading": bands[row["reading"]],
            "verdict": t(f"drift.verdict.{row['verdict']}", lang),
            "important": _feature_list(row["drifted_important"], lang),
        }
        for row in reversed(rows)
    ]
    keys = ("subject", "period", "n", "psi", "reading", "verdict", "important")
    return DataTable(
        id="drift-history-table",
        columns=[{"id": key, "name": t(f"drift.col.{key}", lang)} for key in keys],
        data=data,  # type: ignore[arg-type]  # str keys: its dict type is invariant
        page_action="none",
        cell_selectable=False,
        style_table={"overflowX": "auto", "overflowY": "auto", "maxHeight": "24rem"},
        style_cell=TABLE_CELL,
        style_header=TABLE_HEADER,
        style_cell_conditional=[{"if": {"column_id": c}, "textAlign": "right"} for c in ("n", "psi")],
    )


@callback(
    Output(HISTORY_VIEW, "children"),
    Input(WINDOW_ID, "value"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def show_window(window: str, lang: str | None) -> list:
    """Another window kind (month, week): the same views on its records."""
    lang = language(lang)
    records = in_order(_records(), window if isinstance(window, str) else "batch")
    return history_view(records, lang) if records else [_history_empty(lang)]


# --- no usable summary --------------------------------------------------------------------------------------


def _how_to(lang: str) -> html.P:
    command = BUILD_COMMAND.format(artifacts=services().settings.artifacts_dir)
    make, cli = "\0make\0", "\0cli\0"
    template = t("drift.how_to", lang, make=make, command=cli)
    before, rest = template.split(make)
    middle, after = rest.split(cli)
    return html.P([before, html.Code(MAKE_COMMAND), middle, html.Code(command), after], className="mb-0")


def _problem(message: str, lang: str, alert_id: str) -> html.Div:
    return html.Div(
        [html.P(message), _how_to(lang)], className="alert alert-secondary", id=alert_id, role="status"
    )


# --- the report ---------------------------------------------------------------------------------------------


def _report_view(summary: DriftSummary, lang: str) -> list:
    return [
        _banner(summary, lang),
        _score_section(summary, lang),
        _table_section(summary, lang),
        _embed(lang),
    ]


def _banner(summary: DriftSummary, lang: str) -> html.Div:
    """The verdict as a symbol and a word (the alert's colour only repeats it), then counts and provenance;
    no dataset drift yet important features drifted is a warning naming them, never "no drift"."""
    dataset = summary.dataset
    found = summary_verdict(summary)
    drifted = found.level != "stable"
    verdict = {
        "drifted": f"⚠ {t('drift.drifted', lang)}",
        "important": f"⚠ {t('drift.important', lang)}",
        "stable": f"{palette.ACCEPTED_MARK} {t('drift.stable', lang)}",
    }[found.level]
    detail = (
        [
            html.P(
                t(
                    "drift.important_detail",
                    lang,
                    count=fmt.number(len(found.drifted_important), lang),
                    top=fmt.number(IMPORTANT_FEATURES, lang),
                    features=", ".join(column_label(c, lang) for c in found.drifted_important),
                ),
                className="mb-1 fw-semibold",
                id="drift-important",
            )
        ]
        if found.level == "important"
        else []
    )
    counts = t(
        "drift.banner_counts",
        lang,
        drifted=fmt.number(dataset.drifted_columns, lang),
        columns=fmt.number(dataset.columns, lang),
        share=fmt.percent(dataset.drifted_share, lang),
        limit=fmt.percent(dataset.drift_share_threshold, lang),
    )
    return html.Div(
        [
            html.H3(verdict, className="h4 alert-heading", id="drift-verdict"),
            *detail,
            html.P(counts, className="mb-1", id="drift-counts"),
            html.P(_provenance(summary, lang), className="mb-0 small", id="drift-built"),
        ],
        className=f"alert {'alert-warning drift-drifted' if drifted else 'alert-info drift-stable'}",
        id="drift-banner",
        role="status",
    )


def _provenance(summary: DriftSummary, lang: str) -> str:
    data = summary.data
    return t(
        "drift.built",
        lang,
        date=_built_text(summary.built_at, lang),
        folder=data.folder or "?",
        reference=_rows_text(data.reference, lang),
        current=_rows_text(data.current, lang),
    )


def _built_text(built_at: str, lang: str) -> str:
    """ "22 novembre 2026, 16:55 UTC": the summary writes ISO 8601 in UTC."""
    try:
        moment = datetime.fromisoformat(built_at.replace("Z", "+00:00"))
    except ValueError:
        return built_at
    return f"{fmt.date_text(moment.date(), lang)}, {moment:%H:%M} UTC"


def _rows_text(side: DriftSide, lang: str) -> str:
    return fmt.number(side.rows, lang)


# --- score distribution -------------------------------------------------------------------------------------


def _score_section(summary: DriftSummary, lang: str) -> html.Figure:
    artifacts = services().artifacts
    shift = score_shift(
        summary,
        artifacts.reference.get_column("probability").to_numpy(),
        artifacts.production.get_column("probability").to_numpy(),
    )
    figure = score_drift(
        shift.reference,
        shift.current,
        reference_label=t("drift.reference", lang),
        current_label=t("drift.production", lang),
        axis_title=t("drift.risk_axis", lang),
        share_title=t("drift.share_axis", lang),
        lang=lang,
    )
    text = t(
        "drift.score_summary",
        lang,
        psi=fmt.number(shift.psi, lang, 3),
        reading=t(f"drift.psi.{shift.reading}", lang),
        reference=probability_text(shift.reference_mean, lang),
        current=probability_text(shift.current_mean, lang),
    )
    return chart_with_summary(
        figure,
        text,
        graph_id="drift-score",
        summary_id="drift-score-summary",
        heading=t("drift.score_title", lang),
    )


# --- per-column table ---------------------------------------------------------------------------------------


def column_label(column: str, lang: str) -> str:
    """The human name: the model's catalogue first (exported labels), then the naming rules, then words."""
    catalog = services().artifacts.catalog
    if column in catalog:
        return catalog.label(column, lang)
    composed = composed_label(column)
    return composed.label(lang) if composed else column.replace("_", " ").strip().capitalize()


#: evidently's test names (its `display_name`s, and ours for the score) → our catalogue's key.
TEST_NAMES = {
    "Wasserstein distance (normed)": "drift.test.wasserstein",
    "Jensen-Shannon distance": "drift.test.jensen_shannon",
    "K-S p_value": "drift.test.ks",
    "chi-square p_value": "drift.test.chi_square",
    "Z-test p_value": "drift.test.z",
    "PSI": "drift.test.psi",
    "psi_reference_deciles": "drift.test.psi",
}


def test_name(method: str, lang: str) -> str:
    """An evidently test in the page's words; a test this page does not know keeps evidently's name."""
    key = TEST_NAMES.get(method)
    return t(key, lang) if key else method


def table_rows(columns: tuple[ColumnDrift, ...], lang: str) -> list[dict[str, Any]]:
    return [
        {
            "label": column_label(c.column, lang),
            "column": c.column,
            "method": test_name(c.method, lang),
            "score": c.drift_score,
            "threshold": c.threshold,
            "drifted": t("drift.yes" if c.drifted else "drift.no", lang),
            "importance": c.importance,
        }
        for c in sorted_columns(columns)
    ]


def _number_format(lang: str, decimals: int) -> Format:
    number = Format(precision=decimals, scheme=Scheme.fixed)
    return number.decimal_delimiter(",") if lang == "fr" else number


def _table_section(summary: DriftSummary, lang: str) -> html.Section:
    numeric = {"score": 3, "threshold": 3, "importance": 4}
    columns = [
        {
            "id": key,
            "name": t(f"drift.col.{key}", lang),
            **({"type": "numeric", "format": _number_format(lang, numeric[key])} if key in numeric else {}),
        }
        for key in ("label", "column", "method", "score", "threshold", "drifted", "importance")
    ]
    table = DataTable(
        id=TABLE_ID,
        columns=columns,  # type: ignore[arg-type]  # holds dash's own Format objects, not in its TypedDict
        data=table_rows(summary.columns, lang),  # type: ignore[arg-type]  # str keys: its dict type is invariant
        sort_action="native",
        page_action="none",
        cell_selectable=False,
        # every column in one scrolling box (about 140 at Kaggle scale): no page hides a drifted one
        style_table={"overflowX": "auto", "overflowY": "auto", "maxHeight": "32rem"},
        style_cell=TABLE_CELL,
        style_header=TABLE_HEADER,
        style_cell_conditional=[
            {"if": {"column_id": c}, "textAlign": "right"} for c in ("score", "threshold", "importance")
        ]
        + [{"if": {"column_id": "column"}, "fontFamily": "monospace", "color": "#495057"}],
        style_data_conditional=[
            {
                "if": {"filter_query": f'{{drifted}} = "{t("drift.yes", lang)}"'},
                "fontWeight": "700",
                "color": palette.RISKY_TEXT,
            }
        ],
    )
    return html.Section(
        [
            html.H3(t("drift.table_title", lang), className="h4"),
            html.P(t("drift.table_note", lang), className="text-body-secondary"),
            table,
        ],
        className="mb-4",
    )


# --- the evidently report, on demand ------------------------------------------------------------------------


def _embed(lang: str) -> html.Section:
    heading = html.H3(t("drift.report_title", lang), className="h4")
    artifacts = services().settings.artifacts_dir
    if not report_path(artifacts).is_file():
        message = t("drift.report_missing", lang, make=MAKE_COMMAND)
        return html.Section([heading, dbc.Alert(message, color="secondary", id="drift-report-missing")])
    light = light_report_path(artifacts).is_file()
    english = html.P(t("drift.report_english", lang), className="fw-semibold", id="drift-report-english")
    scope = html.P(t("drift.report_light" if light else "drift.report_whole", lang), id="drift-report-scope")
    actions = html.Div(
        [
            dbc.Button(t("drift.report_show", lang), id=REPORT_SHOW, color="primary", n_clicks=0),
            html.A(
                t("drift.report_open_full", lang),
                href=FULL_REPORT_URL,
                target="_blank",
                rel="noopener",
                id="drift-report-full",
            ),
        ],
        className="d-flex flex-wrap align-items-center gap-3 mb-3",
    )
    frame_ = html.Iframe(
        id=REPORT_FRAME,
        title=t("drift.report_frame", lang),
        style={"width": "100%", "height": "45rem", "border": "1px solid #dee2e6", "display": "none"},
    )
    return html.Section([heading, english, scope, actions, frame_], className="mb-4")


@callback(
    Output(REPORT_FRAME, "src"),
    Output(REPORT_FRAME, "style"),
    Input(REPORT_SHOW, "n_clicks"),
    prevent_initial_call=True,
)
def show_report(_clicks: int) -> tuple[str, dict[str, str]]:
    """Only now does the browser fetch the report (megabytes of evidently HTML and scripts); the report shows
    its own "loading" notice until evidently has drawn it."""
    return REPORT_URL, {"width": "100%", "height": "45rem", "border": "1px solid #dee2e6"}
