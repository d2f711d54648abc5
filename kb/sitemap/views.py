"""/sitemap.xml and /robots.txt. Addresses are whole (with the host): crawlers read them elsewhere."""

from __future__ import annotations

from flask import Response, render_template, url_for

from kb.sitemap import bp, service


@bp.route("/sitemap.xml")
def sitemap():
    xml = render_template("sitemap/sitemap.xml", pages=service.public_pages())
    return Response(xml, mimetype="application/xml")


@bp.route("/robots.txt")
def robots():
    return Response(service.robots_txt(url_for("sitemap.sitemap", _external=True)), mimetype="text/plain")
