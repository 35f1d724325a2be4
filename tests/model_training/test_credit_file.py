"""The credit file: validated like the loader, featurised like training, scored like an exported client."""

from __future__ import annotations

import math
import os
from pathlib import Path
from time import perf_counter

import numpy as np
import polars as pl
import pytest

from model_training.credit_file import (
    MAX_FILE_RECORDS,
    MAX_RECORDS,
    REQUIRED_APPLICATION_FIELDS,
    CreditFileError,
    credit_file_features,
    credit_file_json_schema,
    credit_file_tables,
    validate_credit_file,
)
from model_training.credit_file_sample import credit_file_document
from model_training.data import polars_schema, read_table
from model_training.features.build import build_features, feature_matrix
from model_training.schema import CLIENT_ID, TABLES

_CHILDREN = {
    "bureau": ("bureau_balance",),
    "previous_application": ("POS_CASH_balance", "installments_payments", "credit_card_balance"),
}
_TABLES = tuple(table for table in TABLES if not table.startswith("application_"))  # the side tables


def _real_folder() -> Path:
    folder = os.environ.get("HOMECREDIT_DIR")
    if not folder:
        pytest.skip("HOMECREDIT_DIR is not set: no real Home Credit sample to build credit files from")
    return Path(folder)


#: One applicant's file nested from the Kaggle tables (shared with the API's tests and intake benchmark).
_credit_file = credit_file_document


def _complete_clients(tables: dict[str, pl.DataFrame], count: int) -> list[int]:
    """Applicants with bureau credits and previous applications, and monthly balances or repayment rows,
    all of whose repayment rows belong to one of their previous applications (the sample's side tables were
    drawn separately, so most applicants' repayment rows have no previous application in it); those with
    the most side tables first."""
    previous_ids = tables["previous_application"]["SK_ID_PREV"].implode()
    repayments = pl.concat(
        [tables[t].select(CLIENT_ID, "SK_ID_PREV", pl.lit(t).alias("table")) for t in _TABLES[3:]]
    )
    orphans = set(repayments.filter(~pl.col("SK_ID_PREV").is_in(previous_ids))[CLIENT_ID].to_list())
    balances = (
        tables["bureau"]
        .join(tables["bureau_balance"], on="SK_ID_BUREAU")
        .select(CLIENT_ID, "SK_ID_BUREAU", pl.lit("bureau_balance").alias("table"))
    )
    having = set(tables["bureau"][CLIENT_ID].to_list()) & set(
        tables["previous_application"][CLIENT_ID].to_list()
    )
    kinds = pl.concat([repayments, balances.rename({"SK_ID_BUREAU": "SK_ID_PREV"})]).filter(
        pl.col(CLIENT_ID).is_in(sorted(having - orphans))
    )
    ranked = (
        kinds.group_by(CLIENT_ID)
        .agg(pl.col("table").n_unique().alias("n"))
        .sort(["n", CLIENT_ID], descending=[True, False])
    )
    return ranked[CLIENT_ID].head(count).to_list()


@pytest.fixture(scope="module")
def real_tables() -> dict[str, pl.DataFrame]:
    folder = _real_folder()
    tables = {table: read_table(folder, table) for table in _TABLES}
    tables["application"] = pl.concat(
        [read_table(folder, "application_train").drop("TARGET"), read_table(folder, "application_test")]
    )
    return tables


@pytest.fixture(scope="module")
def real_features():
    return build_features(_real_folder())


def _assert_same_features(ours: pl.DataFrame, theirs: pl.DataFrame, names: list[str]) -> None:
    for name in names:
        mine, expected = ours[name][0], theirs[name][0]
        if expected is None or (isinstance(expected, float) and math.isnan(expected)):
            assert mine is None or math.isnan(mine), name
        else:
            assert mine is not None and mine == pytest.approx(expected, rel=1e-9, abs=1e-9), name


def test_the_features_of_real_applicants_sent_as_files_are_those_training_builds(real_tables, real_features):
    clients = _complete_clients(real_tables, 10)
    assert len(clients) == 10, "the real sample should have applicants with side tables"
    documents = [_credit_file(client_id, real_tables) for client_id in clients]
    tables_sent = {
        child
        for document in documents
        for parent, children in _CHILDREN.items()
        for record in document[parent]
        for child in children
        if record[child]
    }
    assert tables_sent == set(_TABLES[1:]) - {"previous_application"}, "every nested table is exercised"
    built = pl.concat([real_features.train.drop("TARGET"), real_features.production])
    for client_id, document in zip(clients, documents, strict=True):
        assert document["bureau"] and document["previous_application"]
        features = credit_file_features(validate_credit_file(document))
        expected = built.filter(pl.col(CLIENT_ID) == client_id)
        assert expected.height == 1
        ours = feature_matrix(features, real_features.feature_names)
        _assert_same_features(ours, expected, real_features.feature_names)


