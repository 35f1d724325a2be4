"""The advisor's final decision on a stored application, beside the model's: the decision in force (what, who,
when, followed or overridden, why) and the two ways to record one, "Suivre le modèle" / "Passer outre" with
its mandatory reason. The model's score is never touched: a human decision is a record of its own
(EU AI Act art. 14, human oversight). The page wires the buttons; this module only lays out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import dash_bootstrap_components as dbc
from dash import html

from app.i18n import t
from components.attributes import attributes
from model_training.contract import HumanDecision
from model_training.decision import ACCEPT, REFUSE

_MOMENT = {"fr": "%d/%m/%Y\u00a0%H:%M", "en": "%Y-%m-%d\u00a0%H:%M"}


@dataclass(frozen=True)
class HumanDecisionIds:
    """The panel's parts, named by the page that shows it (ids carry the page's prefix)."""

    section: str
    current: str
    reason: str
    follow: str
    override: str
    feedback: str


def other_decision(decision: str) -> str:
    """What overriding the model decides: the opposite of the model's decision."""
    return REFUSE if decision == ACCEPT else ACCEPT


def decision_words(decision: str, lang: str) -> str:
    return t(f"decision.{decision}", lang)


def moment_text(iso: str, lang: str) -> str:
    """A stored UTC time as the page's language writes it."""
    try:
        return datetime.fromisoformat(iso).strftime(_MOMENT.get(lang, _MOMENT["fr"]))
    except ValueError:
        return iso


def decision_in_force(decision: HumanDecision | None, lang: str) -> list:
    """The decision in force in a few sentences, or that none was recorded."""
    if decision is None:
        return [html.P(t("human.none", lang), className="mb-0")]
    lines = [
        html.P(
            [
                html.Strong(
                    t("human.in_force", lang, decision=decision_words(decision.final_decision, lang))
                ),
                " ",
                t("human.followed" if decision.follows_model else "human.overridden", lang),
            ],
            className="mb-1",
        ),
        html.P(
            t("human.by", lang, name=decision.decided_by, moment=moment_text(decision.decided_at, lang)),
            className="mb-1",
        ),
    ]
    if decision.reason:
        lines.append(html.P(t("human.reason_shown", lang, reason=decision.reason), className="mb-0"))
    return lines


def human_decision_panel(
    ids: HumanDecisionIds, model_decision: str, in_force: HumanDecision | None, lang: str
) -> html.Section:
    """The model's decision, the decision in force, the reason field and the two buttons."""
    heading_id = f"{ids.section}-heading"
    reason = html.Div(
        [
            html.Label(t("human.reason", lang), htmlFor=ids.reason, className="form-label"),
            dbc.Textarea(id=ids.reason, rows=2, maxLength=2000),
            dbc.FormFeedback(type="invalid", id=f"{ids.reason}-feedback"),
        ],
        className="mb-2",
    )
    buttons = html.Div(
        [
            dbc.Button(
                t("human.follow", lang, decision=decision_words(model_decision, lang)),
                id=ids.follow,
                color="primary",
                n_clicks=0,
            ),
            dbc.Button(
                t("human.override", lang, decision=decision_words(other_decision(model_decision), lang)),
                id=ids.override,
                color="secondary",
                outline=True,
                n_clicks=0,
            ),
        ],
        className="d-flex flex-wrap gap-2",
    )
    return html.Section(
        [
            html.H2(t("human.heading", lang), className="h4", id=heading_id),
            html.P(t("human.intro", lang), className="form-text"),
            html.P(t("human.model", lang, decision=decision_words(model_decision, lang))),
            html.Div(
                decision_in_force(in_force, lang),
                id=ids.current,
                className="human-decision border rounded p-3 mb-3",
                role="status",
                **attributes(aria_live="polite"),
            ),
            reason,
            buttons,
            html.Div(id=ids.feedback, className="mt-2", role="status", **attributes(aria_live="polite")),
        ],
        id=ids.section,
        className="hide-in-meeting",
        **attributes(aria_labelledby=heading_id),
    )
