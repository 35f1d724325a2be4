"""The challenger in shadow: every new application (API, batch command, the export at start) is scored by the
champion, which decides and answers, and by the challenger, stored with role "challenger" in the same
transaction; the comparison the Model page shows is computed from those stored scores. A broken challenger
folder never stops the app. Each test stores applications in its own database."""

from __future__ import annotations

import copy
import dataclasses
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from app import create_app, get_services
from app.challenger import compare
from app.openapi import CREDIT_FILE_EXAMPLE
from model_training.batch_scoring import score_folder
from model_training.cost import business_cost
from model_training.credit_file import REQUIRED_APPLICATION_FIELDS
from model_training.data import read_table
from model_training.decision import REFUSE
from model_training.outcomes import record_outcomes
from model_training.store import tables as t
from model_training.store.engine import open_engine
from tests.signin import bearer

CHALLENGER_VERSION = "2"
CHALLENGER_RUN = "c" * 32


def export_copy(source: Path, target: Path, version: str, run_id: str, shift: float = 0.0) -> Path:
    """A copy of an export registered as another model: another version and run, and (shift ≠ 0) another
    calibration, so that its probabilities differ from the source's."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("challenger", "previous", "model"))
    card = json.loads((target / "serving.json").read_text())
    card["model"]["version"] = version
    card["model"]["alias"] = "challenger"
    card["run_id"] = run_id
    card["calibration"]["b"] += shift
    (target / "serving.json").write_text(json.dumps(card))
    return target


def with_challenger(source: Path, folder: Path, shift: float = 0.7) -> Path:
    """A champion's folder (a copy of `source`) holding a challenger in challenger/."""
    champion = folder / "artifacts"
    shutil.copytree(source, champion, ignore=shutil.ignore_patterns("challenger", "previous"))
    export_copy(source, champion / "challenger", CHALLENGER_VERSION, CHALLENGER_RUN, shift)
    return champion


def _settings(app_settings, folder: Path):
    return dataclasses.replace(app_settings, database_url=f"sqlite:///{folder / 'app.db'}")


def _roles(url: str) -> dict[tuple[str, str], int]:
    s = t.scores.c
    with open_engine(url).connect() as connection:
        rows = connection.execute(
            select(s.model_version, s.role, func.count()).group_by(s.model_version, s.role)
        ).all()
    return {(r[0], r[1]): int(r[2]) for r in rows}


@pytest.fixture(scope="module")
def shadowed(trained_artifacts, app_settings, tmp_path_factory, module_database):
    """An app whose artifacts hold a challenger, on its own database (SQLite, then PostgreSQL)."""
    folder = tmp_path_factory.mktemp("shadow")
    artifacts = with_challenger(trained_artifacts, folder)
    settings = dataclasses.replace(app_settings, database_url=module_database)
    app = create_app(artifacts, settings)
    client = app.server.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = bearer(settings.database_url, "advisor")["Authorization"]
    return app, client, settings, artifacts


def test_the_challengers_export_is_adopted_in_shadow_at_start(shadowed):
    app, _, settings, _ = shadowed
    with app.server.app_context():
        services = get_services()
        assert services.challenger is not None and services.challenger.model.version == CHALLENGER_VERSION
        exported = len(services.artifacts.production_features)
        champion = services.artifacts.model.version
    roles = _roles(settings.database_url)
    assert roles[(champion, "champion")] == exported
    assert roles[(CHALLENGER_VERSION, "challenger")] == exported


def test_an_application_is_decided_by_the_champion_and_scored_in_shadow(shadowed):
    app, client, _, _ = shadowed
    response = client.post("/api/v1/applications?lang=en", json=copy.deepcopy(CREDIT_FILE_EXAMPLE))
    assert response.status_code == 201, response.json
    body = response.json
    with app.server.app_context():
        services = get_services()
        champion = services.applications.model
        stored = services.applications.read(body["application_id"])
    assert stored is not None
    by_role = {score.role: score for score in stored.scores}
    assert set(by_role) == {"champion", "challenger"}
    assert by_role["champion"].model_version == champion.version == body["model_version"]
    assert by_role["challenger"].model_version == CHALLENGER_VERSION
    assert body["probability"] == by_role["champion"].probability
    # the challenger's calibration is shifted: its probability is another one, and never the answer
    assert by_role["challenger"].probability > by_role["champion"].probability
    served = client.get(f"/api/v1/clients/{body['client_id']}/score")
    assert served.status_code == 200
    assert served.json["model_version"] == champion.version
    assert served.json["probability"] == pytest.approx(by_role["champion"].probability, abs=1e-12)


