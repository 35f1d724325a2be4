"""`GET /reports/drift.html`: the evidently drift report of the served artifacts, for the drift page's iframe.

Two files, both written by `python -m model_training drift`: the lighter report (the score and the columns
read first), served by default because a browser draws it in about a second, and the full one (every
column, three plots each: several seconds to draw) with `?full=1`. Artifacts built before the lighter
report existed serve the full one either way. Both are gzip-compressed for browsers that accept it (the
full report is ~8 MB of HTML at Kaggle scale, ~1.6 MB compressed), compressed once per file version and
kept in memory.

The file path comes from the app's settings only (the query chooses between two fixed files, never a path),
so the route cannot be made to serve anything else. `?batch=NAME` serves a batch's report instead: the name
only picks one of the serving model's stored drift records, whose report must be an HTML file inside
ARTIFACTS/drift/batches/ or windows/ (a record pointing elsewhere serves nothing). A missing report answers
404 with a short page saying how to build it: that page is what the iframe shows, so it must read well on
its own.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from html import escape
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, request, send_file

from app.services import get_services
from model_training.contract.monitoring import BATCH_DRIFT, BatchDrift
from model_training.drift_summary import DRIFT_FOLDER, light_report_path, report_path
from model_training.errors import InputError
from model_training.store.applications import monitoring_records

REPORT_URL = "/reports/drift.html"
FULL_REPORT_URL = f"{REPORT_URL}?full=1"
BUILD_COMMAND = "python -m model_training drift --data DIR --artifacts {artifacts}"
#: Where the batches' (and calendar windows') evidently reports live inside ARTIFACTS/drift/.
BATCH_REPORTS = ("batches", "windows")
BATCH_COMMAND = BatchDrift.REBUILD.replace("{folder}", "{artifacts}")

drift_report = Blueprint("drift_report", __name__)


def report_file(artifacts: Path | str, full: bool) -> Path | None:
    """The report file to serve: the lighter one unless `full` (or unless it is absent); None if neither."""
    candidates = [report_path(artifacts)] if full else [light_report_path(artifacts), report_path(artifacts)]
    return next((path for path in candidates if path.is_file()), None)


def batch_report_url(key: str) -> str:
    """The address of a batch's (or window's) report by its record's key (`BatchDrift.key`: the batch's name,
    "month:2026-03" for a window), quoted: batch names are free text."""
    return f"{REPORT_URL}?{urlencode({'batch': key})}"


def batch_report_file(artifacts: Path | str, report: str | None) -> Path | None:
    """A record's report file, only if it is an HTML file inside ARTIFACTS/drift/batches/ or windows/ (no
    "..", no absolute path, no link leading out); None otherwise."""
    if not report:
        return None
    folders = [(Path(artifacts) / DRIFT_FOLDER / name).resolve() for name in BATCH_REPORTS]
    path = (Path(artifacts) / report).resolve()
    inside = any(path.is_relative_to(folder) for folder in folders)
    return path if inside and path.suffix == ".html" and path.is_file() else None


def _batch_file(key: str) -> Path | None:
    """The serving model's latest drift record of that key, and its report file when there is one."""
    services = get_services()
    applications = services.applications
    try:
        records = monitoring_records(applications.engine, BATCH_DRIFT, BatchDrift, applications.model)
    except InputError:
        return None
    found = [r for r in records if r.key == key]
    return batch_report_file(services.settings.artifacts_dir, found[-1].report) if found else None


@lru_cache(maxsize=4)
def _compressed(path: str, _version: tuple[int, int]) -> bytes:
    """The file gzip-compressed; `_version` (mtime, size) makes a rebuilt report a new cache entry."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=6)


@drift_report.get(REPORT_URL)
def serve_drift_report() -> Response:
    """The report as built by `python -m model_training drift`; never cached, since a rebuild replaces it."""
    artifacts = get_services().settings.artifacts_dir
    batch = request.args.get("batch")
    if batch is not None:
        path = _batch_file(batch)
        if path is None:
            return _missing(BATCH_COMMAND.format(artifacts=artifacts))
    else:
        path = report_file(artifacts, full=request.args.get("full") == "1")
        if path is None:
            return _missing(BUILD_COMMAND.format(artifacts=artifacts))
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        stat = path.stat()
        response = Response(_compressed(str(path), (stat.st_mtime_ns, stat.st_size)), mimetype="text/html")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = send_file(path, mimetype="text/html", max_age=0)
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = "no-cache"
    return response


def _missing(command_text: str) -> Response:
    command = escape(command_text)
    body = (
        '<!doctype html><html lang="fr"><meta charset="utf-8"><title>Rapport de dérive absent</title>'
        '<body style="font-family: system-ui, sans-serif; margin: 1rem">'
        "<h1>Rapport de dérive absent / Drift report missing</h1>"
        f"<p>Construisez-le avec <code>make drift</code> ou <code>{command}</code>.</p>"
        f'<p lang="en">Build it with <code>make drift</code> or <code>{command}</code>.</p></body></html>'
    )
    return Response(body, status=404, mimetype="text/html")
