"""The API's one table: how many requests each client address made in each minute."""

from __future__ import annotations

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kb.platform.extensions import db

ADDRESS_MAX = 45  # the longest written IPv6 address, as login_attempts keeps them


class ApiRequestCount(db.Model):
    """Requests from one address in one minute. Rows live about a minute (kb.api.limits prunes them)
    and name no member, so they are not part of anyone's data download."""

    __tablename__ = "api_rate_limits"
    __table_args__ = (Index("ix_api_rate_limits_window_minute", "window_minute"),)

    address: Mapped[str] = mapped_column(String(ADDRESS_MAX), primary_key=True)
    # Whole minutes since 1970-01-01 UTC: the same number on every machine, whatever its time zone.
    window_minute: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    requests: Mapped[int] = mapped_column(Integer)
