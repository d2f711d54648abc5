"""Small factories: sensible defaults, keyword overrides."""

from __future__ import annotations

import itertools

from kb.auth.models import Role, User
from kb.auth.service import Profile, create_account

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def make_user(email: str | None = None, password: str = PASSWORD, role: Role = Role.MEMBER, **profile) -> User:
    number = next(_numbers)
    details = {
        "display_name": f"Member {number}",
        "organisation": "Stratford-on-Avon District Council",
        "sector": "public body",
        "region": "West Midlands",
    }
    details.update(profile)
    return create_account(email or f"member{number}@example.org", password, Profile(**details), role=role)
