"""`GET /reports/drift.html`: the evidently drift report of the served artifacts, for the drift page's iframe.

The file path comes from the app's settings only (never from the request), so the route cannot be made to
serve anything else. A missing report answers 404 with a short page saying how to build it: that page is
what the iframe shows, so it must read well on its own.
"""

from __future__ import annotations

from html import escape

from flask import Blueprint, Response, send_file

from app.services import get_services
from model_training.drift_summary import report_path

REPORT_URL = "/reports/drift.html"
BUILD_COMMAND = "python -m model_training drift --data DIR --artifacts {artifacts}"

drift_report = Blueprint("drift_report", __name__)


@drift_report.get(REPORT_URL)
def serve_drift_report() -> Response:
    """The report as built by `python -m model_training drift`; never cached, since a rebuild replaces it."""
    artifacts = get_services().settings.artifacts_dir
    path = report_path(artifacts)
    if not path.is_file():
        return _missing(str(artifacts))
    response = send_file(path, mimetype="text/html", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _missing(artifacts: str) -> Response:
    command = escape(BUILD_COMMAND.format(artifacts=artifacts))
    body = (
        '<!doctype html><html lang="fr"><meta charset="utf-8"><title>Rapport de dérive absent</title>'
        '<body style="font-family: system-ui, sans-serif; margin: 1rem">'
        "<h1>Rapport de dérive absent / Drift report missing</h1>"
        f"<p>Construisez-le avec <code>make drift</code> ou <code>{command}</code>.</p>"
        f'<p lang="en">Build it with <code>make drift</code> or <code>{command}</code>.</p></body></html>'
    )
    return Response(body, status=404, mimetype="text/html")
