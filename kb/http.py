"""Small helpers about the request that several features share."""

from flask import request


def wants_json() -> bool:
    """True for script clients: a .json URL, a JSON body, or an Accept header preferring JSON."""
    if request.path.endswith(".json") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
