"""WSGI entry point: `gunicorn wsgi:app`; `flask` finds `app` here on its own."""

from kb import create_app_or_exit

app = create_app_or_exit()
