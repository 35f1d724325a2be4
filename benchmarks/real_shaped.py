"""A folder at the full Kaggle row counts (times `fraction`) made of the real sample's rows with new ids.

Synthetic rows are easier than real ones (fewer distinct values, shorter texts, side tables written in client
order), so full-scale measurements of loading and features use this folder. How it is made:
- applicants: application_train / application_test rows drawn with replacement, each given a new unique
  SK_ID_CURR (train and test disjoint, interleaved as in Kaggle), files sorted by SK_ID_CURR as Kaggle's;
- bureau and previous_application: rows drawn with replacement, given new unique SK_ID_BUREAU / SK_ID_PREV
  and attached to random applicants (a random subset with Kaggle's share of applicants having such rows);
- bureau_balance, POS_CASH_balance, installments_payments, credit_card_balance: a real credit's rows (all its
  rows in the sample, a block) are drawn whole, with replacement, until the table has its row count, and
  each block points at one new bureau credit / previous application (and that application's client); each
  parent gets at most one block while there are enough parents, so (key, month) stays unique where it can.
Every value other than an id is the sample's text as written (Kaggle's float formatting included); rows of
side tables come in random client order, as in the Kaggle files. Same file names and gzip CSV as the
synthetic generator. Usage: `python benchmarks/real_shaped.py [--fraction 1.0] [--seed 7]`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model_training.errors import InputError
from model_training.schema import CLIENT_ID, DESCRIPTIONS_TABLE, column_names
from model_training.synthetic.volumes import KAGGLE_COVERAGE, KAGGLE_ROWS
from model_training.synthetic.writer import TABLE_FILES, _TableFiles

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "benchmarks" / "output"
DEFAULT_SAMPLE = ROOT.parent / "shared" / "data" / "homecredit"  # where the workplace lays the sample
KAGGLE_APPLICANTS = {"application_train": 307_511, "application_test": 48_744}
MAX_FRACTION = 5.0  # new ids stay well inside Int32 up to here
FIRST_CLIENT_ID, FIRST_BUREAU_ID, FIRST_PREVIOUS_ID = 100_002, 5_000_000, 1_000_000
_CHUNK_CELLS = 6_000_000  # values gathered, written and compressed at a time: bounds the memory
#: Child table → (its parent table, the key that links them).
_CHILDREN = {
    "bureau_balance": ("bureau", "SK_ID_BUREAU"),
    "POS_CASH_balance": ("previous_application", "SK_ID_PREV"),
    "installments_payments": ("previous_application", "SK_ID_PREV"),
    "credit_card_balance": ("previous_application", "SK_ID_PREV"),
}
_PARENT_KEYS = {
    "bureau": ("SK_ID_BUREAU", FIRST_BUREAU_ID),
    "previous_application": ("SK_ID_PREV", FIRST_PREVIOUS_ID),
}


def sample_folder() -> Path:
    """The real sample: $HOMECREDIT_DIR, else the shared copy."""
    return Path(os.environ.get("HOMECREDIT_DIR", "").strip() or DEFAULT_SAMPLE)


def real_shaped_folder(fraction: float = 1.0, seed: int = 7) -> Path:
    """The real-shaped folder at `fraction` of the full Kaggle row counts, built once and reused."""
    applicants = round(KAGGLE_APPLICANTS["application_train"] * _checked_fraction(fraction))
    folder = OUTPUT / (f"real_shaped_{applicants}" + (f"_seed{seed}" if seed != 7 else ""))
    done = folder / ".complete"
    if not done.exists():
        print(f"real_shaped: building {folder} from {sample_folder()} ...", flush=True)
        started = time.perf_counter()
        write_real_shaped(sample_folder(), folder, fraction, seed)
        done.write_text(f"{time.perf_counter() - started:.1f}\n")
    return folder


def _checked_fraction(fraction: float) -> float:
    if (
        isinstance(fraction, bool)
        or not isinstance(fraction, int | float)
        or not 0 < fraction <= MAX_FRACTION
    ):
        raise InputError(f"fraction must be a number above 0 and at most {MAX_FRACTION}, got {fraction!r}")
    return float(fraction)


def table_rows(fraction: float) -> dict[str, int]:
    """Rows of each table at `fraction` of the full Kaggle counts (at least one)."""
    counts = {**KAGGLE_APPLICANTS, **KAGGLE_ROWS}
    return {table: max(1, round(rows * _checked_fraction(fraction))) for table, rows in counts.items()}


def _read_sample(source: Path, table: str) -> pl.DataFrame:
    """A sample table as text, exactly as written (so floats keep Kaggle's formatting)."""
    path = source / TABLE_FILES[table]
    if not path.is_file():
        raise InputError(f"real sample {source}: missing {path.name}; point HOMECREDIT_DIR at the sample")
    frame = pl.read_csv(path, infer_schema=False)
    if frame.columns != column_names(table):
        raise InputError(f"{path}: columns differ from the Kaggle schema of {table}")
    if frame.height == 0:
        raise InputError(f"{path}: no rows to draw from")
    return frame


def _with_ids(frame: pl.DataFrame, ids: dict[str, np.ndarray]) -> pl.DataFrame:
    """The frame with its id columns replaced in place (same column order)."""
    return frame.with_columns(pl.Series(name, values, dtype=pl.Int32) for name, values in ids.items())


def _chunks(total: int, columns: int) -> Iterator[slice]:
    step = max(1, _CHUNK_CELLS // columns)
    for start in range(0, total, step):
        yield slice(start, min(start + step, total))


class _Builder:
    """The state carried from table to table: the new applicants and the new parent rows' ids and clients."""

    def __init__(self, source: Path, out: Path, fraction: float, seed: int) -> None:
        self.source, self.out = source, out
        self.rows = table_rows(fraction)
        self.seed = seed
        self.clients = np.empty(0, dtype=np.int32)
        self.parents: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # table → (new ids, their clients)

    def rng(self, table: str) -> np.random.Generator:
        """One random stream per table (by its position in TABLE_FILES), the same for a seed."""
        return np.random.default_rng([self.seed, list(TABLE_FILES).index(table)])

    def write(self, table: str, frames: Iterator[pl.DataFrame]) -> None:
        with _TableFiles(self.out, (table,)) as files:
            for frame in frames:
                files.append({table: frame})

    def applicants(self) -> None:
        train, test = self.rows["application_train"], self.rows["application_test"]
        ids = (FIRST_CLIENT_ID + self.rng("application_train").permutation(train + test)).astype(np.int32)
        self.clients = ids
        for table, chosen in (("application_train", ids[:train]), ("application_test", ids[train:])):
            sample = _read_sample(self.source, table)
            drawn = self.rng(table).integers(0, sample.height, chosen.size)
            # rows are drawn independently, so sorted ids can be given in drawing order: files sorted by id
            new_ids = np.sort(chosen)
            self.write(
                table,
                (
                    _with_ids(sample[drawn[part]], {CLIENT_ID: new_ids[part]})
                    for part in _chunks(chosen.size, sample.width)
                ),
            )

    def _owners(self, rng: np.random.Generator, table: str, candidates: np.ndarray) -> np.ndarray:
        """The candidates (clients or parent rows) that may own rows: a random subset of Kaggle's share."""
        share = KAGGLE_COVERAGE.get(table, 1.0)
        return rng.choice(candidates, max(1, round(candidates.size * share)), replace=False)

    def parent_table(self, table: str) -> None:
        key, first = _PARENT_KEYS[table]
        rng, rows = self.rng(table), self.rows[table]
        sample = _read_sample(self.source, table)
        owners = self._owners(rng, table, self.clients)
        new_ids = np.arange(first, first + rows, dtype=np.int32)
        clients = owners[rng.integers(0, owners.size, rows)]
        drawn = rng.integers(0, sample.height, rows)
        self.parents[table] = (new_ids, clients)
        self.write(
            table,
            (
                _with_ids(sample[drawn[part]], {key: new_ids[part], CLIENT_ID: clients[part]})
                for part in _chunks(rows, sample.width)
            ),
        )

    def child_table(self, table: str) -> None:
        parent, key = _CHILDREN[table]
        rng, rows = self.rng(table), self.rows[table]
        sample = _read_sample(self.source, table)
        sample = sample.with_columns(pl.col(key).cast(pl.Int64)).sort(key, maintain_order=True)
        starts, lengths = _blocks(sample.get_column(key).to_numpy())
        chosen = _blocks_for_rows(rng, lengths, rows)
        parent_ids, parent_clients = self.parents[parent]
        # parents allowed to hold such rows: those of a random share of the clients (all bureau credits)
        if table in KAGGLE_COVERAGE:
            allowed = np.flatnonzero(
                np.isin(parent_clients, self._owners(rng, table, np.unique(parent_clients)))
            )
        else:
            allowed = np.arange(parent_ids.size)
        enough = chosen.size <= allowed.size
        owner = allowed[rng.choice(allowed.size, chosen.size, replace=not enough)]
        block_lengths = lengths[chosen]
        block_lengths[-1] -= int(block_lengths.sum()) - rows  # the last block is cut to the exact row count
        blocks = (starts[chosen], block_lengths, parent_ids[owner], parent_clients[owner])
        del owner, chosen
        keys = [key, CLIENT_ID] if CLIENT_ID in sample.columns else [key]

        def frames() -> Iterator[pl.DataFrame]:
            for part in _block_chunks(block_lengths, _CHUNK_CELLS // sample.width):
                lengths_part = block_lengths[part]
                rows_part = np.repeat(blocks[0][part], lengths_part) + _offsets_within(lengths_part)
                ids = [np.repeat(values[part], lengths_part) for values in blocks[2:]]
                yield _with_ids(sample[rows_part], dict(zip(keys, ids, strict=False)))

        self.write(table, frames())

    def descriptions(self) -> None:
        name = f"{DESCRIPTIONS_TABLE}.csv.gz"
        if not (self.source / name).is_file():
            raise InputError(f"real sample {self.source}: missing {name}")
        shutil.copyfile(self.source / name, self.out / name)


def _blocks(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and length of each run of equal keys (the rows of one real credit)."""
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return starts, np.diff(np.r_[starts, keys.size])


def _blocks_for_rows(rng: np.random.Generator, lengths: np.ndarray, rows: int) -> np.ndarray:
    """Blocks drawn with replacement until their rows reach `rows`."""
    chosen: list[np.ndarray] = []
    total = 0
    while total < rows:
        batch = rng.integers(0, lengths.size, max(16, int((rows - total) / lengths.mean() * 1.05)))
        chosen.append(batch)
        total += int(lengths[batch].sum())
    blocks = np.concatenate(chosen)
    return blocks[: int(np.searchsorted(np.cumsum(lengths[blocks]), rows)) + 1]


def _block_chunks(lengths: np.ndarray, rows: int) -> Iterator[slice]:
    """Consecutive ranges of blocks of about `rows` rows each (whole blocks)."""
    ends = np.cumsum(lengths)
    first = 0
    while first < lengths.size:
        last = max(first + 1, int(np.searchsorted(ends, ends[first] - lengths[first] + rows, side="right")))
        yield slice(first, last)
        first = last


def _offsets_within(lengths: np.ndarray) -> np.ndarray:
    """0, 1, ..., length-1 for each block, concatenated."""
    ends = np.cumsum(lengths)
    return np.arange(ends[-1], dtype=np.int64) - np.repeat(ends - lengths, lengths)


def write_real_shaped(source: Path, out: Path, fraction: float = 1.0, seed: int = 7) -> dict[str, int]:
    """Write the folder (see the module's docstring); returns the rows written per table."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(f"seed must be a whole number of 0 or more, got {seed!r}")
    source, out = Path(source), Path(out)
    if not source.is_dir():
        raise InputError(f"real sample folder {source} does not exist; set HOMECREDIT_DIR to the sample")
    out.mkdir(parents=True, exist_ok=True)
    builder = _Builder(source, out, fraction, seed)
    steps = [
        ("application_train", builder.applicants),
        ("bureau", lambda: builder.parent_table("bureau")),
        ("bureau_balance", lambda: builder.child_table("bureau_balance")),
        ("previous_application", lambda: builder.parent_table("previous_application")),
        *((table, lambda table=table: builder.child_table(table)) for table in list(_CHILDREN)[1:]),
        (DESCRIPTIONS_TABLE, builder.descriptions),
    ]
    started = time.perf_counter()
    for table, step in steps:
        step()
        if table == "application_train":
            test = builder.rows["application_test"]
            count = f"{builder.rows[table]:,} + application_test {test:,} rows"
        else:
            count = "" if table == DESCRIPTIONS_TABLE else f"{builder.rows[table]:,} rows"
        print(f"real_shaped: {table} {count} ({time.perf_counter() - started:.1f} s)", flush=True)
    return builder.rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, default=1.0, help="share of the full Kaggle row counts")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    try:
        print(real_shaped_folder(args.fraction, args.seed))
    except InputError as error:
        print(f"real_shaped: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
