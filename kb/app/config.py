"""Settings read from KB_* environment variables, with safe defaults and validation.

Every setting is listed in docs/running.md; a bad value stops the app at start-up with a message that
names the setting, rather than failing later inside a request.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from kb.platform.settings import PROJECT_ROOT, ConfigError, MailUrl

DEFAULT_INSTANCE_DIR = PROJECT_ROOT / "instance"

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
LOG_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR"}
SEARCH_BACKENDS = ("whoosh", "postgres")


@dataclass(frozen=True)
class Settings:
    instance_dir: Path
    database_url: str
    search_dir: Path
    secret_key: str
    board_public: bool = False
    https: bool = False
    log_level: str = "INFO"
    login_max_failures: int = 5
    login_window_minutes: int = 15
    trusted_proxies: int = 0
    mail_url: MailUrl | None = None
    site_url: str = "http://127.0.0.1:5000"
    site_url_set: bool = False  # named in the environment: then requests for other hosts are refused
    mail_sender: str = "Common Ground <noreply@localhost>"
    premoderation_posts: int = 3
    flags_to_hide: int = 3
    posts_per_minute: int = 10
    new_member_posts_per_minute: int = 3
    healthz_token: str = ""
    reporter_min_account_days: int = 2
    reports_per_hour: int = 10
    mail_requests_per_ip: int = 20
    api_rate_per_minute: int = 120
    healthcheck_min_respondents: int = 5
    search_backend: str = "whoosh"
    contact_email: str = "noreply@localhost"
    phase: str = "beta"
    feedback_url: str = ""
    timezone: str = "Europe/London"

    def flask_config(self) -> dict:
        """The settings as Flask configuration keys."""
        return {
            "SECRET_KEY": self.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            # A server connection can drop while pooled; a SQLite file cannot, so skip the ping there.
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not self.database_url.startswith("sqlite")},
            "KB_INSTANCE_DIR": str(self.instance_dir),
            "KB_SEARCH_DIR": str(self.search_dir),
            "KB_SEARCH_BACKEND": self.search_backend,
            "KB_BOARD_PUBLIC": self.board_public,
            "KB_HTTPS": self.https,
            "KB_LOG_LEVEL": self.log_level,
            "KB_LOGIN_MAX_FAILURES": self.login_max_failures,
            "KB_LOGIN_WINDOW_MINUTES": self.login_window_minutes,
            "KB_TRUSTED_PROXIES": self.trusted_proxies,
            "KB_MAIL_URL": self.mail_url,
            "KB_SITE_URL": self.site_url,
            "KB_SITE_URL_SET": self.site_url_set,
            "KB_MAIL_SENDER": self.mail_sender,
            "KB_PREMODERATION_POSTS": self.premoderation_posts,
            "KB_FLAGS_TO_HIDE": self.flags_to_hide,
            "KB_POSTS_PER_MINUTE": self.posts_per_minute,
            "KB_NEW_MEMBER_POSTS_PER_MINUTE": self.new_member_posts_per_minute,
            "KB_HEALTHZ_TOKEN": self.healthz_token,
            "KB_REPORTER_MIN_ACCOUNT_DAYS": self.reporter_min_account_days,
            "KB_REPORTS_PER_HOUR": self.reports_per_hour,
            "KB_MAIL_REQUESTS_PER_IP": self.mail_requests_per_ip,
            "KB_API_RATE_PER_MINUTE": self.api_rate_per_minute,
            "KB_HEALTHCHECK_MIN_RESPONDENTS": self.healthcheck_min_respondents,
            "KB_CONTACT_EMAIL": self.contact_email,
            "KB_PHASE": self.phase,
            "KB_FEEDBACK_URL": self.feedback_url,
            "KB_TIMEZONE": self.timezone,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.https,
            "REMEMBER_COOKIE_HTTPONLY": True,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
            "REMEMBER_COOKIE_SECURE": self.https,
            "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
            "PREFERRED_URL_SCHEME": "https" if self.https else "http",
            # Forms without a time limit on the token: a practitioner who takes an hour to write
            # a case study must not lose it to an expired token. The session still binds it.
            "WTF_CSRF_TIME_LIMIT": None,
            "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        }


def parse_bool(name: str, raw: str) -> bool:
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def parse_positive_int(name: str, raw: str, minimum: int = 1) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number; got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}; got {value}")
    return value


def validate_database_url(raw: str) -> str:
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError(
            f"KB_DATABASE_URL is not a database URL: {raw!r}. "
            "Use e.g. sqlite:////path/to/kb.sqlite3 or postgresql+psycopg://user@host:5432/dbname"
        ) from None
    backend = url.get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        raise ConfigError(f"KB_DATABASE_URL must be SQLite or PostgreSQL; got a {backend!r} URL")
    if backend == "postgresql" and url.drivername == "postgresql":
        # psycopg 3 is the driver we install; plain postgresql:// would ask for psycopg2.
        raw = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return raw


def parse_mail_url(raw: str, project_root: Path = PROJECT_ROOT) -> MailUrl:
    """smtp://user:pass@host:port (?starttls=1), or file://folder (relative to the project folder)
    or file:///absolute/folder."""
    raw = raw.strip()
    example = "use smtp://user:password@host:587?starttls=1 or file://instance/mail"
    if raw.startswith("file://"):
        folder = Path(unquote(raw[len("file://") :]))
        if not str(folder).strip() or str(folder) == ".":
            raise ConfigError(f"KB_MAIL_URL names no folder: {raw!r}; {example}")
        return MailUrl("file", folder=folder if folder.is_absolute() else project_root / folder)
    try:
        parts = urlsplit(raw)
        port = parts.port or 25
    except ValueError:
        raise ConfigError(f"KB_MAIL_URL has a malformed port: {raw!r}; {example}") from None
    if parts.scheme != "smtp":
        raise ConfigError(f"KB_MAIL_URL must start smtp:// or file://; got {raw!r}; {example}")
    if not parts.hostname:
        raise ConfigError(f"KB_MAIL_URL names no mail server: {raw!r}; {example}")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(query) - {"starttls"}
    if unknown:
        raise ConfigError(f"KB_MAIL_URL has unknown options {', '.join(sorted(unknown))}; only starttls=1 is read")
    starttls = parse_bool("KB_MAIL_URL's starttls", query.get("starttls", ["0"])[-1])
    return MailUrl(
        "smtp",
        host=parts.hostname,
        port=port,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        starttls=starttls,
    )


