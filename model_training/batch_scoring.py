"""The `score` command: a folder of new applicants in Kaggle files, scored by the exported model through the
one scoring path and stored as one batch of the applications store.

The folder holds application_test (required) and any of the six side tables (a missing one means no history
there), as `.csv` or `.csv.gz`. Features come from the very functions `build_features` uses, for this
folder's applicants only; probabilities, decisions and reasons from `Scorer.explained` and
`scored_rows`, as for an application sent to the API. The batch is stored in one transaction (whole or
nothing); its digest (SHA-256 of the files' bytes) makes a re-run add nothing and refuses the same name for
other files.

Each applicant's side-table rows are stored with the application as a credit file (``bureau`` with its
``bureau_balance``, ``previous_application`` with its repayment tables; keys given by the nesting), built in
bulk with polars. Rows of side tables whose SK_ID_CURR is not in application_test are left out and counted:
a lender's extract of the bureau or of its own records often covers more clients than the batch, and they
cannot change the batch's scores. Repayment rows of a previous application the batch's
previous_application does not hold still count in the features (as in training) but have no place in a
credit file: they are counted, and the batch's files (its digest) remain the record of them.

When ARTIFACTS/challenger/ holds a challenger's export, every applicant is scored by it too, in shadow
(role "challenger", stored in the same transaction); an unusable challenger is a warning, never a refusal.
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import io
import os
import re
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from model_training.credit_file import REQUIRED_APPLICATION_FIELDS
from model_training.data import UnknownLevelWarning, find_table_file, polars_schema, read_table
from model_training.errors import InputError
from model_training.features.application import application_columns, application_features
from model_training.features.build import feature_matrix, side_features, with_side_features
from model_training.progress import StepProgress
from model_training.schema import CLIENT_ID, TABLES
from model_training.store.applications import side_records_blob
from model_training.store.engine import database_errors, database_url

APPLICATION_TABLE = "application_test"
#: The side tables, in Kaggle order (`side_features` reads bureau_balance first); each is optional.
SIDE_TABLES: tuple[str, ...] = tuple(t for t in TABLES if not t.startswith("application_"))
BUREAU_ID, PREVIOUS_ID = "SK_ID_BUREAU", "SK_ID_PREV"
#: Nested lists of the credit file (as model_training.credit_file nests them): parent → its child tables.
CHILDREN: dict[str, tuple[str, ...]] = {
    "bureau": ("bureau_balance",),
    "previous_application": ("POS_CASH_balance", "installments_payments", "credit_card_balance"),
}
#: The longest batch name the store keeps.
MAX_BATCH_NAME = 64
#: Applicants whose credit files are encoded and compressed at once: bounds the JSON text held in memory.
_RECORDS_CHUNK = 2000
#: zlib level of the stored credit files: on 48,744 synthetic applicants with full histories (1.2 GB of
#: JSON), level 1 took 4 s for 163 MB, level 6 (the API's) 10 s for 128 MB.
_SIDE_RECORDS_LEVEL = 1
_ORDER = "__applicant_position"
#: Applicants scored and explained at once.
_SCORED_CHUNK = 8192
_DIGEST_BLOCK = 1 << 20


@dataclass
class BatchResult:
    """What a run did: the batch, its applicants, what the store added, what was left out and why."""

    batch: str
    applicants: int
    applications_added: int
    scores_added: int
    applications_in_batch: int
    left_out: dict[str, int] = field(default_factory=dict)
    unattached_repayments: int = 0
    #: (line, SK_ID_CURR) of applicants left out because a required field is missing
    incomplete: list[tuple[int, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    skipped: bool = False  # the batch was already stored by this model: nothing was computed


# ------------------------------------------------------------------------------------------- progress


class Progress(StepProgress):
    """The score command's steps (`score: [i/N] step (elapsed)`)."""

    PREFIX = "score"


# -------------------------------------------------------------------------------------------- files


def batch_files(folder: Path) -> dict[str, Path]:
    """The files of a batch folder, by table: application_test (an InputError when missing) and the side
    tables that are there."""
    files = {APPLICATION_TABLE: find_table_file(folder, APPLICATION_TABLE)}
    for table in SIDE_TABLES:
        try:
            files[table] = find_table_file(folder, table)
        except InputError:
            continue  # optional: no history in that table
    return files


