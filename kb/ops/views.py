"""/healthz for load balancers and monitoring."""

from flask import request

from kb.ops import bp
from kb.ops.health import health_report, may_see_details


@bp.route("/healthz")
def healthz():
    report, serving = health_report()
    if not may_see_details(request.remote_addr, request.headers.get("Authorization", "")):
        report = {"status": report["status"]}
    return report, 200 if serving else 503, {"Cache-Control": "no-store"}
