"""Schemathesis, from the document the API serves, over every operation with every check: status
codes, content types and shapes the document declares, refusals of data it forbids, and a 405 with
Allow for any method it does not offer."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from kb.collections import service as collections
from kb.library.models import Kind
from kb.themes.service import get_theme
from tests.factories import make_item

SERVED_DOCUMENT = "/api/v1/openapi.json"


class OwnContextPerRequest:
    """Each request in its own app context, as in production (the test's own context stays open)."""

    def __init__(self, app) -> None:
        self.app, self.wsgi_app = app, app.wsgi_app

    def __call__(self, environ, start_response):
        with self.app.app_context():
            return self.wsgi_app(environ, start_response)


@pytest.fixture
def served_schema(seeded, people, request):
    app = seeded
    # Schemathesis 4.32 renames each operation's subtest through `_nodeid`, which pytest 9 no longer has.
    request.node._nodeid = request.node.nodeid
    # Far more requests than the per-address limit allows come from the one test address.
    app.config["KB_API_RATE_PER_MINUTE"] = 1_000_000
    case_study = make_item(
        people["author"], title="Tenants and the council plan the estate together", moderator=people["moderator"]
    )
    make_item(
        people["author"],
        Kind.LESSON,
        title="Plan the estate with the tenants from the start",
        source_case_study_id=case_study.id,
        moderator=people["moderator"],
    )
    collection = collections.save(
        None, "Starting out", "Where to begin.", get_theme("joining-up-policy"), by=people["moderator"]
    )
    collections.add_entry(collection, f"/case-studies/{case_study.id}", "Read this first.", by=people["moderator"])
    app.wsgi_app = OwnContextPerRequest(app)
    return schemathesis.openapi.from_wsgi(SERVED_DOCUMENT, app)


schema = schemathesis.pytest.from_fixture("served_schema")


@schema.parametrize()
# The same examples on every run (derandomize, no example database), enough to reach each parameter's
# edges in about a minute a database; the site is the one `served_schema` made, for every example.
@settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_its_document_says(case):
    case.call_and_validate()
