import pytest

from app.validation import FieldErrors, validate_application


def errors_of(fields, **kwargs) -> dict[str, str]:
    with pytest.raises(FieldErrors) as raised:
        validate_application(fields, **kwargs)
    return raised.value.errors


def test_good_fields_are_typed_as_the_schema_says():
    row = validate_application(
        {"AMT_CREDIT": 500000, "CNT_CHILDREN": 2.0, "NAME_CONTRACT_TYPE": "cash loans", "EXT_SOURCE_2": None}
    )
    assert row == {
        "AMT_CREDIT": 500000.0,
        "CNT_CHILDREN": 2,
        "NAME_CONTRACT_TYPE": "Cash loans",
        "EXT_SOURCE_2": None,
    }
    assert isinstance(row["CNT_CHILDREN"], int)


def test_every_bad_field_gets_its_own_message():
    errors = errors_of(
        {
            "AMT_INCOME_TOTAL": -5,
            "AMT_CREDIT": "lots",
            "CNT_CHILDREN": 1.5,
            "NAME_INCOME_TYPE": "Astronaut",
            "FAVOURITE_COLOUR": "blue",
            "EXT_SOURCE_1": 1.7,
            "FLAG_EMAIL": 2,
            "TARGET": 1,
        },
        lang="en",
    )
    assert errors == {
        "AMT_INCOME_TOTAL": "must be above 0, got -5",
        "AMT_CREDIT": "expected a number, got 'lots'",
        "CNT_CHILDREN": "expected a whole number, got 1.5",
        "NAME_INCOME_TYPE": errors["NAME_INCOME_TYPE"],
        "FAVOURITE_COLOUR": "unknown field",
        "EXT_SOURCE_1": "must be at most 1, got 1.7",
        "FLAG_EMAIL": "expected 0 or 1, got 2",
        "TARGET": "unknown field",
    }
    assert errors["NAME_INCOME_TYPE"].startswith("unknown value 'Astronaut'; expected one of: Businessman")


def test_messages_are_french_by_default():
    assert errors_of({"AMT_CREDIT": True}) == {"AMT_CREDIT": "nombre attendu, reçu true"}


def test_not_an_object():
    assert list(errors_of([1, 2])) == ["_body"]


def test_days_employed_keeps_the_kaggle_sentinel_and_refuses_the_future():
    assert validate_application({"DAYS_EMPLOYED": 365243})["DAYS_EMPLOYED"] == 365243
    assert "DAYS_EMPLOYED" in errors_of({"DAYS_EMPLOYED": 10})


def test_age_must_be_an_adult_age():
    assert "DAYS_BIRTH" in errors_of({"DAYS_BIRTH": -3000})
    assert "DAYS_BIRTH" in errors_of({"DAYS_BIRTH": 100})


def test_annuity_cannot_exceed_credit_nor_spread_over_too_many_annuities():
    assert "AMT_ANNUITY" in errors_of({"AMT_CREDIT": 1000, "AMT_ANNUITY": 2000})
    assert "AMT_ANNUITY" in errors_of({"AMT_CREDIT": 1_000_000, "AMT_ANNUITY": 1000})
    assert validate_application({"AMT_CREDIT": 500_000, "AMT_ANNUITY": 25_000})


def test_consistency_uses_the_stored_application_but_only_for_changed_fields():
    stored = {"AMT_CREDIT": 1000.0, "AMT_ANNUITY": 2000.0, "AMT_INCOME_TOTAL": 10_000.0}
    # an unrelated change must not be blocked by the stored row's own inconsistency
    assert validate_application({"AMT_INCOME_TOTAL": 20_000}, base=stored)["AMT_INCOME_TOTAL"] == 20_000.0
    assert "AMT_ANNUITY" in errors_of({"AMT_CREDIT": 500}, base=stored)


def test_employment_cannot_start_before_working_age():
    assert "DAYS_EMPLOYED" in errors_of({"DAYS_BIRTH": -20 * 365, "DAYS_EMPLOYED": -10 * 365})


def test_family_counts_the_children_and_the_client():
    assert "CNT_FAM_MEMBERS" in errors_of({"CNT_CHILDREN": 3, "CNT_FAM_MEMBERS": 2})
