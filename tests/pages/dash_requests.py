"""The JSON Dash's renderer posts to /_dash-update-component for the client picker's callbacks: the outputs
and inputs of one instance, by its concrete pattern-matching ids (what a browser sends, or a forger)."""

from __future__ import annotations

from components.client_picker import dom_id, ids


def _key(app, subcomponent: str) -> str:
    """The callback map's key of the picker callback writing `subcomponent` (its ids hold MATCH)."""
    app.server.test_client().get("/login")  # Dash registers its callbacks on the first request
    return next(k for k in app.callback_map if f'"subcomponent":"{subcomponent}"' in k and "MATCH" in k)


def picker_suggestions(app, aio_id: object, typed: str) -> dict:
    """Typing `typed` into the picker instance `aio_id`."""
    typed_input = {"id": ids.input(aio_id), "property": "value", "value": typed}
    return {
        "output": _key(app, "options"),
        "outputs": {"id": ids.options(aio_id), "property": "children"},
        "inputs": [typed_input],
        "state": [],
        "changedPropIds": [f"{dom_id(ids.input(aio_id))}.value"],
    }


def picker_open(app, aio_id: object, typed: str, opens: str | None, lang: str = "fr") -> dict:
    """Pressing the picker's button after typing `typed`."""
    outputs = [
        {"id": ids.nav(aio_id), "property": "href"},
        {"id": ids.chosen(aio_id), "property": "data"},
        {"id": ids.feedback(aio_id), "property": "children"},
    ]
    return {
        "output": _key(app, "feedback"),
        "outputs": outputs,
        "inputs": [
            {"id": ids.go(aio_id), "property": "n_clicks", "value": 1},
            {"id": ids.input(aio_id), "property": "n_submit", "value": None},
        ],
        "state": [
            {"id": ids.input(aio_id), "property": "value", "value": typed},
            {"id": ids.opens(aio_id), "property": "data", "value": opens},
            {"id": ids.lang(aio_id), "property": "data", "value": lang},
        ],
        "changedPropIds": [f"{dom_id(ids.go(aio_id))}.n_clicks"],
    }
