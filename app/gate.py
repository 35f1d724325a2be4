"""One process's polars work, one thread at a time, when a model is loaded beside requests.

polars 1.35 can deadlock two threads of one process that both run polars work (DataFrame.to_numpy holds the
GIL while it waits for polars' thread pool; see gunicorn.conf.py). Requests hold the `GATE` shared (many at
once, as before); the thread loading a new model (app.model_watch) takes it alone for each piece of table
work, a chunk at a time, so requests wait at most for one chunk, never for the whole load.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator


class Gate:
    """Many requests at once, or the loading thread alone (it waits for running requests; new ones wait
    for it)."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._shared = 0
        self._alone = False

    @contextlib.contextmanager
    def shared(self) -> Iterator[None]:
        with self._condition:
            while self._alone:
                self._condition.wait()
            self._shared += 1
        try:
            yield
        finally:
            with self._condition:
                self._shared -= 1
                self._condition.notify_all()

    @contextlib.contextmanager
    def alone(self) -> Iterator[None]:
        with self._condition:
            while self._alone:
                self._condition.wait()
            self._alone = True
            while self._shared:
                self._condition.wait()
        try:
            yield
        finally:
            with self._condition:
                self._alone = False
                self._condition.notify_all()


GATE = Gate()
