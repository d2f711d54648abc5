"""Template filters and globals shared by every page."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, request

from kb.markup import markdown_filter, plain_text


def long_date(moment: datetime | None) -> str:
    """'3 December 2026', the GOV.UK style for dates."""
    return f"{moment.day} {moment:%B %Y}" if moment else ""


def date_and_time(moment: datetime | None) -> str:
    return f"{moment:%H:%M} UTC on {long_date(moment)}" if moment else ""


def field_attributes(described: str = "", **attributes) -> dict:
    """HTML attributes for a form control, leaving out those without a value (WTForms prints None)."""
    chosen = {name: value for name, value in attributes.items() if value not in (None, "")}
    if described.strip():
        chosen["aria-describedby"] = described.strip()
    return chosen


def register(app: Flask) -> None:
    app.add_template_global(field_attributes)
    app.add_template_filter(markdown_filter, "markdown")
    app.add_template_filter(plain_text, "plain_text")
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(date_and_time, "date_and_time")

    @app.context_processor
    def navigation():
        def is_current(*prefixes: str) -> bool:
            path = request.path
            return any(path == prefix or (prefix != "/" and path.startswith(prefix + "/")) for prefix in prefixes)

        return {"is_current": is_current}
