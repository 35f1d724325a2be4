import json
import math

import pytest

from app.artifacts import load_artifacts
from app.recourse import Offer, Recourse, RecourseSearch, amounts_tried, client_recourse
from app.scoring import ScoringService, UnknownClient
from model_training.decision import ACCEPT, REFUSE, decide
from model_training.product import ProductLimits, changed_loan, loan_of
from tests.pages.loaded import dash_page


@pytest.fixture(scope="module")
def service(trained_artifacts):
    return ScoringService(load_artifacts(trained_artifacts))


@pytest.fixture(scope="module")
def recourses(service) -> dict[int, Recourse]:
    """Every production client's recourse (the synthetic sample: about 240 clients, a quarter refused)."""
    ids = [int(i) for i in service.artifacts.production_features.ids]
    return {client_id: client_recourse(service, client_id) for client_id in ids}


def with_status(recourses, status):
    return {client_id: r for client_id, r in recourses.items() if r.status == status}


def test_the_sample_has_every_kind_of_answer(recourses):
    """The tests below would prove nothing on a sample with no refused client, or no offer."""
    kinds = {offer.kind for r in recourses.values() for offer in r.offers}
    assert with_status(recourses, "accepted") and with_status(recourses, "offers")
    assert with_status(recourses, "none")
    assert kinds == {"lower_amount", "longer_term", "both"}


def test_every_offer_rescored_on_its_own_is_accepted_with_the_same_probability(service, recourses):
    offers = [(client_id, o) for client_id, r in with_status(recourses, "offers").items() for o in r.offers]
    for client_id, offer in offers:
        again = service.what_if(client_id, offer.changes).score
        assert decide(again.probability, again.threshold) == ACCEPT, (client_id, offer)
        assert again.probability == pytest.approx(offer.probability, abs=1e-12)
        assert offer.probability < again.threshold


def test_an_accepted_application_needs_no_change(service, recourses):
    for client_id, recourse in with_status(recourses, "accepted").items():
        assert recourse.offers == ()
        assert decide(service.score_client(client_id).probability, recourse.threshold) == ACCEPT


def test_the_offers_are_the_nearest_of_each_kind_within_the_limits(service, recourses):
    limits = ProductLimits()
    for client_id, recourse in with_status(recourses, "offers").items():
        loan = loan_of(service.stored_application(client_id))
        by_kind = {o.kind: o for o in recourse.offers}
        assert len(by_kind) == len(recourse.offers)  # one offer of each kind at most
        assert recourse.probability >= recourse.threshold  # offers only for a refusal
        for offer in recourse.offers:
            assert limits.smallest_amount <= offer.amount <= loan.credit
            assert offer.term_months is not None and offer.term_months <= limits.longest_term
            assert offer.changes == changed_loan(
                service.stored_application(client_id),
                None if offer.amount == loan.credit else offer.amount,
                None if offer.term_months == loan.term_months else offer.term_months,
            )
            assert offer.monthly_payment == offer.changes["AMT_ANNUITY"]
        if "lower_amount" in by_kind:
            lower = by_kind["lower_amount"]
            assert lower.amount < loan.credit and lower.term_months == loan.term_months
            assert lower.amount % limits.amount_step == 0
        if "longer_term" in by_kind:
            longer = by_kind["longer_term"]
            assert longer.amount == loan.credit and longer.term_months in limits.longer_terms(
                loan.term_months
            )
            assert longer.monthly_payment < loan.payment  # the same loan spread over longer
        if "both" in by_kind:
            both = by_kind["both"]
            assert both.amount < loan.credit and both.term_months > loan.term_months
            if "lower_amount" in by_kind:  # shown only when it keeps more of the amount
                assert both.amount > by_kind["lower_amount"].amount
            if "longer_term" in by_kind:  # and, beside the whole amount over longer, only when shorter
                assert both.term_months < by_kind["longer_term"].term_months


def test_no_amount_or_term_tried_nearer_the_asked_loan_is_acceptable(service, recourses):
    """The model need not be monotone, so "nearest" is checked against every candidate tried nearer the loan
    asked for: each one, re-scored on its own, is refused."""
    limits = ProductLimits()
    checked = 0
    for client_id, recourse in list(with_status(recourses, "offers").items())[:6]:
        application = service.stored_application(client_id)
        loan = loan_of(application)
        by_kind = {o.kind: o for o in recourse.offers}
        nearer: list[dict] = []
        if "lower_amount" in by_kind:
            above = [
                a for a in amounts_tried(loan, limits) if by_kind["lower_amount"].amount < a < loan.credit
            ]
            nearer += [changed_loan(application, a) for a in above]
        if "longer_term" in by_kind:
            shorter = [
                m for m in limits.longer_terms(loan.term_months) if m < by_kind["longer_term"].term_months
            ]
            nearer += [changed_loan(application, None, m) for m in shorter]
        for changes in nearer:
            score = service.what_if(client_id, changes).score
            assert decide(score.probability, score.threshold) == REFUSE, (client_id, changes)
            checked += 1
    assert checked


def test_nothing_within_the_limits_is_said_plainly(service, recourses):
    """A refused client for whom even the smallest amount over the longest term is refused: status none."""
    nothing = with_status(recourses, "none")
    for client_id, recourse in nothing.items():
        application = service.stored_application(client_id)
        loan = loan_of(application)
        assert recourse.offers == () and recourse.probability >= recourse.threshold
        smallest = ProductLimits().smallest_amount
        term = 60 if loan.priced else None
        corner = service.what_if(client_id, changed_loan(application, smallest, term)).score
        assert decide(corner.probability, corner.threshold) == REFUSE, client_id
    assert nothing


