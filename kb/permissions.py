"""Decorators for the roles every feature shares: anonymous visitors are sent to log in (scripts
get 401 from the login manager), members who may not are refused with 403."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def moderator_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_moderator:
            abort(403)
        return view(*args, **kwargs)
    return wrapped
