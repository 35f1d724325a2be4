"""Data drift (/drift), for the admin: do production applicants still look like the training applicants?

Everything comes from `artifacts/drift/` written by `python -m model_training drift`: the JSON summary is read
at each page load (a few kilobytes, so always in step with a rebuild), the evidently HTML is only fetched when
the admin asks for it, from `/reports/drift.html` (app/drift_report.py): the lighter report in the page (drawn
in about a second), the full one in a new tab. evidently has no French: the page says so, and its own table
names evidently's tests in the page's language. A missing or unreadable summary is
a message saying how to build it, never an error page. Admins only: `admin=True` below makes the server refuse
the page, its callbacks and the report route (`routes`) to anyone else (app/auth/access.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html
from dash.dash_table.DataTable import DataTable  # typed; `dash_table.DataTable` is not
from dash.dash_table.Format import Format, Scheme

from app import formatting as fmt
from app.drift_report import BUILD_COMMAND, FULL_REPORT_URL, REPORT_URL
from app.drift_view import score_shift, sorted_columns
from app.i18n import language
from app.labels import composed_label
from components import palette
from components.figure import FONT_FAMILY
from components.layout import chart_with_summary
from components.score_drift import score_drift
from model_training.contract.drift_summary import ColumnDrift, DriftSide, DriftSummary
from model_training.drift_summary import light_report_path, load_drift_summary, report_path
from model_training.errors import InputError
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
    return frame(
        [badge, intro, *content], lang=lang, active="drift", path="/drift", title=t("drift.title", lang)
    )


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
    """The verdict as a symbol and a word (the alert's colour only repeats it), then counts and provenance."""
    dataset = summary.dataset
    drifted = dataset.drifted
    verdict = (
        f"⚠ {t('drift.drifted', lang)}" if drifted else f"{palette.ACCEPTED_MARK} {t('drift.stable', lang)}"
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
            html.H2(verdict, className="h4 alert-heading", id="drift-verdict"),
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
        style_cell={
            "fontFamily": FONT_FAMILY,
            "fontSize": "0.95rem",
            "padding": "0.35rem 0.5rem",
            "textAlign": "left",
            "whiteSpace": "normal",
            "height": "auto",
        },
        style_header={"fontWeight": "700", "backgroundColor": "#eef2f7", "color": "#212529"},
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
            html.H2(t("drift.table_title", lang), className="h4"),
            html.P(t("drift.table_note", lang), className="text-body-secondary"),
            table,
        ],
        className="mb-4",
    )


# --- the evidently report, on demand ------------------------------------------------------------------------


def _embed(lang: str) -> html.Section:
    heading = html.H2(t("drift.report_title", lang), className="h4")
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
