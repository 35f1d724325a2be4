"""The serving app of Prêt à dépenser: scoring service, client repository, JSON API and the Dash server.

`create_app()` builds the app; pages reach the loaded services with `get_services()`. Both are imported on
first use, so that `app.formatting` or `app.i18n` alone do not pull in Dash, LightGBM and scikit-learn.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app", "get_services"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from app.server import create_app

        return create_app
    if name == "get_services":
        from app.services import get_services

        return get_services
    raise AttributeError(f"module 'app' has no attribute {name!r}")
