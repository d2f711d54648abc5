"""Dates and times as the site writes them: in the site's time zone (KB_TIMEZONE, Europe/London by
default, so British Summer Time is right), in the GOV.UK style: "5 December 2026", "3:24pm",
"5 December 2026 at 3:24pm". Every moment is stored as naive UTC (kb.platform.clock); only what a
person reads, or types, is in local time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Europe/London"


@cache
def _zone_named(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone() -> ZoneInfo:
    name = current_app.config.get("KB_TIMEZONE", DEFAULT_ZONE) if has_app_context() else DEFAULT_ZONE
    return _zone_named(name)


def local(moment: datetime) -> datetime:
    """A stored moment (naive UTC) as the site's wall clock showed it (naive)."""
    return moment.replace(tzinfo=UTC).astimezone(zone()).replace(tzinfo=None)


def from_local(moment: datetime) -> datetime:
    """A moment typed on the site's wall clock, as it is stored (naive UTC)."""
    return moment.replace(tzinfo=zone()).astimezone(UTC).replace(tzinfo=None)


def long_date(moment: date | datetime | None) -> str:
    """'3 December 2026'; a moment's date on the site's wall clock."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = local(moment)
    return f"{moment.day} {moment:%B %Y}"


def time_of_day(moment: datetime) -> str:
    """'3:24pm', '9am', 'midday', 'midnight', on the site's wall clock."""
    wall = local(moment)
    if (wall.hour, wall.minute) == (0, 0):
        return "midnight"
    if (wall.hour, wall.minute) == (12, 0):
        return "midday"
    hour = wall.hour % 12 or 12
    minutes = f":{wall.minute:02d}" if wall.minute else ""
    return f"{hour}{minutes}{'am' if wall.hour < 12 else 'pm'}"


def date_and_time(moment: datetime | None) -> str:
    """'5 December 2026 at 3:24pm'."""
    return f"{long_date(moment)} at {time_of_day(moment)}" if moment else ""
