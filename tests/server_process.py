"""A local server in its own process, as the gunicorn tests and the benchmarks start it: a free port to bind,
whether its health endpoint answers, and how to stop it. Standard library only: benchmarks import it too."""

from __future__ import annotations

import http.client
import socket
import subprocess


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthy(port: int) -> bool:
    """GET /api/v1/health on 127.0.0.1:port answers 200."""
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/api/v1/health")
        return connection.getresponse().status == 200
    except OSError:
        return False


def stop(server: subprocess.Popen) -> None:
    """SIGTERM (gunicorn stops its workers gracefully), SIGKILL after 30 s."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
