"""Settings of the serving app, read from the environment once at start.

Everything a deployment changes lives here, so that pages and the API never read `os.environ` themselves.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from app.i18n import DEFAULT_LANG, LANGUAGES
from model_training.store.engine import DEFAULT_DATABASE_URL

PROJECT_DIR = Path(__file__).resolve().parent.parent
#: Where `create_app` registers its Settings on the Flask server (`current_settings` reads them there).
SETTINGS_EXTENSION = "credit_scoring_settings"


@dataclass(frozen=True)
class Settings:
    """What a deployment can change: where to listen, where the artifacts are, which cache, which language."""

    host: str = "127.0.0.1"
    port: int = 8050
    artifacts_dir: Path = PROJECT_DIR / "artifacts"
    mlflow_tracking_uri: str | None = None
    homecredit_dir: Path | None = None
    cache_type: str = "SimpleCache"
    cache_redis_url: str | None = None
    cache_timeout: int = 3600
    #: before every cache key: several deployments (or test runs) can share one Redis without meeting
    cache_key_prefix: str = "pad:"
    lang: str = DEFAULT_LANG
    # access control (app.auth): the key signing session cookies never shows in a repr or a log
    secret_key: str | None = field(default=None, repr=False)
    session_minutes: float = 30.0  # idle time after which a web session ends
    secure_cookies: bool = False  # Secure flag on the session cookie: set it behind HTTPS
    demo_accounts: bool = False  # `make serve`: create and print two demo accounts at start
    login_max_failures: int = 5  # failed sign-ins per user and per address within the window...
    login_window_minutes: float = 15.0  # ...before further attempts are refused
    # the app's own database (users, sessions, audit log): SQLite in data/ unless a SQLAlchemy URL is given
    database_url: str = field(default=DEFAULT_DATABASE_URL, repr=False)  # may carry a password
    audit_spool: Path | None = None  # None: beside the SQLite file, else data/audit-spool.jsonl (app.audit)
    mlflow_ui_url: str | None = None  # where people open the MLflow UI when it is not the tracking URI

    def cache_config(self) -> dict[str, object]:
        """flask-caching configuration: Redis when a URL is given, an in-process cache otherwise."""
        config: dict[str, object] = {
            "CACHE_DEFAULT_TIMEOUT": self.cache_timeout,
            "CACHE_KEY_PREFIX": self.cache_key_prefix,
        }
        if self.cache_redis_url:
            config |= {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": self.cache_redis_url}
        else:
            config |= {"CACHE_TYPE": self.cache_type, "CACHE_THRESHOLD": 10_000}
        return config


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise ValueError(f"PORT must be a whole number, got {text!r}") from None
    if not 0 < port < 65536:
        raise ValueError(f"PORT must be between 1 and 65535, got {port}")
    return port


def _language(text: str) -> str:
    lang = text.strip().lower()[:2]
    if lang not in LANGUAGES:
        raise ValueError(f"LANG must be one of {', '.join(LANGUAGES)}, got {text!r}")
    return lang


def _positive(environ: Mapping[str, str], name: str, default: float, *, whole: bool = False) -> float:
    text = _optional(environ, name)
    if text is None:
        return default
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise ValueError(f"{name} must be {kind}, got {text!r}") from None
    if not value > 0:
        raise ValueError(f"{name} must be above 0, got {text!r}")
    return value


def _flag(environ: Mapping[str, str], name: str) -> bool:
    text = (_optional(environ, name) or "0").lower()
    if text not in ("0", "1", "true", "false", "yes", "no"):
        raise ValueError(f"{name} must be 1 or 0, got {text!r}")
    return text in ("1", "true", "yes")


def _redis_url(text: str | None) -> str | None:
    """CACHE_REDIS_URL as redis-py reads it: redis://, rediss:// (TLS) or unix:// (a socket)."""
    if text is not None and not text.startswith(("redis://", "rediss://", "unix://")):
        # only the scheme is echoed: the rest may hold a password
        scheme = text.split("://", 1)[0][:16] if "://" in text else "no scheme"
        raise ValueError(f"CACHE_REDIS_URL must start with redis://, rediss:// or unix:// (got {scheme!r})")
    return text


def _optional(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from HOST, PORT, ARTIFACTS_DIR, MLFLOW_TRACKING_URI, HOMECREDIT_DIR, CACHE_*, SECRET_KEY,
    SESSION_MINUTES, SESSION_COOKIE_SECURE, DEMO_ACCOUNTS, LOGIN_MAX_FAILURES, LOGIN_WINDOW_MINUTES,
    DATABASE_URL, AUDIT_SPOOL and MLFLOW_UI_URL.

    The language is APP_LANG, else LANG when it is exactly "fr" or "en": LANG is usually the shell's locale
    ("en_US.UTF-8" on many servers), which must not switch French users to English.
    """
    env = os.environ if environ is None else environ
    defaults = Settings()
    homecredit = _optional(env, "HOMECREDIT_DIR")
    artifacts = _optional(env, "ARTIFACTS_DIR")
    spool = _optional(env, "AUDIT_SPOOL")
    return Settings(
        host=_optional(env, "HOST") or defaults.host,
        port=_port(env["PORT"]) if _optional(env, "PORT") else defaults.port,
        artifacts_dir=Path(artifacts).expanduser() if artifacts else defaults.artifacts_dir,
        mlflow_tracking_uri=_optional(env, "MLFLOW_TRACKING_URI"),
        homecredit_dir=Path(homecredit).expanduser() if homecredit else None,
        cache_type=_optional(env, "CACHE_TYPE") or defaults.cache_type,
        cache_redis_url=_redis_url(_optional(env, "CACHE_REDIS_URL")),
        cache_timeout=int(_optional(env, "CACHE_DEFAULT_TIMEOUT") or defaults.cache_timeout),
        cache_key_prefix=_optional(env, "CACHE_KEY_PREFIX") or defaults.cache_key_prefix,
        lang=_language_from(env) or defaults.lang,
        secret_key=_optional(env, "SECRET_KEY"),
        session_minutes=_positive(env, "SESSION_MINUTES", defaults.session_minutes),
        secure_cookies=_flag(env, "SESSION_COOKIE_SECURE"),
        demo_accounts=_flag(env, "DEMO_ACCOUNTS"),
        login_max_failures=int(_positive(env, "LOGIN_MAX_FAILURES", defaults.login_max_failures, whole=True)),
        login_window_minutes=_positive(env, "LOGIN_WINDOW_MINUTES", defaults.login_window_minutes),
        database_url=_optional(env, "DATABASE_URL") or defaults.database_url,
        audit_spool=Path(spool).expanduser() if spool else None,
        mlflow_ui_url=_optional(env, "MLFLOW_UI_URL"),
    )


def current_settings() -> Settings:
    """The settings of the app serving the current request or command (`create_app` registers them on its
    Flask server); RuntimeError outside an app, where callers pass what they need (a database URL...)."""
    from flask import current_app, has_app_context

    if has_app_context() and SETTINGS_EXTENSION in current_app.extensions:
        return current_app.extensions[SETTINGS_EXTENSION]
    raise RuntimeError("no app here: build it with app.create_app(settings), or pass the setting explicitly")


def _language_from(env: Mapping[str, str]) -> str | None:
    explicit = _optional(env, "APP_LANG")
    if explicit:
        return _language(explicit)
    locale = (_optional(env, "LANG") or "").lower()
    return locale if locale in LANGUAGES else None
