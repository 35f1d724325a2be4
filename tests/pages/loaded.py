"""Page modules as Dash loaded them, for tests that call a page's functions inside the app serving it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import ModuleType

from app import create_app


def dash_page(name: str) -> ModuleType:
    """The page module `pages.<name>` as Dash imported it (importing it again would register the page a
    second time)."""
    return next(module for key, module in sys.modules.items() if key.endswith(f"pages.{name}"))


def app_in_context(artifacts, settings) -> Iterator:
    """An app on the artifacts, inside its context: the page's functions reach the services serving them."""
    app = create_app(artifacts, settings)
    with app.server.app_context():
        yield app
