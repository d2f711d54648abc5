"""The saved reasons moderators keep: listing, adding, reordering and removing them, and turning a
choice in the queue into the reason a decision records."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import func, select

from kb.auth.models import User
from kb.moderation.models import REASON_TEXT_MAX, ReasonUse, SavedReason
from kb.platform import audit, clock
from kb.platform.extensions import db
from kb.platform.ordering import at_the_end, move_within
from kb.platform.text import one_line

REASON_MAX = 500  # what the audit log and a hidden post keep


class ReasonError(Exception):
    """A rule said no; the message is written for the person at the keyboard."""


def saved_reasons(used_for: ReasonUse) -> list[SavedReason]:
    return list(
        db.session.scalars(
            select(SavedReason)
            .where(SavedReason.used_for == used_for.value)
            .order_by(SavedReason.position, SavedReason.id)
        )
    )


def all_saved_reasons() -> dict[ReasonUse, list[SavedReason]]:
    return {use: saved_reasons(use) for use in ReasonUse}


def add_reason(used_for: ReasonUse, text: str, by: User) -> SavedReason:
    text = one_line(text or "")
    if not 3 <= len(text) <= REASON_TEXT_MAX:
        raise ReasonError(f"A saved reason must be 3 to {REASON_TEXT_MAX} characters long.")
    if any(reason.text.lower() == text.lower() for reason in saved_reasons(used_for)):
        raise ReasonError("That reason is already on the list.")
    position = (
        db.session.scalar(select(func.max(SavedReason.position)).where(SavedReason.used_for == used_for.value)) or 0
    ) + 1
    reason = SavedReason(used_for=used_for.value, text=text, position=position, created_at=clock.now())
    db.session.add(reason)
    audit.record(by, "add saved reason", "saved reason", None, text[:200], f"for {used_for.value}")
    db.session.commit()
    return reason


def move_reason(reason: SavedReason, by: User, step: int) -> None:
    ordered = saved_reasons(ReasonUse(reason.used_for))
    if not move_within(ordered, reason, step):
        raise ReasonError(at_the_end(step))
    audit.record(
        by,
        "reorder saved reasons",
        "saved reason",
        reason.id,
        reason.text[:200],
        "moved up" if step < 0 else "moved down",
    )
    db.session.commit()


def remove_reason(reason: SavedReason, by: User) -> None:
    audit.record(by, "remove saved reason", "saved reason", reason.id, reason.text[:200])
    db.session.delete(reason)
    db.session.commit()


def chosen_reason(used_for: ReasonUse, saved_id: str, typed: str) -> str:
    """The reason a decision records: the saved reason chosen, then anything typed, as one text.

    A saved reason is looked up here rather than trusted from the form, so only listed ones are used.
    """
    typed = (typed or "").replace("\r\n", "\n").strip()
    saved = ""
    if saved_id:
        reason = db.session.get(SavedReason, int(saved_id)) if saved_id.isdecimal() and len(saved_id) < 10 else None
        if reason is None or reason.used_for != used_for.value:
            raise ReasonError("That saved reason is no longer on the list: choose another, or type your own.")
        saved = reason.text
    text = f"{saved} {typed}".strip()
    if len(text) > REASON_MAX:
        raise ReasonError(f"Keep the reason to {REASON_MAX} characters or fewer, saved reason included.")
    return text


def seed_saved_reasons(path: Path, report) -> None:
    """The starting list, for each queue that has none yet (moderators' own lists are left alone)."""
    starting = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for use in ReasonUse:
        if saved_reasons(use):
            report.add("unchanged")
            continue
        for position, text in enumerate(starting.get(use.value, []), start=1):
            db.session.add(SavedReason(used_for=use.value, text=text, position=position, created_at=clock.now()))
            report.add("created")
