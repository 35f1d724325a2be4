from pathlib import Path

import pytest

from app.config import DEFAULT_DATABASE_URL, PROJECT_DIR, current_settings, load_settings


def test_defaults():
    settings = load_settings({})
    assert settings.artifacts_dir == PROJECT_DIR / "artifacts"
    assert (settings.host, settings.port, settings.lang) == ("127.0.0.1", 8050, "fr")
    assert settings.cache_config()["CACHE_TYPE"] == "SimpleCache"


def test_environment_overrides(tmp_path):
    settings = load_settings(
        {
            "HOST": "0.0.0.0",
            "PORT": "9000",
            "ARTIFACTS_DIR": str(tmp_path),
            "MLFLOW_TRACKING_URI": "http://mlflow:5000",
            "HOMECREDIT_DIR": "/data/hc",
            "CACHE_REDIS_URL": "redis://cache:6379/0",
            "APP_LANG": "en",
        }
    )
    assert settings.artifacts_dir == tmp_path
    assert settings.port == 9000 and settings.host == "0.0.0.0"
    assert settings.homecredit_dir == Path("/data/hc")
    assert settings.mlflow_tracking_uri == "http://mlflow:5000"
    assert settings.cache_config()["CACHE_TYPE"] == "RedisCache"
    assert settings.cache_config()["CACHE_REDIS_URL"] == "redis://cache:6379/0"
    assert settings.lang == "en"


def test_a_shell_locale_does_not_switch_the_language():
    assert load_settings({"LANG": "en_US.UTF-8"}).lang == "fr"
    assert load_settings({"LANG": "en"}).lang == "en"


@pytest.mark.parametrize("port", ["http", "0", "70000"])
def test_bad_port_is_named(port):
    with pytest.raises(ValueError, match="PORT"):
        load_settings({"PORT": port})


def test_the_app_database_audit_spool_and_mlflow_ui_are_settings(tmp_path):
    defaults = load_settings({})
    assert defaults.database_url == DEFAULT_DATABASE_URL == f"sqlite:///{PROJECT_DIR / 'data' / 'app.db'}"
    assert defaults.audit_spool is None and defaults.mlflow_ui_url is None
    settings = load_settings(
        {
            "DATABASE_URL": " postgresql://app:secret@db/app ",
            "AUDIT_SPOOL": str(tmp_path / "spool.jsonl"),
            "MLFLOW_UI_URL": " https://mlflow.example ",
        }
    )
    assert settings.database_url == "postgresql://app:secret@db/app"
    assert settings.audit_spool == tmp_path / "spool.jsonl"
    assert settings.mlflow_ui_url == "https://mlflow.example"
    assert "secret" not in repr(settings)  # the URL may carry a password


def test_settings_are_read_from_the_mapping_given_never_the_process_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////elsewhere.db")
    assert load_settings({}).database_url == DEFAULT_DATABASE_URL
    with pytest.raises(RuntimeError, match="no app here"):
        current_settings()  # outside an app, nothing stands for "the" settings
