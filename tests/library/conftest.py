"""Library fixtures: members and a moderator, and helpers that post the real forms."""

from __future__ import annotations

import pytest

from kb.auth.models import Role
from kb.library import service
from kb.library.models import Kind
from tests.conftest import Auth, csrf_token_from, session_csrf_token
from tests.factories import make_user

CASE_STUDY_FORM = {
    "title": "A single gateway for grants",
    "summary": "The county council and the health trust agreed one way to apply for grants.",
    "themes": ["funding-it-better", "joining-up-policy"],
    "body": "## Context\n\nToo many forms.\n\n## What we did\n\nOne gateway.\n\n## Outcomes\n\nLess paperwork.",
    "region": "East of England",
    "locality": "Ipswich",
    "sectors": ["public body", "voluntary or community organisation"],
    "organisations": "Suffolk County Council\nSuffolk PCT",
    "year_started": "2003",
    "tags": "Grants, procurement , grants",
}

LESSON_FORM = {
    "title": "Agree the criteria before the money",
    "outcome": "worked well",
    "body": "Shared criteria made joint decisions quick.",
    "themes": ["funding-it-better"],
    "tags": "grants",
}


@pytest.fixture
def author(seeded):
    return make_user(email="author@example.org", display_name="Asha Author")


@pytest.fixture
def moderator(seeded):
    return make_user(email="mod@example.org", display_name="Mo Moderator", role=Role.MODERATOR)


def token_for(client) -> str:
    """The form token of the client's session: worked out from its cookie, as the page would sign
    it, and fetched with a page only when the session holds none yet."""
    token = session_csrf_token(client)
    if token:
        return token
    page = client.get("/account").get_data(as_text=True)
    if "csrf_token" not in page:
        page = client.get("/login").get_data(as_text=True)
    return csrf_token_from(page)


def post(client, url: str, data: dict | None = None):
    return client.post(url, data={**(data or {}), "csrf_token": token_for(client)})


@pytest.fixture
def browser_of(app):
    """A separate logged-in test client per person: browser_of(user)."""
    def log_in(user):
        client = app.test_client()
        Auth(client).login(user.email)
        return client
    return log_in


def fields(**changes) -> service.ItemFields:
    values = {
        "title": "Joint training for councillors and charities",
        "summary": "A short summary.",
        "body": "## What we did\n\nWe trained together.",
        "theme_slugs": ["improving-understanding"],
        "region": "London",
        "sectors": ["public body"],
    }
    values.update(changes)
    return service.ItemFields(**values)


def make_item(author, kind: Kind = Kind.CASE_STUDY, status: str = "published", moderator=None, **changes):
    """An item by `author` in the given state, moved there through the real workflow."""
    if kind == Kind.LESSON:
        changes.setdefault("outcome", "worked well")
        changes.setdefault("summary", "")
    item = service.start_item(kind, fields(**changes), by=author)
    if status == "draft":
        return item
    service.submit_for_review(item, by=author)
    if status == "published":
        service.publish(item, by=moderator or make_user(role=Role.MODERATOR))
    return item
