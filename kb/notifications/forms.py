"""The email notifications form: how often, for each kind, and which themes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from kb.notifications.models import FREQUENCY_LABELS, KIND_LABELS, Frequency, Kind
from kb.platform.fields import CheckboxesField, ListedRadioField

FREQUENCY_CHOICES = [SelectChoice(frequency.value, label) for frequency, label in FREQUENCY_LABELS.items()]


def frequency_field(kind: Kind) -> ListedRadioField:
    what = KIND_LABELS[kind].lower()
    return ListedRadioField(
        KIND_LABELS[kind],
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
    replies = frequency_field(Kind.REPLIES)
    decisions = frequency_field(Kind.DECISIONS)
    case_studies = frequency_field(Kind.CASE_STUDIES)
    field_order = ("replies", "decisions", "case_studies", "themes")
    themes = ThemeCheckboxes(
        "Themes for new case studies", coerce=int, choices=[], invalid_message="Choose themes from the list"
    )

    def frequencies(self) -> dict[Kind, Frequency]:
        return {kind: Frequency(getattr(self, kind.value).data) for kind in Kind}
