"""`flask kb ...`: the operator's commands (seed, accounts, search index, mail)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask.cli import with_appcontext

from kb.app.seeding import load_seed
from kb.auth import service as accounts
from kb.auth.models import Role
from kb.meaning import vectors as meaning_vectors
from kb.notifications import digests
from kb.ops import backup as backups
from kb.ops import health
from kb.partnerships import telling as health_check_telling
from kb.platform import mail
from kb.platform.seed_files import SeedError
from kb.platform.settings import PROJECT_ROOT
from kb.platform.text import plural
from kb.platform.vocabulary import REGIONS, Sector
from kb.search import service as search

SEED_DIR = PROJECT_ROOT / "seed_content"
T = TypeVar("T")


@click.group("kb")
def kb_group() -> None:
    """Common Ground operator commands."""


@kb_group.command("seed")
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=SEED_DIR,
    show_default=True,
    help="Where the seed YAML files are.",
)
@with_appcontext
def seed(directory: Path) -> None:
    """Load the leaflet's content from seed_content/ (safe to run again)."""
    click.echo(f"Seeding from {directory}")
    try:
        report = load_seed(directory, progress=click.echo)
    except SeedError as error:
        raise click.ClickException(f"{error}. Nothing was changed.") from None
    click.echo(report.summary())


@contextmanager
def refusals_as_messages():
    """A rule's refusal ends the command with its message and exit code 1, not a traceback."""
    try:
        yield
    except accounts.AuthError as error:
        raise click.ClickException(str(error)) from None


def read_password(password_stdin: bool) -> str:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not accounts.PASSWORD_MIN <= len(password) <= accounts.PASSWORD_MAX:
        raise click.ClickException(
            f"The password must be {accounts.PASSWORD_MIN} to {accounts.PASSWORD_MAX} characters long."
        )
    return password


def check_email(email: str) -> str:
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.BadParameter(f"{email!r} is not an email address: {error}", param_hint="EMAIL") from None
    return email


@kb_group.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), default=Role.MEMBER.value, show_default=True)
@click.option("--name", "display_name", help="Display name (default: the part of the email before @).")
@click.option("--organisation", default="", help="Organisation the person works for.")
@click.option(
    "--sector", type=click.Choice([sector.value for sector in Sector]), default=Sector.OTHER.value, show_default=True
)
@click.option("--region", type=click.Choice(REGIONS), default=None)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@with_appcontext
def create_user(email, role, display_name, organisation, sector, region, password_stdin) -> None:
    """Create an account, for example the first admin: flask kb create-user EMAIL --role admin"""
    check_email(email)
    if accounts.email_in_use(email):
        raise click.ClickException(f"An account with the email {email} already exists (see `flask kb set-role`).")
    password = read_password(password_stdin)
    profile = accounts.Profile(
        display_name=display_name or email.split("@", 1)[0],
        organisation=organisation,
        sector=sector,
        region=region,
    )
    with refusals_as_messages():
        user = accounts.create_account(email, password, profile, role=Role(role))
    click.echo(f"Created {user.role} {user.email} ({user.display_name}).")


@kb_group.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice([role.value for role in Role]))
@with_appcontext
def set_role(email: str, role: str) -> None:
    """Make an account a member, moderator or admin."""
    with refusals_as_messages():
        user = accounts.set_role(email, Role(role))
    click.echo(f"{user.email} is now {user.role}.")


@kb_group.command("suspend")
@click.argument("email")
@click.option(
    "--until",
    "until",
    required=True,
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%d %H:%M"]),
    help="When the suspension ends (UTC), e.g. 2026-12-31 or '2026-12-31 17:00'.",
)
@click.option("--reason", required=True, help="Why; the member is shown this.")
@with_appcontext
def suspend(email: str, until: datetime, reason: str) -> None:
    """Suspend an account: it cannot log in until the date given."""
    with refusals_as_messages():
        user = accounts.suspend(email, until, reason)
    click.echo(f"{user.email} is suspended until {until:%Y-%m-%d %H:%M} UTC.")


