"""Outgoing e-mail. A message is stored first (in the transaction of whatever caused it) and
delivered by a Huey task after that transaction committed.

Delivery is at least once: a consumer that dies (or loses its database) after the mail server took a message
but before it was marked sent leaves a claim that runs out, and the message goes again. Such a copy is the
same mail byte for byte — the same Message-ID and Date — so a mail program can recognise it; and marking
sent is retried over a fresh connection, so a lost connection alone does not cause a second copy.

Messages never carry case content: only that there is something to look at, and a link.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import peewee

from models import clock, crypto
from models.base import BaseModel
from models.crypto import EncryptedTextField
from models.db import db, write_transaction

log = logging.getLogger("veilig_bestuur.outbox")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    starttls: bool
    sender: str
    timeout: int = 20


class OutboxMessage(BaseModel):
    created_at = peewee.DateTimeField(default=clock.utcnow)
    recipient = peewee.CharField(max_length=254)
    subject = peewee.CharField(max_length=200)
    body = EncryptedTextField()  # holds one-time links: not readable from a copy of the database
    kind = peewee.CharField(max_length=64)  # e.g. "activation", "case_assigned"; for tests and stats
    claimed_at = peewee.DateTimeField(null=True)
    sent_at = peewee.DateTimeField(null=True, index=True)
    attempts = peewee.IntegerField(default=0)
    last_error = peewee.CharField(max_length=255, default="")


def queue(recipient: str, subject: str, body: str, kind: str) -> OutboxMessage:
    return OutboxMessage.create(recipient=recipient, subject=subject, body=body, kind=kind)


def _build(message: OutboxMessage, smtp: SmtpSettings) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = smtp.sender
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(message.created_at.replace(tzinfo=dt.UTC))
    mail["Message-ID"] = message_id_header(message, smtp.sender)
    mail.set_content(message.body)
    return mail


def message_id_header(message: OutboxMessage, sender: str) -> str:
    """The same on every attempt to send this stored message, so a copy sent again after a crash is
    recognisably the same mail; unique across installations (keyed with this installation's content key,
    without which the message could not be sent at all) and revealing nothing, not even how many mails
    there were. The domain is the sender's."""
    token = crypto.blind_index(str(message.id), message.created_at.isoformat(), purpose="message-id")[:32]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<{token}@{domain}>"


class SmtpSession:
    """One connection to the mail server, opened at the first message and reused for the next ones
    (a reminder run of thousands of mails is not thousands of connections). A connection the server
    closed is opened again once."""

    def __init__(self, smtp: SmtpSettings):
        self.smtp, self.client = smtp, None

    def send(self, mail: EmailMessage) -> None:
        try:
            self._client().send_message(mail)
        except smtplib.SMTPServerDisconnected:
            self.client = None
            self._client().send_message(mail)
        except (OSError, smtplib.SMTPException):
            self.close()  # a fresh connection for the next message
            raise

    def _client(self) -> smtplib.SMTP:
        if self.client is None:
            smtp = self.smtp
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
            try:
                if smtp.starttls:
                    client.starttls(context=ssl.create_default_context())
                if smtp.username:
                    client.login(smtp.username, smtp.password or "")
            except BaseException:
                client.close()
                raise
            self.client = client
        return self.client

    def close(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# A claim older than this is considered abandoned (its consumer died) and may be taken over.
CLAIM_LEASE = dt.timedelta(minutes=5)


def deliver(message_id: int, smtp: SmtpSettings, session: SmtpSession | None = None) -> bool:
    """Send one stored message unless it was sent already or another consumer holds it.

    Claim (one UPDATE, committed) -> send -> mark sent, with nothing in between the last two (not even
    closing the connection to the mail server). Two consumers cannot both claim; after a failed send the
    claim stays as the time of that attempt, so a retry waits (see retry_delay); a consumer killed while
    sending leaves a claim that another takes over once the lease ends. No database lock is held during SMTP."""
    now = clock.utcnow()
    with write_transaction():
        claimed = (
            OutboxMessage.update(claimed_at=now, attempts=OutboxMessage.attempts + 1)
            .where(
                (OutboxMessage.id == message_id)
                & OutboxMessage.sent_at.is_null()
                & (OutboxMessage.claimed_at.is_null() | (OutboxMessage.claimed_at < now - CLAIM_LEASE))
            )
            .execute()
        )
    if not claimed:
        return False
    mail = _build(OutboxMessage.get_by_id(message_id), smtp)
    if session is None:
        with SmtpSession(smtp) as own:
            return _send_and_mark_sent(message_id, mail, own)
    return _send_and_mark_sent(message_id, mail, session)


def _send_and_mark_sent(message_id: int, mail: EmailMessage, session: SmtpSession) -> bool:
    try:
        session.send(mail)
    except (OSError, smtplib.SMTPException) as error:
        (OutboxMessage.update(last_error=type(error).__name__[:255]).where(OutboxMessage.id == message_id).execute())
        return False
    _mark_sent(message_id, clock.utcnow())
    return True


# Pauses (seconds) before marking a sent message again after the database failed: a restarted server, a
# dropped line, SQLite locked by another writer for longer than its busy timeout. Giving up means the
# message goes a second time once its claim runs out.
MARK_SENT_RETRY_PAUSES = (0.2, 1.0, 3.0)


def _mark_sent(message_id: int, sent_at: dt.datetime) -> None:
    for pause in (*MARK_SENT_RETRY_PAUSES, None):
        try:
            OutboxMessage.update(sent_at=sent_at).where(OutboxMessage.id == message_id).execute()
            return
        except (peewee.OperationalError, peewee.InterfaceError) as error:
            if pause is None or db.in_transaction():  # a transaction of the caller's cannot be taken over
                log.error(
                    "outbox message %d was sent but is not marked sent (%s): it goes again, with the same "
                    "Message-ID, when its claim runs out",
                    message_id,
                    type(error).__name__,
                )
                raise
            log.warning(
                "outbox message %d was sent; marking it failed (%s), again in %.1f s over a new connection",
                message_id,
                type(error).__name__,
                pause,
            )
            _close_connection()
            time.sleep(pause)


def _close_connection() -> None:
    """Drop this thread's connection (a broken one is not given back to the pool); the next statement opens one."""
    try:
        db.close()
    except peewee.PeeweeException:
        pass  # it was broken: closing it is all that was asked


def deliver_all(message_ids, smtp: SmtpSettings) -> int:
    """Deliver several messages over one connection; returns how many were sent now."""
    with SmtpSession(smtp) as session:
        return sum(deliver(message_id, smtp, session) for message_id in message_ids)


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the last attempt: 5 minutes, doubling, at most 6 hours — an
    unreachable mail server is not hammered every minute."""
    return min(CLAIM_LEASE * (2 ** max(attempts - 1, 0)), dt.timedelta(hours=6))


def pending_ids(limit: int = 500) -> list[int]:
    """Messages not sent yet whose next attempt is due."""
    now = clock.utcnow()
    rows = (
        OutboxMessage.select(OutboxMessage.id, OutboxMessage.claimed_at, OutboxMessage.attempts)
        .where(
            OutboxMessage.sent_at.is_null()
            & (OutboxMessage.claimed_at.is_null() | (OutboxMessage.claimed_at < now - CLAIM_LEASE))
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return [m.id for m in rows if m.claimed_at is None or m.claimed_at < now - retry_delay(m.attempts)]
