"""Operator commands for accounts: create-user, set-role, suspend, unsuspend."""

from datetime import datetime

from sqlalchemy import select

from kb.auth.models import User
from kb.platform import clock
from kb.platform.extensions import db
from tests.factories import make_user


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def test_create_admin_with_password_from_stdin(runner, auth):
    result = runner.invoke(
        args=["kb", "create-user", "Admin@Example.org", "--role", "admin", "--password-stdin", "--name", "Ada Admin"],
        input="a strong admin password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin admin@example.org (Ada Admin)" in result.output
    assert user("admin@example.org").role == "admin"
    assert auth.login("admin@example.org", "a strong admin password").status_code == 302


def test_create_user_asks_for_the_password_twice(runner):
    result = runner.invoke(
        args=["kb", "create-user", "mod@example.org", "--role", "moderator"],
        input="a strong password\na strong password\n",
    )
    assert result.exit_code == 0, result.output
    assert user("mod@example.org").role == "moderator"


def test_create_user_refuses_bad_input_with_a_reason(runner):
    make_user(email="taken@example.org")
    cases = [
        (["taken@example.org", "--password-stdin"], "already exists"),
        (["not-an-email", "--password-stdin"], "is not an email address"),
        (["short@example.org", "--password-stdin"], "10 to 200 characters"),
        (["x@example.org", "--role", "emperor", "--password-stdin"], "Invalid value for '--role'"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["kb", "create-user", *args], input="short\n")
        assert result.exit_code != 0
        assert message in result.output
    assert user("short@example.org") is None


def test_set_role(runner):
    make_user(email="helper@example.org")
    result = runner.invoke(args=["kb", "set-role", "HELPER@example.org", "moderator"])
    assert result.exit_code == 0
    assert user("helper@example.org").role == "moderator"
    assert runner.invoke(args=["kb", "set-role", "ghost@example.org", "admin"]).exit_code == 1


def test_suspend_needs_a_future_date_and_a_reason(runner):
    clock.freeze(datetime(2026, 11, 25, 12, 0))
    make_user(email="spam@example.org")
    past = runner.invoke(args=["kb", "suspend", "spam@example.org", "--until", "2026-11-01", "--reason", "x"])
    assert past.exit_code == 1 and "must be in the future" in past.output
    blank = runner.invoke(args=["kb", "suspend", "spam@example.org", "--until", "2026-12-01", "--reason", " "])
    assert blank.exit_code == 1 and "Give the reason" in blank.output
    assert user("spam@example.org").suspended_until is None


def test_unsuspend_lets_the_member_back_in(runner, auth):
    make_user(email="back@example.org")
    runner.invoke(args=["kb", "suspend", "back@example.org", "--until", "2099-01-01", "--reason", "Mistake"])
    assert auth.login("back@example.org").status_code == 422
    result = runner.invoke(args=["kb", "unsuspend", "back@example.org"])
    assert result.exit_code == 0 and "can log in again" in result.output
    assert auth.login("back@example.org").status_code == 302


def test_a_suspension_from_the_command_line_is_logged_and_told_like_one_from_the_site(runner):
    """One suspension service: the operator's suspension reaches the audit log and the member."""
    from kb.platform import audit
    from kb.platform.notifications import inbox

    member = make_user(email="told@example.org")
    runner.invoke(args=["kb", "suspend", "told@example.org", "--until", "2099-01-01", "--reason", "Cooling off"])
    runner.invoke(args=["kb", "unsuspend", "told@example.org"])
    logged = [(entry.action, entry.actor_name) for entry in audit.entries(audit.LogFilter(), limit=None)]
    assert logged == [("unsuspend member", "the system"), ("suspend member", "the system")]
    lifted, suspended = (notification.message for notification in inbox.recent(member))
    assert "Cooling off" in suspended and "lifted" in lifted
