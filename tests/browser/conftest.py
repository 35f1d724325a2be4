"""Signing in from browser tests: the real sign-in page, filled and posted by Chromium; the app they drive."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from app import create_app, get_services
from app.config import SETTINGS_EXTENSION
from tests.signin import account

TIMEOUT = 10
SESSION_COOKIE = "pad_session"


@pytest.fixture(scope="module")
def app(drifted_artifacts, app_settings):
    """The app on artifacts with a drift report, so that the admin's drift page shows all it can (a test
    module that needs other artifacts defines its own `app`)."""
    app = create_app(drifted_artifacts, app_settings)
    with app.server.app_context():  # the tests read the services of the app they drive
        yield app


@pytest.fixture(scope="module")
def production_ids(app) -> list[int]:
    """The production clients' ids, in the order of the app's table."""
    return get_services().clients.production.get_column("SK_ID_CURR").to_list()


def start_signed_in(dash_duo, app, role: str = "advisor", path: str = "/") -> None:
    """Start the app's server, sign in as the test account of `role` and land on `path`.

    `dash_duo.start_server` would wait for a Dash page at "/", which now redirects to the sign-in page: the
    server is started without it, and `server_url` set once signed in.
    """
    dash_duo.start_server(app, navigate=False)
    dash_duo._url = dash_duo.server.url  # what start_server sets, without its wait for a Dash page
    sign_in(dash_duo, app.server.extensions[SETTINGS_EXTENSION].database_url, role, path)


def sign_in(dash_duo, database: str, role: str = "advisor", path: str = "/") -> None:
    """Open the sign-in page (asking for `path`), type the test account of `role` of the app database
    `database` and wait for the page."""
    user = account(database, role)
    dash_duo.driver.get(f"{dash_duo.server_url}/login?next={quote(path, safe='')}")
    dash_duo.wait_for_element("#login-username", timeout=TIMEOUT)
    dash_duo.find_element("#login-username").send_keys(user.name)
    dash_duo.find_element("#login-password").send_keys(user.password)
    dash_duo.find_element("#login-submit").click()
    # not #page-title alone: the sign-in page has one too, found before the browser has left it
    dash_duo.wait_for_element("#react-entry-point", timeout=TIMEOUT)  # signed in, the Dash page is shown
    dash_duo.wait_for_element("#page-title", timeout=TIMEOUT)


def session_cookie(dash_duo) -> str:
    """The browser's session cookie, to fetch a URL outside the browser as the same person."""
    cookie = dash_duo.driver.get_cookie(SESSION_COOKIE)
    assert cookie, "signed in"
    return f"{SESSION_COOKIE}={cookie['value']}"
