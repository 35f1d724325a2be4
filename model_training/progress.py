"""Live progress of a long command (score, drift, train, synth): a tqdm bar on stderr when it is a terminal,
one line per step on stdout otherwise."""

from __future__ import annotations

import contextlib
import io
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
            self._bar = None

    def printing(self) -> contextlib.AbstractContextManager[object]:
        """Inside it, what the command prints on stdout goes above the bars (a whole line at a time) instead
        of through them; without bars, nothing changes."""
        if self._bar is None:
            return contextlib.nullcontext()
        return contextlib.redirect_stdout(_AboveBars(sys.stdout, self.stream))

    def line(self, text: str) -> None:
        """A notable event inside the step (a candidate starts): one line in a log, nothing on a terminal
        (the bars say it)."""
        if self.enabled and self._bar is None:
            elapsed = time.perf_counter() - self.started
            print(f"{self.PREFIX}: {text} ({elapsed:.1f} s)", file=self.stream, flush=True)

    def items(self, label: str, count: int, parts: int = 1, noun: str = "") -> Items:
        """Progress over ``count`` items of this step (candidates, trials, seeds), each of ``parts`` parts
        (folds)."""
        return Items(self, label, count, parts, noun)


class Items:
    """The items of one step (``screening 3/8 lightgbm+smote, fold 2/5``).

    On a terminal, a second tqdm bar under the step's counts the parts (folds), so its remaining time comes
    from the folds already fitted; in a log, one line as each item starts, with the time left estimated from
    the items already finished.
    """

    def __init__(self, parent: StepProgress, label: str, count: int, parts: int = 1, noun: str = "") -> None:
        self.parent, self.label, self.count, self.parts, self.noun = parent, label, count, parts, noun
        self.index = 0
        self.name = ""
        self.started = time.perf_counter()
        self._bar: Any = None
        if parent.enabled and parent._bar is not None:
            from tqdm import tqdm

            self._bar = tqdm(
                total=count * parts,
                file=parent.stream,
                position=1,
                leave=False,
                bar_format="{desc} [{elapsed} elapsed, {remaining} left]",
            )

    @property
    def where(self) -> str:
        """What is running, in words (``screening, candidate lightgbm+smote``), for an interruption."""
        if not self.index:
            return self.label
        return f"{self.label}, {self.noun} {self.name or f'{self.index}/{self.count}'}".replace(" ,", ",")

    def start(self, name: str) -> None:
        """The next item starts."""
        self.index += 1
        self.name = name
        heading = self.heading()
        if self._bar is not None:
            self._bar.set_description_str(heading + (f", {self.parts_text(1)}" if self.parts > 1 else ""))
            self._bar.refresh()
            return
        done = self.index - 1
        left = ""
        if done:
            spent = time.perf_counter() - self.started
            left = f", about {spent / done * (self.count - done):.0f} s left"
        self.parent.line(f"{heading}{left}")

    def heading(self) -> str:
        """``screening 3/8 lightgbm+smote``, or ``search lightgbm, trial 2/10`` for unnamed items."""
        if self.name:
            return f"{self.label} {self.index}/{self.count} {self.name}"
        return f"{self.label}, {self.noun} {self.index}/{self.count}"

    def parts_text(self, number: int) -> str:
        return f"fold {number}/{self.parts}"

    def part_done(self, done: int) -> None:
        """``done`` parts of the current item are finished."""
        if self._bar is None:
            return
        self._bar.update(1)
        if done < self.parts:
            self._bar.set_description_str(f"{self.heading()}, {self.parts_text(done + 1)}")

    def item_done(self, parts_done: int | None = None) -> None:
        """The current item is finished (its parts counted, if it did not report them one by one)."""
        if self._bar is not None and parts_done is not None:
            self._bar.update(max(0, self.parts - parts_done))

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class _AboveBars(io.TextIOBase):
    """A stdout whose complete lines go above the bars drawn on ``bars`` (cleared, then drawn again)."""

    def __init__(self, out: TextIO, bars: TextIO) -> None:
        self.out, self.bars = out, bars
        self.pending = ""

    def write(self, text: str) -> int:
        from tqdm import tqdm

        *lines, self.pending = (self.pending + text).split("\n")
        if lines:
            with tqdm.external_write_mode(file=self.bars):
                self.out.write("".join(f"{line}\n" for line in lines))
                self.out.flush()
        return len(text)

    def flush(self) -> None:
        self.out.flush()
