"""Who may use the app: users with a role and a hashed password, and their API tokens, in the app database.

Also the command line that manages them (`python -m app.users add NAME --role advisor`, `list`, `remove`,
`password`, `token`, `revoke`). It imports neither Dash nor the model, so it answers at once.

Passwords are hashed with scrypt (werkzeug); API tokens are long random strings, so a SHA-256 of the token is
enough to store them and lets a request find its token by an indexed lookup instead of trying every hash.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import re
import secrets
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    make_url,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.security import check_password_hash, generate_password_hash

from app.config import current_settings, load_settings
from app.database import create_tables, engine
from app.identity import ROLES, Identity

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")
MIN_PASSWORD = 8
MAX_PASSWORD = 256  # scrypt on a megabyte of "password" is a cheap way to tie up a worker
TOKEN_PREFIX = "pad_"
DEMO_ACCOUNTS = (("demo-conseiller", "advisor"), ("demo-admin", "admin"))

metadata = MetaData()
users = Table(
    "users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_name", String(64), nullable=False, index=True),
    Column("shown_prefix", String(16), nullable=False),  # lets a person tell their tokens apart
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

# A real hash checked for unknown names, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password of anyone")


class UserError(ValueError):
    """Bad input for a user operation, with a message for the person who typed it."""


@dataclass(frozen=True)
class UserInfo:
    name: str
    role: str
    created_at: datetime
    active_tokens: int


@cache
def _create_tables(url: str) -> None:
    create_tables(metadata, engine(url))


def db(url: str | None = None) -> Engine:
    """The app database with the users and tokens tables (the current app's unless `url` is given)."""
    url = url or current_settings().database_url
    _create_tables(url)
    return engine(url)


def _now() -> datetime:
    return datetime.now(UTC)


def normalized_name(name: str) -> str:
    """Names are compared without case or surrounding spaces; only letters, digits and . _ @ - are allowed."""
    cleaned = (name or "").strip().lower()
    if not NAME_PATTERN.fullmatch(cleaned):
        raise UserError(
            f"invalid user name {name!r}: 1 to 64 characters, letters, digits and . _ @ - "
            "(starting with a letter or a digit)"
        )
    return cleaned


def _checked_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    return role


def check_password_rules(password: str) -> str:
    """The password if it can be used, else UserError saying why."""
    if not password or not password.strip():
        raise UserError("the password is empty")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password is too short: at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"the password is too long: at most {MAX_PASSWORD} characters")
    return password


def add_user(name: str, role: str, password: str, *, url: str | None = None) -> str:
    """Create a user; returns the stored (normalized) name. UserError if it exists or the input is bad."""
    name, role = normalized_name(name), _checked_role(role)
    hashed = generate_password_hash(check_password_rules(password))
    try:
        with db(url).begin() as connection:
            connection.execute(
                insert(users).values(name=name, role=role, password_hash=hashed, created_at=_now())
            )
    except IntegrityError:
        raise UserError(f"user {name!r} already exists (remove it first, or change its password)") from None
    return name


def set_password(name: str, password: str, *, url: str | None = None) -> None:
    name = normalized_name(name)
    hashed = generate_password_hash(check_password_rules(password))
    with db(url).begin() as connection:
        changed = connection.execute(update(users).where(users.c.name == name).values(password_hash=hashed))
    if changed.rowcount == 0:
        raise UserError(f"no user named {name!r}")


def remove_user(name: str, *, url: str | None = None) -> None:
    """Delete a user and their tokens; their web sessions end with them (sessions are joined to users)."""
    name = normalized_name(name)
    with db(url).begin() as connection:
        connection.execute(delete(api_tokens).where(api_tokens.c.user_name == name))
        removed = connection.execute(delete(users).where(users.c.name == name))
    if removed.rowcount == 0:
        raise UserError(f"no user named {name!r}")


def list_users(*, url: str | None = None) -> list[UserInfo]:
    active = (
        select(api_tokens.c.user_name, func.count().label("n"))
        .where(api_tokens.c.revoked_at.is_(None))
        .group_by(api_tokens.c.user_name)
        .subquery()
    )
    query = (
        select(users.c.name, users.c.role, users.c.created_at, func.coalesce(active.c.n, 0))
        .select_from(users.outerjoin(active, active.c.user_name == users.c.name))
        .order_by(users.c.name)
    )
    with db(url).connect() as connection:
        return [UserInfo(*row) for row in connection.execute(query)]


def authenticate(name: str, password: str, *, url: str | None = None) -> Identity | None:
    """The user's identity when the password is theirs, else None (same cost for an unknown name)."""
    try:
        name = normalized_name(name)
    except UserError:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if len(password or "") > MAX_PASSWORD:
        return None
    with db(url).connect() as connection:
        row = connection.execute(
            select(users.c.role, users.c.password_hash).where(users.c.name == name)
        ).first()
    if row is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    return Identity(name, row.role) if check_password_hash(row.password_hash, password or "") else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(name: str, *, url: str | None = None) -> str:
    """A new API token for the user, returned once: only its hash is stored."""
    name = normalized_name(name)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db(url).begin() as connection:
        if connection.execute(select(users.c.name).where(users.c.name == name)).first() is None:
            raise UserError(f"no user named {name!r}")
        connection.execute(
            insert(api_tokens).values(
                token_hash=_token_hash(token),
                user_name=name,
                shown_prefix=token[: len(TOKEN_PREFIX) + 6],
                created_at=_now(),
            )
        )
    return token


