"""Model governance on out-of-fold predictions: cost by FN:FP ratio, calibration, fairness by group.

Credit scoring is a high-risk use of a model (EU AI Act, Annex III 5(b)): the lender must show how the
decision rule behaves when the cost assumption changes, whether probabilities mean what they say, and whether
groups of applicants are treated differently. Everything here takes the out-of-fold scores of the final
configuration, never scores of rows a model was fitted on, and is plain numpy: the app imports this module to
redraw the cost curve, so it must stay light (matplotlib only inside the figure functions).

Fairness is measured from the application table (CODE_GENDER, DAYS_BIRTH), not from the model's features,
so it is computed the same way whether or not the model reads those columns.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from model_training.contract.governance_record import (
    AttributeAudit,
    CalibrationSummary,
    Fairness,
    Gap,
    GovernanceRecord,
    GroupMetrics,
    ModelFeatures,
    RatioOptimum,
    Tolerance,
)
from model_training.cost import DecisionCounts, cost_at_threshold
from model_training.decision import refused
from model_training.units import DAYS_PER_YEAR

#: The file export writes into the artifacts folder (docs/artifacts.md).
GOVERNANCE_FILE = GovernanceRecord.FILE

#: FN:FP cost ratios the governance page and the note show (the cost of a good client refused is 1).
RATIOS = tuple(range(1, 21))

#: Age bands of the fairness audit, in years: (label, from, to excluded).
AGE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("<25", -math.inf, 25.0),
    ("25-34", 25.0, 35.0),
    ("35-44", 35.0, 45.0),
    ("45-54", 45.0, 55.0),
    ("55+", 55.0, math.inf),
)
UNKNOWN = "unknown"

#: A rate is judged only if its denominator counts at least this many applicants: its standard error is
#: then at most 5 points (0.5 / sqrt(100)), half the 10-point tolerance on error rates. Below it, a gap of
#: the tolerance's size is within noise: the group is marked as too small, never flagged.
MIN_COUNT = 100

#: The fairness metrics per group, in the order tables show them.
METRICS = ("default_rate", "approval_rate", "fnr", "fpr", "auc")


TOLERANCES: dict[str, Tolerance] = {
    "default_rate": Tolerance("context", None, "observed outcome, shown to read the other gaps"),
    "approval_rate": Tolerance("ratio", 0.8, "four-fifths rule: lowest approval rate >= 80 % of highest"),
    "fnr": Tolerance("difference", 0.10, "defaulters accepted: at most 10 points between groups"),
    "fpr": Tolerance("difference", 0.10, "good clients refused: at most 10 points between groups"),
    "auc": Tolerance("difference", 0.05, "ranking quality: at most 0.05 of ROC AUC between groups"),
}


# ----------------------------------------------------------------------------------------- cost by ratio


def ratio_optimum(counts: DecisionCounts, ratio: float) -> RatioOptimum:
    """The cost-minimising cut for FN:FP = ratio:1 (ties to the threshold refusing fewer clients)."""
    if not ratio > 0:
        raise ValueError(f"the FN:FP cost ratio must be above 0, got {ratio}")
    choice = counts.choice(cost_fn=ratio, cost_fp=1.0)
    index = int(np.searchsorted(counts.thresholds, choice.threshold))
    return RatioOptimum(ratio, choice.threshold, choice.cost, float(counts.approval_rates()[index]))


def cost_by_ratio(counts: DecisionCounts, ratios: Iterable[float] = RATIOS) -> tuple[RatioOptimum, ...]:
    """One optimum per ratio (the note's table, the page's reference)."""
    return tuple(ratio_optimum(counts, r) for r in ratios)


@dataclass(frozen=True)
class RatioCurve:
    """What the page draws for one ratio: the curve (a subsample of exact cuts), the optimum, production."""

    thresholds: np.ndarray
    costs: np.ndarray
    approval_rates: np.ndarray
    optimum: RatioOptimum
    production_threshold: float
    production_cost: float
    production_approval_rate: float


def ratio_curve(
    counts: DecisionCounts,
    y_true: np.ndarray,
    probability: np.ndarray,
    ratio: float,
    production_threshold: float,
    points: int = 400,
    upper: float = 1.0,
) -> RatioCurve:
    """Cost and approval rate against the threshold for FN:FP = ratio:1, thinned to about ``points`` cuts.

    The points are exact cuts (no interpolation of the step function), evenly spaced in rank so they are
    dense where scores are; the optimum is always among them. The production threshold is evaluated on the
    scores themselves: it need not be one of the cuts.
    """
    optimum = ratio_optimum(counts, ratio)
    inside = np.flatnonzero(counts.thresholds <= upper)
    picked = inside[np.unique(np.linspace(0, len(inside) - 1, min(points, len(inside))).round().astype(int))]
    best = int(np.searchsorted(counts.thresholds, optimum.threshold))
    picked = np.union1d(picked, [best]) if optimum.threshold <= upper else picked
    probability = np.asarray(probability, dtype=np.float64)
    return RatioCurve(
        thresholds=counts.thresholds[picked],
        costs=counts.costs(ratio, 1.0)[picked],
        approval_rates=counts.approval_rates()[picked],
        optimum=optimum,
        production_threshold=float(production_threshold),
        production_cost=cost_at_threshold(y_true, probability, production_threshold, ratio, 1.0),
        production_approval_rate=float(np.mean(~refused(probability, production_threshold))),
    )


# ------------------------------------------------------------------------------------------ calibration


def calibration_summary(reliability: Mapping[str, Sequence[float]], brier: float) -> CalibrationSummary:
    """The reliability bins and Brier score evaluate already computed, with two one-number readings.

    Expected calibration error: the gap between predicted and observed rates averaged over bins weighted by
    their size; largest gap: the worst bin, where a reader should look.
    """
    predicted = np.asarray(reliability["mean_predicted"], dtype=np.float64)
    observed = np.asarray(reliability["observed_rate"], dtype=np.float64)
    count = np.asarray(reliability["count"], dtype=np.float64)
    gaps = np.abs(observed - predicted)
    worst = int(np.argmax(gaps)) if len(gaps) else 0
    return CalibrationSummary(
        bins=len(predicted),
        binning="quantile bins of the out-of-fold probability (equal counts)",
        mean_predicted=tuple(predicted.tolist()),
        observed_rate=tuple(observed.tolist()),
        count=tuple(count.astype(int).tolist()),
        brier=float(brier),
        expected_calibration_error=float(np.sum(gaps * count) / count.sum()) if count.sum() else None,
        largest_gap=float(gaps[worst]) if len(gaps) else None,
        largest_gap_bin=worst,
    )


# --------------------------------------------------------------------------------------------- groups


def age_bands(days_birth: Sequence[float] | np.ndarray) -> np.ndarray:
    """The age band of each applicant from DAYS_BIRTH (days before the application, negative)."""
    years = -np.asarray(days_birth, dtype=np.float64) / DAYS_PER_YEAR
    bands = np.full(len(years), UNKNOWN, dtype=object)
    for label, low, high in AGE_BANDS:
        bands[(years >= low) & (years < high)] = label
    return bands


def gender_groups(code_gender: Sequence[object] | np.ndarray) -> np.ndarray:
    """CODE_GENDER as group labels; a missing value is its own group (Kaggle also has "XNA")."""
    return np.array(
        [UNKNOWN if v is None or (isinstance(v, float) and math.isnan(v)) else str(v) for v in code_gender],
        dtype=object,
    )


def auc(y_true: np.ndarray, score: np.ndarray) -> float | None:
    """ROC AUC of the group, None when it lacks defaulters or good clients (AUC is then undefined)."""
    y_true = np.asarray(y_true).astype(bool)
    if y_true.all() or not y_true.any():
        return None
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y_true, score))


def _denominator(metric: str, n: int, defaulters: int) -> int:
    """How many applicants a metric's rate is computed on (AUC: the scarcer class)."""
    repaid = n - defaulters
    return {"fnr": defaulters, "fpr": repaid, "auc": min(defaulters, repaid)}.get(metric, n)


