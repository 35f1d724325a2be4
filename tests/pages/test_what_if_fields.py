import pytest

from pages._what_if_fields import BY_KEY, changes_for, original_values, read_fields, shown_number, synced

STORED = {
    "AMT_CREDIT": 200_000.0,
    "AMT_ANNUITY": 10_000.5,
    "AMT_INCOME_TOTAL": 60_000.0,
    "AMT_GOODS_PRICE": 180_000.0,
    "DAYS_EMPLOYED": -3590,  # 9.83 years
    "CNT_CHILDREN": 1,
}


def typed(**overrides):
    original = original_values(STORED)
    shown = {f: shown_number(v, BY_KEY[f].decimals, "fr") for f, v in original.items()}
    return {**shown, **overrides}


def test_original_values_are_in_the_pages_units():
    original = original_values(STORED)
    assert original["employed"] == pytest.approx(9.83, abs=0.01)
    assert original["term"] == pytest.approx(200_000 / 10_000.5)
    assert original_values({**STORED, "DAYS_EMPLOYED": 365_243})["employed"] is None  # Kaggle's "no job"


def test_french_numbers_are_read():
    values, errors = read_fields(typed(credit="150\u202f000,50 €"), "fr")
    assert errors == {} and values["credit"] == 150_000.5


def test_every_bad_field_gets_its_own_message():
    _, errors = read_fields(typed(income="beaucoup", annuity="-5", credit="", term="0"), "fr")
    assert set(errors) == {"income", "annuity", "credit", "term"}
    assert "beaucoup" in errors["income"]
    assert errors["credit"] == "Ce champ est obligatoire."
    assert read_fields(typed(employed=""), "fr")[1] == {}  # time in job may be left empty


def test_only_what_the_user_changed_is_sent():
    original = original_values(STORED)
    values, _ = read_fields(typed(credit="100 000"), "fr")
    assert changes_for(values, original) == {"AMT_CREDIT": 100_000.0}  # not the rounded 9,8 years


def test_changed_time_in_job_and_children_are_in_kaggle_units():
    original = original_values(STORED)
    values, _ = read_fields(typed(employed="2", children="3"), "fr")
    assert changes_for(values, original) == {"DAYS_EMPLOYED": -730, "CNT_CHILDREN": 3}


def test_term_and_annuity_follow_each_other():
    values = {"credit": 120_000.0, "annuity": 10_000.0, "term": 24.0}
    assert synced(values, "what-if-term")["annuity"] == 5_000.0
    assert synced(values, "what-if-credit")["term"] == 12.0
    assert synced(values, "what-if-income") == values


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_field_reads_back_what_it_shows_in_either_language(lang):
    """The fields show numbers grouped the page's way (1 165 500 / 1,165,500); they must read them back."""
    shown = {f.key: shown_number(1_165_500.25, f.decimals, lang) for f in BY_KEY.values()}
    values, errors = read_fields(shown, lang)
    assert errors == {}
    for key, field in BY_KEY.items():
        assert values[key] == pytest.approx(round(1_165_500.25, field.decimals))
