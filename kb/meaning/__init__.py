"""Finding items by meaning: "Describe your situation", "More like this", and meaning fused into
search's ranking. Vectors from a small static embedding model run offline on the CPU, kept per
document through the search outbox (kb.search.documents' index listeners)."""

from flask import Blueprint

from kb.meaning.service import fuse_meaning_into
from kb.meaning.vectors import LISTENER
from kb.platform.features import Feature

bp = Blueprint("meaning", __name__)

# The vectors are kept with the index, and searches are re-ranked with them.
FEATURE = Feature("meaning", bp, index_listeners=(LISTENER,), rankers=(fuse_meaning_into,))

from kb.meaning import views  # noqa: E402,F401  (routes attach themselves to bp)