def test_limits_so_narrow_that_nothing_fits_give_none(service, recourses):
    client_id, offered = next(iter(with_status(recourses, "offers").items()))
    loan = loan_of(service.stored_application(client_id))
    narrow = ProductLimits(smallest_amount=loan.credit, longest_term=loan.term_months)
    recourse = client_recourse(service, client_id, narrow)
    assert recourse.status == "none" and recourse.offers == ()
    assert recourse.probability == offered.probability
    # a little room: an amount just under the asked one and no longer term, so only lower amounts
    some_room = ProductLimits(smallest_amount=loan.credit * 0.5, longest_term=loan.term_months)
    assert {o.kind for o in client_recourse(service, client_id, some_room).offers} <= {"lower_amount"}


def test_the_answer_is_plain_json(recourses):
    for recourse in recourses.values():
        answer = recourse.as_dict()
        json.dumps(answer, allow_nan=False)
        assert answer["status"] in ("accepted", "offers", "none")
        assert {"amount", "term_months", "monthly_payment", "probability"} <= set(answer["current"])
        for offer in answer["offers"]:
            assert {"kind", "changes", "monthly_payment", "probability", "amount", "term_months"} <= set(
                offer
            )


def test_numbers_that_are_not_finite_are_null():
    offer = Offer(
        "lower_amount", 50_000.0, 36, math.nan, 0.05, {"AMT_CREDIT": 50_000.0, "AMT_ANNUITY": math.inf}
    )
    answer = offer.as_dict()
    assert answer["monthly_payment"] is None and answer["changes"]["AMT_ANNUITY"] is None
    json.dumps(answer, allow_nan=False)


def test_unknown_and_reference_clients_have_no_recourse(service):
    with pytest.raises(UnknownClient):
        client_recourse(service, -1)
    reference = int(service.artifacts.reference.get_column("SK_ID_CURR")[0])
    assert service.knows(reference)
    with pytest.raises(UnknownClient):  # a past decision: nothing to offer
        client_recourse(service, reference)


def test_inside_the_app_a_clients_recourse_is_cached_per_model_and_application(
    trained_artifacts, app_settings
):
    """A page and the API ask for the same client in a row: the second answer comes from the cache, keyed by
    the model's identity, the limits, the client and its application."""
    from app import create_app, get_services
    from app.cache import cache, cache_key

    app = create_app(trained_artifacts, app_settings)
    with app.server.app_context():
        service = get_services().scoring
        client_id = next(
            int(i)
            for i in service.artifacts.production_features.ids
            if service.score_client(int(i)).decision == REFUSE
        )
        first = client_recourse(service, client_id)
        application_id = service.applications.application_id(client_id) if service.applications else None
        search = RecourseSearch(service, ProductLimits())
        key = cache_key(RecourseSearch.recourse.uncached, search, client_id, application_id)
        assert service.__caching_id__() in key and cache.get(key) == first
        assert client_recourse(service, client_id) == first
        narrow = ProductLimits(smallest_amount=first.amount)
        client_recourse(service, client_id, narrow)
        other = cache_key(
            RecourseSearch.recourse.uncached, RecourseSearch(service, narrow), client_id, application_id
        )
        assert other != key and cache.get(other) is not None  # other limits: an entry of their own


def test_the_client_page_shows_the_offers_near_the_decision_and_the_term_they_start_from(
    trained_artifacts, app_settings
):
    """A refused client's page lists the offers in the words of the widget, and its facts give the term the
    offers start from (months, as the offers say "au lieu de 24 mois"); an accepted client's shows none."""
    import dash

    from app import create_app, get_services
    from components.recourse_offers import offer_sentence
    from model_training.product import loan_of
    from tests.app.test_drift_report import by_id, text

    app = create_app(trained_artifacts, app_settings)
    page = next(p for p in dash.page_registry.values() if p["path"] == "/client/none")
    with app.server.app_context():
        service = get_services().scoring
        ids = [int(i) for i in service.artifacts.production_features.ids]
        found = {}
        for client_id in ids:
            recourse = client_recourse(service, client_id)
            found.setdefault(recourse.status, (client_id, recourse))
        (refused, recourse), (accepted, _) = found["offers"], found["accepted"]
        with app.server.test_request_context(f"/client/{refused}"):
            layout = page["layout"](client_id=str(refused), lang="fr")
        shown = by_id(layout, "client-recourse-list")
        assert [item.children for item in shown.children] == [
            offer_sentence(o, recourse, "fr") for o in recourse.offers
        ]
        term = loan_of(service.stored_application(refused)).term_months
        assert f"{term}\u00a0mois" in text(by_id(layout, "client-facts"))
        with app.server.test_request_context(f"/client/{accepted}"):
            layout = page["layout"](client_id=str(accepted), lang="fr")
        assert by_id(layout, "client-recourse") is None


def test_meeting_mode_says_what_would_change_the_decision_without_model_figures(
    trained_artifacts, app_settings
):
    """The screen turned to the client: the offers after the reasons, in words and euros, no risk figure."""

    from dash import html

    from app import create_app, get_services
    from tests.app.test_drift_report import by_id, text

    app = create_app(trained_artifacts, app_settings)
    with app.server.app_context(), app.server.test_request_context("/meeting/none"):
        meeting = dash_page("meeting")
        service = get_services().scoring
        ids = [int(i) for i in service.artifacts.production_features.ids]
        client_id = next(i for i in ids if client_recourse(service, i).status == "offers")
        view = meeting._client_view(client_id, "fr", None, 0)
        shown = text(by_id(html.Div(view), "meeting-recourse"))
        assert shown.startswith("Ce qui changerait la décision") and "Emprunter" in shown
        assert "%" not in shown and "risque" not in shown and "probabilit" not in shown
        order = [getattr(c, "id", None) for c in view]
        assert order.index("meeting-recourse") > order.index("meeting-decision")