def test_a_refused_file_stores_nothing_for_either_model(shadowed):
    _, client, settings, _ = shadowed
    before = _roles(settings.database_url)
    document = copy.deepcopy(CREDIT_FILE_EXAMPLE)
    missing = REQUIRED_APPLICATION_FIELDS[0]
    del document["application"][missing]
    response = client.post("/api/v1/applications", json=document)
    assert response.status_code == 400 and f"application.{missing}" in response.json["fields"]
    assert _roles(settings.database_url) == before


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda folder: (folder / "booster.txt").unlink(), id="no booster"),
        pytest.param(lambda folder: (folder / "serving.json").write_text("{not json"), id="damaged card"),
        pytest.param(
            lambda folder: (folder / "booster.txt").write_text("tree\nTree=0\n"), id="booster cut short"
        ),
    ],
)
def test_a_broken_challenger_never_stops_the_app(damage, trained_artifacts, app_settings, tmp_path, caplog):
    artifacts = with_challenger(trained_artifacts, tmp_path)
    damage(artifacts / "challenger")
    settings = _settings(app_settings, tmp_path)
    app = create_app(artifacts, settings)
    with app.server.app_context():
        assert get_services().challenger is None
    assert "challenger left out" in caplog.text
    client = app.server.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = bearer(settings.database_url, "advisor")["Authorization"]
    response = client.post("/api/v1/applications", json=copy.deepcopy(CREDIT_FILE_EXAMPLE))
    assert response.status_code == 201
    assert {role for _, role in _roles(settings.database_url)} == {"champion"}


def test_the_batch_command_scores_with_the_challenger_in_the_same_batch(
    trained_artifacts, trained_synthetic_data, tmp_path
):
    artifacts = with_challenger(trained_artifacts, tmp_path)
    data = tmp_path / "batch"
    data.mkdir()
    read_table(trained_synthetic_data, "application_test").head(20).write_csv(data / "application_test.csv")
    url = f"sqlite:///{tmp_path / 'batch.db'}"
    result = score_folder(data, artifacts, batch="month-1", database=url, progress=False)
    assert result.scores_added == 20
    roles = _roles(url)
    champion_version = json.loads((artifacts / "serving.json").read_text())["model"]["version"]
    assert roles == {(champion_version, "champion"): 20, (CHALLENGER_VERSION, "challenger"): 20}
    again = score_folder(data, artifacts, batch="month-1", database=url, progress=False)
    assert again.scores_added == 0 and _roles(url) == roles


def test_the_comparison_counts_what_both_models_said(shadowed, tmp_path):
    app, *_ = shadowed
    with app.server.app_context():
        services = get_services()
        champion, challenger = services.applications.model, services.challenger.model
        engine = services.applications.engine
        card = services.artifacts.model
    s, a = t.scores.c, t.applications.c
    with engine.connect() as connection:
        rows = connection.execute(
            select(a.client_id, s.application_id, s.model_version, s.probability, s.decision).join(
                t.applications, a.application_id == s.application_id
            )
        ).all()
    first = {r.application_id: r for r in rows if r.model_version == champion.version}
    second = {r.application_id: r for r in rows if r.model_version == challenger.version}
    both = sorted(set(first) & set(second))
    # outcomes for the first 60 clients both scored: every third defaulted
    known = both[:60]
    targets = {i: int(k % 3 == 0) for k, i in enumerate(known)}
    lines = ["SK_ID_CURR,TARGET,KNOWN_AT"] + [
        f"{first[i].client_id},{targets[i]},{datetime.now(UTC).date()}" for i in known
    ]
    (tmp_path / "outcomes.csv").write_text("\n".join(lines) + "\n")
    record_outcomes(engine, tmp_path / "outcomes.csv", by="test")

    result = compare(engine, champion, challenger, card.cost_fn, card.cost_fp)
    assert result.n == len(both) > 0
    shift = np.array([second[i].probability - first[i].probability for i in both])
    np.testing.assert_allclose(np.sort(result.shift), np.sort(shift), atol=1e-12)
    assert result.mean_shift == pytest.approx(shift.mean(), abs=1e-12) and result.mean_shift > 0
    agree = np.mean([first[i].decision == second[i].decision for i in both])
    assert result.agreement == pytest.approx(agree)
    assert result.refused_by_challenger_only == sum(
        second[i].decision == REFUSE and first[i].decision != REFUSE for i in both
    )
    assert result.n_outcomes == 60
    y = np.array([targets[i] for i in known])
    assert result.champion_cost == pytest.approx(
        business_cost(y, np.array([first[i].decision == REFUSE for i in known]), card.cost_fn, card.cost_fp)
    )
    assert result.challenger_cost == pytest.approx(
        business_cost(y, np.array([second[i].decision == REFUSE for i in known]), card.cost_fn, card.cost_fp)
    )
    quantiles = result.shift_quantiles()
    assert quantiles[0.5] == pytest.approx(float(np.median(shift)))


