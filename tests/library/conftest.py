"""Library fixtures: members and a moderator, and helpers that post the real forms."""

from __future__ import annotations

import pytest

from kb.auth.models import Role
from tests.conftest import form_token, sign_in
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


def post(client, url: str, data: dict | None = None):
    """Post a form as the client's browser would, with its session's form token."""
    return client.post(url, data={**(data or {}), "csrf_token": form_token(client)})


@pytest.fixture
def browser_of(app):
    """A separate logged-in test client per person: browser_of(user)."""
    return lambda user: sign_in(app.test_client(), user)
