"""gunicorn settings read by `make serve` (`-c gunicorn.conf.py`) and by any `gunicorn wsgi:server` run here.

No --preload: polars starts its thread pool the first time the app reads a table, and a worker forked from
a master that already holds that pool hangs on its next parallel polars call (POST /api/v1/score and the
what-if page hung until gunicorn killed the worker). Each worker loads the artifacts itself instead; the
master only creates and prints the demo accounts, once, before any worker starts.
"""

from __future__ import annotations

preload_app = False


def on_starting(server) -> None:
    """`make run`: print the demo accounts from the master, once (DEMO_ACCOUNTS=1, set by `make serve`)."""
    from app.config import load_settings

    try:
        demo = load_settings().demo_accounts
    except ValueError:
        return  # each worker reports the bad setting in one line (wsgi.py)
    if demo:
        from app.users import print_demo_accounts

        print_demo_accounts()
