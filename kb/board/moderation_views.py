"""Moderators' board pages and actions: one route and one service function per action."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from kb.board import bp, moderation, queries
from kb.board.forms import CategoryForm, MoveForm, ReasonForm, WatchedWordForm
from kb.board.models import BoardCategory, WatchedWord
from kb.board.reviewables import HELD_POST, HIDDEN_POST, REPORTED_POST
from kb.board.service import BoardError
from kb.board.views import INVALID, permalink_target, post_or_404, thread_or_404
from kb.platform import versions
from kb.platform.extensions import db
from kb.platform.permissions import moderator_required
from kb.platform.reviewable import ChangedSinceShown, Reviewable
from kb.platform.site_address import address_of


def carried_out(action, success: str, back: str):
    """Run a moderator action: a refusal (already decided, nothing to do) is a message, not an error."""
    try:
        action()
    except BoardError as error:
        flash(str(error), "error")
    else:
        flash(success, "success")
    return redirect(back)


# --- posts -------------------------------------------------------------------------------------
# A decision from the post's own page goes through the same Reviewable as the queue's
# (kb/board/reviewables.py): the version check, the action, its audit entry, the author told, and
# what the moderator is told, each written once.


def decided(post, reviewable: Reviewable, name: str, reason: str = ""):
    """Take `reviewable`'s decision `name` on the post; a refusal is a message, not an error."""
    decision = reviewable.decision(name)
    seen = versions.seen_revision(request.form.get(versions.FIELD))
    try:
        flash(reviewable.perform(post, decision, current_user, reason, seen), "success")
    except (ChangedSinceShown, *reviewable.refused) as error:
        flash(str(error), "error")
    return redirect(permalink_target(post))


@bp.route("/board/p/<id:post_id>/approve", methods=["POST"])
@moderator_required
def approve_post(post_id: int):
    return decided(post_or_404(post_id), HELD_POST, "approve")


@bp.route("/board/p/<id:post_id>/approve-and-trust", methods=["POST"])
@moderator_required
def approve_and_trust(post_id: int):
    return decided(post_or_404(post_id), HELD_POST, "approve_and_trust")


@bp.route("/board/p/<id:post_id>/hide", methods=["GET", "POST"])
@moderator_required
def hide_post(post_id: int):
    post = post_or_404(post_id)
    form = ReasonForm()
    if request.method == "GET":
        return render_template("board/hide_post.html", post=post, form=form)
    if not form.validate_on_submit():
        return render_template("board/hide_post.html", post=post, form=form), INVALID
    decision = HELD_POST.decision("hide")
    try:
        message = HELD_POST.perform(
            post, decision, current_user, form.reason.data, versions.seen_revision(request.form.get(versions.FIELD))
        )
    except (ChangedSinceShown, *HELD_POST.refused) as error:
        form.form_errors.append(str(error))
        return render_template("board/hide_post.html", post=post, form=form), INVALID
    flash(message, "success")
    return redirect(permalink_target(post))


@bp.route("/board/p/<id:post_id>/unhide", methods=["POST"])
@moderator_required
def unhide_post(post_id: int):
    return decided(post_or_404(post_id), HIDDEN_POST, "unhide")


@bp.route("/board/p/<id:post_id>/dismiss-reports", methods=["POST"])
@moderator_required
def dismiss_reports(post_id: int):
    return decided(post_or_404(post_id), REPORTED_POST, "dismiss")


# --- threads -----------------------------------------------------------------------------------


def _thread_action(thread_id: int, name: str, value: bool, success: str):
    thread = thread_or_404(thread_id)
    return carried_out(
        lambda: moderation.set_thread_flag(thread, current_user, name, value), success, address_of(thread)
    )


@bp.route("/board/t/<id:thread_id>/lock", methods=["POST"])
@moderator_required
def lock_thread(thread_id: int):
    return _thread_action(thread_id, "locked", True, "Locked: the thread takes no more replies.")


@bp.route("/board/t/<id:thread_id>/unlock", methods=["POST"])
@moderator_required
def unlock_thread(thread_id: int):
    return _thread_action(thread_id, "locked", False, "Unlocked: members can reply again.")


@bp.route("/board/t/<id:thread_id>/pin", methods=["POST"])
@moderator_required
def pin_thread(thread_id: int):
    return _thread_action(thread_id, "pinned", True, "Pinned to the top of its category.")


