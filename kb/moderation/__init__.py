"""The moderation hub: the one queue of what waits for a moderator, the audit log, members and
saved reasons. It gathers from the library and the board, never the reverse."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)

from kb.moderation import queue_views, views  # noqa: E402,F401  (routes attach themselves to bp)
