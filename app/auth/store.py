"""What the web sign-in keeps in the app database: open sessions, recent failed passwords, the generated key.

Sessions live on the server (the cookie only carries a random key, stored here as a SHA-256), so that logout,
expiry and meeting mode hold for every copy of a cookie and across gunicorn workers. Failed sign-ins are rows
too, so that both workers count the same attempts (sign-in per user and address, meeting exits per advisor).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.database import create_tables, database_url, engine
from app.identity import Identity
from app.users import db as users_db
from app.users import users

log = logging.getLogger(__name__)

#: A session's last_seen is rewritten at most this often: a page load makes a dozen requests.
TOUCH_EVERY_SECONDS = 15.0

metadata = MetaData()
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("key_hash", String(64), primary_key=True),
    Column("user_name", String(64), nullable=False, index=True),
    Column("created_at", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
    Column("meeting_client_id", BigInteger),  # set while the screen is shown to this client
)
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(200), nullable=False, index=True),  # "user:<name>", "ip:<address>", "meeting:<name>"
    Column("at", Float, nullable=False, index=True),
)
app_secrets = Table(
    "app_secrets",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", String(128), nullable=False),
)


@dataclass(frozen=True)
class SignedIn:
    """An open web session: who, since when, and the client it is shown to in meeting mode (if any)."""

    identity: Identity
    key_hash: str
    last_seen: float
    meeting_client_id: int | None


@cache
def _create_tables(url: str) -> None:
    users_db(url)  # sessions join the users table
    create_tables(metadata, engine(url))


def db(url: str | None = None) -> Engine:
    url = url or database_url()
    _create_tables(url)
    return engine(url)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# --- sessions -----------------------------------------------------------------------------------------------


def open_session(name: str, *, now: float | None = None) -> str:
    """A new session for the user; returns the key the cookie carries (never stored as such)."""
    now = time.time() if now is None else now
    key = secrets.token_urlsafe(32)
    with db().begin() as connection:
        connection.execute(
            insert(web_sessions).values(key_hash=_hash(key), user_name=name, created_at=now, last_seen=now)
        )
    return key


def signed_in(key: str, idle_seconds: float, *, now: float | None = None) -> SignedIn | None:
    """The session of this key if it exists, its user still exists and it was used in the last
    `idle_seconds`; an expired session is deleted. Touches last_seen (at most every TOUCH_EVERY_SECONDS)."""
    now = time.time() if now is None else now
    key_hash = _hash(key)
    query = (
        select(users.c.name, users.c.role, web_sessions.c.last_seen, web_sessions.c.meeting_client_id)
        .select_from(web_sessions.join(users, users.c.name == web_sessions.c.user_name))
        .where(web_sessions.c.key_hash == key_hash)
    )
    with db().connect() as connection:
        row = connection.execute(query).first()
    if row is None:
        return None
    if now - row.last_seen > idle_seconds:
        end_session(key)
        return None
    if now - row.last_seen > TOUCH_EVERY_SECONDS:
        try:
            with db().begin() as connection:
                connection.execute(
                    update(web_sessions).where(web_sessions.c.key_hash == key_hash).values(last_seen=now)
                )
        except SQLAlchemyError as error:  # a read-only or full database must not sign everyone out
            log.warning(
                "session activity not recorded (%s): the session may expire early", error.__class__.__name__
            )
    return SignedIn(Identity(row.name, row.role), key_hash, row.last_seen, row.meeting_client_id)


def end_session(key: str) -> None:
    with db().begin() as connection:
        connection.execute(delete(web_sessions).where(web_sessions.c.key_hash == _hash(key)))


def set_meeting(key: str, client_id: int | None) -> None:
    """Enter (a client id) or leave (None) meeting mode for this session."""
    with db().begin() as connection:
        connection.execute(
            update(web_sessions)
            .where(web_sessions.c.key_hash == _hash(key))
            .values(meeting_client_id=client_id)
        )


@dataclass(frozen=True)
class OpenMeeting:
    """A session showing a client's view right now: what an admin sees before ending it."""

    session: str  # the session key's hash: names the session without being able to open it
    advisor: str
    client_id: int
    last_seen: float