def revoke_tokens(name: str, *, url: str | None = None) -> int:
    """Revoke every active token of the user; returns how many."""
    name = normalized_name(name)
    with db(url).begin() as connection:
        if connection.execute(select(users.c.name).where(users.c.name == name)).first() is None:
            raise UserError(f"no user named {name!r}")
        revoked = connection.execute(
            update(api_tokens)
            .where(api_tokens.c.user_name == name, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=_now())
        )
    return revoked.rowcount


def identity_for_token(token: str, *, url: str | None = None) -> Identity | None:
    """Who holds this API token, if it is active and its user still exists."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    query = (
        select(users.c.name, users.c.role)
        .select_from(api_tokens.join(users, users.c.name == api_tokens.c.user_name))
        .where(api_tokens.c.token_hash == _token_hash(token), api_tokens.c.revoked_at.is_(None))
    )
    with db(url).connect() as connection:
        row = connection.execute(query).first()
    return Identity(row.name, row.role) if row else None


def ensure_demo_accounts(*, url: str | None = None) -> list[tuple[str, str, str]]:
    """Create the demo advisor and admin when they do not exist; (name, role, password) of those created.

    Two workers starting at once may race: the one whose insert fails simply did not create the account.
    """
    created = []
    for name, role in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(12)
        try:
            add_user(name, role, password, url=url)
        except UserError:
            continue
        created.append((name, role, password))
    return created


def print_demo_accounts(url: str) -> None:
    """`make run`: the demo advisor and admin of the database `url`, created on the first start and shown
    only then.

    Called from gunicorn's master (gunicorn.conf.py `on_starting`), before any worker starts, so the
    accounts are printed once.
    """
    created = ensure_demo_accounts(url=url)
    lines = ["", "=" * 78, "DEMO ACCOUNTS - for trying the app only, never in production", "=" * 78]
    if created:
        lines += [f"  {role:<8} user: {name:<18} password: {password}" for name, role, password in created]
        lines.append("  (shown once: write them down; reset with `python -m app.users password NAME`)")
    else:
        names = ", ".join(name for name, _ in DEMO_ACCOUNTS)
        lines.append(f"  {names} already exist; their passwords were shown when they were created.")
        lines.append("  Reset one with `python -m app.users password NAME`.")
    lines.append("=" * 78)
    print("\n".join(lines), flush=True)


# --- command line -------------------------------------------------------------------------------------------


def _read_password(from_stdin: bool) -> str:
    """One line of standard input when piped (or --password-stdin), else typed twice without echo."""
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password (again): "):
        raise UserError("the two passwords differ")
    return first


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m app.users",
        description="Manage the users and API tokens of the scoring app (database: DATABASE_URL, "
        "else data/app.db).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add = commands.add_parser("add", help="create a user (password prompted, or read from stdin)")
    add.add_argument("name")
    add.add_argument("--role", required=True, help=f"one of {', '.join(ROLES)}")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    password = commands.add_parser("password", help="set a new password for a user")
    password.add_argument("name")
    password.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    commands.add_parser("list", help="list users, their role and active tokens")
    remove = commands.add_parser("remove", help="delete a user, their tokens and sessions")
    remove.add_argument("name")
    token = commands.add_parser("token", help="issue an API token (shown once)")
    token.add_argument("name")
    revoke = commands.add_parser("revoke", help="revoke every API token of a user")
    revoke.add_argument("name")
    return parser


def _run(args: argparse.Namespace, url: str) -> None:
    if args.command == "add":
        _checked_role(args.role)
        normalized_name(args.name)  # before asking for a password that would be thrown away
        name = add_user(args.name, args.role, _read_password(args.password_stdin), url=url)
        print(f"user {name!r} added with role {args.role}")
    elif args.command == "password":
        normalized_name(args.name)
        set_password(args.name, _read_password(args.password_stdin), url=url)
        print(f"password of {normalized_name(args.name)!r} changed")
    elif args.command == "list":
        rows = list_users(url=url)
        if not rows:
            print("no users yet: python -m app.users add NAME --role advisor")
        for row in rows:
            created = f"{row.created_at:%Y-%m-%d}"
            print(f"{row.name:<32} {row.role:<8} tokens {row.active_tokens:<3} created {created}")
    elif args.command == "remove":
        remove_user(args.name, url=url)
        print(f"user {normalized_name(args.name)!r} removed, with their tokens and sessions")
    elif args.command == "token":
        token = issue_token(args.name, url=url)
        print("API token (shown only now; send it as 'Authorization: Bearer <token>'):", file=sys.stderr)
        print(token)
    elif args.command == "revoke":
        count = revoke_tokens(args.name, url=url)
        print(f"{count} token(s) of {normalized_name(args.name)!r} revoked")


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Exit 0 on success, 2 on bad input, 1 when the database cannot be used.

    The database is DATABASE_URL of `environ` (default: the process environment), read once here.
    """
    args = _parser().parse_args(argv)
    try:
        url = load_settings(environ).database_url
    except ValueError as error:  # a setting, named in the message
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        _run(args, url)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (SQLAlchemyError, OSError) as error:
        where = make_url(url).render_as_string(hide_password=True)
        print(
            f"error: the app database ({where}) cannot be used: {str(error).splitlines()[0]}", file=sys.stderr
        )
        return 1
    except (KeyboardInterrupt, EOFError):
        print("\ncancelled", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
