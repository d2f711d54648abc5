"""Email: one way to send it, whatever carries it (KB_MAIL_URL: an SMTP server, or a folder of .eml
files so a new installation needs no mail server).

Sending never happens inside a web request. `queue()` renders the message (a plain-text and an
HTML part, from templates/mail/) and adds it to the `mail_outbox` table in the caller's
transaction, so a message exists exactly when what it reports was committed. Messages leave from
`flask kb mail send`, or after a response that queued one (as the search outbox drains). Several
processes may send at once: each claims its rows with a conditional UPDATE (and `FOR UPDATE SKIP
LOCKED` on PostgreSQL), so no message is sent twice. A failure is retried with growing waits, and
a message that fails however it fails (refused by the server, or impossible to build from what was
stored) costs only its own attempt: the others in its batch still go.
"""

from __future__ import annotations

import logging
import os
import secrets
import smtplib
import ssl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, render_template
from sqlalchemy import (
    ColumnElement,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    delete,
    event,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from kb.platform import clock, site_address
from kb.platform.extensions import db
from kb.platform.settings import MailUrl
from kb.platform.text import one_line

log = logging.getLogger("kb.platform.mail")

SUBJECT_MAX = 200
ERROR_MAX = 500
# A claimed message not marked sent or failed within this time is taken to belong to a process that
# died: it is claimed again. (A process that died after the server accepted the message and before
# recording it would send that one message twice; nothing else can.)
CLAIM_LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 8  # about 4 hours of retries with the waits below, then the message is given up
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=2)
SENT_KEPT_FOR = timedelta(days=7)  # sent rows are kept a week: rate limits count them
GIVEN_UP_REPORTED_FOR = timedelta(days=7)  # /healthz and `flask kb mail status` warn of these a week
BATCH = 20
SMTP_TIMEOUT_SECONDS = 20
SWEEP_EVERY_SECONDS = 60
# Messages written only so that a request does the same work whatever the answer (a reset asked for an
# address with no account): queued like any other, never sent, counted by no figure an operator reads.
WITHHELD_KINDS = ("reset_no_account",)


def not_withheld() -> ColumnElement[bool]:
    """The one filter every figure, list and export of the outbox applies: a withheld message was
    never meant to be sent, so no one may read it as sent, waiting or given up."""
    return MailOutbox.kind.not_in(WITHHELD_KINDS)


