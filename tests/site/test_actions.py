"""Every POST route, as every role, on the whole site: never a 5xx, and whoever may not act is
refused with nothing changed. Who may act is read from the routes themselves (the views'
decorators), never from a list kept by hand. (The forms' own odd input is in test_forms; who gets
which status on the moderators' actions is spelled out in tests/moderation/test_role_matrix.py.)"""

from __future__ import annotations

import time

from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter

from kb.auth.models import User
from kb.platform.extensions import db
from kb.platform.permissions import required_role
from tests.conftest import csrf_token_from
from tests.site.conftest import WALKS
from tests.site.harness import ROLES
from tests.site.test_forms import stored_rows

# Open to visitors: logging in and out, registering, getting back in with a forgotten password, and
# the unsubscribe link in a notification (its signed token, not a session, says whose mail stops).
# Checked against the routes: a name here that is no route, or a route open to visitors that is
# not here, fails.
VISITOR_ACTIONS = {
    "auth.login",
    "auth.logout",
    "auth.register",
    "auth.forgot_password",
    "auth.reset_password",
    "notifications.unsubscribe",
}
# Actions the derivation must find as they are: if a decorator stops recording its role, or one of
# these views stops declaring it, the walk below would quietly let members through unchecked.
KNOWN = {
    "library.decide_case_study": "moderator",
    "library.decide_lesson": "moderator",
    "board.approve_post": "moderator",
    "moderation.decide": "moderator",
    "moderation.change_role": "admin",
    "board.reply": "member",
    "auth.login": "visitor",
}
# The roles that may act, by what the route declares.
MAY_ACT = {"visitor": set(ROLES), "member": set(ROLES[1:]), "moderator": {"moderator", "admin"}, "admin": {"admin"}}


def who_may_post(view) -> str:
    """What the view's decorator declares ("member", "moderator", "admin"), or "visitor"."""
    return required_role(view) or "visitor"


def post_routes(app) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]


def declared(app) -> dict[str, str]:
    """Each POST endpoint and who its view says may post."""
    return {rule.endpoint: who_may_post(app.view_functions[rule.endpoint]) for rule in post_routes(app)}


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


def test_who_may_post_is_read_from_the_routes(whole_site):
    rules = declared(whole_site.app)
    named = VISITOR_ACTIONS | KNOWN.keys()
    assert named - rules.keys() == set(), "named here but no such POST route"
    assert {endpoint for endpoint, who in rules.items() if who == "visitor"} == VISITOR_ACTIONS
    assert {endpoint: rules[endpoint] for endpoint in KNOWN} == KNOWN
    # The walk checks refusals for these: a derivation that found none would check nothing.
    assert sum(who in ("moderator", "admin") for who in rules.values()) > 40


def refusal_problem(role: str, who: str, response) -> str | None:
    """What is wrong with the answer to a role that may not act: visitors are sent to log in,
    signed-in people without the role are refused with 403."""
    status = response.status_code
    if role == "anonymous":
        if status == 302 and "/login" in response.headers.get("Location", ""):
            return None
        return f"{status}: a visitor should be sent to log in"
    return None if status == 403 else f"{status}: a {role} should be refused with 403 ({who} only)"


def test_every_post_route_as_every_role(whole_site):
    rules = post_routes(whole_site.app)
    who = declared(whole_site.app)
    assert len(rules) > 60  # the walk finds the routes: an empty url map would pass every check below
    problems, moderators_changed, refused, requests, started = [], 0, set(), 0, time.perf_counter()
    for role in ROLES:  # those who may do least go first, so the site is whole when they try
        if role == "admin":
            continue  # the admin would end the walkers' own sessions (roles, logging out): the matrix covers admins
        client = whole_site.clients[role]
        for rule in rules:
            if rule.endpoint == "auth.logout":
                continue
            may_act = role in MAY_ACT[who[rule.endpoint]]
            compared = not may_act or role == "moderator"  # reading every row is the walk's slowest part
            for url in addresses(whole_site, rule):
                before = stored_rows() if compared else None
                response = client.post(url, data={"csrf_token": token_of(client, role)})
                requests += 2
                if response.status_code >= 500:
                    problems.append(f"{role} {url} -> {response.status_code}")
                if role == "moderator" and may_act and stored_rows() != before:
                    moderators_changed += 1
                if not may_act:
                    refused.add((role, rule.endpoint))
                    problem = refusal_problem(role, who[rule.endpoint], response)
                    if problem:
                        problems.append(f"{role} {url} -> {problem}")
                    if stored_rows() != before:
                        problems.append(f"{role} {url} -> {response.status_code}: refused, yet something was stored")
    WALKS.append((f"POST routes as every role on {whole_site.backend}", requests, time.perf_counter() - started))
    # "Delete my account" needs the walker's password, which the walk never sends: a walker who
    # deleted their account would walk the rest of the site as a visitor, and prove nothing.
    missing = [role for role in ROLES[1:] if db.session.get(User, whole_site.site.people[role].id) is None]
    assert not missing, f"walkers deleted their own accounts: {missing}"
    assert not problems, "\n".join(problems)
    # Every moderator's and admin's action was refused to a plain member, and admins' to moderators.
    assert {("member", endpoint) for endpoint, role in who.items() if role in ("moderator", "admin")} <= refused
    assert {("moderator", endpoint) for endpoint, role in who.items() if role == "admin"} <= refused
    # The moderator's posts were real actions, not refusals of a bad token: many changed the site.
    assert moderators_changed > 15
