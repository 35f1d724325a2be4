"""gunicorn settings read by `make serve` (`-c gunicorn.conf.py`) and by any `gunicorn wsgi:server` run here.

No --preload: polars starts its thread pool the first time the app reads a table, and a worker forked from
a master that already holds that pool hangs on its next parallel polars call (POST /api/v1/score and the
what-if page hung until gunicorn killed the worker). Each worker loads the artifacts itself instead; the
master checks the artifacts without reading any table (a broken folder stops the start with one line and
exit status 3), then creates and prints the demo accounts, once, before any worker starts.
"""

from __future__ import annotations

import sys

preload_app = False


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

        print_demo_accounts()