def test_no_application_in_common_compares_nothing(shadowed):
    from model_training.scorer import ModelIdentity

    app, *_ = shadowed
    with app.server.app_context():
        services = get_services()
        result = compare(
            services.applications.engine, services.applications.model, ModelIdentity("x", "9", "r", 0.5)
        )
    assert result.n == 0 and result.agreement is None and result.mean_shift is None
    assert result.champion_cost is None and result.shift_quantiles() == {}


# --- the Model page -----------------------------------------------------------------------------------------


def _texts(tree: object) -> str:
    """Every string in a rendered layout, joined (what a reader of the page reads)."""
    if isinstance(tree, str):
        return tree + " "
    if isinstance(tree, dict):
        return "".join(_texts(v) for v in tree.values())
    if isinstance(tree, list):
        return "".join(_texts(v) for v in tree)
    return ""


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_model_page_compares_champion_and_challenger(shadowed, lang):
    from app.i18n import t as text
    from tests.app.test_auth import render
    from tests.signin import signed_in_client

    app, *_ = shadowed
    admin = signed_in_client(app, "admin")
    answer = render(admin, app, "/model", f"?lang={lang}")
    assert answer.status_code == 200
    page = _texts(answer.get_json())
    assert text("challenger.title", lang) in page
    assert text("challenger.versions", lang, champion="1", challenger=CHALLENGER_VERSION) in page
    assert text("challenger.agreement", lang) in page and text("challenger.mean_shift", lang) in page
    assert text("challenger.promote", lang, version=CHALLENGER_VERSION) in page


def test_without_a_challenger_the_model_page_says_so(trained_artifacts, app_settings):
    from app.i18n import t as text
    from tests.app.test_auth import render
    from tests.signin import signed_in_client

    app = create_app(trained_artifacts, app_settings)
    answer = render(signed_in_client(app, "admin"), app, "/model", "?lang=en")
    page = _texts(answer.get_json())
    assert text("challenger.title", "en") in page and "No challenger" in page
    assert text("challenger.promote_title", "en") not in page


def test_a_promotion_without_a_reason_is_refused_by_the_page(shadowed):
    from app.i18n import t as text
    from tests.app.test_auth import callback_body
    from tests.signin import signed_in_client

    app, *_ = shadowed
    body = callback_body(
        app,
        "model-challenger-status.children",
        {
            "model-challenger-promote.n_clicks": 1,
            "model-challenger-reason.value": "  ",
            "model-challenger-force.value": [],
            "model-challenger-version.data": CHALLENGER_VERSION,
            "model-lang.data": "en",
        },
    )
    advisor = signed_in_client(app, "advisor")
    assert advisor.post("/_dash-update-component", json=body).status_code == 403
    answer = signed_in_client(app, "admin").post("/_dash-update-component", json=body)
    assert answer.status_code == 200
    assert text("challenger.reason_missing", "en") in _texts(answer.get_json())
    with app.server.app_context():
        assert get_services().artifacts.model.version == "1"  # nothing promoted


def test_a_promotion_the_command_refuses_is_named_on_the_page(shadowed):
    from app.challenger import promote_challenger

    _, _, settings, artifacts = shadowed
    answer = promote_challenger(
        dataclasses.replace(settings, artifacts_dir=artifacts), "two", "better on outcomes", False, "admin"
    )
    assert not answer.promoted and "--version" in answer.message and "two" in answer.message
    assert (artifacts / "challenger" / "serving.json").is_file()  # nothing moved


def test_the_batch_command_stores_the_champions_batch_when_the_challenger_is_broken(
    trained_artifacts, trained_synthetic_data, tmp_path
):
    artifacts = with_challenger(trained_artifacts, tmp_path)
    (artifacts / "challenger" / "booster.txt").write_text("tree\nTree=0\n")  # cut short
    data = tmp_path / "batch"
    data.mkdir()
    read_table(trained_synthetic_data, "application_test").head(5).write_csv(data / "application_test.csv")
    url = f"sqlite:///{tmp_path / 'batch.db'}"
    result = score_folder(data, artifacts, batch="month-1", database=url, progress=False)
    assert result.scores_added == 5
    assert any("challenger" in warning and "left out" in warning for warning in result.warnings)
    assert {role for _, role in _roles(url)} == {"champion"}
