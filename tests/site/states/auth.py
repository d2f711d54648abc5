"""Accounts: the pages every visitor meets, and the walkers' own account pages."""

from __future__ import annotations

from kb.auth import sessions
from tests.site.harness import MEMBERS_ONLY, MODERATORS, PUBLIC, SIGNED_IN, Site, registers_states

# Signed-in people are sent on from the log-in and registration pages.
FOR_VISITORS = {**dict.fromkeys(SIGNED_IN, 302), "anonymous": 200}


@registers_states("auth")
def auth_states(site: Site) -> None:
    # Nobody but the member, and the moderators who look after accounts, may see an address.
    author = site.people["author"]
    author.organisation = f"Borough Council {site.secret('organisation', {'author', *MODERATORS})}"
    # Someone else signed in elsewhere: nobody walking the site may end their session.
    elsewhere = sessions.start_session(site.person("traveller"), "Mozilla/5.0 (Windows NT 10.0) Firefox/140.0")
    site.ids["session_id"] = sessions.signed_in_with(elsewhere)[0].id
    for page in ("/", "/about", "/themes", "/healthz"):
        site.page(page, PUBLIC)
    site.page("/login", FOR_VISITORS)
    site.page("/register", FOR_VISITORS)
    site.page("/account", MEMBERS_ONLY)
    site.page("/my/notifications", MEMBERS_ONLY)
    site.page("/my/contributions", MEMBERS_ONLY)
    site.form("/login", "anonymous")
    site.form("/register", "anonymous")
    site.form("/account", "member", action="/account/profile")
    site.form("/account", "member", action="/account/password")
