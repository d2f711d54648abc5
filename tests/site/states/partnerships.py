"""A partnership the author coordinates and the member belongs to, with a closed round holding
enough answers for results, an open round with the member's own answers, and invitation links
that work, have expired and were revoked; a second partnership's closed round whose priority vote
is still open. Moderators and admins are outsiders: they get 404."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from kb.partnerships import service
from kb.partnerships.actions import service as actions
from kb.partnerships.organisations import service as organisations
from kb.platform import clock
from kb.platform.extensions import db
from kb.themes.models import Theme
from tests.factories import make_user
from tests.site.harness import PUBLIC, Site, registers_states

PUBLIC_BODY, VOLUNTARY = "public body", "voluntary or community organisation"
# Only the partnership's members see it; visitors are asked to log in first.
PARTNERS_ONLY = {"anonymous": 302, "member": 200, "author": 200, "moderator": 404, "admin": 404}
# A working link: outsiders may join (a visitor is told how); members are sent on to the partnership.
WORKING_LINK = {"anonymous": 200, "member": 302, "author": 302, "moderator": 200, "admin": 200}
# A round's results to take away exist once it closes: before that, not even members get them.
NOT_YET = {"anonymous": 302, "member": 404, "author": 404, "moderator": 404, "admin": 404}
SPENT_LINK = dict.fromkeys(("anonymous", "member", "author", "moderator", "admin"), 410)
# Members read actions; only coordinators (the author here) change them.
COORDINATORS_ONLY = {"anonymous": 302, "member": 403, "author": 200, "moderator": 404, "admin": 404}


def answer_all(health_check, person, rating: str, comment: str = "") -> None:
    for theme in db.session.scalars(select(Theme).order_by(Theme.position)):
        answers = {
            pair.id: service.ItemAnswer(rating, comment if pair.position == 1 else "") for pair in theme.checklist
        }
        service.save_theme_answers(health_check, theme, answers, "same", member=person, by=person)


@registers_states("partnerships")
def partnership_states(site: Site) -> None:
    coordinator, member = site.people["author"], site.people["member"]
    partners = site.secret("partnership description", {"member", "author"})
    partnership = service.register_partnership(
        "Harness District Partnership", "South West", f"Who we are: {partners}.", PUBLIC_BODY, by=coordinator
    )
    service.join(service.create_invitation(partnership, 14, by=coordinator), VOLUNTARY, by=member)
    extras = [make_user(sector=PUBLIC_BODY) for _ in range(4)] + [make_user() for _ in range(4)]
    for number, person in enumerate(extras):
        service.join(
            service.create_invitation(partnership, 7, by=coordinator),
            PUBLIC_BODY if number < 4 else VOLUNTARY,
            by=person,
        )

    # An earlier closed round, so that the 2025 results show the trend over rounds too.
    earlier = service.open_round(partnership, "2024", None, by=coordinator)
    for number, person in enumerate([coordinator, member, *extras]):
        answer_all(earlier, person, ("mostly", "consistently-dont")[number % 2])
    service.close_round(earlier, by=coordinator)

    closed = service.open_round(partnership, "2025", None, by=coordinator)
    comment = site.secret("health-check comment", {"member", "author"})
    for number, person in enumerate([coordinator, member, *extras]):
        answer_all(
            closed,
            person,
            ("consistently", "sometimes-dont", "dont-know")[number % 3],
            comment=f"Anonymous view: {comment}" if person is member else "",
        )
    service.close_round(closed, by=coordinator)
    # From results to action: an action the member owns, with a note for the partnership's eyes only.
    first_pair = db.session.scalar(select(Theme).order_by(Theme.position)).checklist[0]
    note = site.secret("action note", {"member", "author"})
    due = clock.now().date() + timedelta(days=60)
    action = actions.record_action(
        closed,
        actions.ActionFields(
            "Meet the small groups' forum",
            f"item-{first_pair.id}",
            str(member.id),
            "",
            due,
            note=f"Budget agreed: {note}",
        ),
        by=coordinator,
    )
    actions.vote_for_priorities(closed, [str(first_pair.id)], member=member, by=member)

    still_open = service.open_round(partnership, "2026", None, by=coordinator)
    own = site.secret("own answer", {"member"})  # not even the coordinator sees it
    answer_all(still_open, member, "mostly", comment=f"My own note: {own}")

    mapped = site.secret("organisation on the map", {"member", "author"})
    organisation = organisations.add_organisation(
        partnership,
        organisations.OrganisationFields(
            name="Harness Community Trust", sector=VOLUNTARY, kind="charity", activity=f"Runs {mapped}."
        ),
        by=coordinator,
    )

    # A second partnership whose map is a public directory; the first one's is not.
    listed = service.register_partnership("Harness Valley Compact", "Wales", "", VOLUNTARY, by=coordinator)
    organisations.add_organisation(
        listed,
        organisations.OrganisationFields(
            name="Valley Food Bank", sector=VOLUNTARY, kind="charity", activity="Food parcels."
        ),
        by=coordinator,
    )
    organisations.publish_directory(listed, True, by=coordinator)
    # Its last round has closed and no other has opened: the priority vote is open, with no counts.
    service.join(service.create_invitation(listed, 7, by=coordinator), VOLUNTARY, by=member)
    voting = service.open_round(listed, "2025", None, by=coordinator)
    service.close_round(voting, by=coordinator)
    actions.vote_for_priorities(voting, [str(first_pair.id)], member=member, by=member)

    working = service.create_invitation(partnership, 30, by=coordinator)
    working.token = site.secret("invitation token", {"author"})  # for coordinators only
    revoked = service.create_invitation(partnership, 30, by=coordinator)
    service.revoke_invitation(revoked, by=coordinator)
    expired = service.create_invitation(partnership, 7, by=coordinator)
    expired.created_at -= timedelta(days=10)
    expired.expires_at -= timedelta(days=10)
    db.session.commit()
    # Invited by email: the address is the coordinator's to see, and the invitee's (who has no
    # account here), nobody else's.
    service.invite_by_email(
        partnership, f"{site.secret('invitee address', {'author'})}@example.org", 14, by=coordinator
    )

    first_theme = db.session.scalar(select(Theme).order_by(Theme.position))
    member_row = service.membership_of(member, partnership)
    site.ids.update(
        {
            "partnership_id@partnerships": partnership.id,
            "round_id@partnerships": still_open.id,
            "slug@partnerships": first_theme.slug,
            "invitation_id@partnerships": working.id,
            "membership_id@partnerships": member_row.id,
            "token@partnerships": working.token,
            "organisation_id@partnerships": organisation.id,
            "action_id@partnerships": action.id,
        }
    )
    site.page("/partnerships")
    site.page("/partnerships/new")
    site.page(f"/partnerships/{partnership.id}", PARTNERS_ONLY)
    site.page(f"/partnerships/rounds/{closed.id}", PARTNERS_ONLY)
    site.page(f"/partnerships/rounds/{still_open.id}", PARTNERS_ONLY)
    site.page(f"/partnerships/rounds/{closed.id}/results.csv", PARTNERS_ONLY)
    site.page(f"/partnerships/rounds/{closed.id}/report", PARTNERS_ONLY)
    site.page(f"/partnerships/rounds/{still_open.id}/results.csv", NOT_YET)
    site.page(f"/partnerships/rounds/{still_open.id}/report", NOT_YET)
    for theme in db.session.scalars(select(Theme).order_by(Theme.position)):
        site.page(f"/partnerships/rounds/{still_open.id}/themes/{theme.slug}", PARTNERS_ONLY)
    site.page(f"/partnerships/rounds/{closed.id}/themes/{first_theme.slug}", PARTNERS_ONLY)
    site.page(f"/partnerships/rounds/{closed.id}/actions", PARTNERS_ONLY)
    site.page(f"/partnerships/rounds/{still_open.id}/actions", PARTNERS_ONLY)
    site.page(f"/partnerships/rounds/{voting.id}/actions", PARTNERS_ONLY)
    site.page(f"/partnerships/actions/{action.id}/edit", COORDINATORS_ONLY)
    site.page(f"/partnerships/{partnership.id}/organisations", PARTNERS_ONLY)
    site.page(f"/partnerships/{partnership.id}/organisations.csv", PARTNERS_ONLY)
    site.page(f"/partnerships/{listed.id}/directory")
    site.page(f"/partnerships/{partnership.id}/directory", dict.fromkeys(PUBLIC, 404))
    site.page(f"/partnerships/join/{working.token}", WORKING_LINK)
    site.page(f"/partnerships/join/{revoked.token}", SPENT_LINK)
    site.page(f"/partnerships/join/{expired.token}", SPENT_LINK)

    site.form("/partnerships/new", "member")
    site.form(f"/partnerships/{partnership.id}", "author", action=f"/partnerships/{partnership.id}/rounds")
    site.form(f"/partnerships/{partnership.id}", "author", action=f"/partnerships/{partnership.id}/invitations")
    site.form(f"/partnerships/{partnership.id}", "author", action=f"/partnerships/{partnership.id}/invitations/email")
    site.form(f"/partnerships/{partnership.id}", "author", action=f"/partnerships/{partnership.id}/bands")
    site.form(f"/partnerships/rounds/{still_open.id}/themes/{first_theme.slug}", "member")
    site.form(f"/partnerships/join/{working.token}", "moderator")
    site.form(f"/partnerships/rounds/{closed.id}/actions", "author", action=f"/partnerships/rounds/{closed.id}/actions")
    site.form(
        f"/partnerships/rounds/{voting.id}/actions", "member", action=f"/partnerships/rounds/{voting.id}/priorities"
    )
    site.form(
        f"/partnerships/rounds/{voting.id}/actions",
        "author",
        action=f"/partnerships/rounds/{voting.id}/priorities/close",
    )
    site.form(f"/partnerships/actions/{action.id}/edit", "author")
    site.form(
        f"/partnerships/{partnership.id}/organisations",
        "author",
        action=f"/partnerships/{partnership.id}/organisations",
    )
    site.form(
        f"/partnerships/{partnership.id}/organisations",
        "author",
        action=f"/partnerships/{partnership.id}/organisations/import",
    )
