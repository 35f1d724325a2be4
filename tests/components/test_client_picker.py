"""The client picker as one component: its layout, ids built from the instance, callbacks once on MATCH."""

import json

import pytest
from dash import dcc, html

from app import create_app
from app.services import get_services
from components import client_picker as picker
from components.client_picker import (
    COMPONENT,
    ClientPicker,
    check_typed,
    client_id_from,
    ids,
    suggestions_for,
)
from tests.components.test_layout_widgets import walk


def test_the_picker_is_a_labelled_search_field_with_suggestions():
    layout = ClientPicker(
        "home-picker",
        lang="fr",
        label="Client",
        button_label="Ouvrir",
        value=100002,
        suggestions=[100002, 100003],
    )
    field = next(c for c in walk(layout) if isinstance(c, dcc.Input))
    assert (
        field.id
        == ids.input("home-picker")
        == {
            "component": "client-picker",
            "subcomponent": "input",
            "aio_id": "home-picker",
        }
    )
    assert field.value == "100002"
    # the label and the datalist point at the ids the browser sees: Dash writes a dict id as sorted JSON
    label = next(c for c in walk(layout) if isinstance(c, html.Label))
    assert json.loads(label.htmlFor) == field.id and label.htmlFor == picker.dom_id(field.id)
    datalist = next(c for c in walk(layout) if isinstance(c, html.Datalist))
    assert json.loads(field.list) == datalist.id == ids.options("home-picker")
    assert [o.value for o in datalist.children] == ["100002", "100003"]
    assert any(getattr(c, "id", None) == ids.go("home-picker") for c in walk(layout))


def test_every_part_of_an_instance_carries_its_name():
    layout = ClientPicker("comparison-other", lang="en", label="Other", button_label="Open")
    parts = [c.id for c in walk(layout) if isinstance(getattr(c, "id", None), dict)]
    assert len(parts) >= 8 and {part["aio_id"] for part in parts} == {"comparison-other"}
    opens = next(c for c in walk(layout) if getattr(c, "id", None) == ids.opens("comparison-other"))
    assert opens.data is None  # a picker that only chooses: the page reacts to ids.chosen


def test_the_dom_id_is_what_dash_renders():
    assert (
        picker.dom_id(ids.input("a")) == '{"aio_id":"a","component":"client-picker","subcomponent":"input"}'
    )
    assert picker.css_selector(ids.input("a")).startswith('[id="{\\"aio_id\\":\\"a\\"')


def test_the_callbacks_are_registered_once_on_match_for_every_app(app, trained_artifacts, app_settings):
    for built in (app, create_app(trained_artifacts, app_settings)):
        built.server.test_client().get("/login")  # Dash sets its callbacks up on the first request
        mine = [key for key in built.callback_map if COMPONENT in key]
        assert len(mine) == 2 and all('["MATCH"]' in key for key in mine)


@pytest.fixture(scope="module")
def app(trained_artifacts, app_settings):
    app = create_app(trained_artifacts, app_settings)
    with app.server.app_context():
        yield app


def test_typed_ids_are_checked_before_opening(app):
    known = get_services().clients.production.get_column("SK_ID_CURR")[0]
    assert check_typed(str(known), "fr") == (int(known), "")
    client, problem = check_typed("12a", "fr")
    assert client is None and problem
    client, problem = check_typed("1", "en")
    assert client is None and "1" in problem
    assert suggestions_for("abc") == [] and suggestions_for(None) == []
    assert all(str(s).startswith(str(known)[:3]) for s in suggestions_for(str(known)[:3]))
    assert client_id_from(" 100002 ") == 100002 and client_id_from("²") is None