def batch_digest(files: dict[str, Path]) -> str:
    """SHA-256 of the batch's files, each named by its table and followed by its bytes: what identifies a
    batch (the same files give the same digest wherever the folder is)."""
    digest = hashlib.sha256()
    for table in sorted(files):
        digest.update(f"{table}\0".encode())
        with files[table].open("rb") as stream:
            while block := stream.read(_DIGEST_BLOCK):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()


def _open_text(path: Path) -> io.TextIOWrapper:
    import gzip

    raw = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")  # noqa: SIM115
    return io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")


def _short_line(path: Path) -> tuple[int, int, int] | None:
    """(line, fields, header fields) of the first row whose field count differs from the header's."""
    try:
        with _open_text(path) as stream:
            rows = csv.reader(stream)
            width = len(next(rows, []))
            for row in rows:
                if row and len(row) != width:
                    return rows.line_num, len(row), width
    except (OSError, EOFError, csv.Error):
        return None
    return None


def _clearer(error: InputError, path: Path) -> InputError:
    """The loader's message, made plainer for the two ways a sent file gets cut: a gzip stream that ends
    early, a last row that stops in the middle (named by its line; line 1 is the header)."""
    text = str(error)
    if re.search(r"Truncated compressed stream|Compressed file ended before", text):  # pyarrow's, gzip's
        return InputError(
            f"{path.name}: the compressed file is cut short (it ends in the middle of its data); "
            "send the whole file again"
        )
    if re.search(r"Expected \d+ columns, got \d+", text):
        found = _short_line(path)
        if found is not None:
            line, fields, width = found
            return InputError(
                f"{path.name}: line {line} has {fields} fields where the header has {width} (line 1 is the "
                "header): the file is cut in the middle of that row, or the row is malformed"
            )
    return error


def _read(files: dict[str, Path], table: str, columns: Sequence[str] | None = None) -> pl.DataFrame:
    try:
        return read_table(files[table].parent, table, columns=columns)
    except InputError as error:
        raise _clearer(error, files[table]) from None


# --------------------------------------------------------------------------------------- side tables


def _records(frame: pl.DataFrame, children: Sequence[str] = ()) -> pl.Expr:
    """One struct per row: the row's fields without its keys (the nesting gives them), text as text, then
    its children's lists."""
    fields = [c for c in frame.columns if not c.startswith("SK_ID_") and c != _ORDER and c not in children]
    return pl.struct(
        [
            pl.col(c).cast(pl.String) if isinstance(frame.schema[c], pl.Enum) else pl.col(c)
            for c in [*fields, *children]
        ]
    )


def _lists(frame: pl.DataFrame, key: str, name: str, children: Sequence[str] = ()) -> pl.DataFrame:
    """`key` and, under `name`, the list of the rows that have it, in file order."""
    return frame.group_by(key, maintain_order=True).agg(_records(frame, children).alias(name))


