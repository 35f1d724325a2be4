"""The explanation page on real trained artifacts: the waterfall by concept in points of risk ends on the
client's probability, the log-odds view says log-odds, each concept opens to its features (whose steps add up
to the concept's), what matters overall is said by concept in points, and both languages speak plainly."""

from __future__ import annotations

import dash
import pytest

from app.i18n import t
from app.services import get_services
from model_training.concepts import CONCEPTS, concept_label
from tests.app.test_drift_report import by_id, text
from tests.pages.loaded import app_in_context, dash_page

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture(scope="module")
def app(trained_artifacts, app_settings):
    yield from app_in_context(trained_artifacts, app_settings)


@pytest.fixture(scope="module")
def page(app):
    return dash_page("explanation")


@pytest.fixture(scope="module")
def refused(app) -> int:
    production = get_services().clients.production.sort("probability")
    return int(production.get_column("SK_ID_CURR")[-1])


def explanation_layout(app, client_id: object, lang: str = "fr"):
    registered = next(p for p in dash.page_registry.values() if p["path"] == "/explanation/none")
    with app.server.test_request_context(f"/explanation/{client_id}"):
        return registered["layout"](client_id=str(client_id), lang=lang)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_waterfall_is_in_points_by_concept_and_ends_on_the_probability(app, refused, lang):
    layout = explanation_layout(app, refused, lang)
    explanation = get_services().scoring.explain_client(refused)
    figure = by_id(layout, "explanation-waterfall").figure
    bars = figure.data[0]
    parts = explanation.concepts(lang)
    assert len(bars.y) == 1 + len(parts) + 1  # base, every concept, the client
    assert [y.replace("<br>", " ") for y in bars.y[1:-1]] == [p.label for p in parts]
    # the bars' steps (drawn in percent) add up from the base probability to the client's probability
    steps = sum(bars.x[1:-1]) / 100
    assert abs(explanation.base_probability + steps - explanation.score.probability) < 1e-12
    assert bars.base == pytest.approx(explanation.base_probability * 100, abs=1e-12)
    axis = figure.layout.xaxis
    assert axis.title.text == t("chart.risk_percent_axis", lang)
    assert axis.ticksuffix == (f"{NNBSP}%" if lang == "fr" else "%")
    shown = " ".join(str(x) for x in [axis.title.text, *bars.text, *bars.y])
    assert "log-odds" not in shown.lower() and "SHAP" not in shown
    assert all(str(x).rstrip().endswith(("pt", "pts")) for x in bars.text[1:-1])
    summary = text(by_id(layout, "explanation-waterfall-summary"))
    assert parts[0].label in summary or parts[1].label in summary
    assert "points" in summary and "log-odds" not in summary


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_data_scientists_view_says_log_odds(page, refused, lang):
    explanation = get_services().scoring.explain_client(refused)
    figure, summary, items, intro, importance = page.show_view("log_odds", refused, lang)
    bars = figure.data[0]
    assert "log-odds" in figure.layout.xaxis.title.text
    assert figure.layout.xaxis.ticksuffix is None  # ticks are log-odds, not percentages
    assert bars.base == explanation.base_value
    assert bars.base + sum(bars.x[1:-1]) == pytest.approx(explanation.log_odds, abs=1e-9)
    assert "log-odds" in summary
    assert "log-odds" in intro
    assert items[0].title.endswith(
        page.step_text(explanation.concepts(lang)[0].contribution, "log_odds", lang)
    )
    assert importance  # the section redrawn in the same view
    overall, _ = page.importance_chart(lang, "log_odds")  # per feature, the exported mean |SHAP|
    assert overall.layout.xaxis.title.text == t("chart.importance_log_odds_axis", lang)


def test_an_unknown_view_is_the_default_one_and_no_client_changes_nothing(page, refused):
    figure, *_ = page.show_view("<script>", refused, "fr")
    assert figure.layout.xaxis.title.text == t("chart.risk_percent_axis", "fr")
    assert page.show_view("points", None, "fr") == (dash.no_update,) * 5
    assert page.show_view("points", 1, "fr") == (dash.no_update,) * 5  # no such client
    assert page.show_view("points", "100001", "fr") == (dash.no_update,) * 5  # not an id the page stored


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_concept_opens_to_its_features_whose_steps_add_up_to_it(app, page, refused, lang):
    layout = explanation_layout(app, refused, lang)
    explanation = get_services().scoring.explain_client(refused)
    catalog = explanation.catalog
    accordion = by_id(layout, "explanation-concepts")
    parts = explanation.concepts(lang)
    assert [item.item_id for item in accordion.children] == [p.concept for p in parts]
    first = accordion.children[0]
    assert first.title.startswith(parts[0].label)
    assert first.title.endswith(page.step_text(parts[0].points, "points", lang))
    table = by_id(layout, f"explanation-concept-{parts[0].concept}")
    content = text(table)
    top = catalog.names[parts[0].features[0]]
    assert catalog.label(top, lang) in content
    assert catalog.value_text(top, explanation.value(top), lang) in content
    # the features' lines (the first ten, then the rest in one line) add up to the concept's points
    walks = explanation.feature_points(parts)
    for part, steps in zip(parts, walks, strict=True):
        assert abs(float(steps.sum()) - part.points) < 1e-12
    rows = table.children[2].children
    expected = min(len(parts[0].features), page.CONCEPT_FEATURES) + (
        len(parts[0].features) > page.CONCEPT_FEATURES
    )
    assert len(rows) == expected


def test_a_click_on_a_bar_opens_its_concept(page):
    click = {"points": [{"customdata": ["<br>...", "external_scores"]}]}
    assert page.open_clicked_concept(click, ["loan"]) == ["loan", "external_scores"]
    assert page.open_clicked_concept(click, "external_scores") == ["external_scores"]
    assert page.open_clicked_concept({"points": [{"customdata": ["", ""]}]}, None) is dash.no_update
    assert page.open_clicked_concept({"points": []}, None) is dash.no_update  # a click off the bars
    assert page.open_clicked_concept(None, None) is dash.no_update


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_what_matters_overall_is_said_by_concept_in_points(app, refused, lang):
    layout = explanation_layout(app, refused, lang)
    figure = by_id(layout, "explanation-importance").figure
    assert figure.layout.xaxis.title.text == t("chart.importance_points_axis", lang)
    assert "SHAP" not in figure.layout.xaxis.title.text
    labels = [y.replace("<br>", " ") for y in figure.data[0].y]
    assert set(labels) <= {concept_label(c.key, lang) for c in CONCEPTS}
    summary = text(by_id(layout, "explanation-importance-summary"))
    assert labels[0] in summary and str(get_services().artifacts.background.height) in summary


def test_an_unknown_client_says_so(app):
    layout = explanation_layout(app, 1)
    assert "1" in text(by_id(layout, "explanation-missing"))
    assert by_id(layout, "explanation-concepts").children == []