@bp.route("/board/t/<id:thread_id>/unpin", methods=["POST"])
@moderator_required
def unpin_thread(thread_id: int):
    return _thread_action(thread_id, "pinned", False, "Unpinned.")


@bp.route("/board/t/<id:thread_id>/move", methods=["POST"])
@moderator_required
def move_thread(thread_id: int):
    thread = thread_or_404(thread_id)
    form = MoveForm()
    form.category.choices = [(category.slug, category.title) for category in queries.categories()]
    if not form.validate_on_submit():
        flash(form.category.errors[0] if form.category.errors else "Choose a category from the list.", "error")
        return redirect(address_of(thread))
    to = queries.category_by_slug(form.category.data)
    return carried_out(
        lambda: moderation.move_thread(thread, to, current_user), f"Moved to {to.title}.", address_of(thread)
    )


# --- members: their pages moved to /admin/members/<id>/ (kb/moderation/views.py) ------------------


@bp.route("/moderation/members/<id:user_id>/suspend", methods=["GET", "POST"])
@moderator_required
def suspend_member(user_id: int):
    # 308 keeps a POST a POST, with its form and token, for a page opened before the move.
    return redirect(url_for("moderation.suspend_member", user_id=user_id), code=308)


@bp.route("/moderation/members/<id:user_id>/unsuspend", methods=["POST"])
@moderator_required
def unsuspend_member(user_id: int):
    return redirect(url_for("moderation.lift_suspension", user_id=user_id), code=308)


# --- categories and watched words --------------------------------------------------------------


@bp.route("/moderation/board/categories", methods=["GET", "POST"])
@moderator_required
def manage_categories():
    form = CategoryForm(prefix="new")
    if request.method == "POST" and form.validate_on_submit():
        try:
            category = moderation.add_category(
                form.title.data, form.description.data, current_user, moderators_only=form.moderators_only.data
            )
        except BoardError as error:
            form.form_errors.append(str(error))
        else:
            flash(f"Added the category {category.title}.", "success")
            return redirect(url_for("board.manage_categories"))
    status = INVALID if request.method == "POST" else 200
    return render_template("board/categories.html", categories=queries.categories(), form=form), status


@bp.route("/moderation/board/categories/<id:category_id>", methods=["GET", "POST"])
@moderator_required
def edit_category(category_id: int):
    category = db.session.get(BoardCategory, category_id) or abort(404)
    form = CategoryForm(obj=category)
    if request.method == "POST" and form.validate_on_submit():
        try:
            moderation.update_category(category, form.title.data, form.description.data, current_user)
        except BoardError as error:
            form.form_errors.append(str(error))
        else:
            flash("Saved.", "success")
            return redirect(url_for("board.manage_categories"))
    status = INVALID if request.method == "POST" else 200
    return render_template("board/edit_category.html", category=category, form=form), status


@bp.route("/moderation/board/categories/<id:category_id>/move", methods=["POST"])
@moderator_required
def reorder_category(category_id: int):
    category = db.session.get(BoardCategory, category_id) or abort(404)
    step = -1 if request.form.get("direction") == "up" else 1
    return carried_out(
        lambda: moderation.move_category(category, current_user, step),
        "Order saved.",
        url_for("board.manage_categories"),
    )


@bp.route("/moderation/watched-words", methods=["GET", "POST"])
@moderator_required
def watched_words():
    form = WatchedWordForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            entry = moderation.add_watched_word(form.word.data, current_user)
        except BoardError as error:
            form.form_errors.append(str(error))
        else:
            flash(f"Posts containing “{entry.word}” now wait for a moderator.", "success")
            return redirect(url_for("board.watched_words"))
    status = INVALID if request.method == "POST" else 200
    return render_template("board/watched_words.html", words=queries.watched_words(), form=form), status


@bp.route("/moderation/watched-words/<id:word_id>/remove", methods=["POST"])
@moderator_required
def remove_watched_word(word_id: int):
    entry = db.session.get(WatchedWord, word_id)
    if entry is None:
        flash("That word is no longer on the list.", "error")
        return redirect(url_for("board.watched_words"))
    word = entry.word
    moderation.remove_watched_word(entry, current_user)
    flash(f"Removed “{word}” from the list.", "success")
    return redirect(url_for("board.watched_words"))
