"""Drawing values from calibrated column specs, vectorised over a chunk of rows.

A spec is one of three JSON-friendly shapes produced by `calibration.py`:
  text       {"missing": m, "levels": [...], "p": [...]}
  discrete   {"missing": m, "values": [...], "p": [...]}
  continuous {"missing": m, "quantiles": [...], "atoms": [[value, from, to], ...]}
             (values at `GRID`; atoms are point masses held by the ranks from..to)
Every draw takes uniform ranks `u` so that callers can correlate columns through shared latent normals
(a Gaussian copula): the marginal of each column stays the calibrated one whatever the correlation.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.special import ndtr

# The generator's modules take these from here; each is defined once, where training and serving read it.
from model_training.calibration import sigmoid as sigmoid
from model_training.quirks import DAYS_SENTINEL
from model_training.units import DAYS_PER_MONTH as DAYS_PER_MONTH
from model_training.units import DAYS_PER_YEAR

#: Probabilities at which continuous columns keep their quantiles. The ends stop short of 0 and 1 so
#: that no single real applicant's extreme value is stored.
GRID: np.ndarray = np.array(
    [0.001, 0.0025, 0.005, 0.0075, *np.arange(1, 100) / 100, 0.9925, 0.995, 0.9975, 0.999]
)

YEAR = DAYS_PER_YEAR
#: Kaggle's "not applicable" day count (a date 1000 years after the application), as the generator writes it.
NO_DATE = DAYS_SENTINEL


def ranks(z: np.ndarray) -> np.ndarray:
    """Uniform ranks of standard normal latents."""
    return ndtr(z)


def mix(rng: np.random.Generator, *parts: tuple[float, np.ndarray]) -> np.ndarray:
    """A standard normal latent: weighted latents plus independent noise for the rest of the variance."""
    n = len(parts[0][1])
    weights = np.array([w for w, _ in parts])
    rest = max(1.0 - float(np.sum(weights**2)), 0.0)
    out = np.sqrt(rest) * rng.standard_normal(n)
    for weight, latent in parts:
        out += weight * latent
    return out


def level_index(spec: dict, u: np.ndarray) -> np.ndarray:
    """Index into `spec["levels"]` or `spec["values"]` at uniform ranks u."""
    cumulative = np.cumsum(spec["p"])
    idx = np.searchsorted(cumulative / cumulative[-1], u, side="right")
    return np.minimum(idx, len(spec["p"]) - 1)


def quantile_value(spec: dict, u: np.ndarray) -> np.ndarray:
    """Continuous or discrete numeric value at uniform ranks u (point masses kept exact)."""
    if "values" in spec:
        return np.asarray(spec["values"], dtype=float)[level_index(spec, u)]
    values = np.interp(u, GRID, spec["quantiles"])
    for value, low, high in spec.get("atoms", ()):
        values = np.where((u >= low) & (u < high), value, values)
    return values


def cdf(spec: dict, x: np.ndarray) -> np.ndarray:
    """Share of the calibrated distribution at or below x (inverse of `quantile_value`)."""
    if "values" in spec:
        values = np.asarray(spec["values"], dtype=float)
        cumulative = np.concatenate([[0.0], np.cumsum(spec["p"]) / np.sum(spec["p"])])
        return cumulative[np.searchsorted(values, x, side="right")]
    q = np.asarray(spec["quantiles"], dtype=float)
    return np.interp(x, q, GRID, left=0.0, right=1.0)


def numeric(spec: dict, u: np.ndarray, missing_u: np.ndarray | None = None) -> np.ndarray:
    """Numeric column with NaN where missing: `missing_u` < missing rate (share it to nest missingness)."""
    values = quantile_value(spec, u)
    if missing_u is not None and spec["missing"] > 0:
        values = np.where(missing_u < spec["missing"], np.nan, values)
    return values


def days_before(spec: dict, u: np.ndarray, max_days: np.ndarray) -> np.ndarray:
    """A negative day count no older than `max_days` before the application (truncated inverse CDF).

    Drawing inside the allowed range, rather than clipping, keeps the shape of the distribution and avoids a
    pile-up at the bound (nobody employed since before their 16th birthday, no credit before adulthood).
    """
    low = cdf(spec, -max_days)
    return np.minimum(quantile_value(spec, low + u * (1.0 - low)), 0.0)


def text(spec: dict, u: np.ndarray, missing_u: np.ndarray | None = None) -> np.ndarray:
    """Level indices of a text column, -1 where missing."""
    idx = level_index(spec, u)
    if missing_u is not None and spec["missing"] > 0:
        idx = np.where(missing_u < spec["missing"], -1, idx)
    return idx


def text_series(name: str, levels: list[str], idx: np.ndarray) -> pl.Series:
    """A text column from level indices (-1 = missing), built by a gather in polars rather than in Python."""
    pool = pl.Series(name, [*levels, None], dtype=pl.String)
    return pool.gather(np.where(idx < 0, len(levels), idx))


def ordered(spec: dict, order: list[str]) -> dict:
    """The same text spec with its levels in a meaningful order, so a latent can push people along it.

    Levels missing from `order` go first; the frequencies are unchanged.
    """
    rank = {level: i for i, level in enumerate(order)}
    pairs = sorted(zip(spec["levels"], spec["p"], strict=True), key=lambda lp: rank.get(lp[0], -1))
    return {**spec, "levels": [lv for lv, _ in pairs], "p": [p for _, p in pairs]}


def subset(spec: dict, levels: set[str]) -> dict:
    """The text spec restricted to some levels, renormalised (e.g. income types of people in work)."""
    pairs = [(lv, p) for lv, p in zip(spec["levels"], spec["p"], strict=True) if lv in levels]
    if not pairs:
        raise ValueError(f"none of {sorted(levels)} occurs in the calibrated levels {spec['levels']}")
    total = sum(p for _, p in pairs)
    return {"missing": 0.0, "levels": [lv for lv, _ in pairs], "p": [p / total for _, p in pairs]}


def share_of(spec: dict, levels: set[str]) -> float:
    return float(sum(p for lv, p in zip(spec["levels"], spec["p"], strict=True) if lv in levels))


def level_mask(spec: dict, idx: np.ndarray, *names: str) -> np.ndarray:
    """Rows whose text index is one of the named levels (absent levels simply never match)."""
    wanted = [i for i, level in enumerate(spec["levels"]) if level in names]
    return np.isin(idx, wanted)


def snap(values: np.ndarray, grid: dict, u: np.ndarray) -> np.ndarray:
    """Round amounts to the round figures people actually ask for, in the calibrated shares.

    `grid` is {"steps": [coarsest, ..., finest], "shares": [...]}: the share of real amounts that are
    multiples of each step (and of no coarser one). The remaining share is rounded to 0.5.
    """
    steps = np.asarray(grid["steps"], dtype=float)
    chosen = np.searchsorted(np.cumsum(grid["shares"]), u, side="right")
    step = np.where(chosen < len(steps), steps[np.minimum(chosen, len(steps) - 1)], 0.5)
    return np.maximum(np.round(values / step), 1.0) * step


def annuity_factor(monthly_rate: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Monthly payment per unit of credit for a fixed-rate loan repaid in equal instalments."""
    months = np.maximum(months, 1.0)
    return monthly_rate / (1.0 - (1.0 + monthly_rate) ** -months)


def repeat_counts(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For parents with `counts` children each: the parent of every child and the child's rank (0-based)."""
    parent = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return parent, np.arange(len(parent)) - starts[parent]


def month_of(days: np.ndarray) -> np.ndarray:
    """Kaggle's MONTHS_BALANCE of a (negative) day count: -1 is the month before the application."""
    return np.floor(days / DAYS_PER_MONTH).astype(np.int64)


def negative_binomial(rng: np.random.Generator, mean: np.ndarray, dispersion: float) -> np.ndarray:
    """Over-dispersed counts (gamma-Poisson) with the given means: most people have a few, some many."""
    scale = np.asarray(mean, dtype=float) / dispersion
    return rng.poisson(rng.gamma(dispersion, 1.0, np.shape(mean)) * scale)
