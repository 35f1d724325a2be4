"""Who is making the current request: the one place pages, callbacks, the API and the audit log ask.

The access layer (`app.auth`) resolves a session cookie or a bearer token into an `Identity` once per
request and stores it with `set_identity`; everything else reads it with `current_identity`, so no page or
endpoint parses sessions or headers itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context

ROLES: tuple[str, ...] = ("advisor", "admin")


@dataclass(frozen=True)
class Identity:
    """A signed-in user (web session) or a token holder (API), with their role."""

    name: str
    role: str  # one of ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def set_identity(identity: Identity | None) -> None:
    """Record who makes the current request (called by the access layer only)."""
    g.identity = identity


def current_identity() -> Identity | None:
    """The identity of the current request, or None outside a request or when nobody is signed in."""
    if not has_request_context():
        return None
    return g.get("identity")
