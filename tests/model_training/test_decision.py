"""One decision rule and one pair of codes for training, the client tables, the app and the API."""

import numpy as np
import polars as pl

from model_training.decision import (
    ACCEPT,
    DECISION,
    DECISIONS,
    PROBABILITY,
    REFUSE,
    RULE,
    decide,
    decision_column,
    refused,
)


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
    frame = pl.DataFrame({PROBABILITY: probabilities})
    decided = frame.select(decision_column(pl.col(PROBABILITY), 0.1)).to_series()
    assert decided.name == DECISION
    assert decided.to_list() == [decide(p, 0.1) for p in probabilities]


def test_many_probabilities_are_decided_like_decide():
    probabilities = [0.05, 0.1, 0.2, 0.0999999, 1.0, 0.0]
    assert refused(np.array(probabilities), 0.1).tolist() == [decide(p, 0.1) == REFUSE for p in probabilities]
    assert refused(probabilities, 0.1).dtype == bool


def test_the_client_tables_name_their_score_and_decision_columns():
    assert (PROBABILITY, DECISION) == ("probability", "decision")