@kb_group.command("unsuspend")
@click.argument("email")
@with_appcontext
def unsuspend(email: str) -> None:
    """Lift a suspension early."""
    with refusals_as_messages():
        user = accounts.lift_suspension(email)
    click.echo(f"{user.email} can log in again.")


@kb_group.group("index")
def index_group() -> None:
    """The full-text search index."""


@index_group.command("init")
@with_appcontext
def index_init() -> None:
    """Create the search index if there is none (filled from the database), else catch up the outbox."""
    try:
        state, folder = search.prepare(), search.location()
    except search.IndexUnavailable as error:
        raise click.ClickException(str(error)) from None
    if state == "created":
        click.echo(f"Created a search index in {folder}; filling it from the database.")
        _rebuild_with_progress()
    elif state == "outdated":
        click.echo(f"The search index in {folder} was built by an older version; rebuilding it.")
        _rebuild_with_progress()
    else:
        result = search.drain()
        click.echo(f"Kept the existing search index in {folder}; {result.indexed} queued changes indexed.")


def with_progress(label: str, work: Callable[[Callable[[int, int], None]], T]) -> T:
    """Run `work(progress)` under a progress bar whose length it learns as it goes (done, total)."""
    with click.progressbar(length=1, label=label, show_pos=True) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        return work(progress)


def _rebuild_with_progress() -> None:
    try:
        count = with_progress("Indexing", search.rebuild)
    except search.IndexBusy as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Indexed {count} documents.")


@index_group.command("rebuild")
@with_appcontext
def index_rebuild() -> None:
    """Build a fresh index from the database and swap it in; search keeps working meanwhile."""
    _rebuild_with_progress()


@index_group.command("vectors")
@with_appcontext
def index_vectors() -> None:
    """Recompute every document's meaning vector (after changing the embedding model, say)."""
    count = with_progress("Embedding", meaning_vectors.rebuild_vectors)
    click.echo(f"Computed vectors for {count} documents.")


@index_group.command("drain")
@with_appcontext
def index_drain() -> None:
    """Index every change waiting in the outbox (normally done after each request)."""
    result = search.drain()
    if result.busy:
        raise click.ClickException(f"The index is locked by another process; {result.remaining} changes still wait.")
    click.echo(f"Indexed {result.indexed} queued changes; {result.remaining} waiting.")


@index_group.command("status")
@with_appcontext
def index_status() -> None:
    """Documents in the index against the database, per type, and the outbox backlog."""
    health = search.index_health()
    if not health["ok"]:
        raise click.ClickException(f"{health['error']}. Run `flask kb index init`.")
    report = search.status()
    click.echo(f"search backend: {current_app.config['KB_SEARCH_BACKEND']} ({search.location()})")
    click.echo(f"{'type':16} {'index':>8} {'database':>9}")
    for name, counts in report["types"].items():
        flag = "" if counts["index"] == counts["database"] else "  <- differs: run `flask kb index rebuild`"
        click.echo(f"{name:16} {counts['index']:>8} {counts['database']:>9}{flag}")
    backlog = report["outbox"]
    click.echo(f"outbox: {backlog['rows']} waiting, oldest {backlog['oldest_seconds']} s")


@index_group.command("check")
@with_appcontext
def index_check() -> None:
    """Say whether the index can be read, and how many documents it holds."""
    folder = search.location()
    health = search.index_health()
    if not health["ok"]:
        raise click.ClickException(f"{health['error']}. Run `flask kb index init`.")
    click.echo(f"Search index in {folder} is readable: {health['documents']} documents.")


# --- backup and restore -----------------------------------------------------------------------


def describe(manifest: backups.Manifest) -> str:
    rows = sum(manifest.rows.values())
    return (
        f"{manifest.backend} database at schema {manifest.revision or '(none)'}, made {manifest.created_at}, "
        f"{rows:,} rows in {len(manifest.rows)} tables"
    )


@kb_group.group("mail")
def mail_group() -> None:
    """The mail outbox: messages the site has queued."""


