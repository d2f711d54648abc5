"""Two workers draining the search outbox at once (each drains after its own responses): the
second must neither fail nor lose a change, whichever finishes first. Seen under gunicorn: the
second drain reached rows the first had already forgotten, and failed."""

import threading

from sqlalchemy import func, select

from kb.platform import features
from kb.platform.extensions import db
from kb.search import documents
from kb.search import service as search
from kb.search.outbox import SearchOutbox
from tests.factories import make_item
from tests.search.conftest import titles


def test_a_drain_that_waits_for_another_then_finds_its_rows_gone_still_succeeds(
    app, client, people, themes_only, monkeypatch
):
    make_item(
        people["author"],
        title="Shared minibuses for volunteer drivers",
        body="Minibuses lent at weekends.",
        moderator=people["moderator"],
    )
    first_is_inside, first_may_go_on = threading.Event(), threading.Event()

    def hold_the_first(batch):
        if threading.current_thread().name == "first":
            first_is_inside.set()
            first_may_go_on.wait(10)

    holding = documents.IndexListener(changed=hold_the_first, rebuilt=lambda keys: None)
    monkeypatch.setitem(
        app.extensions,
        features.EXTENSION,
        features.changed(app, "meaning", index_listeners=(*documents.index_listeners(), holding)),
    )
    failures = []

    def drain():
        with app.app_context():
            try:
                search.drain()
            except Exception as error:  # noqa: BLE001 - the test reports what each drain met
                failures.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    first = threading.Thread(target=drain, name="first")
    first.start()
    assert first_is_inside.wait(10)
    second = threading.Thread(target=drain, name="second")
    second.start()
    second.join(0.5)  # the second is under way (or has found the index busy) while the first waits
    first_may_go_on.set()
    first.join(30)
    second.join(30)
    assert failures == []
    db.session.expire_all()
    assert db.session.scalar(select(func.count(SearchOutbox.id))) == 0
    assert titles(client, "q=minibuses") == ["Shared minibuses for volunteer drivers"]