def _with_lists(frame: pl.DataFrame, key: str, lists: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """`frame` with each child's lists joined on `key` (an empty list where a row has none)."""
    for name, child in lists.items():
        frame = frame.join(child, on=key, how="left", maintain_order="left")
        frame = frame.with_columns(pl.col(name).fill_null(pl.lit([], dtype=child.schema[name])))
    return frame


def _compressed(texts: list[str]) -> list[bytes]:
    return [side_records_blob(text.encode(), _SIDE_RECORDS_LEVEL) for text in texts]


class BatchTables:
    """The side tables of a batch for `side_features`: each file read once, only this batch's applicants
    kept, a missing file read as an empty table.

    With `keep_records`, every column is read and each table's rows are kept (typed, in the applicants'
    order) until `credit_files` nests them, a few thousand applicants at a time, into the credit file
    stored with each application: the JSON of a whole batch never sits in memory at once.
    """

    def __init__(
        self,
        files: dict[str, Path],
        applicants: pl.Series,
        *,
        keep_records: bool,
        progress: Progress,
    ) -> None:
        self.files = files
        self.applicants = applicants
        self.keep_records = keep_records
        self.progress = progress
        self.left_out: dict[str, int] = {}
        self.unattached_repayments = 0
        #: each applicant's position in application_test, the order the kept rows are sorted in
        self._order = applicants.to_frame(CLIENT_ID).with_row_index(_ORDER)
        self._kept: dict[str, pl.DataFrame] = {}

    def load(self, table: str, columns: Sequence[str]) -> pl.DataFrame:
        self.progress.step(table)
        if table not in self.files:
            return pl.DataFrame(schema={c: polars_schema(table)[c] for c in columns})
        frame = _read(self.files, table, None if self.keep_records else columns)
        if CLIENT_ID in frame.columns:
            ours = frame.get_column(CLIENT_ID).is_in(self.applicants.implode())
            others = frame.height - int(ours.sum())
            if others:
                self.left_out[table] = others
                frame = frame.filter(ours)
        if self.keep_records:
            self._keep(table, frame)
        return frame.select(columns)

    def aggregate(
        self, table: str, function: Callable[..., pl.DataFrame], *frames: pl.DataFrame
    ) -> pl.DataFrame:
        return function(*frames)

    def _keep(self, table: str, frame: pl.DataFrame) -> None:
        if table == "bureau_balance":  # no SK_ID_CURR: its credits are known once bureau is read
            self._kept[table] = frame
            return
        self._kept[table] = self._in_order(frame)
        if table == "bureau" and "bureau_balance" in self._kept:
            months = self._kept["bureau_balance"].join(
                frame.select(BUREAU_ID, CLIENT_ID), on=BUREAU_ID, how="left", maintain_order="left"
            )
            unknown = int(months.get_column(CLIENT_ID).null_count())
            if unknown:
                self.left_out["bureau_balance"] = unknown
            self._kept["bureau_balance"] = self._in_order(months.drop_nulls(CLIENT_ID))
        if table in CHILDREN["previous_application"]:
            previous = self._kept.get("previous_application")
            known = (previous if previous is not None else frame.clear()).get_column(PREVIOUS_ID)
            self.unattached_repayments += int((~frame.get_column(PREVIOUS_ID).is_in(known.implode())).sum())

    def _in_order(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The rows sorted by their applicant's position (file order within an applicant)."""
        ordered = frame.join(self._order, on=CLIENT_ID, how="inner")
        return ordered.sort(_ORDER, maintain_order=True)

    def credit_files(self) -> list[bytes | None]:
        """Each applicant's side records, in application_test order, as the store keeps them
        (`decode_side_records` reads them back): {"bureau": [...], "previous_application": [...]}, empty
        lists without history."""
        self.progress.step("credit files")
        months = self._kept.get("bureau_balance")
        if months is not None and _ORDER not in months.columns:  # no bureau.csv: no credit to nest them in
            self.left_out["bureau_balance"] = months.height
            del self._kept["bureau_balance"]
        blobs: list[bytes | None] = []
        # zlib and polars both release the GIL: one chunk is compressed while the next is encoded, and no
        # more than one waits, so that the JSON held stays that of two chunks
        with ThreadPoolExecutor(max_workers=1) as compressing:
            waiting: Future[list[bytes]] | None = None
            for start in range(0, self._order.height, _RECORDS_CHUNK):
                text = self._chunk(start, min(start + _RECORDS_CHUNK, self._order.height))
                if waiting is not None:
                    blobs += waiting.result()
                waiting = compressing.submit(_compressed, text)
            if waiting is not None:
                blobs += waiting.result()
        self._kept = {}
        return blobs

    def _rows(self, table: str, start: int, end: int) -> pl.DataFrame:
        """The kept rows of the applicants at positions start..end-1 (a slice: no copy)."""
        frame = self._kept.get(table)
        if frame is None:
            return pl.DataFrame(schema=polars_schema(table) | {_ORDER: pl.UInt32})
        order = frame.get_column(_ORDER)
        first, last = order.search_sorted(start, "left"), order.search_sorted(end, "left")
        return frame.slice(first, last - first)

    def _chunk(self, start: int, end: int) -> list[str]:
        """The credit files of the applicants at positions start..end-1, as JSON text."""
        months = _lists(self._rows("bureau_balance", start, end), BUREAU_ID, "bureau_balance")
        bureau = _with_lists(self._rows("bureau", start, end), BUREAU_ID, {"bureau_balance": months})
        repayments = {
            child: _lists(self._rows(child, start, end), PREVIOUS_ID, child)
            for child in CHILDREN["previous_application"]
        }
        previous = _with_lists(self._rows("previous_application", start, end), PREVIOUS_ID, repayments)
        parents = {
            "bureau": _lists(bureau, CLIENT_ID, "bureau", CHILDREN["bureau"]),
            "previous_application": _lists(
                previous, CLIENT_ID, "previous_application", CHILDREN["previous_application"]
            ),
        }
        files = _with_lists(self._order.slice(start, end - start), CLIENT_ID, parents)
        encoded = files.select(pl.struct("bureau", "previous_application").struct.json_encode())
        return encoded.to_series().to_list()


# ---------------------------------------------------------------------------------------------- batch


def _batch_name(name: str | None, folder: Path) -> str:
    batch = (name if name is not None else folder.resolve().name).strip()
    if not batch:
        raise InputError("batch name: give a name with --batch (the folder's name is empty)")
    if len(batch) > MAX_BATCH_NAME:
        raise InputError(
            f"batch name {batch[:20]!r}...: at most {MAX_BATCH_NAME} characters, got {len(batch)}"
        )
    return batch


def _artifacts(folder: Path) -> None:
    from model_training.contract import ServingCard

    if not folder.is_dir():
        raise InputError(f"artifacts folder {folder} does not exist")
    missing = [name for name in (ServingCard.FILE, "booster.txt") if not (folder / name).is_file()]
    if missing:
        raise InputError(
            f"artifacts folder {folder} holds no exported model (missing {', '.join(missing)}); "
            "export one with `python -m model_training train`"
        )


def _user() -> str:
    try:
        return getpass.getuser() or "score"
    except (KeyError, OSError):
        return "score"


def _challenger(artifacts: Path, threads: int, notes: list[str]) -> tuple[Any, Any] | None:
    """The challenger's scorer and identity when ARTIFACTS/challenger/ holds a usable export; None otherwise
    (an unusable one is a warning in `notes`: the champion's batch is stored all the same)."""
    from model_training.export import CHALLENGER_DIR

    folder = artifacts / CHALLENGER_DIR
    if not folder.is_dir():
        return None
    try:
        _artifacts(folder)
        # LightGBM aborts the process on a model file cut inside its trees: read only a whole one
        if b"\nend of trees" not in (folder / "booster.txt").read_bytes():
            raise InputError(f"{folder / 'booster.txt'} is cut short or damaged")
        return _scorer(folder, threads)
    except Exception as error:  # the shadow never stops the champion's batch
        notes.append(f"challenger in {folder} left out, no shadow scores: {str(error).splitlines()[0]}")
        return None


def _already_stored(engine: Any, batch: str, digest: str, model: Any, *others: Any) -> int | None:
    """Applications of the batch when it was stored from these files and this model scored all of them;
    None when there is work to do. A batch of that name from other files or by another way in is refused."""
    from sqlalchemy import func, select

    from model_training.store import tables as t
    from model_training.store.applications import StoreError

    a, s = t.applications.c, t.scores.c
    with engine.connect() as connection:
        found = connection.execute(
            select(t.batches.c.source, t.batches.c.digest).where(t.batches.c.name == batch)
        ).first()
        if found is None:
            return None
        if found.source != "batch":
            raise StoreError(
                f"batch {batch!r} holds applications received by {found.source}; give this folder another "
                "batch name (--batch)"
            )
        if found.digest != digest:
            raise StoreError(
                f"batch {batch!r} was stored from other files; give this folder another batch name (--batch)"
            )
        stored = connection.execute(select(func.count()).select_from(t.applications).where(a.batch == batch))
        applications = int(stored.scalar_one())
        scored = [
            connection.execute(
                select(func.count())
                .select_from(t.scores)
                .join(t.applications, a.application_id == s.application_id)
                .where(
                    a.batch == batch,
                    s.model_name == scorer_model.name,
                    s.model_version == scorer_model.version,
                    s.model_run_id == scorer_model.run_id,
                )
            ).scalar_one()
            for scorer_model in (model, *others)
        ]
    return applications if applications and min(scored) >= applications else None


def _scorer(artifacts: Path, threads: int) -> tuple[Any, Any]:
    """The exported model through the one scoring path; a booster LightGBM cannot read is named."""
    from lightgbm.basic import LightGBMError

    from model_training.scorer import Scorer

    try:
        return Scorer.from_artifacts(artifacts, threads=threads)
    except LightGBMError as error:
        raise InputError(
            f"artifacts folder {artifacts}: booster.txt is not a LightGBM model ({error})"
        ) from None


@contextmanager
def _quiet(collected: list[str]) -> Iterator[None]:
    """Third-party warnings silenced; the loader's own (unknown levels read as missing) kept as lines."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    collected += [str(w.message) for w in caught if issubclass(w.category, UnknownLevelWarning)]


def score_folder(
    data: Path | str,
    artifacts: Path | str,
    *,
    batch: str | None = None,
    database: str | None = None,
    by: str | None = None,
    keep_records: bool = True,
    progress: bool = True,
    threads: int | None = None,
    received: date | None = None,
    leave_out_incomplete: bool = False,
) -> BatchResult:
    """Score every applicant of a batch folder with the exported model and store them as one batch.

    InputError (one sentence naming the file, line and column, or what is missing) when the folder, a file
    or the artifacts are unusable, or the batch name is taken by other data: nothing is stored then.
    An applicant without one of the required fields gets no decision: the batch is refused naming their
    lines, unless `leave_out_incomplete` stores the others and lists them. `received`: the day the
    applications arrived (a month's batch loaded later), default now.
    """
    from model_training.store.applications import ensure_schema, store_batch
    from model_training.store.engine import open_engine
    from model_training.store.scored_rows import scored_rows

    started = time.perf_counter()
    folder, artifacts = Path(data), Path(artifacts)
    if not folder.is_dir():
        raise InputError(f"data folder {folder} does not exist or is not a folder")
    name = _batch_name(batch, folder)
    _artifacts(artifacts)
    files = batch_files(folder)
    steps = 4 + len(SIDE_TABLES) + (1 if keep_records else 0)
    shown = Progress(steps, enabled=progress)
    notes: list[str] = []
    try:
        with _quiet(notes):
            shown.step("checking files")
            digest = batch_digest(files)
            scorer, model = _scorer(artifacts, threads or os.cpu_count() or 1)
            challenger = _challenger(artifacts, threads or os.cpu_count() or 1, notes)
            url = database_url(database)
            with database_errors(url):
                engine = open_engine(url)
                ensure_schema(engine)
                stored = _already_stored(
                    engine, name, digest, model, *([challenger[1]] if challenger else [])
                )
            if stored is not None:
                return BatchResult(
                    name, stored, 0, 0, stored, skipped=True, seconds=time.perf_counter() - started
                )

            shown.step(APPLICATION_TABLE)
            applications = _read(files, APPLICATION_TABLE)
            if applications.height == 0:
                raise InputError(
                    f"{files[APPLICATION_TABLE].name}: no applicant (the file has only its header)"
                )
            applications, incomplete = complete_only(
                applications, files[APPLICATION_TABLE].name, leave_out_incomplete
            )
            ids = applications.get_column(CLIENT_ID)
            applicants = application_features(applications.select(application_columns(APPLICATION_TABLE)))
            tables = BatchTables(files, ids, keep_records=keep_records, progress=shown)
            features = with_side_features(applicants, side_features(tables))
            del applicants
            side_records = tables.credit_files() if keep_records else None

            shown.step("scoring")
            matrix = np.ascontiguousarray(
                feature_matrix(features, scorer.feature_names).to_numpy().astype(np.float32)
            )
            shadow = None
            if challenger is not None:
                shadow_matrix = np.ascontiguousarray(
                    feature_matrix(features, challenger[0].feature_names).to_numpy().astype(np.float32)
                )
                shadow_rows = pl.concat(
                    [
                        scored_rows(
                            challenger[0],
                            applications.slice(start, _SCORED_CHUNK),
                            shadow_matrix[start : start + _SCORED_CHUNK],
                        ).select("client_id", "probability", "decision", "reasons", "features")
                        for start in range(0, len(shadow_matrix), _SCORED_CHUNK)
                    ]
                )
                shadow = (shadow_rows, challenger[1])
                del shadow_matrix
            del features
            # in slices: the exact contributions of a whole batch would be three copies of 48,744 x n_features
            # float64 at once; each row's score depends on that row alone
            rows = pl.concat(
                [
                    scored_rows(
                        scorer,
                        applications.slice(start, _SCORED_CHUNK),
                        matrix[start : start + _SCORED_CHUNK],
                        side_records=None
                        if side_records is None
                        else side_records[start : start + _SCORED_CHUNK],
                    )
                    for start in range(0, len(matrix), _SCORED_CHUNK)
                ]
            )
            del matrix, side_records, applications

            shown.step("storing")
            with database_errors(url):
                outcome = store_batch(
                    engine,
                    rows,
                    model,
                    batch=name,
                    by=by or _user(),
                    digest=digest,
                    source="batch",
                    note=_note(folder, files, tables, keep_records, incomplete),
                    received_at=_received_at(received),
                    shadow=shadow,
                )
    finally:
        shown.close()
    return BatchResult(
        batch=name,
        applicants=rows.height,
        applications_added=outcome.applications_added,
        scores_added=outcome.scores_added,
        applications_in_batch=outcome.applications_in_batch,
        left_out=tables.left_out,
        unattached_repayments=tables.unattached_repayments,
        incomplete=incomplete,
        warnings=notes,
        seconds=time.perf_counter() - started,
    )


#: Incomplete applicants named in a refusal (the rest are counted).
_SHOWN_INCOMPLETE = 5


def complete_only(
    applications: pl.DataFrame, file_name: str, leave_out: bool
) -> tuple[pl.DataFrame, list[tuple[int, int]]]:
    """The applicants with every required field, and the (line, SK_ID_CURR) of the others; InputError naming
    them unless `leave_out` (line 1 is the header)."""
    missing = applications.select(
        pl.concat_list(
            pl.when(pl.col(name).is_null()).then(pl.lit(name)).otherwise(None)
            for name in REQUIRED_APPLICATION_FIELDS
        )
        .list.drop_nulls()
        .alias("missing"),
        (pl.int_range(pl.len()) + 2).alias("line"),
        pl.col(CLIENT_ID),
    ).filter(pl.col("missing").list.len() > 0)
    if missing.height == 0:
        return applications, []
    if not leave_out:
        shown = "; ".join(
            f"line {line} (SK_ID_CURR {client}): missing {', '.join(fields)}"
            for fields, line, client in missing.head(_SHOWN_INCOMPLETE).iter_rows()
        )
        more = (
            f"; and {missing.height - _SHOWN_INCOMPLETE:,} more" if missing.height > _SHOWN_INCOMPLETE else ""
        )
        raise InputError(
            f"{file_name}: {missing.height:,} incomplete application(s), which get no decision: "
            f"{shown}{more}. Complete them, or store the others with --leave-out-incomplete"
        )
    left_out = list(zip(missing["line"].to_list(), missing[CLIENT_ID].to_list(), strict=True))
    kept = applications.filter(~pl.col(CLIENT_ID).is_in(missing[CLIENT_ID].implode()))
    return kept, left_out


def _received_at(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, datetime.min.time(), tzinfo=UTC)


def _note(
    folder: Path,
    files: dict[str, Path],
    tables: BatchTables,
    keep_records: bool,
    incomplete: Sequence[tuple[int, int]] = (),
) -> str:
    """What the batch was made from, kept with it in the store."""
    note = f"{folder.resolve()}: {', '.join(p.name for p in files.values())}"
    if incomplete:
        note += (
            f"; {len(incomplete):,} incomplete application(s) left out (no decision without the required "
            f"fields): SK_ID_CURR {', '.join(str(c) for _, c in incomplete[:20])}"
            + (" ..." if len(incomplete) > 20 else "")
        )
    if not keep_records:
        note += "; side-table records not stored per applicant: the batch's files (digest) are the record"
    if tables.unattached_repayments:
        note += (
            f"; {tables.unattached_repayments} repayment rows of previous applications not in "
            "previous_application count in the features but are not in the stored credit files"
        )
    return note


def summary_lines(result: BatchResult) -> list[str]:
    """What the command prints when it is done."""
    lines = [f"warning: {text}" for text in result.warnings]
    if result.incomplete:
        named = ", ".join(f"line {line} (SK_ID_CURR {client})" for line, client in result.incomplete[:10])
        more = " ..." if len(result.incomplete) > 10 else ""
        lines.append(
            f"left out: {len(result.incomplete):,} incomplete application(s), no decision: {named}{more}"
        )
    for table, count in result.left_out.items():
        whose = "credits not in bureau" if table == "bureau_balance" else "applicants not in application_test"
        lines.append(f"ignored: {count:,} {table} rows of {whose}")
    if result.unattached_repayments:
        lines.append(
            f"note: {result.unattached_repayments:,} repayment rows belong to no previous application of "
            "previous_application: they count in the features, as in training, but not in the stored files"
        )
    if result.applications_added == 0 and result.scores_added == 0:
        lines.append(
            f"batch {result.batch!r}: already stored: {result.applications_in_batch:,} applications, 0 added"
        )
    elif result.applications_added == 0:
        lines.append(
            f"batch {result.batch!r}: already stored: {result.applications_in_batch:,} applications, "
            f"0 added; {result.scores_added:,} scores added by this model"
        )
    else:
        lines.append(
            f"batch {result.batch!r}: {result.applications_added:,} applications scored and stored "
            f"in {result.seconds:.1f} s"
        )
    return lines
