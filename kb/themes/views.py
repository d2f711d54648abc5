"""Home, theme and about pages."""

from __future__ import annotations

from flask import abort, render_template

from kb import clock
from kb.library import featuring
from kb.library import queries as library
from kb.library.models import Kind, Outcome
from kb.themes import bp, service


@bp.route("/")
def home():
    return render_template(
        "themes/home.html",
        themes=service.list_themes(),
        fact=service.fact_of_the_day(clock.now().date()),
        featured=featuring.featured(None),
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
        case_studies=library.latest_for_theme(theme, Kind.CASE_STUDY),
        case_study_count=library.count_for_theme(theme, Kind.CASE_STUDY),
        worked_well=library.latest_for_theme(theme, Kind.LESSON, Outcome.WORKED_WELL.value),
        did_not_work=library.latest_for_theme(theme, Kind.LESSON, Outcome.DID_NOT_WORK.value),
        lesson_count=library.count_for_theme(theme, Kind.LESSON),
        featured=featuring.featured(theme),
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
