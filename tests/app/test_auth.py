"""Access control through the app's real server: sign-in form, sessions, roles on pages, callbacks and routes,
rate limiting, CSRF, meeting mode. Every request goes through Flask's test client, as a browser's would."""

from __future__ import annotations

import dataclasses
import json
import re
import time

import dash
import pytest
from sqlalchemy import delete, event, select

from app import create_app, get_services
from app.auth import store, throttle
from app.database import engine
from app.drift_report import REPORT_URL
from tests.conftest import settings_on
from tests.pages.dash_requests import picker_suggestions
from tests.signin import NAMES, PASSWORD, account, form_token, sign_in, signed_in_client

ROUTER = "_pages_content.children"


@pytest.fixture(scope="module")
def app_database(module_database) -> str:
    """Users, sessions and sign-in failures on SQLite and on PostgreSQL: the module runs once on each."""
    return module_database


@pytest.fixture(scope="module")
def app_settings(app_database):
    return settings_on(app_database)


@pytest.fixture(scope="module")
def app(drifted_artifacts, app_settings):
    return create_app(drifted_artifacts, app_settings)


@pytest.fixture(autouse=True)
def no_failed_sign_ins(app_database):
    """Each test starts with no failed password counted and no meeting open (they share the session's
    database)."""
    with store.db(app_database).begin() as connection:
        connection.execute(delete(store.login_failures))
        connection.execute(
            delete(store.web_sessions).where(store.web_sessions.c.meeting_client_id.is_not(None))
        )


def open_meetings(app) -> list[store.OpenMeeting]:
    with app.server.app_context():  # the app's database
        return store.open_meetings()


def exit_wait(app, advisor: str) -> float:
    with app.server.app_context():  # the app's database keeps the failures
        return throttle.meeting_exit_wait(advisor)


@pytest.fixture(scope="module")
def ids(app) -> list[int]:
    with app.server.app_context():
        return get_services().clients.production.get_column("SK_ID_CURR").to_list()


def callback_body(app, output: str, values: dict[str, object]) -> dict:
    """The JSON the Dash renderer posts to /_dash-update-component for the callback writing `output`."""
    app.server.test_client().get("/login")  # Dash registers its callbacks on the first request
    key = next(k for k in app.callback_map if output in k.strip(".").split("..."))
    spec = app.callback_map[key]

    def dependencies(kind: str) -> list[dict]:
        return [{**d, "value": values.get(f"{d['id']}.{d['property']}")} for d in spec[kind]]

    if key.startswith(".."):
        outputs = [
            dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in key.strip(".").split("...")
        ]
    else:
        outputs = dict(zip(("id", "property"), key.rsplit(".", 1), strict=True))
    inputs = dependencies("inputs")
    return {
        "output": key,
        "outputs": outputs,
        "inputs": inputs,
        "state": dependencies("state"),
        "changedPropIds": [f"{d['id']}.{d['property']}" for d in inputs],
    }


def render(client, app, path: str, search: str = ""):
    """Ask the router callback for a page, as the browser does when it follows a link."""
    client.get("/")  # Dash sets its callbacks up on the first request
    body = callback_body(app, ROUTER, {"_pages_location.pathname": path, "_pages_location.search": search})
    return client.post("/_dash-update-component", json=body)


