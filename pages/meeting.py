"""Meeting mode (/meeting/<id>): the screen turned towards the client. Their own score, decision and reasons
in plain words and large type, nothing else: no navigation, no other client, no portfolio; the one comparison
is an aggregate (how often past applications like theirs were not repaid).

The session, not the URL, says which client is shown: the server serves this page only for the client the
manager chose (app/auth/guard.py refuses every other page, callback and client id meanwhile), and leaving
needs the manager's password, posted to `/meeting/leave`. Wrong passwords never lock the screen: past a few,
the next attempt waits a growing delay (app/auth/throttle.py), counted down on screen, the button disabled
meanwhile; an admin can also end the meeting from the audit page.
"""

from __future__ import annotations

import math

import dash
import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, State, clientside_callback, dcc, html

from app import formatting as fmt
from app.audit import record_score
from app.auth.csrf import FIELD, form_token
from app.auth.guard import MEETING_LEAVE, current_session
from app.auth.throttle import meeting_exit_wait
from app.explanation import Explanation
from app.i18n import language
from app.reasons import principal_reasons
from app.recourse import offered_recourse
from components.attributes import attributes
from components.navigation import language_switch, page_frame
from components.recourse_offers import recourse_offers
from components.summary_link import summary_link
from pages._shared import (
    client_id_from,
    decision_badge,
    reason_text,
    risk_sentences,
    score_gauge,
    services,
    t,
)

dash.register_page(
    __name__,
    path_template="/meeting/<client_id>",
    path="/meeting/none",
    name="Rendez-vous",
    title="Votre demande – Prêt à dépenser",
    meeting=True,
)

# --- ids: every one carries the page's prefix (app/auth/access.py) ------------------------------------------
#: the way-out countdown (its clientside callback, at the bottom)
WAIT, WAIT_TICK, WAIT_TEXT = "meeting-wait", "meeting-wait-tick", "meeting-wait-text"
LEAVE = "meeting-leave"

REASONS = 3
SIMILAR_K = 50
ERRORS = ("wrong", "wait", "csrf")


def layout(client_id: str | None = None, lang: str | None = None, error: str | None = None, **_query: object):
    lang = language(lang)
    cid = client_id_from(client_id)
    state = current_session()
    shown = state.meeting_client_id if state is not None else None
    path = f"/meeting/{cid}" if cid is not None else "/meeting/none"
    if shown is None or shown != cid:
        body: list = [
            html.H1(t("meeting.title_generic", lang), className="h2", id="page-title"),
            dbc.Alert(t("meeting.inactive", lang), color="info", id="meeting-inactive"),
        ]
    else:
        wait = math.ceil(meeting_exit_wait(state.identity.name))  # type: ignore[union-attr]
        body = _client_view(shown, lang, error if error in ERRORS else None, wait)
    return page_frame(
        html.Div(body, className="meeting-mode", id="meeting-view"),
        header=_header(lang, path),
        lang=lang,
        title=t("meeting.title", lang),
        skip_label=t("nav.skip", lang),
    )


def _header(lang: str, path: str) -> html.Header:
    """The brand and the language switch only: nothing leads anywhere else."""
    return html.Header(
        html.Div(
            [
                html.Span(t("nav.brand", lang), className="navbar-brand fw-bold text-white"),
                html.Span(t("meeting.badge", lang), className="badge text-bg-light", id="meeting-badge"),
                language_switch(
                    lang,
                    path,
                    t("nav.language", lang),
                    (("fr", t("nav.french", lang)), ("en", t("nav.english", lang))),
                ),
            ],
            className="container-fluid d-flex flex-wrap align-items-center gap-3",
        ),
        className="navbar app-navbar py-2",
        id="meeting-header",
    )


def _client_view(client_id: int, lang: str, error: str | None, wait: int) -> list:
    explanation = services().scoring.explain_client(client_id)
    record_score("score_shown", explanation.score, detail="meeting")  # shown to the client, on screen
    return [
        html.H1(t("meeting.title", lang), className="h2 mb-3", id="page-title"),
        decision_badge(explanation.score, lang, "meeting-decision"),
        html.P(risk_sentences(explanation.score, lang), className="risk-sentence mt-3", id="meeting-risk"),
        summary_link(client_id, lang, "meeting-summary-link"),  # the client's own summary, to take home
        dbc.Row(
            [
                dbc.Col(
                    score_gauge(
                        explanation.score,
                        lang,
                        "meeting-gauge",
                        "meeting-gauge-summary",
                        t("meeting.gauge_title", lang),
                    ),
                    lg=6,
                ),
                dbc.Col(_reasons(explanation, lang), lg=6),
            ],
            class_name="g-4 mt-1",
        ),
        *recourse_offers(offered_recourse(services().scoring, client_id), lang, "meeting-recourse", True),
        _similar(client_id, lang),
        _leave_form(lang, error, wait),
    ]


