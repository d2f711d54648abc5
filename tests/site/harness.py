"""The whole-site harness: one site holding every state of every feature at once.

Each feature registers one small function with `@registers_states` (in tests/site/states/) that
builds its states on the shared `Site`: the pages worth visiting, with the status each role should
get, and the secrets (unique words in things only some roles may see). The walker then visits every
GET route as every role, with odd input, and checks statuses and leaks; the form fuzzer posts odd
input to every form. A new feature adds its states in one place and is covered on day one.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from kb.auth.models import Role, User
from kb.platform import features
from kb.platform.permissions import required_role
from tests.factories import make_user

# The people who walk the site. "author" wrote the unpublished work; "member" is anyone else signed in.
ROLES = ("anonymous", "member", "author", "moderator", "admin")
SIGNED_IN = ROLES[1:]
MODERATORS = ("moderator", "admin")
EVERYONE = frozenset(ROLES)

# Expected statuses, by who asks.
PUBLIC = dict.fromkeys(ROLES, 200)
MEMBERS_ONLY = {**dict.fromkeys(ROLES, 200), "anonymous": 302}
MODERATORS_ONLY = {"anonymous": 302, "member": 403, "author": 403, "moderator": 200, "admin": 200}
ADMINS_ONLY = {**MODERATORS_ONLY, "moderator": 403}
# What a route's own declaration (kb.platform.permissions: member_required, moderator_required,
# admin_required, or none) means for each role: a page registered without expectations expects this.
DECLARED = {None: PUBLIC, "member": MEMBERS_ONLY, "moderator": MODERATORS_ONLY, "admin": ADMINS_ONLY}


def declared_role(app, url: str) -> str | None:
    endpoint, _arguments = app.url_map.bind("localhost").match(urlsplit(url).path)
    return required_role(app.view_functions[endpoint])


@dataclass(frozen=True)
class Secret:
    """A word that only `visible_to` may ever receive, in HTML or JSON."""

    word: str
    visible_to: frozenset[str]
    what: str
    # Roles whose own writing it is (their report's note): their own data download may hold it.
    written_by: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Page:
    """An address worth visiting and the status each role should get there."""

    url: str
    expect: dict
    endpoint: str = ""


@dataclass(frozen=True)
class Form:
    """A form a role can post: where its page is, who fills it in, and where it is sent."""

    page: str
    role: str
    action: str = ""  # the form's action when the page holds several forms
    send_to: str = ""  # where a button with its own formaction sends the form


@dataclass
class Site:
    people: dict[str, User] = field(default_factory=dict)
    pages: list[Page] = field(default_factory=list)
    secrets: list[Secret] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    # What one feature made that another builds on (a published case study, a members-only thread).
    refs: dict = field(default_factory=dict)
    # Ids to fill the POST routes' addresses with, by argument name, or "name@endpoint" where a
    # route needs its own (a lesson's id for the lesson routes, a featured entry's for featuring).
    ids: dict = field(default_factory=dict)
    # Pages that give the walker their own data (/my/data.zip): a secret they wrote is theirs there.
    own_data_pages: set[str] = field(default_factory=set)
    # (address of something hidden, address of nothing, roles it is hidden from): each such role must
    # get the same answer from both. Pages with ids in their path get an unknown twin on their own.
    hidden_pairs: list[tuple[str, str, frozenset[str]]] = field(default_factory=list)
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def secret(self, what: str, visible_to, written_by=()) -> str:
        """A fresh word to put in something only `visible_to` may see ("qz…zq", so no word is
        a part of another and none is a real English word the seed could contain)."""
        letters = "".join(chr(ord("a") + int(digit)) for digit in str(next(self._numbers)))
        word = f"qz{''.join(ch for ch in what.lower() if ch.isalpha())[:12]}{letters}zq"
        self.secrets.append(Secret(word, frozenset(visible_to), what, frozenset(written_by)))
        return word

    def page(self, url: str, expect: dict | None = None, own_data: bool = False) -> None:
        """A page to walk. Without `expect`, each role expects what the route declares (DECLARED);
        give it where the page says more than its route (a draft only its author may open: 404)."""
        self.pages.append(Page(url, dict(expect) if expect else {}))
        if own_data:
            self.own_data_pages.add(url)

    def hidden_like_unknown(self, url: str, unknown_url: str, hidden_from) -> None:
        """`url` shows something `hidden_from` may not know exists: they must get from it what they
        get from `unknown_url`, which names nothing (status, content type and where a redirect goes)."""
        self.hidden_pairs.append((url, unknown_url, frozenset(hidden_from)))

    def form(self, page: str, role: str, action: str = "", send_to: str = "") -> None:
        self.forms.append(Form(page, role, action, send_to))

    def person(self, key: str, role: Role = Role.MEMBER, **profile) -> User:
        user = make_user(email=f"{key}@example.org", role=role, **profile)
        self.people[key] = user
        return user


StateBuilder = Callable[[Site], None]
BUILDERS: list[tuple[str, StateBuilder]] = []
# States that belong to no one feature, built after every feature's (deleting accounts, which reaches
# into every feature's rows).
ACROSS_FEATURES = ("deletion",)


def registers_states(feature: str) -> Callable[[StateBuilder], StateBuilder]:
    """Decorator: `feature`'s function that puts its states on the site."""

    def register(builder: StateBuilder) -> StateBuilder:
        BUILDERS.append((feature, builder))
        return builder

    return register


def builders_in_order(app) -> list[tuple[str, StateBuilder]]:
    """Each declared feature's builders, in the features' order (kb/app/factory.py), then those across
    features. Every feature the app declares must register states: a new feature is walked too."""
    from tests.site import states  # noqa: F401  (each module registers its builder)

    names = [feature.name for feature in features.declared(app)]
    unwalked = sorted(set(names) - {name for name, _builder in BUILDERS})
    assert unwalked == [], f"give these features states in tests/site/states/: {unwalked}"
    unknown = sorted({name for name, _builder in BUILDERS} - set(names) - set(ACROSS_FEATURES))
    assert unknown == [], f"states registered for features the app does not declare: {unknown}"
    order = {name: position for position, name in enumerate([*names, *ACROSS_FEATURES])}
    return sorted(BUILDERS, key=lambda pair: order[pair[0]])


def build_site(app) -> Site:
    """Every feature's states on one site. The walkers are made first, so every feature can use them."""
    site = Site()
    site.person("member", display_name="Mina Member")
    site.person("author", display_name="Asha Author")
    site.person("moderator", role=Role.MODERATOR, display_name="Mo Moderator")
    site.person("admin", role=Role.ADMIN, display_name="Ada Admin")
    for _feature, builder in builders_in_order(app):
        builder(site)
    site.pages = [
        page if page.expect else Page(page.url, dict(DECLARED[declared_role(app, page.url)])) for page in site.pages
    ]
    return site


def text_of(response) -> str:
    """What a response says: a zip (a member's data download) is read file by file."""
    if response.mimetype == "application/zip":
        with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
            return " ".join(archive.read(name).decode() for name in archive.namelist())
    return response.get_data(as_text=True)
