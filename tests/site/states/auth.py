"""Accounts: the pages every visitor meets, and the walkers' own account pages."""

from __future__ import annotations

from flask import current_app

from kb.auth import sessions, verification
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
    for page in ("/", "/about", "/themes"):
        site.page(page)
    site.page("/login", FOR_VISITORS)
    site.page("/register", FOR_VISITORS)
    site.page("/account")
    site.page("/my/notifications")
    site.page("/my/contributions")
    # Each walker downloads their own data: what they wrote themselves is theirs to see there, even
    # where the site now shows it only to moderators (their report's note, their hidden post).
    site.page("/my/data")
    site.page("/my/data.zip", MEMBERS_ONLY, own_data=True)
    site.form("/login", "anonymous")
    site.form("/register", "anonymous")
    site.form("/account", "member", action="/account/profile")
    site.form("/account", "member", action="/account/password")

    # Links sent by mail. A verified member's link has been used (410 for everyone, whoever
    # follows it); a tampered one is refused (400); a reset link opens its form for anyone
    # holding it, and posting the form changes only that account's password.
    site_url = current_app.config["KB_SITE_URL"]
    used = verification.verification_link(site.person("verified")).removeprefix(site_url)
    site.page(used, dict.fromkeys(PUBLIC, 410))
    site.page(used[:-4] + "zzzz", dict.fromkeys(PUBLIC, 400))
    reset = verification.reset_link(site.person("forgetful")).removeprefix(site_url)
    site.page(reset)
    site.page(reset[:-4] + "zzzz", dict.fromkeys(PUBLIC, 400))
    site.ids["token@reset_password"] = reset.rsplit("/", 1)[1]
    site.page("/forgot-password")
    site.form("/forgot-password", "anonymous")
    site.form(reset, "anonymous")
    # An unverified member's account page offers "send the link again"; the walkers are verified.
    site.person("unverified", verified=False)