def group_metrics(
    attribute: str, groups: np.ndarray, y_true: np.ndarray, probability: np.ndarray, threshold: float
) -> list[GroupMetrics]:
    """One row per group (sorted by label, "unknown" last): counts, rates and which metrics can be judged."""
    groups = np.asarray(groups, dtype=object)
    y_true = np.asarray(y_true).astype(bool)
    probability = np.asarray(probability, dtype=np.float64)
    refused_rows = refused(probability, threshold)
    rows = []
    for group in sorted(set(groups.tolist()), key=lambda g: (g == UNKNOWN, _band_order(g), g)):
        member = groups == group
        n, y, r = int(member.sum()), y_true[member], refused_rows[member]
        defaulters = int(y.sum())
        repaid = n - defaulters
        rows.append(
            GroupMetrics(
                attribute=attribute,
                group=str(group),
                n=n,
                defaulters=defaulters,
                default_rate=defaulters / n,
                approval_rate=float(1 - r.mean()),
                fnr=float((y & ~r).sum() / defaulters) if defaulters else None,
                fpr=float((~y & r).sum() / repaid) if repaid else None,
                auc=auc(y, probability[member]),
                judged={m: _denominator(m, n, defaulters) >= MIN_COUNT for m in METRICS},
            )
        )
    return rows