def components(tree: object):
    """Every component (its props) in a rendered layout, depth first."""
    if isinstance(tree, dict):
        if "props" in tree and "type" in tree:
            yield tree["props"]
        for value in tree.values():
            yield from components(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from components(value)


def page_form_token(response) -> str:
    """The CSRF token of the forms a rendered page carries (sign out, meeting mode)."""
    return next(p["value"] for p in components(response.get_json()) if p.get("name") == "csrf_token")


def report_callback(app) -> dict:
    return callback_body(app, "drift-report-frame.src", {"drift-report-show.n_clicks": 1})


# --- signed out ---------------------------------------------------------------------------------------------


def test_signed_out_pages_redirect_to_the_sign_in_page_and_everything_else_is_401(app):
    client = app.server.test_client()
    page = client.get("/client/100001?lang=en")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/login?next=%2Fclient%2F100001%3Flang%3Den")
    expected = {
        "/_dash-layout": 401,
        "/_dash-dependencies": 401,
        "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.min.js": 401,
        "/assets/page.js": 401,
        REPORT_URL: 302,  # a page of its own: to the sign-in page
    }
    assert {path: client.get(path).status_code for path in expected} == expected
    assert client.post("/_dash-update-component", json=report_callback(app)).status_code == 401


def test_the_sign_in_page_and_its_style_sheets_are_open(app):
    client = app.server.test_client()
    page = client.get("/login?lang=en")
    assert page.status_code == 200 and "<script" not in page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    assert 'for="login-username"' in html and 'for="login-password"' in html and "Sign in" in html
    assert client.get("/assets/bootstrap.min.css").status_code == 200
    assert client.get("/api/v1/health").status_code == 200


# --- the sign-in form ---------------------------------------------------------------------------------------


def test_signing_in_goes_where_the_person_was_going_and_sets_a_safe_cookie(app):
    client = app.server.test_client()
    response = sign_in(client, "advisor", next_path="/clients")
    assert response.status_code == 303 and response.headers["Location"] == "/clients"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/clients").status_code == 200


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_the_next_page_is_never_another_site(app, target):
    response = sign_in(app.server.test_client(), "advisor", next_path=target)
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_a_form_without_its_csrf_token_is_refused(app, app_database):
    client = app.server.test_client()
    user = account(app_database, "advisor")
    client.get("/login")
    for token in (None, "forged", form_token(app.server.test_client().get("/login").get_data(as_text=True))):
        data = {"username": user.name, "password": user.password} | ({"csrf_token": token} if token else {})
        response = client.post("/login", data=data)
        assert response.status_code == 400 and "expiré" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_a_wrong_password_says_so_without_telling_which_part_was_wrong(app, app_database):
    client = app.server.test_client()
    token = form_token(client.get("/login").get_data(as_text=True))
    for name in (account(app_database, "advisor").name, "nobody-here"):
        response = client.post(
            "/login", data={"username": name, "password": "wrong-password", "csrf_token": token}
        )
        assert response.status_code == 401
        assert "Identifiant ou mot de passe incorrect" in response.get_data(as_text=True)


def test_failed_passwords_are_rate_limited_per_user_and_per_address(
    drifted_artifacts, app_settings, app_database
):
    settings = dataclasses.replace(app_settings, login_max_failures=3, login_window_minutes=1)
    app = create_app(drifted_artifacts, settings)
    user = account(app_database, "admin")

    def attempt(password: str, address: str, name: str = user.name) -> int:
        client = app.server.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        token = form_token(client.get("/login").get_data(as_text=True))
        return client.post(
            "/login", data={"username": name, "password": password, "csrf_token": token}
        ).status_code

    assert [attempt("wrong-password", "10.0.0.1") for _ in range(3)] == [401, 401, 401]
    assert attempt(user.password, "10.0.0.2") == 429  # the user is locked, from any address
    assert attempt("wrong-password", "10.0.0.3", "someone-else") == 401
    for name in ("x1", "x2"):
        attempt("wrong-password", "10.0.0.3", name)
    assert attempt("anything-at-all", "10.0.0.3", "x3") == 429  # the address is locked, whoever it names
    assert app.server.test_client().get("/login").status_code == 200


def test_sessions_end_after_the_idle_time(drifted_artifacts, app_settings):
    settings = dataclasses.replace(app_settings, session_minutes=0.02)  # 1.2 s
    client = signed_in_client(create_app(drifted_artifacts, settings))
    assert client.get("/").status_code == 200
    time.sleep(1.5)
    assert client.get("/").status_code == 302
    assert client.get("/_dash-layout").status_code == 401


def test_signing_out_ends_the_session_on_the_server_for_every_copy_of_the_cookie(app):
    client = signed_in_client(app)
    copy = app.server.test_client()
    copy.set_cookie("pad_session", client.get_cookie("pad_session").value)
    assert copy.get("/").status_code == 200
    token = page_form_token(render(client, app, "/"))  # the navigation bar's sign-out form
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].startswith("/login?bye=1")
    assert copy.get("/").status_code == 302 and client.get("/").status_code == 302


# --- roles --------------------------------------------------------------------------------------------------


def test_admin_pages_declare_themselves_and_advisors_are_refused_everywhere(app):
    admin_pages = [page["path"] for page in dash.page_registry.values() if page.get("admin")]
    assert "/drift" in admin_pages
    advisor, admin = signed_in_client(app, "advisor"), signed_in_client(app, "admin")
    for path in admin_pages:
        assert advisor.get(path).status_code == 403
        assert "réservée aux administrateurs" in advisor.get(path).get_data(as_text=True)
        assert admin.get(path).status_code == 200
        assert render(advisor, app, path).status_code == 403
        assert render(admin, app, path).status_code == 200
    assert advisor.get(REPORT_URL).status_code == 403 and admin.get(REPORT_URL).status_code == 200
    assert advisor.post("/_dash-update-component", json=report_callback(app)).status_code == 403
    answer = admin.post("/_dash-update-component", json=report_callback(app))
    assert (
        answer.status_code == 200 and answer.get_json()["response"]["drift-report-frame"]["src"] == REPORT_URL
    )


