"""/api/v1: thin views. Each reads its parameters, asks the API's service for the resource and
answers it as JSON with an ETag; errors anywhere under /api/ are problem documents (answers.py)."""

from __future__ import annotations

from flask import current_app, render_template, request

from kb.api import bp, document, limits, parameters, service
from kb.api.answers import (
    RATE_LIMITED,
    InvalidParameters,
    add_cors_headers,
    invalid_parameters,
    json_answer,
    problem,
    problem_for_error,
)
from kb.library.kinds import CASE_STUDIES, LESSONS
from kb.platform.http import answer_errors_under


@bp.record_once
def answer_errors_as_problems(state) -> None:
    answer_errors_under(state.app, bp.url_prefix + "/", problem_for_error)


@bp.before_request
def limit_each_address():
    # ProxyFix (KB_TRUSTED_PROXIES) has already put the visitor's own address in remote_addr.
    per_minute = current_app.config["KB_API_RATE_PER_MINUTE"]
    verdict = limits.check(request.remote_addr or "unknown", per_minute)
    if not verdict.allowed:
        return problem(
            429,
            f"This address may make {per_minute} requests a minute; try again in {verdict.retry_after} seconds.",
            RATE_LIMITED,
            headers={"Retry-After": str(verdict.retry_after)},
        )
    return None


@bp.after_app_request
def cors_under_the_api(response):
    # After the app's request, so that a 404 for an address no route knows gets the headers too.
    if request.path == bp.url_prefix or request.path.startswith(bp.url_prefix + "/"):
        add_cors_headers(response)
    return response


@bp.errorhandler(InvalidParameters)
def refuse_parameters(error: InvalidParameters):
    return invalid_parameters(error)


@bp.errorhandler(service.NotFound)
def not_found(error: service.NotFound):
    return problem(404, str(error))


@bp.route("/")
def index():
    return json_answer(service.api_index(document.info()["title"], document.info()["version"]))


@bp.route("/openapi.json")
def openapi_json():
    return json_answer(document.openapi_document())


@bp.route("/docs")
def docs():
    return render_template(
        "api/docs.html",
        info=document.info(),
        servers=document.servers(),
        sections=document.sections(),
        shapes=document.shapes(),
        rate_per_minute=current_app.config["KB_API_RATE_PER_MINUTE"],
    )


@bp.route("/case-studies")
def case_studies():
    filters, page = parameters.list_filters("/case-studies")
    return json_answer(service.item_list(CASE_STUDIES, filters, page))


@bp.route("/case-studies/<id:item_id>")
def case_study(item_id: int):
    return json_answer(service.item_detail(CASE_STUDIES, item_id))


@bp.route("/lessons")
def lessons():
    filters, page = parameters.list_filters("/lessons")
    return json_answer(service.item_list(LESSONS, filters, page))


@bp.route("/lessons/<id:item_id>")
def lesson(item_id: int):
    return json_answer(service.item_detail(LESSONS, item_id))


@bp.route("/themes")
def themes():
    return json_answer(service.theme_list())


@bp.route("/themes/<slug>")
def theme(slug: str):
    return json_answer(service.theme_detail(slug))


@bp.route("/collections")
def collections():
    return json_answer(service.collection_list())


@bp.route("/collections/<id:collection_id>")
def collection(collection_id: int):
    return json_answer(service.collection_detail(collection_id))


@bp.route("/tags")
def tags():
    return json_answer(service.tag_list())


@bp.route("/search")
def search():
    return json_answer(service.search(parameters.search_question()))
