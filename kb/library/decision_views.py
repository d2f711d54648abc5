"""A moderator's decisions on one case study or lesson, from its page: the review decisions and the
curation ones (kb/library/reviewables.py lists them all) through one route, and the two that take
something other than a note: superseded by which item, and featured where."""

from __future__ import annotations

from flask import flash, redirect, request
from flask_login import current_user

from kb.library import bp, curation, featuring, reviewables
from kb.library.forms import DECISION_FORM, panel_forms
from kb.library.service import InvalidTransition, LibraryError
from kb.library.views import INVALID, render_item, visible_item_or_404
from kb.platform import audit, versions
from kb.platform.permissions import moderator_required
from kb.platform.reviewable import ChangedSinceShown
from kb.platform.site_address import address_of


@bp.route("/case-studies/<id:item_id>/decide", endpoint="decide_case_study", methods=["POST"])
@bp.route("/lessons/<id:item_id>/decide", endpoint="decide_lesson", methods=["POST"])
@moderator_required
def decide(item_id: int):
    """One decision: members get 403; a refused one comes back with the note typed so far."""
    item = visible_item_or_404(item_id)
    named = reviewables.item_page_decision(request.form.get("decision", ""))
    if named is None:
        flash("Choose one of the decisions offered.", "error")
        return redirect(address_of(item))
    reviewable, decision = named
    sent = DECISION_FORM.get(decision.name, "review")
    forms = panel_forms(item, sent=sent)
    form = getattr(forms, sent)
    if not form.validate_on_submit():
        return render_item(item, forms, status=INVALID)
    try:
        message = reviewable.perform(
            item, decision, current_user, form.note.data or "", versions.seen_revision(request.form.get(versions.FIELD))
        )
    except ChangedSinceShown as error:
        # The page again, as it is now, with the note kept: the moderator decides on what is there.
        form.form_errors.append(str(error))
        return render_item(item, forms, status=409)
    except reviewable.raced as error:
        # Usually another moderator got there first: say who, and when.
        flash(f"{error} Latest decision: {audit.who_decided(item.kind, item.id)}", "error")
    except reviewable.refused as error:
        form.note.errors.append(str(error))
        return render_item(item, forms, status=INVALID)
    else:
        flash(message, "success")
    return redirect(address_of(item))


@bp.route("/case-studies/<id:item_id>/supersede", endpoint="supersede_case_study", methods=["POST"])
@bp.route("/lessons/<id:item_id>/supersede", endpoint="supersede_lesson", methods=["POST"])
@moderator_required
def supersede(item_id: int):
    item = visible_item_or_404(item_id)
    forms = panel_forms(item, sent="supersede")
    if not forms.supersede.validate_on_submit():
        return render_item(item, forms, status=INVALID)
    try:
        replacement = curation.supersede(item, current_user, forms.supersede.replacement.data or "")
    except InvalidTransition as error:
        flash(str(error), "error")
    except LibraryError as error:
        forms.supersede.replacement.errors.append(str(error))  # the address typed stays in the box
        return render_item(item, forms, status=INVALID)
    else:
        flash(f"Marked as superseded by “{replacement.title}”.", "success")
    return redirect(address_of(item))


@bp.route("/case-studies/<id:item_id>/feature", endpoint="feature_case_study", methods=["POST"])
@bp.route("/lessons/<id:item_id>/feature", endpoint="feature_lesson", methods=["POST"])
@moderator_required
def feature(item_id: int):
    item = visible_item_or_404(item_id)
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
    return redirect(address_of(item))
