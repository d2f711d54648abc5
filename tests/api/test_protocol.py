"""What every API answer shares: ETags and 304s, CORS, problem documents, the rate limit."""

from __future__ import annotations

from datetime import datetime, timedelta

from kb import create_app
from kb.platform import clock
from kb.platform.extensions import db
from tests.api.conftest import CheckedClient
from tests.factories import make_item

LIST = "/api/v1/case-studies"


def test_a_repeated_request_with_the_etag_answers_304_until_something_changes(seeded, api, people):
    first = api.get(LIST)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag
    again = api.get(LIST, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    make_item(people["author"], title="A newly published case study", moderator=people["moderator"])
    changed = api.get(LIST, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "A newly published case study" in changed.get_data(as_text=True)


def test_a_signed_in_visitor_gets_the_same_answer_and_etag(seeded, api, people, client):
    from tests.conftest import sign_in

    anonymous = api.get("/api/v1/themes/funding-it-better")
    sign_in(client, people["moderator"])
    signed_in = api.get("/api/v1/themes/funding-it-better")
    assert signed_in.get_data() == anonymous.get_data() and signed_in.headers["ETag"] == anonymous.headers["ETag"]
    assert "Set-Cookie" not in signed_in.headers


def test_any_site_may_read_the_api_from_a_browser(seeded, api):
    for address, status in ((LIST, 200), (f"{LIST}?page=0", 400), ("/api/v1/nowhere", 404)):
        response = api.get(address, headers={"Origin": "https://elsewhere.example"})
        assert response.status_code == status
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in response.headers["Access-Control-Expose-Headers"]


def test_a_preflight_for_a_conditional_get_is_answered(seeded, client):
    response = client.options(
        LIST,
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]
    assert int(response.headers["Access-Control-Max-Age"]) > 0


def test_the_site_outside_the_api_sends_no_cors_headers(seeded, client):
    assert "Access-Control-Allow-Origin" not in client.get("/case-studies").headers


def test_writing_is_refused_with_a_problem(seeded, api):
    response = api.open(LIST, method="POST", data={"title": "x"})
    assert response.status_code == 405 and response.mimetype == "application/problem+json"
    assert "GET" in response.get_json()["detail"]
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_head_answers_like_get_without_a_body(seeded, api, client):
    got = api.get(LIST)
    # HEAD is GET without the body (the document describes GET; there is no body here to check).
    head = client.head(LIST)
    assert head.status_code == 200 and head.get_data() == b"" and head.headers["ETag"] == got.headers["ETag"]


def test_too_many_requests_from_one_address_wait_for_the_next_minute(seeded, api, app):
    app.config["KB_API_RATE_PER_MINUTE"] = 3
    clock.freeze(datetime(2026, 11, 28, 10, 0, 15))
    assert [api.get("/api/v1/themes").status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get("/api/v1/themes")
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert refused.headers["Retry-After"] == "45" and refused.headers["Access-Control-Allow-Origin"] == "*"
    assert refused.get_json()["type"] == "/api/v1/docs#rate-limit"
    # Another address has its own count; the site's pages are not counted.
    other = api.get("/api/v1/themes", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200
    assert api.client.get("/themes").status_code == 200
    clock.freeze(datetime(2026, 11, 28, 10, 1, 0) + timedelta(seconds=1))
    assert api.get("/api/v1/themes").status_code == 200


def test_behind_a_trusted_proxy_each_visitor_is_counted_by_their_own_address(seeded, database_url, search_dir, openapi):
    proxied = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "KB_SEARCH_DIR": str(search_dir),
            "TESTING": True,
            "KB_TRUSTED_PROXIES": 1,
            "KB_API_RATE_PER_MINUTE": 2,
        }
    )
    api = CheckedClient(proxied.test_client(), openapi)
    clock.freeze(datetime(2026, 11, 28, 10, 0, 0))
    try:

        def from_visitor(address: str) -> int:
            # The proxy at 127.0.0.1 appends the address it saw; what a client wrote before that is not believed.
            return api.get("/api/v1/themes", headers={"X-Forwarded-For": f"203.0.113.99, {address}"}).status_code

        assert [from_visitor("198.51.100.1") for _ in range(3)] == [200, 200, 429]
        assert from_visitor("198.51.100.2") == 200
    finally:
        with proxied.app_context():
            db.engine.dispose()
