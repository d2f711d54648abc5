"""The audit log page: filters by moderator, action, target and date; CSV export; who may see it."""

import csv
import io
from datetime import datetime

from kb.auth.models import Role
from kb.platform import audit, clock
from kb.platform.extensions import db
from tests.conftest import sign_in
from tests.factories import make_user


def logged_in(app, user):
    return sign_in(app.test_client(), user)


def test_the_log_filters_and_exports(app):
    mo = make_user(display_name="Mo Moderator", role=Role.MODERATOR)
    ada = make_user(display_name="Ada Admin", role=Role.ADMIN)
    clock.freeze(datetime(2026, 3, 1, 10, 0))
    audit.record(mo, "hide post", "board post", 7, "A thread", '=HYPERLINK("http://evil")')
    clock.freeze(datetime(2026, 3, 5, 10, 0))
    audit.record(ada, "publish", "case study", 3, "Single gateway")
    audit.record(mo, "lock thread", "board thread", 2, "Another thread")
    db.session.commit()
    clock.freeze(None)
    client = logged_in(app, mo)

    def rows(query: str) -> list[str]:
        page = client.get(f"/moderation/log?{query}").get_data(as_text=True)
        return [action for action in ("Hide post", "Publish", "Lock thread") if f"<td>{action}</td>" in page]

    assert rows("") == ["Hide post", "Publish", "Lock thread"]
    assert rows(f"moderator={mo.id}") == ["Hide post", "Lock thread"]
    assert rows("action=publish") == ["Publish"]
    assert rows("target=board+thread") == ["Lock thread"]
    assert rows("since=2026-03-02") == ["Publish", "Lock thread"]
    assert rows("until=2026-03-01") == ["Hide post"]  # the whole of the last day counts

    response = client.get("/moderation/log?since=yesterday")
    assert response.status_code == 400 and "Enter the date as year-month-day" in response.get_data(as_text=True)

    exported = client.get(f"/moderation/log.csv?moderator={mo.id}")
    assert exported.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert table[0][:3] == ["when (UTC)", "moderator", "action"]
    assert [row[2] for row in table[1:]] == ["lock thread", "hide post"]
    assert table[2][6].startswith("'=HYPERLINK")  # a spreadsheet keeps it as text


def test_only_moderators_see_the_log(app, client):
    member = make_user()
    assert logged_in(app, member).get("/moderation/log").status_code == 403
    assert logged_in(app, member).get("/moderation/log.csv").status_code == 403
    response = client.get("/moderation/log.csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
