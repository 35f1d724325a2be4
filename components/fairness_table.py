"""The fairness table of one attribute (sex, age band): a row per group, then the largest gap per metric.

Verdicts are a symbol and a word ("⚠ À examiner", "✓ Dans la tolérance"), never a colour alone; a figure
computed on too few applicants to judge carries "○" and says so to screen readers. A real <table> with
row and column headers and a caption, so that it reads cell by cell.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from dash import html
from dash.development.base_component import Component

from components import palette
from components._format import number, percent
from components.attributes import attributes
from model_training.contract.governance_record import AttributeAudit, Gap, GroupMetrics

METRICS = ("default_rate", "approval_rate", "fnr", "fpr", "auc")
STATUS_MARKS = {"flagged": "⚠", "within": palette.ACCEPTED_MARK, "too_small": "○", "context": "—"}
NOT_JUDGED_MARK = "○"


def metric_text(metric: str, value: float | None, lang: str) -> str:
    """A group's figure: rates in percent with one decimal, AUC with three decimals, a dash when undefined."""
    if value is None:
        return "–"
    return number(value, lang, 3) if metric == "auc" else percent(value, lang, 1)


def gap_text(gap: Gap, lang: str, points_label: str, ratio_label: str) -> str:
    """The size of a gap: points for rates (and the lowest/highest ratio for approval), AUC units for AUC."""
    if gap.gap is None:
        return ""
    if gap.metric == "auc":
        return number(gap.gap, lang, 3)
    text = points_label.format(value=number(100 * gap.gap, lang, 1))
    if gap.metric == "approval_rate" and gap.ratio is not None:
        text += " · " + ratio_label.format(value=number(gap.ratio, lang, 2))
    return text


def _group_cell(metric: str, group: GroupMetrics, lang: str, not_judged: str) -> html.Td:
    value: float | None = getattr(group, metric)
    text = metric_text(metric, value, lang)
    if group.judged.get(metric, False) or value is None:
        return html.Td(text, className="text-end")
    mark = html.Span(f" {NOT_JUDGED_MARK}", title=not_judged, **attributes(aria_hidden="true"))
    return html.Td(
        [text, mark, html.Span(f" ({not_judged})", className="visually-hidden")],
        className="text-end fairness-not-judged",
    )


def _gap_cell(gap: Gap, lang: str, words: Mapping[str, str], points_label: str, ratio_label: str) -> html.Td:
    status = gap.status
    verdict = html.Span(
        f"{STATUS_MARKS[status]} {words[status]}", className=f"fairness-verdict fairness-{status}"
    )
    size = gap_text(gap, lang, points_label, ratio_label)
    children: list[str | Component] = [size, html.Br(), verdict] if size else [verdict]
    return html.Td(children, className="text-end", **attributes(data_status=status))


def fairness_table(
    audit: AttributeAudit,
    *,
    table_id: str,
    caption: str,
    headers: Mapping[str, str],
    group_name: Callable[[str], str],
    status_words: Mapping[str, str],
    gap_label: str,
    points_label: str,
    ratio_label: str,
    not_judged: str,
    lang: str = "fr",
) -> html.Table:
    """One attribute's audit (the governance record's ``fairness.attributes[name]``) as a table.

    ``headers``: "group", "n" and one per metric; ``status_words``: "flagged", "within", "too_small",
    "context"; ``points_label`` and ``ratio_label`` are templates with ``{value}``.
    """
    head = html.Thead(
        html.Tr(
            [html.Th(headers["group"], scope="col")]
            + [html.Th(headers[key], scope="col", className="text-end") for key in ("n", *METRICS)]
        )
    )
    rows = [
        html.Tr(
            [
                html.Th(group_name(group.group), scope="row"),
                html.Td(number(group.n, lang), className="text-end"),
                *(_group_cell(metric, group, lang, not_judged) for metric in METRICS),
            ]
        )
        for group in audit.groups
    ]
    gaps = {gap.metric: gap for gap in audit.gaps}
    foot = html.Tfoot(
        html.Tr(
            [html.Th(gap_label, scope="row", colSpan=2)]
            + [
                _gap_cell(gaps[m], lang, status_words, points_label, ratio_label)
                for m in METRICS
                if m in gaps
            ]
        )
    )
    return html.Table(
        [html.Caption(caption), head, html.Tbody(rows), foot],
        id=table_id,
        className="table table-sm caption-top align-middle fairness-table",
    )
