"""gunicorn settings read by `make serve` (`-c gunicorn.conf.py`) and by any `gunicorn wsgi:server` run here.

No --preload: polars starts its thread pool the first time the app reads a table, and a worker forked from
a master that already holds that pool hangs on its next parallel polars call (POST /api/v1/score and the
what-if page hung until gunicorn killed the worker). Each worker loads the artifacts itself instead; the
master checks the artifacts without reading any table (a broken folder stops the start with one line and
exit status 3), then creates and prints the demo accounts, once, before any worker starts.

gthread workers (app/gunicorn_worker.py: gunicorn's threaded worker, reading each request's head on its
poller instead of in a thread): a sync worker served directly waits on a silent connection until its
timeout, so two of them (browsers open speculative connections; anyone can open a socket) stopped the whole
app. Here a connection that is silent, or sends its headers a byte at a time, before its first request or
between two, costs no thread and is closed after `keepalive` seconds; gunicorn's own refusals (an
over-long request line or headers) are answered in JSON.
"""

from __future__ import annotations

import sys

preload_app = False
worker_class = "app.gunicorn_worker.Worker"
#: Requests served at once by each worker: one, as with sync workers (idle connections and unfinished heads
#: wait on the poller, not in this thread). More would deadlock: polars 1.35's DataFrame.to_numpy holds the
#: GIL while it waits for polars' thread pool, so a request scoring an application hangs its worker when
#: another thread of the same worker collects a query (reproduced: 8 threads scoring applications hang
#: within 80 calls; pola-rs/polars#26821, fixed in later versions). Raise it only on a polars with that
#: fix, after the load test (benchmarks/load_test.py) passes with 0 errors.
threads = 1
#: Seconds an idle connection (before its first request, or between two) stays open: enough for a browser
#: to reuse it for the next request of a page, short enough that silent ones do not pile up.
keepalive = 5
#: Seconds the master waits for a worker's heartbeat (its poller loop, never blocked by a request under
#: gthread) before killing it; a worker stuck for that long is restarted.
timeout = 60


def on_starting(server) -> None:
    """Check the artifacts, then print the demo accounts from the master (DEMO_ACCOUNTS=1: `make serve`)."""
    from app.artifacts import ArtifactsError, check_artifacts
    from app.config import load_settings

    try:
        settings = load_settings()
        check_artifacts(settings.artifacts_dir)
    except (ValueError, ArtifactsError) as error:  # one line, as wsgi.py says it
        print(f"error: {error}", file=sys.stderr, flush=True)
        sys.exit(3)
    if settings.demo_accounts:
        from app.users import print_demo_accounts

        print_demo_accounts(settings.database_url)
