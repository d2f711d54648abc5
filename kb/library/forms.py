"""Library forms: input shape and field messages."""

from __future__ import annotations

from dataclasses import dataclass

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from kb.library.curation import VERIFIED_NOTE_MAX
from kb.library.models import BODY_MAX, LESSON_BODY_MAX, SUMMARY_MAX, TITLE_MAX, TITLE_MIN, Outcome, Status
from kb.library.service import ItemFields, normalise_tags
from kb.platform import clock
from kb.platform.fields import CheckboxesField, LineField, ListedRadioField, ListedSelectField
from kb.platform.text import strip, unix_newlines
from kb.platform.vocabulary import REGION_CHOICES, SECTOR_CHOICES

# Pre-filled in a new case study's body: the sections readers find most useful.
CASE_STUDY_TEMPLATE = """## Context

## What we did

## Outcomes

## What we learned

## Contact
"""


# Fields a draft may leave empty.
DRAFT_OPTIONAL = ("summary", "themes", "body", "outcome")


class YearField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter the year as four digits, for example 2019") from None


def valid_tag_list(form, field):
    try:
        normalise_tags(field.data or "")
    except ValueError as error:
        raise ValidationError(str(error)) from None


class ItemForm(FlaskForm):
    """The fields every kind has."""

    title = LineField(
        "Title",
        validators=[
            DataRequired("Enter a title"),
            Length(min=TITLE_MIN, max=TITLE_MAX, message=f"Title must be {TITLE_MIN} to {TITLE_MAX} characters long"),
        ],
    )
    themes = CheckboxesField(
        "Themes", validators=[DataRequired("Choose at least one theme")], invalid_message="Choose themes from the list"
    )
    tags = LineField("Tags", validators=[valid_tag_list])
    note = LineField(
        "What did you change? (optional)",
        validators=[Length(max=300, message="Keep the note to 300 characters or fewer")],
    )
    revision = HiddenField()
    creation_token = HiddenField()

    def prepare(self, themes, case_studies=()) -> None:
        self.themes.choices = [SelectChoice(theme.slug, theme.title) for theme in themes]

    def allow_unfinished(self) -> None:
        """For saving a draft: only the title is needed (to find it again); the rest is checked
        when it is submitted, so nothing typed is lost for want of a summary or a theme."""
        for name in DRAFT_OPTIONAL:
            field = self._fields.get(name)
            if field is not None:
                field.validators = [Optional()] + [
                    rule for rule in field.validators if not isinstance(rule, DataRequired | InputRequired)
                ]

    def opened_at_revision(self) -> int:
        try:
            return int(self.revision.data)
        except (TypeError, ValueError):
            return -1

    def common_fields(self) -> dict:
        return {
            "title": self.title.data,
            "theme_slugs": list(self.themes.data or []),
            "tags": normalise_tags(self.tags.data or ""),
        }

    def fill_common(self, fields: ItemFields, revision: int) -> None:
        self.title.data = fields.title
        self.themes.data = fields.theme_slugs
        self.tags.data = ", ".join(fields.tags or [])
        self.revision.data = str(revision)


class CaseStudyForm(ItemForm):
    summary = TextAreaField(
        "Summary",
        filters=[unix_newlines, strip],
        validators=[
            DataRequired("Enter a short summary"),
            Length(max=SUMMARY_MAX, message=f"Summary must be {SUMMARY_MAX} characters or fewer"),
        ],
    )
    body = TextAreaField(
        "The case study",
        filters=[unix_newlines],
        validators=[
            DataRequired("Write the case study"),
            Length(max=BODY_MAX, message=f"The case study must be {BODY_MAX:,} characters or fewer"),
        ],
    )
    region = ListedSelectField(
        "Region",
        choices=[SelectChoice("", "Not specific to one region")] + REGION_CHOICES[1:],
        validate_choice=True,
        default="",
        invalid_message="Choose a region from the list",
    )
    locality = LineField("Locality", validators=[Length(max=120, message="Locality must be 120 characters or fewer")])
    sectors = CheckboxesField(
        "Sectors involved", choices=SECTOR_CHOICES, invalid_message="Choose sectors from the list"
    )
    organisations = TextAreaField(
        "Organisations involved",
        filters=[unix_newlines],
        validators=[Length(max=3000, message="List at most 3,000 characters of organisations")],
    )
    year_started = YearField(
        "Year the work started",
        validators=[Optional(), NumberRange(min=1900, message="Enter a year from 1900 onwards")],
    )

    field_order = (
        "title",
        "summary",
        "themes",
        "body",
        "region",
        "locality",
        "sectors",
        "organisations",
        "year_started",
        "tags",
        "note",
    )

    def validate_year_started(self, field):
        if field.data and field.data > clock.now().year:
            raise ValidationError("The year the work started cannot be in the future")

    def to_fields(self) -> ItemFields:
        return ItemFields(
            **self.common_fields(),
            summary=self.summary.data,
            body=self.body.data,
            region=self.region.data or None,
            locality=self.locality.data or "",
            sectors=list(self.sectors.data or []),
            organisations=(self.organisations.data or "").splitlines(),
            year_started=self.year_started.data,
        )

    def fill_from(self, fields: ItemFields, revision: int) -> None:
        self.fill_common(fields, revision)
        self.summary.data = fields.summary
        self.body.data = fields.body
        self.region.data = fields.region or ""
        self.locality.data = fields.locality
        self.sectors.data = fields.sectors
        self.organisations.data = "\n".join(fields.organisations or [])
        self.year_started.data = fields.year_started


class LessonForm(ItemForm):
    outcome = ListedRadioField(
        "What happened?",
        invalid_message="Say whether it worked well or didn't work",
        choices=[
            SelectChoice(Outcome.WORKED_WELL.value, "It worked well (a Do)"),
            SelectChoice(Outcome.DID_NOT_WORK.value, "It didn't work (a Don't)"),
        ],
        validators=[InputRequired("Say whether it worked well or didn't work")],
        validate_choice=True,
    )
    body = TextAreaField(
        "The lesson",
        filters=[unix_newlines],
        validators=[
            DataRequired("Write the lesson"),
            Length(max=LESSON_BODY_MAX, message=f"The lesson must be {LESSON_BODY_MAX:,} characters or fewer"),
        ],
    )
    source_case_study = ListedSelectField(
        "From which case study?", validate_choice=True, default="", invalid_message="Choose a case study from the list"
    )

    field_order = ("title", "outcome", "body", "themes", "source_case_study", "tags", "note")

    def prepare(self, themes, case_studies=()) -> None:
        super().prepare(themes)
        self.source_case_study.choices = [SelectChoice("", "Not from a case study on this site")] + [
            SelectChoice(str(item.id), item.title + (" (archived)" if item.status == Status.ARCHIVED else ""))
            for item in case_studies
        ]

    def to_fields(self) -> ItemFields:
        source = self.source_case_study.data
        return ItemFields(
            **self.common_fields(),
            body=self.body.data,
            outcome=self.outcome.data,
            source_case_study_id=int(source) if source else None,
        )

    def fill_from(self, fields: ItemFields, revision: int) -> None:
        self.fill_common(fields, revision)
        self.body.data = fields.body
        self.outcome.data = fields.outcome
        self.source_case_study.data = str(fields.source_case_study_id or "")


NOTE_TOO_LONG = "Keep the note to 2,000 characters or fewer"


class DecisionForm(FlaskForm):
    """A moderator's note with a decision on a submission or an edit (kb/library/reviewables.py)."""

    note = TextAreaField(
        "Note to the author", filters=[unix_newlines, strip], validators=[Length(max=2000, message=NOTE_TOO_LONG)]
    )


# The item page holds several moderation forms at once; each field has its own id.
class VerifyForm(FlaskForm):
    note = TextAreaField(
        "What was checked",
        id="verify-note",
        filters=[unix_newlines, strip],
        validators=[
            Length(
                max=VERIFIED_NOTE_MAX,
                message=f"Keep the note on what was checked to {VERIFIED_NOTE_MAX} characters or fewer",
            )
        ],
    )


class ArchiveForm(FlaskForm):
    note = TextAreaField(
        "Reason for archiving",
        id="archive-note",
        filters=[unix_newlines, strip],
        validators=[Length(max=2000, message=NOTE_TOO_LONG)],
    )


class FeatureForm(FlaskForm):
    place = SelectField("Feature it on", id="feature-place", validate_choice=False)


class SupersedeForm(FlaskForm):
    replacement = LineField(
        "Superseded by",
        id="supersede-with",
        validators=[Length(max=500, message="That is too long to be an address on this site")],
    )


@dataclass
class PanelForms:
    """The moderation forms on an item's page. The one just sent keeps what was typed and its errors;
    the others start empty."""

    review: DecisionForm
    verify: VerifyForm
    archive: ArchiveForm
    feature: FeatureForm
    supersede: SupersedeForm

    @property
    def all(self) -> list[FlaskForm]:
        return [self.review, self.verify, self.archive, self.feature, self.supersede]

    @property
    def have_errors(self) -> bool:
        return any(form.errors or form.form_errors for form in self.all)


# Which panel form sends each decision; the others come from the review form.
DECISION_FORM = {"verify": "verify", "archive": "archive"}


def panel_forms(item, sent: str | None = None) -> PanelForms:
    def build(name: str, form_class: type[FlaskForm]) -> FlaskForm:
        return form_class() if name == sent else form_class(formdata=None)

    forms = PanelForms(
        build("review", DecisionForm),
        build("verify", VerifyForm),
        build("archive", ArchiveForm),
        build("feature", FeatureForm),
        build("supersede", SupersedeForm),
    )
    forms.feature.place.choices = [("home", "The home page")] + [
        (theme.slug, f"The {theme.title} page") for theme in item.themes
    ]
    return forms
