"""Account pages: register, log in, log out, the account page."""

from __future__ import annotations

from flask import abort, current_app, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie

from kb.auth import bp, ip_limits, service, sessions, verification
from kb.auth.forms import ForgotPasswordForm, LoginForm, PasswordForm, ProfileForm, RegisterForm, ResetPasswordForm
from kb.auth.models import SignedInSession, User
from kb.auth.service import AccountSuspended, AuthError, LoginThrottled, Profile
from kb.platform import personal_data
from kb.platform.extensions import login_manager
from kb.platform.http import wants_json
from kb.platform.notifications import inbox
from kb.platform.permissions import member_required
from kb.platform.text import plural

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
def load_user(secret: str):
    # Flask-Login hands over what the session cookie (or the remember-me cookie) holds: the secret
    # of a signed-in session. The navigation's unread count is read in the same query.
    found = sessions.signed_in_with(secret, inbox.unread_count_of(User.id))
    if found is None:
        # Ended elsewhere or expired: forget the dead secret (both cookies hold the same one), so
        # later requests do not look it up again.
        session.pop("_user_id", None)
        if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
            session["_remember"] = "clear"
        return None
    g.signed_in_session, user, g.unread_notifications_when_loaded = found
    return user


def current_signed_in_session() -> SignedInSession | None:
    return g.get("signed_in_session") if current_user.is_authenticated else None


@user_loaded_from_cookie.connect
def renew_remember_me(_app, **_signal):
    # The remember-me cookie was just used: give this browser a new secret (and so new cookies), so
    # the used cookie, and any copy of it, signs nobody in again.
    session["_user_id"] = sessions.renew_secret(g.signed_in_session)
    session["_remember"] = "set"


def sign_in(user: User, remember: bool = False) -> None:
    """Start a signed-in session for this browser."""
    secret = sessions.start_session(user, request.user_agent.string, remembered=remember)
    # Nothing from before signing in carries over, the CSRF token included: a session planted in
    # the browser beforehand (session fixation) is worth nothing afterwards.
    session.clear()
    g.pop(current_app.config["WTF_CSRF_FIELD_NAME"], None)
    login_user(user, remember=remember)
    session["_user_id"] = secret  # what Flask-Login keeps, in place of the account's id


def sign_out() -> None:
    """End this browser's signed-in session on the server, then forget it here."""
    signed_in = current_signed_in_session()
    if signed_in is not None:
        sessions.end_session(signed_in)
    session.clear()
    g.pop(current_app.config["WTF_CSRF_FIELD_NAME"], None)
    logout_user()  # after clear(): it asks for the remember-me cookie to be deleted


# What a visitor sent to log in is told, by where they were going: why, and how to join.
WHY_LOG_IN = {
    "board": "The discussion board is for members: log in, or create an account (it is free) to read and join "
    "the conversation.",
    "partnerships": "Partnerships and their health-checks are for members: log in, or create an account to take part.",
}


