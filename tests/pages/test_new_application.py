"""The "Nouvelle demande" page and the advisor's decision on the client page, without a browser: the form's
reading of typed text (pages/_new_application_fields.py), then the two callbacks as the Dash renderer posts
them, on an app with its own database (these tests store applications and decisions)."""

from __future__ import annotations

import dataclasses
import json
import sys

import pytest

from app import create_app
from app.audit import EventFilter, audit_log, query_events
from app.validation import DAYS_EMPLOYED_NOT_WORKING
from model_training.credit_file import REQUIRED_APPLICATION_FIELDS, CreditFileError
from model_training.decision import ACCEPT, REFUSE
from pages._new_application_fields import (
    BY_COLUMN,
    FIELDS,
    field_label,
    file_errors,
    read_application,
    read_records,
    translated,
)
from tests.app.test_auth import render
from tests.signin import signed_in_client

#: A complete application as an advisor types it in French (amounts in euros, ages in years).
COMPLETE = {
    "NAME_CONTRACT_TYPE": "Cash loans",
    "AMT_CREDIT": "200 000",
    "AMT_ANNUITY": "10 000,50",
    "AMT_GOODS_PRICE": "180 000",
    "AMT_INCOME_TOTAL": "60 000",
    "NAME_INCOME_TYPE": "Working",
    "DAYS_BIRTH": "40",
    "DAYS_EMPLOYED": "5,5",
    "NAME_EDUCATION_TYPE": "Higher education",
    "NAME_FAMILY_STATUS": "Married",
    "CNT_CHILDREN": "1",
    "CNT_FAM_MEMBERS": "3",
    "NAME_HOUSING_TYPE": "House / apartment",
    "FLAG_OWN_CAR": "N",
    "FLAG_OWN_REALTY": "Y",
}


# --- reading the form ---------------------------------------------------------------------------------------


def test_every_required_field_of_the_credit_file_is_on_the_form_and_marked():
    assert {f.column for f in FIELDS if f.required} == set(REQUIRED_APPLICATION_FIELDS)
    assert not BY_COLUMN["SK_ID_CURR"].required and not BY_COLUMN["AMT_GOODS_PRICE"].required


def test_a_complete_application_is_read_in_kaggle_units():
    fields, errors = read_application(COMPLETE, no_job=False, lang="fr")
    assert errors == {}
    assert fields["AMT_ANNUITY"] == 10_000.5 and fields["CNT_CHILDREN"] == 1
    assert fields["DAYS_BIRTH"] == -14_610 and fields["DAYS_EMPLOYED"] == -2009  # 40 and 5.5 years
    assert "SK_ID_CURR" not in fields  # a new client: the store numbers it
    no_job, _ = read_application({**COMPLETE, "DAYS_EMPLOYED": ""}, no_job=True, lang="fr")
    assert no_job["DAYS_EMPLOYED"] == DAYS_EMPLOYED_NOT_WORKING


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_refused_field_gets_its_own_message_in_the_pages_language(lang):
    typed = {
        **COMPLETE,
        "AMT_CREDIT": "250 000",
        "AMT_INCOME_TOTAL": "beaucoup",
        "DAYS_BIRTH": "12",
        "CNT_CHILDREN": "1,5",
        "AMT_ANNUITY": "300 000",  # above the credit: the validation's rule between fields
        "NAME_HOUSING_TYPE": "Castle",
        "DAYS_EMPLOYED": "5",
    }
    _, errors = read_application(typed, no_job=False, lang=lang)
    assert set(errors) == {
        "AMT_INCOME_TOTAL",
        "DAYS_BIRTH",
        "CNT_CHILDREN",
        "AMT_ANNUITY",
        "NAME_HOUSING_TYPE",
    }
    assert "beaucoup" in errors["AMT_INCOME_TOTAL"]
    assert "18" in errors["DAYS_BIRTH"] and "100" in errors["DAYS_BIRTH"]  # in years, not days
    words = {"fr": "mensualité", "en": "repayment"}[lang]
    assert words in errors["AMT_ANNUITY"].lower() or "annuity" in errors["AMT_ANNUITY"].lower()
    _, missing = read_application({**COMPLETE, "AMT_CREDIT": " ", "DAYS_BIRTH": ""}, no_job=False, lang=lang)
    assert missing["AMT_CREDIT"] == {"fr": "Ce champ est obligatoire.", "en": "This field is required."}[lang]
    assert (
        missing["application"]
        == {
            "fr": "Demande incomplète\u00a0: il manque Montant du crédit, Âge.",
            "en": "Incomplete application: Credit amount, Age missing.",
        }[lang]
    )


