"""`gunicorn wsgi:server` entry point: the Flask server under the Dash app.

Missing or broken artifacts, a bad setting (PORT, SESSION_MINUTES...) or an app database that cannot be
opened end the start with one line saying what is wrong, never a traceback. Each gunicorn worker loads the
app itself (no --preload: see gunicorn.conf.py), so the exit status is 3, gunicorn's "worker failed to
boot": the master then stops instead of starting the broken worker again and again.
"""

from __future__ import annotations

import sys

from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from app.artifacts import ArtifactsError
from app.config import load_settings
from app.server import create_app

BOOT_ERROR = 3  # gunicorn's WORKER_BOOT_ERROR: the master halts

try:
    settings = load_settings()
except ValueError as error:  # a setting, named in the message
    print(f"error: {error}", file=sys.stderr)
    sys.exit(BOOT_ERROR)

try:
    app = create_app(settings=settings)
except ArtifactsError as error:
    print(f"error: {error}", file=sys.stderr)
    sys.exit(BOOT_ERROR)
except (SQLAlchemyError, OSError) as error:
    where = make_url(settings.database_url).render_as_string(hide_password=True)
    print(f"error: the app database ({where}) cannot be used: {str(error).splitlines()[0]}", file=sys.stderr)
    sys.exit(BOOT_ERROR)

server = app.server

if __name__ == "__main__":
    app.run(host=settings.host, port=settings.port, debug=False)