@login_manager.unauthorized_handler
def ask_to_log_in():
    if wants_json():
        return {"error": "Log in to use this.", "status": 401}, 401
    flash(WHY_LOG_IN.get(request.path.split("/")[1], "Log in to see that page."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


@bp.before_app_request
def sign_out_suspended_member():
    # A suspension takes effect at once, not when the member next logs in.
    if current_user.is_authenticated and current_user.is_suspended():
        message = str(AccountSuspended(current_user))
        sign_out()
        flash(message, "error")


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("auth.account"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            ip_limits.count_request(request.remote_addr, ip_limits.REGISTER)
        except ip_limits.TooManyRequests as error:
            form.form_errors.append(f"{error} Your details are still in the form: type your password again.")
            return render_template("auth/register.html", form=form), 429
        # The same answer whether or not the address has an account: only the mail differs. Where the
        # visitor was going (an invitation) travels in the verification link, to any browser.
        then = request.args.get("next")
        verification.register(
            form.email.data, form.password.data, profile_from(form), then=then if service.is_safe_next(then) else None
        )
        return render_template("auth/check_email.html", reason="register", address=form.email.data)
    status = INVALID if form.errors else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/verify-email/<token>")
def verify_email(token: str):
    try:
        user = verification.verify_email(token)
    except verification.LinkProblem as error:
        status = 410 if isinstance(error, verification.LinkExpired | verification.LinkUsed) else 400
        return render_template("auth/link_problem.html", message=str(error), purpose="verify"), status
    flash(
        f"Thank you: {user.email} is verified. You can now submit your work, post on the board, report "
        "posts and take part in partnerships.",
        "success",
    )
    then = verification.destination_of(token)
    if current_user.is_authenticated and current_user.id == user.id:
        back = session.pop(service.AFTER_VERIFYING, None) or then
        return redirect(back if service.is_safe_next(back) else url_for("auth.account"))
    return redirect(url_for("auth.login", next=then if service.is_safe_next(then) else None))


@bp.route("/account/verification", methods=["POST"])
@member_required
def send_verification_again():
    try:
        verification.send_verification_again(current_user)
    except verification.TooManyMails as error:
        flash(str(error), "error")
        return redirect(url_for("auth.account"))
    except AuthError as error:
        flash(str(error), "info")
        return redirect(url_for("auth.account"))
    flash(f"We have sent a new link to {current_user.email}. It works for 48 hours.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            ip_limits.count_request(request.remote_addr, ip_limits.FORGOT_PASSWORD)
        except ip_limits.TooManyRequests as error:
            form.form_errors.append(str(error))
            return render_template("auth/forgot_password.html", form=form), 429
        verification.request_password_reset(form.email.data)
        return render_template("auth/check_email.html", reason="reset", address=form.email.data)
    status = INVALID if form.errors else 200
    return render_template("auth/forgot_password.html", form=form), status


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        verification.account_for_reset(token)
    except verification.LinkProblem as error:
        status = 410 if isinstance(error, verification.LinkExpired | verification.LinkUsed) else 400
        return render_template("auth/link_problem.html", message=str(error), purpose="reset"), status
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            verification.reset_password(token, form.password.data, keeping=current_signed_in_session())
        except verification.LinkProblem as error:  # used in another tab a moment ago
            return render_template("auth/link_problem.html", message=str(error), purpose="reset"), 410
        flash(
            "Your password has been changed, and every browser that was logged in to your account has been logged out.",
            "success",
        )
        if current_user.is_authenticated:
            return redirect(url_for("auth.account"))
        flash("Log in with your new password.", "info")
        return redirect(url_for("auth.login"))
    status = INVALID if form.errors else 200
    return render_template("auth/reset_password.html", form=form, token=token), status


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
            sign_in(user, remember=form.remember.data)
            flash(f"You are logged in as {user.display_name}.", "success")
            return redirect(next_page())
    elif form.errors:
        status = INVALID
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    sign_out()
    flash("You have logged out.", "success")
    return redirect(url_for("themes.home"))


def render_account(profile_form=None, password_form=None, status: int = 200):
    if profile_form is None:
        profile_form = ProfileForm(prefix="profile", obj=current_user, formdata=None)
    if password_form is None:
        password_form = PasswordForm(prefix="password", formdata=None)
    return (
        render_template(
            "auth/account.html",
            profile_form=profile_form,
            password_form=password_form,
            devices=sessions.sessions_of(current_user),
            this_device=current_signed_in_session(),
        ),
        status,
    )


@bp.route("/account")
@member_required
def account():
    return render_account()


@bp.route("/account/profile", methods=["POST"])
@member_required
def update_profile():
    form = ProfileForm(prefix="profile")
    if form.validate_on_submit():
        try:
            new_address = service.update_profile(
                current_user, form.email.data, profile_from(form), form.current_password.data
            )
            if new_address:
                verification.ask_to_change_email(current_user, new_address)
        except service.WrongPassword as error:
            form.current_password.errors.append(
                f"{error} Your current password is needed to change your email address."
            )
        except verification.TooManyMails as error:
            form.email.errors.append(str(error))
        else:
            flash("Your profile has been updated.", "success")
            if new_address:
                flash(
                    f"We have sent a link to {new_address}. Your email address changes to it when you follow "
                    "the link, within 48 hours; until then we keep using the one you have now.",
                    "info",
                )
            return redirect(url_for("auth.account"))
    return render_account(profile_form=form, status=INVALID)


@bp.route("/account/password", methods=["POST"])
@member_required
def change_password():
    form = PasswordForm(prefix="password")
    if form.validate_on_submit():
        try:
            service.change_password(
                current_user, form.current_password.data, form.password.data, keeping=current_signed_in_session()
            )
        except service.WrongPassword as error:
            form.current_password.errors.append(str(error))
        else:
            flash("Your password has been changed. Other browsers using your account have been logged out.", "success")
            return redirect(url_for("auth.account"))
    return render_account(password_form=form, status=INVALID)


@bp.route("/account/sessions/sign-out-others", methods=["POST"])
@member_required
def sign_out_other_devices():
    ended = sessions.end_other_sessions(current_user, keeping=current_signed_in_session())
    if ended:
        flash(f"You have been signed out of {plural(ended, 'other device')}.", "success")
    else:
        flash("You were not signed in anywhere else.", "info")
    return redirect(url_for("auth.account"))


@bp.route("/account/sessions/<id:session_id>/sign-out", methods=["POST"])
@member_required
def sign_out_device(session_id: int):
    this_device = current_signed_in_session()
    if this_device is not None and this_device.id == session_id:
        sign_out()
        flash("You have logged out.", "success")
        return redirect(url_for("themes.home"))
    if not sessions.end_session_of(current_user, session_id):
        abort(404, "That device is not signed in to your account, or was already signed out.")
    flash("That device has been signed out.", "success")
    return redirect(url_for("auth.account"))


@bp.app_context_processor
def notification_count():
    # The unread count in the navigation is read once per page, only for people who are signed in.
    def unread() -> int:
        if not current_user.is_authenticated:
            return 0
        if request.method == "GET" and "unread_notifications_when_loaded" in g:
            return g.unread_notifications_when_loaded  # GET pages send no notifications: still right
        return inbox.unread_count(current_user)

    return {"unread_notifications": unread}


@bp.route("/my/data")
@member_required
def my_data():
    return render_template("auth/my_data.html", parts=personal_data.parts())


@bp.route("/my/data.zip")
@member_required
def my_data_download():
    response = make_response(personal_data.download_of(current_user))
    response.mimetype = "application/zip"
    response.headers["Content-Disposition"] = "attachment; filename=common-ground-data.zip"
    # The member's own data: never kept by a browser cache or a proxy.
    response.headers["Cache-Control"] = "no-store"
    return response
