"""The API's tests talk to it through `api`, a client that checks every response it receives
against the OpenAPI document (kb/api/openapi.yaml): a response the document does not describe
fails the test that received it."""

from __future__ import annotations

import json

import pytest
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_schema_validator import OAS31Validator

from kb.api.document import openapi_document
from kb.auth.models import Role
from tests.factories import make_user

# The document's server is relative (/api/v1): requests are matched against the test client's host.
HOST = "http://localhost"


@pytest.fixture(scope="session")
def openapi() -> OpenAPI:
    document = openapi_document()
    document["servers"] = [{"url": HOST + server["url"]} for server in document["servers"]]
    # Problem documents are JSON under their own media type (RFC 9457), which openapi-core does not know.
    config = Config(extra_media_type_deserializers={"application/problem+json": json.loads})
    return OpenAPI.from_dict(document, config=config)


class CheckedClient:
    """Sends requests with the test client and validates each response against the document."""

    def __init__(self, client, openapi: OpenAPI) -> None:
        self.client, self.openapi = client, openapi
        self.checked = 0

    def get(self, url: str, **kwargs):
        return self.open(url, method="GET", **kwargs)

    def open(self, url: str, **kwargs):
        response = self.client.open(url, **kwargs)
        self.check(response)
        return response

    def check(self, response) -> None:
        request = WerkzeugOpenAPIRequest(response.request)
        try:
            self.openapi.validate_response(request, WerkzeugOpenAPIResponse(response))
        except (PathNotFound, OperationNotFound):
            # An address or method the document does not offer: still a problem document.
            assert response.status_code in (404, 405), response.status_code
            assert response.mimetype == "application/problem+json"
            problem_schema = {**openapi_document()["components"]["schemas"]["Problem"]}
            OAS31Validator(problem_schema).validate(response.get_json())
        self.checked += 1


@pytest.fixture
def api(client, openapi) -> CheckedClient:
    return CheckedClient(client, openapi)


@pytest.fixture
def people(app):
    return {"author": make_user(display_name="Author"), "moderator": make_user(role=Role.MODERATOR)}
