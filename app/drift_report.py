"""`GET /reports/drift.html`: the evidently drift report of the served artifacts, for the drift page's iframe.

Two files, both written by `python -m model_training drift`: the lighter report (the score and the columns
read first), served by default because a browser draws it in about a second, and the full one (every
column, three plots each: several seconds to draw) with `?full=1`. Artifacts built before the lighter
report existed serve the full one either way. Both are gzip-compressed for browsers that accept it (the
full report is ~8 MB of HTML at Kaggle scale, ~1.6 MB compressed), compressed once per file version and
kept in memory.

The file path comes from the app's settings only (the query chooses between two fixed files, never a path),
so the route cannot be made to serve anything else. A missing report answers 404 with a short page saying
how to build it: that page is what the iframe shows, so it must read well on its own.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from html import escape
from pathlib import Path

from flask import Blueprint, Response, request, send_file

from app.services import get_services
from model_training.drift_summary import light_report_path, report_path

REPORT_URL = "/reports/drift.html"
FULL_REPORT_URL = f"{REPORT_URL}?full=1"
BUILD_COMMAND = "python -m model_training drift --data DIR --artifacts {artifacts}"

drift_report = Blueprint("drift_report", __name__)


def report_file(artifacts: Path | str, full: bool) -> Path | None:
    """The report file to serve: the lighter one unless `full` (or unless it is absent); None if neither."""
    candidates = [report_path(artifacts)] if full else [light_report_path(artifacts), report_path(artifacts)]
    return next((path for path in candidates if path.is_file()), None)


@lru_cache(maxsize=4)
def _compressed(path: str, _version: tuple[int, int]) -> bytes:
    """The file gzip-compressed; `_version` (mtime, size) makes a rebuilt report a new cache entry."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=6)


@drift_report.get(REPORT_URL)
def serve_drift_report() -> Response:
    """The report as built by `python -m model_training drift`; never cached, since a rebuild replaces it."""
    artifacts = get_services().settings.artifacts_dir
    path = report_file(artifacts, full=request.args.get("full") == "1")
    if path is None:
        return _missing(str(artifacts))
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        stat = path.stat()
        response = Response(_compressed(str(path), (stat.st_mtime_ns, stat.st_size)), mimetype="text/html")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = send_file(path, mimetype="text/html", max_age=0)
    response.headers["Vary"] = "Accept-Encoding"
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
