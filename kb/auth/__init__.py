"""Accounts and roles: register, log in, log out, profile, password."""

from flask import Blueprint

from kb.auth.personal_data import PARTS
from kb.platform.features import Feature

bp = Blueprint("auth", __name__)

# The member's data download holds their account and the mail sent to them.
FEATURE = Feature("auth", bp, personal_data=PARTS)

from kb.auth import deletion_views, views  # noqa: E402,F401,I001  (routes attach themselves to bp)
