"""The gunicorn worker of `make serve` (gunicorn.conf.py): gunicorn's threaded worker (gthread), changed so:

- A new connection waits on the worker's poller, not in a thread, until its first bytes arrive. gunicorn 26
  hands it to a thread that waits up to 5 s for them: a handful of silent connections (a browser's
  speculative ones, or a slowloris) could hold every thread for that long, and a sync worker was held until
  its timeout. Here a connection that says nothing costs a file descriptor, never a thread, and is closed
  after `keepalive` seconds, as an idle keep-alive connection is.
- Requests gunicorn refuses itself, before the app sees them (a request line or headers too long, too many
  headers, a malformed request), are answered in JSON like every error of the app, not with gunicorn's HTML.
"""

from __future__ import annotations

import errno
import json
import selectors
import time
from functools import partial

from gunicorn import util
from gunicorn.workers.gthread import TConn, ThreadWorker

#: The status gunicorn gives a request it refuses when it cannot be read off its own answer.
_FALLBACK = (500, "Internal Server Error")


class _Captured:
    """Stands in for the client's socket while gunicorn writes its HTML error page: keeps the bytes, so
    that the status and reason stay gunicorn's own."""

    def __init__(self) -> None:
        self.data = b""

    def gettimeout(self) -> float:
        return 0.0

    def sendall(self, data: bytes) -> None:
        self.data += data


def _status(answer: bytes) -> tuple[int, str]:
    """(500, "Internal Server Error") from "HTTP/1.1 500 Internal Server Error\\r\\n..."."""
    parts = answer.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
    if len(parts) == 3 and parts[1].isdigit():
        return int(parts[1]), parts[2]
    return _FALLBACK


def _language() -> str:
    """The deployment's language (LANG setting), French when the settings cannot be read."""
    from app.config import load_settings

    try:
        return load_settings().lang
    except ValueError:
        return "fr"


def json_error(status: int, reason: str, detail: str, lang: str) -> bytes:
    """A whole HTTP/1.1 answer carrying the app's JSON error body; the connection is closed after it."""
    from app.i18n import t

    message = t("api.server_refused", lang, detail=detail if status < 500 else reason)
    code = reason.lower().replace(" ", "_")
    body = json.dumps({"error": code, "status": status, "message": message}, ensure_ascii=False).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\n"
    )
    return head.encode("latin-1") + body


class Worker(ThreadWorker):
    """gthread: idle connections wait on the poller; gunicorn's own refusals are JSON."""

    def accept(self, listener) -> None:  # type: ignore[no-untyped-def]
        """Accept a connection and wait for its first bytes on the poller (`on_pending_socket_readable`
        then hands it to a thread); `murder_pending` closes it after `keepalive` seconds of silence."""
        try:
            client, address = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        connection = TConn(self.cfg, client, address, listener.getsockname())  # non-blocking
        connection.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(connection)
        readable = partial(self.on_pending_socket_readable, connection)
        self.poller.register(connection.sock, selectors.EVENT_READ, readable)

    def handle_error(self, req, client, addr, exc) -> None:  # type: ignore[no-untyped-def]
        """gunicorn logs the error and chooses the status; the client gets them as JSON."""
        captured = _Captured()
        super().handle_error(req, captured, addr, exc)
        status, reason = _status(captured.data)
        try:
            util.write_nonblock(client, json_error(status, reason, str(exc), _language()))
        except Exception:  # the client is gone: nothing to tell
            self.log.debug("Failed to send error message.")
