"""Notification pages: the member's in-app inbox, their email settings (among the account pages), and
the unsubscribe link every notification carries, which works without signing in."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from kb.notifications import bp, service
from kb.notifications.forms import NotificationSettingsForm
from kb.platform.extensions import csrf
from kb.platform.notifications import Frequency, Kind, inbox
from kb.platform.notifications.telling import settings_of
from kb.platform.permissions import is_moderator, member_required
from kb.themes.service import list_themes

INVALID = 422


def settings_form(formdata=None) -> NotificationSettingsForm:
    settings = settings_of(current_user)
    offered = Kind.offered_to(is_moderator(current_user))
    data = {kind.value: settings.frequency(kind).value for kind in offered}
    data["themes"] = service.chosen_theme_ids(current_user)
    form = NotificationSettingsForm(data=data) if formdata is None else NotificationSettingsForm()
    for kind in Kind.chosen_by_members():
        if kind not in offered:
            del form[kind.value]
    form.themes.choices = [SelectChoice(theme.id, theme.title) for theme in list_themes()]
    return form


@bp.route("/my/notifications")
@member_required
def inbox_page():
    return render_template("notifications/inbox.html", notifications=inbox.recent(current_user))


@bp.route("/my/notifications/read", methods=["POST"])
@member_required
def mark_inbox_read():
    changed = inbox.mark_all_read(current_user)
    flash("All notifications are marked as read." if changed else "There was nothing unread.", "success")
    return redirect(url_for("notifications.inbox_page"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@member_required
def settings():
    form = settings_form(formdata=request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        service.save_settings(current_user, form.frequencies(), form.themes.data or [])
        flash("Your email notification choices are saved.", "success")
        if form.frequencies()[Kind.CASE_STUDIES] != Frequency.OFF and not form.themes.data:
            flash("You have not chosen any themes, so no new case studies will be emailed to you.", "info")
        return redirect(url_for("notifications.settings"))
    status = INVALID if form.errors else 200
    return render_template("notifications/settings.html", form=form), status


# Exempt from the CSRF check, and the only such form on the site: RFC 8058's one-click unsubscribe
# is a POST sent by the recipient's mail provider, which has no session and so no CSRF token. It
# stays safe because the signed token in the address is the authority: it names one member and
# only turns their emails off, so a forged cross-site POST could do nothing the mail's holder
# could not, and never anything else.
@csrf.exempt
@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    try:
        member, kinds = service.read_unsubscribe(token)
    except service.UnsubscribeProblem as error:
        status = 410 if isinstance(error, service.UnsubscribeExpired) else 400
        return render_template("notifications/unsubscribe_problem.html", message=str(error)), status
    labels = [kind.label for kind in kinds]
    if request.method == "POST":
        service.turn_off(member, kinds)
        return render_template("notifications/unsubscribed.html", labels=labels)
    return render_template("notifications/unsubscribe.html", labels=labels, token=token)
