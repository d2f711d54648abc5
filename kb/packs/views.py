"""The pack pages: one page the browser prints, each item starting a new sheet (static/css/site.css,
"Print"). No PDF is made here: the reader's browser prints or saves the page."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_login import current_user

from kb.packs import bp, service
from kb.platform import clock
from kb.platform.markup import headings_one_level_down

# Each item's title is an h2 in a pack, so the headings of its text move one level down.
bp.add_app_template_filter(headings_one_level_down, "headings_one_level_down")


@bp.route("/themes/<slug>/pack")
def theme_pack(slug: str):
    pack = service.theme_pack(slug) or abort(404)
    return render_template(
        "packs/pack.html",
        pack=pack,
        today=clock.now(),
        kind_of_pack="theme",
        back=(pack.title, url_for("themes.show", slug=slug)),
    )


@bp.route("/collections/<id:collection_id>/pack")
def collection_pack(collection_id: int):
    pack = service.collection_pack(collection_id, current_user) or abort(404)
    return render_template(
        "packs/pack.html",
        pack=pack,
        today=clock.now(),
        kind_of_pack="collection",
        back=(pack.title, url_for("collections.show", collection_id=collection_id, slug=pack.collection.slug)),
    )
