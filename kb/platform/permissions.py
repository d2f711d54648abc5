"""The roles every feature shares, asked one way: `is_moderator(user)` (anyone: a visitor, a former
member (None) or a member), `require_moderator(user, refusal)` in a service, and the decorators for
views: anonymous visitors are sent to log in (scripts get 401 from the login manager), members who
may not are refused with 403.

Each decorator records the role on the view it returns (`required_role`), so the tests read who may
act from the routes themselves instead of from a list kept by hand."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

ONLY_MODERATORS = "Only moderators can do that."


def is_signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_moderator(user: Any) -> bool:
    """A signed-in moderator or admin; a visitor, or nobody (a former member), is not."""
    return is_signed_in(user) and bool(user.is_moderator)


def is_admin(user: Any) -> bool:
    return is_signed_in(user) and bool(user.is_admin)


def require_moderator(user: Any, refusal: type[Exception], message: str = ONLY_MODERATORS) -> None:
    """In a service: refuse with the feature's own error unless a moderator is acting."""
    if not is_moderator(user):
        raise refusal(message)


View = Callable[..., Any]


def _requires(role: str, allowed: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        @login_required  # type: ignore[untyped-decorator]  # Flask-Login's own, untyped
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not allowed(current_user):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_role = role  # type: ignore[attr-defined]  # read back by required_role
        return wrapped

    return decorator


member_required = _requires("member", is_signed_in)  # any member signed in; visitors are asked to log in
moderator_required = _requires("moderator", is_moderator)
admin_required = _requires("admin", is_admin)


def required_role(view: Any) -> str | None:
    """ "member", "moderator" or "admin" when one of these decorators guards the view (however deeply
    wrapped); None for a page anyone may ask for."""
    while view is not None:
        role = getattr(view, "required_role", None)
        if role:
            return role
        view = getattr(view, "__wrapped__", None)
    return None
