"""A partnership's map of local organisations: members read, filter and download it; coordinators
add, remove and import. Thin: the rules are in organisations.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from kb.partnerships import bp, service
from kb.partnerships.models import ORGANISATION_KINDS, Organisation
from kb.partnerships.organisations import service as organisations
from kb.partnerships.views import INVALID, partnership_or_404, refused
from kb.platform.csv_export import csv_download
from kb.platform.extensions import db
from kb.platform.permissions import member_required
from kb.platform.text import plural, slugify
from kb.platform.vocabulary import SECTOR_LABELS


def chosen_filters() -> tuple[str, str]:
    sector, kind = request.args.get("sector", ""), request.args.get("kind", "")
    return (sector if sector in SECTOR_LABELS else ""), (kind if kind in ORGANISATION_KINDS else "")


def render_map(partnership, status=200, values=None, error=None, problems=()):
    sector, kind = chosen_filters()
    return render_template(
        "partnerships/organisations.html",
        partnership=partnership,
        organisations=organisations.organisations_of(partnership, sector, kind),
        counts=organisations.counts_of(partnership, sector, kind),
        sector=sector,
        kind=kind,
        sectors=SECTOR_LABELS,
        kinds=ORGANISATION_KINDS,
        values=values or organisations.OrganisationFields(),
        error=error,
        problems=problems,
        coordinator=service.is_coordinator(current_user, partnership),
    ), status


@bp.route("/partnerships/<id:partnership_id>/organisations")
@member_required
def organisations_map(partnership_id: int):
    return render_map(partnership_or_404(partnership_id))


@bp.route("/partnerships/<id:partnership_id>/organisations.csv")
@member_required
def organisations_csv(partnership_id: int):
    partnership = partnership_or_404(partnership_id)
    return csv_download(
        f"{slugify(partnership.name)}-organisations.csv", organisations.CSV_HEADER, organisations.csv_rows(partnership)
    )


@bp.route("/partnerships/<id:partnership_id>/organisations", methods=["POST"])
@member_required
def add_organisation(partnership_id: int):
    partnership = partnership_or_404(partnership_id)
    values = organisations.OrganisationFields(
        **{
            name: request.form.get(name, "")
            for name in ("name", "sector", "kind", "area", "website", "activity", "contact_role")
        }
    )
    try:
        organisations.add_organisation(partnership, values, by=current_user)
    except service.NotAllowed as error:
        refused(error)
    except service.PartnershipError as error:
        return render_map(partnership, INVALID, values, error)
    flash(f"{values.name.strip()} is on the map.", "success")
    return redirect(url_for("partnerships.organisations_map", partnership_id=partnership.id))


@bp.route("/partnerships/<id:partnership_id>/organisations/import", methods=["POST"])
@member_required
def import_organisations(partnership_id: int):
    partnership = partnership_or_404(partnership_id)
    if not service.is_coordinator(current_user, partnership):
        abort(403, "Only the partnership's coordinators change its map of organisations.")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_map(
            partnership, INVALID, error=service.PartnershipError("Choose a CSV file to import.", field="import-file")
        )
    try:
        added = organisations.import_csv(partnership, upload.read(), by=current_user)
    except organisations.ImportRefused as error:
        return render_map(partnership, INVALID, error=error, problems=error.problems)
    flash(f"Imported {plural(added, 'organisation')}.", "success")
    return redirect(url_for("partnerships.organisations_map", partnership_id=partnership.id))


@bp.route("/partnerships/organisations/<id:organisation_id>/remove", methods=["POST"])
@member_required
def remove_organisation(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    partnership = partnership_or_404(organisation.partnership_id)
    try:
        organisations.remove_organisation(organisation, by=current_user)
    except service.PartnershipError as error:
        refused(error)
    flash(f"{organisation.name} is off the map.", "success")
    return redirect(url_for("partnerships.organisations_map", partnership_id=partnership.id))


@bp.route("/partnerships/<id:partnership_id>/directory")
def directory(partnership_id: int):
    try:
        partnership = organisations.public_directory(partnership_id)
    except service.NotFound as error:
        refused(error)
    return render_template(
        "partnerships/directory.html",
        partnership=partnership,
        organisations=organisations.organisations_of(partnership),
    )


@bp.route("/partnerships/<id:partnership_id>/directory", methods=["POST"])
@member_required
def publish_directory(partnership_id: int):
    partnership = partnership_or_404(partnership_id)
    public = request.form.get("public") == "1"
    try:
        organisations.publish_directory(partnership, public, by=current_user)
    except service.PartnershipError as error:
        refused(error)
    flash("The map is now a public directory." if public else "The map is no longer public.", "success")
    return redirect(url_for("partnerships.organisations_map", partnership_id=partnership.id))
