"""Live progress of a long command (score, drift): a tqdm bar on stderr when it is a terminal, one line per
step on stdout otherwise."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


class StepProgress:
    """Steps of a run: a tqdm bar (step, elapsed, remaining) on stderr when it is a terminal; otherwise (a
    log, a CI job) one line per step on stdout, so that stderr holds nothing but the error of a refused run.
    """

    #: the command, at the start of every line
    PREFIX = "step"

    def __init__(self, steps: int, stream: TextIO | None = None, enabled: bool = True) -> None:
        terminal = stream.isatty() if stream is not None else sys.stderr.isatty()
        self.stream = stream if stream is not None else (sys.stderr if terminal else sys.stdout)
        self.enabled = enabled
        self.total = steps
        self.done = 0
        self.started = time.perf_counter()
        self._bar: Any = None
        if enabled and terminal:
            from tqdm import tqdm

            self._bar = tqdm(
                total=steps,
                file=self.stream,
                unit="step",
                bar_format=f"{self.PREFIX}: {{desc}} {{n_fmt}}/{{total_fmt}} steps "
                "[{elapsed} elapsed, {remaining} left]",
                leave=False,
            )

    def step(self, name: str) -> None:
        """A step starts: the previous one is done."""
        if self.done:
            self._advance()
        self.done += 1
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.set_description_str(name)
        else:
            elapsed = time.perf_counter() - self.started
            print(
                f"{self.PREFIX}: [{self.done}/{self.total}] {name} ({elapsed:.1f} s)",
                file=self.stream,
                flush=True,
            )

    def _advance(self) -> None:
        if self._bar is not None:
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.update(self.total - self._bar.n)
            self._bar.close()
