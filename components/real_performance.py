"""The real performance of one batch on the model page: a table of the figures observed on matured outcomes,
each with its bootstrap interval beside the cross-validation promise, the cost warning (a symbol and words,
never a colour alone), and the calibration by decile as a table. Real <table>s with captions and headers so
that a screen reader reads them cell by cell.
"""

from __future__ import annotations

from collections.abc import Mapping

from dash import html

from app.i18n import t
from components._format import number, percent
from model_training.batch_performance import ONE_CLASS
from model_training.contract.monitoring import BatchPerformance, Interval

FIGURES = ("roc_auc", "cost", "approval_rate", "default_rate")


def figure_text(figure: str, value: float | None, lang: str) -> str:
    """ROC AUC and cost with three decimals, rates in percent with one; a dash when undefined."""
    if value is None:
        return "–"
    return percent(value, lang, 1) if figure.endswith("_rate") else number(value, lang, 3)


def reason_text(interval: Interval, lang: str) -> str:
    """Why a figure or its interval is missing, in the reader's language."""
    if interval.reason == ONE_CLASS:
        return t("perf.reason.one_class", lang)
    if (interval.reason or "").startswith("too few"):
        return t("perf.reason.too_few", lang)
    return t("perf.reason.none", lang)


def interval_text(figure: str, interval: Interval, lang: str) -> str:
    if interval.low is None or interval.high is None:
        return reason_text(interval, lang)
    return t(
        "perf.interval",
        lang,
        low=figure_text(figure, interval.low, lang),
        high=figure_text(figure, interval.high, lang),
    )


def _table(caption: str, headers: list[str], rows: list[list[str]], table_id: str) -> html.Div:
    head = html.Thead(html.Tr([html.Th(h, scope="col") for h in headers]))
    body = html.Tbody(
        [html.Tr([html.Th(row[0], scope="row"), *(html.Td(cell) for cell in row[1:])]) for row in rows]
    )
    return html.Div(
        html.Table([html.Caption(caption), head, body], className="table table-sm", id=table_id),
        className="table-responsive",
    )


def batch_performance_block(
    record: BatchPerformance, promised: Mapping[str, float | None], lang: str, block_id: str
) -> html.Div:
    """One batch: the figures table, the cost verdict and the calibration by decile.

    `promised`: what cross-validation promised for each figure (None: it promised nothing)."""
    figures = {f: getattr(record, f) for f in FIGURES}
    rows = [
        [
            t(f"perf.{f}", lang),
            figure_text(f, figures[f].value, lang),
            interval_text(f, figures[f], lang),
            figure_text(f, promised.get(f), lang),
        ]
        for f in FIGURES
    ]
    headers = [t(f"perf.col.{c}", lang) for c in ("figure", "observed", "interval", "cv")]
    table = _table(t("perf.table_caption", lang, batch=record.subject), headers, rows, f"{block_id}-figures")
    verdict: list = []
    if record.cost.low is not None and record.cost.high is not None and record.cv_cost is not None:
        if record.cost_warning:
            message = t(
                "perf.cost_warning",
                lang,
                cv=figure_text("cost", record.cv_cost, lang),
                low=figure_text("cost", record.cost.low, lang),
                high=figure_text("cost", record.cost.high, lang),
            )
            verdict = [
                html.P(message, className="alert alert-warning", role="status", id=f"{block_id}-warning")
            ]
        else:
            verdict = [html.P(t("perf.cost_ok", lang), id=f"{block_id}-cost-ok")]
    deciles = [
        [
            str(i),
            number(b.n, lang),
            percent(b.predicted, lang, 1),
            figure_text("observed_rate", b.observed.value, lang),
            interval_text("observed_rate", b.observed, lang),
        ]
        for i, b in enumerate(record.calibration, start=1)
    ]
    calibration = _table(
        t("perf.calibration_caption", lang, batch=record.subject),
        [t(f"perf.col.{c}", lang) for c in ("decile", "n", "predicted", "observed_rate", "interval")],
        deciles,
        f"{block_id}-calibration",
    )
    heading = t(
        "perf.batch",
        lang,
        batch=record.subject,
        n_outcomes=number(record.n_outcomes, lang),
        n=number(record.n, lang),
    )
    return html.Div([html.H3(heading, className="h5"), table, *verdict, calibration], id=block_id)
