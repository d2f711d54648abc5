"""The moderation queue's pages: one tab per kind of work, decisions taken inline (one entry or the
selected ones), and the saved reasons moderators keep."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from kb.extensions import db
from kb.moderation import bp, queue, reasons
from kb.moderation.models import ReasonUse, SavedReason
from kb.permissions import moderator_required
from kb.themes.service import list_themes

INVALID = 422
LARGEST_ID = 2**31 - 1
TAB = "<any(submissions, held, reports):tab>"


@bp.app_context_processor
def moderation_count():
    # Moderators see how much is waiting in the navigation; nobody else pays for the counting.
    def waiting_total() -> int:
        if not (current_user.is_authenticated and current_user.is_moderator):
            return 0
        return sum(queue.counts().values())
    return {"moderation_waiting": waiting_total}


def render_queue(tab: str, failed: dict | None = None, status: int = 200):
    """A tab of the queue; `failed` carries a refused decision's message and what was typed for it."""
    page = queue.PAGES[tab](request.values.get("page", 1, type=int) or 1)
    return render_template("moderation/queue.html", tab=queue.TABS[tab], tabs=queue.TABS.values(),
                           counts=queue.counts(), page=page, saved=reasons.saved_reasons(queue.TABS[tab].reasons),
                           themes=list_themes(), report_reasons=queue.REPORT_REASONS, failed=failed or {}), status


@bp.route("/moderation", defaults={"tab": "submissions"})
@bp.route("/moderation/<any(held, reports):tab>")
@moderator_required
def hub(tab: str):
    return render_queue(tab)


def back_to(tab: str):
    page = request.form.get("page", "")
    return redirect(url_for("moderation.hub", tab=tab, **({"page": page} if page.isdigit() else {})))


@bp.route(f"/moderation/{TAB}/<int(max={LARGEST_ID}):subject_id>", methods=["POST"])
@moderator_required
def decide(tab: str, subject_id: int):
    decision = request.form.get("decision", "")
    typed, saved = request.form.get("reason", ""), request.form.get("saved_reason", "")
    try:
        message = queue.decide(tab, subject_id, decision, current_user, saved, typed)
    except queue.NeedsInput as error:
        # The entry again, with the message beside it and the reason as it was typed.
        return render_queue(tab, {"key": f"{tab}-{subject_id}", "message": str(error), "reason": typed,
                                  "saved": saved}, INVALID)
    except queue.QueueError as error:
        flash(str(error), "error")  # decided already, or gone: the queue no longer shows it
    else:
        flash(message, "success")
    return back_to(tab)


@bp.route(f"/moderation/{TAB}/bulk", methods=["POST"])
@moderator_required
def decide_selected(tab: str):
    selected = [int(value) for value in request.form.getlist("selected") if value.isdigit() and len(value) < 10]
    typed, saved = request.form.get("reason", ""), request.form.get("saved_reason", "")
    try:
        outcome = queue.decide_many(tab, selected, request.form.get("decision", ""), current_user, saved, typed)
    except queue.NeedsInput as error:
        return render_queue(tab, {"key": "bulk", "message": str(error), "reason": typed, "saved": saved,
                                  "selected": selected}, INVALID)
    for message in outcome.done:
        flash(message, "success")
    for message in outcome.refused:
        flash(message, "error")
    return back_to(tab)


# --- saved reasons ------------------------------------------------------------------------------

def render_reasons(failed: dict | None = None, status: int = 200):
    return render_template("moderation/reasons.html", lists=reasons.all_saved_reasons(), uses=list(ReasonUse),
                           failed=failed or {}), status


@bp.route("/moderation/reasons", methods=["GET", "POST"])
@moderator_required
def saved_reasons():
    if request.method == "GET":
        return render_reasons()
    text = request.form.get("text", "")
    try:
        used_for = ReasonUse(request.form.get("used_for", ""))
    except ValueError:
        return render_reasons({"message": "Choose which queue the reason is for.", "text": text}, INVALID)
    try:
        reasons.add_reason(used_for, text, current_user)
    except reasons.ReasonError as error:
        return render_reasons({"message": str(error), "text": text, "used_for": used_for.value}, INVALID)
    flash("Added the saved reason.", "success")
    return redirect(url_for("moderation.saved_reasons"))


@bp.route(f"/moderation/reasons/<int(max={LARGEST_ID}):reason_id>/<any(up, down, remove):action>",
          methods=["POST"])
@moderator_required
def change_saved_reason(reason_id: int, action: str):
    reason = db.session.get(SavedReason, reason_id)
    if reason is None:
        flash("That saved reason is no longer on the list.", "error")
        return redirect(url_for("moderation.saved_reasons"))
    try:
        if action == "remove":
            reasons.remove_reason(reason, current_user)
        else:
            reasons.move_reason(reason, current_user, -1 if action == "up" else 1)
    except reasons.ReasonError as error:
        flash(str(error), "error")
    else:
        flash("Removed the saved reason." if action == "remove" else "Order saved.", "success")
    return redirect(url_for("moderation.saved_reasons"))


# The queue's earlier addresses, kept so bookmarks still work.
@bp.route("/moderation/review")
@moderator_required
def old_review_queue():
    return redirect(url_for("moderation.hub"), 301)


@bp.route("/moderation/board")
@moderator_required
def old_board_queue():
    return redirect(url_for("moderation.hub", tab="held"), 301)
