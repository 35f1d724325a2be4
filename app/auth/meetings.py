"""Meetings seen from outside: the open ones, and an admin ending one (the advisor's own exit is the
`/meeting/leave` form, app/auth/views.py)."""

from __future__ import annotations

from app.audit import record_event
from app.auth import store, throttle
from app.identity import current_identity


def open_meetings() -> list[store.OpenMeeting]:
    return store.open_meetings()


def end_by_admin(session: str) -> store.OpenMeeting | None:
    """End the meeting of that session: the session is signed out (its screen goes to the sign-in page at
    its next request, never to the advisor's pages), the advisor's exit delay is forgiven, and the admin's
    action is audited. None when the caller is not an admin or the meeting is already over."""
    identity = current_identity()
    if identity is None or not identity.is_admin:
        return None
    ended = store.end_meeting_session(session)
    if ended is None:
        return None
    throttle.forgive_meeting(ended.advisor)
    record_event(
        "meeting_ended_by_admin",
        client_id=ended.client_id,
        detail=f"advisor={ended.advisor}; the advisor's session is signed out",
    )
    return ended
