"""Every registered callback belongs to the page that defines it, by the ids it writes: the access gate
(app/auth/access.py) judges a callback request by its output ids, so an id that carried another page's prefix,
or none, would let a request slip past the page's audience (an admin page's callback driven by an advisor).

Shared components (the client picker) register their callbacks once, on pattern-matching ids; their instances
are what carry a page's prefix, checked here on every page as it is rendered.

A page's callbacks name their ids through the constants the page declares at its top, each written once, so
that the layout and the callback cannot drift apart.
"""

from __future__ import annotations

import inspect
import json
import sys

import dash
import pytest

from app import create_app
from app.auth import access
from components.client_picker import COMPONENT
from tests.app.test_auth import render
from tests.pages.dash_requests import picker_open, picker_suggestions
from tests.signin import signed_in_client

DASH_OWN = "_pages_"  # the router's components: the gate judges the router by the path it renders


@pytest.fixture(scope="module")
def app(trained_artifacts, app_settings):
    app = create_app(trained_artifacts, app_settings)
    app.server.test_client().get("/login")  # Dash registers its callbacks on the first request
    return app


def outputs(key: str) -> list[object]:
    """The output ids of a callback map key (`..a.x...b.y..` for several; a pattern-matching id is JSON)."""
    specs = key.strip(".").split("...") if key.startswith("..") else [key]
    component_ids = [spec.rsplit(".", 1)[0] for spec in specs]
    return [json.loads(c) if c.startswith("{") else c for c in component_ids]


def defining_module(spec: dict) -> str | None:
    function = spec.get("callback")
    function = getattr(function, "__wrapped__", function)
    return getattr(function, "__module__", None)


def claimed_by(name: str) -> set[access.PageRule]:
    return {rule for rule in access.page_rules() if name.startswith(rule.id_prefix)}


def misplaced(callback_map: dict) -> list[tuple]:
    """The outputs written by a callback that the gate would give to another page than the one defining it."""
    rules = {rule.module: rule for rule in access.page_rules()}
    wrong = []
    for key, spec in callback_map.items():
        module = defining_module(spec)
        for component in outputs(key):
            if isinstance(component, str) and component.startswith(DASH_OWN):
                continue
            if isinstance(component, dict):
                # a shared component's id: registered outside the pages, once for every instance
                if module in rules or component.get(access.INSTANCE) != ["MATCH"]:
                    wrong.append(
                        (key, module, "a pattern-matching output must be a shared component's MATCH")
                    )
                continue
            owners = claimed_by(component)
            if module in rules:
                if owners != {rules[module]}:
                    wrong.append((key, module, component, sorted(rule.module for rule in owners)))
            elif module is not None:
                wrong.append((key, module, component, "a callback outside the pages writes a page's id"))
            elif len(owners) != 1:  # a clientside callback (no module): its page by its ids alone
                wrong.append((key, module, component, sorted(rule.module for rule in owners)))
    return wrong


def test_every_output_id_belongs_to_the_page_that_defines_the_callback(app):
    assert len(app.callback_map) > 10 and misplaced(app.callback_map) == []


def test_an_id_of_another_page_or_of_no_page_is_found(app):
    drift = page("drift").module

    def written_by(module: str):
        def update():
            return None

        update.__module__ = module
        return {"callback": update}

    forged = {
        "client-decision.children": written_by(drift),  # the drift page writing the client page's id
        "summary.children": written_by(drift),  # no page's prefix
        "..drift-x.children...home-y.children..": written_by(drift),
        "comparison-difference.figure": written_by("components.somewhere"),  # outside pages, a page's id
        '{"aio_id":"drift-picker","component":"client-picker","subcomponent":"options"}.children': written_by(
            "components.client_picker"
        ),  # a shared component registered for one instance instead of MATCH
    }
    found = misplaced(forged)
    assert [wrong[0] for wrong in found] == list(forged)


def test_the_gate_finds_the_defining_page_for_every_callback_of_a_page(app):
    """What the gate computes for a request (module and outputs) is that page alone."""
    owners = access.CallbackOwners(app)
    rules = {rule.module: rule for rule in access.page_rules()}
    for key, spec in app.callback_map.items():
        module = defining_module(spec)
        if module not in rules:
            continue
        body = {"output": key, "outputs": [{"id": c, "property": "x"} for c in outputs(key)]}
        assert owners.pages(body) == {rules[module]}, key


def instances(layout: object) -> list[dict]:
    """The pattern-matching ids of shared components' instances in a rendered page's JSON."""
    found = []
    if isinstance(layout, dict):
        component_id = layout.get("id")
        if isinstance(component_id, dict) and access.INSTANCE in component_id:
            found.append(component_id)
        for value in layout.values():
            found += instances(value)
    elif isinstance(layout, list):
        for value in layout:
            found += instances(value)
    return found


def test_every_instance_of_a_shared_component_carries_the_prefix_of_the_page_showing_it(app):
    admin = signed_in_client(app, "admin")
    with app.server.app_context():
        from app.services import get_services

        client_id = int(get_services().clients.production.get_column("SK_ID_CURR")[0])
    pickers = {}
    for rule in access.page_rules():
        if rule.meeting:
            continue  # the meeting page shows no picker; it renders only in a meeting
        path = rule.path.replace("<client_id>", str(client_id))
        answer = render(admin, app, path)
        assert answer.status_code == 200, path
        for component_id in instances(answer.get_json()["response"]):
            assert claimed_by(component_id[access.INSTANCE]) == {rule}, (path, component_id)
            if component_id.get("component") == COMPONENT:
                pickers.setdefault(rule.module.rsplit(".", 1)[-1], set()).add(component_id[access.INSTANCE])
    # every page with a picker shows it as an instance of the one component; the comparison shows two
    assert pickers == {
        "home": {"home-picker"},
        "client": {"client-picker"},
        "explanation": {"explanation-picker"},
        "comparison": {"comparison-picker", "comparison-other"},
        "what_if": {"what-if-picker"},
    }


