"""/healthz for load balancers and monitoring."""

from kb.ops import bp
from kb.ops.health import health_report


@bp.route("/healthz")
def healthz():
    report, healthy = health_report()
    return report, 200 if healthy else 503, {"Cache-Control": "no-store"}
