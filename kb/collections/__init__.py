"""Collections: curated reading lists that signpost the best material."""

from flask import Blueprint

from kb.collections.personal_data import collections
from kb.platform.features import Feature
from kb.platform.personal_data import Part

bp = Blueprint("collections", __name__)

# A member's data download lists the collections they made.
FEATURE = Feature("collections", bp, personal_data=(Part("collections", "Collections you made", collections),))

from kb.collections import views  # noqa: E402,F401  (routes attach themselves to bp)
