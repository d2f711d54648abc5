"""Two app servers, one database (issue 15): what one machine does, the other knows at once.

Two real gunicorn processes, each with its own instance and search folders, share one fresh
PostgreSQL schema and one KB_SECRET_KEY, and are reached over real HTTP as through a load balancer
that spreads one browser's requests over both (nothing sticky). Needs KB_TEST_POSTGRES_URL: two
machines cannot share a SQLite file."""

from __future__ import annotations

import json
import os
import re
import time

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kb import create_app
from kb.app.seeding import load_seed
from kb.auth.models import Role
from kb.platform.extensions import db
from tests.conftest import FAST_HASHING, PASSWORD, SEED_DIR
from tests.factories import make_user
from tests.scaleout.servers import (
    PUBLIC_HOST,
    Browser,
    Server,
    free_port,
    run_cli,
    server_environment,
    start,
    stop,
    unique,
    wait_until_healthy,
)

POSTGRES_URL = os.environ.get("KB_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="needs PostgreSQL (KB_TEST_POSTGRES_URL): two app servers share one database, which a SQLite file cannot be",
)

SECRET_KEY = "one-secret-key-shared-by-every-machine"
# What every machine is given alike (README, "Running on several machines"), with limits small
# enough to reach in a few requests.
SHARED_SETTINGS = {
    "KB_TRUSTED_PROXIES": "1",
    "KB_SEARCH_BACKEND": "postgres",
    "KB_PREMODERATION_POSTS": "0",
    "KB_POSTS_PER_MINUTE": "3",
    "KB_LOGIN_MAX_FAILURES": "4",
    "KB_API_RATE_PER_MINUTE": "4",
    "KB_SITE_URL": f"http://{PUBLIC_HOST}",
}
PEOPLE = {
    "moderator": Role.MODERATOR,
    "author": Role.MEMBER,
    "traveller": Role.MEMBER,
    "forgetful": Role.MEMBER,
    "poster": Role.MEMBER,
    "reader": Role.MEMBER,
    "writer": Role.MEMBER,
}


def email_of(name: str) -> str:
    return f"{name}@example.org"


