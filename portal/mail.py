"""Notification e-mails from the web layer: rendered and stored by jobs.notifications in the transaction of the
change they belong to, handed to the queue after the request, when that transaction has committed. Never case
content: only a link."""

from __future__ import annotations

from flask import current_app, g

from jobs import notifications
from jobs.tasks import deliver_mail


def queue(recipient_email: str, locale: str, kind: str, **context) -> int:
    """Store a mail built from templates/mail/<kind>.txt (first line: subject) in the recipient's language.
    Call inside the transaction of the change it belongs to; it is sent after the request ends."""
    message_id = notifications.queue(recipient_email, locale, kind, base_url=current_app.config["BASE_URL"], **context)
    g.setdefault("_mail_ids", []).append(message_id)
    return message_id


def flush() -> None:
    """Hand the mails stored during this request or command to the queue."""
    for message_id in g.pop("_mail_ids", []):
        deliver_mail(message_id)


def init_app(app):
    @app.after_request
    def _flush(response):
        flush()
        return response
