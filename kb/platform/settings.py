"""What the platform and the features read of the configuration: where the project is, the error a bad
setting raises, and where mail goes. The app shell (kb/app/config.py) reads the environment into them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


class ConfigError(Exception):
    """A setting is missing, malformed or points at something unusable."""


@dataclass(frozen=True)
class MailUrl:
    """Where mail goes (KB_MAIL_URL): an SMTP server, or a folder of .eml files."""

    scheme: str  # "smtp" or "file"
    host: str = ""
    port: int = 25
    username: str = ""
    password: str = ""
    starttls: bool = False
    folder: Path | None = None