def validate_site_url(raw: str) -> str:
    """The site's own address, for every absolute link (kb/platform/site_address.py): never taken from a
    request's Host header, which anyone can write (a reset link pointing elsewhere would hand over the account)."""
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"KB_SITE_URL must be the site's address, like https://commonground.example.org; got {raw!r}")
    return raw.strip().rstrip("/")


def load_secret_key(instance_dir: Path) -> str:
    """The secret key from instance/secret_key, generated once on first run.

    Several gunicorn workers may start at once: O_EXCL makes exactly one of them write the key
    and the others read it.
    """
    path = instance_dir / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process may have created the file a moment ago and be writing it now.
        for _ in range(50):
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.02)
        raise ConfigError(f"{path} is empty: delete it to have a new key generated, or set KB_SECRET_KEY") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


def validate_timezone(name: str) -> str:
    """An IANA time zone the dates are shown in ("Europe/London")."""
    try:
        ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"KB_TIMEZONE {name!r} is not a time zone this machine knows, like Europe/London") from None
    return name.strip()


def address_of_sender(sender: str) -> str:
    """The address in "Common Ground <noreply@example.org>"."""
    return parseaddr(sender)[1] or sender


def load_settings(environ: dict | None = None) -> Settings:
    """Read and validate every KB_* setting."""
    env = dict(os.environ if environ is None else environ)
    instance_dir = Path(env.get("KB_INSTANCE_DIR") or DEFAULT_INSTANCE_DIR).resolve()
    try:
        instance_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"KB_INSTANCE_DIR {instance_dir} cannot be created: {error.strerror}") from None

    database_url = validate_database_url(
        env.get("KB_DATABASE_URL") or f"sqlite:///{instance_dir / 'common-ground.sqlite3'}"
    )
    search_dir = Path(env.get("KB_SEARCH_DIR") or instance_dir / "search").resolve()
    mail_sender = env.get("KB_MAIL_SENDER") or "Common Ground <noreply@localhost>"
    secret_key = env.get("KB_SECRET_KEY") or load_secret_key(instance_dir)
    if len(secret_key) < 16:
        raise ConfigError("KB_SECRET_KEY must be at least 16 characters long")

    search_backend = (env.get("KB_SEARCH_BACKEND") or "whoosh").strip().lower()
    if search_backend not in SEARCH_BACKENDS:
        raise ConfigError(f"KB_SEARCH_BACKEND must be one of {', '.join(SEARCH_BACKENDS)}; got {search_backend!r}")
    if search_backend == "postgres" and not database_url.startswith("postgresql"):
        raise ConfigError(
            "KB_SEARCH_BACKEND=postgres needs a PostgreSQL database in KB_DATABASE_URL; "
            "use KB_SEARCH_BACKEND=whoosh with SQLite"
        )

    log_level = (env.get("KB_LOG_LEVEL") or "INFO").strip().upper()
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"KB_LOG_LEVEL must be one of {', '.join(sorted(LOG_LEVELS))}; got {log_level!r}")

    return Settings(
        instance_dir=instance_dir,
        database_url=database_url,
        search_dir=search_dir,
        search_backend=search_backend,
        secret_key=secret_key,
        board_public=parse_bool("KB_BOARD_PUBLIC", env.get("KB_BOARD_PUBLIC", "0")),
        https=parse_bool("KB_HTTPS", env.get("KB_HTTPS", "0")),
        log_level=log_level,
        login_max_failures=parse_positive_int("KB_LOGIN_MAX_FAILURES", env.get("KB_LOGIN_MAX_FAILURES", "5")),
        login_window_minutes=parse_positive_int("KB_LOGIN_WINDOW_MINUTES", env.get("KB_LOGIN_WINDOW_MINUTES", "15")),
        # 0: X-Forwarded-For is ignored, since anyone can write it; N: the N proxies in front are believed.
        trusted_proxies=parse_positive_int("KB_TRUSTED_PROXIES", env.get("KB_TRUSTED_PROXIES", "0"), 0),
        mail_url=(
            parse_mail_url(env["KB_MAIL_URL"])
            if env.get("KB_MAIL_URL", "").strip()
            else MailUrl("file", folder=instance_dir / "mail")
        ),
        site_url=validate_site_url(env.get("KB_SITE_URL") or "http://127.0.0.1:5000"),
        site_url_set=bool((env.get("KB_SITE_URL") or "").strip()),
        mail_sender=mail_sender,
        # 0 switches pre-moderation off.
        premoderation_posts=parse_positive_int("KB_PREMODERATION_POSTS", env.get("KB_PREMODERATION_POSTS", "3"), 0),
        flags_to_hide=parse_positive_int("KB_FLAGS_TO_HIDE", env.get("KB_FLAGS_TO_HIDE", "3")),
        posts_per_minute=parse_positive_int("KB_POSTS_PER_MINUTE", env.get("KB_POSTS_PER_MINUTE", "10")),
        new_member_posts_per_minute=parse_positive_int(
            "KB_NEW_MEMBER_POSTS_PER_MINUTE", env.get("KB_NEW_MEMBER_POSTS_PER_MINUTE", "3")
        ),
        healthz_token=env.get("KB_HEALTHZ_TOKEN", "").strip(),
        # 0 lets a report count from an account's first day.
        reporter_min_account_days=parse_positive_int(
            "KB_REPORTER_MIN_ACCOUNT_DAYS", env.get("KB_REPORTER_MIN_ACCOUNT_DAYS", "2"), 0
        ),
        reports_per_hour=parse_positive_int("KB_REPORTS_PER_HOUR", env.get("KB_REPORTS_PER_HOUR", "10")),
        # Registrations, and forgotten-password requests, from one network address in an hour (each).
        mail_requests_per_ip=parse_positive_int("KB_MAIL_REQUESTS_PER_IP", env.get("KB_MAIL_REQUESTS_PER_IP", "20")),
        api_rate_per_minute=parse_positive_int("KB_API_RATE_PER_MINUTE", env.get("KB_API_RATE_PER_MINUTE", "120")),
        # Fewer than 3 people would let one person's answers be worked out from a health-check's results.
        healthcheck_min_respondents=parse_positive_int(
            "KB_HEALTHCHECK_MIN_RESPONDENTS", env.get("KB_HEALTHCHECK_MIN_RESPONDENTS", "5"), 3
        ),
        # Where people write to the site's operators: the contact, privacy and accessibility pages.
        contact_email=(env.get("KB_CONTACT_EMAIL") or "").strip() or address_of_sender(mail_sender),
        # The phase banner's tag ("alpha", "beta"); empty, or "live", shows no banner.
        phase=(env.get("KB_PHASE", "beta") or "").strip().lower(),
        # Where the banner's feedback link goes (an address or mailto:); empty: the contact page.
        feedback_url=(env.get("KB_FEEDBACK_URL") or "").strip(),
        timezone=validate_timezone(env.get("KB_TIMEZONE") or "Europe/London"),
    )
