"""The comparison page's content on real trained artifacts: captions follow the group chosen, the second
client's section says what to do until one is chosen, and each client keeps their decision's colour."""

from __future__ import annotations

import dash
import pytest

from app.i18n import t
from app.services import get_services
from components import palette
from tests.app.test_drift_report import by_id, text
from tests.pages.loaded import app_in_context, dash_page


@pytest.fixture(scope="module")
def app(trained_artifacts, app_settings):
    yield from app_in_context(trained_artifacts, app_settings)


@pytest.fixture(scope="module")
def page(app):
    return dash_page("comparison")


@pytest.fixture(scope="module")
def ids(app) -> dict[str, int]:
    production = get_services().clients.production.sort("probability")
    column = production.get_column("SK_ID_CURR")
    return {"accepted": int(column[0]), "refused": int(column[-1])}


def comparison_layout(app, client_id: int, **query):
    page = next(p for p in dash.page_registry.values() if p["path"] == "/comparison/none")
    with app.server.test_request_context(f"/comparison/{client_id}"):
        return page["layout"](client_id=str(client_id), lang=query.pop("lang", "fr"), **query)


def test_until_a_second_client_is_chosen_a_sentence_says_what_to_do(app, ids):
    layout = comparison_layout(app, ids["refused"])
    hint = by_id(layout, "comparison-difference-hint")
    assert "Choisissez un second client" in text(hint) and not hint.hidden
    assert by_id(layout, "comparison-difference-chart").hidden  # no empty grid


def test_with_a_second_client_the_chart_replaces_the_sentence(app, ids):
    layout = comparison_layout(app, ids["refused"], other=str(ids["accepted"]))
    assert by_id(layout, "comparison-difference-hint").hidden
    assert not by_id(layout, "comparison-difference-chart").hidden


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_client_keeps_the_colour_and_the_sign_of_their_decision(app, page, ids, lang):
    figure, _ = page.difference(ids["refused"], ids["accepted"], lang)
    bars = {trace.name: trace for trace in figure.data if trace.type == "bar"}
    refused = next(name for name in bars if str(ids["refused"]) in name)
    accepted = next(name for name in bars if str(ids["accepted"]) in name)
    assert bars[refused].marker.color == palette.RISKY and palette.REFUSED_MARK in refused
    assert bars[accepted].marker.color == palette.SAFE and palette.ACCEPTED_MARK in accepted
    assert bars[accepted].marker.pattern.shape == "/"  # the second client also hatched: not colour alone
    legend = figure.layout.legend
    assert legend.yanchor == "bottom" and legend.y >= 1  # above the plot area, never over the bars


def test_the_caption_follows_the_group_chosen(page, ids):
    client = ids["refused"]
    _, everyone = page.distribution(client, "all", "income", "fr")
    _, similar = page.distribution(client, "similar", "income", "fr")
    _, outcome = page.distribution(client, "outcome", "income", "fr")
    assert "tous les clients passés" in everyone
    assert "clients passés les plus proches" in similar and "tous les clients passés" not in similar
    assert "remboursé" in outcome and "en défaut" in outcome and "tous les clients" not in outcome


def test_the_caption_of_a_category_gives_the_share_in_the_same_category(page, ids):
    _, caption = page.distribution(ids["refused"], "all", "education", "en")
    assert caption.startswith("For this client, ") and "like " in caption and "of all past clients" in caption


def test_the_caption_position_is_the_share_of_past_clients_below(page, ids):
    clients = get_services().clients
    value = clients.get_client(ids["refused"])["income"]
    incomes = clients.reference.get_column("income").drop_nulls().to_numpy()
    share = f"{(incomes < value).mean():.0%}".replace("%", "")
    _, caption = page.distribution(ids["refused"], "all", "income", "en")
    assert f"higher than for {share}" in caption


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_two_explanations_are_compared_by_concept_in_points(page, ids, lang):
    first, second = ids["refused"], ids["accepted"]
    figure, summary = page.difference(first, second, lang)
    a, b, difference = figure.data
    scoring = get_services().scoring
    parts = {p.label: p for p in scoring.explain_client(first).concepts(lang)}
    others = {p.label: p for p in scoring.explain_client(second).concepts(lang)}
    labels = [y.replace("<br>", " ") for y in a.y]
    assert set(labels) <= set(parts)  # concepts, not features
    for label, x, y, d in zip(labels, a.x, b.x, difference.x, strict=True):  # each client's own steps
        assert x == pytest.approx(parts[label].points * 100) and y == pytest.approx(
            others[label].points * 100
        )
        assert d == pytest.approx(x - y)
    assert figure.layout.xaxis.title.text == t("comparison.points_axis", lang)
    assert all(text.endswith(("pt", "pts")) for text in a.customdata)
    assert labels[0] in summary


def test_the_data_scientist_compares_features_in_log_odds(page, ids):
    figure, _ = page.difference(ids["refused"], ids["accepted"], "en", "features")
    catalog = get_services().artifacts.catalog
    labels = {catalog.label(n, "en") for n in catalog.names}
    assert {y.replace("<br>", " ") for y in figure.data[0].y} <= labels
    assert "log-odds" in figure.layout.xaxis.title.text


def test_the_view_choice_redraws_the_chart_and_an_unknown_view_is_by_concept(page, ids):
    features, *_ = page.show_difference(ids["accepted"], "features", ids["refused"], "fr")
    concepts, *_ = page.show_difference(ids["accepted"], "<nonsense>", ids["refused"], "fr")
    assert "log-odds" in features.layout.xaxis.title.text
    assert concepts.layout.xaxis.title.text == t("comparison.points_axis", "fr")
    assert page.show_difference(None, "features", ids["refused"], "fr") == (dash.no_update,) * 4
    assert page.show_difference(1, "concepts", ids["refused"], "fr") == (dash.no_update,) * 4  # unknown
    assert page.show_difference(ids["accepted"], "concepts", "x", "fr") == (dash.no_update,) * 4
