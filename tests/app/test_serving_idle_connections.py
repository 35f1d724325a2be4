"""The server as `make serve` runs it (gunicorn.conf.py, 2 workers) against connections that say nothing, and
requests gunicorn refuses before the app sees them.

With sync workers, two silent TCP connections (a browser's speculative ones, or anyone's) held both workers
until their timeout and no request was answered. With the threaded worker (app/gunicorn_worker.py), eight
silent connections held open change nothing: /api/v1/health and a signed-in API call answer within a second,
again and again, for longer than gunicorn's own 5 s wait and the 5 s keep-alive; the server then closes the
silent ones itself. An over-long request line or too many headers get gunicorn's status in JSON, not HTML.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from app import create_app, get_services
from tests.app.served import gunicorn_server
from tests.signin import bearer

SILENT = 8
HELD_SECONDS = 12
ANSWER_WITHIN = 1.0


@pytest.fixture(scope="module")
def server(trained_artifacts, app_settings):
    with gunicorn_server(trained_artifacts, app_settings) as url:
        yield urlsplit(url).port


@pytest.fixture(scope="module")
def client_ids(trained_artifacts, app_settings) -> list[int]:
    """Production clients, then reference clients (read on demand and kept in a cache the threads share)."""
    app = create_app(trained_artifacts, app_settings)
    with app.server.app_context():
        artifacts = get_services().artifacts
        production = [int(i) for i in artifacts.production_features.ids[:20]]
        return production + [int(i) for i in artifacts.reference.get_column("SK_ID_CURR")[:20]]


@pytest.fixture(scope="module")
def client_id(client_ids) -> int:
    return client_ids[0]


def _get(
    port: int, path: str, headers: dict[str, str] | None = None, timeout: float = 10
) -> tuple[int, float, dict]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return response.status, time.perf_counter() - started, json.loads(body)


def test_silent_connections_never_stall_the_server(server, client_id, app_database):
    token = bearer(app_database, "advisor")
    silent = [socket.create_connection(("127.0.0.1", server), timeout=10) for _ in range(SILENT)]
    try:
        began, rounds = time.monotonic(), 0
        while time.monotonic() - began < HELD_SECONDS:
            status, took, body = _get(server, "/api/v1/health")
            assert status == 200 and body["status"] == "ok" and took < ANSWER_WITHIN, (rounds, took)
            status, took, body = _get(server, f"/api/v1/clients/{client_id}/score", token)
            assert status == 200 and body["client_id"] == client_id and took < ANSWER_WITHIN, (rounds, took)
            rounds += 1
            time.sleep(0.25)
        assert rounds >= 20
        # the server closed the silent connections itself (keepalive = 5 s): they do not pile up
        for connection in silent:
            assert connection.recv(1) == b""
    finally:
        for connection in silent:
            connection.close()


def test_heads_sent_a_byte_at_a_time_never_stall_the_server(server, client_id, app_database):
    """A slowloris: connections that start a request and send its headers a few bytes at a time, never
    ending them. Their heads wait on the poller, not in a worker's thread; they are closed after 5 s."""
    token = bearer(app_database, "advisor")
    slow = [socket.create_connection(("127.0.0.1", server), timeout=10) for _ in range(SILENT)]
    for connection in slow:
        connection.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    try:
        began, rounds, closed = time.monotonic(), 0, 0
        while time.monotonic() - began < HELD_SECONDS:
            for connection in slow:
                try:
                    connection.sendall(b"X-Wait: a\r\n")
                except OSError:  # closed by the server: it had 5 s to send its head
                    closed += 1
            status, took, _ = _get(server, "/api/v1/health")
            assert status == 200 and took < ANSWER_WITHIN, (rounds, took)
            status, took, body = _get(server, f"/api/v1/clients/{client_id}/score", token)
            assert status == 200 and body["client_id"] == client_id and took < ANSWER_WITHIN, (rounds, took)
            rounds += 1
            time.sleep(0.25)
        assert rounds >= 20 and closed > 0
    finally:
        for connection in slow:
            connection.close()


def _raw(port: int, request: bytes) -> tuple[int, str, dict]:
    """Send bytes as they are (http.client refuses to write some of these) and read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split(" ")[1]), headers["Content-Type"], json.loads(body)


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /api/v1/health?lang=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET /api/v1/health HTTP/1.1\r\n" + b"X: v\r\n" * 200 + b"\r\n", 431),
        (b"GET /api/v1/health HTTP/1.1\r\nX-Long: " + b"v" * 9000 + b"\r\n\r\n", 431),
        (b"GET /api/v1/health HTTP/9.9\r\n\r\n", 400),
        (b"\x16\x03\x01 not http at all\r\n\r\n", 400),
    ],
    ids=["request line too long", "too many headers", "header too long", "bad version", "not HTTP"],
)
def test_requests_gunicorn_refuses_are_answered_in_json(server, request_bytes, status):
    answered, content_type, body = _raw(server, request_bytes)
    assert answered == status and content_type == "application/json"
    assert body["status"] == status and body["error"] and body["message"]


def test_threads_answer_concurrent_requests_as_one_at_a_time(server, client_ids, app_database):
    """16 concurrent callers, spread over the workers (each keeps the connections it is not serving on its
    poller), get the answers one caller gets asking in turn: scores, shared caches and model alike."""
    token = bearer(app_database, "advisor")
    paths = [f"/api/v1/clients/{i}/explanation?top=5&lang=en" for i in client_ids]
    alone = {path: _get(server, path, token)[2] for path in paths}
    with ThreadPoolExecutor(16) as pool:
        together = list(pool.map(lambda path: (path, _get(server, path, token)), paths * 4))
    for path, (status, _, body) in together:
        assert status == 200 and body == alone[path], path


def test_a_body_that_stops_coming_frees_its_worker_after_the_timeout(
    trained_artifacts, app_settings, app_database
):
    """A client that stops halfway through its body (or a network cut) held a worker's thread for ever under
    gthread, gunicorn never killing the worker: reads in the thread now give up after `timeout` seconds."""
    token = bearer(app_database, "advisor")["Authorization"].encode()
    with gunicorn_server(trained_artifacts, app_settings, "--timeout", "8") as url:
        port = urlsplit(url).port
        head = b"POST /api/v1/score HTTP/1.1\r\nHost: x\r\nAuthorization: " + token
        head += b"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
        stalled = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(2)]
        try:
            for connection in stalled:
                connection.sendall(head)  # and the other 99 bytes never come
            time.sleep(0.5)
            # one thread per worker: health may wait behind both stalled requests (each: the 8 s read
            # timeout, then up to 5 s for gunicorn to give up on the rest of the body), never longer
            status, took, _ = _get(port, "/api/v1/health", timeout=40)
            assert status == 200 and took < 2 * (8 + 5) + 6
            for connection in stalled:  # each was answered 408
                assert connection.recv(65536).startswith(b"HTTP/1.1 408 ")
        finally:
            for connection in stalled:
                connection.close()
