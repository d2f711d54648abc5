"""Odd input that used to answer 500: each one now gets a page a person can read."""

from sqlalchemy import text

from kb.auth.models import Role
from kb.platform.extensions import db
from tests.conftest import sign_in, tear_down
from tests.factories import make_user

HUGE = "1" + "0" * 21


def test_a_nul_character_in_a_list_filter_filters_nothing(seeded, client):
    for url in ("/case-studies?tag=%00", "/lessons?tag=a%00b&theme=%00", "/search?q=%00&tag=%00"):
        assert client.get(url).status_code == 200, url
    assert client.get("/board/%00").status_code in (302, 404)


def test_the_audit_log_takes_the_last_day_there_is(seeded, client):
    moderator = make_user(role=Role.MODERATOR)
    sign_in(client, moderator)
    for query in ("until=9999-12-31", "since=9999-12-31", "until=0001-01-01", f"page={HUGE}"):
        assert client.get(f"/moderation/log?{query}").status_code == 200, query
        assert client.get(f"/moderation/log.csv?{query}").status_code == 200, query


def test_an_error_after_a_failed_statement_still_draws_the_site_error_page(database_url, search_dir):
    """On PostgreSQL a failed statement leaves the transaction unusable: the error page rolls it back
    before its navigation reads the signed-in member, instead of failing into a bare 500."""
    from kb import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "KB_SEARCH_DIR": str(search_dir), "TESTING": True})

    def failing_view():
        db.session.execute(text("SELECT no_such_column FROM users"))

    app.add_url_rule("/failing", view_func=failing_view)
    client = app.test_client()
    with app.app_context():
        member = make_user()
        sign_in(client, member)
        response = client.get("/failing")
        assert response.status_code == 500
        page = response.get_data(as_text=True)
        assert "Sorry, there is a problem with the service" in page
        assert member.display_name in page  # the navigation was drawn, signed in
        tear_down(app)  # its own app: nothing it wrote may reach the next test