def _band_order(group: str) -> int:
    labels = [label for label, _, _ in AGE_BANDS]
    return labels.index(group) if group in labels else -1


def largest_gaps(rows: Sequence[GroupMetrics]) -> list[Gap]:
    """Per metric, the highest and lowest judged groups, the gap between them and whether it is flagged."""
    gaps = []
    for metric in METRICS:
        tolerance = TOLERANCES[metric]
        judged = [r for r in rows if r.judged.get(metric) and getattr(r, metric) is not None]
        attribute = rows[0].attribute if rows else ""
        if len(judged) < 2:
            gaps.append(Gap(attribute, metric, "too_small", tolerance=tolerance.rule))
            continue
        high = max(judged, key=lambda r: getattr(r, metric))
        low = min(judged, key=lambda r: getattr(r, metric))
        highest, lowest = float(getattr(high, metric)), float(getattr(low, metric))
        ratio = lowest / highest if highest > 0 else None
        if tolerance.kind == "context":
            status = "context"
        elif tolerance.kind == "ratio":
            limit = tolerance.limit if tolerance.limit is not None else 0.0
            status = "flagged" if ratio is not None and ratio < limit else "within"
        else:
            limit = tolerance.limit if tolerance.limit is not None else math.inf
            status = "flagged" if highest - lowest > limit else "within"
        gaps.append(
            Gap(
                attribute=attribute,
                metric=metric,
                status=status,
                highest_group=high.group,
                highest=highest,
                lowest_group=low.group,
                lowest=lowest,
                gap=highest - lowest,
                ratio=ratio,
                noise=_two_standard_errors(metric, high, low),
                tolerance=tolerance.rule,
            )
        )
    return gaps


def _two_standard_errors(metric: str, a: GroupMetrics, b: GroupMetrics) -> float | None:
    if metric == "auc":
        return None
    variance = 0.0
    for row in (a, b):
        p, n = float(getattr(row, metric)), _denominator(metric, row.n, row.defaulters)
        variance += p * (1 - p) / n
    return 2 * math.sqrt(variance)


def fairness(
    attributes: Mapping[str, tuple[str, np.ndarray]],
    y_true: np.ndarray,
    probability: np.ndarray,
    threshold: float,
) -> Fairness:
    """The fairness audit at ``threshold``: per attribute (name → (source column, group of each row)),
    the groups' metrics and the largest gap of each metric with its verdict."""
    audit: dict[str, AttributeAudit] = {}
    flagged = 0
    for name, (source, groups) in attributes.items():
        rows = group_metrics(name, groups, y_true, probability, threshold)
        gaps = largest_gaps(rows)
        flagged += sum(g.status == "flagged" for g in gaps)
        audit[name] = AttributeAudit(source=source, groups=tuple(rows), gaps=tuple(gaps))
    return Fairness(
        threshold=float(threshold),
        min_count=MIN_COUNT,
        tolerances=dict(TOLERANCES),
        attributes=audit,
        flagged=flagged,
    )


# ---------------------------------------------------------------------------------- the model's features

_GENDER = re.compile(r"GENDER|(^|_)SEX(_|$)", re.IGNORECASE)
_AGE = re.compile(r"DAYS_BIRTH|(^|_)AGE_YEARS$|_AGE_RATIO$", re.IGNORECASE)


def gender_features(feature_names: Iterable[str]) -> list[str]:
    """The features derived from the applicant's sex (CODE_GENDER and its encodings), in model order."""
    return [name for name in feature_names if _GENDER.search(name)]


def age_features(feature_names: Iterable[str]) -> list[str]:
    """The features derived from the applicant's age (DAYS_BIRTH, the age in years, ratios to the age)."""
    return [name for name in feature_names if _AGE.search(name)]


# ------------------------------------------------------------------------------------------- tracking


