"""aggregate_by orders rows one slice of keys at a time: the same result as one pass, to the bit."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from model_training.features import expressions
from model_training.features.expressions import aggregate_by, ratio, stats


def _payments(rows: int, seed: int = 1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    amounts = rng.lognormal(8, 1.5, rows).astype(np.float32)
    return pl.DataFrame(
        {
            "SK_ID_CURR": rng.integers(100_000, 100_400, rows).astype(np.int32),  # random order
            "AMT_PAYMENT": np.where(rng.random(rows) < 0.1, np.nan, amounts),
            "AMT_INSTALMENT": amounts * rng.uniform(0.5, 1.5, rows).astype(np.float32),
        },
        nan_to_null=True,
    )


def _features(frame: pl.DataFrame) -> pl.DataFrame:
    return aggregate_by(
        frame,
        "SK_ID_CURR",
        [
            pl.len().alias("COUNT"),
            *stats("PAID", "AMT_PAYMENT", "SUM", "MEAN", "MIN", "MAX", "STD"),
            *stats("RATIO", "PAYMENT_RATIO", "SUM", "MEAN", "STD"),
        ],
        {"PAYMENT_RATIO": ratio("AMT_PAYMENT", "AMT_INSTALMENT")},
    )


@pytest.mark.parametrize("slice_rows", [1, 7, 1_000])
def test_slices_give_the_one_pass_result(monkeypatch: pytest.MonkeyPatch, slice_rows: int) -> None:
    frame = _payments(20_000)
    one_pass = _features(frame)
    monkeypatch.setattr(expressions, "SLICE_ROWS", slice_rows)
    assert_frame_equal(_features(frame), one_pass, check_exact=True)
    assert one_pass["SK_ID_CURR"].is_sorted() and one_pass.height == frame["SK_ID_CURR"].n_unique()
    assert one_pass["COUNT"].sum() == frame.height


def test_a_slice_never_splits_a_key() -> None:
    keys = pl.Series([1, 1, 1, 2, 2, 3, 3, 3, 3, 4], dtype=pl.Int32)
    slices = expressions._slices(keys, 2)
    assert slices == [(0, 3), (3, 2), (5, 5)]  # cuts asked at rows 0, 2, 4, 6, 8 move back to a key's start
    assert expressions._slices(keys.clear(), 2) == []


def test_no_rows_give_no_clients() -> None:
    out = _features(_payments(10).clear())
    assert out.height == 0 and out.schema["SK_ID_CURR"] == pl.Int32
