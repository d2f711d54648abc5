"""Errors are pages in the site's style (or JSON for scripts); every request is logged once."""

import logging
import re

import pytest
from flask import abort

from kb.auth.models import User
from kb.platform.extensions import db


@pytest.fixture
def kb_log(caplog):
    # The app's loggers write straight to stderr; listen in on them here.
    logger = logging.getLogger("kb")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="kb")
    yield caplog
    logger.removeHandler(caplog.handler)


def test_missing_page_is_a_styled_404(client):
    response = client.get("/no-such-page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in page
    assert 'href="/themes"' in page  # the site's navigation is there, so the visitor is not stranded


def test_wrong_method_is_a_styled_405_that_says_which_methods_are_allowed(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "That action is not available here" in response.get_data(as_text=True)
    # RFC 9110: a 405 names the methods the address does accept, for a script as for a browser.
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    as_json = client.get("/logout", headers={"Accept": "application/json"})
    assert as_json.status_code == 405 and as_json.get_json()["status"] == 405
    assert set(as_json.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}


def test_form_without_csrf_token_is_refused_and_changes_nothing(client):
    response = client.post(
        "/register",
        data={
            "email": "no-token@example.org",
            "display_name": "No Token",
            "organisation": "Org",
            "sector": "other",
            "region": "London",
            "password": "long enough password",
            "confirm_password": "long enough password",
        },
    )
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert db.session.query(User).count() == 0


def test_scripts_asking_for_json_get_json_errors(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    body = response.get_json()
    assert body["status"] == 404 and body["error"] == "Page not found"
    assert body["request_id"] == response.headers["X-Request-ID"]


@pytest.mark.parametrize(
    ("status", "heading"),
    [
        (400, "Something was wrong with that request"),
        (403, "You do not have permission to do that"),
        (429, "Too many requests"),
    ],
)
def test_refusals_are_styled_pages_with_the_sites_navigation(app, status, heading):
    @app.route("/refuse")
    def refuse():
        abort(status)

    response = app.test_client().get("/refuse")
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in page and 'href="/themes"' in page


def test_unexpected_error_shows_the_500_page_with_a_reference_and_logs_the_traceback(app, kb_log):
    @app.route("/explode")
    def explode():
        raise RuntimeError("kaboom")

    response = app.test_client().get("/explode")
    page = response.get_data(as_text=True)
    request_id = response.headers["X-Request-ID"]
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page
    assert request_id in page
    assert "kaboom" not in page
    failure = next(record for record in kb_log.records if record.name == "kb.app.errors")
    assert failure.exc_info and "kaboom" in str(failure.exc_info[1])
    assert failure.request_id == request_id


def test_each_request_is_logged_once_with_method_path_status_duration_and_id(client, kb_log):
    response = client.get("/about?x=1", headers={"X-Request-ID": "trace-1234abcd"})
    assert response.headers["X-Request-ID"] == "trace-1234abcd"
    lines = [record for record in kb_log.records if record.name == "kb.request"]
    assert len(lines) == 1
    assert re.fullmatch(r"GET /about\?x=1 200 \d+\.\dms", lines[0].getMessage())
    assert lines[0].request_id == "trace-1234abcd"


def test_a_malformed_incoming_request_id_is_replaced(client):
    response = client.get("/", headers={"X-Request-ID": "<script>"})
    assert re.fullmatch(r"[0-9a-f]{16}", response.headers["X-Request-ID"])
