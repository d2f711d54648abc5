"""Deleting your account: the page that explains what happens and asks for the password, and the
confirmation shown afterwards (signed out)."""

from __future__ import annotations

from flask import current_app, g, redirect, render_template, session, url_for
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from kb.auth import bp, deletion
from kb.auth.service import WrongPassword
from kb.platform.permissions import member_required

INVALID = 422
KEEP, REMOVE = "keep", "remove"


class DeleteAccountForm(FlaskForm):
    field_order = ("published", "current_password")  # the error summary lists errors in this order
    published = RadioField(
        "What should happen to what you published?",
        choices=[
            SelectChoice(KEEP, "Keep my published case studies, lessons and posts, credited to “a former member”"),
            SelectChoice(REMOVE, "Remove them too"),
        ],
        validators=[InputRequired("Choose whether to keep or remove what you published")],
    )
    current_password = PasswordField("Your password", validators=[InputRequired("Enter your password")])


def render_page(form: DeleteAccountForm, status: int = 200):
    return render_template(
        "auth/delete_account.html", form=form, cannot=deletion.why_cannot_delete(current_user)
    ), status


@bp.route("/account/delete", methods=["GET", "POST"])
@member_required
def delete_account():
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        return render_page(form, INVALID if form.errors else 200)
    removed = form.published.data == REMOVE
    try:
        deletion.delete_account(current_user, form.current_password.data, remove_published=removed)
    except WrongPassword as error:
        form.current_password.errors.append(f"{error} Nothing has been deleted.")
        return render_page(form, INVALID)
    except deletion.CannotDelete as error:
        form.form_errors.append(str(error))
        return render_page(form, 409)
    # The account's sessions went with it; forget this browser's too, and its form token.
    session.clear()
    g.pop(current_app.config["WTF_CSRF_FIELD_NAME"], None)
    logout_user()
    session["account_deleted"] = REMOVE if removed else KEEP
    return redirect(url_for("auth.account_deleted"))


@bp.route("/account/deleted")
def account_deleted():
    choice = session.pop("account_deleted", None)
    if choice is None:  # only the browser that just deleted an account is shown the confirmation
        return redirect(url_for("themes.home"))
    return render_template("auth/account_deleted.html", removed=choice == REMOVE)
