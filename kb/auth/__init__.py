"""Accounts and roles: register, log in, log out, profile, password."""

from flask import Blueprint

from kb.auth.personal_data import register_parts

bp = Blueprint("auth", __name__)
# The member's data download holds their account, notifications and mail.
bp.record_once(register_parts)

from kb.auth import deletion_views, views  # noqa: E402,F401,I001  (routes attach themselves to bp)
