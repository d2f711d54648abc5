"""Small helpers about the request that several features share, and the request class that
cleans what visitors send before any feature reads it."""

from collections.abc import Callable
from typing import Any

from flask import Flask, abort, request
from flask.wrappers import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.datastructures.structures import iter_multi_items
from werkzeug.routing import IntegerConverter


def without_nul(value: Any) -> Any:
    # PostgreSQL cannot store or compare a NUL character in text, and no visitor types one on
    # purpose: it becomes the replacement character, which shows where something odd was.
    return value.replace("\x00", "\ufffd") if isinstance(value, str) else value


class CleanArguments(ImmutableMultiDict[str, str]):
    """Query and form values with any NUL character replaced, for every feature at once."""

    def __init__(self, mapping: Any = None) -> None:
        if mapping is not None:
            mapping = [(without_nul(key), without_nul(value)) for key, value in iter_multi_items(mapping)]
        super().__init__(mapping)


class CleanRequest(Request):
    parameter_storage_class = CleanArguments


def refuse_nul_in_path(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and any("\x00" in value for value in values.values() if isinstance(value, str)):
        abort(404)


class IdConverter(IntegerConverter):
    """`<id:name>` in a route: a database id. A number too large to be one answers 404."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(url_map, max=LARGEST_ID)


def register(app: Flask) -> None:
    """Called before any blueprint is registered: their routes use the `id` converter."""
    app.request_class = CleanRequest
    app.url_map.converters["id"] = IdConverter
    app.url_value_preprocessor(refuse_nul_in_path)


def wants_json() -> bool:
    """True for script clients: a .json URL, a JSON body, or an Accept header preferring JSON."""
    if request.path.endswith(".json") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


# Larger numbers cannot be ids on either database: such an address answers 404, not an overflow.
LARGEST_ID = 2**31 - 1
# Beyond any list the site holds; a larger page number is read as the last page.
LARGEST_PAGE = 1_000_000


def id_argument(name: str) -> int | None:
    """A query argument that names a row by id, or None when it cannot be one."""
    value = request.args.get(name, "")
    return int(value) if value.isdecimal() and len(value) <= 10 and int(value) <= LARGEST_ID else None


def page_argument(name: str = "page") -> int:
    """The page number asked for: at least 1, and never a number too large for the database."""
    value = request.values.get(name, "")
    if not value.isdecimal():
        return 1
    return min(max(1, int(value)), LARGEST_PAGE) if len(value) <= 7 else LARGEST_PAGE


def query_arguments(*names: str) -> dict[str, str]:
    """Only the named query arguments, for building links: an unexpected argument (say one named
    like url_for's own keywords) never reaches url_for."""
    return {name: request.args[name] for name in names if request.args.get(name)}


ERROR_ANSWERS = "kb_error_answers"  # app.extensions key: address prefix -> answer(status, detail)


def answer_errors_under(app: Flask, prefix: str, answer: Callable[[int, str | None], object]) -> None:
    """Errors at addresses under `prefix` are answered by `answer(status, detail)` instead of a page:
    how a feature with its own error format (the API's problem+json) takes over its part of the site
    (the app shell's error handlers, kb/app/errors.py, ask here first)."""
    app.extensions.setdefault(ERROR_ANSWERS, {})[prefix] = answer
