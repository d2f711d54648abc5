"""The audit log (filtered by moderator, action, what was acted on and date; exported as CSV) and
the members pages. The queue itself is in queue_views."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from kb.auth import service as accounts
from kb.auth.forms import SuspendForm
from kb.auth.models import Role, User
from kb.board import moderation as board_moderation
from kb.board import reviewables as board_reviewables
from kb.board import rules as board_rules
from kb.board.service import BoardError
from kb.moderation import bp, members
from kb.platform import audit, clock
from kb.platform.csv_export import csv_download
from kb.platform.dates import date_and_time, local
from kb.platform.extensions import db
from kb.platform.http import page_argument, query_arguments
from kb.platform.pagination import window
from kb.platform.permissions import admin_required, moderator_required
from kb.platform.text import plural

LOG_PAGE_SIZE = 50
LOG_FILTERS = ("moderator", "action", "target", "since", "until")


def parsed_date(name: str) -> tuple[date | None, str | None]:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None, None
    try:
        return date.fromisoformat(raw), None
    except ValueError:
        return None, f"Enter the date as year-month-day, for example 2026-11-25 (not “{raw[:40]}”)"


def log_filter() -> tuple[audit.LogFilter, dict[str, str]]:
    """The filter from the query string; unusable values are explained, and filter nothing."""
    errors = {}
    since, errors["since"] = parsed_date("since")
    until, errors["until"] = parsed_date("until")
    actor = request.args.get("moderator", "")
    chosen = audit.LogFilter(
        actor_id=int(actor) if actor.isdecimal() and len(actor) < 10 else None,
        action=request.args.get("action") or None,
        target_type=request.args.get("target") or None,
        since=since,
        until=until,
    )
    return chosen, {name: message for name, message in errors.items() if message}


@bp.route("/moderation/log")
@moderator_required
def audit_log():
    chosen, errors = log_filter()
    total = audit.count(chosen)
    page = window(total, page_argument(), LOG_PAGE_SIZE)
    number, pages = page.number, page.pages
    arguments = query_arguments(*LOG_FILTERS)
    return render_template(
        "moderation/audit_log.html",
        entries=audit.entries(chosen, LOG_PAGE_SIZE, (number - 1) * LOG_PAGE_SIZE),
        choices=audit.choices(),
        chosen=chosen,
        errors=errors,
        arguments=arguments,
        page={"number": number, "pages": pages, "total": total},
    ), 400 if errors else 200


@bp.route("/moderation/log.csv")
@moderator_required
def audit_log_csv():
    chosen, errors = log_filter()
    if errors:
        return Response("; ".join(errors.values()) + "\n", status=400, mimetype="text/plain")
    return csv_download(
        "audit-log.csv",
        ("when (UTC)", "moderator", "action", "target type", "target id", "target", "reason or detail"),
        (
            (
                entry.created_at.isoformat(sep=" ", timespec="seconds"),
                entry.actor_name,
                entry.action,
                entry.target_type,
                entry.target_id,
                entry.target_label,
                entry.reason,
            )
            for entry in audit.entries(chosen, limit=None)
        ),
    )


# --- members -------------------------------------------------------------------------------------


@bp.route("/admin/members")
@moderator_required
def members_index():
    text = request.args.get("q", "")
    found, total, number, pages = members.find_members(text, page_argument())
    return render_template(
        "moderation/members.html", members=found, q=text, page={"number": number, "pages": pages, "total": total}
    )


@bp.route("/admin/members/<id:user_id>")
@moderator_required
def member(user_id: int):
    return render_member(db.session.get(User, user_id) or abort(404))


@bp.route("/admin/members/<id:user_id>/role", methods=["POST"])
@admin_required
def change_role(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    try:
        members.change_role(person, Role(request.form.get("role", "")), current_user)
    except ValueError:
        flash("Choose a role from the list.", "error")
    except members.MemberError as error:
        flash(str(error), "error")
    else:
        flash(f"{person.display_name} is now a {person.role}.", "success")
    return redirect(url_for("moderation.member", user_id=person.id))


def render_member(person: User, spam_form: SuspendForm | None = None, status: int = 200):
    if spam_form is None:
        spam_form = SuspendForm(prefix="spam")
        # Shown on the wall clock, as the member types it (the field reads it back as UTC).
        spam_form.until.data = local(clock.now() + board_reviewables.SPAMMER_SUSPENSION).replace(
            second=0, microsecond=0
        )
    return render_template(
        "moderation/member.html",
        member=person,
        record=members.record_of(person),
        items=members.contributions_of(person),
        history=members.moderation_history(person),
        roles=[role.value for role in Role],
        spam_form=spam_form,
    ), status


@bp.route("/admin/members/<id:user_id>/suspend", methods=["GET", "POST"])
@moderator_required
def suspend_member(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    form = SuspendForm()
    if request.method == "POST" and not board_rules.can_suspend(current_user, person):
        abort(403)
    if request.method == "POST" and form.validate_on_submit():
        try:
            accounts.suspend_member(person, until=form.until.data, reason=form.reason.data, by=current_user)
        except accounts.AuthError as error:
            form.form_errors.append(str(error))
        else:
            flash(f"{person.display_name} is suspended until {date_and_time(form.until.data)}.", "success")
            return redirect(url_for("moderation.suspend_member", user_id=person.id))
    status = 422 if request.method == "POST" else 200
    return render_template("moderation/suspend.html", member=person, form=form), status


@bp.route("/admin/members/<id:user_id>/unsuspend", methods=["POST"])
@moderator_required
def lift_suspension(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    if not board_rules.can_lift_suspension(current_user, person):
        abort(403)
    try:
        accounts.lift_member_suspension(person, by=current_user)
    except accounts.AuthError as error:
        flash(str(error), "error")
    else:
        flash(f"{person.display_name} can post again.", "success")
    return redirect(url_for("moderation.suspend_member", user_id=person.id))


@bp.route("/admin/members/<id:user_id>/remove-spammer", methods=["POST"])
@moderator_required
def remove_spammer(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    if not board_rules.can_remove_spammer(current_user, person):
        abort(403)
    form = SuspendForm(prefix="spam")
    if not form.validate_on_submit():
        return render_member(person, form, 422)
    try:
        hidden = board_moderation.remove_spammer(person, current_user, form.until.data, form.reason.data)
    except BoardError as error:
        form.form_errors.append(str(error))
        return render_member(person, form, 422)
    flash(
        f"{person.display_name} is suspended and {plural(hidden, 'post')} hidden. “Restore” below undoes it.", "success"
    )
    return redirect(url_for("moderation.member", user_id=person.id))


@bp.route("/admin/members/<id:user_id>/restore", methods=["POST"])
@moderator_required
def restore_member(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    if not board_rules.can_restore_member(current_user, person):
        abort(403)
    try:
        restored = board_moderation.restore_spammer(person, current_user)
    except BoardError as error:
        flash(str(error), "error")
    else:
        flash(f"{person.display_name} can post again; {plural(restored, 'post')} restored.", "success")
    return redirect(url_for("moderation.member", user_id=person.id))