def test_a_callback_is_judged_by_its_outputs_not_by_where_the_request_says_it_comes_from(app):
    advisor = signed_in_client(app, "advisor")
    forged = report_callback(app) | {"output": picker_suggestions(app, "client-picker", "1")["output"]}
    response = advisor.post(
        "/_dash-update-component", json=forged, headers={"Referer": "http://localhost/clients"}
    )
    assert response.status_code == 403


def test_advisors_do_not_see_admin_links(app):
    def links(role: str) -> set[str]:
        page = render(signed_in_client(app, role), app, "/").get_json()
        return {str(props["href"]).split("?")[0] for props in components(page) if "href" in props}

    admin_paths = {page["path"] for page in dash.page_registry.values() if page.get("admin")}
    assert admin_paths and not admin_paths & links("advisor")
    assert admin_paths <= links("admin")
    assert {"/", "/clients"} <= links("advisor")


def test_advisor_pages_and_their_callbacks_work_for_advisors(app, ids):
    advisor = signed_in_client(app, "advisor")
    assert render(advisor, app, f"/client/{ids[0]}").status_code == 200
    body = picker_suggestions(app, "home-picker", str(ids[0])[:3])
    assert advisor.post("/_dash-update-component", json=body).status_code == 200


# --- meeting mode -------------------------------------------------------------------------------------------


def start_meeting(client, app, client_id: int):
    """Press the client page's meeting-mode button: (the answer, the form token for later forms)."""
    token = page_form_token(render(client, app, f"/client/{client_id}"))
    return client.post("/meeting/start", data={"csrf_token": token, "client_id": client_id}), token


def test_meeting_mode_serves_only_that_clients_view(app, ids):
    client = signed_in_client(app, "advisor")
    shown, other = ids[0], ids[1]
    response, token = start_meeting(client, app, shown)
    assert response.status_code == 303 and response.headers["Location"] == f"/meeting/{shown}"
    assert client.get(f"/meeting/{shown}").status_code == 200
    for path in ("/", "/clients", f"/client/{shown}", f"/client/{other}", f"/meeting/{other}", "/drift"):
        answer = client.get(path)
        assert answer.status_code == 303 and answer.headers["Location"] == f"/meeting/{shown}"
    for path in ("/", f"/client/{shown}", f"/meeting/{other}", f"/explanation/{other}"):
        assert render(client, app, path).status_code == 403
    picker = picker_suggestions(app, "home-picker", "10")
    assert client.post("/_dash-update-component", json=picker).status_code == 403
    assert client.post("/logout", data={"csrf_token": token}).status_code == 403
    view = render(client, app, f"/meeting/{shown}")
    assert view.status_code == 200
    text = view.get_data(as_text=True)
    assert "meeting-decision" in text and "meeting-reasons" in text and str(shown) in text
    leaked = [i for i in ids if i != shown and re.search(rf"\b{i}\b", text)]
    assert leaked == []
    assert "nav-clients" not in text and "client-picker" not in text
    for error, words in (
        ("wrong", "Mot de passe incorrect"),
        ("wait", "Tentative refus"),
        ("locked", None),
        ("x", None),
    ):
        page = render(client, app, f"/meeting/{shown}", f"?error={error}").get_data(as_text=True)
        assert (words in page) if words else "meeting-error" not in page


def leave(client, token: str, password: str):
    return client.post("/meeting/leave", data={"csrf_token": token, "password": password})


