"""Every POST route, as every role, on the whole site: never a 5xx, and whoever may not act is
refused with nothing changed. (The forms' own odd input is in test_forms; who gets which status on
the moderators' actions is spelled out in tests/moderation/test_role_matrix.py.)"""

from __future__ import annotations

import re
import time

from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter

from kb.auth.models import User
from kb.extensions import db
from tests.conftest import csrf_token_from
from tests.site.conftest import WALKS
from tests.site.harness import ROLES
from tests.site.test_forms import row_counts

# Actions only moderators (or admins) may take; everything else is open to signed-in members.
MODERATOR_ACTIONS = re.compile(
    r"^(moderation\.|collections\.(?!index|show)|themes\.(change|edit|manage)_resource"
    r"|library\.(publish|request_changes|reject|archive|approve_edit|decline_edit|verify|unverify|supersede"
    r"|unsupersede|feature|move_featured|remove_featured|rename_tag)"
    r"|board\.(approve|approve_and_trust|dismiss_reports|hide_post|unhide_post|lock_thread|unlock_thread|pin_thread"
    r"|unpin_thread|move_thread|suspend_member|unsuspend_member|manage_categories|edit_category|reorder_category"
    r"|watched_words|remove_watched_word)$)"
)
# Open to visitors: logging in, registering, getting back in with a forgotten password, and the
# unsubscribe link in a notification (its signed token, not a session, says whose mail stops).
VISITOR_ACTIONS = {"auth.login", "auth.register", "auth.forgot_password", "auth.reset_password",
                   "notifications.unsubscribe"}


def addresses(whole_site, rule: Rule) -> list[str]:
    """The rule's address for each of its fixed choices, its ids taken from the site."""
    ids = whole_site.site.ids
    choices: list[dict] = [{}]
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            choices = [{**chosen, name: item} for chosen in choices for item in sorted(converter.items)]
    urls = []
    adapter = whole_site.app.url_map.bind("localhost")
    for chosen in choices:
        values = dict(chosen)
        for name in rule.arguments - chosen.keys():
            keys = [f"{name}@{part}" for part in (*chosen.values(), *rule.endpoint.replace(".", "_").split("_"))]
            keys += [f"{name}@{'_'.join(rule.endpoint.split('.')[1].split('_')[-2:])}", name]
            found = next((ids[key] for key in keys if key in ids), None)
            assert found is not None, f"no id for {name} in {rule.endpoint}: add it to site.ids in its states"
            values[name] = found
        urls.append(adapter.build(rule.endpoint, values, method="POST"))
    return urls


def token_of(client, role: str) -> str:
    return csrf_token_from(client.get("/login" if role == "anonymous" else "/account").get_data(as_text=True))


def test_every_post_route_as_every_role(whole_site):
    rules = [rule for rule in whole_site.app.url_map.iter_rules() if "POST" in rule.methods]
    assert len(rules) > 60  # the walk finds the routes: an empty url map would pass every check below
    problems, moderators_changed, requests, started = [], 0, 0, time.perf_counter()
    for role in ROLES:  # those who may do least go first, so the site is whole when they try
        if role == "admin":
            continue  # the admin would end the walkers' own sessions (roles, logging out): the matrix covers admins
        client = whole_site.clients[role]
        for rule in rules:
            if rule.endpoint == "auth.logout":
                continue
            for url in addresses(whole_site, rule):
                before = row_counts()
                response = client.post(url, data={"csrf_token": token_of(client, role)})
                requests += 2
                status = response.status_code
                if status >= 500:
                    problems.append(f"{role} {url} -> {status}")
                may_act = (role in ("moderator",) or not MODERATOR_ACTIONS.match(rule.endpoint)) and (
                    role != "anonymous" or rule.endpoint in VISITOR_ACTIONS)
                if role == "moderator" and row_counts() != before:
                    moderators_changed += 1
                if not may_act:
                    to_login = status == 302 and "/login" in response.headers.get("Location", "")
                    if not (to_login or status in (400, 403, 404, 409, 422)):
                        problems.append(f"{role} {url} -> {status}: should be refused")
                    if row_counts() != before:
                        problems.append(f"{role} {url} -> {status}: refused, yet something was stored")
    WALKS.append((f"POST routes as every role on {whole_site.backend}", requests, time.perf_counter() - started))
    # "Delete my account" needs the walker's password, which the walk never sends: a walker who
    # deleted their account would walk the rest of the site as a visitor, and prove nothing.
    missing = [role for role in ROLES[1:] if db.session.get(User, whole_site.site.people[role].id) is None]
    assert not missing, f"walkers deleted their own accounts: {missing}"
    assert not problems, "\n".join(problems)
    # The moderator's posts were real actions, not refusals of a bad token: many changed the site.
    assert moderators_changed > 15
