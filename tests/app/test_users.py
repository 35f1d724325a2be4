"""Users and API tokens in a real database, and the command line that manages them (`python -m app.users`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app.identity import Identity
from app.users import (
    UserError,
    add_user,
    api_tokens,
    authenticate,
    db,
    ensure_demo_accounts,
    identity_for_token,
    issue_token,
    list_users,
    main,
    remove_user,
    revoke_tokens,
    set_password,
    users,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(fresh_database) -> str:
    """A new database for each test, SQLite and PostgreSQL (nothing reads the environment)."""
    return fresh_database


def cli(url: str, *arguments: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "app.users", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_passwords_are_stored_as_scrypt_hashes_and_checked(database):
    add_user("Alice", "advisor", "correct horse", url=database)
    with db(url=database).connect() as connection:
        stored = connection.execute(select(users.c.password_hash).where(users.c.name == "alice")).scalar_one()
    assert stored.startswith("scrypt:") and "correct horse" not in stored
    assert authenticate("ALICE ", "correct horse", url=database) == Identity("alice", "advisor")
    assert authenticate("alice", "wrong horse!", url=database) is None
    assert authenticate("nobody", "correct horse", url=database) is None
    assert authenticate("bad name!", "correct horse", url=database) is None
    set_password("alice", "battery staple", url=database)
    assert authenticate("alice", "correct horse", url=database) is None
    assert authenticate("alice", "battery staple", url=database) == Identity("alice", "advisor")


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("bob", "boss", "long enough", "unknown role 'boss'"),
        ("bob", "advisor", "", "empty"),
        ("bob", "advisor", "   \t  ", "empty"),
        ("bob", "advisor", "short", "too short"),
        ("bob", "advisor", "x" * 300, "too long"),
        ("bob smith", "advisor", "long enough", "invalid user name"),
        ("", "advisor", "long enough", "invalid user name"),
    ],
)
def test_bad_users_are_refused_with_a_reason(database, name, role, password, message):
    with pytest.raises(UserError, match=message):
        add_user(name, role, password, url=database)
    assert list_users(url=database) == []


def test_a_user_exists_once(database):
    add_user("carol", "admin", "long enough", url=database)
    with pytest.raises(UserError, match="already exists"):
        add_user("Carol", "advisor", "long enough", url=database)


def test_tokens_are_stored_hashed_shown_once_and_revocable(database):
    add_user("dave", "advisor", "long enough", url=database)
    token = issue_token("dave", url=database)
    with db(url=database).connect() as connection:
        stored = connection.execute(select(api_tokens.c.token_hash, api_tokens.c.shown_prefix)).one()
    assert token not in stored.token_hash and token.startswith(stored.shown_prefix)
    assert identity_for_token(token, url=database) == Identity("dave", "advisor")
    assert identity_for_token(token + "x", url=database) is None
    assert identity_for_token("Bearer", url=database) is None
    assert list_users(url=database)[0].active_tokens == 1
    assert revoke_tokens("dave", url=database) == 1
    assert identity_for_token(token, url=database) is None
    second = issue_token("dave", url=database)
    remove_user("dave", url=database)
    assert identity_for_token(second, url=database) is None  # a removed user's tokens die with them
    with pytest.raises(UserError, match="no user named 'dave'"):
        issue_token("dave", url=database)


def test_demo_accounts_are_created_once(database):
    created = ensure_demo_accounts(url=database)
    assert [(name, role) for name, role, _ in created] == [
        ("demo-conseiller", "advisor"),
        ("demo-admin", "admin"),
    ]
    for name, role, password in created:
        assert authenticate(name, password, url=database) == Identity(name, role)
    assert ensure_demo_accounts(url=database) == []


def test_the_command_line_manages_users_and_tokens(database):
    url = database  # SQLite and PostgreSQL: the command creates the tables it needs on either
    added = cli(url, "add", "Eve", "--role", "admin", "--password-stdin", stdin="a good password\n")
    assert added.returncode == 0 and "'eve' added with role admin" in added.stdout
    token = cli(url, "token", "eve")
    assert token.returncode == 0 and "shown only now" in token.stderr
    issued = token.stdout.strip()
    listed = cli(url, "list")
    assert "eve" in listed.stdout and "admin" in listed.stdout and "tokens 1" in listed.stdout
    assert issued not in listed.stdout
    assert "1 token(s)" in cli(url, "revoke", "eve").stdout
    assert cli(url, "password", "eve", stdin="another password\n").returncode == 0
    assert cli(url, "remove", "eve").returncode == 0
    assert "no users yet" in cli(url, "list").stdout


@pytest.mark.parametrize(
    ("arguments", "stdin", "message"),
    [
        (("add", "frank", "--role", "boss"), "a good password\n", "unknown role 'boss'"),
        (("add", "frank", "--role", "advisor"), "\n", "the password is empty"),
        (("add", "frank", "--role", "advisor"), "", "the password is empty"),
        (("add", "fr ank", "--role", "advisor"), "a good password\n", "invalid user name"),
        (("remove", "nobody"), "", "no user named 'nobody'"),
        (("token", "nobody"), "", "no user named 'nobody'"),
    ],
)
def test_the_command_line_says_what_is_wrong_and_exits_2(tmp_path, arguments, stdin, message):
    done = cli(f"sqlite:///{tmp_path / 'cli.db'}", *arguments, stdin=stdin)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and message in done.stderr and "Traceback" not in done.stderr


def test_the_command_line_refuses_an_existing_user(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli(url, "add", "gina", "--role", "advisor", stdin="a good password\n").returncode == 0
    again = cli(url, "add", "gina", "--role", "admin", stdin="a good password\n")
    assert again.returncode == 2 and "already exists" in again.stderr


def test_the_command_line_reads_the_database_from_the_environment_it_is_given(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'given.db'}"
    add_user("hugo", "advisor", "long enough", url=url)
    assert main(["list"], {"DATABASE_URL": url}) == 0
    assert "hugo" in capsys.readouterr().out
    assert main(["list"], {"DATABASE_URL": url, "PORT": "http"}) == 2  # a bad setting: named, no traceback
    assert "PORT" in capsys.readouterr().err


def test_the_command_line_reports_an_unusable_database_in_one_line(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    done = cli(f"sqlite:///{blocked / 'app.db'}", "list")
    assert done.returncode == 1 and done.stderr.startswith("error: the app database")
    assert "Traceback" not in done.stderr


def test_the_command_line_loads_neither_dash_nor_the_model(tmp_path):
    code = (
        "import sys, runpy; sys.argv = ['app.users', 'list']\n"
        "try:\n    runpy.run_module('app.users', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "heavy = ('dash', 'lightgbm', 'shap', 'polars', 'sklearn', 'mlflow')\n"
        "print('HEAVY', [m for m in heavy if m in sys.modules])"
    )
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    assert "HEAVY []" in done.stdout
