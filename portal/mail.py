"""Notification e-mails: rendered in the recipient's language, stored in the outbox, delivered by
Huey after the request's transaction has committed. Never case content: only a link."""
from __future__ import annotations

from flask import current_app, g, render_template
from flask_babel import force_locale

from models import outbox


def queue(recipient_email: str, locale: str, kind: str, **context) -> int:
    """Store a mail built from templates/mail/<kind>.txt (first line: subject). Call inside the
    transaction of the change it belongs to; it is sent after the request ends."""
    with force_locale(locale or "nl"):
        text = render_template(f"mail/{kind}.txt", base_url=current_app.config["BASE_URL"], **context)
    subject, _, body = text.strip().partition("\n")
    message = outbox.queue(recipient_email, subject.strip(), body.strip() + "\n", kind)
    g.setdefault("_mail_ids", []).append(message.id)
    return message.id


def flush() -> None:
    """Hand the mails stored during this request or command to the queue."""
    from jobs.tasks import deliver_mail

    for message_id in g.pop("_mail_ids", []):
        deliver_mail(message_id)


def init_app(app):
    @app.after_request
    def _flush(response):
        flush()
        return response