def test_side_records_skip_empty_rows_and_name_bad_values_by_form_row():
    rows = {
        1: {"CREDIT_ACTIVE": "Active", "AMT_CREDIT_SUM": "12 000", "DAYS_CREDIT": "2"},
        2: {"CREDIT_ACTIVE": "", "AMT_CREDIT_SUM": " "},  # left empty: no record
        3: {"CREDIT_ACTIVE": "Closed", "AMT_CREDIT_SUM_DEBT": "-5"},
    }
    records, numbers, errors = read_records("bureau", rows, "fr")
    assert numbers == [1, 3] and records[0] == {
        "CREDIT_ACTIVE": "Active",
        "AMT_CREDIT_SUM": 12_000.0,
        "DAYS_CREDIT": -730,
    }
    assert set(errors) == {("bureau", 3, "AMT_CREDIT_SUM_DEBT")}


def test_a_refused_files_messages_go_back_to_their_field_in_the_pages_language():
    missing = ", ".join(REQUIRED_APPLICATION_FIELDS[:2])
    error = CreditFileError(
        {
            "application": f"incomplete application: missing {missing}",
            "bureau[1].CREDIT_DAY_OVERDUE": "input should be less than or equal to 32767",
            "previous_application[0].CNT_PAYMENT": "expected a number, got 'x'",
        }
    )
    placed = file_errors(error, {"bureau": [2, 5], "previous_application": [1]}, "fr")
    summary = placed[("application", None, None)]
    assert (
        summary.startswith("Demande incomplète")
        and field_label(BY_COLUMN["AMT_INCOME_TOTAL"], "fr") in summary
    )
    assert placed[("application", None, "NAME_CONTRACT_TYPE")] == "Ce champ est obligatoire."
    assert placed[("bureau", 5, "CREDIT_DAY_OVERDUE")] == "doit être inférieur ou égal à 32767"  # 2nd record
    assert "nombre attendu" in placed[("previous_application", 1, "CNT_PAYMENT")]
    assert translated("something new", "en") == "something new"  # still names what is wrong
    english = file_errors(error, {"bureau": [2, 5], "previous_application": [1]}, "en")
    assert (
        english[("application", None, None)]
        == "Incomplete application: Contract type, Annual income missing."
    )
    assert english[("bureau", 5, "CREDIT_DAY_OVERDUE")] == "must be at most 32767"


# --- the callbacks, as the browser posts them ---------------------------------------------------------------


@pytest.fixture(scope="module")
def app(tmp_path_factory, trained_artifacts, app_settings):
    folder = tmp_path_factory.mktemp("new_application")
    settings = dataclasses.replace(app_settings, database_url=f"sqlite:///{folder / 'app.db'}")
    app = create_app(trained_artifacts, settings)
    with app.server.app_context():
        yield app


@pytest.fixture(scope="module")
def page(app):
    """The page's module, as Dash imported it when the app was built (its ids are its constants)."""
    return _module("new_application")


@pytest.fixture(scope="module")
def client_page(app):
    return _module("client")


def _module(name: str):
    return next(m for n, m in sys.modules.items() if n.rsplit(".", 1)[-1] == name and hasattr(m, "layout"))


def _callback(app, output: str) -> tuple[str, dict]:
    app.server.test_client().get("/login")  # Dash registers its callbacks on the first request
    key = next(k for k in app.callback_map if output in k.strip(".").split("..."))
    return key, app.callback_map[key]


def _outputs(key: str) -> list[dict]:
    return [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in key.strip(".").split("...")]


def submit_body(
    app,
    page,
    typed: dict[str, str],
    records: dict[str, dict[int, dict[str, str]]] | None = None,
    form_key: str = "a-form",
) -> dict:
    """Pressing "Enregistrer" with `typed` in the application's fields and `records` (table → form row →
    column → text) in the side records."""
    key, spec = _callback(app, f"{page.SUMMARY}.children")
    by_id = {f.input_id: typed.get(f.column, "") for f in FIELDS}
    by_id |= {page.NO_JOB: False, page.LANG: "fr", page.FORM_KEY: form_key}
    state: list = []
    for item in spec["state"]:
        if item["id"].startswith("{"):
            kind = json.loads(item["id"])["type"]
            table = next(t for t, name in page.RECORD.items() if name == kind)
            state.append(
                [
                    {"id": page.record_field_id(table, row, column), "property": "value", "value": value}
                    for row, values in (records or {}).get(table, {}).items()
                    for column, value in values.items()
                ]
            )
        else:
            state.append({**item, "value": by_id[item["id"]]})
    inputs = [{"id": page.SUBMIT, "property": "n_clicks", "value": 1}]
    return {
        "output": key,
        "outputs": _outputs(key),
        "inputs": inputs,
        "state": state,
        "changedPropIds": [f"{page.SUBMIT}.n_clicks"],
    }


