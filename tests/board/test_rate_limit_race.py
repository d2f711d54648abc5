"""Two replies sent at the same moment from two machines (or two workers), by a member one post
short of the limit: only one gets through. The board holds a lock on the member while it counts and
posts: on PostgreSQL an advisory lock; on SQLite the database's write lock, taken before counting
(SQLite's own one-writer rule starts only at the first write, after the count)."""

from __future__ import annotations

import threading
import time
from datetime import datetime

from sqlalchemy import func, select

from kb import create_app
from kb.auth.models import User
from kb.board import service as board_service
from kb.board.models import BoardPost, BoardThread
from kb.platform import clock
from kb.platform.extensions import db
from tests.factories import make_thread


def test_two_replies_at_once_from_two_machines_do_not_both_slip_under_the_limit(
    board, people, database_url, search_dir
):
    board.config["KB_POSTS_PER_MINUTE"] = 2
    ann = people["ann"]
    thread = make_thread(ann, count=1, start_at=datetime(2026, 5, 1, 10, 0))
    clock.freeze(datetime(2026, 5, 1, 10, 0, 30))  # one post in the last minute: one more allowed
    outcome: dict[str, object] = {}

    def other_machine():
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": database_url,
                "KB_SEARCH_DIR": str(search_dir),
                "KB_POSTS_PER_MINUTE": 2,
                "KB_PREMODERATION_POSTS": 0,
            }
        )
        with app.app_context():
            try:
                board_service.reply(
                    db.session.get(BoardThread, thread.id), "From the other machine", by=db.session.get(User, ann.id)
                )
                outcome["other"] = "posted"
            except board_service.RateLimited:
                outcome["other"] = "refused"
            finally:
                db.session.remove()
                db.engine.dispose()

    board_service.check_rate(ann)  # this machine has counted (one post) and is about to post
    racing = threading.Thread(target=other_machine)
    racing.start()
    time.sleep(1.0)  # long enough for the other machine to count too, were it not made to wait
    board_service.reply(thread, "From this machine", by=ann)
    racing.join(timeout=30)
    assert outcome == {"other": "refused"}
    assert db.session.scalar(select(func.count(BoardPost.id)).where(BoardPost.author_id == ann.id)) == 2
