"""The moderation hub: the one queue of what waits for a moderator, the audit log, members and
saved reasons. It gathers from the library and the board, never the reverse."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState
from werkzeug.routing import AnyConverter

from kb.moderation.reasons import seed_saved_reasons
from kb.platform import features
from kb.platform.features import Feature, SeedStep

bp = Blueprint("moderation", __name__)


@bp.record_once
def address_the_declared_tabs(state: BlueprintSetupState) -> None:
    """`<queue_tab:tab>` in the queue's routes matches the tabs the features declare and nothing
    else, so another address answers 404 as a missing page does. Recorded before the routes, so
    the converter exists when they are added."""
    keys = [tab.key for tab in features.each("queue_tabs", state.app)]

    class QueueTabConverter(AnyConverter):
        def __init__(self, url_map, *_items) -> None:
            super().__init__(url_map, *keys)

    state.app.url_map.converters["queue_tab"] = QueueTabConverter


FEATURE = Feature(
    "moderation", bp, seed=(SeedStep("moderators' saved reasons", seed_saved_reasons, "saved_reasons.yaml"),)
)

from kb.moderation import queue_views, views  # noqa: E402,F401  (routes attach themselves to bp)
