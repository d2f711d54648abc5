"""Pages for acting on a closed round's results: its actions, and the members' priority vote.
Outsiders get 404, members who may not act 403; a refused form is shown again with its errors
(422), everything typed kept."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from kb.partnerships import bp, service
from kb.partnerships.actions import service as actions
from kb.partnerships.actions.forms import ActionForm
from kb.partnerships.actions.models import PRIORITY_PICKS
from kb.partnerships.views import INVALID, refused, round_or_404
from kb.platform import clock
from kb.platform.permissions import member_required
from kb.themes.service import list_themes


@bp.app_template_global()
def actions_to_follow_up(partnership, health_check=None) -> dict:
    """Last round's actions and how they stand: for the partnership's page (the latest closed round)
    and for a round's pages (the closed round before it)."""
    earlier = (
        actions.round_before(health_check) if health_check is not None else actions.latest_closed_round(partnership)
    )
    return {"round": earlier, "actions": actions.actions_of(earlier) if earlier else [], "today": clock.now().date()}


@bp.app_template_global()
def item_number_of(pair) -> int:
    return actions.item_number(pair)


def render_actions(health_check, form=None, vote_error=None, picks=None, status=200):
    partnership = health_check.partnership
    coordinator = service.is_coordinator(current_user, partnership)
    members = service.members_of(partnership)
    themes = list_themes()
    if form is None:
        form = ActionForm(formdata=None)
    form.offer(themes, members)
    minimum = current_app.config["KB_HEALTHCHECK_MIN_RESPONDENTS"]
    return render_template(
        "partnerships/actions.html",
        health_check=health_check,
        partnership=partnership,
        coordinator=coordinator,
        is_open=health_check.is_open(clock.now()),
        actions=actions.actions_of(health_check),
        form=form,
        themes=themes,
        picks=actions.picks_of(health_check, current_user) if picks is None else picks,
        vote_error=vote_error,
        priorities=actions.priority_results(health_check, minimum),
        most=PRIORITY_PICKS,
        voting_open=actions.voting_is_open(health_check),
        minimum=minimum,
        unverified=service.why_unverified(current_user, "vote on the partnership's priorities"),
        today=clock.now().date(),
    ), status


@bp.route("/partnerships/rounds/<id:round_id>/actions")
@member_required
def round_actions(round_id: int):
    return render_actions(round_or_404(round_id))


@bp.route("/partnerships/rounds/<id:round_id>/actions", methods=["POST"])
@member_required
def record_action(round_id: int):
    health_check = round_or_404(round_id)
    if not service.is_coordinator(current_user, health_check.partnership):
        abort(403, "Only the partnership's coordinators record actions.")
    form = ActionForm()
    form.offer(list_themes(), service.members_of(health_check.partnership))
    if form.validate_on_submit():
        try:
            action = actions.record_action(health_check, form.fields(), by=current_user)
        except actions.ActionInvalid as error:
            show_problems(form, error)
        except service.PartnershipError as error:
            form.form_errors.append(str(error))
        else:
            flash(f"The action \u201c{action.title}\u201d is recorded.", "success")
            return redirect(url_for("partnerships.round_actions", round_id=health_check.id) + "#actions-heading")
    return render_actions(health_check, form=form, status=INVALID)


def show_problems(form: ActionForm, error: actions.ActionInvalid) -> None:
    """Each problem beside its field, and linked from the summary at the top."""
    for name, message in error.problems:
        getattr(form, name).errors.append(message)


def action_or_404(action_id: int):
    try:
        return actions.visible_action(action_id, current_user)
    except service.NotFound as error:
        refused(error)


@bp.route("/partnerships/actions/<id:action_id>/edit", methods=["GET", "POST"])
@member_required
def edit_action(action_id: int):
    action = action_or_404(action_id)
    health_check = action.health_check
    if not service.is_coordinator(current_user, health_check.partnership):
        abort(403, "Only the partnership's coordinators change actions.")
    form = ActionForm()
    form.offer(list_themes(), service.members_of(health_check.partnership))
    if request.method == "GET":
        form.fill_from(action)
    elif form.validate_on_submit():
        try:
            actions.update_action(action, form.fields(), by=current_user)
        except actions.ActionInvalid as error:
            show_problems(form, error)
        except service.PartnershipError as error:
            form.form_errors.append(str(error))
        else:
            flash(f"The action \u201c{action.title}\u201d is saved: {action.status_label.lower()}.", "success")
            return redirect(url_for("partnerships.round_actions", round_id=health_check.id) + "#actions-heading")
    status = INVALID if form.errors or form.form_errors else 200
    return render_template(
        "partnerships/action_edit.html",
        action=action,
        health_check=health_check,
        partnership=health_check.partnership,
        form=form,
    ), status


@bp.route("/partnerships/rounds/<id:round_id>/priorities", methods=["POST"])
@member_required
def vote_for_priorities(round_id: int):
    health_check = round_or_404(round_id)
    picked = request.form.getlist("pair")
    try:
        count = actions.vote_for_priorities(health_check, picked, member=current_user, by=current_user)
    except service.PartnershipError as error:
        if error.status != INVALID:
            refused(error)
        shown = {int(number) for number in picked if number.isdecimal() and len(number) < 10}
        return render_actions(health_check, vote_error=error, picks=shown, status=INVALID)
    flash(
        f"Your vote is saved: {count} of up to {PRIORITY_PICKS} items." if count else "Your vote is withdrawn.",
        "success",
    )
    return redirect(url_for("partnerships.round_actions", round_id=health_check.id) + "#priorities-heading")


@bp.route("/partnerships/rounds/<id:round_id>/priorities/close", methods=["POST"])
@member_required
def close_voting(round_id: int):
    health_check = round_or_404(round_id)
    if not service.is_coordinator(current_user, health_check.partnership):
        abort(403, "Only the partnership's coordinators close the vote.")
    try:
        actions.close_voting(health_check, by=current_user)
    except service.PartnershipError as error:
        if error.status != INVALID:
            refused(error)
        return render_actions(health_check, vote_error=error, status=INVALID)
    flash("Voting is closed: the counts below are final.", "success")
    return redirect(url_for("partnerships.round_actions", round_id=health_check.id) + "#priorities-heading")
