"""Home, theme and about pages."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from kb.platform import clock
from kb.platform.extensions import db
from kb.platform.permissions import moderator_required
from kb.themes import bp, resources, sections, service
from kb.themes.forms import ResourceForm
from kb.themes.models import Theme, ThemeResource


@bp.route("/")
def home():
    return render_template(
        "themes/home.html",
        themes=service.list_themes(),
        fact=service.fact_of_the_day(clock.now().date()),
        **sections.for_home(),
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
        "themes/theme.html",
        theme=theme,
        previous_theme=previous_theme,
        next_theme=next_theme,
        **sections.for_theme(theme),
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


# --- the pages a public service owes its users: how it treats them, and how to reach it ----------

SITE_PAGES = {
    "privacy": "Privacy notice",
    "accessibility": "Accessibility statement",
    "cookies": "Cookies",
    "guidelines": "Community guidelines",
    "contact": "Contact us",
}


@bp.route("/<any(privacy, accessibility, cookies, guidelines, contact):page>")
def site_page(page: str):
    return render_template(
        f"site/{page}.html",
        title=SITE_PAGES[page],
        contact=current_app.config["KB_CONTACT_EMAIL"],
        minimum=current_app.config["KB_HEALTHCHECK_MIN_RESPONDENTS"],
    )


# --- moderators curate each theme's reading list ----------------------------------------------


def theme_or_404(slug: str) -> Theme:
    return service.get_theme(slug) or abort(404)


def render_resources(theme: Theme, form: ResourceForm, status: int = 200):
    return render_template(
        "themes/resources.html", theme=theme, resources=resources.resources_of(theme), form=form
    ), status


@bp.route("/moderation/themes/<slug>/resources", methods=["GET", "POST"])
@moderator_required
def manage_resources(slug: str):
    theme = theme_or_404(slug)
    form = ResourceForm()
    if request.method == "GET":
        return render_resources(theme, form)
    if not form.validate_on_submit():
        return render_resources(theme, form, 422)
    resource = resources.add(theme, form.to_fields(), current_user)
    flash(f"Added “{resource.title}” to the {theme.title} page.", "success")
    return redirect(url_for("themes.manage_resources", slug=theme.slug))


def resource_or_404(resource_id: int) -> ThemeResource:
    return db.session.get(ThemeResource, resource_id) or abort(404)


@bp.route("/moderation/resources/<id:resource_id>", methods=["GET", "POST"])
@moderator_required
def edit_resource(resource_id: int):
    resource = resource_or_404(resource_id)
    form = ResourceForm(obj=resource) if request.method == "GET" else ResourceForm()
    if request.method == "POST" and form.validate_on_submit():
        resources.update(resource, form.to_fields(), current_user)
        flash("Saved.", "success")
        return redirect(url_for("themes.manage_resources", slug=resource.theme.slug))
    return render_template(
        "themes/edit_resource.html", resource=resource, form=form
    ), 422 if request.method == "POST" else 200


@bp.route("/moderation/resources/<id:resource_id>/<any(up, down, retire, restore):change>", methods=["POST"])
@moderator_required
def change_resource(resource_id: int, change: str):
    resource = resource_or_404(resource_id)
    try:
        if change in ("up", "down"):
            resources.move(resource, -1 if change == "up" else 1, current_user)
        else:
            resources.set_retired(resource, change == "retire", current_user)
    except resources.ResourceError as error:
        flash(str(error), "error")
    return redirect(url_for("themes.manage_resources", slug=resource.theme.slug))
