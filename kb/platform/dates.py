"""Dates as the site writes them."""

from __future__ import annotations

from datetime import datetime


def long_date(moment: datetime | None) -> str:
    """'3 December 2026', the GOV.UK style for dates."""
    return f"{moment.day} {moment:%B %Y}" if moment else ""


def date_and_time(moment: datetime | None) -> str:
    return f"{moment:%H:%M} UTC on {long_date(moment)}" if moment else ""
