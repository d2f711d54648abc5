"""Template filters and globals shared by every page."""

from __future__ import annotations

import re

from flask import Flask, has_request_context, request
from markupsafe import Markup

from kb.platform.dates import date_and_time, long_date
from kb.platform.markup import markdown_filter, plain_text
from kb.platform.permissions import is_moderator
from kb.platform.text import member_name, plural


def field_attributes(described: str = "", **attributes) -> dict:
    """HTML attributes for a form control, leaving out those without a value (WTForms prints None)."""
    chosen = {name: value for name, value in attributes.items() if value not in (None, "")}
    if described.strip():
        chosen["aria-describedby"] = described.strip()
    return chosen


REMEMBERED_URLS_MAX = 5_000


def remembering_url_for(app: Flask):
    """url_for for templates that builds each distinct address once per worker.

    Every page links the same navigation, footer and static files (twenty-odd url_for calls, each
    a routing-map build). An address depends only on the endpoint, its values and where the app is
    mounted, so it is kept under those; anything unusual (_external, _anchor, relative endpoints,
    values that are not plain strings or numbers) is built the usual way."""
    built: dict[tuple, str] = {}

    def url_for(endpoint: str, **values) -> str:
        if (
            not has_request_context()
            or endpoint.startswith(".")
            or not all(type(value) in (str, int) and not name.startswith("_") for name, value in values.items())
        ):
            return app.url_for(endpoint, **values)
        key = (
            request.script_root,
            request.host,
            endpoint,
            tuple(sorted((name, type(value), value) for name, value in values.items())),
        )
        address = built.get(key)
        if address is None:
            address = app.url_for(endpoint, **values)
            if len(built) >= REMEMBERED_URLS_MAX:
                built.clear()
            built[key] = address
        return address

    return url_for


HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


def headings_from(html: str, level: int) -> Markup:
    """Sanitised HTML with its headings moved down so that its h2 becomes h<level> (at most h6): for
    text shown inside a section of a page, keeping the page's heading order."""
    shift = level - 2
    return Markup(
        HEADING_TAG.sub(lambda tag: f"<{tag.group(1)}h{min(6, max(1, int(tag.group(2)) + shift))}", str(html))
    )


def register(app: Flask) -> None:
    app.add_template_filter(headings_from, "headings_from")
    app.jinja_env.globals["url_for"] = remembering_url_for(app)
    app.add_template_global(field_attributes)
    app.add_template_filter(markdown_filter, "markdown")
    app.add_template_filter(plain_text, "plain_text")
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(date_and_time, "date_and_time")
    app.add_template_filter(plural, "plural")
    app.add_template_global(member_name)
    app.add_template_global(is_moderator)

    @app.context_processor
    def navigation():
        def is_current(*prefixes: str) -> bool:
            path = request.path
            return any(path == prefix or (prefix != "/" and path.startswith(prefix + "/")) for prefix in prefixes)

        return {"is_current": is_current}
