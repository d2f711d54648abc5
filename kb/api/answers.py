"""How the API answers: JSON with an ETag (and 304 for a client that has it already), errors as
RFC 9457 problem documents, and the CORS headers that let any site read it from a browser."""

from __future__ import annotations

import json
from http import HTTPStatus

from flask import Response, request
from werkzeug.exceptions import BadRequest

from kb.platform.extensions import db

PROBLEM_TYPE = "application/problem+json"
# Anchors on the docs page that explain the problems the API names itself.
INVALID_PARAMETERS = "/api/v1/docs#invalid-parameters"
RATE_LIMITED = "/api/v1/docs#rate-limit"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
# What a page's script may send (conditional GET) and read (besides the simple response headers).
ALLOWED_REQUEST_HEADERS = "Accept, If-None-Match"
EXPOSED_HEADERS = "ETag, Retry-After, X-Request-ID"
PREFLIGHT_SECONDS = 24 * 60 * 60


class InvalidParameters(BadRequest):
    """Query parameters the API does not accept: each with the reason, written for the caller."""

    def __init__(self, invalid: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {reason}" for name, reason in invalid.items()))
        self.invalid = invalid


def _json_bytes(document) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def json_answer(document, mimetype: str = "application/json") -> Response:
    """The document as JSON, with a strong ETag; 304 when the client sent that ETag already."""
    response = Response(_json_bytes(document), mimetype=mimetype)
    # Clients may keep answers, but must ask again each time (a cheap 304 when nothing changed).
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


def problem(
    status: int, detail: str | None = None, problem_type: str = "about:blank", headers: dict | None = None, **extra
) -> Response:
    """An RFC 9457 problem document. With the type about:blank the title is the status's own phrase.
    The request's id, to quote when asking about an error, is in the X-Request-ID header of every answer."""
    # A failed statement leaves the transaction unusable on PostgreSQL: end it (a 500 may follow one).
    db.session.rollback()
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = f"Error {status}"
    document = {
        "type": problem_type,
        "title": phrase,
        "status": status,
        "detail": detail or phrase,
        "instance": request.path,
        **extra,
    }
    response = Response(_json_bytes(document), status=status, mimetype=PROBLEM_TYPE)
    response.headers.update(headers or {})
    return response


# Werkzeug's own words for these are for developers; a caller of the API gets where to look instead.
ERROR_DETAILS = {
    404: "Nothing is at this address. The index at /api/v1/ lists the API's resources.",
    405: "The API only reads: use GET (or HEAD, or OPTIONS for a browser's preflight).",
}


def problem_for_error(status: int, detail: str | None) -> Response:
    """The app's error handler's answer under /api/: a problem document instead of a page."""
    return problem(status, detail or ERROR_DETAILS.get(status))


def invalid_parameters(error: InvalidParameters) -> Response:
    return problem(
        400,
        error.description,
        INVALID_PARAMETERS,
        invalid_params=[{"name": name, "reason": reason} for name, reason in error.invalid.items()],
    )


def add_cors_headers(response: Response) -> Response:
    """Any site may read the API (it serves only what anyone may see, and never reads cookies)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS":
        # A browser's preflight before a GET that carries If-None-Match.
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_REQUEST_HEADERS
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_SECONDS)
    return response
