"""kb/platform/mail.py: messages are queued in the caller's transaction, leave through a real SMTP server (or
as .eml files), with plain text and HTML, are retried with growing waits and sent once only."""

from __future__ import annotations

import email
import email.policy
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from kb.app.config import ConfigError, MailUrl, parse_mail_url
from kb.platform import clock, mail
from kb.platform.extensions import db
from kb.platform.mail import MailOutbox

NOW = datetime(2026, 11, 28, 9, 0)


def queue_one(to="priya@example.org", **extra) -> MailOutbox:
    row = mail.queue(
        to,
        "reset_password",
        "Reset your Common Ground password",
        name="Priya <b>Shah</b>",
        link="https://example.org/reset-password/abc",
        minutes=60,
        **extra,
    )
    db.session.commit()
    return row


def test_mail_urls_are_read_with_their_parts(tmp_path):
    smtp = parse_mail_url("smtp://sam%40x:p%3Ass@mail.example.org:587?starttls=1")
    assert smtp == MailUrl("smtp", host="mail.example.org", port=587, username="sam@x", password="p:ss", starttls=True)
    assert parse_mail_url("smtp://localhost").port == 25
    assert parse_mail_url("file://instance/mail", project_root=tmp_path).folder == tmp_path / "instance" / "mail"
    assert parse_mail_url("file:///var/mail/kb").folder == Path("/var/mail/kb")
    with pytest.raises(ConfigError, match="KB_MAIL_URL"):
        parse_mail_url("smtp://:25")


def test_a_queued_message_arrives_whole_through_smtp_with_text_and_html(app, mailbox):
    queue_one()
    arrived = mailbox.deliver()
    assert len(arrived) == 1
    message = arrived[0]
    assert message["To"] == "priya@example.org"
    assert message["Subject"] == "Reset your Common Ground password"
    assert message["From"] == app.config["KB_MAIL_SENDER"]
    assert message["Message-ID"]
    assert message.get_content_type() == "multipart/alternative"
    assert "https://example.org/reset-password/abc" in mailbox.text_of(message)
    html = mailbox.html_of(message)
    assert 'href="https://example.org/reset-password/abc"' in html
    assert "Priya &lt;b&gt;Shah&lt;/b&gt;" in html  # what people typed is escaped in HTML
    assert "List-Unsubscribe" not in message  # an account message, not a notification
    row = db.session.scalar(select(MailOutbox))
    assert row.sent_at is not None and row.attempts == 0


def test_a_notification_carries_an_unsubscribe_link_and_headers(app, mailbox):
    queue_one(unsubscribe_url="https://example.org/my/email/unsubscribe/xyz")
    message = mailbox.deliver()[0]
    assert message["List-Unsubscribe"] == "<https://example.org/my/email/unsubscribe/xyz>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "https://example.org/my/email/unsubscribe/xyz" in mailbox.text_of(message)
    assert 'href="https://example.org/my/email/unsubscribe/xyz"' in mailbox.html_of(message)


def test_a_message_rolled_back_with_its_transaction_is_never_sent(app, mailbox):
    mail.queue("priya@example.org", "reset_password", "Reset", name="P", link="x", minutes=60)
    db.session.rollback()
    assert mailbox.deliver() == []
    assert db.session.scalar(select(MailOutbox)) is None


def test_each_message_is_sent_once_however_many_senders_run(app, mailbox):
    for number in range(5):
        queue_one(to=f"member{number}@example.org")
    first = mail.claim(limit=3)
    second = mail.claim(limit=10)  # another worker, while the first still holds its claim
    assert {row.id for row in first}.isdisjoint({row.id for row in second})
    assert len(first) + len(second) == 5
    assert mail.claim() == []  # nothing left unclaimed
    mail.send_due()  # claimed rows are not sent again by anyone else
    assert mailbox.messages == []


