"""The API over the whole site: every role gets the public view, so an unpublished item is not
found even by its author or a moderator, and a members-only thread in a collection stays unnamed."""

from __future__ import annotations

from flask import current_app

from tests.site.harness import EVERYONE, Site, registers_states

NOT_FOUND_FOR_ANYONE = dict.fromkeys(EVERYONE, 404)


@registers_states("api")
def api_states(site: Site) -> None:
    # The walk sends thousands of requests from one address in a minute: the limit has tests of its own.
    current_app.config["KB_API_RATE_PER_MINUTE"] = 1_000_000
    case_study, lesson = site.refs["published case study"], site.refs["published lesson"]
    for page in (
        "/api/v1/",
        "/api/v1/openapi.json",
        "/api/v1/docs",
        "/api/v1/case-studies",
        "/api/v1/case-studies?tag=harness&region=North+West&sector=public+body&theme=sharing-good-practice",
        "/api/v1/lessons",
        "/api/v1/lessons?outcome=worked+well&page=1",
        "/api/v1/themes",
        "/api/v1/themes/funding-it-better",
        "/api/v1/collections",
        f"/api/v1/collections/{site.ids['collection_id']}",
        "/api/v1/tags",
        "/api/v1/search?q=partnership",
        "/api/v1/search?q=thread&sort=newest&type=lesson",
        "/api/v1/search?q=&theme=sharing-good-practice&region=North+West&sector=public+body&tag=harness&year=2026",
        f"/api/v1/case-studies/{case_study.id}",
        f"/api/v1/lessons/{lesson.id}",
    ):
        site.page(page)
    # Unpublished work: its author and the moderators see it on the site, but the API is the public view.
    for unpublished in (site.refs["resubmitted case study"], site.refs["resubmitted lesson"]):
        prefix = "case-studies" if unpublished.is_case_study else "lessons"
        site.page(f"/api/v1/{prefix}/{unpublished.id}", NOT_FOUND_FOR_ANYONE)
    site.page("/api/v1/themes/not-a-theme", NOT_FOUND_FOR_ANYONE)
