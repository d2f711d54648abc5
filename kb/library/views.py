"""Library pages. Case studies and lessons share these views; each kind gets its own URLs
(/case-studies/..., /lessons/...) through register_kind_routes at the bottom."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kb import audit, versions
from kb.common.vocabulary import REGIONS, SECTOR_LABELS
from kb.extensions import db
from kb.http import id_argument, page_argument, query_arguments
from kb.library import bp, curation, featuring, history, queries, rules, service, tags
from kb.library.forms import CASE_STUDY_TEMPLATE, CaseStudyForm, DecisionForm, LessonForm
from kb.library.kinds import ALL_KINDS, BY_KIND, CASE_STUDIES, LESSONS, KindPages, pages_for
from kb.library.models import FeaturedItem, LibraryItem, Outcome, Tag
from kb.library.queries import Filters
from kb.library.service import LibraryError, StaleEdit
from kb.permissions import moderator_required
from kb.themes.service import list_themes

INVALID = 422
FORMS = {CASE_STUDIES.key: CaseStudyForm, LESSONS.key: LessonForm}


@bp.app_template_global()
def item_url(item: LibraryItem, action: str = "show", **args) -> str:
    pages = pages_for(item)
    if action == "show":
        return url_for(f"library.show_{pages.key}", item_id=item.id, slug=item.slug, **args)
    return url_for(f"library.{action}_{pages.key}", item_id=item.id, **args)


@bp.app_context_processor
def library_rules():
    # Templates ask the same permission questions as the views, from the one place they live.
    return {"rules": rules, "kinds": BY_KIND}


def visible_item_or_404(pages: KindPages, item_id: int) -> LibraryItem:
    """The item, or 404 for anyone who may not see it (so its existence is not revealed)."""
    item = queries.get_item(pages.kind, item_id)
    if item is None or not rules.can_view(current_user, item):
        abort(404)
    return item


def index(pages: KindPages):
    themes = list_themes()
    def listed(name: str, allowed) -> str | None:
        value = request.args.get(name) or None
        return value if value in allowed else None  # an unknown value filters nothing

    filters = Filters(
        theme=listed("theme", {theme.slug for theme in themes}),
        region=listed("region", REGIONS),
        sector=listed("sector", SECTOR_LABELS),
        tag=(request.args.get("tag") or "").strip().lower()[:40] or None,
        outcome=listed("outcome", {outcome.value for outcome in Outcome}) if pages is LESSONS else None,
    )
    if filters.tag and (renamed := tags.current_name(filters.tag)):
        # An old tag's address, after a rename or merge: go to the tag it became.
        kept = query_arguments("theme", "region", "sector", "outcome", "page")
        return redirect(url_for(f"library.index_{pages.key}", tag=renamed, **kept), code=301)
    page = queries.browse(pages.kind, filters, page_argument())
    labels = {theme.slug: theme.title for theme in themes} | dict(SECTOR_LABELS)
    outcomes = [outcome.value for outcome in Outcome] if pages is LESSONS else []
    return render_template(
        "library/index.html", pages=pages, page=page, filters=filters, themes=themes, regions=REGIONS,
        sectors=SECTOR_LABELS, outcomes=outcomes, labels=labels,
        counts=queries.facet_counts(pages.kind, filters, list(SECTOR_LABELS), outcomes),
    )


def show(pages: KindPages, item_id: int, slug: str = ""):
    item = visible_item_or_404(pages, item_id)
    if slug != item.slug:
        # Old links keep working after a title change.
        return redirect(item_url(item), code=301)
    return render_item(pages, item, DecisionForm())


def render_item(pages: KindPages, item: LibraryItem, decision_form: DecisionForm, status: int = 200):
    pending = declined = None
    if rules.can_see_history(current_user, item):
        pending = service.pending_edit(item) if item.has_pending_edit else None
        declined = service.last_declined_edit(item)
    changes = history.compare(service.snapshot_of(item), pending.snapshot, queries.revision_labels()) if pending else []
    return render_template(
        f"library/show_{pages.key}.html", pages=pages, item=item, decision_form=decision_form,
        pending=pending, pending_changes=changes, declined=declined,
        lessons=queries.lessons_from(item) if pages is CASE_STUDIES else [],
    ), status


def render_form(pages: KindPages, form, item: LibraryItem | None = None, status: int = 200, stale=None):
    stale_changes = history.compare(stale, {**asdict(form.to_fields()), "status": stale.get("status")},
                                    queries.revision_labels()) if stale else []
    return render_template("library/form.html", pages=pages, form=form, item=item, stale=stale,
                           stale_changes=stale_changes), status


def prepared_form(pages: KindPages, item: LibraryItem | None = None):
    form = FORMS[pages.key]()
    sources = []
    if pages is LESSONS:
        sources = queries.published_case_studies()
        current = item.source_case_study if item is not None else None
        if current is not None and current not in sources:
            sources.append(current)  # an archived source stays selectable, so editing keeps the link
    form.prepare(list_themes(), sources)
    return form


def new(pages: KindPages):
    form = prepared_form(pages)
    if request.method == "GET":
        if pages is CASE_STUDIES:
            form.body.data = CASE_STUDY_TEMPLATE
        if request.args.get("theme"):
            form.themes.data = [request.args["theme"]]
        form.creation_token.data = uuid.uuid4().hex
        source_id = id_argument("from")
        if pages is LESSONS and source_id:
            source = queries.get_item(CASE_STUDIES.kind, source_id)
            if source is not None and source.status == "published":
                form.source_case_study.data = str(source.id)
                form.themes.data = [theme.slug for theme in source.themes]
        return render_form(pages, form)
    if request.form.get("intent") != "submit":
        form.allow_unfinished()
    if not form.validate_on_submit():
        return render_form(pages, form, status=INVALID)
    try:
        item = service.start_item(pages.kind, form.to_fields(), by=current_user, note=form.note.data,
                                  creation_token=(form.creation_token.data or "")[:40] or None)
        if request.form.get("intent") == "submit" and rules.can_submit(current_user, item):
            submit_or_publish(item)
        else:
            flash("Your draft has been saved. Only you and the moderators can see it.", "success")
    except LibraryError as error:
        form.form_errors.append(str(error))
        return render_form(pages, form, status=INVALID)
    return redirect(item_url(item))


def submit_or_publish(item: LibraryItem) -> None:
    if rules.can_publish_directly(current_user, item):
        service.publish(item, by=current_user)
        flash("Published.", "success")
    else:
        service.submit_for_review(item, by=current_user)
        flash("Thank you. It has been sent to the moderators for review.", "success")


def edit(pages: KindPages, item_id: int):
    item = visible_item_or_404(pages, item_id)
    if not rules.can_edit(current_user, item):
        abort(403)
    form = prepared_form(pages, item)
    if request.method == "GET":
        form.fill_from(service.fields_for_editing(item, current_user), item.revision_number)
        return render_form(pages, form, item)
    if request.form.get("intent") != "submit" and item.status in rules.EDITABLE_BY_AUTHOR:
        form.allow_unfinished()
    if not form.validate_on_submit():
        return render_form(pages, form, item, status=INVALID)
    try:
        live = service.save_item(item, form.to_fields(), by=current_user,
                                 opened_at_revision=form.opened_at_revision(), note=form.note.data)
        if not live:
            flash("Your edit has been sent to the moderators. Readers see the published text until it is "
                  "approved.", "success")
        elif request.form.get("intent") == "submit" and rules.can_submit(current_user, item):
            submit_or_publish(item)
        else:
            flash("Your changes have been saved.", "success")
    except StaleEdit as error:
        form.form_errors.append(str(error))
        form.revision.data = str(item.revision_number)
        return render_form(pages, form, item, status=409, stale=error.current)
    except LibraryError as error:
        form.form_errors.append(str(error))
        return render_form(pages, form, item, status=INVALID)
    return redirect(item_url(item))


def history_page(pages: KindPages, item_id: int):
    item = visible_item_or_404(pages, item_id)
    if not rules.can_see_history(current_user, item):
        abort(403)
    return render_template("library/history.html", pages=pages, item=item, revisions=queries.revisions_of(item))


def compare(pages: KindPages, item_id: int):
    item = visible_item_or_404(pages, item_id)
    if not rules.can_see_history(current_user, item):
        abort(403)
    older = queries.revision(item, id_argument("from") or 0)
    newer = queries.revision(item, id_argument("to") or 0)
    if older is None or newer is None:
        flash("Choose two revisions to compare.", "error")
        return redirect(item_url(item, "history"))
    if older.number > newer.number:
        older, newer = newer, older
    return render_template("library/compare.html", pages=pages, item=item, older=older, newer=newer,
                           changes=history.compare(older.snapshot, newer.snapshot, queries.revision_labels()))


def restore(pages: KindPages, item_id: int, number: int):
    item = visible_item_or_404(pages, item_id)
    try:
        live = service.restore_revision(item, number, by=current_user)
    except service.NotAllowed:
        abort(403)
    except LibraryError as error:
        flash(str(error), "error")
        return redirect(item_url(item, "history"))
    flash(f"Revision {number} has been restored" + ("." if live else " as an edit waiting for review."),
          "success")
    return redirect(item_url(item))


def submit(pages: KindPages, item_id: int):
    item = visible_item_or_404(pages, item_id)
    if not rules.is_author(current_user, item):
        abort(403)
    try:
        submit_or_publish(item)
    except LibraryError as error:
        flash(str(error), "error")
    return redirect(item_url(item))


def decide(pages: KindPages, item_id: int, action, success: str):
    """One moderator decision: members get 403; a decision that no longer applies gets a message."""
    item = visible_item_or_404(pages, item_id)
    if not rules.is_moderator(current_user):
        abort(403)
    form = DecisionForm()
    if not form.validate_on_submit():
        return render_item(pages, item, form, status=INVALID)  # the note typed so far stays in the box
    try:
        service.check_as_shown(item, versions.seen_revision(request.form.get(versions.FIELD)))
        action(item, current_user, form.note.data or "")
    except service.ChangedSinceShown as error:
        # The page again, as it is now, with the note kept: the moderator decides on what is there.
        form.form_errors.append(str(error))
        return render_item(pages, item, form, status=409)
    except service.InvalidTransition as error:
        # Usually another moderator got there first: say who, and when.
        flash(f"{error} Latest decision: {audit.who_decided(item.kind, item.id)}", "error")
    except LibraryError as error:
        flash(str(error), "error")
    else:
        flash(success, "success")
    return redirect(item_url(item))


def supersede(pages: KindPages, item_id: int):
    item = visible_item_or_404(pages, item_id)
    if not rules.is_moderator(current_user):
        abort(403)
    try:
        replacement = curation.supersede(item, current_user, request.form.get("replacement", ""))
    except LibraryError as error:
        flash(str(error), "error")
    else:
        flash(f"Marked as superseded by “{replacement.title}”.", "success")
    return redirect(item_url(item))


def feature(pages: KindPages, item_id: int):
    item = visible_item_or_404(pages, item_id)
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


DECISIONS = {
    "publish": (lambda item, by, note: service.publish(item, by, note), "Published."),
    "request_changes": (service.request_changes, "Sent back to the author with your note."),
    "reject": (service.reject, "Rejected. The author can see your reason."),
    "archive": (service.archive, "Archived. It stays readable, marked as archived."),
    "approve_edit": (service.approve_edit, "The edit is approved and now published."),
    "decline_edit": (service.decline_edit, "The edit is declined. The author can see your note."),
    "verify": (curation.verify, "Marked as verified good practice."),
    "unverify": (curation.unverify, "No longer marked as verified."),
    "unsupersede": (curation.clear_supersession, "No longer marked as superseded."),
}


def register_kind_routes(pages: KindPages) -> None:
    def route(rule, endpoint, view, methods=("GET",), login=True, **defaults):
        def bound(**kwargs):
            return view(pages, **kwargs)
        bound.__name__ = f"{endpoint}_{pages.key}"
        handler = login_required(bound) if login else bound
        options = {"defaults": defaults} if defaults else {}
        bp.add_url_rule(f"/{pages.prefix}{rule}", endpoint=f"{endpoint}_{pages.key}", view_func=handler,
                        methods=list(methods), **options)

    route("", "index", index, login=False)
    route("/new", "new", new, methods=("GET", "POST"))
    item_id = "<id:item_id>"
    route(f"/{item_id}", "show", show, login=False, slug="")
    bp.add_url_rule(f"/{pages.prefix}/{item_id}-<slug>", endpoint=f"show_{pages.key}")
    route(f"/{item_id}/edit", "edit", edit, methods=("GET", "POST"))
    route(f"/{item_id}/history", "history", history_page)
    route(f"/{item_id}/history/compare", "compare", compare)
    route(f"/{item_id}/revisions/<id:number>/restore", "restore", restore, methods=("POST",))
    route(f"/{item_id}/submit", "submit", submit, methods=("POST",))
    route(f"/{item_id}/supersede", "supersede", supersede, methods=("POST",))
    route(f"/{item_id}/feature", "feature", feature, methods=("POST",))
    for name, (action, success) in DECISIONS.items():
        route(f"/{item_id}/{name.replace('_', '-')}", name,
              lambda pages, item_id, action=action, success=success: decide(pages, item_id, action, success),
              methods=("POST",))


for kind_pages in ALL_KINDS:
    register_kind_routes(kind_pages)


@bp.route("/my/contributions")
@login_required
def my_contributions():
    return render_template("library/my_contributions.html", items=queries.contributions_of(current_user))


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
