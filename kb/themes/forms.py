"""The reading-list form for moderators."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from kb.platform.fields import LineField
from kb.platform.text import strip
from kb.themes.resources import ResourceFields


class ResourceForm(FlaskForm):
    title = LineField(
        "Title",
        validators=[
            DataRequired("Enter the resource's title"),
            Length(max=300, message="Keep the title to 300 characters"),
        ],
    )
    url = LineField(
        "Web address",
        validators=[
            DataRequired("Enter the web address"),
            Length(max=1000, message="Keep the address to 1,000 characters"),
        ],
    )
    description = TextAreaField(
        "Description (optional)",
        filters=[strip],
        validators=[Length(max=500, message="Keep the description to 500 characters or fewer")],
    )
    publisher = LineField(
        "Publisher (optional)", validators=[Length(max=200, message="Keep the publisher to 200 characters or fewer")]
    )

    field_order = ("title", "url", "description", "publisher")

    def validate_url(self, field):
        if not field.data.lower().startswith(("http://", "https://")):
            raise ValidationError("Enter a web address starting with https:// (or http://)")

    def to_fields(self) -> ResourceFields:
        return ResourceFields(self.title.data, self.url.data, self.description.data or "", self.publisher.data or "")