def test_leaving_meeting_mode_needs_the_managers_password_and_never_locks(app, ids, app_database):
    """Six wrong passwords (the client trying), then the advisor's: refused during the delay shown on the
    screen, accepted once it has passed. Nothing ever locks."""
    client = signed_in_client(app, "advisor")
    shown = ids[2]
    _, token = start_meeting(client, app, shown)
    assert (
        leave(client, "", account(app_database, "advisor").password)
        .headers["Location"]
        .endswith("error=csrf")
    )
    answers = []
    for i in range(6):  # each wrong password once the previous delay has passed
        time.sleep(exit_wait(app, account(app_database, "advisor").name))
        answers.append(leave(client, token, f"guess-{i}").headers["Location"])
    assert answers == [f"/meeting/{shown}?error=wrong"] * 6
    assert client.get("/clients").status_code == 303  # still in meeting mode

    view = {p.get("id"): p for p in components(render(client, app, f"/meeting/{shown}", "?error=wrong").json)}
    seconds = int(re.fullmatch(r"Réessayez dans (\d+)\u00a0s\.", view["meeting-wait"]["children"]).group(1))
    assert 3 <= seconds <= 4  # 3 free failures, then 1, 2, 4 s
    assert "Mot de passe incorrect" in str(view["meeting-error"]["children"])
    assert view["meeting-leave"]["disabled"] is True
    too_soon = leave(client, token, account(app_database, "advisor").password)
    assert too_soon.headers["Location"] == f"/meeting/{shown}?error=wait"
    assert client.get("/clients").status_code == 303

    time.sleep(exit_wait(app, account(app_database, "advisor").name) + 0.1)
    left = leave(client, token, account(app_database, "advisor").password)
    assert left.status_code == 303 and left.headers["Location"] == f"/client/{shown}"
    assert client.get("/clients").status_code == 200
    assert exit_wait(app, account(app_database, "advisor").name) == 0  # the next meeting starts afresh


def test_the_exit_delay_grows_then_stays_at_its_ceiling():
    delays = [throttle.meeting_exit_delay(n) for n in range(1, 12)]
    assert delays == [0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60]


def test_wrong_exit_passwords_count_against_the_advisor_only_never_the_address_nor_sign_in(
    app, ids, app_database
):
    client = signed_in_client(app, "advisor")
    _, token = start_meeting(client, app, ids[4])
    for i in range(8):
        leave(client, token, f"guess-{i}")
    with store.db(app_database).connect() as connection:
        keys = set(connection.execute(select(store.login_failures.c.key)).scalars())
    assert keys == {"meeting:test-advisor"}
    same_address = app.server.test_client()
    assert sign_in(same_address, "admin").status_code == 303  # an admin who never mistyped signs in
    assert sign_in(app.server.test_client(), "advisor").status_code == 303  # the advisor too, elsewhere


def end_meeting_body(session: str, lang: str = "fr") -> dict:
    """The Dash request the audit page's "end this meeting" button posts (a pattern-matching input)."""
    button = {"session": session, "type": "audit-end-meeting"}
    return {
        "output": "..audit-meetings.children...audit-meeting-result.children..",
        "outputs": [
            {"id": "audit-meetings", "property": "children"},
            {"id": "audit-meeting-result", "property": "children"},
        ],
        "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
        "state": [{"id": "audit-lang", "property": "data", "value": lang}],
        "changedPropIds": [json.dumps(button, separators=(",", ":")) + ".n_clicks"],
    }


def test_an_admin_ends_another_advisors_meeting_and_its_screen_goes_to_sign_in(app, ids):
    advisor = signed_in_client(app, "advisor")
    shown = ids[5]
    _, token = start_meeting(advisor, app, shown)
    for i in range(5):  # the advisor is in a delay: the admin does not have to wait for it
        leave(advisor, token, f"guess-{i}")
    meeting = next(m for m in open_meetings(app) if m.client_id == shown)
    assert meeting.advisor == "test-advisor"

    other_advisor = signed_in_client(app, "advisor")
    render(other_advisor, app, "/clients")
    refused = other_advisor.post("/_dash-update-component", json=end_meeting_body(meeting.session))
    assert refused.status_code == 403 and shown in [m.client_id for m in open_meetings(app)]

    admin = signed_in_client(app, "admin")
    page = json.dumps(render(admin, app, "/audit").json, ensure_ascii=False)
    assert meeting.session in page and f"client {shown}" in page
    ended = admin.post("/_dash-update-component", json=end_meeting_body(meeting.session))
    assert ended.status_code == 200 and "terminé" in json.dumps(ended.json, ensure_ascii=False)
    assert shown not in [m.client_id for m in open_meetings(app)]
    assert exit_wait(app, "test-advisor") == 0

    screen = advisor.get(f"/meeting/{shown}")  # the client's screen, at its next request
    assert screen.status_code == 302 and screen.headers["Location"].startswith("/login")
    assert render(advisor, app, f"/meeting/{shown}").status_code == 401
    again = admin.post("/_dash-update-component", json=end_meeting_body(meeting.session))
    assert "déjà terminé" in json.dumps(again.json, ensure_ascii=False)


