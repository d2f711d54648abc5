"""Describe your situation and More like this, over everything the other features made."""

from __future__ import annotations

from sqlalchemy import select

from kb.board.models import BoardThread
from kb.library.models import LibraryItem, Status
from kb.platform.extensions import db
from kb.themes.models import ChecklistPair
from tests.site.harness import PUBLIC, SIGNED_IN, Site, registers_states


@registers_states("meaning")
def meaning_states(site: Site) -> None:
    for page in (
        "/describe",
        "/describe?situation=our+council+keeps+giving+one-year+grants",
        "/describe?situation=a+harness+thread+between+members",
    ):
        site.page(page)
    published = db.session.scalar(
        select(LibraryItem.id).where(LibraryItem.status == Status.PUBLISHED.value).order_by(LibraryItem.id)
    )
    site.page(f"/more-like-this/library_item/{published}")
    site.page(f"/more-like-this/checklist_pair/{db.session.scalar(select(ChecklistPair.id))}", PUBLIC)
    draft = db.session.scalar(select(LibraryItem.id).where(LibraryItem.status == Status.DRAFT.value))
    if draft is not None:
        # Nobody is shown a draft's neighbours, its moderator included: only published items are near.
        site.page(f"/more-like-this/library_item/{draft}", {role: 404 for role in PUBLIC})
    thread = next(
        (thread for thread in db.session.scalars(select(BoardThread).order_by(BoardThread.id)) if thread.approved), None
    )
    if thread is not None:
        # Board threads are for members: a visitor is not told one exists.
        site.page(f"/more-like-this/board_thread/{thread.id}", {"anonymous": 404, **dict.fromkeys(SIGNED_IN, 200)})