def _reasons(explanation: Explanation, lang: str) -> html.Section:
    """The principal reasons, one concept each (never the same concept twice), in the same sentences as the
    explanation page and the API: where the client stands and how many points, never a model value."""
    reasons = principal_reasons(explanation, lang, REASONS)
    groups = [
        ("meeting.against", reasons.raising, "reason-raises", "meeting-against"),
        ("meeting.for", reasons.lowering, "reason-lowers", "meeting-for"),
    ]
    return html.Section(
        [
            html.Div(
                [
                    html.H2(t(key, lang), className="h4"),
                    html.Ul(
                        [html.Li(reason_text(r), className=style) for r in items],
                        className="reasons",
                        id=list_id,
                    ),
                ],
                className="mb-3",
            )
            for key, items, style, list_id in groups
            if items
        ],
        id="meeting-reasons",
    )


def _similar(client_id: int, lang: str) -> html.P:
    """One aggregate of past applications close to this one; never a row of any other client."""
    clients = services().clients
    neighbours = clients.similar_clients(client_id, SIMILAR_K)
    rate = clients.observed_default_rate(neighbours)
    overall = clients.observed_default_rate(clients.reference)
    if neighbours is None or rate is None or overall is None:
        return html.P(id="meeting-similar", hidden=True)
    text = t(
        "meeting.similar",
        lang,
        count=fmt.number(len(neighbours), lang),
        rate=fmt.percent(rate, lang),
        overall=fmt.percent(overall, lang),
    )
    return html.P(text, className="mt-3", id="meeting-similar")


def _leave_form(lang: str, error: str | None, wait: int) -> html.Section:
    """For the manager: the password ends meeting mode (a form posted to the server, not a callback).

    During a delay after wrong passwords, the seconds left are counted down on screen (in the browser, no
    request) and the button is disabled; the server enforces the same delay whatever the browser does."""
    if wait:
        after = t("meeting.wait", lang, seconds=wait)
    else:  # refused during a delay that has passed since: say so, rather than nothing
        after = t("meeting.wait_over", lang) if error == "wait" else ""
    countdown = html.Span(after, id=WAIT, **attributes(aria_live="off"))  # the alert is read once
    message = (
        [
            html.Div(
                [
                    t(f"meeting.error.{error}", lang) if error else "",
                    " " if error and after else "",
                    countdown,
                ],
                className="alert alert-warning",
                id="meeting-error",
                role="alert",
            )
        ]
        if error or wait
        else [html.Span(id=WAIT, hidden=True)]  # the countdown's output always exists
    )
    form = html.Form(
        [
            dcc.Input(type="hidden", name=FIELD, value=form_token()),
            dcc.Input(type="hidden", name="lang", value=lang),
            html.Label(t("meeting.password", lang), htmlFor="meeting-password", className="form-label"),
            dcc.Input(
                id="meeting-password",
                type="password",
                name="password",
                autoComplete="current-password",
                required=True,
                className="form-control mb-2",
                style={"maxWidth": "20rem"},
            ),
            html.Button(
                t("meeting.leave", lang),
                type="submit",
                className="btn btn-outline-secondary",
                id=LEAVE,
                disabled=bool(wait),
            ),
            dcc.Store(
                id=WAIT_TEXT,
                data={
                    "seconds": wait,
                    "waiting": t("meeting.wait", lang, seconds="{seconds}"),
                    "over": t("meeting.wait_over", lang),
                },
            ),
            dcc.Interval(id=WAIT_TICK, interval=1000, disabled=not wait, max_intervals=wait + 1),
        ],
        method="post",
        action=MEETING_LEAVE,
        id="meeting-leave-form",
    )
    return html.Section(
        [html.H2(t("meeting.leave_title", lang), className="h6 text-body-secondary"), *message, form],
        className="meeting-leave mt-5 pt-3 border-top",
        **attributes(aria_label=t("meeting.leave_title", lang)),
    )


# The countdown runs in the browser (assets/session.js): no request to the server each second.
clientside_callback(
    ClientsideFunction(namespace="meeting", function_name="countdown"),
    Output(WAIT, "children"),
    Output(LEAVE, "disabled"),
    Input(WAIT_TICK, "n_intervals"),
    State(WAIT_TEXT, "data"),
    prevent_initial_call=True,
)
