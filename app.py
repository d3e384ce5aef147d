"""WSGI entry point: `gunicorn app:app`, `flask --app app <command>`."""

from portal import create_app

app = create_app()
