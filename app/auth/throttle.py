"""Rate limiting of failed passwords, per user and per address, shared by every worker (rows in the app
database): after LOGIN_MAX_FAILURES failures within LOGIN_WINDOW_MINUTES, further attempts are refused,
the right password included, until the oldest failure leaves the window.

The user's count is cleared by a successful sign-in; the address's is not, so that one valid account cannot
be used to keep guessing another's password from the same machine.
"""

from __future__ import annotations

import math
import time

from app.auth import store
from app.config import Settings


def keys_for(name: str, address: str | None) -> list[str]:
    """The counters a password attempt counts against: the name as typed (lower case) and the address."""
    return [f"user:{name.strip().lower()[:64]}", f"ip:{address or 'unknown'}"]


def minutes_locked(keys: list[str], settings: Settings, *, now: float | None = None) -> int:
    """0 when an attempt may be made; otherwise the whole minutes left before one may."""
    now = time.time() if now is None else now
    window = settings.login_window_minutes * 60
    counts = store.failures_within(keys, window, now=now)
    locked = [key for key, count in counts.items() if count >= settings.login_max_failures]
    if not locked:
        return 0
    oldest = store.oldest_failure_within(locked, window, now=now) or now
    return max(1, math.ceil((oldest + window - now) / 60))


def record_failure(keys: list[str], settings: Settings) -> None:
    store.record_failure(keys, settings.login_window_minutes * 60)


def forgive(name: str) -> None:
    """A successful password clears the user's own counter."""
    store.clear_failures(keys_for(name, None)[0])
