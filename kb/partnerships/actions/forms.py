"""The action form's shape; the rules (who owns it, which dates) are in actions.py. The choices of
item and owner come from the partnership and the checklist, so views fill them in."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from kb.partnerships.actions.models import ACTION_NOTE_MAX, ACTION_STATUS_LABELS, ACTION_TITLE_MAX, OWNER_ROLE_MAX
from kb.partnerships.actions.service import ActionFields
from kb.platform.fields import LineField, ListedSelectField
from kb.platform.text import strip, unix_newlines


class DueDateField(DateField):
    """A date whose refusal gives an example (DateField's own message is for developers)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter the due date as a real date, for example 2027-03-31") from None


STATUS_CHOICES = [SelectChoice(str(value), label) for value, label in ACTION_STATUS_LABELS.items()]


class ActionForm(FlaskForm):
    field_order = ("title", "addresses", "owner", "owner_role", "due_on", "status", "note")
    title = LineField(
        "What will be done",
        validators=[
            DataRequired("Say what will be done"),
            Length(
                min=3, max=ACTION_TITLE_MAX, message=f"Say what will be done, in 3 to {ACTION_TITLE_MAX} characters"
            ),
        ],
    )
    addresses = ListedSelectField(
        "The checklist item or theme it addresses",
        choices=[],
        validators=[DataRequired("Choose the checklist item or theme the action addresses")],
        invalid_message="Choose the checklist item or theme the action addresses",
    )
    owner = ListedSelectField("Owner", choices=[], invalid_message="Choose the owner from the partnership's members")
    owner_role = LineField(
        "Or, if the owner is not a member, their role",
        validators=[Length(max=OWNER_ROLE_MAX, message=f"Keep the role to {OWNER_ROLE_MAX} characters or fewer")],
    )
    due_on = DueDateField("Due date", validators=[InputRequired("Enter the due date, for example 2027-03-31")])
    status = ListedSelectField(
        "Status", default="not-started", invalid_message="Choose the action's status", choices=STATUS_CHOICES
    )
    note = TextAreaField(
        "Note (optional)",
        filters=[unix_newlines, strip],
        validators=[Length(max=ACTION_NOTE_MAX, message=f"Keep the note to {ACTION_NOTE_MAX} characters or fewer")],
    )

    def offer(self, themes, members) -> None:
        """The choices: each theme and its items (grouped by theme), and the partnership's members."""
        self.addresses.choices = [SelectChoice("", "Choose an item or theme")] + [
            choice
            for theme in themes
            for choice in (
                SelectChoice(f"theme-{theme.id}", f"The whole theme: {theme.title}", optgroup=theme.title),
                *(
                    SelectChoice(f"item-{pair.id}", f"Item {number}: {pair.do_text}", optgroup=theme.title)
                    for number, pair in enumerate(theme.checklist, start=1)
                ),
            )
        ]
        self.owner.choices = [SelectChoice("", "Not a member: give their role below")] + [
            SelectChoice(str(membership.user_id), membership.user.display_name) for membership in members
        ]

    def fill_from(self, action) -> None:
        self.title.data, self.owner_role.data = action.title, action.owner_role
        self.addresses.data = (
            f"item-{action.pair_id}" if action.pair_id else f"theme-{action.theme_id}" if action.theme_id else ""
        )
        self.owner.data = str(action.owner_id) if action.owner_id else ""
        self.due_on.data, self.status.data, self.note.data = action.due_on, action.status, action.note

    def fields(self) -> ActionFields:
        return ActionFields(
            self.title.data or "",
            self.addresses.data or "",
            self.owner.data or "",
            self.owner_role.data or "",
            self.due_on.data,
            self.status.data or "",
            self.note.data or "",
        )
