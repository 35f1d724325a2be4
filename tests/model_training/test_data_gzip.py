"""gzip tables are inflated by ISA-L: a truncated or corrupt file is one clear error, not a traceback."""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest

from model_training.data import read_table
from model_training.errors import InputError

ROWS = "".join(f"{5_000_000 + i // 20},{-(i % 20)},{'C0X1'[i % 4]}\n" for i in range(40_000))
CSV = ("SK_ID_BUREAU,MONTHS_BALANCE,STATUS\n" + ROWS).encode()


def _folder(tmp_path: Path, data: bytes) -> Path:
    (tmp_path / "bureau_balance.csv.gz").write_bytes(data)
    return tmp_path


def test_a_gzip_table_reads_as_the_plain_one(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "bureau_balance.csv").write_bytes(CSV)
    packed = _folder(tmp_path, gzip.compress(CSV))
    frame = read_table(packed, "bureau_balance")
    assert frame.height == 40_000
    assert frame.equals(read_table(plain, "bureau_balance"))
    assert frame.schema["STATUS"] == pl.Enum(["0", "1", "2", "3", "4", "5", "C", "X"])


def test_a_truncated_gzip_file_is_named(tmp_path: Path) -> None:
    data = gzip.compress(CSV)
    with pytest.raises(InputError, match=r"bureau_balance\.csv\.gz: cannot be read .*truncated or corrupt"):
        read_table(_folder(tmp_path, data[: len(data) // 2]), "bureau_balance")


def test_a_gzip_file_with_a_bad_checksum_is_named(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(CSV))
    data[-6] ^= 0xFF  # the CRC-32 of the trailer
    with pytest.raises(InputError, match=r"bureau_balance\.csv\.gz: cannot be read .*CRC check failed"):
        read_table(_folder(tmp_path, bytes(data)), "bureau_balance")
