"""The frame around every page: skip link, navigation bar with the language switch and the signed-in
person's controls (sign out, meeting mode), and <main>.

Pages render it themselves from their own path and language, so the bar is always in step with the page
(no callback needed) and every link keeps the language in the URL (`?lang=en`), which makes any view
shareable as a link. Signing out and entering meeting mode are plain HTML forms posted to the server, each
with its CSRF token.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import dcc, html

from app.i18n import t
from components.attributes import attributes

DEFAULT_LANG = "fr"
MAIN_ID = "main-content"
#: The names of a table pager's controls, written on <main> for assets/table-pager.js (DataTable draws its
#: pager buttons as bare icons, which a screen reader announces as "button").
PAGER_LABELS = ("first_page", "previous_page", "next_page", "last_page", "page_input")


def href(path: str, lang: str, **params: object) -> str:
    """An internal link that keeps the language (omitted for the default, French)."""
    query = {k: v for k, v in params.items() if v is not None}
    if lang != DEFAULT_LANG:
        query = {"lang": lang, **query}
    return f"{path}?{urlencode(query)}" if query else path


@dataclass(frozen=True)
class NavItem:
    """One entry of the navigation bar; `path` None makes it a reserved, disabled slot."""

    key: str
    label: str
    path: str | None
    note: str = ""


@dataclass(frozen=True)
class Account:
    """The signed-in person as the bar shows them, and what its two forms post.

    `meeting_client_id` (on a client's pages) adds the button that shows this client their own view.
    """

    label: str
    logout_label: str
    csrf_token: str
    meeting_label: str = ""
    meeting_help: str = ""
    meeting_client_id: int | None = None


def _hidden(name: str, value: object) -> dcc.Input:
    return dcc.Input(type="hidden", name=name, value=str(value))


def post_form(action: str, fields: dict[str, object], button: html.Button, form_id: str) -> html.Form:
    """A form posted by the browser itself (not a callback): the server answers with a redirect."""
    return html.Form(
        [*(_hidden(name, value) for name, value in fields.items()), button],
        method="post",
        action=action,
        id=form_id,
        className="d-inline",
    )


def account_area(account: Account, lang: str) -> html.Div:
    """Who is signed in, the meeting-mode button (with a client) and sign out."""
    parts: list = [html.Span(account.label, className="small text-white", id="nav-account")]
    if account.meeting_client_id is not None:
        button = html.Button(
            account.meeting_label,
            type="submit",
            className="btn btn-light btn-sm",
            id="nav-meeting",
            title=account.meeting_help,
        )
        fields = {"csrf_token": account.csrf_token, "client_id": account.meeting_client_id, "lang": lang}
        parts.append(post_form("/meeting/start", fields, button, "nav-meeting-form"))
    logout = html.Button(
        account.logout_label, type="submit", className="btn btn-outline-light btn-sm", id="nav-logout"
    )
    parts.append(
        post_form("/logout", {"csrf_token": account.csrf_token, "lang": lang}, logout, "nav-logout-form")
    )
    return html.Div(parts, className="d-flex flex-wrap align-items-center gap-2 ms-2", id="nav-account-area")


def language_switch(
    lang: str, current_path: str, language_label: str, languages: Sequence[tuple[str, str]]
) -> html.Div:
    """Links to this same page in each language, the current one marked."""
    return html.Div(
        [
            dbc.NavLink(
                html.Span(name, lang=code),
                href=href(current_path, code),
                active=code == lang,
                id=f"lang-{code}",
                class_name="px-2",
            )
            for code, name in languages
        ],
        className="nav lang-switch",
        role="group",
        **attributes(aria_label=language_label),
    )


def navigation_bar(
    items: Sequence[NavItem],
    *,
    active: str,
    lang: str,
    current_path: str,
    brand: str,
    nav_label: str,
    language_label: str,
    languages: Sequence[tuple[str, str]] = (("fr", "Français"), ("en", "English")),
    account: Account | None = None,
) -> html.Header:
    """Top bar on two planned rows: the brand with the FR/EN links and the signed-in person's controls, then
    the page links (the current one marked aria-current).

    One row held everything only until an admin opened a client in French: nine links, two languages, a name
    and two buttons wrapped raggedly at 1440 px. Two rows of their own keep each on one line from 1280 px.
    """
    links = [_nav_link(item, active=active, lang=lang) for item in items]
    switch = language_switch(lang, current_path, language_label, languages)
    controls = [switch, account_area(account, lang)] if account else [switch]
    return html.Header(
        html.Nav(
            dbc.Container(
                [
                    html.Div(
                        [
                            dbc.NavLink(brand, href=href("/", lang), class_name="navbar-brand fw-bold py-0"),
                            html.Div(
                                controls,
                                className="d-flex flex-wrap align-items-center gap-2 ms-auto",
                                id="nav-controls",
                            ),
                        ],
                        className="d-flex flex-wrap align-items-center gap-2 w-100",
                    ),
                    html.Ul(links, className="navbar-nav flex-row flex-wrap nav-pages w-100", id="nav-pages"),
                ],
                fluid=True,
                class_name="d-flex flex-column align-items-stretch gap-1",
            ),
            className="navbar navbar-expand-lg app-navbar py-2 hide-in-meeting",
            id="app-navbar",
            **attributes(aria_label=nav_label),
        )
    )


def _nav_link(item: NavItem, *, active: str, lang: str) -> html.Li:
    if item.path is None:
        link = html.Span(
            [item.label, html.Span(f" ({item.note})", className="visually-hidden")]
            if item.note
            else item.label,
            className="nav-link disabled",
            title=item.note or None,
            id=f"nav-{item.key}",
            **attributes(aria_disabled="true"),
        )
    else:
        link = dbc.NavLink(
            item.label, href=href(item.path, lang), active=item.key == active, id=f"nav-{item.key}"
        )
    return html.Li(link, className="nav-item")


def page_frame(
    children: object,
    *,
    header: html.Header,
    lang: str,
    title: str,
    skip_label: str,
) -> html.Div:
    """Skip link, navigation, <main>; data-lang/data-title let assets/page.js set <html lang> and the tab,
    data-table-* let assets/table-pager.js name every table's pager in the page's language."""
    return html.Div(
        [
            html.A(skip_label, href=f"#{MAIN_ID}", className="skip-link"),
            header,
            html.Main(
                dbc.Container(children, fluid="lg", class_name="py-3"),
                id=MAIN_ID,
                tabIndex="-1",
                lang=lang,
                **attributes(data_lang=lang, data_title=title),
                **pager_labels(lang),
            ),
        ],
        className="page",
    )


def pager_labels(lang: str) -> dict[str, Any]:
    """data-table-* attributes: the words for a table pager's buttons and page field, from the catalogue
    (typed as `attributes` says why)."""
    return {f"data-table-{key.replace('_', '-')}": t(f"table.{key}", lang) for key in PAGER_LABELS}
