"""Partnership pages: thin, the rules are in service.py and results.py. Outsiders get 404, members
who may not act 403; a refused form is shown again with its errors (422)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from kb.auth.service import AFTER_VERIFYING
from kb.partnerships import bp, service
from kb.partnerships.forms import InvitationForm, InviteByEmailForm, JoinForm, PartnershipForm, RoundForm
from kb.partnerships.models import (
    MEMBER_SECTOR_LABELS,
    RATING_LABELS,
    TREND_LABELS,
    HealthCheckRound,
    Invitation,
    Membership,
    Rating,
)
from kb.partnerships.results import service as results
from kb.partnerships.results import trends
from kb.partnerships.results.chart import share_chart
from kb.platform import clock
from kb.platform.extensions import db
from kb.platform.permissions import member_required
from kb.themes.service import get_theme, list_themes

INVALID = 422


def refused(error: service.PartnershipError):
    abort(error.status, str(error))


def partnership_or_404(partnership_id: int):
    try:
        return service.visible_partnership(partnership_id, current_user)
    except service.NotFound as error:
        refused(error)


def round_or_404(round_id: int) -> HealthCheckRound:
    try:
        return service.visible_round(round_id, current_user)
    except service.NotFound as error:
        refused(error)


@bp.app_template_global()
def chart_for(theme_result) -> str:
    rows = [
        (f"Item {item.number}", item.figures.share) for item in sorted(theme_result.items, key=lambda item: item.number)
    ]
    title = f"{theme_result.theme.title}: share of positive answers for each item (withheld figures have no bar)"
    return share_chart(f"chart-{theme_result.theme.slug}", title, rows, results.WEAK_SHARE)


@bp.app_template_global()
def healthcheck_band(share, partnership) -> str:
    return service.band_of(share, partnership)


@bp.route("/partnerships")
@member_required
def index():
    return render_template("partnerships/index.html", partnerships=service.partnerships_of(current_user))


@bp.route("/partnerships/new", methods=["GET", "POST"])
@member_required
def new():
    form = PartnershipForm()
    if request.method == "GET" and current_user.sector in MEMBER_SECTOR_LABELS:
        form.sector.data = current_user.sector
    if form.validate_on_submit():
        try:
            partnership = service.register_partnership(
                form.name.data, form.region.data, form.description.data, form.sector.data, by=current_user
            )
        except service.PartnershipError as error:
            form.form_errors.append(str(error))
        else:
            flash("Your partnership is registered. You are its coordinator: invite its members with a link.", "success")
            return redirect(url_for("partnerships.show", partnership_id=partnership.id))
    status = INVALID if form.errors or form.form_errors else 200
    return render_template(
        "partnerships/new.html", form=form, unverified=service.why_unverified(current_user, "register a partnership")
    ), status


EMAIL_FORM = "invite"  # its fields' names and ids, apart from the link form's on the same page


def render_partnership(partnership, invitation_form=None, round_form=None, status=200, bands=None, email_form=None):
    bands = bands or {"green_from": partnership.green_from or "", "amber_from": partnership.amber_from or ""}
    return render_template(
        "partnerships/show.html",
        partnership=partnership,
        members=service.members_of(partnership),
        coordinator=service.is_coordinator(current_user, partnership),
        invitations=service.invitations_of(partnership, current_user),
        invitation_form=invitation_form or InvitationForm(),
        email_form=email_form or InviteByEmailForm(formdata=None, prefix=EMAIL_FORM),
        round_form=round_form or RoundForm(formdata=None),
        bands=bands,
        now=clock.now(),
    ), status


@bp.route("/partnerships/<id:partnership_id>")
@member_required
def show(partnership_id: int):
    return render_partnership(partnership_or_404(partnership_id))


@bp.route("/partnerships/<id:partnership_id>/invitations", methods=["POST"])
@member_required
def create_invitation(partnership_id: int):
    partnership = partnership_or_404(partnership_id)
    form = InvitationForm()
    if not service.is_coordinator(current_user, partnership):
        abort(403, "Only the partnership's coordinators can invite people.")
    if not form.validate_on_submit():
        return render_partnership(partnership, invitation_form=form, status=INVALID)
    try:
        service.create_invitation(partnership, int(form.days.data), by=current_user)
    except service.PartnershipError as error:
        refused(error)
    flash("A new invitation link is ready: copy it and send it to the people you want to invite.", "success")
    return redirect(url_for("partnerships.show", partnership_id=partnership.id) + "#invitations-heading")


@bp.route("/partnerships/<id:partnership_id>/invitations/email", methods=["POST"])
@member_required
def invite_by_email(partnership_id: int):
    partnership = partnership_or_404(partnership_id)
    if not service.is_coordinator(current_user, partnership):
        abort(403, "Only the partnership's coordinators can invite people.")
    form = InviteByEmailForm(prefix=EMAIL_FORM)
    if form.validate_on_submit():
        try:
            invited = service.invite_by_email(partnership, form.addresses.data, int(form.days.data), by=current_user)
        except service.PartnershipError as error:
            form.addresses.errors.append(str(error))  # beside the addresses, as typed
        else:
            if invited.sent:
                flash(f"Invitations sent to {', '.join(invited.sent)}.", "success")
            if invited.members:
                flash(f"Already members, so not invited: {', '.join(invited.members)}.", "info")
            return redirect(url_for("partnerships.show", partnership_id=partnership.id) + "#invitations-heading")
    return render_partnership(partnership, email_form=form, status=INVALID)


@bp.route("/partnerships/invitations/<id:invitation_id>/revoke", methods=["POST"])
@member_required
def revoke_invitation(invitation_id: int):
    invitation = db.session.get(Invitation, invitation_id) or abort(404)
    partnership = partnership_or_404(invitation.partnership_id)
    try:
        service.revoke_invitation(invitation, by=current_user)
    except service.PartnershipError as error:
        refused(error)
    flash("The invitation link no longer works.", "success")
    return redirect(url_for("partnerships.show", partnership_id=partnership.id) + "#invitations-heading")


@bp.route("/partnerships/members/<id:membership_id>/coordinator", methods=["POST"])
@member_required
def make_coordinator(membership_id: int):
    membership = db.session.get(Membership, membership_id) or abort(404)
    partnership = partnership_or_404(membership.partnership_id)
    try:
        service.make_coordinator(membership, by=current_user)
    except service.PartnershipError as error:
        refused(error)
    flash(f"{membership.user.display_name} is now a co-coordinator.", "success")
    return redirect(url_for("partnerships.show", partnership_id=partnership.id))


@bp.route("/partnerships/join/<token>")
def join(token: str):
    """An invitation: a visitor is shown what it is and how to take it up (log in, or create an
    account, and come back here); a member joins with the form."""
    if current_user.is_authenticated:
        return join_as_member(token)
    try:
        invitation = service.invitation_by_token(token)
    except service.PartnershipError as error:
        return unusable(error)
    return render_template(
        "partnerships/join.html", form=None, partnership=invitation.partnership, token=token, invitation=invitation
    )


@bp.route("/partnerships/join/<token>", methods=["POST"])
@member_required
def join_submit(token: str):
    return join_as_member(token)


def unusable(error: service.PartnershipError):
    return render_template(
        "partnerships/invitation_unusable.html", message=str(error), status=error.status
    ), error.status


def join_as_member(token: str):
    try:
        invitation = service.invitation_by_token(token)
    except service.PartnershipError as error:
        return unusable(error)
    partnership = invitation.partnership
    if service.is_member(current_user, partnership):
        return redirect(url_for("partnerships.show", partnership_id=partnership.id))
    unverified = service.why_unverified(current_user, "join the partnership")
    if unverified:
        # Back to this link once the address is verified (in this browser): the invitation is not lost.
        session[AFTER_VERIFYING] = request.path
        return render_template(
            "partnerships/join.html",
            form=None,
            partnership=partnership,
            token=token,
            invitation=invitation,
            unverified=unverified,
        ), 403 if request.method == "POST" else 200
    form = JoinForm()
    if request.method == "GET" and current_user.sector in MEMBER_SECTOR_LABELS:
        form.sector.data = current_user.sector
    if form.validate_on_submit():
        try:
            service.join(invitation, form.sector.data, by=current_user)
        except service.PartnershipError as error:
            form.form_errors.append(str(error))
        else:
            flash(f"You have joined {partnership.name}.", "success")
            return redirect(url_for("partnerships.show", partnership_id=partnership.id))
    status = INVALID if form.errors or form.form_errors else 200
    return render_template(
        "partnerships/join.html", form=form, partnership=partnership, token=token, invitation=invitation
    ), status


@bp.route("/partnerships/<id:partnership_id>/rounds", methods=["POST"])
@member_required
def open_round(partnership_id: int):
    partnership = partnership_or_404(partnership_id)
    if not service.is_coordinator(current_user, partnership):
        abort(403, "Only the partnership's coordinators open health-check rounds.")
    form = RoundForm()
    if form.validate_on_submit():
        try:
            health_check = service.open_round(partnership, form.name.data, form.closes_on.data, by=current_user)
        except service.PartnershipError as error:
            form.form_errors.append(str(error))
        else:
            flash(f"The round {health_check.name} is open: members can answer now.", "success")
            return redirect(url_for("partnerships.show_round", round_id=health_check.id))
    return render_partnership(partnership, round_form=form, status=INVALID)


@bp.route("/partnerships/<id:partnership_id>/bands", methods=["POST"])
@member_required
def set_bands(partnership_id: int):
    partnership = partnership_or_404(partnership_id)
    try:
        service.set_bands(
            partnership, request.form.get("green_from", ""), request.form.get("amber_from", ""), by=current_user
        )
    except service.NotAllowed as error:
        refused(error)
    except service.PartnershipError as error:
        form = RoundForm(formdata=None)
        form.form_errors.append(str(error))
        bands = {name: request.form.get(name, "") for name in ("green_from", "amber_from")}
        return render_partnership(partnership, round_form=form, status=INVALID, bands=bands)
    flash("The red, amber and green cut-offs are saved.", "success")
    return redirect(url_for("partnerships.show", partnership_id=partnership.id) + "#bands-heading")


@bp.route("/partnerships/rounds/<id:round_id>/close", methods=["POST"])
@member_required
def close_round(round_id: int):
    health_check = round_or_404(round_id)
    try:
        service.close_round(health_check, by=current_user)
    except service.PartnershipError as error:
        refused(error)
    flash(f"The round {health_check.name} is closed: its results are below.", "success")
    return redirect(url_for("partnerships.show_round", round_id=health_check.id))


@bp.route("/partnerships/rounds/<id:round_id>")
@member_required
def show_round(round_id: int):
    health_check = round_or_404(round_id)
    minimum = current_app.config["KB_HEALTHCHECK_MIN_RESPONDENTS"]
    return render_template(
        "partnerships/round.html",
        health_check=health_check,
        partnership=health_check.partnership,
        is_open=health_check.is_open(clock.now()),
        themes=list_themes(),
        answered=service.answered_per_theme(health_check, current_user),
        coordinator=service.is_coordinator(current_user, health_check.partnership),
        results=results.round_results(health_check, minimum),
        trends=trends.round_trends(health_check, minimum),
        minimum=minimum,
        unverified=service.why_unverified(current_user, "answer the health-check"),
    )


def answers_from_form(theme) -> dict[int, service.ItemAnswer]:
    return {
        pair.id: service.ItemAnswer(
            request.form.get(f"rating-{pair.id}", ""), request.form.get(f"comment-{pair.id}", "")
        )
        for pair in theme.checklist
    }


@bp.route("/partnerships/rounds/<id:round_id>/themes/<slug>", methods=["GET", "POST"])
@member_required
def answer_theme(round_id: int, slug: str):
    health_check = round_or_404(round_id)
    theme = get_theme(slug) or abort(404)
    themes = list_themes()
    following = next((later for later in themes if later.position > theme.position), None)
    error = None
    if request.method == "POST":
        try:
            service.save_theme_answers(
                health_check,
                theme,
                answers_from_form(theme),
                request.form.get("trend", ""),
                member=current_user,
                by=current_user,
            )
        except service.PartnershipError as refusal:
            if refusal.status != INVALID:
                refused(refusal)
            error = refusal
        else:
            flash(f"Your answers on {theme.title.lower()} are saved.", "success")
            if following is not None:
                return redirect(url_for("partnerships.answer_theme", round_id=health_check.id, slug=following.slug))
            return redirect(url_for("partnerships.show_round", round_id=health_check.id))
    saved = service.answers_of(health_check, current_user)
    values = (
        {pair_id: service.ItemAnswer(answer.rating, answer.comment) for pair_id, answer in saved.items()}
        if error is None
        else answers_from_form(theme)
    )
    trend = request.form.get("trend", "") if error else service.trends_of(health_check, current_user).get(theme.id, "")
    return render_template(
        "partnerships/answer.html",
        health_check=health_check,
        partnership=health_check.partnership,
        theme=theme,
        themes=themes,
        values=values,
        trend=trend,
        error=error,
        is_open=health_check.is_open(clock.now()),
        unverified=service.why_unverified(current_user, "answer the health-check"),
        ratings=[(rating.value, label) for rating, label in RATING_LABELS.items()],
        trends=[(choice.value, label) for choice, label in TREND_LABELS.items()],
        dont_know=Rating.DONT_KNOW.value,
    ), INVALID if error else 200
