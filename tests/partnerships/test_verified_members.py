"""Only accounts whose email address is verified take part in a partnership: made-up accounts that
joined and answered as someone chose, beside one real member, would make up the minimum of
respondents and show that member's answers. An unverified member who follows an invitation link is
told to verify first, and the same link works once they have."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from kb.auth import verification
from kb.partnerships import service
from kb.partnerships.actions import service as actions
from kb.partnerships.actions.models import PriorityVote
from kb.partnerships.models import Answer, Membership, Partnership
from kb.platform.extensions import db
from tests.factories import make_user
from tests.partnerships.conftest import PUBLIC, VOLUNTARY, post, themes


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_unverified_accounts_cannot_join_or_answer(browser_of, coordinator, partnership):
    health_check = service.open_round(partnership, "2026", None, by=coordinator)
    invitation = service.create_invitation(partnership, 14, by=coordinator)
    link = f"/partnerships/join/{invitation.token}"
    newcomer = make_user(verified=False, display_name="Una Unverified")
    browser = browser_of(newcomer)

    page = browser.get(link).get_data(as_text=True)
    assert "Verify your email address to join the partnership" in page and newcomer.email in page
    assert "come back to this invitation link" in page and "Join the partnership</button>" not in page
    refused = post(browser, link, {"sector": VOLUNTARY})
    assert refused.status_code == 403 and "Verify your email address" in refused.get_data(as_text=True)
    with pytest.raises(service.NotAllowed):
        service.join(invitation, VOLUNTARY, by=newcomer)
    assert not service.is_member(newcomer, partnership)

    # Verified, in the same browser: back to the invitation, which still works. Nothing is lost.
    followed = browser.get(urlsplit(verification.verification_link(newcomer)).path)
    assert followed.status_code == 302 and followed.headers["Location"] == link
    assert "Join the partnership</button>" in browser.get(link).get_data(as_text=True)
    assert post(browser, link, {"sector": VOLUNTARY}).status_code == 302
    assert service.is_member(newcomer, partnership)

    # One who joined before the rule reads the partnership, but answers and votes nothing.
    joined_before = make_user(verified=False)
    db.session.add(Membership(partnership_id=partnership.id, user_id=joined_before.id, sector=PUBLIC))
    db.session.commit()
    theme = themes()[0]
    answering = browser_of(joined_before)
    page = answering.get(f"/partnerships/rounds/{health_check.id}/themes/{theme.slug}").get_data(as_text=True)
    assert "Verify your email address to answer the health-check" in page and "Save and continue" not in page
    refused = post(
        answering,
        f"/partnerships/rounds/{health_check.id}/themes/{theme.slug}",
        {f"rating-{pair.id}": "mostly" for pair in theme.checklist},
    )
    assert refused.status_code == 403 and "Verify your email address" in refused.get_data(as_text=True)
    with pytest.raises(service.NotAllowed):
        service.save_theme_answers(
            health_check,
            theme,
            {theme.checklist[0].id: service.ItemAnswer("mostly")},
            "",
            member=joined_before,
            by=joined_before,
        )
    assert count(Answer) == 0
    service.close_round(health_check, by=coordinator)
    pair = theme.checklist[0]
    page = answering.get(f"/partnerships/rounds/{health_check.id}/actions").get_data(as_text=True)
    assert "Verify your email address to vote" in page and 'name="pair"' not in page
    refused = post(answering, f"/partnerships/rounds/{health_check.id}/priorities", {"pair": str(pair.id)})
    assert refused.status_code == 403 and count(PriorityVote) == 0
    with pytest.raises(service.NotAllowed):
        actions.vote_for_priorities(health_check, [str(pair.id)], member=joined_before, by=joined_before)

    # Nor do they start a partnership of their own, which would make them its first member.
    assert "Verify your email address to register a partnership" in answering.get("/partnerships/new").get_data(
        as_text=True
    )
    refused = post(answering, "/partnerships/new", {"name": "Throwaway LSP", "region": "Wales", "sector": PUBLIC})
    assert refused.status_code == 422 and count(Partnership) == 1