def test_a_file_becomes_the_loader_typed_tables_with_keys_from_its_nesting(real_tables):
    client_id = _complete_clients(real_tables, 1)[0]
    document = _credit_file(client_id, real_tables)
    tables = credit_file_tables(validate_credit_file(document))
    for table, frame in tables.items():
        assert frame.schema == pl.Schema(polars_schema(table)), table
    assert tables["application_test"][CLIENT_ID].to_list() == [client_id]
    assert tables["bureau"]["SK_ID_BUREAU"].to_list() == list(range(1, len(document["bureau"]) + 1))
    months = sum(len(record["bureau_balance"]) for record in document["bureau"])
    assert tables["bureau_balance"].height == months
    assert set(tables["installments_payments"][CLIENT_ID].to_list()) <= {client_id}


def test_required_fields_are_never_or_almost_never_missing_in_the_real_sample():
    applications = read_table(_real_folder(), "application_train")
    shares = {
        name: applications[name].null_count() / applications.height for name in REQUIRED_APPLICATION_FIELDS
    }
    assert max(shares.values()) < 0.001, shares


def test_a_file_without_a_required_field_is_incomplete_and_names_them(real_tables):
    document = _credit_file(_complete_clients(real_tables, 1)[0], real_tables)
    document["application"]["AMT_CREDIT"] = None
    del document["application"]["DAYS_BIRTH"]
    with pytest.raises(CreditFileError) as refused:
        validate_credit_file(document)
    assert refused.value.errors == {"application": "incomplete application: missing AMT_CREDIT, DAYS_BIRTH"}


def test_the_probability_of_a_production_applicant_sent_as_a_file_is_the_exported_one(
    trained_artifacts, trained_synthetic_data
):
    from app.artifacts import load_artifacts
    from app.scoring import ScoringService

    service = ScoringService(load_artifacts(trained_artifacts))
    folder = trained_synthetic_data
    tables = {table: read_table(folder, table) for table in _TABLES}
    tables["application"] = read_table(folder, "application_test")
    having = set(tables["bureau"][CLIENT_ID].to_list()) & set(
        tables["previous_application"][CLIENT_ID].to_list()
    )
    clients = [c for c in tables["application"][CLIENT_ID].to_list() if c in having][:5]
    assert clients
    for client_id in clients:
        file = validate_credit_file(_credit_file(client_id, tables))
        matrix = feature_matrix(credit_file_features(file), service.feature_names).to_numpy()
        probability = float(service.probabilities(np.ascontiguousarray(matrix, dtype=np.float32))[0])
        assert probability == pytest.approx(service.score_client(client_id).probability, abs=1e-9)


# ------------------------------------------------------------------------------------------- bad input

_COMPLETE = {
    "NAME_CONTRACT_TYPE": "Cash loans",
    "AMT_INCOME_TOTAL": 180000.0,
    "AMT_CREDIT": 500000.0,
    "AMT_ANNUITY": 25000.0,
    "DAYS_BIRTH": -14000,
    "DAYS_EMPLOYED": -2000,
    "NAME_INCOME_TYPE": "Working",
    "NAME_EDUCATION_TYPE": "Higher education",
    "NAME_FAMILY_STATUS": "Married",
    "NAME_HOUSING_TYPE": "House / apartment",
    "CNT_CHILDREN": 1,
    "CNT_FAM_MEMBERS": 3.0,
    "FLAG_OWN_CAR": "N",
    "FLAG_OWN_REALTY": "Y",
}


def _refusal(document: dict) -> dict[str, str]:
    with pytest.raises(CreditFileError) as refused:
        validate_credit_file(document)
    return refused.value.errors


def _file(**tables) -> dict:
    return {"application": dict(_COMPLETE), **tables}


def test_a_complete_application_alone_is_a_valid_file_with_missing_side_features():
    features = credit_file_features(validate_credit_file(_file()))
    assert features.height == 1
    assert features["AMT_CREDIT"][0] == 500000.0
    assert features["BUREAU_COUNT"][0] is None


@pytest.mark.parametrize(
    ("document", "path", "words"),
    [
        (
            _file(bureau=[{}, {}, {"AMT_CREDIT_SUM": "a lot"}]),
            "bureau[2].AMT_CREDIT_SUM",
            "expected a number",
        ),
        (_file(bureau=[{"CREDIT_DAY_OVERDUE": 2.5}]), "bureau[0].CREDIT_DAY_OVERDUE", "integer"),
        (_file(bureau=[{"CREDIT_ACTIVE": "Maybe"}]), "bureau[0].CREDIT_ACTIVE", "unknown value 'Maybe'"),
        (_file(bureau=[{"AMT_CREDIT_SUM": True}]), "bureau[0].AMT_CREDIT_SUM", "expected a number"),
        (_file(credit_history=[]), "credit_history", "unknown field"),
        (_file(bureau=[{"AMOUNT": 1}]), "bureau[0].AMOUNT", "unknown field"),
        (
            _file(bureau=[{"installments_payments": []}]),
            "bureau[0].installments_payments",
            "record in the wrong place",
        ),
        (_file(bureau_balance=[{"MONTHS_BALANCE": -1}]), "bureau_balance", "record in the wrong place"),
        (_file(bureau=[{"SK_ID_BUREAU": 5}]), "bureau[0].SK_ID_BUREAU", "unknown field"),
        (_file(bureau=[{"SK_ID_CURR": 5}]), "bureau[0].SK_ID_CURR", "unknown field"),
        (
            _file(previous_application=[{"POS_CASH_balance": [{"SK_ID_PREV": 1}]}]),
            "previous_application[0].POS_CASH_balance[0].SK_ID_PREV",
            "unknown field",
        ),
        (_file(bureau=[{}] * 10_000), "bureau", "too many records: at most 200"),
        (
            _file(previous_application=[{"installments_payments": [{}] * 1001}]),
            "previous_application[0].installments_payments",
            "at most 1,000",
        ),
        ({"application": dict(_COMPLETE, CNT_CHILDREN=300)}, "application.CNT_CHILDREN", "127"),
        ({"application": dict(_COMPLETE, AMT_CREDIT=float("inf"))}, "application.AMT_CREDIT", "finite"),
        ({"bureau": []}, "application", "required"),
        ([1, 2], "", "valid dictionary"),
    ],
)
def test_bad_input_gets_one_clear_message_naming_its_path(document, path, words):
    errors = _refusal(document)
    assert list(errors) == [path]
    assert words.lower() in errors[path].lower()


