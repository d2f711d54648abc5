"""Saved reasons: the few notes moderators give again and again, kept by moderators themselves,
offered beside every reason box in the queue."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kb.platform import clock
from kb.platform.extensions import db

REASON_TEXT_MAX = 300


class ReasonUse(enum.StrEnum):
    """Which queue a saved reason is offered in."""

    SUBMISSIONS = "submissions"
    POSTS = "posts"


class SavedReason(db.Model):
    __tablename__ = "saved_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    used_for: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(REASON_TEXT_MAX))
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
