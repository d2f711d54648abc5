"""Security headers on every response: HTML pages, JSON, error pages, static files and redirects.

The pages carry no inline script or style, so the Content-Security-Policy allows only the site's own
files. A page that one day needs a script of its own asks for `csp_nonce()` in its template; the
nonce is then added to that response's policy, and to no other.
"""

from __future__ import annotations

import secrets

from flask import Flask, current_app, g

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
}

# Features the site never uses, switched off so that nothing embedded in a page can ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "serial",
        "bluetooth",
        "magnetometer",
        "gyroscope",
        "accelerometer",
        "interest-cohort",
        "browsing-topics",
    )
)

# Two years, the figure browsers' preload lists ask for; sent only when the site is served over HTTPS.
HSTS_MAX_AGE = 2 * 365 * 24 * 60 * 60


def csp_nonce() -> str:
    """A nonce for this response's inline <script nonce="..."> (created on first use, one per request)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce: str | None = None) -> str:
    directives = dict(CONTENT_SECURITY_POLICY)
    if nonce:
        directives["script-src"] += f" 'nonce-{nonce}'"
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def add_security_headers(response):
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(g.get("csp_nonce"))
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    if current_app.config.get("KB_HTTPS"):
        headers["Strict-Transport-Security"] = f"max-age={HSTS_MAX_AGE}"
    return response


def register(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.add_template_global(csp_nonce)
