"""Decorators for the roles every feature shares: anonymous visitors are sent to log in (scripts
get 401 from the login manager), members who may not are refused with 403.

Each decorator records the role on the view it returns (`required_role`), so the tests read who may
act from the routes themselves instead of from a list kept by hand."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def _requires(role: str, allowed):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not allowed(current_user):
                abort(403)
            return view(*args, **kwargs)
        wrapped.required_role = role
        return wrapped
    return decorator


moderator_required = _requires("moderator", lambda user: user.is_moderator)
admin_required = _requires("admin", lambda user: user.is_admin)


def required_role(view) -> str | None:
    """"moderator" or "admin" when one of these decorators guards the view (however deeply wrapped)."""
    while view is not None:
        role = getattr(view, "required_role", None)
        if role:
            return role
        view = getattr(view, "__wrapped__", None)
    return None