def public_server_url(uri: str | None) -> str | None:
    """An http(s) tracking or UI address without credentials (user:password@), else None.

    What is exported and shown on the page: a SQLite store or a file path has no UI to link to.
    """
    from urllib.parse import urlparse

    parsed = urlparse((uri or "").strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return None
    try:
        port = f":{parsed.port}" if parsed.port else ""
    except ValueError:  # a port that is not a number
        return None
    return f"{parsed.scheme}://{parsed.hostname}{port}{parsed.path.rstrip('/')}"


# ------------------------------------------------------------------------------------------ whole record


def governance_record(
    *,
    y_true: np.ndarray,
    probability: np.ndarray,
    threshold: float,
    cost_fn: float,
    cost_fp: float,
    counts: DecisionCounts,
    reliability: Mapping[str, Sequence[float]],
    brier: float,
    code_gender: Sequence[object] | np.ndarray,
    days_birth: Sequence[float] | np.ndarray,
    feature_names: Sequence[str],
) -> GovernanceRecord:
    """Everything governance.json holds but the registry: computed once at training, read by page and note."""
    attributes = {
        "gender": ("CODE_GENDER", gender_groups(code_gender)),
        "age_band": ("DAYS_BIRTH", age_bands(days_birth)),
    }
    return GovernanceRecord(
        computed_on="out-of-fold predictions of the final configuration",
        applicants=len(y_true),
        threshold=float(threshold),
        cost_fn=float(cost_fn),
        cost_fp=float(cost_fp),
        model_features=ModelFeatures(
            count=len(feature_names),
            names=tuple(feature_names),
            gender_derived=tuple(gender_features(feature_names)),
            age_derived=tuple(age_features(feature_names)),
        ),
        cost_by_ratio=cost_by_ratio(counts),
        calibration=calibration_summary(reliability, brier),
        fairness=fairness(attributes, y_true, probability, threshold),
    )


def gap_metrics(record: GovernanceRecord) -> dict[str, float]:
    """The fairness gaps and calibration readings as flat MLflow metrics."""
    metrics: dict[str, float] = {"fairness_flagged_gaps": float(record.fairness.flagged)}
    if record.calibration.expected_calibration_error is not None:
        metrics["calibration_ece"] = record.calibration.expected_calibration_error
    for attribute, audit in record.fairness.attributes.items():
        for gap in audit.gaps:
            if gap.gap is not None:
                metrics[f"fairness_{attribute}_{gap.metric}_gap"] = gap.gap
            if gap.metric == "approval_rate" and gap.ratio is not None:
                metrics[f"fairness_{attribute}_approval_ratio"] = gap.ratio
    return metrics


def fairness_rows(record: GovernanceRecord) -> list[dict[str, object]]:
    """The groups of every attribute as flat rows (fairness.csv)."""
    rows: list[dict[str, object]] = []
    for audit in record.fairness.attributes.values():
        for group in audit.groups:
            row: dict[str, object] = {
                "attribute": group.attribute,
                "group": group.group,
                "n": group.n,
                "defaulters": group.defaulters,
            }
            row |= {m: group.metric(m) for m in METRICS}
            row |= {f"judged_{m}": group.judged.get(m, False) for m in METRICS}
            rows.append(row)
    return rows


# ---------------------------------------------------------------------------------- figures (training)


def fairness_figure(record: GovernanceRecord):
    """Approval rate, FNR and FPR by group, one panel per attribute (matplotlib, for MLflow and the note)."""
    from model_training.evaluate import _pyplot

    plt = _pyplot()
    audits = record.fairness.attributes
    fig, axes = plt.subplots(1, len(audits), figsize=(5.5 * len(audits), 4.5), squeeze=False)
    styles = (("approval_rate", "#0072B2", ""), ("fnr", "#D55E00", "//"), ("fpr", "#009E73", ".."))
    for ax, (attribute, audit) in zip(axes[0], audits.items(), strict=True):
        groups = audit.groups
        x = np.arange(len(groups))
        for k, (metric, colour, hatch) in enumerate(styles):
            values = [g.metric(metric) or 0.0 for g in groups]
            label = metric.replace("_", " ")
            ax.bar(x + (k - 1) * 0.27, values, 0.27, color=colour, hatch=hatch, label=label)
        ax.set_xticks(x, [f"{g.group}\n(n={g.n})" for g in groups])
        ax.set_ylim(0, 1)
        ax.set_title(f"{attribute} at threshold {record.fairness.threshold:.3f}")
        ax.legend(loc="upper right")
    fig.tight_layout()
    return fig


def cost_by_ratio_figure(record: GovernanceRecord):
    """The optimal threshold and the cost per 1,000 applicants for each FN:FP ratio."""
    from model_training.evaluate import _pyplot

    plt = _pyplot()
    table = record.cost_by_ratio
    ratios = [row.ratio for row in table]
    fig, left = plt.subplots(figsize=(7, 4.5))
    left.plot(ratios, [row.threshold for row in table], color="#0072B2", marker="o", label="threshold")
    left.set(xlabel="FN:FP cost ratio", ylabel="optimal threshold")
    right = left.twinx()
    costs = [row.cost_per_1000 for row in table]
    right.plot(ratios, costs, color="#D55E00", linestyle="--", marker="s", label="cost")
    right.set_ylabel("cost per 1,000 applicants (at the optimum)")
    production = record.cost_fn / record.cost_fp
    left.axvline(production, color="black", linestyle=":", label=f"production ratio {production:g}")
    left.legend(loc="upper center")
    fig.tight_layout()
    return fig
