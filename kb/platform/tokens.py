"""Signed tokens for links in mail (verifying an address, resetting a password, stopping emails):
one signer, with the site's secret key and a salt per purpose, so a token made for one purpose opens
nothing else. Timestamps come from kb.platform.clock, so tests move time instead of waiting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from kb.platform import clock

LONGEST = 1000  # characters: anything longer was not made here


class TokenInvalid(Exception):
    """Not a token this site made for this purpose (or copied only in part)."""


class TokenExpired(TokenInvalid):
    """Made here, but older than its purpose allows."""


class ClockSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(clock.now().replace(tzinfo=UTC).timestamp())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    secret = current_app.secret_key
    if not secret:  # the configuration always sets one (KB_SECRET_KEY, or instance/secret_key)
        raise RuntimeError("no secret key: links cannot be signed")
    return URLSafeTimedSerializer(secret, salt=f"kb-{purpose}", signer=ClockSigner)


def sign(purpose: str, data: Any) -> str:
    return _serializer(purpose).dumps(data)


def read(purpose: str, token: str, lifetime: timedelta) -> tuple[Any, datetime]:
    """The data a token carries and when it was signed (aware UTC); TokenExpired or TokenInvalid."""
    if not token or len(token) > LONGEST:
        raise TokenInvalid
    try:
        data, signed_at = _serializer(purpose).loads(
            token, max_age=int(lifetime.total_seconds()), return_timestamp=True
        )
    except SignatureExpired:
        raise TokenExpired from None
    except (BadSignature, UnicodeError, ValueError):
        raise TokenInvalid from None
    return data, signed_at
