"""One decision rule and one pair of codes for training, the client tables, the app and the API."""

import polars as pl

from model_training.decision import ACCEPT, DECISIONS, REFUSE, RULE, decide, decision_column


def test_codes_are_stable_machine_words():
    assert (ACCEPT, REFUSE) == ("accept", "refuse")
    assert DECISIONS == ("accept", "refuse")
    assert RULE == "refuse when probability >= threshold, else accept"


def test_refuse_from_the_threshold_on():
    assert decide(0.0999, 0.1) == "accept"
    assert decide(0.1, 0.1) == "refuse"
    assert decide(0.9, 0.1) == "refuse"


def test_the_column_decides_like_decide():
    probabilities = [0.05, 0.1, 0.2, 0.0999999]
    frame = pl.DataFrame({"probability": probabilities})
    decided = frame.select(decision_column(pl.col("probability"), 0.1)).to_series()
    assert decided.name == "decision"
    assert decided.to_list() == [decide(p, 0.1) for p in probabilities]
