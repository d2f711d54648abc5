"""A moderator's decisions on one case study or lesson: publish, send back, reject, archive, review a
pending edit, verify, supersede, feature. One route and one service function per decision, written
out for each kind (the endpoint's suffix names the kind)."""

from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_login import current_user, login_required

from kb import audit, versions
from kb.library import bp, curation, featuring, rules, service
from kb.library.forms import DecisionForm
from kb.library.service import LibraryError
from kb.library.views import INVALID, item_url, render_item, visible_item_or_404


def decide(item_id: int, action, success: str):
    """One moderator decision: members get 403; a decision that no longer applies gets a message."""
    item = visible_item_or_404(item_id)
    if not rules.is_moderator(current_user):
        abort(403)
    form = DecisionForm()
    if not form.validate_on_submit():
        return render_item(item, form, status=INVALID)  # the note typed so far stays in the box
    try:
        service.check_as_shown(item, versions.seen_revision(request.form.get(versions.FIELD)))
        action(item, current_user, form.note.data or "")
    except service.ChangedSinceShown as error:
        # The page again, as it is now, with the note kept: the moderator decides on what is there.
        form.form_errors.append(str(error))
        return render_item(item, form, status=409)
    except service.InvalidTransition as error:
        # Usually another moderator got there first: say who, and when.
        flash(f"{error} Latest decision: {audit.who_decided(item.kind, item.id)}", "error")
    except LibraryError as error:
        flash(str(error), "error")
    else:
        flash(success, "success")
    return redirect(item_url(item))


@bp.route("/case-studies/<id:item_id>/publish", endpoint="publish_case_study", methods=["POST"])
@bp.route("/lessons/<id:item_id>/publish", endpoint="publish_lesson", methods=["POST"])
@login_required
def publish(item_id: int):
    return decide(item_id, service.publish, "Published.")


@bp.route("/case-studies/<id:item_id>/request-changes", endpoint="request_changes_case_study", methods=["POST"])
@bp.route("/lessons/<id:item_id>/request-changes", endpoint="request_changes_lesson", methods=["POST"])
@login_required
def request_changes(item_id: int):
    return decide(item_id, service.request_changes, "Sent back to the author with your note.")


@bp.route("/case-studies/<id:item_id>/reject", endpoint="reject_case_study", methods=["POST"])
@bp.route("/lessons/<id:item_id>/reject", endpoint="reject_lesson", methods=["POST"])
@login_required
def reject(item_id: int):
    return decide(item_id, service.reject, "Rejected. The author can see your reason.")


@bp.route("/case-studies/<id:item_id>/archive", endpoint="archive_case_study", methods=["POST"])
@bp.route("/lessons/<id:item_id>/archive", endpoint="archive_lesson", methods=["POST"])
@login_required
def archive(item_id: int):
    return decide(item_id, service.archive, "Archived. It stays readable, marked as archived.")


@bp.route("/case-studies/<id:item_id>/approve-edit", endpoint="approve_edit_case_study", methods=["POST"])
@bp.route("/lessons/<id:item_id>/approve-edit", endpoint="approve_edit_lesson", methods=["POST"])
@login_required
def approve_edit(item_id: int):
    return decide(item_id, service.approve_edit, "The edit is approved and now published.")


@bp.route("/case-studies/<id:item_id>/decline-edit", endpoint="decline_edit_case_study", methods=["POST"])
@bp.route("/lessons/<id:item_id>/decline-edit", endpoint="decline_edit_lesson", methods=["POST"])
@login_required
def decline_edit(item_id: int):
    return decide(item_id, service.decline_edit, "The edit is declined. The author can see your note.")


@bp.route("/case-studies/<id:item_id>/verify", endpoint="verify_case_study", methods=["POST"])
@bp.route("/lessons/<id:item_id>/verify", endpoint="verify_lesson", methods=["POST"])
@login_required
def verify(item_id: int):
    return decide(item_id, curation.verify, "Marked as verified good practice.")


@bp.route("/case-studies/<id:item_id>/unverify", endpoint="unverify_case_study", methods=["POST"])
@bp.route("/lessons/<id:item_id>/unverify", endpoint="unverify_lesson", methods=["POST"])
@login_required
def unverify(item_id: int):
    return decide(item_id, curation.unverify, "No longer marked as verified.")


@bp.route("/case-studies/<id:item_id>/unsupersede", endpoint="unsupersede_case_study", methods=["POST"])
@bp.route("/lessons/<id:item_id>/unsupersede", endpoint="unsupersede_lesson", methods=["POST"])
@login_required
def unsupersede(item_id: int):
    return decide(item_id, curation.clear_supersession, "No longer marked as superseded.")


@bp.route("/case-studies/<id:item_id>/supersede", endpoint="supersede_case_study", methods=["POST"])
@bp.route("/lessons/<id:item_id>/supersede", endpoint="supersede_lesson", methods=["POST"])
@login_required
def supersede(item_id: int):
    item = visible_item_or_404(item_id)
    if not rules.is_moderator(current_user):
        abort(403)
    try:
        replacement = curation.supersede(item, current_user, request.form.get("replacement", ""))
    except LibraryError as error:
        flash(str(error), "error")
    else:
        flash(f"Marked as superseded by “{replacement.title}”.", "success")
    return redirect(item_url(item))


@bp.route("/case-studies/<id:item_id>/feature", endpoint="feature_case_study", methods=["POST"])
@bp.route("/lessons/<id:item_id>/feature", endpoint="feature_lesson", methods=["POST"])
@login_required
def feature(item_id: int):
    item = visible_item_or_404(item_id)
    if not rules.is_moderator(current_user):
        abort(403)
    place = request.form.get("place", "")
    theme = None if place == "home" else next((t for t in item.themes if t.slug == place), None)
    try:
        if place != "home" and theme is None:
            raise LibraryError("Choose where to feature it: the home page or one of its themes' pages.")
        featuring.feature(item, theme, current_user)
    except LibraryError as error:
        flash(str(error), "error")
    else:
        flash(f"Featured on {featuring.place_name(theme)}.", "success")
    return redirect(item_url(item))
