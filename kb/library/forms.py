"""Case study forms: input shape and field messages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from kb import clock
from kb.auth.forms import REGION_CHOICES, SECTOR_CHOICES, strip
from kb.library.models import BODY_MAX, SUMMARY_MAX, TITLE_MAX, TITLE_MIN
from kb.library.service import CaseStudyFields, normalise_tags

# Pre-filled in a new case study's body: the sections readers find most useful.
BODY_TEMPLATE = """## Context

## What we did

## Outcomes

## What we learned

## Contact
"""


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TagList:
    def __call__(self, form, field):
        try:
            normalise_tags(field.data or "")
        except ValueError as error:
            raise ValidationError(str(error)) from None


class CaseStudyForm(FlaskForm):
    title = StringField(
        "Title",
        filters=[strip],
        validators=[
            DataRequired("Enter a title"),
            Length(min=TITLE_MIN, max=TITLE_MAX,
                   message=f"Title must be {TITLE_MIN} to {TITLE_MAX} characters long"),
        ],
    )
    summary = TextAreaField(
        "Summary",
        filters=[strip],
        validators=[
            DataRequired("Enter a short summary"),
            Length(max=SUMMARY_MAX, message=f"Summary must be {SUMMARY_MAX} characters or fewer"),
        ],
    )
    themes = CheckboxesField("Themes", validators=[DataRequired("Choose at least one theme")])
    body = TextAreaField(
        "The case study",
        validators=[
            DataRequired("Write the case study"),
            Length(max=BODY_MAX, message=f"The case study must be {BODY_MAX:,} characters or fewer"),
        ],
    )
    region = SelectField("Region", choices=[SelectChoice("", "Not specific to one region")] + REGION_CHOICES[1:],
                         validate_choice=True)
    locality = StringField("Locality", filters=[strip],
                           validators=[Length(max=120, message="Locality must be 120 characters or fewer")])
    sectors = CheckboxesField("Sectors involved", choices=SECTOR_CHOICES)
    organisations = TextAreaField(
        "Organisations involved",
        validators=[Length(max=3000, message="List at most 3,000 characters of organisations")],
    )
    year_started = IntegerField(
        "Year the work started",
        validators=[Optional(), NumberRange(min=1900, max=2100, message="Enter a year such as 2019")],
    )
    tags = StringField("Tags", filters=[strip], validators=[TagList()])
    note = StringField("What did you change? (optional)", filters=[strip],
                       validators=[Length(max=300, message="Keep the note to 300 characters or fewer")])
    revision = HiddenField()

    field_order = ("title", "summary", "themes", "body", "region", "locality", "sectors", "organisations",
                   "year_started", "tags", "note")

    def set_theme_choices(self, themes) -> None:
        self.themes.choices = [SelectChoice(theme.slug, theme.title) for theme in themes]

    def validate_year_started(self, field):
        if field.data and field.data > clock.now().year:
            raise ValidationError("The year the work started cannot be in the future")

    def to_fields(self) -> CaseStudyFields:
        return CaseStudyFields(
            title=self.title.data,
            summary=self.summary.data,
            body=self.body.data,
            theme_slugs=list(self.themes.data or []),
            tags=normalise_tags(self.tags.data or ""),
            region=self.region.data or None,
            locality=self.locality.data or "",
            sectors=list(self.sectors.data or []),
            organisations=(self.organisations.data or "").splitlines(),
            year_started=self.year_started.data,
        )

    def fill_from(self, fields: CaseStudyFields, revision: int) -> None:
        self.title.data = fields.title
        self.summary.data = fields.summary
        self.body.data = fields.body
        self.themes.data = fields.theme_slugs
        self.tags.data = ", ".join(fields.tags)
        self.region.data = fields.region or ""
        self.locality.data = fields.locality
        self.sectors.data = fields.sectors
        self.organisations.data = "\n".join(fields.organisations)
        self.year_started.data = fields.year_started
        self.revision.data = str(revision)


class DecisionForm(FlaskForm):
    """A moderator's note with a decision (publish, request changes, reject, archive)."""

    note = TextAreaField("Note to the author", filters=[strip],
                         validators=[Length(max=2000, message="Keep the note to 2,000 characters or fewer")])