def decide_body(app, client_page, application: dict, button: str, reason: str | None) -> dict:
    key, _ = _callback(app, f"{client_page.HUMAN.current}.children")
    return {
        "output": key,
        "outputs": _outputs(key),
        "inputs": [
            {"id": client_page.HUMAN.follow, "property": "n_clicks", "value": int(button == "follow")},
            {"id": client_page.HUMAN.override, "property": "n_clicks", "value": int(button == "override")},
        ],
        "state": [
            {"id": client_page.HUMAN.reason, "property": "value", "value": reason},
            {"id": client_page.APPLICATION, "property": "data", "value": application},
            {"id": client_page.LANG, "property": "data", "value": "fr"},
        ],
        "changedPropIds": [f"{getattr(client_page.HUMAN, button)}.n_clicks"],
    }


def _database(app) -> str:
    from app.services import get_services

    return get_services().settings.database_url


def test_the_page_renders_for_both_roles_and_is_in_the_navigation(app, page):
    for role in ("advisor", "admin"):
        answer = render(signed_in_client(app, role), app, "/new-application")
        assert answer.status_code == 200
        text = json.dumps(answer.get_json())
        assert page.SUBMIT in text and "nav-new_application" in text


def test_a_complete_application_is_stored_scored_audited_and_opens_on_its_client_page(app, page):
    from app.services import get_services

    applications = get_services().applications
    before = applications.frame().height
    records = {"bureau": {1: {"CREDIT_ACTIVE": "Active", "AMT_CREDIT_SUM": "15 000", "DAYS_CREDIT": "1"}}}
    answer = signed_in_client(app).post(
        "/_dash-update-component", json=submit_body(app, page, COMPLETE, records)
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    href = answer.get_json()["response"][page.LOCATION]["href"]
    client_id = int(href.removeprefix("/client/"))
    assert applications.frame().height == before + 1
    stored = applications.read(applications.application_id(client_id))
    assert stored is not None and (stored.source, stored.received_by) == ("form", "test-advisor")
    audit_log().flush()
    events = query_events(EventFilter(kind="application_submitted"), url=_database(app)).rows
    assert [e["client_id"] for e in events] == [client_id]
    assert events[0]["probability"] == pytest.approx(stored.scores[-1].probability)


def test_a_form_pressed_twice_stores_its_application_once(app, page):
    """A double click, or a retry after a lost answer: the form's key makes the store give the first one."""
    from app.services import get_services

    applications = get_services().applications
    before = applications.frame().height
    advisor = signed_in_client(app)
    body = submit_body(app, page, COMPLETE, form_key="pressed-twice")
    first, second = (advisor.post("/_dash-update-component", json=body).get_json() for _ in range(2))
    assert first["response"][page.LOCATION] == second["response"][page.LOCATION]
    assert applications.frame().height == before + 1
    other = submit_body(app, page, {**COMPLETE, "CNT_CHILDREN": "2"}, form_key="pressed-twice")
    refused = advisor.post("/_dash-update-component", json=other).get_json()["response"]
    assert "déjà enregistré" in json.dumps(refused[page.SUMMARY], ensure_ascii=False)
    assert applications.frame().height == before + 1


def test_an_incomplete_application_is_refused_naming_the_missing_fields_and_stores_nothing(app, page):
    from app.services import get_services

    applications = get_services().applications
    before = applications.frame().height
    typed = {k: v for k, v in COMPLETE.items() if k not in ("AMT_INCOME_TOTAL", "NAME_FAMILY_STATUS")}
    answer = signed_in_client(app).post("/_dash-update-component", json=submit_body(app, page, typed))
    response = answer.get_json()["response"]
    assert page.LOCATION not in response and applications.frame().height == before
    summary = json.dumps(response[page.SUMMARY], ensure_ascii=False)
    assert "Demande incomplète" in summary and "Revenu annuel, Situation familiale" in summary
    income = BY_COLUMN["AMT_INCOME_TOTAL"].input_id
    assert response[income]["invalid"] is True and response[f"{income}-feedback"]["children"]


def test_a_value_the_credit_file_refuses_is_said_in_its_record_and_stores_nothing(app, page):
    from app.services import get_services

    applications = get_services().applications
    before = applications.frame().height
    records = {"bureau": {1: {}, 2: {"CREDIT_ACTIVE": "Active", "CREDIT_DAY_OVERDUE": "99999"}}}  # > int16
    answer = signed_in_client(app).post(
        "/_dash-update-component", json=submit_body(app, page, COMPLETE, records)
    )
    response = answer.get_json()["response"]
    assert page.LOCATION not in response and applications.frame().height == before
    summary = json.dumps(response[page.SUMMARY], ensure_ascii=False)
    assert "Crédit déclaré n°\u00a02 · Jours de retard" in summary and "inférieur ou égal à 32767" in summary
    bureau = json.dumps(response[page.RECORD_LIST["bureau"]], ensure_ascii=False)
    assert "inférieur ou égal à 32767" in bureau  # under the field, in the record it names


def test_a_record_removed_leaves_the_others_as_typed(app, page):
    from components.client_picker import dom_id

    app.server.test_client().get("/login")
    remove = page.RECORD_REMOVE["bureau"]
    key = next(k for k, spec in app.callback_map.items() if remove in spec["inputs"][0]["id"] and "list" in k)
    typed = {1: "1 000", 2: "2 000", 3: "3 000"}
    pressed = {"type": remove, "row": 2}
    body = {
        "output": key,
        "outputs": dict(zip(("id", "property"), key.rsplit(".", 1), strict=True)),
        "inputs": [
            [{"id": {"type": remove, "row": r}, "property": "n_clicks", "value": int(r == 2)} for r in typed]
        ],
        "state": [
            [
                {"id": page.record_field_id("bureau", r, "AMT_CREDIT_SUM"), "property": "value", "value": v}
                for r, v in typed.items()
            ],
            {"id": page.LANG, "property": "data", "value": "fr"},
        ],
        "changedPropIds": [f"{dom_id(pressed)}.n_clicks"],
    }
    answer = signed_in_client(app).post("/_dash-update-component", json=body)
    records = answer.get_json()["response"][page.RECORD_LIST["bureau"]]["children"]
    assert [r["props"]["id"] for r in records] == ["new-application-bureau-1", "new-application-bureau-3"]
    shown = json.dumps(records, ensure_ascii=False)
    assert "1 000" in shown and "3 000" in shown and "2 000" not in shown
    body["inputs"][0][1]["value"] = 0  # a record drawn with its new button: nothing pressed
    unchanged = signed_in_client(app).post("/_dash-update-component", json=body)
    assert page.RECORD_LIST["bureau"] not in (unchanged.get_json() or {}).get("response", {})


def test_an_override_needs_a_reason_and_both_decisions_are_shown_and_audited(app, client_page):
    from app.services import get_services

    applications = get_services().applications
    client_id = int(applications.frame()["SK_ID_CURR"][0])
    application_id = applications.application_id(client_id)
    stored = applications.read(application_id)
    model = stored.scores[-1]
    data = {
        "client_id": client_id,
        "application_id": application_id,
        "model_decision": model.decision,
        "probability": model.probability,
    }
    advisor = signed_in_client(app)
    refused = advisor.post(
        "/_dash-update-component", json=decide_body(app, client_page, data, "override", "  ")
    ).get_json()
    assert refused["response"][client_page.HUMAN.reason]["invalid"] is True
    assert "motif" in refused["response"][f"{client_page.HUMAN.reason}-feedback"]["children"]
    assert applications.read(application_id).human_decision is None  # nothing recorded

    done = advisor.post(
        "/_dash-update-component", json=decide_body(app, client_page, data, "override", "Garant solide")
    )
    shown = json.dumps(done.get_json()["response"][client_page.HUMAN.current], ensure_ascii=False)
    assert "Garant solide" in shown and "passé outre" in shown
    decision = applications.read(application_id).human_decision
    other = REFUSE if model.decision == ACCEPT else ACCEPT
    assert (decision.final_decision, decision.follows_model, decision.reason) == (
        other,
        False,
        "Garant solide",
    )
    assert applications.read(application_id).scores[-1] == model  # the model's output is unchanged
    audit_log().flush()
    events = query_events(EventFilter(kind="human_decision", client_id=client_id), url=_database(app)).rows
    assert events and events[0]["decision"] == other and "Garant solide" in events[0]["detail"]


def test_the_decision_panel_is_for_stored_applications_only(app, client_page):
    from app.services import get_services

    services = get_services()
    production = int(services.applications.frame()["SK_ID_CURR"][-1])
    reference = int(services.clients.reference["SK_ID_CURR"][0])
    advisor = signed_in_client(app)
    assert client_page.HUMAN.follow in json.dumps(render(advisor, app, f"/client/{production}").get_json())
    assert client_page.HUMAN.follow not in json.dumps(render(advisor, app, f"/client/{reference}").get_json())
