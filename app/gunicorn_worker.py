"""The gunicorn worker of `make serve` (gunicorn.conf.py): gunicorn's threaded worker (gthread), changed so:

- A request's head (request line and headers) is read on the worker's poller, and a thread takes the
  connection only once the head is whole. gunicorn 26 hands a new connection to a thread that waits up to 5 s
  for its first bytes, then reads the head blocking: a handful of silent connections (a browser's speculative
  ones) or of heads sent a byte at a time (a slowloris) held every thread, and a sync worker until its
  timeout; under gthread a stalled head would even hold its thread for ever (the worker's heartbeat comes from
  its poller loop, so gunicorn never kills it). Here such a connection costs a file descriptor and a few
  bytes, never a thread, and is closed once it has had `keepalive` seconds to send its head, for the first
  request as for the next ones on a kept-alive connection.
- In the thread, no read or write waits longer than `timeout` seconds: a client that stops halfway through
  its body, or stops reading the answer (a network cut leaves the connection open), frees the thread after
  that, as gunicorn's master freed a stuck sync worker by killing it; under gthread it never would (a body
  trickled a byte at a time still holds the thread: bodies here are small; on an untrusted network, a
  buffering proxy in front).
- Requests gunicorn refuses itself, before the app sees them (a request line or headers too long, too many
  headers, a malformed request), are answered in JSON like every error of the app, not with gunicorn's HTML.
"""

from __future__ import annotations

import errno
import json
import selectors
import socket
import time
from functools import partial

from gunicorn import util
from gunicorn.workers.gthread import TConn, ThreadWorker

#: The status gunicorn gives a request it refuses when it cannot be read off its own answer.
_FALLBACK = (500, "Internal Server Error")
#: A head this long goes to a thread as it is: gunicorn's limits (request line 4094, header 8190 bytes)
#: refuse it there; real heads are a few hundred bytes.
HEAD_BUFFER = 64 * 1024


class TimedSocket(socket.socket):
    """A client socket that never blocks for ever: blocking, each read or write waits at most `seconds`."""

    seconds: float = 60.0

    def setblocking(self, flag: bool) -> None:
        self.settimeout(self.seconds if flag else 0.0)


class Connection(TConn):
    """gthread's connection, with the head bytes read on the poller given back to its parser, and a socket
    whose blocking reads and writes time out after the `timeout` setting."""

    def __init__(self, cfg, sock, client, server) -> None:
        timed = TimedSocket(sock.family, sock.type, sock.proto, fileno=sock.detach())
        timed.seconds = float(cfg.timeout)
        super().__init__(cfg, timed, client, server)
        self.head = b""

    def init(self) -> None:
        super().init()
        self.hand_over()

    def hand_over(self) -> None:
        """Put the bytes read so far in front of what the parser reads next from the socket."""
        if self.head and self.parser is not None:
            self.parser.unreader.unread(self.head)
            self.head = b""


def head_is_whole(head: bytes, new: int) -> bool:
    """Whether the blank line ending the headers is in `head` (looking where `new` bytes may finish it)."""
    tail = head[-(new + 3) :]
    return b"\r\n\r\n" in tail or b"\n\n" in tail


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

    def accept(self, listener) -> None:
        """Accept a connection and read its head on the poller (`wait_for_head`)."""
        try:
            client, address = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        self.wait_for_head(Connection(self.cfg, client, address, listener.getsockname()))  # non-blocking

    def on_client_socket_readable(self, conn, client) -> None:
        """A kept-alive connection speaks again: its next head is read on the poller too."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self.wait_for_head(conn)
        self.read_head(conn)

    def wait_for_head(self, conn: Connection) -> None:
        """Wait on the poller until the head is whole; `murder_pending` closes the connection if it is not
        within `keepalive` seconds."""
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.read_head, conn))

    def read_head(self, conn: Connection, _ready: object = None) -> None:
        """Read what has arrived; a whole head, too long a one or a closed connection goes to a thread."""
        try:
            data = conn.sock.recv(HEAD_BUFFER)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:  # reset by the client: the thread reads the end and closes it
            data = b""
        conn.head += data
        if data and not head_is_whole(conn.head, len(data)) and len(conn.head) < HEAD_BUFFER:
            return
        self.poller.unregister(conn.sock)
        self.pending_conns.remove(conn)
        conn.data_ready = True
        conn.hand_over()  # a kept-alive connection's parser exists already; a new one gets it in init()
        self.enqueue_req(conn)

    def handle_error(self, req, client, addr, exc) -> None:
        """gunicorn logs the error and chooses the status; the client gets them as JSON."""
        captured = _Captured()
        super().handle_error(req, captured, addr, exc)
        status, reason = _status(captured.data)
        try:
            util.write_nonblock(client, json_error(status, reason, str(exc), _language()))
        except Exception:  # the client is gone: nothing to tell
            self.log.debug("Failed to send error message.")
