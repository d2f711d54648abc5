"""A partnership's map of local organisations: coordinators add and import (all or nothing, bad
rows by line), members read, filter with counts and download it; outsiders get 404."""

from __future__ import annotations

import io

from kb.auth.models import Role
from kb.partnerships.models import Organisation
from kb.partnerships.organisations import service as organisations
from kb.platform.extensions import db
from tests.factories import make_user
from tests.partnerships.conftest import VOLUNTARY, join_as, post

HEADER = "name,sector,kind,area,website,what they do,contact role\n"


def upload(client, partnership, text: str):
    return post(
        client,
        f"/partnerships/{partnership.id}/organisations/import",
        {"file": (io.BytesIO(text.encode("utf-8-sig")), "map.csv")},
    )


def test_a_coordinator_maps_organisations_and_members_filter_them(browser_of, coordinator, partnership):
    coordinating = browser_of(coordinator)
    base = f"/partnerships/{partnership.id}/organisations"
    refused = post(coordinating, base, {"name": "", "sector": "public body", "kind": "council"})
    assert refused.status_code == 422 and "Enter the organisation" in refused.get_data(as_text=True)
    refused = post(
        coordinating,
        base,
        {"name": "Bad site", "sector": "public body", "kind": "council", "website": "javascript:alert(1)"},
    )
    assert refused.status_code == 422 and db.session.query(Organisation).count() == 0
    post(
        coordinating,
        base,
        {
            "name": "Stratford District Council",
            "sector": "public body",
            "kind": "council",
            "area": "Stratford",
            "website": "https://stratford.gov.uk",
            "contact_role": "Policy lead",
        },
    )
    post(
        coordinating,
        base,
        {
            "name": "Stratford CVS",
            "sector": VOLUNTARY,
            "kind": "infrastructure body",
            "activity": "Supports local groups",
        },
    )
    post(coordinating, base, {"name": "Shottery Youth Club", "sector": VOLUNTARY, "kind": "community group"})
    member = browser_of(join_as(partnership, VOLUNTARY, coordinator))
    page = member.get(f"{base}?sector={VOLUNTARY}").get_data(as_text=True)
    assert "Stratford CVS" in page and "Shottery Youth Club" in page and "Stratford District Council" not in page
    assert "Community group (1)" in page and "Infrastructure body (1)" in page and "Council (0)" in page
    assert "Add an organisation" not in page
    assert post(member, base, {"name": "Sneaky", "sector": "other", "kind": "other"}).status_code == 403
    csv_text = member.get(f"{base}.csv").get_data().decode("utf-8-sig")
    assert csv_text.splitlines()[0] == HEADER.strip()
    assert "Stratford District Council,Public body,council,Stratford,https://stratford.gov.uk,,Policy lead" in csv_text
    outsider = browser_of(make_user(role=Role.ADMIN))
    assert outsider.get(base).status_code == 404 and outsider.get(f"{base}.csv").status_code == 404


def test_an_import_is_all_or_nothing_with_bad_rows_by_line(browser_of, coordinator, partnership):
    coordinating = browser_of(coordinator)
    bad = (
        HEADER
        + "Warwickshire Police,public body,police,,,,\n"
        + "No sector,,charity,,,,\n"
        + "Odd kind,other,spaceship,,,,\n"
        + "Too few,other\n"
    )
    response = upload(coordinating, partnership, bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Nothing was imported: 3 problems" in page
    assert "Line 3: Choose the sector" in page and "Line 4: Choose the kind" in page and "Line 5: expected 7" in page
    assert db.session.query(Organisation).count() == 0
    assert upload(coordinating, partnership, "a,b\n1,2\n").status_code == 422
    assert post(coordinating, f"/partnerships/{partnership.id}/organisations/import").status_code == 422
    good = (
        HEADER
        + "Warwickshire Police,Public body,Police,Warwickshire,,,Inspector\n"
        + '"=HYPERLINK(""x"")",voluntary or community organisation,charity,,,,\n'
    )
    assert upload(coordinating, partnership, good).status_code == 302
    assert db.session.query(Organisation).count() == 2
    # The download keeps a formula-like name as text; importing the download gives the same map back.
    exported = coordinating.get(f"/partnerships/{partnership.id}/organisations.csv").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in exported
    db.session.query(Organisation).delete()
    db.session.commit()
    assert upload(coordinating, partnership, exported).status_code == 302
    assert sorted(each.name for each in db.session.query(Organisation)) == ['=HYPERLINK("x")', "Warwickshire Police"]
    member = browser_of(join_as(partnership, VOLUNTARY, coordinator))
    assert upload(member, partnership, good).status_code == 403
    assert db.session.query(Organisation).count() == 2


def test_a_coordinator_may_publish_the_map_as_a_public_directory(client, browser_of, coordinator, partnership):
    organisations.add_organisation(
        partnership,
        organisations.OrganisationFields(
            name="Stratford CVS",
            sector=VOLUNTARY,
            kind="infrastructure body",
            activity="Supports local groups",
            contact_role="qzcontactrole",
        ),
        by=coordinator,
    )
    directory = f"/partnerships/{partnership.id}/directory"
    assert client.get(directory).status_code == 404
    member = browser_of(join_as(partnership, VOLUNTARY, coordinator, display_name="Mina Member"))
    assert post(member, directory, {"public": "1"}).status_code == 403
    post(browser_of(coordinator), directory, {"public": "1"})
    page = client.get(directory)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Stratford CVS" in text and "Supports local groups" in text
    assert "qzcontactrole" not in text and "Mina Member" not in text and "Cora Coordinator" not in text
    post(browser_of(coordinator), directory, {"public": "0"})
    assert client.get(directory).status_code == 404
