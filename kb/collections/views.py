"""Collection pages: everyone reads them; moderators make and arrange them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from kb.collections import bp, service
from kb.collections.models import Collection, CollectionEntry
from kb.platform.extensions import db
from kb.platform.permissions import moderator_required
from kb.themes.service import get_theme, list_themes


def collection_or_404(collection_id: int) -> Collection:
    return db.session.get(Collection, collection_id) or abort(404)


def collection_url(collection: Collection) -> str:
    return url_for("collections.show", collection_id=collection.id, slug=collection.slug)


@bp.app_template_global()
def theme_collections(theme):
    return service.for_theme(theme)


@bp.route("/collections")
def index():
    return render_template("collections/index.html", collections=service.all_collections())


@bp.route("/collections/<id:collection_id>", defaults={"slug": ""})
@bp.route("/collections/<id:collection_id>-<slug>")
def show(collection_id: int, slug: str):
    collection = collection_or_404(collection_id)
    if slug != collection.slug:
        return redirect(collection_url(collection), code=301)
    return render_template("collections/show.html", collection=collection)


def render_form(collection, status=200, values=None, error=None):
    values = values or {
        "title": collection.title if collection else "",
        "introduction": collection.introduction if collection else "",
        "theme": collection.theme.slug if collection and collection.theme else "",
    }
    return render_template(
        "collections/form.html", collection=collection, values=values, themes=list_themes(), error=error
    ), status


def save_from_form(collection: Collection | None):
    values = {name: request.form.get(name, "") for name in ("title", "introduction", "theme")}
    try:
        saved = service.save(
            collection,
            values["title"],
            values["introduction"],
            get_theme(values["theme"]) if values["theme"] else None,
            current_user,
        )
    except service.CollectionError as error:
        return render_form(collection, 422, values, str(error))
    flash("Saved.", "success")
    return redirect(collection_url(saved))


@bp.route("/collections/new", methods=["GET", "POST"])
@moderator_required
def new():
    return render_form(None) if request.method == "GET" else save_from_form(None)


@bp.route("/collections/<id:collection_id>/edit", methods=["GET", "POST"])
@moderator_required
def edit(collection_id: int):
    collection = collection_or_404(collection_id)
    return render_form(collection) if request.method == "GET" else save_from_form(collection)


@bp.route("/collections/<id:collection_id>/entries", methods=["POST"])
@moderator_required
def add_entry(collection_id: int):
    collection = collection_or_404(collection_id)
    try:
        service.add_entry(
            collection,
            request.form.get("address", ""),
            request.form.get("note", ""),
            current_user,
            title=request.form.get("title", ""),
        )
    except service.CollectionError as error:
        flash(str(error), "error")
    else:
        flash("Added to the collection.", "success")
    return redirect(collection_url(collection) + "#add-heading")


def entry_or_404(entry_id: int) -> CollectionEntry:
    return db.session.get(CollectionEntry, entry_id) or abort(404)


@bp.route("/collections/entries/<id:entry_id>/remove", methods=["POST"])
@moderator_required
def remove_entry(entry_id: int):
    entry = entry_or_404(entry_id)
    collection = entry.collection
    service.remove_entry(entry, current_user)
    flash("Removed from the collection.", "success")
    return redirect(collection_url(collection))


@bp.route("/collections/entries/<id:entry_id>/move", methods=["POST"])
@moderator_required
def move_entry(entry_id: int):
    entry = entry_or_404(entry_id)
    try:
        service.move_entry(entry, -1 if request.form.get("direction") == "up" else 1, current_user)
    except service.CollectionError as error:
        flash(str(error), "error")
    return redirect(collection_url(entry.collection))