def send_and_report() -> None:
    """Send what is due. A message that fails is its own business (retried, or given up), not the
    command's: the command says which, one line each on stderr (so cron mails them), and succeeds."""
    result = mail.send_due(log_failures=False)
    for line in result.failures:
        click.echo(line, err=True)
    click.echo(
        f"Sent {result.sent}; {result.failed} failed ({result.failed - result.given_up} to be retried, "
        f"{result.given_up} given up); {result.waiting} waiting."
    )


@mail_group.command("send")
@with_appcontext
def mail_send() -> None:
    """Send every message that is due (normally done after each request; cron it as well)."""
    send_and_report()


@mail_group.command("digests")
@with_appcontext
def mail_digests() -> None:
    """Queue the daily and weekly digests that are due, then send the mail that is due (cron it daily)."""
    run = with_progress("Members with new items", digests.send_digests)
    click.echo(
        f"{plural(run.members, 'member')} with new items: {plural(run.digests, 'digest')} queued, listing "
        f"{plural(run.items, 'item')}; {run.not_due} not due yet; {run.not_mailed} not mailed (address "
        "unverified, or suspended)."
    )
    send_and_report()


@mail_group.command("reminders")
@with_appcontext
def mail_reminders() -> None:
    """Tell members of health-check rounds closing soon (if they have not answered) and of rounds
    whose closing date has passed (their results), then send the mail that is due (cron it hourly)."""
    run = with_progress("Rounds", health_check_telling.send_due)
    click.echo(
        f"{plural(run.reminders, 'reminder')} for {plural(run.rounds_reminded, 'round')} closing soon; "
        f"{plural(run.rounds_closed, 'round')} closed by date, {plural(run.told_results, 'member')} told "
        "its results are ready."
    )
    send_and_report()


@mail_group.command("status")
@with_appcontext
def mail_status() -> None:
    """The outbox backlog: waiting, retrying, given up (and why), and whether /healthz calls mail degraded."""
    check = health.check_mail_outbox()
    click.echo("mail: ok" if check["ok"] else f"mail: degraded: {check['error']}")
    backlog = mail.backlog()
    click.echo(
        f"waiting: {backlog['waiting']} (oldest {backlog['oldest_seconds']} s), of which retrying: "
        f"{backlog['retrying']}"
    )
    click.echo(f"given up after {mail.MAX_ATTEMPTS} attempts in the last week: {backlog['given_up']}")
    for row in mail.given_up_lately():
        click.echo(
            f"  mail {row.id} ({row.kind}) to {row.to_address!r}, given up {row.failed_at:%Y-%m-%d %H:%M} UTC: "
            f"{row.last_error}"
        )
    click.echo(f"sent in the last week: {backlog['sent_last_week']}")


@kb_group.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(path: Path) -> None:
    """Write a consistent copy of the database to PATH (one file), while the site serves."""
    try:
        manifest = backups.backup(path, progress=click.echo)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up to {path}: {describe(manifest)}; SHA-256 {manifest.sha256}.")


@kb_group.command("check-backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def check_backup(path: Path) -> None:
    """Check that the backup at PATH is whole (its checksum matches) and say what it holds."""
    try:
        manifest = backups.check(path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"The backup is whole: {describe(manifest)}.")


@kb_group.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace everything in a database that already holds data.")
@with_appcontext
def restore(path: Path, force: bool) -> None:
    """Put the backup at PATH back into an empty database, then rebuild the search index from it."""
    try:
        manifest = backups.restore(path, force=force, progress=click.echo)
    except backups.BackupError as error:
        raise click.ClickException(f"{error} Nothing was changed.") from None
    except backups.RestoreFailed as error:
        raise click.ClickException(
            f"{error}. The database is incomplete: fix the cause and restore again with --force."
        ) from None
    click.echo(f"Restored {describe(manifest)}.")
    now = backups.row_counts()
    differences = {table: (count, now.get(table)) for table, count in manifest.rows.items() if now.get(table) != count}
    if differences:
        raise click.ClickException(f"The restored rows differ from the backup's: {differences}")
    click.echo("Every table holds the rows the backup recorded. Rebuilding the search index.")
    _rebuild_with_progress()
