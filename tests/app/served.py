"""A real gunicorn serving the app, as `make serve` starts it (gunicorn.conf.py, 2 workers, loopback), for the
tests that need the server itself: its workers, its own answers, its sockets.

`gunicorn_server(artifacts, settings)` starts it on a free port over the app database of `settings` (the test
session's, where tests/signin.py creates users and tokens), passed as DATABASE_URL and SECRET_KEY in the
server's own environment; it waits until /api/v1/health answers and yields
its base URL; it stops it at the end (SIGTERM, SIGKILL after 30 s) and shows its log if it did not start or
ended while the test ran.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from app.config import Settings
from tests.server_process import free_port, healthy, stop

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def gunicorn_server(artifacts: Path, settings: Settings, *options: str, workers: int = 2) -> Iterator[str]:
    """gunicorn wsgi:server -c gunicorn.conf.py on 127.0.0.1:<free port>, with extra `options`."""
    port = free_port()
    env = {**os.environ, "ARTIFACTS_DIR": str(artifacts), "DATABASE_URL": settings.database_url}
    if settings.secret_key:
        env["SECRET_KEY"] = settings.secret_key
    command = [sys.executable, "-m", "gunicorn", "wsgi:server", "-c", "gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--no-control-socket", *options]
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 180
            while not healthy(port):
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    tail = log.read().decode(errors="replace")[-3000:]
                    raise RuntimeError(f"gunicorn did not start:\n{tail}")
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            died = server.poll()
            stop(server)
            if (
                died is not None
            ):  # the server ended while the test ran: its log says why (a failed test's output)
                log.seek(0)
                tail = log.read().decode(errors="replace")[-6000:]
                print(
                    f"gunicorn exited with status {died} while the test ran; its log ends:\n{tail}",
                    file=sys.stderr,
                )
