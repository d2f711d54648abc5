"""Library pages for reading and writing. Case studies and lessons share these views: each route is
written out once per kind (/case-studies/..., /lessons/...), and its endpoint ends in the kind's key
(show_case_study, show_lesson), which is how a view knows which kind it serves. The moderators'
decisions on an item are in decision_views.py, the featured places and tags in curation_views.py."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from kb.library import bp, exports, history, queries, reviewables, rules, service, tags
from kb.library.forms import CASE_STUDY_TEMPLATE, CaseStudyForm, LessonForm, PanelForms, panel_forms
from kb.library.kinds import ALL_KINDS, BY_KIND, CASE_STUDIES, LESSONS, KindPages, pages_for
from kb.library.models import SUBMITTED, LibraryItem, Outcome, RevisionState, Status
from kb.library.queries import Filters
from kb.library.service import LibraryError, StaleEdit
from kb.platform import site_address
from kb.platform.csv_export import csv_download
from kb.platform.dates import long_date
from kb.platform.http import id_argument, page_argument, query_arguments
from kb.platform.permissions import member_required
from kb.platform.site_address import address_of
from kb.platform.vocabulary import REGIONS, SECTOR_LABELS
from kb.themes.service import list_themes

INVALID = 422
FORMS = {CASE_STUDIES.key: CaseStudyForm, LESSONS.key: LessonForm}


@bp.app_template_global()
def item_url(item: LibraryItem, action: str, **args) -> str:
    """An item's page for an action ("edit", "history", "decide"): the endpoint of its kind. Its own
    page is address_of(item), built on item.path()."""
    return url_for(f"library.{action}_{pages_for(item).key}", item_id=item.id, **args)


@bp.app_template_global()
def published_phrase(item: LibraryItem) -> str:
    """'Published 5 December 2026', or, for the leaflet's own items, the year of the checklist."""
    if item.from_the_leaflet and item.published_at:
        return f"From the {item.published_at.year} checklist"
    return f"Published {long_date(item.published_at)}" if item.published_at else ""


def requested_kind() -> KindPages:
    """The kind this request's route serves: every library item route's endpoint ends in its key."""
    return next(pages for pages in ALL_KINDS if request.endpoint.endswith(f"_{pages.key}"))


@bp.app_context_processor
def library_rules():
    # Templates ask the same permission questions as the views, from the one place they live.
    return {"rules": rules, "kinds": BY_KIND, "reviewables": reviewables}


# State names as the model spells them (Status.PUBLISHED, not "published"), in every template and macro.
bp.add_app_template_global(Status, "Status")
bp.add_app_template_global(SUBMITTED, "SUBMITTED")  # the status group, named once (kb/library/models.py)
bp.add_app_template_global(RevisionState, "RevisionState")


def visible_item_or_404(item_id: int) -> LibraryItem:
    """The item of this route's kind, or 404 for anyone who may not see it (so its existence is not revealed)."""
    item = queries.get_item(requested_kind().kind, item_id)
    if item is None or not rules.can_view(current_user, item):
        abort(404)
    return item


def requested_filters(pages: KindPages, themes) -> Filters:
    """The list's filters from the query string; an unknown value filters nothing."""

    def listed(name: str, allowed) -> str | None:
        value = request.args.get(name) or None
        return value if value in allowed else None

    return Filters(
        theme=listed("theme", {theme.slug for theme in themes}),
        region=listed("region", REGIONS),
        sector=listed("sector", SECTOR_LABELS),
        tag=(request.args.get("tag") or "").strip().lower()[:40] or None,
        outcome=listed("outcome", {outcome.value for outcome in Outcome}) if pages is LESSONS else None,
    )


def renamed_tag_redirect(endpoint: str, filters: Filters):
    """An old tag's address, after a rename or merge: the same list for the tag it became (or None)."""
    if filters.tag and (renamed := tags.current_name(filters.tag)):
        kept = query_arguments("theme", "region", "sector", "outcome", "page")
        return redirect(url_for(endpoint, tag=renamed, **kept), code=301)
    return None


