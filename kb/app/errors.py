"""Error pages in the site's style (or JSON for scripts), never a bare traceback."""

from __future__ import annotations

import logging

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from kb.ops.logs import current_request_id
from kb.platform.extensions import db
from kb.platform.http import ERROR_ANSWERS, wants_json

log = logging.getLogger("kb.app.errors")

# Title and a plain-English explanation for each status a visitor may meet.
EXPLANATIONS = {
    400: (
        "Something was wrong with that request",
        "The page could not understand what was sent. Go back, check what you entered and try again.",
    ),
    401: ("You need to log in", "Log in to use this."),
    403: (
        "You do not have permission to do that",
        "Your account cannot see or change this. If you think it should, ask a moderator.",
    ),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. "
        "If you pasted it, check you copied the whole address. The page may also have been moved or removed.",
    ),
    405: (
        "That action is not available here",
        "This address does not accept that kind of request. Use the links and buttons on the site instead.",
    ),
    413: ("What you sent is too large", "Make it smaller and try again."),
    429: ("Too many requests", "You have done that too often in a short time. Wait a few minutes and try again."),
    500: (
        "Sorry, there is a problem with the service",
        "Something went wrong on our side. What you were doing has not been saved. Try again later.",
    ),
}

PLAIN_ERROR_PAGE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{title} – Common Ground</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>{title}</h1><p>{message}</p><p>Reference: {request_id}</p></main></body></html>"""

CSRF_EXPLANATION = (
    "The form was missing its security token or the token had expired, so nothing was changed. "
    "Go back, reload the page and submit the form again."
)


def error_response(status: int, detail: str | None = None):
    for prefix, answer in current_app.extensions.get(ERROR_ANSWERS, {}).items():
        if request.path.startswith(prefix):
            return answer(status, detail)
    title, explanation = EXPLANATIONS.get(status, (f"Error {status}", "The request could not be completed."))
    message = detail or explanation
    if wants_json():
        return {"error": title, "detail": message, "status": status, "request_id": current_request_id()}, status
    # A failed statement leaves the transaction unusable (on PostgreSQL): end it before the page,
    # whose navigation reads the database, is drawn.
    db.session.rollback()
    try:
        page = render_template(
            "errors/error.html", status=status, title=title, message=message, request_id=current_request_id()
        )
    except Exception as error:  # the database itself may be what failed: still answer in words
        log.error("error page for %s could not be drawn: %s: %s", status, type(error).__name__, error)
        db.session.rollback()
        page = PLAIN_ERROR_PAGE.format(title=escape(title), message=escape(message), request_id=current_request_id())
    return page, status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        return error_response(400, CSRF_EXPLANATION)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        # Werkzeug's default descriptions are written for developers; ours are for people.
        detail = None if error.description == type(error).description else error.description
        response = current_app.make_response(error_response(error.code, detail))
        # The error's own headers are part of the answer HTTP asks for: a 405's Allow (RFC 9110), a
        # 401's WWW-Authenticate, a 503's Retry-After. Its Content-Type was for Werkzeug's page, not ours.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        log.error("unhandled %s: %s", type(error).__name__, error, exc_info=error)
        return error_response(500)