class MailOutbox(db.Model):  # type: ignore[name-defined]  # Flask-SQLAlchemy makes it at run time
    """One message to send, or sent (kept a week), or given up after its retries."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        Index("ix_mail_outbox_due", "sent_at", "failed_at", "next_attempt_at"),
        Index("ix_mail_outbox_to_kind_at", "to_address", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # the template's name: "verify_email", "reset_password"
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    failed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(ERROR_MAX))


# --- writing messages -----------------------------------------------------------------------------


def absolute_url(endpoint: str, **values: Any) -> str:
    """A link for a message, on the site's configured address (KB_SITE_URL), never on the Host
    header of the request that happened to queue it."""
    return site_address.external_url(endpoint, **values)


def queue(
    to: str,
    kind: str,
    subject: str,
    user: Any = None,
    unsubscribe_url: str | None = None,
    template: str = "",
    **context: Any,
) -> MailOutbox:
    """Render templates/mail/<template or kind>.txt and .html and add the message to the caller's transaction.

    `unsubscribe_url` marks a notification: it gets an unsubscribe link in both parts and the
    List-Unsubscribe headers."""
    template = template or kind
    subject = one_line(subject)[:SUBJECT_MAX]
    context = {
        **context,
        "subject": subject,
        "unsubscribe_url": unsubscribe_url,
        "site_url": current_app.config["KB_SITE_URL"],
    }
    now = clock.now()
    message = MailOutbox(
        kind=kind,
        to_address=to,
        subject=subject,
        body_text=render_template(f"mail/{template}.txt", **context),
        body_html=render_template(f"mail/{template}.html", **context),
        unsubscribe_url=unsubscribe_url,
        user_id=user.id if user is not None else None,
        created_at=now,
        next_attempt_at=now,
        attempts=0,
    )
    db.session.add(message)
    db.session.info["mail_queued"] = True
    return message


def sent_recently(to: str, kinds: tuple[str, ...], within: timedelta) -> int:
    """How many messages of these kinds were queued for an address lately (for rate limits)."""
    return (
        db.session.scalar(
            select(func.count(MailOutbox.id)).where(
                MailOutbox.to_address == to, MailOutbox.kind.in_(kinds), MailOutbox.created_at > clock.now() - within
            )
        )
        or 0
    )


def build_message(row: MailOutbox, sender: str) -> EmailMessage:
    """The message as it goes out: plain text first, HTML as the alternative; a notification's
    List-Unsubscribe headers (RFC 2369, and RFC 8058's one-click POST). A header cannot hold a line
    break (EmailMessage refuses one with ValueError): the subject is put on one line here too, for
    rows queued before titles were."""
    message = EmailMessage()
    message["Subject"] = one_line(row.subject)
    message["From"] = sender
    message["To"] = row.to_address
    message["Date"] = format_datetime(clock.now().replace(tzinfo=UTC))
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(f"kb{row.id}", domain=domain)
    if row.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.body_text)
    message.add_alternative(row.body_html, subtype="html")
    return message


# --- carrying messages ----------------------------------------------------------------------------


class FileMailer:
    """Writes each message as an .eml file: the default, so `make run` needs no mail server."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @contextmanager
    def connection(self) -> Iterator[Callable[[EmailMessage], object]]:
        self.folder.mkdir(parents=True, exist_ok=True)

        def write(message: EmailMessage) -> None:
            name = f"{clock.now():%Y%m%dT%H%M%S}-{secrets.token_hex(4)}.eml"
            partial = self.folder / f".{name}.partial"
            partial.write_bytes(message.as_bytes())
            os.replace(partial, self.folder / name)  # whole or not at all

        yield write


class SmtpMailer:
    """An SMTP server, with STARTTLS when asked (KB_MAIL_URL ...?starttls=1) and a login when given."""

    def __init__(self, url: MailUrl) -> None:
        self.url = url

    @contextmanager
    def connection(self) -> Iterator[Callable[[EmailMessage], object]]:
        with smtplib.SMTP(self.url.host, self.url.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if self.url.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.url.username:
                smtp.login(self.url.username, self.url.password)
            yield smtp.send_message


def mailer() -> FileMailer | SmtpMailer:
    url: MailUrl = current_app.config["KB_MAIL_URL"]
    if url.scheme == "file":
        assert url.folder is not None  # the configuration gives a file mailer its folder
        return FileMailer(url.folder)
    return SmtpMailer(url)


# --- the outbox -----------------------------------------------------------------------------------


def _due(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        MailOutbox.sent_at.is_(None),
        MailOutbox.failed_at.is_(None),
        MailOutbox.next_attempt_at <= now,
        or_(MailOutbox.claimed_until.is_(None), MailOutbox.claimed_until < now),
    )


def claim(limit: int = BATCH) -> list[MailOutbox]:
    """Take up to `limit` due messages for this process, in one UPDATE that repeats the conditions:
    of two processes that reach the same rows only one changes each (the other's UPDATE finds them
    claimed); on PostgreSQL the rows are chosen with FOR UPDATE SKIP LOCKED, so a sender passes
    over rows another is claiming instead of waiting for them. One statement also takes SQLite's
    write lock at once, instead of upgrading a read lock (which SQLite may refuse)."""
    now = clock.now()
    token = secrets.token_hex(16)
    chosen = (
        select(MailOutbox.id).where(*_due(now)).order_by(MailOutbox.id).limit(limit).with_for_update(skip_locked=True)
    )
    claimed = db.session.execute(
        update(MailOutbox)
        .where(MailOutbox.id.in_(chosen), *_due(now))
        .values(claim_token=token, claimed_until=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult
    db.session.commit()
    if not claimed:
        return []
    return list(db.session.scalars(select(MailOutbox).where(MailOutbox.claim_token == token).order_by(MailOutbox.id)))


def retry_wait(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after each failure, at most two hours."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


def _record_sent(row: MailOutbox) -> None:
    row.sent_at = clock.now()
    row.claim_token = row.claimed_until = None
    row.last_error = None
    db.session.commit()


def _record_failure(row: MailOutbox, error: Exception) -> str:
    """Count the attempt, set the next one (or give up) and say so in one line, for the log or the
    operator's command."""
    now = clock.now()
    row.attempts += 1
    row.last_error = one_line(f"{type(error).__name__}: {error}")[:ERROR_MAX]
    row.claim_token = row.claimed_until = None
    if row.attempts >= MAX_ATTEMPTS:
        row.failed_at = now
        outcome = f"given up after {row.attempts} attempts"
    else:
        row.next_attempt_at = now + retry_wait(row.attempts)
        outcome = f"attempt {row.attempts} of {MAX_ATTEMPTS}, next at {row.next_attempt_at:%Y-%m-%d %H:%M} UTC"
    db.session.commit()
    return f"mail {row.id} to {row.to_address!r} not sent ({outcome}): {row.last_error}"


# Refusals of one message: the connection is still good for the rest of the batch. Every other
# OSError (SMTPException is one) means the connection is gone, or was never made.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused)


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    given_up: int = 0
    waiting: int = 0
    failures: list[str] = field(default_factory=list)  # one line for each message not sent
    log_failures: bool = True

    def failed_with(self, row: MailOutbox, error: Exception) -> None:
        line = _record_failure(row, error)
        self.failures.append(line)
        self.failed += 1
        self.given_up += row.failed_at is not None
        if self.log_failures:
            log.log(logging.ERROR if row.failed_at else logging.WARNING, "%s", line)


def _send_batch(rows: list[MailOutbox], carrier: FileMailer | SmtpMailer, sender: str, result: SendResult) -> None:
    # Withheld rows are settled before the mail server is asked for anything: an outage must not
    # turn them into retries or give them up, where an operator's figures would show them.
    for row in rows:
        if row.kind in WITHHELD_KINDS:
            _record_sent(row)  # kept a week like a sent one: the rate limits count it the same
    to_send = [row for row in rows if row.kind not in WITHHELD_KINDS]
    if not to_send:
        return
    with carrier.connection() as send:
        for row in to_send:
            try:
                send(build_message(row, sender))
            except REFUSED as error:
                result.failed_with(row, error)
            except OSError:
                raise
            except Exception as error:
                # This message cannot be built or written (a header that cannot hold what was stored,
                # say): it alone pays, with an attempt, and the batch goes on. Its one-line reason is
                # logged and kept; a traceback per retry would bury the lines an operator reads.
                result.failed_with(row, error)
            else:
                _record_sent(row)
                result.sent += 1


def send_due(budget_seconds: float | None = None, log_failures: bool = True) -> SendResult:
    """Send what is due, batch by batch, until nothing is due (or the budget is spent). Each message
    not sent is logged, one line each, unless the caller reports `failures` itself."""
    result = SendResult(log_failures=log_failures)
    deadline = time.monotonic() + budget_seconds if budget_seconds else None
    sender = current_app.config["KB_MAIL_SENDER"]
    carrier = mailer()
    while deadline is None or time.monotonic() < deadline:
        rows = claim()
        if not rows:
            break
        try:
            _send_batch(rows, carrier, sender, result)
        except SQLAlchemyError:
            raise  # the outbox itself is out of reach: the claims lapse and the rows are taken again
        except Exception as error:
            # The server is down, refused us or dropped the connection: every message still claimed
            # counts an attempt and waits for its retry, rather than for its claim to lapse.
            if not isinstance(error, OSError):
                log.exception("sending a batch of mail failed")
            for row in rows:
                if row.sent_at is None and row.claim_token is not None:
                    result.failed_with(row, error)
    db.session.execute(delete(MailOutbox).where(MailOutbox.sent_at < clock.now() - SENT_KEPT_FOR))
    db.session.commit()
    result.waiting = backlog()["waiting"]
    return result


def send_quietly(budget_seconds: float = 5.0) -> None:
    """Send after a response: a failure is logged, never shown to anyone (the rows stay)."""
    try:
        send_due(budget_seconds)
    except SQLAlchemyError:
        log.exception("sending mail from the outbox failed; the messages stay for the next try")
        db.session.rollback()


def backlog() -> dict[str, Any]:
    """What waits (and since when), what is failing, and what was given up in the last week."""
    now = clock.now()
    unsent = (MailOutbox.sent_at.is_(None), MailOutbox.failed_at.is_(None), not_withheld())
    waiting, oldest = db.session.execute(
        select(func.count(MailOutbox.id), func.min(MailOutbox.created_at)).where(*unsent)
    ).one()
    retrying = db.session.scalar(select(func.count(MailOutbox.id)).where(*unsent, MailOutbox.attempts > 0))
    given_up = db.session.scalar(
        select(func.count(MailOutbox.id)).where(MailOutbox.failed_at > now - GIVEN_UP_REPORTED_FOR, not_withheld())
    )
    sent = db.session.scalar(select(func.count(MailOutbox.id)).where(MailOutbox.sent_at.is_not(None), not_withheld()))
    return {
        "waiting": waiting,
        "retrying": retrying,
        "given_up": given_up,
        "sent_last_week": sent,
        "oldest_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0.0,
    }


def given_up_lately(limit: int = 10) -> list[MailOutbox]:
    """The messages most recently given up (in the last week), with why, for the operator."""
    return list(
        db.session.scalars(
            select(MailOutbox)
            .where(MailOutbox.failed_at > clock.now() - GIVEN_UP_REPORTED_FOR, not_withheld())
            .order_by(MailOutbox.failed_at.desc(), MailOutbox.id.desc())
            .limit(limit)
        )
    )


# --- sending after the response -------------------------------------------------------------------


@event.listens_for(Session, "after_commit")
def _note_queued(session: Session) -> None:
    if session.info.pop("mail_queued", False):
        session.info["mail_send_wanted"] = True


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop("mail_queued", None)


def register(app: Flask) -> None:
    @app.after_request
    def send_after_response(response: Response) -> Response:
        """After a commit that queued mail, send once the response has gone to the browser; every
        minute or so, also pick up messages whose retry is due or that a crashed process left."""
        wanted = bool(db.session.info.pop("mail_send_wanted", False))
        state = app.extensions.setdefault("kb_mail_sweep", {"last": 0.0})
        if not wanted and time.monotonic() - state["last"] > SWEEP_EVERY_SECONDS:
            state["last"] = time.monotonic()
            try:
                wanted = (db.session.scalar(select(func.count(MailOutbox.id)).where(*_due(clock.now()))) or 0) > 0
            except SQLAlchemyError:
                db.session.rollback()
                wanted = False
        if wanted:

            def send_in_context() -> None:
                with app.app_context():
                    send_quietly()

            response.call_on_close(send_in_context)
        return response
