"""The frame around every page: skip link, navigation bar with the language switch, and <main>.

Pages render it themselves from their own path and language, so the bar is always in step with the page
(no callback needed) and every link keeps the language in the URL (`?lang=en`), which makes any view
shareable as a link.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import html

DEFAULT_LANG = "fr"
MAIN_ID = "main-content"


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
) -> html.Header:
    """Top bar: brand, page links (the current one marked aria-current), and FR/EN links to this same page."""
    links = [_nav_link(item, active=active, lang=lang) for item in items]
    switch = html.Div(
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
        className="nav lang-switch ms-lg-auto",
        role="group",
        **{"aria-label": language_label},
    )
    return html.Header(
        html.Nav(
            dbc.Container(
                [
                    dbc.NavLink(brand, href=href("/", lang), class_name="navbar-brand fw-bold"),
                    html.Ul(links, className="navbar-nav flex-row flex-wrap gap-lg-2 me-lg-3"),
                    switch,
                ],
                fluid=True,
                class_name="d-flex flex-wrap align-items-center gap-2",
            ),
            className="navbar navbar-expand-lg app-navbar py-2 hide-in-meeting",
            id="app-navbar",
            **{"aria-label": nav_label},
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
            **{"aria-disabled": "true"},
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
    """Skip link, navigation, <main>; data-lang/data-title let assets/page.js set <html lang> and the tab."""
    return html.Div(
        [
            html.A(skip_label, href=f"#{MAIN_ID}", className="skip-link"),
            header,
            html.Main(
                dbc.Container(children, fluid="lg", class_name="py-3"),
                id=MAIN_ID,
                tabIndex="-1",
                lang=lang,
                **{"data-lang": lang, "data-title": title},
            ),
        ],
        className="page",
    )