def test_every_bad_field_is_named_once():
    errors = _refusal(_file(bureau=[{"AMT_CREDIT_SUM": "x", "CREDIT_ACTIVE": 3}, {"DAYS_CREDIT": "y"}]))
    assert sorted(errors) == ["bureau[0].AMT_CREDIT_SUM", "bureau[0].CREDIT_ACTIVE", "bureau[1].DAYS_CREDIT"]


def test_a_file_with_many_bad_fields_names_the_first_ones_and_counts_the_rest():
    errors = _refusal(_file(bureau=[{"AMT_CREDIT_SUM": "x"}] * 30))
    assert len(errors) == 21
    assert errors["credit_file"] == "and 10 more problems"
    assert "bureau[19].AMT_CREDIT_SUM" in errors


def test_a_huge_list_is_refused_quickly():
    started = perf_counter()
    _refusal(_file(bureau=[{"AMT_CREDIT_SUM": 1.0, "bureau_balance": [{}] * 10}] * 10_000))
    assert perf_counter() - started < 1.0


def test_a_file_of_too_many_records_in_all_is_refused_before_validation():
    months = [{"MONTHS_BALANCE": -1}] * MAX_RECORDS["bureau_balance"]
    refusal = _refusal(_file(bureau=[{"bureau_balance": months, "AMT_CREDIT_SUM": "x"}] * 170))
    assert refusal == {"credit_file": "too many records: 20,570 in all tables, at most 20,000"}
    assert 170 * (1 + MAX_RECORDS["bureau_balance"]) > MAX_FILE_RECORDS


def test_a_file_at_the_sample_largest_counts_is_accepted():
    months = [{"MONTHS_BALANCE": -m, "STATUS": "C"} for m in range(96)]
    payments = [{"NUM_INSTALMENT_NUMBER": k, "AMT_PAYMENT": 10.0} for k in range(100)]
    pos = [{"MONTHS_BALANCE": -m, "SK_DPD": 0} for m in range(96)]
    previous = {"POS_CASH_balance": pos, "installments_payments": payments}
    file = validate_credit_file(
        _file(bureau=[{"bureau_balance": months}] * 41, previous_application=[previous] * 27)
    )
    assert credit_file_features(file)["BUREAU_COUNT"][0] == 41


def test_the_json_schema_comes_from_the_models():
    schema = credit_file_json_schema()
    bureau = schema["$defs"]["BureauCredit"]
    assert bureau["additionalProperties"] is False
    assert "SK_ID_BUREAU" not in bureau["properties"] and "SK_ID_CURR" not in bureau["properties"]
    assert schema["properties"]["bureau"]["maxItems"] == MAX_RECORDS["bureau"]
    assert schema["required"] == ["application"]
    assert len(schema["$defs"]["Application"]["properties"]) == len(polars_schema("application_test"))


_VALUES = (
    None,
    0,
    1,
    1.0,
    2.5,
    -3,
    200,
    40_000,
    3e9,
    float("nan"),
    float("inf"),
    "1",
    "Cash loans",
    "Y",
    True,
)


@pytest.mark.parametrize(
    "name", ["AMT_CREDIT", "CNT_CHILDREN", "DAYS_EMPLOYED", "FLAG_MOBIL", "NAME_CONTRACT_TYPE"]
)
def test_an_application_field_is_accepted_exactly_when_the_loader_accepts_it(name):
    from model_training.data import typed_frame
    from model_training.errors import InputError

    for value in _VALUES:
        try:
            typed_frame("application_test", [{name: value}])
            loader_accepts = True
        except InputError:
            loader_accepts = False
        document = {"application": dict(_COMPLETE) | {name: value}}
        try:
            validate_credit_file(document)
            accepted = True
        except CreditFileError as refusal:
            accepted = "incomplete application" in str(refusal)  # a missing value: the loader's null
        assert accepted == loader_accepts, (name, value)
