"""Common Ground: a knowledge base for local partnerships between public bodies and the voluntary and
community sector. Three layers (docs/architecture.md): the app shell (kb.app) builds the site from the
features (kb.auth, kb.library, kb.board, ...), which stand on the platform (kb.platform)."""

from kb.app.factory import create_app, create_app_or_exit

__all__ = ["create_app", "create_app_or_exit"]
