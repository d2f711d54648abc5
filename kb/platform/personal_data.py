"""A member's own data, to take away (UK GDPR articles 15 and 20): everything held about them, as
one JSON file and a readable HTML copy in a zip, from /my/data.

Nothing here knows the features. Each feature declares its parts (`personal_data=` in its Feature,
kb/platform/features.py): a name, a title, and `collect(user)`, which returns that member's rows as JSON-ready
data (dates through `iso()`). A collector gives only the member's own data: for a post in a
thread, the thread's title and address, never other people's posts.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import render_template

from kb.platform import clock, features

JSON_NAME = "common-ground-data.json"
HTML_NAME = "common-ground-data.html"


@dataclass(frozen=True)
class Part:
    name: str  # the key in the JSON file: "profile", "board"
    title: str  # the heading in the HTML copy: "Your profile"
    collect: Callable[[object], object]


def parts() -> list[Part]:
    """Every feature's parts, in the features' order."""
    return list(features.each("personal_data"))


def iso(moment: datetime | date | None) -> str | None:
    """Dates and times as ISO 8601, the way every part writes them."""
    return moment.isoformat() if moment is not None else None


def everything_about(user: Any) -> dict[str, Any]:
    """The whole download as data: when it was made, and each registered part in order."""
    return {
        "generated_at": iso(clock.now()),
        "parts": {part.name: {"title": part.title, "data": part.collect(user)} for part in parts()},
    }


def download_of(user: Any) -> bytes:
    """The zip a member downloads: the JSON file and its HTML copy, made from the same data."""
    data = everything_about(user)
    held = io.BytesIO()
    with zipfile.ZipFile(held, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(JSON_NAME, json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr(HTML_NAME, render_template("personal_data/copy.html", data=data, user=user))
    return held.getvalue()
