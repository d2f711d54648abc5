"""One vector per search document, kept beside the index and written by the same outbox drain."""

from __future__ import annotations

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from kb.platform.extensions import db

# The visibility of a tombstone: a document that left the index. Its row stays (with no vector) so
# that every process's store learns of the removal from the revision alone (kb.meaning.store).
REMOVED = "removed"


class DocumentVector(db.Model):
    __tablename__ = "document_vectors"

    doc_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(40))
    # Copied from the document, as the index copies it: who may be shown this document.
    visibility: Mapped[str] = mapped_column(String(20))
    themes: Mapped[str] = mapped_column(String(400), default="")  # comma-separated theme slugs
    fingerprint: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    # Raised on every write, so a process can tell its copy in memory is behind (kb.meaning.store).
    revision: Mapped[int] = mapped_column(Integer, index=True)
