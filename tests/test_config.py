"""Settings come from KB_* variables; bad ones stop the app with a clear message."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kb import create_app
from kb.app.config import ConfigError, load_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def test_defaults_keep_everything_under_the_instance_folder(tmp_path):
    settings = load_settings({"KB_INSTANCE_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'common-ground.sqlite3'}"
    assert settings.search_dir == tmp_path / "search"
    assert settings.board_public is False
    assert settings.https is False
    assert settings.trusted_proxies == 0


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = load_settings({"KB_INSTANCE_DIR": str(tmp_path)}).secret_key
    second = load_settings({"KB_INSTANCE_DIR": str(tmp_path)}).secret_key
    assert first == second and len(first) >= 32
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_secret_key_from_the_environment_wins(tmp_path):
    settings = load_settings({"KB_INSTANCE_DIR": str(tmp_path), "KB_SECRET_KEY": "s" * 40})
    assert settings.secret_key == "s" * 40
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("KB_BOARD_PUBLIC", "perhaps", "KB_BOARD_PUBLIC must be one of"),
        ("KB_HTTPS", "2", "KB_HTTPS must be one of"),
        ("KB_DATABASE_URL", "not a url", "KB_DATABASE_URL is not a database URL"),
        ("KB_DATABASE_URL", "mysql://root@localhost/kb", "must be SQLite or PostgreSQL"),
        ("KB_SECRET_KEY", "short", "at least 16 characters"),
        ("KB_LOGIN_MAX_FAILURES", "five", "must be a whole number"),
        ("KB_LOGIN_WINDOW_MINUTES", "0", "must be at least 1"),
        ("KB_LOG_LEVEL", "LOUD", "KB_LOG_LEVEL must be one of"),
        ("KB_MAIL_URL", "smtp://mail.example.org:port", "KB_MAIL_URL has a malformed port"),
        ("KB_MAIL_URL", "mail.example.org", "KB_MAIL_URL must start smtp:// or file://"),
        ("KB_MAIL_URL", "smtp://", "KB_MAIL_URL names no mail server"),
        ("KB_MAIL_URL", "smtp://mail.example.org?tls=1", "KB_MAIL_URL has unknown options tls"),
        ("KB_MAIL_URL", "smtp://mail.example.org?starttls=maybe", "starttls must be one of"),
        ("KB_MAIL_URL", "file://", "KB_MAIL_URL names no folder"),
        ("KB_SITE_URL", "commonground.example.org", "KB_SITE_URL must be the site's address"),
        ("KB_TRUSTED_PROXIES", "-1", "KB_TRUSTED_PROXIES must be at least 0"),
        ("KB_TRUSTED_PROXIES", "one", "KB_TRUSTED_PROXIES must be a whole number"),
        ("KB_REPORTER_MIN_ACCOUNT_DAYS", "-1", "KB_REPORTER_MIN_ACCOUNT_DAYS must be at least 0"),
        ("KB_REPORTS_PER_HOUR", "0", "KB_REPORTS_PER_HOUR must be at least 1"),
    ],
)
def test_invalid_settings_are_named_in_the_error(tmp_path, name, value, message):
    with pytest.raises(ConfigError, match=message):
        load_settings({"KB_INSTANCE_DIR": str(tmp_path), name: value})


def test_boolean_settings_accept_common_spellings(tmp_path):
    settings = load_settings({"KB_INSTANCE_DIR": str(tmp_path), "KB_BOARD_PUBLIC": "Yes", "KB_HTTPS": "true"})
    assert settings.board_public is True
    assert settings.https is True


def test_plain_postgresql_urls_use_the_installed_driver(tmp_path):
    settings = load_settings({"KB_INSTANCE_DIR": str(tmp_path), "KB_DATABASE_URL": "postgresql://u@db:5432/kb"})
    assert settings.database_url.startswith("postgresql+psycopg://")


def test_unreachable_database_refuses_to_start(monkeypatch):
    monkeypatch.setenv("KB_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(ConfigError, match="cannot reach the database"):
        create_app()


def test_entry_point_prints_one_clear_line_instead_of_a_traceback(tmp_path):
    env = {**os.environ, "KB_INSTANCE_DIR": str(tmp_path), "KB_DATABASE_URL": "sqlite:////no/such/folder/kb.db"}
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "Common Ground cannot start: cannot reach the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_https_setting_makes_cookies_secure(tmp_path, monkeypatch, database_url):
    monkeypatch.setenv("KB_HTTPS", "1")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_naming_the_site_address_turns_on_the_host_check(tmp_path):
    unset = load_settings({"KB_INSTANCE_DIR": str(tmp_path)})
    assert (unset.site_url, unset.site_url_set) == ("http://127.0.0.1:5000", False)
    named = load_settings({"KB_INSTANCE_DIR": str(tmp_path), "KB_SITE_URL": "https://cg.example.org/"})
    assert (named.site_url, named.site_url_set) == ("https://cg.example.org", True)
