"""What search engines may index: /sitemap.xml lists the public pages, /robots.txt points to it."""

from flask import Blueprint

from kb.platform.features import Feature

bp = Blueprint("sitemap", __name__)
FEATURE = Feature("sitemap", bp)

from kb.sitemap import views  # noqa: E402,F401  (routes attach themselves to bp)
