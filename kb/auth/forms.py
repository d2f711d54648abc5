"""Account forms: the shape of the input and field-level messages, in the GOV.UK style."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional

from kb.auth.models import EMAIL_MAX, NAME_MAX, ORGANISATION_MAX, SUSPENSION_REASON_MAX
from kb.auth.service import PASSWORD_MAX, PASSWORD_MIN
from kb.platform.fields import LineField, MomentField
from kb.platform.text import strip, unix_newlines
from kb.platform.vocabulary import REGION_CHOICES, SECTOR_CHOICES


def email_field(label: str = "Email address") -> EmailField:
    return EmailField(
        label,
        filters=[strip],
        validators=[
            DataRequired("Enter your email address"),
            Length(max=EMAIL_MAX, message=f"Email address must be {EMAIL_MAX} characters or fewer"),
            Email("Enter an email address in the correct format, like name@example.org"),
        ],
    )


def new_password_fields(label: str = "Password", confirm_label: str = "Confirm password"):
    """A new password and its confirmation; the confirmation compares with the field named 'password'."""
    password = PasswordField(
        label,
        validators=[
            InputRequired("Enter a password"),
            Length(min=PASSWORD_MIN, message=f"Password must be at least {PASSWORD_MIN} characters long"),
            Length(max=PASSWORD_MAX, message=f"Password must be {PASSWORD_MAX} characters or fewer"),
        ],
    )
    confirm = PasswordField(
        confirm_label,
        validators=[
            InputRequired("Enter the password again"),
            EqualTo("password", message="The two passwords do not match"),
        ],
    )
    return password, confirm


class ProfileFields(FlaskForm):
    display_name = LineField(
        "Display name",
        validators=[
            DataRequired("Enter the name other members will see"),
            Length(max=NAME_MAX, message=f"Display name must be {NAME_MAX} characters or fewer"),
        ],
    )
    organisation = LineField(
        "Organisation",
        validators=[
            DataRequired("Enter the organisation you work or volunteer for"),
            Length(max=ORGANISATION_MAX, message=f"Organisation must be {ORGANISATION_MAX} characters or fewer"),
        ],
    )
    sector = RadioField(
        "Sector",
        choices=SECTOR_CHOICES,
        validators=[InputRequired("Choose the sector your organisation is in")],
        validate_choice=True,
    )
    region = SelectField(
        "Region",
        choices=REGION_CHOICES,
        validators=[DataRequired("Choose your region")],
        validate_choice=True,
    )


class RegisterForm(ProfileFields):
    email = email_field()
    password, confirm_password = new_password_fields()

    field_order = ("email", "display_name", "organisation", "sector", "region", "password", "confirm_password")


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField("Password", validators=[InputRequired("Enter your password")])
    remember = BooleanField("Keep me logged in on this device for 30 days")
    next = HiddenField()

    field_order = ("email", "password", "remember")


class ProfileForm(ProfileFields):
    email = email_field()
    current_password = PasswordField("Current password", validators=[Optional()])

    field_order = ("display_name", "email", "organisation", "sector", "region", "current_password")


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[InputRequired("Enter your current password")])
    password, confirm_password = new_password_fields("New password", "Confirm new password")

    field_order = ("current_password", "password", "confirm_password")


class ForgotPasswordForm(FlaskForm):
    email = email_field()

    field_order = ("email",)


class ResetPasswordForm(FlaskForm):
    password, confirm_password = new_password_fields("New password", "Confirm new password")

    field_order = ("password", "confirm_password")


class SuspendForm(FlaskForm):
    """A moderator suspends a member (kb/auth/service.py suspend_member): from the board or the hub."""

    field_order = ("until", "reason")
    until = MomentField(
        "Suspended until (UK time)",
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[InputRequired("Enter when the suspension ends, as a date and time")],
    )
    reason = TextAreaField(
        "Reason (the member is shown it)",
        filters=[unix_newlines, strip],
        validators=[
            DataRequired("Give the reason for the suspension"),
            Length(
                max=SUSPENSION_REASON_MAX, message=f"Keep the reason to {SUSPENSION_REASON_MAX} characters or fewer"
            ),
        ],
    )
