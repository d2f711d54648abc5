"""Case study pages: browse, read, write, submit, and the moderators' decisions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kb.auth.models import REGIONS, SECTOR_LABELS
from kb.library import bp, service
from kb.library.forms import BODY_TEMPLATE, CaseStudyForm, DecisionForm
from kb.library.models import CaseStudy
from kb.library.service import Filters, LibraryError, StaleEdit
from kb.themes.service import list_themes

INVALID = 422


@bp.app_template_global()
def case_study_url(case_study: CaseStudy) -> str:
    return url_for("library.show", case_study_id=case_study.id, slug=case_study.slug)


def visible_case_study_or_404(case_study_id: int) -> CaseStudy:
    """The case study, or 404 for anyone who may not see it (so its existence is not revealed)."""
    case_study = service.get_case_study(case_study_id)
    if case_study is None or not service.can_view(current_user, case_study):
        abort(404)
    return case_study


@bp.app_context_processor
def library_rules():
    # The templates ask the same permission questions as the views, from the one place they live.
    return {"library": service}


@bp.route("/case-studies")
def index():
    themes = list_themes()
    filters = Filters(
        theme=request.args.get("theme") or None,
        region=request.args.get("region") or None,
        sector=request.args.get("sector") or None,
        tag=(request.args.get("tag") or "").strip().lower() or None,
    )
    page = service.browse(filters, request.args.get("page", 1, type=int) or 1)
    return render_template(
        "library/index.html", page=page, filters=filters, themes=themes, regions=REGIONS,
        sectors=SECTOR_LABELS, tags=service.all_tags_in_use(),
        theme_titles={theme.slug: theme.title for theme in themes},
    )


@bp.route("/case-studies/<int:case_study_id>", defaults={"slug": ""})
@bp.route("/case-studies/<int:case_study_id>-<slug>")
def show(case_study_id: int, slug: str):
    case_study = visible_case_study_or_404(case_study_id)
    if slug != case_study.slug:
        # Old links keep working after a title change.
        return redirect(case_study_url(case_study), code=301)
    return render_template("library/show.html", case_study=case_study, decision_form=DecisionForm())


def render_form(form: CaseStudyForm, case_study: CaseStudy | None = None, status: int = 200, stale=None):
    return render_template("library/form.html", form=form, case_study=case_study, stale=stale), status


@bp.route("/case-studies/new", methods=["GET", "POST"])
@login_required
def new():
    form = CaseStudyForm()
    form.set_theme_choices(list_themes())
    if request.method == "GET":
        form.body.data = BODY_TEMPLATE
        if request.args.get("theme"):
            form.themes.data = [request.args["theme"]]
        return render_form(form)
    if not form.validate_on_submit():
        return render_form(form, status=INVALID)
    try:
        case_study = service.start_case_study(form.to_fields(), by=current_user, note=form.note.data)
        if request.form.get("intent") == "submit":
            submit_or_publish(case_study)
        else:
            flash("Your draft has been saved. Only you and the moderators can see it.", "success")
    except LibraryError as error:
        form.form_errors.append(str(error))
        return render_form(form, status=INVALID)
    return redirect(case_study_url(case_study))


def submit_or_publish(case_study: CaseStudy) -> None:
    if service.can_publish_directly(current_user, case_study):
        service.publish(case_study, by=current_user)
        flash("Your case study is published.", "success")
    else:
        service.submit_for_review(case_study, by=current_user)
        flash("Thank you. Your case study has been sent to the moderators for review.", "success")


@bp.route("/case-studies/<int:case_study_id>/edit", methods=["GET", "POST"])
@login_required
def edit(case_study_id: int):
    case_study = visible_case_study_or_404(case_study_id)
    if not service.can_edit(current_user, case_study):
        abort(403)
    form = CaseStudyForm()
    form.set_theme_choices(list_themes())
    if request.method == "GET":
        form.fill_from(service.fields_of(case_study), case_study.revision_number)
        return render_form(form, case_study)
    if not form.validate_on_submit():
        return render_form(form, case_study, status=INVALID)
    try:
        opened_at = int(form.revision.data or -1)
    except ValueError:
        opened_at = -1
    try:
        service.save_case_study(case_study, form.to_fields(), by=current_user, opened_at_revision=opened_at,
                                note=form.note.data)
        if request.form.get("intent") == "submit":
            submit_or_publish(case_study)
        else:
            flash("Your changes have been saved.", "success")
    except StaleEdit as error:
        form.form_errors.append(str(error))
        form.revision.data = str(case_study.revision_number)
        return render_form(form, case_study, status=409, stale=case_study)
    except LibraryError as error:
        form.form_errors.append(str(error))
        return render_form(form, case_study, status=INVALID)
    return redirect(case_study_url(case_study))


def decide(case_study_id: int, action, success: str):
    case_study = visible_case_study_or_404(case_study_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(form.note.errors[0] if form.note.errors else "The decision could not be read.", "error")
        return redirect(case_study_url(case_study))
    try:
        action(case_study, current_user, form.note.data or "")
    except service.InvalidTransition as error:
        if not service.is_moderator(current_user):
            abort(403)
        flash(str(error), "error")
    except LibraryError as error:
        flash(str(error), "error")
    else:
        flash(success, "success")
    return redirect(case_study_url(case_study))


@bp.route("/case-studies/<int:case_study_id>/submit", methods=["POST"])
@login_required
def submit(case_study_id: int):
    case_study = visible_case_study_or_404(case_study_id)
    if not service.is_author(current_user, case_study):
        abort(403)
    try:
        submit_or_publish(case_study)
    except LibraryError as error:
        flash(str(error), "error")
    return redirect(case_study_url(case_study))


@bp.route("/case-studies/<int:case_study_id>/publish", methods=["POST"])
@login_required
def publish(case_study_id: int):
    return decide(case_study_id, lambda item, by, note: service.publish(item, by, note), "Published.")


@bp.route("/case-studies/<int:case_study_id>/request-changes", methods=["POST"])
@login_required
def request_changes(case_study_id: int):
    return decide(case_study_id, service.request_changes, "Sent back to the author with your note.")


@bp.route("/case-studies/<int:case_study_id>/reject", methods=["POST"])
@login_required
def reject(case_study_id: int):
    return decide(case_study_id, service.reject, "Rejected. The author has your reason.")


@bp.route("/case-studies/<int:case_study_id>/archive", methods=["POST"])
@login_required
def archive(case_study_id: int):
    return decide(case_study_id, service.archive, "Archived. It stays readable, marked as archived.")


@bp.route("/my/contributions")
@login_required
def my_contributions():
    return render_template("library/my_contributions.html", items=service.contributions_of(current_user))


@bp.route("/moderation/review")
@login_required
def review_queue():
    if not current_user.is_moderator:
        abort(403)
    return render_template("library/review_queue.html", items=service.awaiting_review())
