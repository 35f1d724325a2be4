"""The credit decision: one rule and one pair of codes for training, the exported tables, the app and the API.

The codes are machine words, stable and language-neutral ("accept", "refuse"): the client tables, the API's
``decision`` field and the filters carry them; people read the words the app's catalogue gives them
(``decision.accept``, ``decision.refuse``). This module imports nothing heavy so that both sides can use it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import polars as pl

Decision = Literal["accept", "refuse"]

ACCEPT: Decision = "accept"
REFUSE: Decision = "refuse"
#: Accepted first: the order filters and legends list them in.
DECISIONS: tuple[Decision, ...] = (ACCEPT, REFUSE)
RULE = f"{REFUSE} when probability >= threshold, else {ACCEPT}"


def decide(probability: float, threshold: float) -> Decision:
    """Refuse when the probability of default reaches the threshold (the cost-optimal cut), else accept."""
    return REFUSE if probability >= threshold else ACCEPT


def decision_column(probability: pl.Expr, threshold: float) -> pl.Expr:
    """``decide`` over a column of probabilities, as a polars expression named ``decision``."""
    import polars as pl

    return pl.when(probability >= threshold).then(pl.lit(REFUSE)).otherwise(pl.lit(ACCEPT)).alias("decision")
