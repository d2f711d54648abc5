"""Moderators' library pages: what is featured where (home page and theme pages), and the tags."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from kb.library import bp, featuring, tags
from kb.library.models import FeaturedItem, Tag
from kb.library.service import LibraryError
from kb.platform.extensions import db
from kb.platform.permissions import moderator_required
from kb.themes.service import list_themes


@bp.route("/moderation/featured")
@moderator_required
def featured_items():
    places = [(None, featuring.featured(None, published_only=False))]
    places += [(theme, featuring.featured(theme, published_only=False)) for theme in list_themes()]
    return render_template("library/featured.html", places=places, place_name=featuring.place_name)


def featured_entry_or_404(entry_id: int) -> FeaturedItem:
    return db.session.get(FeaturedItem, entry_id) or abort(404)


@bp.route("/moderation/featured/<id:entry_id>/move", methods=["POST"])
@moderator_required
def move_featured(entry_id: int):
    try:
        step = -1 if request.form.get("direction") == "up" else 1
        featuring.move(featured_entry_or_404(entry_id), current_user, step)
    except LibraryError as error:
        flash(str(error), "error")
    return redirect(url_for("library.featured_items"))


@bp.route("/moderation/featured/<id:entry_id>/remove", methods=["POST"])
@moderator_required
def remove_featured(entry_id: int):
    entry = featured_entry_or_404(entry_id)
    title = entry.item.title
    featuring.unfeature(entry, current_user)
    flash(f"“{title}” is no longer featured there.", "success")
    return redirect(url_for("library.featured_items"))


@bp.route("/moderation/tags", methods=["GET"])
@moderator_required
def manage_tags():
    return render_template("library/tags.html", tags=tags.tags_with_counts())


@bp.route("/moderation/tags/<id:tag_id>", methods=["POST"])
@moderator_required
def rename_tag(tag_id: int):
    tag = db.session.get(Tag, tag_id)
    if tag is None:
        flash("That tag no longer exists: it may have been merged into another already.", "error")
        return redirect(url_for("library.manage_tags"))
    try:
        flash(tags.rename_or_merge(tag, request.form.get("name", ""), current_user), "success")
    except LibraryError as error:
        flash(str(error), "error")
    return redirect(url_for("library.manage_tags"))
