"""Home, theme and about pages."""

from __future__ import annotations

from flask import abort, render_template

from kb import clock
from kb.library import service as library
from kb.themes import bp, service


@bp.route("/")
def home():
    return render_template(
        "themes/home.html",
        themes=service.list_themes(),
        fact=service.fact_of_the_day(clock.now().date()),
    )


@bp.route("/themes")
def index():
    return render_template("themes/index.html", themes=service.list_themes())


@bp.route("/themes/<slug>")
def show(slug: str):
    theme = service.get_theme(slug)
    if theme is None:
        abort(404)
    previous_theme, next_theme = service.neighbours(theme)
    return render_template(
        "themes/theme.html", theme=theme, previous_theme=previous_theme, next_theme=next_theme,
        case_studies=library.latest_for_theme(theme), case_study_count=library.count_published_for_theme(theme),
    )


@bp.route("/about")
def about():
    return render_template(
        "themes/about.html",
        texts=service.site_texts("taskforce."),
        members=service.taskforce_organisations("member"),
        publishers=service.taskforce_organisations("publisher"),
        facts=service.all_facts(),
        themes=service.list_themes(),
    )
