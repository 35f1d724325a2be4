"""`GET /audit/export.csv`: the audit log as CSV for admins, with the audit page's filters.

A blueprint registered by `create_app`, like the drift report: refused to anyone but an admin (by the access
layer, and again here), and built from the validated filter only (no path or query text from the request
reaches the database unchecked).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, request, stream_with_context
from sqlalchemy.exc import SQLAlchemyError

from app.audit import EventFilter, error_text, events_csv, parse_event_filter
from app.i18n import t
from app.identity import current_identity

EXPORT_URL = "/audit/export.csv"

audit_export = Blueprint("audit_export", __name__)


@audit_export.get(EXPORT_URL)
def export_csv() -> Response:
    """The filtered log as CSV, streamed a chunk of rows at a time; admins only (401 signed out, else 403)."""
    identity = current_identity()
    if identity is None:
        return Response("Sign in as an administrator to export the audit log.\n", 401, mimetype="text/plain")
    if not identity.is_admin:
        return Response("Only administrators may export the audit log.\n", 403, mimetype="text/plain")
    selection, problems = parse_event_filter(**{name: request.args.get(name) for name in EventFilter.FIELDS})
    if problems:
        text = "; ".join(f"{name}: {t(f'audit.invalid.{code}', 'en')}" for name, code in problems.items())
        return Response(f"Bad filter: {text}\n", 400, mimetype="text/plain")
    try:
        chunks = events_csv(selection)
        first = next(chunks)  # opens the database now, so a failure is a clear 503, not a cut download
    except SQLAlchemyError as error:
        return Response(f"The audit log cannot be read: {error_text(error)}\n", 503, mimetype="text/plain")
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")

    def body():
        yield first
        yield from chunks

    return Response(
        stream_with_context(body()),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="audit-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )
