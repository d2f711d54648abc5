"""Board forms: input shape and field messages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from kb.board.models import (
    CATEGORY_DESCRIPTION_MAX,
    CATEGORY_TITLE_MAX,
    FLAG_LABELS,
    FLAG_NOTE_MAX,
    POST_MAX,
    REASON_MAX,
    THREAD_TITLE_MAX,
    THREAD_TITLE_MIN,
    WORD_MAX,
    FlagReason,
)
from kb.platform.fields import LineField, ListedRadioField, ListedSelectField
from kb.platform.text import strip, unix_newlines


def post_body(label: str = "Your post"):
    return TextAreaField(
        label,
        filters=[unix_newlines],
        validators=[
            DataRequired("Write something to post"),
            Length(max=POST_MAX, message=f"A post must be {POST_MAX:,} characters or fewer"),
        ],
    )


class ReplyForm(FlaskForm):
    field_order = ("body",)
    body = post_body("Your reply")


class ThreadForm(FlaskForm):
    field_order = ("category", "title", "body")
    category = ListedSelectField("Category", validate_choice=True, invalid_message="Choose a category from the list")
    title = LineField(
        "Title",
        validators=[
            DataRequired("Enter a title"),
            Length(
                min=THREAD_TITLE_MIN,
                max=THREAD_TITLE_MAX,
                message=f"The title must be {THREAD_TITLE_MIN} to {THREAD_TITLE_MAX} characters long",
            ),
        ],
    )
    body = post_body("Your first post")
    case_study = StringField()  # carried through from "Discuss this case study"

    def prepare(self, categories) -> None:
        self.category.choices = [SelectChoice(category.slug, category.title) for category in categories]


class EditPostForm(FlaskForm):
    field_order = ("body", "reason")
    body = post_body("The post")
    reason = LineField(
        "Reason for the edit",
        validators=[Length(max=REASON_MAX, message=f"Keep the reason to {REASON_MAX} characters or fewer")],
    )


class FlagForm(FlaskForm):
    field_order = ("reason", "note")
    reason = ListedRadioField(
        "Why are you reporting this post?",
        choices=[SelectChoice(value.value, label) for value, label in FLAG_LABELS.items()],
        validators=[InputRequired("Choose why you are reporting it")],
        validate_choice=True,
        invalid_message="Choose why you are reporting it",
    )
    note = TextAreaField(
        "Anything the moderators should know (optional)",
        filters=[unix_newlines, strip],
        validators=[Length(max=FLAG_NOTE_MAX, message=f"Keep the note to {FLAG_NOTE_MAX} characters or fewer")],
    )

    def validate_note(self, field):
        if self.reason.data == FlagReason.OTHER and not field.data:
            raise ValidationError("Say what is wrong with the post")


class ReasonForm(FlaskForm):
    """A moderator's reason for hiding a post (shown with it, and kept in the audit log)."""

    field_order = ("reason",)
    reason = TextAreaField(
        "Reason",
        filters=[unix_newlines, strip],
        validators=[
            DataRequired("Give a reason: it is shown with the post and kept in the audit log"),
            Length(max=REASON_MAX, message=f"Keep the reason to {REASON_MAX} characters or fewer"),
        ],
    )


class MoveForm(FlaskForm):
    field_order = ("category",)
    category = ListedSelectField(
        "Move to category", validate_choice=True, invalid_message="Choose a category from the list"
    )


class CategoryForm(FlaskForm):
    field_order = ("title", "description", "moderators_only")
    title = LineField(
        "Name",
        validators=[
            DataRequired("Enter the category's name"),
            Length(
                min=3, max=CATEGORY_TITLE_MAX, message=f"The name must be 3 to {CATEGORY_TITLE_MAX} characters long"
            ),
        ],
    )
    description = TextAreaField(
        "Description",
        filters=[unix_newlines, strip],
        validators=[
            Length(
                max=CATEGORY_DESCRIPTION_MAX,
                message=f"Keep the description to {CATEGORY_DESCRIPTION_MAX} characters or fewer",
            )
        ],
    )
    moderators_only = BooleanField("Only moderators start threads here")


class WatchedWordForm(FlaskForm):
    field_order = ("word",)
    word = LineField(
        "Word or phrase",
        validators=[
            DataRequired("Enter a word or phrase"),
            Length(min=2, max=WORD_MAX, message=f"A watched word must be 2 to {WORD_MAX} characters long"),
        ],
    )
