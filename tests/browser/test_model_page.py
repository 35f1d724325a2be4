"""The model governance page in a real browser: card, cost curve and its ratio slider, calibration, fairness,
registry; and an older export without governance.json."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app import create_app
from tests.browser.test_pages import figure_data, open_page, screenshot, severe_logs, text_of, wait_until


def percent_in(text: str) -> float:
    """The first percentage written in a French text ("9,3 %" → 9.3)."""
    match = re.search(r"(\d+(?:,\d+)?)\s*%", text.replace("\u202f", " "))
    assert match, text
    return float(match.group(1).replace(",", "."))


def ratio_shown(dash_duo) -> int:
    """The ratio the page says the slider is at ("20 : 1" → 20)."""
    return int(re.match(r"\d+", text_of(dash_duo, "#model-ratio-value")).group())


def move_slider(dash_duo, key: str) -> None:
    """Moves the ratio slider from the keyboard, as a user without a mouse would."""
    slider = dash_duo.find_element("#model-ratio")
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", slider
    )
    slider.send_keys(key)


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory, trained_artifacts):
    """A copy of the artifacts whose registry snapshot also lists an older champion (a challenger served)."""
    out = tmp_path_factory.mktemp("two_versions") / "artifacts"
    shutil.copytree(trained_artifacts, out)
    path = out / "governance.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    served = record["registry"]["versions"][0]
    older = {
        **served,
        "version": "0",
        "aliases": ["champion"],
        "cv_business_cost": served["cv_business_cost"] - 0.01,
    }
    record["registry"]["versions"] = [{**served, "aliases": []}, older]
    path.write_text(json.dumps(record), encoding="utf-8")
    return out


def test_the_model_page_and_its_cost_ratio_slider(dash_duo, trained_artifacts, app_settings):
    serving = json.loads((trained_artifacts / "serving.json").read_text(encoding="utf-8"))
    open_page(dash_duo, create_app(trained_artifacts, app_settings), "/model", role="admin")
    assert "Administrateur" in text_of(dash_duo, "#model-admin")
    assert "active" in dash_duo.find_element("#nav-model").get_attribute("class")  # next to Drift
    assert text_of(dash_duo, "#model-card-version").startswith(serving["model"]["version"])
    assert serving["run_id"] in text_of(dash_duo, "#model-card-run")
    assert "make mlflow-ui" in text_of(dash_duo, "#model-card-run")  # embedded store: how to open it
    production = text_of(dash_duo, "#model-card-threshold")
    # read from the exported feature list: sex is not a model feature (model_training.features.application)
    features = text_of(dash_duo, "#model-card-features").replace("\u00a0", " ")
    assert not [name for name in serving["feature_names"] if "GENDER" in name]
    assert features.startswith(str(len(serving["feature_names"]))) and "dérivées du sexe : aucune" in features
    assert "ne modifie pas le seuil de production" in text_of(dash_duo, "#model-cost-note")

    # the slider starts at the production ratio, whose optimum is the production threshold
    label = dash_duo.driver.find_element(By.CSS_SELECTOR, "label[for='model-ratio']")
    assert "FN:FP" in label.text
    assert ratio_shown(dash_duo) == 10
    # each tick value sits under its place on the track: spaced by value (1, 5, 10... are not evenly spaced)
    track = dash_duo.find_element("#model-ratio").rect
    ticks = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#model-ratio-tick-labels .ratio-tick")
    centres = {int(tick.text): tick.rect["x"] + tick.rect["width"] / 2 for tick in ticks}
    first, last = centres[1], centres[20]
    assert track["x"] <= first < last <= track["x"] + track["width"]
    for value, centre in centres.items():
        assert (centre - first) / (last - first) == pytest.approx((value - 1) / 19, abs=0.02), value
    assert "bons clients refusés" in text_of(dash_duo, "#model-cost-per-1000")  # the cost has its unit
    at_ten = percent_in(text_of(dash_duo, "#model-optimal-threshold"))
    assert at_ten == pytest.approx(percent_in(production), abs=0.05)
    wait_until(lambda: len(figure_data(dash_duo, "model-cost-curve")) == 3)

    move_slider(dash_duo, Keys.END)  # a missed default now costs 20 good clients refused
    wait_until(lambda: ratio_shown(dash_duo) == 20)
    wait_until(lambda: percent_in(text_of(dash_duo, "#model-optimal-threshold")) != at_ten)
    at_twenty = percent_in(text_of(dash_duo, "#model-optimal-threshold"))
    assert at_twenty < at_ten
    assert "20" in text_of(dash_duo, "#model-cost-curve-summary")

    move_slider(dash_duo, Keys.HOME)  # as costly as a good client refused: the model refuses far fewer
    wait_until(lambda: ratio_shown(dash_duo) == 1)
    wait_until(lambda: percent_in(text_of(dash_duo, "#model-optimal-threshold")) > at_ten)
    assert text_of(dash_duo, "#model-card-threshold") == production  # production never moves

    assert "Brier" in text_of(dash_duo, "#model-calibration-summary")
    for table in ("#model-fairness-gender", "#model-fairness-age-band"):
        verdicts = [c.text for c in dash_duo.driver.find_elements(By.CSS_SELECTOR, f"{table} [data-status]")]
        assert len(verdicts) == 5 and all(re.search(r"[⚠✓○—] \w", v) for v in verdicts), verdicts
    assert "Écarts au-delà de la tolérance" in text_of(dash_duo, "#model-fairness-summary")
    assert "une version" in text_of(dash_duo, "#model-registry-single")
    dash_duo.driver.execute_script("window.scrollTo(0, 0)")
    screenshot(dash_duo, "model")
    assert severe_logs(dash_duo) == []


def test_champion_and_challenger_side_by_side_in_english(dash_duo, two_versions, app_settings):
    open_page(dash_duo, create_app(two_versions, app_settings), "/model?lang=en", role="admin")
    assert text_of(dash_duo, "#page-title") == "Model governance"
    rows = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#model-registry-table tbody tr")
    assert len(rows) == 2
    assert "Challenger (served by this app)" in rows[0].text and "★ Champion" in rows[1].text
    assert "Champion: version 0" in text_of(dash_duo, "#model-registry-summary")
    screenshot(dash_duo, "model_registry")
    assert severe_logs(dash_duo) == []


def test_an_export_without_governance_says_how_to_build_it(
    dash_duo, trained_artifacts, tmp_path, app_settings
):
    older = tmp_path / "artifacts"
    shutil.copytree(trained_artifacts, older, ignore=shutil.ignore_patterns("governance.json"))
    open_page(dash_duo, create_app(older, app_settings), "/model", role="admin")
    message = text_of(dash_duo, "#model-governance-missing")
    assert "make -B train" in message and "python -m model_training train" in message
    assert dash_duo.find_element("#model-card-threshold")  # the card and the cost curve still show
    wait_until(lambda: len(figure_data(dash_duo, "model-cost-curve")) == 3)
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, "#model-fairness")
    screenshot(dash_duo, "model_without_governance")
    assert severe_logs(dash_duo) == []
