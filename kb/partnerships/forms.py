"""Partnership forms: the shape of the input; the rules are in service.py. (The answers form is one
radio group per checklist pair, read in views.py, since its fields come from the theme.)"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from kb.partnerships.models import DESCRIPTION_MAX, MEMBER_SECTOR_LABELS, NAME_MAX, ROUND_NAME_MAX
from kb.partnerships.service import INVITATION_DAYS
from kb.platform.fields import LineField, ListedRadioField, ListedSelectField
from kb.platform.text import strip, unix_newlines
from kb.platform.vocabulary import REGION_CHOICES


class DayField(DateField):
    """A date whose refusal gives an example (DateField's own message is for developers)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter the closing date as a real date, for example 2026-12-31") from None


SECTOR_CHOICES = [SelectChoice(value, label) for value, label in MEMBER_SECTOR_LABELS.items()]


def sector_field() -> ListedRadioField:
    return ListedRadioField(
        "The sector you answer for",
        choices=SECTOR_CHOICES,
        validators=[InputRequired("Choose the sector you answer for")],
        invalid_message="Choose the sector you answer for",
    )


class PartnershipForm(FlaskForm):
    field_order = ("name", "region", "description", "sector")  # the error summary's order
    name = LineField(
        "Name of the partnership",
        validators=[
            DataRequired("Enter the partnership's name"),
            Length(min=3, max=NAME_MAX, message=f"The name must be 3 to {NAME_MAX} characters long"),
        ],
    )
    region = ListedSelectField(
        "Region",
        choices=REGION_CHOICES,
        validators=[DataRequired("Choose the partnership's region")],
        invalid_message="Choose the partnership's region",
    )
    description = TextAreaField(
        "Description (optional)",
        filters=[unix_newlines, strip],
        validators=[
            Length(max=DESCRIPTION_MAX, message=f"Keep the description to {DESCRIPTION_MAX} characters or fewer")
        ],
    )
    sector = sector_field()


class JoinForm(FlaskForm):
    field_order = ("sector",)
    sector = sector_field()


class InvitationForm(FlaskForm):
    field_order = ("days",)
    days = ListedSelectField(
        "The link works for",
        default="14",
        invalid_message="Choose how long the link works",
        choices=[SelectChoice(str(days), f"{days} days") for days in INVITATION_DAYS],
    )


class InviteByEmailForm(FlaskForm):
    field_order = ("addresses", "days")
    addresses = TextAreaField(
        "Email addresses of the people to invite",
        filters=[unix_newlines, strip],
        validators=[
            DataRequired("Enter the email address of at least one person to invite"),
            Length(max=6000, message="Invite at most 20 people at once"),
        ],
    )
    days = ListedSelectField(
        "The invitation works for",
        default="14",
        invalid_message="Choose how long the invitation works",
        choices=[SelectChoice(str(days), f"{days} days") for days in INVITATION_DAYS],
    )


class RoundForm(FlaskForm):
    field_order = ("name", "closes_on")
    name = LineField(
        "Name of the round",
        validators=[
            DataRequired("Give the round a name, for example 2026"),
            Length(max=ROUND_NAME_MAX, message=f"Keep the name to {ROUND_NAME_MAX} characters or fewer"),
        ],
    )
    closes_on = DayField("Closing date (optional)", validators=[Optional()])
