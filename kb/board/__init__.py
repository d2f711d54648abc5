"""The discussion board: categories, threads and replies, with moderation that keeps it civil."""

from flask import Blueprint

from kb.board import erasure
from kb.board.personal_data import board as personal_data_of
from kb.board.search_documents import PROVIDER
from kb.platform.erasure import register_eraser
from kb.platform.personal_data import register_part
from kb.search.documents import register_provider

bp = Blueprint("board", __name__)
# Threads are findable: the search outbox follows changes to threads and their posts from now on.
bp.record_once(lambda state: register_provider(PROVIDER))
# A member's data download holds their threads, posts (with earlier versions), reports and watches.
bp.record_once(lambda state: register_part("board", "Your discussion board activity", personal_data_of))
# Deleting an account: unseen posts go; visible ones stay as "a former member"'s, or go too.
bp.record_once(lambda state: register_eraser("board", erasure.erase))

from kb.board import cache, counts, moderation_views, views  # noqa: E402,F401  (routes attach themselves to bp)
