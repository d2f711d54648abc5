"""Fixtures: a real database (SQLite always, PostgreSQL when KB_TEST_POSTGRES_URL is set), built by
running the Alembic migrations once per backend, emptied after every test; a real search directory."""

from __future__ import annotations

import email
import email.policy
import hashlib
import os
import re
import socket
import tempfile
import uuid
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from flask.testing import FlaskClient
from flask_migrate import upgrade
from itsdangerous import BadSignature, URLSafeTimedSerializer
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

# Settings for every app the tests build; set before any app reads the environment.
os.environ["KB_INSTANCE_DIR"] = tempfile.mkdtemp(prefix="kb-test-instance-")
os.environ["KB_SECRET_KEY"] = "test-secret-key-that-is-long-enough"
os.environ.pop("KB_DATABASE_URL", None)
os.environ.pop("KB_SEARCH_DIR", None)

from kb import create_app  # noqa: E402
from kb.app.config import MailUrl  # noqa: E402
from kb.app.seeding import load_seed  # noqa: E402
from kb.platform import (
    clock,
    mail,  # noqa: E402
)
from kb.platform.extensions import db  # noqa: E402
from kb.search.backends import close_all as close_search_backends  # noqa: E402
from kb.search.backends.postgres.backend import TABLES as POSTGRES_SEARCH_TABLES  # noqa: E402
from kb.search.backends.whoosh.store import ensure_index  # noqa: E402

