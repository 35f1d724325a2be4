"""The client picker: a search field with typeahead suggestions that opens a client (Dash's All-in-One).

Its layout, its callbacks and its ids live here together. Every id is built from the instance's `aio_id`:
`ids.input("home-picker")` is
`{"component": "client-picker", "subcomponent": "input", "aio_id": "home-picker"}`. The callbacks are
registered once, on `MATCH`, so a page only places an instance: no callback to register, no id suffix to
know. The `aio_id` carries its page's prefix (`home-picker`, `comparison-other`): the access gate reads it
to know which page an instance's callbacks belong to (app/auth/access.py).

An instance either opens `{opens}/<id>` in the page's language, or (without `opens`) only checks the typed id
and publishes it in `ids.chosen(aio_id)` for the page to react to (the comparison's second client).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import dash
import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, State, dcc, hooks, html

from app.i18n import t
from app.services import get_services
from components.navigation import href
from components.widgets import datalist_options

COMPONENT = "client-picker"
INSTANCE = "aio_id"  # the key of a pattern-matching id that names the instance (and so its page)
#: Typeahead suggestions shown while typing.
SUGGESTIONS = 10


def _id(subcomponent: str, aio_id: str | object) -> dict:
    return {"component": COMPONENT, "subcomponent": subcomponent, INSTANCE: aio_id}


def _part(subcomponent: str, doc: str | None = None) -> staticmethod[[str | object], dict]:
    """The id builder of one part: `ids.<part>(aio_id)`."""

    def build(aio_id: str | object) -> dict:
        return _id(subcomponent, aio_id)

    build.__name__ = build.__qualname__ = subcomponent
    build.__doc__ = doc
    return staticmethod(build)


class ids:  # read as a namespace, `ids.input(aio_id)`, as in Dash's All-in-One examples
    """The ids of one instance's parts, for the page that reacts to them (`ids.chosen`) or a test."""

    input = _part("input")
    go = _part("go")
    options = _part("options")
    feedback = _part("feedback")
    chosen = _part(
        "chosen", "A store holding the last client id typed and found (the instance's answer to its page)."
    )
    nav = _part("nav")
    opens = _part("opens")
    lang = _part("lang")


def dom_id(component_id: dict) -> str:
    """The id a pattern-matching id gets in the browser's DOM (Dash writes it as JSON with sorted keys)."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))


def css_selector(component_id: dict) -> str:
    """A CSS selector for one part of an instance (browser tests)."""
    return f"[id={json.dumps(dom_id(component_id))}]"


def client_id_from(value: object) -> int | None:
    """A client id from a URL segment or a typed text; None when it is not a whole number of at most 12
    ASCII digits ("²".isdigit() is true but int("²") fails; 5,000 digits are no id either)."""
    text = str(value if value is not None else "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


class ClientPicker(html.Div):
    """A labelled search field (a native <input> with a <datalist>) and a button, in the page's language.

    A native input keeps the visible label as its accessible name and the browser's own keyboard handling.
    """

    ids = ids

    def __init__(
        self,
        aio_id: str,
        *,
        lang: str,
        label: str,
        button_label: str,
        placeholder: str = "",
        value: int | str | None = None,
        suggestions: Sequence[int | str] = (),
        opens: str | None = None,
    ) -> None:
        # the <label> points at the input's DOM id, which for a pattern-matching id is its JSON
        input_dom_id = dom_id(ids.input(aio_id))
        super().__init__(
            [
                html.Label(label, htmlFor=input_dom_id, className="form-label"),
                html.Div(
                    [
                        dcc.Input(
                            id=ids.input(aio_id),
                            type="search",
                            value="" if value is None else str(value),
                            list=dom_id(ids.options(aio_id)),
                            placeholder=placeholder,
                            inputMode="numeric",
                            autoComplete="off",
                            debounce=False,
                            className="form-control",
                        ),
                        dbc.Button(button_label, id=ids.go(aio_id), color="primary", n_clicks=0),
                    ],
                    className="input-group",
                ),
                html.Datalist(id=ids.options(aio_id), children=datalist_options(suggestions)),
                html.Div(id=ids.feedback(aio_id), className="invalid-feedback d-block", role="status"),
                dcc.Store(id=ids.chosen(aio_id)),
                dcc.Store(id=ids.opens(aio_id), data=opens),
                dcc.Store(id=ids.lang(aio_id), data=lang),
                dcc.Location(id=ids.nav(aio_id), refresh="callback-nav"),
            ],
            className="client-picker mb-3",
        )


# --- callbacks, once for every instance ---------------------------------------------------------------------
# Registered as Dash hooks: every app built after this import gets them (a process may build several apps,
# the tests do), where `dash.callback` would hand them to the first app only. app/server.py imports this
# module before it builds an app.


def suggestions_for(typed: str | None) -> list[int]:
    """The known client ids starting with what was typed (nothing until it is a number)."""
    text = (typed or "").strip()
    return get_services().clients.search_ids(text, SUGGESTIONS) if text.isdigit() else []


@hooks.callback(
    Output(ids.options(MATCH), "children"),
    Input(ids.input(MATCH), "value"),
    prevent_initial_call=True,
)
def suggest(typed: str | None) -> list[html.Option]:
    return datalist_options(suggestions_for(typed))


def check_typed(typed: str | None, lang: str) -> tuple[int | None, str]:
    """(the client id, "") when the typed text names a known client, else (None, what is wrong)."""
    client_id = client_id_from(typed)
    if client_id is None:
        return None, t("picker.not_a_number", lang)
    if get_services().clients.get_client(client_id) is None:
        return None, t("picker.unknown", lang, client_id=client_id)
    return client_id, ""


@hooks.callback(
    Output(ids.nav(MATCH), "href"),
    Output(ids.chosen(MATCH), "data"),
    Output(ids.feedback(MATCH), "children"),
    Input(ids.go(MATCH), "n_clicks"),
    Input(ids.input(MATCH), "n_submit"),
    State(ids.input(MATCH), "value"),
    State(ids.opens(MATCH), "data"),
    State(ids.lang(MATCH), "data"),
    prevent_initial_call=True,
)
def open_client(_clicks: int, _submits: int, typed: str | None, opens: str | None, lang: str):
    client_id, problem = check_typed(typed, lang)
    if client_id is None:
        return dash.no_update, dash.no_update, problem
    return (href(f"{opens}/{client_id}", lang) if opens else dash.no_update), client_id, ""
