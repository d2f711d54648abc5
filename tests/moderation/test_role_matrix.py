"""Every moderation and admin page against every role, with the exact status each gets."""

from datetime import timedelta

import pytest

from kb import clock
from kb.auth.models import Role
from kb.extensions import db
from tests.conftest import Auth
from tests.factories import make_user

PAGES = ["/moderation", "/moderation/held", "/moderation/reports", "/moderation/reasons", "/moderation/log",
         "/moderation/log.csv",
         "/moderation/featured", "/moderation/tags", "/moderation/watched-words", "/moderation/board/categories",
         "/admin/members", "/moderation/themes/funding-it-better/resources", "/collections/new",
         "/admin/members/{member}", "/moderation/members/{member}/suspend"]
EXPECTED = {"anonymous": 302, "member": 403, "suspended member": 302, "moderator": 200, "admin": 200}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_gets_the_expected_status_on_every_moderation_page(seeded, role):
    member = make_user(display_name="Some Member")
    client = seeded.test_client()
    if role != "anonymous":
        person = make_user(role={"moderator": Role.MODERATOR, "admin": Role.ADMIN}.get(role, Role.MEMBER))
        assert Auth(client).login(person.email).status_code == 302
        if role == "suspended member":
            person.suspended_until, person.suspension_reason = clock.now() + timedelta(days=1), "Testing"
            db.session.commit()
    for page in PAGES:
        url = page.format(member=member.id)
        response = client.get(url)
        assert response.status_code == EXPECTED[role], (role, url)
        if EXPECTED[role] == 302:
            assert "/login" in response.headers["Location"], (role, url)
