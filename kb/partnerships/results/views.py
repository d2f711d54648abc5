"""A closed round's results to take away: a CSV and a print-ready report for the partnership's
review meeting. Members only (outsiders get 404, like the round itself), closed rounds only."""

from __future__ import annotations

from flask import abort, current_app, render_template

from kb.partnerships import bp
from kb.partnerships.results import charts as result_charts
from kb.partnerships.results import exports, trends
from kb.partnerships.results import service as results
from kb.partnerships.views import round_or_404
from kb.platform import clock
from kb.platform.csv_export import csv_download
from kb.platform.permissions import member_required
from kb.platform.text import slugify

bp.add_app_template_global(result_charts.sector_gap_chart, "sector_gap_chart")
bp.add_app_template_global(result_charts.trend_chart, "trend_chart")


def shown_results(round_id: int):
    """The round, its results and trends; 404 while the round is open, when nothing may be shown yet."""
    health_check = round_or_404(round_id)
    if health_check.is_open(clock.now()):
        abort(404, "This round is still open: its results appear when it closes.")
    minimum = current_app.config["KB_HEALTHCHECK_MIN_RESPONDENTS"]
    return (
        health_check,
        results.round_results(health_check, minimum),
        trends.round_trends(health_check, minimum),
        minimum,
    )


@bp.route("/partnerships/rounds/<id:round_id>/results.csv")
@member_required
def results_csv(round_id: int):
    health_check, round_results, round_trends, _minimum = shown_results(round_id)
    if round_results.withheld:
        abort(404, round_results.withheld)
    filename = f"{slugify(health_check.partnership.name)}-health-check-{slugify(health_check.name)}.csv"
    return csv_download(filename, exports.csv_header(round_trends), exports.results_rows(round_results, round_trends))


@bp.route("/partnerships/rounds/<id:round_id>/report")
@member_required
def report(round_id: int):
    health_check, round_results, round_trends, minimum = shown_results(round_id)
    return render_template(
        "partnerships/report.html",
        health_check=health_check,
        partnership=health_check.partnership,
        results=round_results,
        trends=round_trends,
        minimum=minimum,
        today=clock.now(),
    )
