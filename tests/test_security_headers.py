"""Every response carries the security headers: pages, JSON, errors, static files, redirects."""

import re

import pytest
from flask import render_template_string

from kb import create_app
from kb.platform.extensions import db

EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
)


@pytest.fixture
def app_with_test_routes(app):
    # Routes that only tests need: a page that fails, and one with a script of its own.
    @app.route("/test-only/fails")
    def fails():
        raise RuntimeError("a bug")

    @app.route("/test-only/script")
    def with_script():
        return render_template_string('<script nonce="{{ csp_nonce() }}">/* */</script>')

    return app


def assert_secured(response):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (response.request.path, name)
    assert response.headers["Content-Security-Policy"] == POLICY
    permissions = response.headers["Permissions-Policy"]
    assert "camera=()" in permissions and "microphone=()" in permissions and "geolocation=()" in permissions
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),  # an HTML page
        ("/healthz", None),  # JSON (200, or 503 in a test without an index drained)
        ("/search.json?q=partnership", 200),  # JSON for scripts
        ("/no-such-page", 404),  # an error page
        ("/static/css/site.css", 200),  # a static file
        ("/account", 302),  # a redirect
        ("/test-only/fails", 500),  # an unexpected error
    ],
)
def test_every_kind_of_response_carries_the_headers(app_with_test_routes, path, status):
    response = app_with_test_routes.test_client().get(path)
    response.close()  # the headers stay readable; a static file's handle is released
    if status is not None:
        assert response.status_code == status
    assert_secured(response)


def test_a_refused_form_carries_the_headers_too(client):
    response = client.post("/login", data={"email": "x@example.org", "password": "whatever"})
    assert response.status_code == 400  # no CSRF token
    assert_secured(response)


def test_no_page_needs_inline_script_or_style(client):
    page = client.get("/login").get_data(as_text=True)
    assert "<script" not in page and "style=" not in page and "<style" not in page


def test_a_page_that_asks_for_a_nonce_gets_it_in_its_policy_only(app_with_test_routes):
    client = app_with_test_routes.test_client()
    response = client.get("/test-only/script")
    nonce = re.search(r'nonce="([^"]+)"', response.get_data(as_text=True)).group(1)
    assert f"script-src 'self' 'nonce-{nonce}';" in response.headers["Content-Security-Policy"]
    again = client.get("/test-only/script")
    assert nonce not in again.get_data(as_text=True)  # a new one for every response
    assert client.get("/").headers["Content-Security-Policy"] == POLICY


def test_strict_transport_security_only_when_served_over_https(database_url, search_dir):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "KB_SEARCH_DIR": str(search_dir), "KB_HTTPS": True})
    response = app.test_client().get("/about")  # in a context of its own, which puts its connection back
    with app.app_context():
        db.engine.dispose()
    assert response.headers["Strict-Transport-Security"] == "max-age=63072000"
