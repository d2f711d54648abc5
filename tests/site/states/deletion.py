"""Deleted accounts: a former moderator who kept what they published (credited to "a former
member"), and a former member who removed theirs. Their names, drafts and removed posts are secrets
nobody may ever see again; a removed item's title stays only in the moderators' audit log (the
record of who published what keeps naming what was published). The account pages for deleting
are on the site too.

The walkers never delete their own accounts: the form needs the walker's password, which neither
the POST walk (a form token alone) nor the form fuzzer (odd text) sends, so every post to it is
refused; test_actions checks that every walker's account is still there afterwards."""

from __future__ import annotations

from kb.auth import deletion
from kb.auth.models import Role
from kb.board import moderation
from kb.board import service as board
from kb.library.models import Kind
from kb.platform.extensions import db
from tests.conftest import PASSWORD
from tests.factories import make_item, make_user
from tests.site.harness import MODERATORS, PUBLIC, Site, registers_states
from tests.site.states.library import address

NOBODY: frozenset[str] = frozenset()


@registers_states("deletion")
def deletion_states(site: Site) -> None:
    moderator = site.people["moderator"]
    keeper = make_user(
        email="keeper@example.org",
        role=Role.MODERATOR,
        display_name=f"Kim {site.secret('former moderator name', NOBODY)}",
    )
    keeper.trusted = True
    kept = make_item(keeper, title="Kept case study by someone who left", moderator=moderator)
    make_item(keeper, status="draft", title=f"Unfinished {site.secret('former member draft', NOBODY)}")
    board.reply(site.refs["members_thread"], "Words that stay after their author left.", by=keeper)
    moderation.add_watched_word(f"zz{site.secret('former moderator word', MODERATORS)}", by=keeper)
    db.session.commit()
    deletion.delete_account(keeper, PASSWORD, remove_published=False)

    remover = make_user(email="remover@example.org", display_name=f"Rae {site.secret('former name', NOBODY)}")
    remover.trusted = True
    removed = make_item(
        remover, kind=Kind.LESSON, moderator=moderator, title=f"Gone {site.secret('removed lesson', MODERATORS)}"
    )
    board.reply(site.refs["members_thread"], f"Taken back {site.secret('removed post', NOBODY)}", by=remover)
    db.session.commit()
    removed_address = address(removed)
    deletion.delete_account(remover, PASSWORD, remove_published=True)

    site.page(address(kept))
    # Its history, for moderators: every revision saved by "a former member".
    site.page(
        address(kept, "history"), {"anonymous": 302, "member": 403, "author": 403, "moderator": 200, "admin": 200}
    )
    site.page(removed_address, dict.fromkeys(PUBLIC, 404))
    site.page("/account/delete")
    # Only the browser that has just deleted an account is shown the confirmation.
    site.page("/account/deleted", dict.fromkeys(PUBLIC, 302))
    # The site's only admin, and the author (the only coordinator of a partnership, see
    # partnerships.py), are told what to do first, with no form.
    for role in ("member", "moderator"):
        site.form("/account/delete", role)
