import pytest

from app.artifacts import load_artifacts
from app.recourse import Offer, Recourse, client_recourse
from app.scoring import ScoringService
from components.recourse_offers import nothing_sentence, offer_sentence, recourse_offers

ASKED = dict(amount=250_000.0, term_months=36, monthly_payment=8_300.0, probability=0.14, threshold=0.116)
LOWER = Offer(
    "lower_amount", 180_000.0, 36, 6_120.0, 0.098, {"AMT_CREDIT": 180_000.0, "AMT_ANNUITY": 6_120.0}
)
LONGER = Offer(
    "longer_term", 250_000.0, 48, 6_500.0, 0.1157, {"AMT_CREDIT": 250_000.0, "AMT_ANNUITY": 6_500.0}
)
BOTH = Offer("both", 200_000.0, 48, 5_200.0, 0.11, {"AMT_CREDIT": 200_000.0, "AMT_ANNUITY": 5_200.0})


def text_of(component) -> str:
    """Every string under a Dash component, in order."""
    children = getattr(component, "children", component)
    if isinstance(children, str):
        return children
    if isinstance(children, list | tuple):
        return " ".join(text_of(c) for c in children)
    return "" if children is None else text_of(children)


def test_each_offer_in_plain_words_in_both_languages():
    recourse = Recourse("offers", (LOWER, LONGER, BOTH), **ASKED)
    assert offer_sentence(LOWER, recourse, "fr") == (
        "Emprunter 180\u202f000\u00a0€ au lieu de 250\u202f000\u00a0€, sur 36\u00a0mois\u00a0: "
        "mensualité 6\u202f120\u00a0€ (risque 9,8\u202f%)."
    )
    assert offer_sentence(LONGER, recourse, "en") == (
        "Borrow €250,000 over 48 months instead of 36 months: monthly payment €6,500 "
        "(risk 11.57%, threshold 11.60%)."
    )  # never "11.6%", which would read as the threshold itself, nor 11.57 beside the page's "11.6%" alone
    assert offer_sentence(BOTH, recourse, "fr").startswith(
        "Emprunter 200\u202f000\u00a0€ au lieu de 250\u202f000\u00a0€, "
        "sur 48\u00a0mois au lieu de 36\u00a0mois"
    )


def test_meeting_mode_says_no_model_figure():
    recourse = Recourse("offers", (LOWER,), **ASKED)
    sentence = offer_sentence(LOWER, recourse, "fr", with_risk=False)
    assert sentence.endswith("mensualité 6\u202f120\u00a0€.") and "risque" not in sentence
    shown = text_of(recourse_offers(recourse, "fr", "meeting-recourse", meeting=True)[0])
    assert "%" not in shown and "probabilit" not in shown and "Ce qui changerait la décision" in shown


def test_a_revolving_credit_offer_names_no_term():
    offer = Offer("lower_amount", 20_000.0, None, 1_000.0, 0.05, {"AMT_CREDIT": 20_000.0})
    recourse = Recourse("offers", (offer,), 40_000.0, None, 2_000.0, 0.2, 0.116)
    assert (
        offer_sentence(offer, recourse, "en")
        == "Borrow €20,000 instead of €40,000: monthly payment €1,000 (risk 5.0%)."
    )


def test_nothing_within_the_limits_is_said_plainly_and_an_acceptance_shows_nothing():
    nothing = Recourse("none", (), **ASKED)
    assert nothing_sentence(nothing, "en") == (
        "No application within our limits would be accepted: neither a lower amount (down to €45,000) "
        "nor a longer term (up to 60 months)."
    )
    (section,) = recourse_offers(nothing, "fr", "client-recourse")
    assert section.id == "client-recourse" and "Aucune demande dans nos limites" in text_of(section)
    assert recourse_offers(Recourse("accepted", (), **ASKED), "fr", "client-recourse") == []
    assert recourse_offers(None, "fr", "client-recourse") == []


def test_the_widget_is_a_labelled_list_of_the_offers(trained_artifacts):
    service = ScoringService(load_artifacts(trained_artifacts))
    ids = [int(i) for i in service.artifacts.production_features.ids]
    recourse = next(r for r in (client_recourse(service, i) for i in ids) if r.status == "offers")
    (section,) = recourse_offers(recourse, "en", "client-recourse")
    heading, _intro, offers = section.children
    assert heading.id == "client-recourse-title" and section.to_plotly_json()["props"]["aria-labelledby"] == (
        "client-recourse-title"
    )
    assert [item.children for item in offers.children] == [
        offer_sentence(o, recourse, "en") for o in recourse.offers
    ]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_sentence_fills_its_template(lang):
    recourse = Recourse("offers", (LOWER, LONGER, BOTH), **ASKED)
    for offer in recourse.offers:
        assert "{" not in offer_sentence(offer, recourse, lang)
