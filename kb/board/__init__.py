"""The discussion board: categories, threads and replies, with moderation that keeps it civil."""

from flask import Blueprint

from kb.board import erasure
from kb.board.personal_data import board as personal_data_of
from kb.board.queue_tabs import QUEUE_TABS
from kb.board.search_documents import PROVIDER
from kb.board.seed import seed_categories
from kb.platform.erasure import Eraser
from kb.platform.features import Feature, SeedStep
from kb.platform.personal_data import Part

bp = Blueprint("board", __name__)

FEATURE = Feature(
    "board",
    bp,
    seed=(SeedStep("board categories", seed_categories),),
    # Threads are findable: the search outbox follows changes to threads and their posts.
    search_documents=(PROVIDER,),
    # A member's data download holds their threads, posts (with earlier versions), reports and watches.
    personal_data=(Part("board", "Your discussion board activity", personal_data_of),),
    # Deleting an account: unseen posts go; visible ones stay as "a former member"'s, or go too.
    eraser=Eraser("board", erasure.erase),
    # Held posts and reported posts wait in the moderation queue.
    queue_tabs=QUEUE_TABS,
)

from kb.board import cache, counts, moderation_views, views  # noqa: E402,F401  (routes attach themselves to bp)
