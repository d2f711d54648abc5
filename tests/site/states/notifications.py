"""Email notifications: each walker's settings page, and an unsubscribe link as it arrives in mail
(it works for whoever holds it, signed in or not; a tampered one is refused with a reason)."""

from __future__ import annotations

from flask import current_app

from kb.platform.notifications import Kind, telling
from tests.site.harness import PUBLIC, Site, registers_states


@registers_states("notifications")
def notification_states(site: Site) -> None:
    site.page("/account/notifications")
    site.form("/account/notifications", "member")
    link = telling.unsubscribe_url(site.person("subscriber"), [Kind.REPLIES, Kind.DECISIONS])
    path = link.removeprefix(current_app.config["KB_SITE_URL"])
    site.page(path)
    site.page(path[:-4] + "zzzz", dict.fromkeys(PUBLIC, 400))
    # Its confirmation form is not registered with the forms: it carries no CSRF token on purpose
    # (RFC 8058's one-click POST comes from a mail provider; see kb/notifications/views.py).
    site.ids["token@unsubscribe"] = path.rsplit("/", 1)[1]
