from pathlib import Path

import pytest

from app.config import PROJECT_DIR, load_settings


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
