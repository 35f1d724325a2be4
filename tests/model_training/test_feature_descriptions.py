"""Feature descriptions in French and English: the hand-written French catalogue and the composed texts."""

import json
import re

import pytest

from model_training.feature_descriptions import (
    FRENCH_CATALOGUE,
    describe,
    describe_features,
    english_columns,
    french_columns,
)
from model_training.feature_words import parse_side_table, side_table_label
from model_training.schema import TABLES, columns

#: The tables as kaggle_schema.json and the catalogues key them: "application" for train and test.
SCHEMA_TABLES = ("application", *(t for t in TABLES if not t.startswith("application")))
CODE = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")  # a column code such as AMT_CREDIT_SUM


def _schema_columns(table: str) -> list[str]:
    return [c.name for c in columns("application_train" if table == "application" else table)]


@pytest.mark.parametrize("table", SCHEMA_TABLES)
def test_every_kaggle_column_has_a_french_description(table):
    catalogue = json.loads(FRENCH_CATALOGUE.read_text(encoding="utf-8"))
    assert list(catalogue[table]) == _schema_columns(table)
    for column, text in catalogue[table].items():
        assert text.endswith(".") and text[0].isupper(), (table, column)
        assert not CODE.search(text), (table, column, text)
        assert text != english_columns()[(table, column)], (table, column)
        # French typography: a no-break space before the colon and the semicolon
        assert " :" not in text and " ;" not in text, (table, column)


def test_raw_columns_use_the_catalogues():
    described = describe("AMT_ANNUITY")
    assert described.fr == french_columns()[("application", "AMT_ANNUITY")]
    assert described.en == english_columns()[("application", "AMT_ANNUITY")]
    assert described.source == "application"
    kaggle = describe_features(["AMT_ANNUITY"], {("application", "AMT_ANNUITY"): "Loan  annuity"})
    assert kaggle["AMT_ANNUITY"].en == "Loan annuity."


@pytest.mark.parametrize(
    "name",
    [
        "BUREAU_ACTIVE_AMT_CREDIT_SUM_DEBT_SUM",
        "BUREAU_CREDIT_TYPE_MORTGAGE_SHARE",
        "BUREAU_BAL_LAST_12M_DPD_MONTHS_SUM",
        "BUREAU_BAL_WORST_STATUS_MAX",
        "PREV_LAST_365D_REFUSED_COUNT",
        "PREV_APPROVED_DAYS_LAST_DUE_1ST_VERSION_MAX",
        "PREV_TOTAL_REPAYMENT_RATIO_MEAN",
        "POS_LOAN_COUNT",
        "POS_LAST_12M_SK_DPD_MAX",
        "INST_LATE_30D_SHARE",
        "INST_PAYMENT_RATIO_TOTAL",
        "CC_LAST_12M_UTILISATION_MEAN",
        "CC_MONTHS_BALANCE_MIN",
    ],
)
def test_engineered_features_are_described_from_the_naming_grammar(name):
    described = describe(name)
    for lang in ("fr", "en"):
        text = described.text(lang)
        assert text.endswith(".") and not CODE.search(text), (lang, text)
        label, _ = side_table_label(name, lang)
        if name.endswith(("_COUNT", "_SHARE")):
            assert text.startswith(label) and "Source" in text, (lang, text)  # the label, then the source
        else:
            assert parse_side_table(name).scope(lang) in text, (lang, text)  # the rows the label names
    assert described.source.endswith("(aggregated)")


def test_dates_read_as_first_and_last():
    assert describe("BUREAU_DAYS_CREDIT_MIN").fr.startswith("Première date parmi les crédits déclarés")
    assert describe("BUREAU_DAYS_CREDIT_MAX").en.startswith("Last date among the credits reported")


def test_a_name_no_rule_knows_still_gets_words():
    side = describe("PREV_SOMETHING_NEW_MEDIAN")
    assert side.fr.startswith("Indicateur calculé à partir de l’historique du client.")
    assert "Prêt à dépenser" in side.en and side.source == "previous_application (aggregated)"
    unknown = describe("NEW_THING")
    assert unknown.fr and unknown.en and unknown.source == "engineered"
