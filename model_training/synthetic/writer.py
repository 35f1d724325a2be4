"""Write the synthetic tables to a folder, chunk by chunk, as Kaggle-named gzip CSV files, then the monthly
batches of new applicants if asked (`batches.py`) and their outcomes known by the demo's "today"
(`outcomes.py`).

Applicants are generated in fixed-size chunks, each from its own seed derived from (seed, chunk index), so the
files depend only on the seed and the number of clients, never on memory; each chunk is appended to every
table's gzip stream and dropped. Files are written under temporary names and renamed once complete, so an
interrupted run leaves no half-written table behind a Kaggle name.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import io
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import numpy as np
import polars as pl

from model_training.errors import InputError
from model_training.progress import StepProgress
from model_training.store.tables import NEW_CLIENT_BASE
from model_training.synthetic.applicants import PRODUCTION_DRIFT, Drift, generate_applicants
from model_training.synthetic.batches import BATCH_STREAM, FIRST_MONTH, batch_months, batch_size, month_drift
from model_training.synthetic.bureau import FIRST_BUREAU_ID, generate_bureau
from model_training.synthetic.calibration import load_calibration
from model_training.synthetic.descriptions import DESCRIPTIONS_FILE, write_descriptions
from model_training.synthetic.outcomes import demo_today, matured_outcomes, outcome_rng, write_outcomes
from model_training.synthetic.previous import FIRST_PREVIOUS_ID, generate_previous
from model_training.synthetic.volumes import PRODUCTION_RATIO

#: Applicants (labelled and production together) generated at a time: about 3 million side-table rows and
#: under 1 GB of memory. It is part of the output's definition: changing it changes the files.
CHUNK_APPLICANTS = 20_000
#: Fast gzip: level 1 compresses ~3x faster than the default level for files only ~5% larger.
GZIP_LEVEL = 1
FIRST_CLIENT_ID = 100_001
TABLE_FILES = {
    "application_train": "application_train.csv.gz",
    "application_test": "application_test.csv.gz",
    "bureau": "bureau.csv.gz",
    "bureau_balance": "bureau_balance.csv.gz",
    "previous_application": "previous_application.csv.gz",
    "POS_CASH_balance": "POS_CASH_balance.csv.gz",
    "installments_payments": "installments_payments.csv.gz",
    "credit_card_balance": "credit_card_balance.csv.gz",
}
#: A batch folder holds what a new application brings: no application_train (no outcome is known yet).
BATCH_TABLES = tuple(table for table in TABLE_FILES if table != "application_train")
BATCHES_FOLDER = "batches"


class Progress(StepProgress):
    """The generator's steps (`synth: [i/N] step (elapsed)`): each chunk of applicants with its side
    tables (every table grows chunk by chunk), the descriptions, each batch."""

    PREFIX = "synth"


def write_synthetic(
    out: Path,
    clients: int,
    seed: int,
    batches: int = 0,
    first_month: str = FIRST_MONTH,
    progress: bool = True,
) -> dict[str, int]:
    """Write `clients` labelled and about clients/6 production applicants with all their side tables, then
    `batches` months of new applicants in `batches/<YYYY-MM>/` from `first_month`, and each month's outcomes
    known by the demo's "today" in `outcomes/<YYYY-MM>.csv`.

    Returns the number of rows written per file name (a batch's files as `batches/<YYYY-MM>/<file>`). The main
    tables do not depend on `batches`: asking for batches only adds the folders.
    """
    _check_request(clients, seed)
    months = batch_months(first_month, batches)
    folder = _ready_folder(Path(out))
    calib = load_calibration()
    production = max(1, round(clients * PRODUCTION_RATIO))
    total = clients + production
    per_month = batch_size(clients)
    if months and FIRST_CLIENT_ID + total + per_month * len(months) > NEW_CLIENT_BASE:
        raise InputError(
            f"{clients:,} clients with {len(months)} batches would number applicants up to "
            f"{NEW_CLIENT_BASE:,}, where the applications store numbers its own clients; ask for fewer"
        )
    chunks = -(-total // CHUNK_APPLICANTS)
    shown = Progress(chunks + 1 + len(months), enabled=progress)
    with _TableFiles(folder, tuple(TABLE_FILES)) as files:
        next_ids = _write_applicants(
            files,
            calib,
            FIRST_CLIENT_ID,
            total,
            lambda position: _is_production(position, production, total),
            lambda index: [seed, index],
            PRODUCTION_DRIFT,
            (FIRST_BUREAU_ID, FIRST_PREVIOUS_ID),
            on_chunk=lambda start, end: shown.step(
                f"applicants {start + 1:,}-{end:,} of {total:,}, all tables"
            ),
        )
    rows = {TABLE_FILES[table]: count for table, count in files.rows.items()}
    shown.step("descriptions")
    rows[DESCRIPTIONS_FILE] = write_descriptions(folder)
    first_client = FIRST_CLIENT_ID + total
    for month_index, month in enumerate(months):
        shown.step(f"batch {month} ({per_month:,} applicants)")
        month_folder = _ready_folder(folder / BATCHES_FOLDER / month)
        targets: list[np.ndarray] = []
        with _TableFiles(month_folder, BATCH_TABLES) as files:
            next_ids = _write_applicants(
                files,
                calib,
                first_client,
                per_month,
                lambda position: np.ones(len(position), dtype=bool),
                functools.partial(_batch_seed_words, seed, month_index),
                month_drift(month_index),
                next_ids,
                targets,
            )
        outcomes = matured_outcomes(
            outcome_rng(seed, month_index),
            month,
            first_client + np.arange(per_month),
            np.concatenate(targets),
            demo_today(months),
        )
        first_client += per_month
        for table, count in files.rows.items():
            rows[f"{BATCHES_FOLDER}/{month}/{TABLE_FILES[table]}"] = count
        rows[write_outcomes(folder, month, outcomes)] = outcomes.height
    shown.close()
    return rows


def _write_applicants(
    files: _TableFiles,
    calib: dict,
    first_client: int,
    count: int,
    is_production: Callable[[np.ndarray], np.ndarray],
    seed_words: Callable[[int], list[int]],
    drift: Drift,
    next_ids: tuple[int, int],
    targets: list[np.ndarray] | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Generate `count` applicants numbered from `first_client`, chunk by chunk, into `files`.

    Chunk i draws from `SeedSequence(seed_words(i))`; bureau credits and previous applications are numbered
    from `next_ids`; returns the next free ones. `targets`, if given, receives the production applicants'
    TARGET chunk by chunk (what will become of them: the batches' outcomes); `on_chunk(start, end)` is told
    as each chunk starts (progress).
    """
    next_bureau, next_previous = next_ids
    for index, start in enumerate(range(0, count, CHUNK_APPLICANTS)):
        position = np.arange(start, min(start + CHUNK_APPLICANTS, count), dtype=np.int64)
        if on_chunk is not None:
            on_chunk(start, start + len(position))
        applicants_rng, bureau_rng, previous_rng = (
            np.random.default_rng(s) for s in np.random.SeedSequence(seed_words(index)).spawn(3)
        )
        people = generate_applicants(
            applicants_rng, calib, first_client + position, is_production(position), drift
        )
        if targets is not None:
            targets.append(people.production_targets)
        bureau = generate_bureau(bureau_rng, calib, people, next_bureau)
        previous = generate_previous(previous_rng, calib, people, next_previous)
        tables = {
            "application_train": people.labelled,
            "application_test": people.production_rows,
            "bureau": bureau.bureau,
            "bureau_balance": bureau.bureau_balance,
            "previous_application": previous.previous_application,
            "POS_CASH_balance": previous.pos_cash_balance,
            "installments_payments": previous.installments_payments,
            "credit_card_balance": previous.credit_card_balance,
        }
        files.append({table: tables[table] for table in files.tables})
        next_bureau, next_previous = bureau.next_id, previous.next_id
    return next_bureau, next_previous


def _batch_seed_words(seed: int, month_index: int, chunk_index: int) -> list[int]:
    return [seed, BATCH_STREAM, month_index, chunk_index]


def _is_production(position: np.ndarray, production: int, total: int) -> np.ndarray:
    """Exactly `production` of `total` applicants, interleaved with the labelled ones as in Kaggle."""
    return (position + 1) * production // total - position * production // total == 1


def _check_request(clients: int, seed: int) -> None:
    if isinstance(clients, bool) or not isinstance(clients, int | np.integer) or clients <= 0:
        raise InputError(f"clients must be a whole number above 0, got {clients!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"seed must be a whole number of 0 or more, got {seed!r}")


def _ready_folder(out: Path) -> Path:
    """The output folder, created if needed; an InputError says why it cannot be written to."""
    if out.exists() and not out.is_dir():
        raise InputError(f"output folder {out} is an existing file; give a folder path")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as error:
        raise InputError(f"cannot write into output folder {out}: {error.strerror or error}") from None
    return out


class _TableFiles:
    """One gzip CSV stream per table, under a temporary name until every chunk is written.

    A single background thread encodes and compresses chunk i while chunk i+1 is generated (polars and zlib
    release the GIL, so this uses the second core); one thread keeps the chunks in order.
    """

    def __init__(self, folder: Path, tables: tuple[str, ...]) -> None:
        self.folder = folder
        self.tables = tables
        self.rows = dict.fromkeys(tables, 0)
        self._raw: dict[str, BinaryIO] = {}
        self._gzip: dict[str, gzip.GzipFile] = {}
        self._header_written: set[str] = set()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="synthetic-writer")
        self._pending: Future | None = None

    def _partial(self, table: str) -> Path:
        return self.folder / f".{TABLE_FILES[table]}.partial"

    def __enter__(self) -> _TableFiles:
        for table in self.tables:
            raw = self._partial(table).open("wb")  # closed in __exit__
            self._raw[table] = raw
            # mtime=0 and no file name in the header keep the bytes identical from run to run.
            self._gzip[table] = gzip.GzipFile(
                filename="", mode="wb", compresslevel=GZIP_LEVEL, fileobj=raw, mtime=0
            )
        return self

    def append(self, frames: dict[str, pl.DataFrame]) -> None:
        """Queue a chunk for writing; waits for the previous one, so at most two chunks are in memory."""
        self._wait()
        self._pending = self._writer.submit(self._write, frames)

    def _wait(self) -> None:
        if self._pending is not None:
            self._pending.result()
            self._pending = None

    def _write(self, frames: dict[str, pl.DataFrame]) -> None:
        for table, frame in frames.items():
            buffer = io.BytesIO()
            frame.write_csv(buffer, include_header=table not in self._header_written)
            self._header_written.add(table)
            self._gzip[table].write(buffer.getbuffer())
            self.rows[table] += frame.height

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        failed = kind is not None
        try:
            self._wait()
        except BaseException:
            failed = True
            if kind is None:
                raise
        finally:
            self._writer.shutdown()
            for table in self.tables:
                self._gzip[table].close()
                self._raw[table].close()
                if not failed:
                    os.replace(self._partial(table), self.folder / TABLE_FILES[table])
                else:
                    with contextlib.suppress(OSError):
                        self._partial(table).unlink()
