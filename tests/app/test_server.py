from dataclasses import replace

import dash
import pytest

from app import create_app, get_services
from app.cache import cache
from app.config import PROJECT_DIR, current_settings
from app.services import services_of
from tests.signin import signed_in_client


def test_create_app_builds_an_offline_multi_page_dash_app(trained_artifacts, app_settings):
    app = create_app(trained_artifacts, app_settings)
    assert isinstance(app, dash.Dash)
    assert app.use_pages and app.config.suppress_callback_exceptions
    assert app.config.serve_locally and app.config.external_stylesheets == []
    assert app.config.pages_folder == str(PROJECT_DIR / "pages")
    assert app.config.assets_folder == str(PROJECT_DIR / "assets")
    assert cache in app.server.extensions["cache"]
    assert "api" in app.server.blueprints


def test_pages_reach_the_services_of_the_app_serving_them(trained_artifacts, app_settings, tmp_path):
    app = create_app(trained_artifacts, app_settings)
    services = services_of(app.server)
    assert services.artifacts.directory == trained_artifacts.resolve()
    assert services.settings.database_url == app_settings.database_url
    other = create_app(trained_artifacts, replace(app_settings, database_url=f"sqlite:///{tmp_path}/o.db"))
    with app.server.app_context():
        assert get_services() is services and current_settings() is services.settings
    with other.server.app_context():  # two apps in one process: each request reaches its own
        assert get_services() is services_of(other.server) is not services
        assert current_settings().database_url == f"sqlite:///{tmp_path}/o.db"
    with pytest.raises(RuntimeError, match="no app here"):
        get_services()  # no process-wide "last app built"


def test_the_dashboard_and_the_api_share_one_server(trained_artifacts, app_settings):
    client = signed_in_client(create_app(trained_artifacts, app_settings))
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.content_type
    assert client.get("/api/v1/health").is_json
