"""Partnership fixtures: a coordinator's partnership, members who join by link, and answers given
through the service (faster than the forms, which have tests of their own)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kb.partnerships import service
from kb.partnerships.models import Partnership
from kb.platform.extensions import db
from kb.themes.models import Theme
from tests.conftest import form_token, sign_in
from tests.factories import make_user

PUBLIC, VOLUNTARY, OTHER = "public body", "voluntary or community organisation", "other"


def post(client, url: str, data: dict | None = None):
    return client.post(url, data={**(data or {}), "csrf_token": form_token(client)})


def themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.position)))


def join_as(partnership: Partnership, sector: str, coordinator, **profile):
    """A new member who joins through an invitation link."""
    person = make_user(**profile)
    invitation = service.create_invitation(partnership, 14, by=coordinator)
    service.join(invitation, sector, by=person)
    return person


def answer_everything(health_check, person, rating: str = "mostly", comment: str = "", trend: str = "") -> None:
    for theme in themes():
        answers = {pair.id: service.ItemAnswer(rating, comment) for pair in theme.checklist}
        service.save_theme_answers(health_check, theme, answers, trend, member=person, by=person)


def answer_pair(health_check, person, pair, rating: str, comment: str = "") -> None:
    service.save_theme_answers(
        health_check, pair.theme, {pair.id: service.ItemAnswer(rating, comment)}, "", member=person, by=person
    )


@pytest.fixture
def coordinator(seeded):
    return make_user(email="coordinator@example.org", display_name="Cora Coordinator")


@pytest.fixture
def partnership(coordinator):
    return service.register_partnership(
        "Stratford Local Strategic Partnership",
        "West Midlands",
        "Councils and charities of the district.",
        PUBLIC,
        by=coordinator,
    )


@pytest.fixture
def browser_of(app):
    return lambda user: sign_in(app.test_client(), user)


@pytest.fixture
def member(partnership, coordinator):
    return join_as(partnership, VOLUNTARY, coordinator, display_name="Mina Member")


@pytest.fixture
def closed_round(partnership, coordinator, member):
    round_ = service.open_round(partnership, "2025", None, by=coordinator)
    service.close_round(round_, by=coordinator)
    return round_
