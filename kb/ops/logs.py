"""Logs to stderr: one line per request (method, path, status, duration, request id)."""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
request_log = logging.getLogger("kb.request")


class RequestIdFilter(logging.Filter):
    """Stamps every record with the current request's id, or '-' outside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def configure_logging(level: str) -> None:
    """Send the 'kb' loggers to stderr once, however many apps a process creates."""
    logger = logging.getLogger("kb")
    logger.setLevel(level)
    if any(getattr(handler, "_kb_handler", False) for handler in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler._kb_handler = True
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.propagate = False


def current_request_id() -> str:
    return g.get("request_id", "-")


def register_request_logging(app: Flask) -> None:
    @app.before_request
    def start_request_clock() -> None:
        # A request id from a trusted proxy is kept so one id follows the request everywhere.
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex[:16]
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        duration_ms = (time.perf_counter() - started) * 1000 if started else 0.0
        response.headers["X-Request-ID"] = current_request_id()
        request_log.info(
            "%s %s %s %.1fms", request.method, request.full_path.rstrip("?"), response.status_code, duration_ms
        )
        return response
