"""The credit decision: one rule and one pair of codes for training, the exported tables, the app and the API.

The codes are machine words, stable and language-neutral ("accept", "refuse"): the client tables, the API's
``decision`` field and the filters carry them; people read the words the app's catalogue gives them
(``decision.accept``, ``decision.refuse``). This module imports nothing heavy so that both sides can use it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    import polars as pl

Decision = Literal["accept", "refuse"]

ACCEPT: Decision = "accept"
REFUSE: Decision = "refuse"
#: Accepted first: the order filters and legends list them in.
DECISIONS: tuple[Decision, ...] = (ACCEPT, REFUSE)
RULE = f"{REFUSE} when probability >= threshold, else {ACCEPT}"

#: Columns of the exported client tables (and fields of the API's answers): the calibrated probability of
#: default, and the decision code it leads to.
PROBABILITY = "probability"
DECISION = "decision"


def decide(probability: float, threshold: float) -> Decision:
    """Refuse when the probability of default reaches the threshold (the cost-optimal cut), else accept."""
    return REFUSE if probability >= threshold else ACCEPT


def refused(probability: np.ndarray, threshold: float) -> np.ndarray:
    """``decide`` over many probabilities at once: True where refused (costs, counts, predictions)."""
    return np.asarray(probability, dtype=np.float64) >= threshold


def decision_column(probability: pl.Expr, threshold: float) -> pl.Expr:
    """``decide`` over a column of probabilities, as a polars expression named ``decision``."""
    import polars as pl

    return pl.when(probability >= threshold).then(pl.lit(REFUSE)).otherwise(pl.lit(ACCEPT)).alias(DECISION)
