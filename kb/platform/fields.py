"""Form fields every feature's forms share."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wtforms import DateTimeLocalField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from kb.platform.dates import from_local
from kb.platform.text import one_line


class LineField(StringField):
    """A one-line text box (a title, a name): what arrives is put on one line (kb.platform.text.one_line)
    before any validator or filter of the form's own sees it. A browser's text box holds no line
    break, but a paste from elsewhere, a script or an old browser can send one."""

    def __init__(self, *args: Any, filters: tuple[Any, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, filters=(one_line, *filters), **kwargs)


class ListedChoiceMixin:
    """A choice field whose refusal of an unlisted value reads as advice, not as a WTForms default."""

    def __init__(self, *args: Any, invalid_message: str = "Choose from the list", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def pre_validate(self, form: Any) -> None:
        try:
            super().pre_validate(form)  # type: ignore[misc]  # the field class mixed in after this one
        except ValueError:
            raise ValidationError(self.invalid_message) from None


class CheckboxesField(ListedChoiceMixin, SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ListedSelectField(ListedChoiceMixin, SelectField):
    pass


class ListedRadioField(ListedChoiceMixin, RadioField):
    pass


class MomentField(DateTimeLocalField):
    """A date and time typed in a datetime-local box on the site's wall clock (UK time), refused in
    words a person can act on; its data is the moment as stored (naive UTC)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter the date and time, for example 2026-12-31 17:00") from None
        typed: datetime | None = self.data  # type: ignore[has-type]  # WTForms sets it, untyped
        if typed is not None:
            self.data = from_local(typed)