def test_meeting_mode_starts_only_for_a_known_client(app):
    client = signed_in_client(app, "advisor")
    token = page_form_token(render(client, app, "/clients"))
    for bad in ("1", "abc", "-5", "9" * 30):
        response = client.post("/meeting/start", data={"csrf_token": token, "client_id": bad})
        assert response.status_code == 400
    assert client.get("/clients").status_code == 200


@pytest.mark.parametrize(
    "odd", ["²", "١٢٣", "9" * 5000, "1e5", "-1", "0x10", "%00", "..%2F..%2Fserving.json"]
)
def test_odd_client_ids_in_urls_are_unknown_clients_not_errors(app, odd):
    client = signed_in_client(app, "advisor")
    for path in ("/client/{}", "/explanation/{}", "/what-if/{}", "/comparison/{}"):
        answer = render(client, app, path.format(odd))
        assert answer.status_code == 200, (path, answer.get_data(as_text=True)[:300])
    assert render(client, app, "/comparison/100002", f"?other={odd}").status_code == 200
    token = page_form_token(render(client, app, "/clients"))
    assert client.post("/meeting/start", data={"csrf_token": token, "client_id": odd}).status_code == 400


def test_a_read_only_database_keeps_sessions_open_and_says_why_nobody_can_sign_in(
    drifted_artifacts, app_settings, tmp_path
):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    app = create_app(drifted_artifacts, dataclasses.replace(app_settings, database_url=url))
    client = signed_in_client(app, "advisor")  # signed in before the database turns read-only
    key = client.get_cookie("pad_session")

    def read_only(connection, _record) -> None:
        connection.execute("PRAGMA query_only = ON")

    event.listen(engine(url), "connect", read_only)
    engine(url).dispose()
    try:
        assert client.get("/clients").status_code == 200
        later = (
            time.time() + 2 * store.TOUCH_EVERY_SECONDS
        )  # its activity is due to be written, and cannot be
        session_key = app.server.session_interface.get_signing_serializer(app.server).loads(key.value)["sid"]
        with app.server.app_context():
            assert store.signed_in(session_key, 3600, now=later) is not None
        visitor = app.server.test_client()
        token = form_token(visitor.get("/login").get_data(as_text=True))
        form = {"username": NAMES["advisor"], "password": PASSWORD, "csrf_token": token}
        refused = visitor.post("/login", data=form)
        assert refused.status_code == 503 and "indisponible" in refused.get_data(as_text=True)
    finally:
        event.remove(engine(url), "connect", read_only)
        engine(url).dispose()


def test_sign_ins_sign_outs_and_meetings_are_in_the_audit_log_without_passwords(
    drifted_artifacts, app_settings, fresh_database
):
    from app.audit import EventFilter, audit_log, query_events

    url = fresh_database
    app = create_app(drifted_artifacts, dataclasses.replace(app_settings, database_url=url))
    with app.server.app_context():  # its own app, not the module's: the module runs on each backend too
        ids = get_services().clients.production.get_column("SK_ID_CURR").to_list()
    visitor = app.server.test_client()
    token = form_token(visitor.get("/login").get_data(as_text=True))
    wrong = {
        "username": account(url, "advisor").name,
        "password": "a-wrong-password",
        "csrf_token": token,
    }
    assert visitor.post("/login", data=wrong).status_code == 401
    client = signed_in_client(app, "advisor")
    _, token = start_meeting(client, app, ids[3])
    client.post("/meeting/leave", data={"csrf_token": token, "password": account(url, "advisor").password})
    client.post("/logout", data={"csrf_token": page_form_token(render(client, app, "/"))})
    assert audit_log(url).flush()
    events = query_events(EventFilter(user="test-advisor"), page_size=100, url=url).rows
    access = ("login_failed", "login", "meeting_enter", "meeting_leave", "logout")
    kinds = [event["kind"] for event in reversed(events) if event["kind"] in access]
    assert kinds == list(access)
    assert events[-1]["detail"] == "reason=bad_credentials" and events[-1]["status"] == 401
    assert {event["client_id"] for event in events if event["kind"].startswith("meeting")} == {ids[3]}
    assert all(e["role"] == "advisor" for e in events if e["kind"] != "login_failed")
    assert not any("a-wrong-password" in str(event) or PASSWORD in str(event) for event in events)
