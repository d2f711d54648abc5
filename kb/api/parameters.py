"""Reading the API's query parameters as its OpenAPI document declares them. The site's pages forgive
an odd value (an unknown theme filters nothing); the API refuses any value the document does not
allow, an empty one included, with a 400 naming the parameter, so a script learns of its mistake
instead of quietly receiving everything. A parameter the document does not name is ignored."""

from __future__ import annotations

import re

from flask import request

from kb.api import document
from kb.api.answers import InvalidParameters
from kb.api.service import SearchQuestion
from kb.library import tags
from kb.library.queries import Filters

# Longer than any number a parameter may be; int() of a longer string is slow or refused.
NUMBER_DIGITS_MAX = 18


def arguments(path: str) -> dict[str, str | int | None]:
    """The query arguments of the operation at `path` (a path of the document), each checked against
    its schema: a whole number as an int, a string as sent, an absent one as its default (or None).
    Raises InvalidParameters naming every argument refused, so one 400 names them all."""
    values: dict[str, str | int | None] = {}
    invalid: dict[str, str] = {}
    for name, schema in document.query_parameters(path).items():
        sent = request.args.getlist(name)
        if not sent:
            values[name] = schema.get("default")
        elif len(sent) > 1:
            invalid[name] = "must be sent once"
        elif reason := why_refused(sent[0], schema):
            invalid[name] = reason
        else:
            values[name] = int(sent[0]) if schema.get("type") == "integer" else sent[0]
    if invalid:
        raise InvalidParameters(invalid)
    return values


def why_refused(value: str, schema: dict) -> str | None:
    """Why the document's schema does not allow `value` (written for the caller), or None when it does."""
    if schema.get("type") == "integer":
        if _whole_number_within(value, schema):
            return None
        bounds = [f"{word} {schema[key]}" for key, word in (("minimum", "from"), ("maximum", "to")) if key in schema]
        return " ".join(["must be a whole number", *bounds])
    if "enum" in schema and value not in schema["enum"]:
        return "must be one of: " + ", ".join(schema["enum"])
    if len(value) > schema.get("maxLength", len(value)):
        return f"must be at most {schema['maxLength']} characters"
    if len(value) < schema.get("minLength", 0):
        return f"must be at least {schema['minLength']} characters"
    if "pattern" in schema and not re.search(_python_pattern(schema["pattern"]), value):
        return f"must match {schema['pattern']}"
    return None


def _whole_number_within(value: str, schema: dict) -> bool:
    if not re.fullmatch(r"-?[0-9]+", value) or len(value) > NUMBER_DIGITS_MAX:
        return False
    return schema.get("minimum", -float("inf")) <= int(value) <= schema.get("maximum", float("inf"))


def _python_pattern(pattern: str) -> str:
    # A document's patterns are ECMA-262, whose $ is the end of the text; Python's $ also matches
    # before a final newline, which would let "2026\n" through as a year.
    return pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith(r"\$") else pattern


def _current_tag(sent: str | None) -> str | None:
    value = (sent or "").strip().lower()
    # An old name of a renamed or merged tag finds the tag it became, as the site's old addresses do.
    return (tags.current_name(value) or value) if value else None


def list_filters(path: str) -> tuple[Filters, int]:
    """The filters and page of the case study or lesson list at `path`."""
    values = arguments(path)
    filters = Filters(
        theme=values["theme"],
        region=values["region"],
        sector=values["sector"],
        tag=_current_tag(values["tag"]),
        outcome=values.get("outcome"),
    )
    return filters, values["page"]


def search_question() -> SearchQuestion:
    values = arguments("/search")
    filters = {
        "type": values["type"],
        "theme": values["theme"],
        "region": values["region"],
        "sector": values["sector"],
        "tag": _current_tag(values["tag"]),
        "year": values["year"],
    }
    return SearchQuestion(
        text=values["q"] or "",
        filters={name: value for name, value in filters.items() if value},
        sort=values["sort"],
        page=values["page"],
    )
