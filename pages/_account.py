"""The navigation as the signed-in person may use it: links to pages their role opens, who they are, sign
out, and (on a client's pages) the switch to meeting mode.

Dash skips files starting with "_" when it looks for pages, so this module registers no page.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.auth.access import may_open_path
from app.auth.csrf import form_token
from app.i18n import t
from app.identity import current_identity
from components.navigation import Account, NavItem


def visible_items(items: Sequence[NavItem]) -> list[NavItem]:
    """The links this person's role opens: an advisor never sees an admin page's link."""
    identity = current_identity()
    return [item for item in items if item.path is None or may_open_path(identity, item.path)]


def account(lang: str, client_id: int | None) -> Account | None:
    """The bar's controls for the signed-in person (None outside a signed-in request)."""
    identity = current_identity()
    if identity is None:
        return None
    return Account(
        label=t("nav.account", lang, name=identity.name, role=t(f"role.{identity.role}", lang)),
        logout_label=t("nav.logout", lang),
        csrf_token=form_token(),
        meeting_label=t("meeting.start", lang),
        meeting_help=t("meeting.start_help", lang),
        meeting_client_id=client_id,
    )
