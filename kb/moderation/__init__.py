"""The moderation hub: what moderators look across features for (the audit log, for a start).
It gathers from the library and the board, never the reverse."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)

from kb.moderation import views  # noqa: E402,F401  (routes attach themselves to bp)
