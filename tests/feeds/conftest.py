"""Feed fixtures: the library's people, and a reader that parses a feed as a feed reader would."""

from __future__ import annotations

import feedparser
import pytest

from kb.auth.models import Role
from kb.platform.extensions import db
from tests.factories import make_user
from tests.library.conftest import author, browser_of, moderator  # noqa: F401 (fixtures)

ATOM = "application/atom+xml; charset=utf-8"


class ReadFeed:
    """A feed as a reader gets it: the parsed feed (checked valid) and the raw text."""

    def __init__(self, response):
        assert response.status_code == 200, response.status_code
        assert response.headers["Content-Type"] == ATOM
        self.text = response.get_data(as_text=True)
        self.parsed = feedparser.parse(response.get_data())
        assert not self.parsed.bozo, self.parsed.get("bozo_exception")
        assert self.parsed.version == "atom10"
        for entry in self.parsed.entries:
            assert entry.get("id") and entry.get("title") and entry.get("link") and entry.get("updated"), entry
        self.entries = self.parsed.entries

    @property
    def titles(self) -> list[str]:
        return [entry.title for entry in self.entries]

    def entry(self, title: str):
        return next(entry for entry in self.entries if entry.title == title)


def read_feed(client, url: str, **headers) -> ReadFeed:
    return ReadFeed(client.get(url, headers=headers))


@pytest.fixture
def member(seeded):
    person = make_user(email="member@example.org", display_name="Mina Member")
    person.trusted = True  # posts without waiting for approval
    db.session.commit()
    return person


@pytest.fixture
def admin(seeded):
    return make_user(email="admin@example.org", display_name="Ada Admin", role=Role.ADMIN)
