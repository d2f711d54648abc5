"""The email notifications form: how often, for each kind, and which themes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from kb.platform.fields import CheckboxesField, ListedRadioField
from kb.platform.notifications.kinds import FREQUENCY_LABELS, Frequency, Kind

FREQUENCY_CHOICES = [SelectChoice(frequency.value, label) for frequency, label in FREQUENCY_LABELS.items()]


def frequency_field(kind: Kind) -> ListedRadioField:
    what = kind.label.lower()
    return ListedRadioField(
        kind.label,
        choices=FREQUENCY_CHOICES,
        validators=[InputRequired(f"Choose how often to be emailed about {what}")],
        invalid_message=f"Choose one of the listed options for {what}",
    )


class ThemeCheckboxes(CheckboxesField):
    """Theme ids; something that is not a number reads as the same advice as an unknown theme."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = []
            raise ValueError(self.invalid_message) from None


class NotificationSettingsForm(FlaskForm):
    """One "how often" question per kind a member may choose (each kind's declaration in
    kb/platform/notifications/kinds.py adds its own), then the themes for new case studies."""

    themes = ThemeCheckboxes(
        "Themes for new case studies", coerce=int, choices=[], invalid_message="Choose themes from the list"
    )

    def offered(self) -> list[Kind]:
        """The kinds this form asks about (the view drops those the member is not offered)."""
        return [kind for kind in Kind.chosen_by_members() if kind.value in self]

    def frequency_fields(self) -> list:
        """(field, hint) for each kind asked about, in the kinds' order."""
        return [(self[kind.value], kind.hint) for kind in self.offered()]

    def frequencies(self) -> dict[Kind, Frequency]:
        return {kind: Frequency(self[kind.value].data) for kind in self.offered()}


for _kind in Kind.chosen_by_members():
    setattr(NotificationSettingsForm, _kind.value, frequency_field(_kind))
NotificationSettingsForm.field_order = (*(kind.value for kind in Kind.chosen_by_members()), "themes")
