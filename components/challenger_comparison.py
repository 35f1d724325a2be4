"""Champion against challenger on the Model page: the figures of `app.challenger.compare` as a real <table>
(caption, headers: read cell by cell), and, for admins, the promotion form (its callback, on the Model page,
calls `app.challenger.promote_challenger`: the command's gate and record)."""

from __future__ import annotations

from dash import dcc, html

from app.challenger import SHIFT_QUANTILES, Comparison
from app.i18n import t
from components._format import number, percent, signed
from components.attributes import attributes

SECTION = "model-challenger"
REASON, FORCE, PROMOTE, STATUS, VERSION = (
    f"{SECTION}-{part}" for part in ("reason", "force", "promote", "status", "version")
)


def _table(comparison: Comparison, lang: str) -> html.Table:
    rows: list[tuple[str, str]] = [
        (t("challenger.n", lang), number(comparison.n, lang)),
        (t("challenger.agreement", lang), percent(comparison.agreement or 0.0, lang, 1)),
        (t("challenger.refused_champion_only", lang), number(comparison.refused_by_champion_only, lang)),
        (t("challenger.refused_challenger_only", lang), number(comparison.refused_by_challenger_only, lang)),
        (t("challenger.mean_shift", lang), signed(comparison.mean_shift or 0.0, lang, 4)),
    ]
    quantiles = comparison.shift_quantiles()
    rows += [
        (t("challenger.shift_quantile", lang, q=percent(q, lang, 0)), signed(quantiles[q], lang, 4))
        for q in SHIFT_QUANTILES
    ]
    if (
        comparison.n_outcomes
        and comparison.champion_cost is not None
        and comparison.challenger_cost is not None
    ):
        cost = t(
            "challenger.cost_value",
            lang,
            champion=number(comparison.champion_cost, lang, 3),
            challenger=number(comparison.challenger_cost, lang, 3),
        )
    else:
        cost = t("challenger.no_outcomes", lang)
    rows.append((t("challenger.cost", lang, n=number(comparison.n_outcomes, lang)), cost))
    return html.Table(
        [
            html.Caption(t("challenger.caption", lang)),
            html.Thead(
                html.Tr(
                    [
                        html.Th(t("challenger.col.figure", lang), scope="col"),
                        html.Th(t("challenger.col.value", lang), scope="col"),
                    ]
                )
            ),
            html.Tbody([html.Tr([html.Th(name, scope="row"), html.Td(value)]) for name, value in rows]),
        ],
        className="table table-sm",
        id=f"{SECTION}-table",
    )


def _promotion_form(version: str, lang: str) -> html.Form:
    return html.Form(
        [
            html.H3(t("challenger.promote_title", lang), className="h5"),
            html.Label(t("challenger.reason", lang), htmlFor=REASON, className="form-label"),
            dcc.Input(id=REASON, type="text", className="form-control mb-2", maxLength=500),
            dcc.Checklist(
                id=FORCE,
                options=[{"label": " " + t("challenger.force", lang), "value": "force"}],
                value=[],
                className="mb-2",
            ),
            html.Button(
                t("challenger.promote", lang, version=version),
                id=PROMOTE,
                type="button",
                className="btn btn-dark",
            ),
            dcc.Store(id=VERSION, data=version),
            html.Div(id=STATUS, role="status", className="mt-2"),
        ],
        id=f"{SECTION}-form",
    )


def challenger_section(comparison: Comparison | None, lang: str, artifacts_dir: str = "") -> html.Section:
    """The section: what the challenger changes, on the applications both models scored."""
    title = t("challenger.title", lang)
    children: list = [
        html.H2(title, className="h4", id=f"{SECTION}-heading"),
        html.P(t("challenger.intro", lang)),
    ]
    if comparison is None:
        children.append(
            html.P(t("challenger.none", lang, folder=f"{artifacts_dir}/challenger"), id=f"{SECTION}-none")
        )
    else:
        children.append(
            html.P(
                t(
                    "challenger.versions",
                    lang,
                    champion=comparison.champion.version,
                    challenger=comparison.challenger.version,
                )
            )
        )
        if comparison.n:
            children.append(_table(comparison, lang))
        else:
            children.append(html.P(t("challenger.no_common", lang, version=comparison.challenger.version)))
        children.append(_promotion_form(comparison.challenger.version, lang))
    return html.Section(
        children, className="mb-4", id=SECTION, **attributes(aria_labelledby=f"{SECTION}-heading")
    )