def open_meetings() -> list[OpenMeeting]:
    """Every session in meeting mode, the most recently active first."""
    query = (
        select(
            web_sessions.c.key_hash,
            web_sessions.c.user_name,
            web_sessions.c.meeting_client_id,
            web_sessions.c.last_seen,
        )
        .where(web_sessions.c.meeting_client_id.is_not(None))
        .order_by(web_sessions.c.last_seen.desc())
    )
    with db().connect() as connection:
        return [OpenMeeting(*row) for row in connection.execute(query)]


def end_meeting_session(key_hash: str) -> OpenMeeting | None:
    """End a meeting from outside it (an admin): its whole session is signed out, so that the screen in
    front of the client falls back to the sign-in page, never to the advisor's pages. None if no meeting."""
    found = next((m for m in open_meetings() if m.session == key_hash), None)
    if found is None:
        return None
    with db().begin() as connection:
        connection.execute(
            delete(web_sessions).where(
                web_sessions.c.key_hash == key_hash, web_sessions.c.meeting_client_id.is_not(None)
            )
        )
    return found


def forget_idle_sessions(idle_seconds: float, *, now: float | None = None) -> int:
    """Delete sessions idle for longer than `idle_seconds` (called at each sign-in: no scheduler needed)."""
    now = time.time() if now is None else now
    with db().begin() as connection:
        return connection.execute(
            delete(web_sessions).where(web_sessions.c.last_seen < now - idle_seconds)
        ).rowcount


# --- failed sign-ins ----------------------------------------------------------------------------------------


def failures_within(
    keys: Iterable[str], window_seconds: float, *, now: float | None = None
) -> dict[str, int]:
    """How many failures each key had in the last `window_seconds` (keys without any are left out)."""
    now = time.time() if now is None else now
    query = (
        select(login_failures.c.key, func.count())
        .where(login_failures.c.key.in_(list(keys)), login_failures.c.at > now - window_seconds)
        .group_by(login_failures.c.key)
    )
    with db().connect() as connection:
        return {key: count for key, count in connection.execute(query)}


def oldest_failure_within(
    keys: Iterable[str], window_seconds: float, *, now: float | None = None
) -> float | None:
    """When the oldest counted failure of these keys happened: the lock lifts a window after it."""
    now = time.time() if now is None else now
    query = select(func.min(login_failures.c.at)).where(
        login_failures.c.key.in_(list(keys)), login_failures.c.at > now - window_seconds
    )
    with db().connect() as connection:
        return connection.execute(query).scalar()


def latest_failure_within(
    keys: Iterable[str], window_seconds: float, *, now: float | None = None
) -> float | None:
    """When the latest counted failure of these keys happened: a meeting exit's delay runs from it."""
    now = time.time() if now is None else now
    query = select(func.max(login_failures.c.at)).where(
        login_failures.c.key.in_(list(keys)), login_failures.c.at > now - window_seconds
    )
    with db().connect() as connection:
        return connection.execute(query).scalar()


#: Failures older than this are dropped whatever their counter's window.
FORGET_FAILURES_SECONDS = 86_400.0


def record_failure(keys: Iterable[str], window_seconds: float, *, now: float | None = None) -> None:
    """Count a failure against every key; these keys' failures older than the window (and anyone's older
    than a day) are dropped on the way. Counters have their own windows: one never trims another's."""
    now = time.time() if now is None else now
    keys = list(keys)
    with db().begin() as connection:
        connection.execute(
            delete(login_failures).where(
                (login_failures.c.key.in_(keys) & (login_failures.c.at <= now - window_seconds))
                | (login_failures.c.at <= now - FORGET_FAILURES_SECONDS)
            )
        )
        connection.execute(insert(login_failures), [{"key": key, "at": now} for key in keys])


def clear_failures(key: str) -> None:
    with db().begin() as connection:
        connection.execute(delete(login_failures).where(login_failures.c.key == key))


# --- the generated signing key ------------------------------------------------------------------------------


def stored_secret_key() -> str:
    """The session-signing key generated on first use and kept in the app database, so that every worker and
    every restart signs alike when SECRET_KEY is not given (the demo)."""
    query = select(app_secrets.c.value).where(app_secrets.c.name == "session")
    with db().connect() as connection:
        found = connection.execute(query).scalar()
    if found:
        return found
    with contextlib.suppress(IntegrityError), db().begin() as connection:  # another worker may be first
        connection.execute(insert(app_secrets).values(name="session", value=secrets.token_hex(32)))
    with db().connect() as connection:
        return connection.execute(query).scalar_one()