@bp.route("/case-studies", endpoint="index_case_study")
@bp.route("/lessons", endpoint="index_lesson")
def index():
    pages = requested_kind()
    themes = list_themes()
    filters = requested_filters(pages, themes)
    if moved := renamed_tag_redirect(pages.index, filters):
        return moved
    page = queries.browse(pages.kind, filters, page_argument())
    labels = {theme.slug: theme.title for theme in themes} | dict(SECTOR_LABELS)
    outcomes = [outcome.value for outcome in Outcome] if pages is LESSONS else []
    return render_template(
        "library/index.html",
        pages=pages,
        page=page,
        filters=filters,
        themes=themes,
        regions=REGIONS,
        sectors=SECTOR_LABELS,
        outcomes=outcomes,
        labels=labels,
        counts=queries.facet_counts(pages.kind, filters, list(SECTOR_LABELS), outcomes),
    )


@bp.route("/case-studies.csv", endpoint="export_case_study")
@bp.route("/lessons.csv", endpoint="export_lesson")
def export():
    """The list page's filtered list, every page of it, as a spreadsheet. Published items only, for
    everyone: a moderator's download is the public list too."""
    pages = requested_kind()
    filters = requested_filters(pages, list_themes())
    if moved := renamed_tag_redirect(pages.export, filters):
        return moved
    items = queries.all_published(pages.kind, filters)
    return csv_download(
        exports.filename_for(pages, filters.active()),
        exports.columns_for(pages),
        exports.rows(pages, items, site_address.site_root()),
    )


@bp.route("/case-studies/<id:item_id>", endpoint="show_case_study", defaults={"slug": ""})
@bp.route("/case-studies/<id:item_id>-<slug>", endpoint="show_case_study")
@bp.route("/lessons/<id:item_id>", endpoint="show_lesson", defaults={"slug": ""})
@bp.route("/lessons/<id:item_id>-<slug>", endpoint="show_lesson")
def show(item_id: int, slug: str):
    item = visible_item_or_404(item_id)
    if slug != item.slug:
        # Old links keep working after a title change.
        return redirect(address_of(item), code=301)
    return render_item(item, panel_forms(item))


def render_item(item: LibraryItem, forms: PanelForms, status: int = 200):
    pages = pages_for(item)
    pending = declined = None
    if rules.can_see_history(current_user, item):
        pending = service.pending_edit(item) if item.has_pending_edit else None
        declined = service.last_declined_edit(item)
    changes = history.compare(service.snapshot_of(item), pending.snapshot, queries.revision_labels()) if pending else []
    return render_template(
        f"library/show_{pages.key}.html",
        pages=pages,
        item=item,
        moderation_forms=forms,
        pending=pending,
        pending_changes=changes,
        declined=declined,
        lessons=queries.lessons_from(item) if pages is CASE_STUDIES else [],
    ), status


def render_form(pages: KindPages, form, item: LibraryItem | None = None, status: int = 200, stale=None):
    stale_changes = (
        history.compare(stale, {**asdict(form.to_fields()), "status": stale.get("status")}, queries.revision_labels())
        if stale
        else []
    )
    return render_template(
        "library/form.html", pages=pages, form=form, item=item, stale=stale, stale_changes=stale_changes
    ), status


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


@bp.route("/case-studies/new", endpoint="new_case_study", methods=["GET", "POST"])
@bp.route("/lessons/new", endpoint="new_lesson", methods=["GET", "POST"])
@member_required
def new():
    pages = requested_kind()
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
            if source is not None and source.status == Status.PUBLISHED:
                form.source_case_study.data = str(source.id)
                form.themes.data = [theme.slug for theme in source.themes]
        return render_form(pages, form)
    if request.form.get("intent") != "submit":
        form.allow_unfinished()
    if not form.validate_on_submit():
        return render_form(pages, form, status=INVALID)
    try:
        item = service.start_item(
            pages.kind,
            form.to_fields(),
            by=current_user,
            note=form.note.data,
            creation_token=(form.creation_token.data or "")[:40] or None,
        )
        if request.form.get("intent") == "submit" and rules.can_submit(current_user, item):
            submit_or_publish(item)
        else:
            flash("Your draft has been saved. Only you and the moderators can see it.", "success")
            tell_why_not_submitted(item)
    except LibraryError as error:
        form.form_errors.append(str(error))
        return render_form(pages, form, status=INVALID)
    return redirect(address_of(item))


def tell_why_not_submitted(item: LibraryItem) -> None:
    reason = rules.why_cannot_submit(current_user)
    if request.form.get("intent") == "submit" and reason and rules.is_author(current_user, item):
        flash(reason, "info")


