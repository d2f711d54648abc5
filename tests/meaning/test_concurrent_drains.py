"""Two processes draining the search outbox at once both reach the vectors: Whoosh lets go of its
lock when its index is written, before the database commits (seen under gunicorn, where the
second drain failed on a duplicate vector). Here two sessions do it in two threads."""

import threading
import time
from datetime import datetime

from sqlalchemy import func, select

from kb.meaning.models import DocumentVector
from kb.meaning.vectors import store_vectors
from kb.platform.extensions import db
from kb.search.documents import PUBLIC, SearchDocument


def document(number: int) -> SearchDocument:
    return SearchDocument(
        doc_id=f"library_item:{9000 + number}",
        content_type="case study",
        title=f"Community transport partnership {number}",
        url=f"/case-studies/{9000 + number}",
        visibility=PUBLIC,
        summary="Volunteer drivers and the council share a fleet.",
        body="The council lends its minibuses to volunteer drivers at weekends.",
        themes=["joining-up-policy"],
        published_at=datetime(2026, 3, 1),
    )


def test_the_second_of_two_drains_at_once_waits_and_writes_after_the_first(app):
    batch = {doc.doc_id: doc for doc in (document(1), document(2))}
    store_vectors(batch)  # the first drain: written, not yet committed
    first_revision = db.session.scalar(select(func.max(DocumentVector.revision)))
    outcome = {}

    def second_drain():
        with app.app_context():
            try:
                store_vectors(batch)
                db.session.commit()
                outcome["revision"] = db.session.scalar(select(func.max(DocumentVector.revision)))
            except Exception as error:  # noqa: BLE001 - the test reports what the second drain met
                outcome["error"] = error
                db.session.rollback()
            finally:
                db.session.remove()

    second = threading.Thread(target=second_drain)
    second.start()
    time.sleep(0.5)  # the second drain is under way while the first has not committed
    db.session.commit()
    second.join(timeout=30)
    assert "error" not in outcome, outcome.get("error")
    db.session.expire_all()
    rows = db.session.scalars(select(DocumentVector).where(DocumentVector.doc_key.in_(batch))).all()
    assert len(rows) == 2
    # The second read the first's rows: nothing to embed again, and no revision used twice.
    assert outcome["revision"] in (first_revision, first_revision + 1)
    assert all(row.revision == first_revision for row in rows)