def page(name: str) -> access.PageRule:
    return next(rule for rule in access.page_rules() if rule.module.rsplit(".", 1)[-1] == name)


def test_a_picker_request_belongs_to_the_page_of_its_instance_only(app):
    owners = access.CallbackOwners(app)
    assert owners.pages(picker_suggestions(app, "home-picker", "10")) == {page("home")}
    # the component's own name ("client-picker") says nothing of the client page
    assert owners.pages(picker_open(app, "what-if-picker", "10", "/what-if")) == {page("what_if")}
    assert owners.pages(picker_suggestions(app, "drift-picker", "10")) == {page("drift")}
    assert owners.pages(picker_suggestions(app, "nobody", "10")) == {access.UNCLAIMED}
    assert owners.pages(picker_suggestions(app, 5, "10")) == {access.UNCLAIMED}


def test_an_advisor_cannot_drive_an_instance_of_an_admin_page_by_naming_it(app):
    advisor, admin = signed_in_client(app, "advisor"), signed_in_client(app, "admin")

    def status(client, aio_id) -> int:
        return client.post("/_dash-update-component", json=picker_suggestions(app, aio_id, "10")).status_code

    assert page("drift").admin
    assert status(advisor, "home-picker") == 200 and status(advisor, "comparison-other") == 200
    assert status(advisor, "drift-picker") == 403  # an admin page's instance
    assert status(advisor, "nobody") == 403 and status(advisor, {"x": 1}) == 403  # no page's instance
    assert status(admin, "drift-picker") == 200 and status(admin, "nobody") == 200
    opened = advisor.post("/_dash-update-component", json=picker_open(app, "model-picker", "1", "/client"))
    assert opened.status_code == 403


def test_the_pages_are_the_registered_pages(app):
    assert {rule.module for rule in access.page_rules()} == set(dash.page_registry)


# --- ids are constants declared by their page ---------------------------------------------------------------


def used_ids(key: str, spec: dict) -> list[object]:
    """Every id a callback map entry names: its outputs, inputs and states (a pattern-matching id is JSON)."""
    named = [*outputs(key), *(item["id"] for item in [*spec.get("inputs", []), *spec.get("state", [])])]
    return [json.loads(c) if isinstance(c, str) and c.startswith("{") else c for c in named]


def declared(module: object) -> set[str]:
    """The strings held by a module's constants (UPPER_CASE names; inside tuples, lists, dicts, and the string
    properties of the records they hold: the what-if page's `Field.input_id`)."""
    found: set[str] = set()

    def collect(value: object) -> None:
        if isinstance(value, str):
            found.add(value)
            return
        if isinstance(value, tuple | list | set | frozenset):
            for item in value:
                collect(item)
        elif isinstance(value, dict):
            for item in [*value.keys(), *value.values()]:
                collect(item)
        for name in dir(type(value)):
            if isinstance(getattr(type(value), name, None), property) and not name.startswith("_"):
                attribute = getattr(value, name)
                if isinstance(attribute, str):
                    found.add(attribute)

    for name, value in vars(module).items():
        if name.isupper() and not name.startswith("_"):
            collect(value)
    return found


def undeclared(callback_map: dict) -> list[tuple]:
    """The ids a page's callback names that are none of that page's constants (nor one of them with a suffix:
    `f"{AFTER}-result"`), or whose string is written again in the page's source besides its declaration (the
    layout and the callback would then drift apart)."""
    rules = {rule.module: rule for rule in access.page_rules()}
    wrong = []
    for key, spec in callback_map.items():
        names = [n for c in used_ids(key, spec) for n in access.id_names(c) if not n.startswith(DASH_OWN)]
        module = defining_module(spec)
        if module is None:  # a clientside callback: its page by its outputs' prefix
            owners = {rule.module for c in outputs(key) for n in access.id_names(c) for rule in claimed_by(n)}
            module = next(iter(owners)) if len(owners) == 1 else None
        if module not in rules:
            continue  # a shared component's callback, on its own ids (checked above by their instances)
        page_module = sys.modules[module]
        source = inspect.getsource(page_module)
        constants = {c for c in declared(page_module) if c.startswith(rules[module].id_prefix)}
        for name in names:
            if name not in constants and not any(name.startswith(f"{c}-") for c in constants):
                wrong.append((key, module, name, "none of the page's constants"))
            elif source.count(f'"{name}"') + source.count(f"'{name}'") > 1:
                wrong.append((key, module, name, "written more than once in the page"))
    return wrong


def test_every_id_a_page_callback_names_is_a_constant_of_that_page(app):
    assert undeclared(app.callback_map) == []


def test_an_id_literal_in_a_page_callback_is_found(app):
    home = page("home").module

    def written_by(module: str):
        def update():
            return None

        update.__module__ = module
        return {"callback": update, "inputs": [{"id": "home-picker", "property": "value"}], "state": []}

    forged = {
        "home-count.children": written_by(home),  # a literal the home page declares nowhere
        # declared by the model page, but its input is the home page's
        "model-cost-curve.figure": written_by(page("model").module),
    }
    found = undeclared(forged)
    assert [(wrong[0], wrong[2]) for wrong in found] == [
        ("home-count.children", "home-count"),
        ("model-cost-curve.figure", "home-picker"),
    ]
