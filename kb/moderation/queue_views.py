"""The moderation queue's pages: one tab per kind of work, decisions taken inline (one entry or the
selected ones), and the saved reasons moderators keep."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from kb.moderation import bp, queue, reasons
from kb.moderation.models import ReasonUse, SavedReason
from kb.platform import versions
from kb.platform.extensions import db
from kb.platform.http import page_argument
from kb.platform.permissions import is_moderator, moderator_required
from kb.themes.service import list_themes

INVALID = 422
TAB = "<queue_tab:tab>"  # the tabs the features declare (kb/moderation/__init__.py)


@bp.app_context_processor
def moderation_count():
    # Moderators see how much is waiting in the navigation; nobody else pays for the counting.
    def waiting_total() -> int:
        if not is_moderator(current_user):
            return 0
        return sum(waiting_counts().values())

    return {"moderation_waiting": waiting_total}


def waiting_counts() -> dict[str, int]:
    """Counted once per request, though the navigation and the queue's tabs both show them."""
    if "moderation_counts" not in g:
        g.moderation_counts = queue.counts()
    return g.moderation_counts


def render_queue(key: str, failed: dict | None = None, status: int = 200):
    """A tab of the queue; `failed` carries a refused decision's message and what was typed for it."""
    tab = queue.tab_named(key)
    if tab is None:  # only a tab the features declare reaches here (the route's converter)
        abort(404)
    return render_template(
        "moderation/queue.html",
        tab=tab,
        tabs=queue.tabs().values(),
        counts=waiting_counts(),
        page=queue.page_of(tab, page_argument()),
        saved=reasons.saved_reasons(ReasonUse(tab.reasons)),
        themes=list_themes(),
        report_reasons=queue.REPORT_REASONS,
        failed=failed or {},
    ), status


# The first tab, the library's, is the queue's front page; /moderation/submissions redirects there.
@bp.route("/moderation", defaults={"tab": "submissions"})
@bp.route(f"/moderation/{TAB}")
@moderator_required
def hub(tab: str):
    return render_queue(tab)


def back_to(tab: str):
    page = request.form.get("page", "")
    return redirect(url_for("moderation.hub", tab=tab, **({"page": page} if number_from(page) else {})))


def number_from(value: str) -> int | None:
    return int(value) if value.isdecimal() and len(value) < 10 else None


@bp.route(f"/moderation/{TAB}/<id:subject_id>", methods=["POST"])
@moderator_required
def decide(tab: str, subject_id: int):
    typed, saved = request.form.get("reason", ""), request.form.get("saved_reason", "")
    try:
        message = queue.decide(
            tab,
            subject_id,
            request.form.get("decision", ""),
            current_user,
            saved,
            typed,
            seen_revision=versions.seen_revision(request.form.get(versions.FIELD)),
        )
    except queue.NeedsInput as error:
        # The entry again, with the message beside it and the reason as it was typed.
        key = f"{tab}-{subject_id}"
        return render_queue(
            tab,
            {"key": key, "message": str(error), "reason": typed, "saved": saved, "target": f"reason-{key}"},
            INVALID,
        )
    except queue.QueueError as error:
        flash(str(error), "error")  # decided already, changed, or gone: the queue shows it as it is now
    else:
        flash(message, "success")
    return back_to(tab)


MOST_LISTED = 5


def summary(messages: list[str], what: str) -> str:
    listed = " ".join(messages[:MOST_LISTED])
    more = len(messages) - MOST_LISTED
    return f"{what} ({len(messages)}): {listed}" + (f" And {more} more." if more > 0 else "")


@bp.route(f"/moderation/{TAB}/bulk", methods=["POST"])
@moderator_required
def decide_selected(tab: str):
    selected = [number for number in map(number_from, request.form.getlist("selected")) if number is not None]
    typed, saved = request.form.get("reason", ""), request.form.get("saved_reason", "")
    try:
        outcome = queue.decide_many(
            tab,
            selected,
            request.form.get("decision", ""),
            current_user,
            saved,
            typed,
            {number: versions.seen_revision(request.form.get(f"{versions.FIELD}-{number}")) for number in selected},
        )
    except queue.NeedsInput as error:
        return render_queue(
            tab,
            {
                "key": "bulk",
                "message": str(error),
                "reason": typed,
                "saved": saved,
                "selected": selected,
                "target": f"bulk-{tab}" if error.field == "selection" else "reason-bulk",
            },
            INVALID,
        )
    except queue.QueueError as error:
        flash(str(error), "error")
        return back_to(tab)
    # One message for each outcome, so a long selection cannot overflow the session cookie.
    if outcome.done:
        flash(summary(outcome.done, "Done"), "success")
    if outcome.refused:
        flash(summary(outcome.refused, "Not done"), "error")
    return back_to(tab)


# --- saved reasons ------------------------------------------------------------------------------


def render_reasons(failed: dict | None = None, status: int = 200):
    return render_template(
        "moderation/reasons.html", lists=reasons.all_saved_reasons(), uses=list(ReasonUse), failed=failed or {}
    ), status


@bp.route("/moderation/reasons", methods=["GET", "POST"])
@moderator_required
def saved_reasons():
    if request.method == "GET":
        return render_reasons()
    text = request.form.get("text", "")
    try:
        used_for = ReasonUse(request.form.get("used_for", ""))
    except ValueError:
        return render_reasons(
            {"message": "Choose which queue the reason is for.", "text": text, "target": "used-for-submissions"},
            INVALID,
        )
    try:
        reasons.add_reason(used_for, text, current_user)
    except reasons.ReasonError as error:
        return render_reasons({"message": str(error), "text": text, "used_for": used_for.value}, INVALID)
    flash("Added the saved reason.", "success")
    return redirect(url_for("moderation.saved_reasons"))


@bp.route("/moderation/reasons/<id:reason_id>/<any(up, down, remove):action>", methods=["POST"])
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
