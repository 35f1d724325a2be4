"""Rate limiting of failed passwords, shared by every worker (rows in the app database).

Sign-in: after LOGIN_MAX_FAILURES failures within LOGIN_WINDOW_MINUTES, per user and per address, further
attempts are refused, the right password included, until the oldest failure leaves the window. The user's
count is cleared by a successful sign-in; the address's is not, so that one valid account cannot be used to
keep guessing another's password from the same machine.

Leaving meeting mode is counted apart, per advisor (the meeting's owner) and never per address nor against
the sign-in limit: the screen is in front of a client, so it must never lock. Past a few free attempts each
failure doubles a delay (1, 2, 4, 8 ... s, at most MEETING_MAX_DELAY) shown on screen; once it has passed, the
advisor's right password always ends the meeting. Attempts made during the delay are refused unchecked and
do not lengthen it.
"""

from __future__ import annotations

import math
import time

from app.auth import store
from app.config import Settings

#: Wrong exit passwords allowed before any delay (a typo or two, the caps lock).
MEETING_FREE_FAILURES = 3
#: The first delay, doubled at each further failure, and its ceiling: at most 60 guesses an hour.
MEETING_FIRST_DELAY = 1
MEETING_MAX_DELAY = 60
#: Failures older than this are forgotten.
MEETING_WINDOW_SECONDS = 3600


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


# --- leaving meeting mode -----------------------------------------------------------------------------------


def meeting_key(advisor: str) -> str:
    return f"meeting:{advisor.strip().lower()[:64]}"


def meeting_exit_delay(failures: int) -> int:
    """Seconds to wait after the `failures`-th wrong exit password: 0 for the first few, then doubling."""
    if failures <= MEETING_FREE_FAILURES:
        return 0
    return min(MEETING_MAX_DELAY, MEETING_FIRST_DELAY * 2 ** (failures - MEETING_FREE_FAILURES - 1))


def meeting_exit_wait(advisor: str, *, now: float | None = None) -> float:
    """Seconds before this advisor may try the exit password again (0: now)."""
    now = time.time() if now is None else now
    key = meeting_key(advisor)
    failures = store.failures_within([key], MEETING_WINDOW_SECONDS, now=now).get(key, 0)
    delay = meeting_exit_delay(failures)
    if not delay:
        return 0.0
    latest = store.latest_failure_within([key], MEETING_WINDOW_SECONDS, now=now) or now
    return max(0.0, latest + delay - now)


def record_meeting_failure(advisor: str, *, now: float | None = None) -> int:
    """Count a wrong exit password; returns the advisor's failures within the window, this one included."""
    key = meeting_key(advisor)
    store.record_failure([key], MEETING_WINDOW_SECONDS, now=now)
    return store.failures_within([key], MEETING_WINDOW_SECONDS, now=now).get(key, 0)


def forgive_meeting(advisor: str) -> None:
    """The meeting ended (the advisor's password, or an admin): the next one starts with no delay."""
    store.clear_failures(meeting_key(advisor))
