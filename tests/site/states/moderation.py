"""The hub: its queues (filled by the other features' states), saved reasons, the log, members."""

from __future__ import annotations

from kb.moderation import reasons
from kb.moderation.models import ReasonUse
from tests.site.harness import MODERATORS, MODERATORS_ONLY, Site, registers_states


@registers_states("moderation")
def moderation_states(site: Site) -> None:
    saved = reasons.add_reason(
        ReasonUse.POSTS, f"Kept private {site.secret('saved reason', MODERATORS)}", by=site.people["moderator"]
    )
    site.ids["reason_id"] = saved.id
    for page in (
        "/moderation",
        "/moderation/held",
        "/moderation/reports",
        "/moderation/reasons",
        "/moderation/log",
        "/moderation/log.csv",
        "/moderation/featured",
        "/moderation/tags",
        "/admin/members",
    ):
        site.page(page)
    for old_address in ("/moderation/review", "/moderation/board"):
        site.page(old_address, {**MODERATORS_ONLY, "moderator": 301, "admin": 301})
    site.form("/moderation/reasons", "moderator")
    member = site.people["member"]
    site.form(f"/admin/members/{member.id}", "admin", action=f"/admin/members/{member.id}/role")
    # Another form decides the submitted case study: the queue's own form decides the resubmitted one.
    waiting = site.refs["resubmitted case study"]
    site.form("/moderation", "moderator", action=f"/moderation/submissions/{waiting.id}")
