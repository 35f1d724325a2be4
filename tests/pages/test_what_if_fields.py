import pytest

from model_training.features.loan_terms import level_payment
from model_training.product import loan_of
from pages._what_if_fields import (
    BY_KEY,
    changes_for,
    follows,
    loan_fields,
    original_values,
    read_fields,
    shown_number,
)

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
    assert original["term"] == 24  # 20.0 repayments without interest: the 24-month term at its rate
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


LOAN = loan_fields(STORED)
RATE = loan_of(LOAN).annual_rate


def test_a_new_amount_keeps_the_term_and_the_rate_and_recomputes_the_payment():
    """A quarter of the credit: a quarter of the payment over the same 24 months (it used to keep the
    payment, so the term fell to 5 repayments and the risk rose), and a quarter of the goods price."""
    values, _ = read_fields(typed(credit="50 000"), "fr")
    moved = follows(values, "what-if-credit", LOAN, "fr")
    assert moved.values["term"] == 24 and moved.errors == {}
    assert moved.values["annuity"] == pytest.approx(level_payment(50_000.0, RATE, 24), abs=0.01)
    assert moved.values["annuity"] == pytest.approx(10_000.5 / 4, abs=0.01)
    assert moved.values["goods"] == pytest.approx(45_000.0)
    assert moved.recomputed == (
        "Mensualité recalculée\u00a0: 2\u202f500\u00a0€ (même durée de 24\u00a0mois, même taux). "
        "Prix du bien financé, en proportion du montant\u00a0: 45\u202f000\u00a0€."
    )
    changes = changes_for(moved.values, original_values(STORED))
    assert set(changes) == {"AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"}  # the payment is sent too


def test_a_new_term_or_payment_recomputes_the_other_at_the_same_rate():
    values, _ = read_fields(typed(term="48"), "en")
    longer = follows(values, "what-if-term", LOAN, "en")
    assert longer.values["annuity"] == pytest.approx(level_payment(200_000.0, RATE, 48), abs=0.01)
    assert longer.values["annuity"] < 10_000.5 and longer.recomputed.endswith("(over 48 months, same rate).")
    values, _ = read_fields(typed(annuity=shown_number(longer.values["annuity"], 0, "fr")), "fr")
    back = follows(values, "what-if-annuity", LOAN, "fr")
    assert back.values["term"] == pytest.approx(48, abs=0.01)
    assert back.recomputed == "Durée recalculée\u00a0: 48\u00a0mois (même taux)."
    assert follows(values, "what-if-income", LOAN, "fr") == (values, None, {})  # others move nothing


def test_a_payment_below_the_monthly_interest_or_a_term_without_a_rate_is_refused_on_its_field():
    values, _ = read_fields(typed(annuity="100"), "fr")
    too_small = follows(values, "what-if-annuity", LOAN, "fr")
    assert too_small.errors == {
        "annuity": "Cette mensualité ne couvre pas les intérêts du mois\u00a0: le prêt "
        "ne serait jamais remboursé."
    }
    card = loan_fields({**STORED, "NAME_CONTRACT_TYPE": "Revolving loans"})
    values, _ = read_fields(typed(term="48"), "en")
    assert set(follows(values, "what-if-term", card, "en").errors) == {"term"}
    values, _ = read_fields(typed(credit="100 000"), "fr")
    halved = follows(values, "what-if-credit", card, "fr")  # no term: the payment keeps its share
    assert halved.values["annuity"] == pytest.approx(10_000.5 / 2, abs=0.01)
    assert halved.recomputed == (
        "Mensualité recalculée\u00a0: 5\u202f000\u00a0€ (la même part du montant\u00a0: ce prêt n’a pas de "
        "taux lisible). Prix du bien financé, en proportion du montant\u00a0: 90\u202f000\u00a0€."
    )


def test_the_model_reads_the_same_term_and_rate_after_an_amount_change(trained_artifacts):
    """Through the scoring service: a client's credit cut to a quarter on the page keeps the term and rate
    the model reads (APP_TERM_MONTHS, APP_INTEREST_RATE), where keeping the payment cut the term."""
    from app.artifacts import load_artifacts
    from app.scoring import ScoringService

    service = ScoringService(load_artifacts(trained_artifacts))
    client_id = int(service.artifacts.production_features.ids[0])
    stored = service.stored_application(client_id)
    original = original_values(stored)
    shown = {f: shown_number(v, BY_KEY[f].decimals, "fr") for f, v in original.items()}
    quarter = shown_number(original["credit"] / 4, 0, "fr")  # type: ignore[operator]
    values, errors = read_fields(shown | {"credit": quarter}, "fr")
    assert errors == {}
    moved = follows(values, "what-if-credit", loan_fields(stored), "fr")
    before = service.explain_client(client_id)
    after = service.what_if(client_id, changes_for(moved.values, original))
    names = list(service.feature_names)
    for feature in ("APP_TERM_MONTHS", "APP_INTEREST_RATE"):
        i = names.index(feature)
        assert after.values[i] == pytest.approx(before.values[i], abs=1e-4), feature
    kept_payment = service.what_if(client_id, {"AMT_CREDIT": original["credit"] / 4})
    assert kept_payment.values[names.index("APP_TERM_MONTHS")] < before.values[names.index("APP_TERM_MONTHS")]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_field_reads_back_what_it_shows_in_either_language(lang):
    """The fields show numbers grouped the page's way (1 165 500 / 1,165,500); they must read them back."""
    shown = {f.key: shown_number(1_165_500.25, f.decimals, lang) for f in BY_KEY.values()}
    values, errors = read_fields(shown, lang)
    assert errors == {}
    for key, field in BY_KEY.items():
        assert values[key] == pytest.approx(round(1_165_500.25, field.decimals))
