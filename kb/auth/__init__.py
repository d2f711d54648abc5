"""Accounts and roles: register, log in, log out, profile, password."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from kb.auth import views  # noqa: E402,F401  (routes attach themselves to bp)
