"""Signing in from tests, through the app's real users, tokens and sign-in form (nothing is bypassed).

- `account(url, role)`: a user of that role in the app database `url` (the session's: the `app_database`
  fixture), created when missing.
- `bearer(url, role)`: headers carrying a fresh API token of that role's user.
- `signed_in_client(app, role)`: a Flask test client signed in through GET + POST /login (CSRF included), as a
  user of the app's own database (its settings).
- `form_token(html)`: the CSRF token of a page's form.
The browser equivalent is `sign_in` in tests/browser/conftest.py.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from app.config import SETTINGS_EXTENSION
from app.users import UserError, add_user, issue_token, set_password

#: One password per test session, for every test account (never a real secret).
PASSWORD = "test-" + secrets.token_urlsafe(12)
NAMES = {"advisor": "test-advisor", "admin": "test-admin"}
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@dataclass(frozen=True)
class Account:
    name: str
    password: str
    role: str


def account(url: str, role: str = "advisor") -> Account:
    """The test user of `role` in the database `url`, with PASSWORD."""
    name = NAMES[role]
    try:
        add_user(name, role, PASSWORD, url=url)
    except UserError:  # already there (an earlier test): make sure the password is ours
        set_password(name, PASSWORD, url=url)
    return Account(name, PASSWORD, role)


def bearer(url: str, role: str = "advisor") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(account(url, role).name, url=url)}"}


def database_of(client) -> str:
    """The database of the app behind a Flask test client (its settings)."""
    return client.application.extensions[SETTINGS_EXTENSION].database_url


def form_token(html: str) -> str:
    found = _CSRF.search(html)
    if not found:
        raise AssertionError("no csrf_token field in the page")
    return found.group(1) or found.group(2)


def sign_in(client, role: str = "advisor", next_path: str = "/"):
    """Post the sign-in form like a browser; returns the response (303 to `next_path` when it worked)."""
    user = account(database_of(client), role)
    page = client.get(f"/login?next={next_path}")
    data = {"username": user.name, "password": user.password, "next": next_path}
    return client.post("/login", data=data | {"csrf_token": form_token(page.get_data(as_text=True))})


def signed_in_client(app, role: str = "advisor"):
    """A test client of the app with a signed-in session of `role`."""
    client = app.server.test_client()
    response = sign_in(client, role)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return client