def prepare_database(url: str) -> None:
    """The schema and the seed, once, as an operator runs them from one machine; then the members."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, **FAST_HASHING})
    with app.app_context():
        upgrade()
        load_seed(SEED_DIR)
        for name, role in PEOPLE.items():
            make_user(email=email_of(name), role=role, display_name=name.capitalize())
        db.engine.dispose()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    schema = f"kb_scaleout_{os.urandom(6).hex()}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    url = url.render_as_string(hide_password=False)
    machines = [Server(name, free_port(), tmp_path_factory.mktemp(f"machine-{name}")) for name in ("A", "B")]
    try:
        prepare_database(url)
        environments = [server_environment(machine, url, SECRET_KEY, SHARED_SETTINGS) for machine in machines]
        for environment in environments:
            run_cli(environment, "kb", "index", "init")  # each machine's own search folder
        for machine, environment in zip(machines, environments, strict=True):
            start(machine, environment)
        for machine in machines:
            wait_until_healthy(machine)
        yield machines
    finally:
        for machine in machines:
            stop(machine)
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def signed_in(browser: Browser, server: Server, name: str) -> Browser:
    token = browser.form_token(server, "/login")
    answer = browser.post(server, "/login", {"email": email_of(name), "password": PASSWORD, "csrf_token": token})
    assert answer.status == 302 and "/login" not in answer.location, f"{name} could not sign in on {server.name}"
    return browser


def start_thread(browser: Browser, server: Server, title: str) -> int:
    token = browser.form_token(server, "/board/new?category=general")
    answer = browser.post(
        server,
        "/board/new",
        {
            "category": "general",
            "title": title,
            "csrf_token": token,
            "body": "Who else has pooled a budget with the health trust?",
        },
    )
    assert answer.status == 302, answer.text[:2000]
    return int(re.search(r"/board/t/(\d+)", answer.location).group(1))


def test_a_session_started_on_one_server_is_valid_on_the_other(servers):
    a, b = servers
    browser = Browser("198.51.100.11")
    # The log-in form comes from A and is sent to B: form tokens are signed with the shared key.
    token = browser.form_token(a, "/login")
    answer = browser.post(b, "/login", {"email": email_of("traveller"), "password": PASSWORD, "csrf_token": token})
    assert answer.status == 302 and "/login" not in answer.location
    for server in (a, b):
        account = browser.get(server, "/account")
        assert account.status == 200 and "Traveller" in account.text

    # Logging out on A ends the session in the database: a copy of the cookie is refused by B too.
    copied = browser.copy()
    assert browser.post(a, "/logout", {"csrf_token": browser.form_token(a, "/account")}).status == 302
    refused = copied.get(b, "/account")
    assert refused.status == 302 and "/login" in refused.location


def test_failed_log_ins_on_both_servers_count_toward_one_throttle(servers):
    a, b = servers
    guesser = Browser("203.0.113.21")
    for server in (a, b, a, b):  # KB_LOGIN_MAX_FAILURES=4, split over the two machines
        token = guesser.form_token(server, "/login")
        wrong = guesser.post(
            server, "/login", {"email": email_of("forgetful"), "password": "not it at all", "csrf_token": token}
        )
        assert wrong.status == 422 and "Too many failed attempts" not in wrong.text
    for server in (a, b):
        token = guesser.form_token(server, "/login")
        paused = guesser.post(
            server, "/login", {"email": email_of("forgetful"), "password": PASSWORD, "csrf_token": token}
        )
        assert paused.status == 429 and "Too many failed attempts to log in" in paused.text
    # The count is the guesser's address's: the member signs in from their own, on either machine.
    signed_in(Browser("198.51.100.12"), b, "forgetful")


def test_posting_rate_limits_count_posts_made_on_both_servers(servers):
    a, b = servers
    poster = signed_in(Browser("198.51.100.13"), a, "poster")
    thread_id = start_thread(poster, a, unique("Pooled budgets "))  # KB_POSTS_PER_MINUTE=3: the first
    for server in (b, a):
        token = poster.form_token(server, f"/board/t/{thread_id}/reply")
        reply = poster.post(server, f"/board/t/{thread_id}/reply", {"body": "And again.", "csrf_token": token})
        assert reply.status == 302
    token = poster.form_token(b, f"/board/t/{thread_id}/reply")
    refused = poster.post(b, f"/board/t/{thread_id}/reply", {"body": "Once more, please.", "csrf_token": token})
    assert refused.status == 429 and "You have posted 3 times in the last minute" in refused.text
    assert "Once more, please." in refused.text  # the text is kept for sending again


def test_a_board_post_made_on_one_server_shows_on_the_others_listings_at_once(servers):
    a, b = servers
    reader = signed_in(Browser("198.51.100.14"), b, "reader")
    writer = signed_in(Browser("198.51.100.15"), a, "writer")
    title = unique("Sharing a building with the council ")
    # B has drawn (and so keeps) both listings before the post is made on A.
    for path in ("/board", "/board/general"):
        listing = reader.get(b, path)
        assert listing.status == 200 and title not in listing.text
    start_thread(writer, a, title)
    for path in ("/board", "/board/general"):
        shown = title in reader.get(b, path).text
        assert shown, f"{path} on B does not show the thread just posted on A"


def wait_for_a_fresh_minute(seconds_needed: int = 8) -> None:
    """The API counts requests in each clock minute: start where no minute can end mid-test."""
    into_the_minute = time.time() % 60
    if into_the_minute > 60 - seconds_needed:
        time.sleep(60 - into_the_minute + 0.2)


def test_the_api_rate_limit_counts_requests_to_both_servers(servers):
    a, b = servers
    wait_for_a_fresh_minute()
    client = Browser("192.0.2.77")
    answers = [client.get(server, "/api/v1/themes") for server in (a, b, a, b, a, b)]
    assert [answer.status for answer in answers] == [200, 200, 200, 200, 429, 429]  # KB_API_RATE_PER_MINUTE=4
    refused = answers[-1]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert json.loads(refused.text)["type"] == "/api/v1/docs#rate-limit"
    assert Browser("192.0.2.78").get(b, "/api/v1/themes").status == 200  # another address, its own count


def test_both_servers_give_the_same_answer_and_etag_so_a_kept_copy_is_good_on_either(servers):
    # Feeds build their full addresses on the Host the balancer passes on (README): the same on both.
    a, b = servers
    # Each request from its own address: the API's limit is small here and tested above.
    addresses = (f"192.0.2.{number}" for number in range(100, 200))
    for path in (
        "/api/v1/",
        "/api/v1/case-studies",
        "/api/v1/lessons",
        "/api/v1/themes",
        "/api/v1/themes/funding-it-better",
        "/api/v1/collections",
        "/api/v1/tags",
        "/feeds/latest.atom",
        "/feeds/themes/funding-it-better.atom",
    ):
        from_a, from_b = (Browser(next(addresses)).get(server, path) for server in (a, b))
        assert from_a.status == from_b.status == 200 and from_a.text == from_b.text, path
        assert from_a.headers["ETag"] == from_b.headers["ETag"], path
        kept = Browser(next(addresses)).get(b, path, headers={"If-None-Match": from_a.headers["ETag"]})
        assert kept.status == 304, path
    for path in ("/sitemap.xml", "/case-studies.csv"):  # full addresses, no ETag
        from_a, from_b = (Browser(next(addresses)).get(server, path) for server in (a, b))
        assert from_a.status == from_b.status == 200 and from_a.text == from_b.text, path
        assert f"http://{PUBLIC_HOST}/" in from_a.text, path


def test_a_case_study_published_through_one_server_is_found_by_search_on_the_other(servers):
    a, b = servers
    word = unique("quernmore")
    author = signed_in(Browser("198.51.100.16"), b, "author")
    token = author.form_token(b, "/case-studies/new")
    submitted = author.post(
        b,
        "/case-studies/new",
        {
            "csrf_token": token,
            "intent": "submit",
            "title": f"A {word} gateway for grants",
            "summary": "The district council and the local charities agreed one way to apply for grants.",
            "themes": ["funding-it-better"],
            "region": "North West",
            "sectors": ["public body"],
            "body": "## Context\n\nToo many forms.\n\n## What we did\n\nOne gateway.\n\n## Outcomes\n\nLess paperwork.",
        },
    )
    assert submitted.status == 302, submitted.text[:2000]
    item_page = submitted.location  # the item's canonical address, with its slug
    address = re.match(r"(/case-studies/\d+)", item_page).group(1)

    moderator = signed_in(Browser("198.51.100.17"), a, "moderator")
    page = moderator.get(a, item_page).text
    revision = re.search(r'name="revision" value="(\d+)"', page)
    published = moderator.post(
        a,
        f"{address}/decide",
        {
            "csrf_token": moderator.form_token(a, item_page),
            "decision": "publish",
            "note": "",
            **({"revision": revision.group(1)} if revision else {}),
        },
    )
    assert published.status == 302
    assert Browser("198.51.100.18").get(b, item_page).status == 200  # public now, on either machine

    # The index is written after the response; give it the moments a reader would.
    deadline = time.monotonic() + 10
    while address not in (found := Browser("198.51.100.18").get(b, f"/search?q={word}")).text:
        assert time.monotonic() < deadline, f"search on B never found what A published:\n{found.text[:2000]}"
        time.sleep(0.2)
