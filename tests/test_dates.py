"""Dates and times as people read and type them (issue 24, honest time): on the UK's wall clock,
British Summer Time included, in the GOV.UK style; stored as UTC."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from werkzeug.datastructures import MultiDict

from kb.auth.forms import SuspendForm
from kb.platform.dates import date_and_time, from_local, local, long_date, time_of_day


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (datetime(2026, 12, 5, 15, 24), "5 December 2026 at 3:24pm"),  # GMT: the same as UTC
        (datetime(2026, 6, 15, 14, 30), "15 June 2026 at 3:30pm"),  # BST: an hour ahead
        (datetime(2026, 6, 30, 23, 30), "1 July 2026 at 12:30am"),  # the date moves too
        (datetime(2026, 1, 1, 0, 0), "1 January 2026 at midnight"),
        (datetime(2026, 1, 1, 12, 0), "1 January 2026 at midday"),
        (datetime(2026, 1, 1, 9, 0), "1 January 2026 at 9am"),
    ],
)
def test_a_stored_moment_reads_as_the_uk_wall_clock_showed_it(app, stored, shown):
    assert date_and_time(stored) == shown


def test_a_date_is_a_date_and_a_typed_moment_is_stored_as_utc(app):
    assert long_date(date(2026, 3, 29)) == "29 March 2026"
    assert time_of_day(datetime(2026, 3, 29, 1, 5)) == "2:05am"  # the clocks went forward at 1am
    assert from_local(datetime(2026, 7, 1, 9, 0)) == datetime(2026, 7, 1, 8, 0)
    assert local(from_local(datetime(2026, 11, 1, 9, 0))) == datetime(2026, 11, 1, 9, 0)


def test_the_zone_is_the_sites_setting(app):
    app.config["KB_TIMEZONE"] = "America/New_York"
    assert date_and_time(datetime(2026, 12, 5, 15, 24)) == "5 December 2026 at 10:24am"


def test_a_suspension_typed_in_summer_is_kept_in_utc(app):
    with app.test_request_context(method="POST"):
        form = SuspendForm(formdata=MultiDict({"until": "2026-07-01T17:00", "reason": "Adverts"}), meta={"csrf": False})
        assert form.validate(), form.errors
        assert form.until.data == datetime(2026, 7, 1, 16, 0)