def test_senders_running_at_the_same_moment_never_claim_the_same_message(app):
    for number in range(40):
        mail.queue(f"member{number}@example.org", "reset_password", "Reset", name="P", link="x", minutes=60)
    db.session.commit()
    claimed: list[list[int]] = []
    start = threading.Barrier(4)

    def sender() -> None:
        with app.app_context():  # a session (and connection) of its own, as in another worker
            start.wait()
            mine = []
            while rows := mail.claim(limit=3):
                mine += [row.id for row in rows]
            claimed.append(mine)
            db.session.remove()

    workers = [threading.Thread(target=sender) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    every = [row_id for mine in claimed for row_id in mine]
    assert len(claimed) == 4
    assert len(every) == len(set(every)) == 40


def test_a_claim_left_by_a_crashed_sender_is_taken_again_after_the_lease(app, mailbox):
    clock.freeze(NOW)
    queue_one()
    assert len(mail.claim()) == 1  # ...and the process dies
    assert mailbox.deliver() == []
    clock.freeze(NOW + mail.CLAIM_LEASE + timedelta(seconds=1))
    assert len(mailbox.deliver()) == 1
    assert mailbox.deliver() == []


def test_a_server_that_is_down_loses_nothing_and_is_retried_with_growing_waits(app, mailbox):
    clock.freeze(NOW)
    queue_one()
    app.config["KB_MAIL_URL"] = MailUrl("smtp", host="127.0.0.1", port=1)  # nothing listens there
    result = mail.send_due()
    assert (result.sent, result.failed, result.waiting) == (0, 1, 1)
    row = db.session.scalar(select(MailOutbox))
    assert row.attempts == 1 and row.next_attempt_at == NOW + timedelta(minutes=1)
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()
    assert mail.send_due().failed == 0  # not due yet: no attempt
    clock.freeze(NOW + timedelta(minutes=1))
    mail.send_due()
    row = db.session.scalar(select(MailOutbox))
    assert row.attempts == 2 and row.next_attempt_at == NOW + timedelta(minutes=3)
    assert mail.backlog()["retrying"] == 1

    app.config["KB_MAIL_URL"] = MailUrl("smtp", host="127.0.0.1", port=mailbox.port)
    clock.freeze(NOW + timedelta(minutes=3))
    assert len(mailbox.deliver()) == 1
    assert mail.backlog()["waiting"] == 0


def test_starttls_asked_of_a_server_without_it_sends_nothing_in_the_clear(app, mailbox):
    app.config["KB_MAIL_URL"] = MailUrl("smtp", host="127.0.0.1", port=mailbox.port, starttls=True)
    queue_one()
    result = mail.send_due()
    assert (result.sent, result.failed) == (0, 1)
    assert mailbox.messages == []
    assert "STARTTLS" in db.session.scalar(select(MailOutbox)).last_error


def test_waits_grow_to_a_limit_and_a_message_is_given_up_in_the_end(app):
    assert [mail.retry_wait(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert mail.retry_wait(20) == mail.LONGEST_WAIT
    clock.freeze(NOW)
    queue_one()
    app.config["KB_MAIL_URL"] = MailUrl("smtp", host="127.0.0.1", port=1)
    for _ in range(mail.MAX_ATTEMPTS):
        mail.send_due()
        clock.freeze(clock.now() + mail.LONGEST_WAIT)
    row = db.session.scalar(select(MailOutbox))
    assert row.failed_at is not None and row.attempts == mail.MAX_ATTEMPTS
    assert mail.backlog() | {"oldest_seconds": 0} == {
        "waiting": 0,
        "retrying": 0,
        "given_up": 1,
        "sent_last_week": 0,
        "oldest_seconds": 0,
    }


def test_the_default_writes_eml_files_a_newcomer_can_open(app, tmp_path):
    app.config["KB_MAIL_URL"] = MailUrl("file", folder=tmp_path / "mail")
    queue_one()
    assert mail.send_due().sent == 1
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message["To"] == "priya@example.org"
    assert message.get_body(("html",)) is not None and message.get_body(("plain",)) is not None


def test_sent_messages_are_kept_a_week_then_cleared(app, mailbox):
    clock.freeze(NOW)
    queue_one()
    mailbox.deliver()
    clock.freeze(NOW + mail.SENT_KEPT_FOR + timedelta(minutes=1))
    mail.send_due()
    assert db.session.scalar(select(MailOutbox)) is None


def test_mail_commands_send_and_report_the_backlog(app, runner, mailbox):
    queue_one()
    status = runner.invoke(args=["kb", "mail", "status"])
    assert status.exit_code == 0 and "waiting: 1" in status.output
    sent = runner.invoke(args=["kb", "mail", "send"])
    assert sent.exit_code == 0 and "Sent 1" in sent.output
    assert len(mailbox.messages) == 1
    assert "waiting: 0" in runner.invoke(args=["kb", "mail", "status"]).output


def test_a_message_that_cannot_be_built_costs_only_its_own_attempts(app, mailbox):
    """A header cannot hold a line break: building this message raises. The reset queued with it
    still goes in the same run; the broken one is retried with growing waits, then given up with
    the reason kept, and never holds the outbox up."""
    clock.freeze(NOW)
    broken = queue_one(to="sam@example.org\nBcc: everyone@example.org")
    queue_one()
    result = mail.send_due()
    assert [message["To"] for message in mailbox.messages] == ["priya@example.org"]
    assert (result.sent, result.failed, result.given_up, result.waiting) == (1, 1, 0, 1)
    db.session.refresh(broken)
    assert (broken.attempts, broken.next_attempt_at, broken.claim_token) == (1, NOW + timedelta(minutes=1), None)
    assert broken.last_error.startswith("ValueError: ") and "\n" not in broken.last_error
    waits = []
    while broken.failed_at is None:
        waits.append(broken.next_attempt_at - clock.now())
        clock.freeze(broken.next_attempt_at)
        mail.send_due()
        db.session.refresh(broken)
    assert waits == [mail.retry_wait(attempt) for attempt in range(1, mail.MAX_ATTEMPTS)]
    assert broken.attempts == mail.MAX_ATTEMPTS and "linefeed" in broken.last_error
    assert mail.backlog()["given_up"] == 1
    assert len(mailbox.messages) == 1


def test_a_subject_stored_with_a_line_break_goes_out_on_one_line(app, mailbox):
    row = queue_one()
    row.subject = "New case study: “Joint training\r\nfor councillors”"  # a row queued before titles were cleaned
    db.session.commit()
    [message] = mailbox.deliver()
    assert message["Subject"] == "New case study: “Joint training for councillors”"
    assert (
        mail.queue("a@example.org", "reset_password", "Two\u2028lines", name="A", link="x", minutes=60).subject
        == "Two lines"
    )


def test_mail_send_reports_a_failed_message_in_one_line_and_succeeds(app, runner, mailbox):
    clock.freeze(NOW)
    broken = queue_one(to="sam@example.org\nBcc: everyone@example.org")
    queue_one()
    sent = runner.invoke(args=["kb", "mail", "send"])
    assert sent.exit_code == 0 and sent.exception is None
    assert sent.output.splitlines() == [
        f"mail {broken.id} to 'sam@example.org\\nBcc: everyone@example.org' not sent (attempt 1 of "
        f"{mail.MAX_ATTEMPTS}, next at 2026-11-28 09:01 UTC): ValueError: Header values may not contain linefeed "
        "or carriage return characters",
        "Sent 1; 1 failed (1 to be retried, 0 given up); 1 waiting.",
    ]
    assert len(mailbox.messages) == 1
