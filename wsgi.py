"""`gunicorn wsgi:server` entry point: the Flask server under the Dash app.

Missing or broken artifacts end the start with one line saying what is missing and how to build it.
"""

from __future__ import annotations

import sys

from app.artifacts import ArtifactsError
from app.server import create_app

try:
    app = create_app()
except ArtifactsError as error:
    print(f"error: {error}", file=sys.stderr)
    sys.exit(1)

server = app.server

if __name__ == "__main__":
    settings = app.server.extensions["credit_scoring"].settings
    app.run(host=settings.host, port=settings.port, debug=False)
