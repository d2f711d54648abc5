"""/describe: a situation in plain words; /more-like-this/<kind>/<id>: the nearest published items."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from kb.meaning import bp, service
from kb.search.service import facet_labels


@bp.route("/describe")
def describe():
    text = request.args.get("situation", "")
    error, matches = None, []
    try:
        matches = service.describe(text, current_user)
    except service.TooLong as problem:
        error = str(problem)
    return render_template(
        "meaning/describe.html",
        text=text,
        matches=matches,
        error=error,
        limit=service.LONGEST_DESCRIPTION,
        types=facet_labels().get("type", {}),
    ), (422 if error else 200)


@bp.route("/more-like-this/<kind>/<id:row_id>")
def more_like_this(kind: str, row_id: int):
    key = f"{kind}:{row_id}"
    source = service.source_document(key, current_user)
    if source is None:
        abort(404)  # unknown, or not for this visitor: the same answer, so nothing is given away
    return render_template(
        "meaning/more_like_this.html",
        source=source,
        matches=service.more_like_this(key, current_user),
        types=facet_labels().get("type", {}),
    )
