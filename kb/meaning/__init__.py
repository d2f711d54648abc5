"""Finding items by meaning: "Describe your situation", "More like this", and meaning fused into
search's ranking. Vectors from a small static embedding model run offline on the CPU, kept per
document through the search outbox (kb.search.documents' index listeners)."""

from flask import Blueprint

from kb.meaning.service import fuse_meaning_into
from kb.meaning.vectors import LISTENER
from kb.search.documents import register_index_listener, register_ranker

bp = Blueprint("meaning", __name__)


@bp.record_once
def _keep_vectors_with_the_index(_state) -> None:
    register_index_listener(LISTENER)
    register_ranker(fuse_meaning_into)


from kb.meaning import views  # noqa: E402,F401  (routes attach themselves to bp)
