"""Promotion without a restart: each process notices a new export and swaps its services.

`ModelWatch.poll()` runs before every request and costs a clock read; at most every `POLL_SECONDS` it looks
at the stamps (mtime, size, inode) of ARTIFACTS/serving.json and ARTIFACTS/challenger/serving.json. When one
changed, a background thread builds new services (models still exported are reused, not reloaded), lets a
new champion score what its predecessor scored (so that the portfolio follows it), then swaps them in:
requests that started keep the services they started with (`get_services` pins them), the next ones get the
new ones. A load that fails keeps the running services (logged) until the files change again; a champion's
folder caught in the middle of its replacement (no serving.json for a moment) is looked at again later.

The loading thread takes `app.gate.GATE` alone for each piece of table work (a chunk at a time), so that
it never runs polars beside a request (see app/gate.py).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from app.applications import catch_up
from app.artifacts import SERVING
from app.config import Settings
from app.gate import GATE
from app.services import Services, build_services, challenger_dir

log = logging.getLogger(__name__)

#: Seconds between two looks at the exported files, per process.
POLL_SECONDS = 2.0

Stamp = tuple[int, int, int] | None


def _stamp(path: Path) -> Stamp:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size, status.st_ino)


def export_stamps(artifacts_dir: Path) -> tuple[Stamp, Stamp]:
    """What changes when a champion or a challenger is exported: its serving.json's stamp."""
    return _stamp(Path(artifacts_dir) / SERVING), _stamp(challenger_dir(artifacts_dir) / SERVING)


class ModelWatch:
    """Watches one app's exports and swaps its services (`install` puts them where requests find them)."""

    def __init__(
        self,
        settings: Settings,
        current: Callable[[], Services],
        install: Callable[[Services], None],
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.settings = settings
        self._current = current
        self._install = install
        self.poll_seconds = poll_seconds
        self._stamps = export_stamps(settings.artifacts_dir)
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        self._loading: threading.Thread | None = None
        #: how many times services were swapped in, and the last failure (for tests and the logs)
        self.swaps = 0
        self.last_error: str | None = None

    def poll(self) -> None:
        """Start a reload when the exports changed since the last look (at most every poll_seconds)."""
        if time.monotonic() - self._checked < self.poll_seconds:
            return
        with self._lock:
            if time.monotonic() - self._checked < self.poll_seconds:
                return
            self._checked = time.monotonic()
            if self._loading is not None and self._loading.is_alive():
                return
            stamps = export_stamps(self.settings.artifacts_dir)
            if stamps == self._stamps or stamps[0] is None:  # unchanged, or the champion being replaced
                return
            self._loading = threading.Thread(
                target=self.reload, args=(stamps,), name="model-watch", daemon=True
            )
            self._loading.start()

    def wait(self, timeout: float | None = None) -> None:
        """Until the reload under way (if any) is over."""
        loading = self._loading
        if loading is not None:
            loading.join(timeout)

    def reload(self, stamps: tuple[Stamp, Stamp] | None = None) -> bool:
        """Build the services of what is exported now and swap them in; False (logged) when that failed."""
        stamps = stamps or export_stamps(self.settings.artifacts_dir)
        old = self._current()
        started = time.perf_counter()
        try:
            new = build_services(self.settings, previous=old)
            if new.applications.model != old.applications.model:
                added = catch_up(
                    self.settings.database_url,
                    new.applications.scorer,
                    new.applications.model,
                    old.applications.model,
                    old.applications.scorer.feature_names,
                )
                if added:
                    with GATE.alone():
                        new.applications.view(force=True)
                log.info(
                    "new champion %s scored %d application(s) of its predecessor's portfolio",
                    new.artifacts.model.version,
                    added,
                )
        except Exception as error:  # the running model keeps serving
            self.last_error = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
            log.exception(
                "new export in %s not taken: the running model keeps serving", self.settings.artifacts_dir
            )
            self._stamps = stamps
            return False
        self._install(new)
        self._stamps = stamps
        self.swaps += 1
        self.last_error = None
        log.info(
            "services swapped in %.1f s: champion %s v%s, challenger %s",
            time.perf_counter() - started,
            new.artifacts.model.name,
            new.artifacts.model.version,
            new.challenger.model.version if new.challenger else "none",
        )
        return True
