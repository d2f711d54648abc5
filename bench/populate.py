"""Fill the configured database with N published case studies and lessons, for benchmarks.

KB_INSTANCE_DIR=/tmp/somewhere .venv/bin/python bench/populate.py 300
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout, whatever the venv installed

from kb import create_app  # noqa: E402
from kb.auth.models import Role
from kb.auth.service import Profile, create_account
from kb.library import service
from kb.library.models import Kind
from kb.platform.vocabulary import REGIONS
from kb.themes.models import THEME_SLUGS


def populate(count: int) -> None:
    app = create_app()
    with app.app_context():
        author = create_account(
            "bench-author@example.org",
            "bench password 1234",
            Profile("Bench Author", "Bench", "public body", "London"),
            role=Role.MODERATOR,
        )
        rng = random.Random(7)
        for number in range(count):
            kind = Kind.LESSON if number % 3 == 0 else Kind.CASE_STUDY
            fields = service.ItemFields(
                title=f"Bench item {number} about partnership working",
                summary="A generated item for the bench." if kind == Kind.CASE_STUDY else "",
                body="## Context\n\n" + "Partnership working between councils and charities. " * 30,
                theme_slugs=rng.sample(THEME_SLUGS, 2),
                tags=[f"tag{number % 17}", "bench"],
                region=rng.choice(REGIONS),
                sectors=["public body"],
                outcome="worked well" if kind == Kind.LESSON else None,
            )
            service.publish(service.start_item(kind, fields, by=author), by=author)
            if (number + 1) % 100 == 0 or number + 1 == count:
                print(f"  {number + 1}/{count} items", file=sys.stderr)


if __name__ == "__main__":
    populate(int(sys.argv[1]))