POSTGRES_URL = os.environ.get("KB_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
SEED_DIR = Path(__file__).resolve().parent.parent / "seed_content"
PASSWORD = "correct horse battery"
# Passwords in tests are hashed by a fast method: scrypt's cost buys nothing here and took most of
# the suite's time (every member made and every sign-in). One test checks production's scrypt.
FAST_HASHING = {"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"}
APPEND_ONLY_TABLE = "audit_log"


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """An empty database with the schema built by the migrations, for the whole session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'kb.sqlite3'}"
        _migrate(url)
        yield url
        return
    schema = f"kb_test_{uuid.uuid4().hex[:12]}"
    admin_engine = create_engine(POSTGRES_URL)
    with admin_engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    url = url.render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with admin_engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin_engine.dispose()


def _migrate(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture
def search_dir(tmp_path) -> Path:
    """A real, empty Whoosh index on disk: search is switched on in every test."""
    folder = tmp_path / "search"
    ensure_index(folder)
    return folder


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, as in production.

    The fixtures keep an app context open for the test body; without this, requests would reuse it
    and share `g` (and so Flask-Login's current user) and its database session.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # End the test body's transaction so it sees what the request committed.
        db.session.rollback()
        return response


class CompiledTemplates(BytecodeCache):
    """Compiled templates kept for the whole run. Every test builds its own app, and compiling the
    same templates again for each one cost about a tenth of the suite's time. Jinja keys each entry
    by the template's source, so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def build_test_app(database_url: str, search_dir: Path, search_backend: str = "whoosh"):
    """The app as the tests build it: real database and index, fast password hashing."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "KB_SEARCH_DIR": str(search_dir),
            "TESTING": True,
            "KB_SEARCH_BACKEND": search_backend,
            **FAST_HASHING,
        }
    )
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


def tear_down(app) -> None:
    """Inside the app's context: leave the database empty and let go of connections and the index."""
    db.session.rollback()
    empty_tables()
    db.session.remove()
    db.engine.dispose()
    close_search_backends(app)


@pytest.fixture
def app(database_url, search_dir):
    app = build_test_app(database_url, search_dir)
    with app.app_context():
        yield app
        tear_down(app)
    clock.freeze(None)


# Tables without models (the PostgreSQL search backend's), emptied after each test too.
TABLES_WITHOUT_MODELS = POSTGRES_SEARCH_TABLES


def empty_tables() -> None:
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            for name in TABLES_WITHOUT_MODELS:
                connection.execute(text(f"DELETE FROM {name}"))
        for table in reversed(db.metadata.sorted_tables):
            if table.name == APPEND_ONLY_TABLE:
                _empty_append_only_table(connection)
            else:
                connection.execute(table.delete())


def _empty_append_only_table(connection) -> None:
    """The audit log refuses DELETE, as in production (triggers, migration 0014), so the tests empty
    it around them: PostgreSQL's TRUNCATE does not fire row triggers; on SQLite the triggers are set
    aside and put back, from their own definitions, in the same transaction."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"TRUNCATE {APPEND_ONLY_TABLE}"))
        return
    triggers = connection.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table"),
        {"table": APPEND_ONLY_TABLE},
    ).all()
    for name, _sql in triggers:
        connection.execute(text(f'DROP TRIGGER "{name}"'))
    connection.execute(text(f"DELETE FROM {APPEND_ONLY_TABLE}"))
    for _name, sql in triggers:
        connection.execute(text(sql))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# The seeded rows of each database, copied after the first real seed of the run.
SEEDED_ROWS: dict[str, list[tuple]] = {}


@pytest.fixture
def seeded(app, database_url):
    """The leaflet's content, loaded as `flask kb seed` loads it: for real in the first test of a
    run on each database, then put back from a copy of the rows it wrote (the same rows, a tenth of
    the time: reading and rendering the YAML was the largest cost of most tests)."""
    if database_url not in SEEDED_ROWS:
        load_seed(SEED_DIR)
        SEEDED_ROWS[database_url] = copy_of_all_rows()
    else:
        put_back(SEEDED_ROWS[database_url])
    return app


def copy_of_all_rows() -> list[tuple]:
    with db.engine.connect() as connection:
        return [
            (
                table,
                [
                    dict(row)
                    for row in connection.execute(select(table).order_by(*table.primary_key.columns)).mappings()
                ],
            )
            for table in db.metadata.sorted_tables
        ]


def put_back(copied: list[tuple]) -> None:
    """The copied rows, beside any a fixture made before this one (a member's name written before
    the seed already set the board's version row: that row is kept)."""
    with db.engine.begin() as connection:
        insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        for table, rows in copied:
            if rows:
                connection.execute(insert(table).on_conflict_do_nothing(), rows)


CSRF_PATTERN = re.compile(r'<input[^>]*name="(?:[\w-]*-)?csrf_token"[^>]*value="([^"]+)"')


def session_csrf_token(client) -> str | None:
    """The signed form token for the raw token in the client's session cookie (as Flask-WTF signs
    it), or None when the session has none: saves a page fetch before every test post."""
    app = client.application
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    if cookie is None:
        return None
    try:
        data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    except BadSignature:
        return None
    raw = data.get("csrf_token")
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps(raw) if raw else None


def form_token(client) -> str:
    """The client's form token, as a page would give it: a new browser gets a fresh one in its
    session cookie first, as Flask-WTF makes it, without a page fetched for it."""
    token = session_csrf_token(client)
    if token is None:
        with client.session_transaction() as session:
            session["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()
        token = session_csrf_token(client)
    return token


def sign_in(client, person, password: str = PASSWORD):
    """Sign `person` (a member or an email address) in through the login form, and check it worked."""
    email = getattr(person, "email", person)
    response = Auth(client).login(email, password)
    assert response.status_code == 302 and "/login" not in response.headers["Location"], f"{email} could not sign in"
    return client


def csrf_token_from(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


class Auth:
    """Log in and out through the real pages, CSRF token included."""

    def __init__(self, client):
        self.client = client

    def csrf_token(self) -> str:
        return csrf_token_from(self.client.get("/login").get_data(as_text=True))

    def login(self, email: str, password: str = PASSWORD, **extra):
        data = {"email": email, "password": password, "csrf_token": form_token(self.client), **extra}
        return self.client.post("/login", data=data)

    def logout(self):
        token = session_csrf_token(self.client) or csrf_token_from(self.client.get("/").get_data(as_text=True))
        return self.client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    return Auth(client)


class Mailbox:
    """What a real SMTP server on 127.0.0.1 received, for tests that read the mail the site sends."""

    def __init__(self) -> None:
        self.messages: list = []

    def deliver(self) -> list:
        """Send what the outbox holds (as `flask kb mail send` would) and return what arrived."""
        before = len(self.messages)
        mail.send_due()
        return self.messages[before:]

    def to(self, address: str) -> list:
        return [message for message in self.messages if message["To"] == address]

    @staticmethod
    def text_of(message) -> str:
        return message.get_body(("plain",)).get_content()

    @staticmethod
    def html_of(message) -> str:
        return message.get_body(("html",)).get_content()

    @classmethod
    def link_in(cls, message, path: str) -> str:
        """The first link in the message's plain text whose address contains `path`, as a path."""
        links = [link for link in re.findall(r"https?://[^/\s]+(/\S*)", cls.text_of(message)) if path in link]
        assert links, f"no link to {path} in the message"
        return links[0]


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free port of 127.0.0.1; its Controller cannot take port 0,
    so a free port is found first."""
    mailbox = Mailbox()

    class Collect(Message):
        def handle_message(self, message) -> None:
            mailbox.messages.append(email.message_from_bytes(message.as_bytes(), policy=email.policy.default))

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    mailbox.port = port
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def mailbox(app, smtp_server):
    """The app's mail goes to the test SMTP server; returns what it received."""
    app.config["KB_MAIL_URL"] = MailUrl("smtp", host="127.0.0.1", port=smtp_server.port)
    return smtp_server
