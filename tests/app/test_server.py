import dash

from app import create_app, get_services
from app.cache import cache
from app.config import PROJECT_DIR
from tests.signin import signed_in_client


def test_create_app_builds_an_offline_multi_page_dash_app(trained_artifacts):
    app = create_app(trained_artifacts)
    assert isinstance(app, dash.Dash)
    assert app.use_pages and app.config.suppress_callback_exceptions
    assert app.config.serve_locally and app.config.external_stylesheets == []
    assert app.config.pages_folder == str(PROJECT_DIR / "pages")
    assert app.config.assets_folder == str(PROJECT_DIR / "assets")
    assert cache in app.server.extensions["cache"]
    assert "api" in app.server.blueprints


def test_pages_reach_the_services(trained_artifacts):
    app = create_app(trained_artifacts)
    services = get_services()
    assert services.artifacts.directory == trained_artifacts.resolve()
    with app.server.app_context():
        assert get_services() is app.server.extensions["credit_scoring"]


def test_the_dashboard_and_the_api_share_one_server(trained_artifacts):
    client = signed_in_client(create_app(trained_artifacts))
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.content_type
    assert client.get("/api/v1/health").is_json
