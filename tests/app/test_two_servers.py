"""Two servers, one state: two separate gunicorn masters on two ports, as two machines behind a load balancer,
over the same PostgreSQL database (a fresh one) and the same Redis, with the same artifacts and signing key.

What a load balancer may do to a person (send each request to either server) must not show:
- a session opened on one server is valid on the other, and signing out on either ends it on both;
- failed sign-ins are counted across both: the throttle engages after N failures split between them;
- audit events from both are stored, each once;
- an application stored through one is read through the other (and a retry of its Idempotency-Key sent to
  the other server answers the same application, nothing stored twice);
- both use the shared cache (their entries are in Redis);
- the load test (benchmarks/load_test.py) spread across both: 0 errors.

The servers need the test PostgreSQL and Redis (tests/backends/servers.sh, `make test`: TEST_POSTGRES_URL and
TEST_REDIS_URL); without them the module is skipped saying so, or fails when CI_REQUIRE_BACKENDS=1.
Wrong passwords are sent from addresses of their own in 127.0.0.0/8 (the throttle counts per address too),
so that they lock no other test's sign-in.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import http.client
import json
import re
import secrets
import time
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.pool import NullPool

from app.audit import audit_events
from app.config import Settings
from app.openapi import CREDIT_FILE_EXAMPLE
from app.users import add_user, issue_token
from benchmarks._measure import BenchUser
from benchmarks.bench_serving import production_ids
from benchmarks.load_test import DashPayloads, load_phase
from tests.app.served import gunicorn_server
from tests.backends.fixtures import forget_keys, new_database, server_url
from tests.signin import PASSWORD, form_token

SECRET_KEY = "two-servers-" + secrets.token_hex(16)
#: LOGIN_MAX_FAILURES of both servers (the default, said here so the test reads on its own).
MAX_FAILURES = 5
COOKIE = re.compile(r"(pad_session=[^;]*)")
#: The audit kinds the load test's requests record (benchmarks/load_test.py, `stored_events`).
AUDITED = ("score_shown", "api_call")
#: Addresses the wrong passwords come from, one per test (all loopback on Linux).
_addresses = iter(f"127.0.{16}.{n}" for n in range(2, 250))


@dataclasses.dataclass(frozen=True)
class SharedState:
    database_url: str
    redis_url: str
    cache_prefix: str


@pytest.fixture(scope="module")
def shared_state(tmp_path_factory) -> Iterator[SharedState]:
    """A fresh PostgreSQL database and a Redis key prefix nobody else uses (its keys deleted afterwards)."""
    server_url("postgresql")
    redis_url = server_url("redis")
    prefix = f"two-servers-{secrets.token_hex(4)}:"
    with new_database("postgresql", tmp_path_factory.mktemp("two_servers")) as url:
        yield SharedState(url, redis_url, prefix)
    forget_keys(redis_url, prefix)


@pytest.fixture(scope="module")
def servers(shared_state, trained_artifacts, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """Two gunicorn masters (2 workers each, as `make serve`) on one state; each keeps its own audit spool,
    as two machines would."""
    settings = Settings(database_url=shared_state.database_url, secret_key=SECRET_KEY)
    spools = tmp_path_factory.mktemp("two_servers_spools")
    with pytest.MonkeyPatch.context() as env, contextlib.ExitStack() as stack:
        env.setenv("CACHE_REDIS_URL", shared_state.redis_url)
        env.setenv("CACHE_KEY_PREFIX", shared_state.cache_prefix)
        env.setenv("LOGIN_MAX_FAILURES", str(MAX_FAILURES))
        env.delenv("DEMO_ACCOUNTS", raising=False)
        started = []
        for name in ("first", "second"):
            env.setenv("AUDIT_SPOOL", str(spools / f"{name}.jsonl"))
            started.append(stack.enter_context(gunicorn_server(trained_artifacts, settings)))
        yield started[0], started[1]


# --- a browser's requests, by hand: the cookie is sent to whichever server we name --------------------------


def _request(
    base: str,
    method: str,
    path: str,
    *,
    cookie: str | None = None,
    form: dict[str, str] | None = None,
    body: object = None,
    headers: dict[str, str] | None = None,
    source: str = "127.0.0.1",
) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(
        parts.hostname or "127.0.0.1", parts.port, timeout=30, source_address=(source, 0)
    )
    sent = dict(headers or {})
    data: bytes | None = None
    if cookie:
        sent["Cookie"] = cookie
    if form is not None:
        data, sent["Content-Type"] = urlencode(form).encode(), "application/x-www-form-urlencoded"
    elif body is not None:
        data, sent["Content-Type"] = json.dumps(body).encode(), "application/json"
    try:
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def _cookie(headers: dict[str, str], fallback: str | None = None) -> str | None:
    found = COOKIE.search(headers.get("set-cookie", ""))
    return found.group(1) if found else fallback


def _sign_in(base: str, name: str, password: str, source: str = "127.0.0.1") -> tuple[int, str | None]:
    """The sign-in form, as a browser posts it: (status, session cookie)."""
    status, headers, page = _request(base, "GET", "/login", source=source)
    assert status == 200, page[:300]
    cookie = _cookie(headers)
    form = {"username": name, "password": password, "csrf_token": form_token(page.decode())}
    status, headers, _ = _request(base, "POST", "/login", cookie=cookie, form=form, source=source)
    return status, _cookie(headers, cookie)


def _user(state: SharedState, role: str = "advisor") -> str:
    """A new user of the shared database (a user per test: a locked one locks no other test)."""
    return add_user(f"two-{role}-{secrets.token_hex(4)}", role, PASSWORD, url=state.database_url)


def _page_form_token(base: str, cookie: str) -> str:
    """The CSRF token of the sign-out form of the rendered portfolio page (the router callback's answer)."""
    status, _, dependencies = _request(base, "GET", "/_dash-dependencies", cookie=cookie)
    assert status == 200
    payload = DashPayloads(json.loads(dependencies)).page("/")
    status, _, rendered = _request(base, "POST", "/_dash-update-component", cookie=cookie, body=payload)
    assert status == 200, rendered[:300]
    found = re.search(rb'"name":\s*"csrf_token"[^}]*?"value":\s*"([^"]+)"', rendered) or re.search(
        rb'"value":\s*"([^"]+)"[^}]*?"name":\s*"csrf_token"', rendered
    )
    assert found, "no sign-out form in the rendered page"
    return found.group(1).decode()


# --- sessions -----------------------------------------------------------------------------------------------


def test_a_session_opened_on_one_server_is_valid_on_the_other(servers, shared_state):
    first, second = servers
    status, cookie = _sign_in(first, _user(shared_state), PASSWORD)
    assert status == 303 and cookie
    for base in (second, first):
        assert _request(base, "GET", "/", cookie=cookie)[0] == 200
        assert _request(base, "GET", "/_dash-layout", cookie=cookie)[0] == 200
    # without the cookie, the same requests are refused by both: the session is what lets them through
    assert _request(second, "GET", "/")[0] == 302
    assert _request(second, "GET", "/_dash-layout")[0] == 401


def test_signing_out_on_one_server_ends_the_session_on_both(servers, shared_state):
    first, second = servers
    _, cookie = _sign_in(first, _user(shared_state), PASSWORD)
    assert cookie and _request(second, "GET", "/", cookie=cookie)[0] == 200
    token = _page_form_token(second, cookie)
    status, headers, _ = _request(second, "POST", "/logout", cookie=cookie, form={"csrf_token": token})
    assert status == 303 and headers["location"].startswith("/login?bye=1")
    # the old cookie, replayed as it was, no longer opens anything on either server
    for base in (first, second):
        assert _request(base, "GET", "/", cookie=cookie)[0] == 302
        assert _request(base, "GET", "/_dash-layout", cookie=cookie)[0] == 401


# --- sign-in throttling ------------------------------------------------------------------------------------


def test_sign_in_failures_are_counted_across_both_servers(servers, shared_state):
    first, second = servers
    name, source = _user(shared_state), next(_addresses)
    # N - 1 failures, alternating between the servers: each server saw fewer than N - 1 itself
    statuses = [_sign_in((first, second)[n % 2], name, "wrong", source)[0] for n in range(MAX_FAILURES - 1)]
    assert statuses == [401] * (MAX_FAILURES - 1)
    # the N-th failure is still checked (401), and it locks the account on both: 3 + 2 failures
    assert _sign_in(second, name, "wrong", source)[0] == 401
    assert _sign_in(first, name, PASSWORD, source)[0] == 429
    assert _sign_in(second, name, PASSWORD, source)[0] == 429
    # the lock is this account's and this address's: the same account from another address is locked too
    # (the account's count), another account from another address is not
    other_source = next(_addresses)
    assert _sign_in(second, name, PASSWORD, other_source)[0] == 429
    assert _sign_in(second, _user(shared_state), PASSWORD, other_source)[0] == 303


# --- the audit log ------------------------------------------------------------------------------------------


def _audited(state: SharedState, user_name: str, kinds: tuple[str, ...] | None = None) -> tuple[int, int]:
    """(rows, distinct event ids) of the audit events naming `user_name` (of those kinds)."""
    engine = create_engine(state.database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            query = select(func.count(), func.count(func.distinct(audit_events.c.event_id))).where(
                audit_events.c.user_name == user_name
            )
            if kinds:
                query = query.where(audit_events.c.kind.in_(kinds))
            rows, distinct = connection.execute(query).one()
            return int(rows), int(distinct)
    finally:
        engine.dispose()


def test_audit_events_from_both_servers_are_stored_once_each(servers, shared_state):
    first, second = servers
    source = next(_addresses)
    # unknown names as markers: each failed sign-in is one login_failed event naming what was typed
    marker = f"audit-marker-{secrets.token_hex(6)}"
    sent = {f"{marker}-first": (first, 3), f"{marker}-second": (second, 2)}
    for name, (base, count) in sent.items():
        for _ in range(count):
            assert _sign_in(base, name, "wrong", source)[0] == 401
    deadline = time.monotonic() + 20  # each worker's writer inserts its queue within a fraction of a second
    while time.monotonic() < deadline and any(_audited(shared_state, n)[0] < c for n, (_, c) in sent.items()):
        time.sleep(0.2)
    time.sleep(1.0)  # a duplicate would come later than the first copy: give it the time to
    for name, (_, count) in sent.items():
        assert _audited(shared_state, name) == (count, count), name


# --- the applications store ---------------------------------------------------------------------------------


def test_an_application_stored_through_one_server_is_read_through_the_other(servers, shared_state):
    first, second = servers
    token = {"Authorization": f"Bearer {issue_token(_user(shared_state), url=shared_state.database_url)}"}
    document = copy.deepcopy(CREDIT_FILE_EXAMPLE)
    document["application"]["AMT_CREDIT"] = 612_000.0
    key = {"Idempotency-Key": f"two-servers-{secrets.token_hex(6)}"}
    status, _, body = _request(first, "POST", "/api/v1/applications", body=document, headers=token | key)
    assert status == 201, body[:500]
    posted = json.loads(body)
    status, _, body = _request(
        second, "GET", f"/api/v1/applications/{posted['application_id']}", headers=token
    )
    assert status == 200, body[:500]
    read = json.loads(body)
    assert read["client_id"] == posted["client_id"] and read["source"] == "api"
    assert read["credit_file"]["application"]["AMT_CREDIT"] == 612_000.0
    (score,) = read["scores"]
    assert score["probability"] == posted["probability"]
    # the client is in the other server's portfolio too, scored the same
    status, _, body = _request(second, "GET", f"/api/v1/clients/{posted['client_id']}/score", headers=token)
    assert status == 200 and json.loads(body)["probability"] == pytest.approx(posted["probability"])
    # a retry of the same key and body reaching the other server answers the first application
    status, _, body = _request(second, "POST", "/api/v1/applications", body=document, headers=token | key)
    assert status == 200 and json.loads(body)["application_id"] == posted["application_id"]


def test_both_servers_keep_their_cache_in_the_shared_redis(servers, shared_state, trained_artifacts):
    import redis

    first, second = servers
    token = {"Authorization": f"Bearer {issue_token(_user(shared_state), url=shared_state.database_url)}"}
    client = redis.Redis.from_url(shared_state.redis_url)
    try:
        for base, client_id in zip((first, second), production_ids(trained_artifacts)[-2:], strict=True):
            status, _, _ = _request(base, "GET", f"/api/v1/clients/{client_id}/score", headers=token)
            assert status == 200
        keys = list(client.scan_iter(match=f"{shared_state.cache_prefix}*", count=1000))
    finally:
        client.close()
    assert keys, "no entry under the servers' cache prefix in Redis"


# --- under load ---------------------------------------------------------------------------------------------


def test_the_load_test_across_both_servers_has_no_error_and_each_audited_request_is_stored_once(
    servers, shared_state, trained_artifacts
):
    ports = [urlsplit(base).port or 0 for base in servers]
    name = _user(shared_state)
    user = BenchUser(name, PASSWORD, issue_token(name, url=shared_state.database_url))
    cookie = _sign_in(servers[0], name, PASSWORD)[1]
    status, _, dependencies = _request(servers[0], "GET", "/_dash-dependencies", cookie=cookie)
    assert status == 200
    setup = (production_ids(trained_artifacts), DashPayloads(json.loads(dependencies)), user)
    tally, elapsed = load_phase(ports, 4, 8.0, 2_000, setup)
    assert tally.requests > 0 and tally.error_count == 0, tally.examples
    # the users were spread across both, and each server answered its share
    assert set(tally.by_port) == set(ports) and min(tally.by_port.values()) > tally.requests // 4
    # every client page shown and every API call of this user is in the audit log once, whichever server
    # answered it (the health polls are not this user's)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _audited(shared_state, name, AUDITED)[0] < tally.audited:
        time.sleep(0.2)
    time.sleep(1.0)
    assert _audited(shared_state, name, AUDITED) == (tally.audited, tally.audited)
    rate = tally.requests / elapsed
    print(f"two servers, 4 users, {elapsed:.1f} s: {tally.requests} requests, {rate:.0f} req/s")