def submit_or_publish(item: LibraryItem) -> None:
    if rules.can_publish_directly(current_user, item):
        service.publish(item, by=current_user)
        flash("Published.", "success")
    else:
        service.submit_for_review(item, by=current_user)
        flash("Thank you. It has been sent to the moderators for review.", "success")


@bp.route("/case-studies/<id:item_id>/edit", endpoint="edit_case_study", methods=["GET", "POST"])
@bp.route("/lessons/<id:item_id>/edit", endpoint="edit_lesson", methods=["GET", "POST"])
@member_required
def edit(item_id: int):
    pages = requested_kind()
    item = visible_item_or_404(item_id)
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
        live = service.save_item(
            item, form.to_fields(), by=current_user, opened_at_revision=form.opened_at_revision(), note=form.note.data
        )
        if not live:
            flash(
                "Your edit has been sent to the moderators. Readers see the published text until it is approved.",
                "success",
            )
        elif request.form.get("intent") == "submit" and rules.can_submit(current_user, item):
            submit_or_publish(item)
        else:
            flash("Your changes have been saved.", "success")
            tell_why_not_submitted(item)
    except StaleEdit as error:
        form.form_errors.append(str(error))
        form.revision.data = str(item.revision_number)
        return render_form(pages, form, item, status=409, stale=error.current)
    except LibraryError as error:
        form.form_errors.append(str(error))
        return render_form(pages, form, item, status=INVALID)
    return redirect(address_of(item))


def item_with_history_or_403(item_id: int) -> LibraryItem:
    """An item whose history the visitor may read (its earlier revisions may hold declined text)."""
    item = visible_item_or_404(item_id)
    if not rules.can_see_history(current_user, item):
        abort(403)
    return item


@bp.route("/case-studies/<id:item_id>/history", endpoint="history_case_study")
@bp.route("/lessons/<id:item_id>/history", endpoint="history_lesson")
@member_required
def history_page(item_id: int):
    pages = requested_kind()
    item = item_with_history_or_403(item_id)
    return render_template("library/history.html", pages=pages, item=item, revisions=queries.revisions_of(item))


@bp.route("/case-studies/<id:item_id>/history/compare", endpoint="compare_case_study")
@bp.route("/lessons/<id:item_id>/history/compare", endpoint="compare_lesson")
@member_required
def compare(item_id: int):
    pages = requested_kind()
    item = item_with_history_or_403(item_id)
    older = queries.revision(item, id_argument("from") or 0)
    newer = queries.revision(item, id_argument("to") or 0)
    if older is None or newer is None:
        flash("Choose two revisions to compare.", "error")
        return redirect(item_url(item, "history"))
    if older.number > newer.number:
        older, newer = newer, older
    return render_template(
        "library/compare.html",
        pages=pages,
        item=item,
        older=older,
        newer=newer,
        changes=history.compare(older.snapshot, newer.snapshot, queries.revision_labels()),
    )


@bp.route("/case-studies/<id:item_id>/revisions/<id:number>/restore", endpoint="restore_case_study", methods=["POST"])
@bp.route("/lessons/<id:item_id>/revisions/<id:number>/restore", endpoint="restore_lesson", methods=["POST"])
@member_required
def restore(item_id: int, number: int):
    item = visible_item_or_404(item_id)
    try:
        live = service.restore_revision(item, number, by=current_user)
    except service.NotAllowed:
        abort(403)
    except LibraryError as error:
        flash(str(error), "error")
        return redirect(item_url(item, "history"))
    flash(f"Revision {number} has been restored" + ("." if live else " as an edit waiting for review."), "success")
    return redirect(address_of(item))


@bp.route("/case-studies/<id:item_id>/submit", endpoint="submit_case_study", methods=["POST"])
@bp.route("/lessons/<id:item_id>/submit", endpoint="submit_lesson", methods=["POST"])
@member_required
def submit(item_id: int):
    item = visible_item_or_404(item_id)
    if not rules.is_author(current_user, item):
        abort(403)
    try:
        submit_or_publish(item)
    except LibraryError as error:
        flash(str(error), "error")
    return redirect(address_of(item))


@bp.route("/my/contributions")
@member_required
def my_contributions():
    return render_template("library/my_contributions.html", items=queries.contributions_of(current_user))
