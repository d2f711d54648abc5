"""Account pages: register, log in, log out, the account page."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from kb import notify
from kb.auth import bp, service
from kb.auth.forms import LoginForm, PasswordForm, ProfileForm, RegisterForm
from kb.auth.models import User
from kb.auth.service import AccountSuspended, AuthError, LoginThrottled, Profile
from kb.extensions import login_manager
from kb.http import wants_json

INVALID = 422  # the form is re-shown with its errors and what was typed


def profile_from(form) -> Profile:
    return Profile(
        display_name=form.display_name.data,
        organisation=form.organisation.data,
        sector=form.sector.data,
        region=form.region.data,
    )


def next_page(default_endpoint: str = "themes.home") -> str:
    target = request.values.get("next")
    return target if service.is_safe_next(target) else url_for(default_endpoint)


@login_manager.user_loader
def load_user(session_id: str):
    # Every page's navigation shows the member's unread notifications: read with the member.
    found = service.load_user_with(session_id, notify.unread_count_of(User.id))
    if found is None:
        return None
    user, g.unread_notifications_when_loaded = found
    return user


@login_manager.unauthorized_handler
def ask_to_log_in():
    if wants_json():
        return {"error": "Log in to use this.", "status": 401}, 401
    flash("Log in to see that page.", "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


@bp.before_app_request
def sign_out_suspended_member():
    # A suspension takes effect at once, not when the member next logs in.
    if current_user.is_authenticated and current_user.is_suspended():
        message = str(AccountSuspended(current_user))
        logout_user()
        flash(message, "error")


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("auth.account"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = service.create_account(form.email.data, form.password.data, profile_from(form))
        except service.EmailTaken as error:
            form.email.errors.append(str(error))
        else:
            login_user(user)
            flash(f"Welcome to Common Ground, {user.display_name}. Your account is ready.", "success")
            return redirect(next_page())
    status = INVALID if form.errors else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(next_page())
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.email.data, form.password.data, request.remote_addr or "unknown")
        except LoginThrottled as error:
            form.form_errors.append(str(error))
            status = 429
        except AuthError as error:
            form.form_errors.append(str(error))
            status = INVALID
        else:
            login_user(user, remember=form.remember.data)
            flash(f"You are logged in as {user.display_name}.", "success")
            return redirect(next_page())
    elif form.errors:
        status = INVALID
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash("You have logged out.", "success")
    return redirect(url_for("themes.home"))


def render_account(profile_form=None, password_form=None, status: int = 200):
    if profile_form is None:
        profile_form = ProfileForm(prefix="profile", obj=current_user, formdata=None)
    if password_form is None:
        password_form = PasswordForm(prefix="password", formdata=None)
    return (
        render_template("auth/account.html", profile_form=profile_form, password_form=password_form),
        status,
    )


@bp.route("/account")
@login_required
def account():
    return render_account()


@bp.route("/account/profile", methods=["POST"])
@login_required
def update_profile():
    form = ProfileForm(prefix="profile")
    if form.validate_on_submit():
        try:
            service.update_profile(current_user, form.email.data, profile_from(form), form.current_password.data)
        except service.WrongPassword as error:
            form.current_password.errors.append(
                f"{error} Your current password is needed to change your email address."
            )
        except service.EmailTaken as error:
            form.email.errors.append(str(error))
        else:
            flash("Your profile has been updated.", "success")
            return redirect(url_for("auth.account"))
    return render_account(profile_form=form, status=INVALID)


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = PasswordForm(prefix="password")
    if form.validate_on_submit():
        try:
            service.change_password(current_user, form.current_password.data, form.password.data)
        except service.WrongPassword as error:
            form.current_password.errors.append(str(error))
        else:
            # The new session token signed out every session, this one included: sign back in here.
            login_user(current_user._get_current_object())
            flash("Your password has been changed. Other browsers using your account have been logged out.",
                  "success")
            return redirect(url_for("auth.account"))
    return render_account(password_form=form, status=INVALID)


@bp.app_context_processor
def notification_count():
    # The unread count in the navigation is read once per page, only for people who are signed in.
    def unread() -> int:
        if not current_user.is_authenticated:
            return 0
        if request.method == "GET" and "unread_notifications_when_loaded" in g:
            return g.unread_notifications_when_loaded  # GET pages send no notifications: still right
        return notify.unread_count(current_user)
    return {"unread_notifications": unread}


@bp.route("/my/notifications")
@login_required
def notifications():
    return render_template("auth/notifications.html", notifications=notify.recent(current_user))


@bp.route("/my/notifications/read", methods=["POST"])
@login_required
def mark_notifications_read():
    changed = notify.mark_all_read(current_user)
    flash("All notifications are marked as read." if changed else "There was nothing unread.", "success")
    return redirect(url_for("auth.notifications"))
