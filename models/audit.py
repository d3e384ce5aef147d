"""The audit trail: append-only, tamper-evident (each entry's hash chains to the one before).

Entries say who did what to which object, when and from where — never case content.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import peewee

from models import clock
from models.base import BaseModel
from models.db import AUDIT_CHAIN_LOCK, serialised, write_transaction

GENESIS = "0" * 64


class AuditEntry(BaseModel):
    at = peewee.DateTimeField(index=True)
    actor_id = peewee.IntegerField(null=True, index=True)  # not a foreign key: entries outlive accounts
    action = peewee.CharField(max_length=64, index=True)
    object_type = peewee.CharField(max_length=32, null=True)
    object_id = peewee.CharField(max_length=64, null=True)
    ip = peewee.CharField(max_length=64, null=True)
    detail = peewee.CharField(max_length=255, default="")
    prev_hash = peewee.CharField(max_length=64)
    hash = peewee.CharField(max_length=64)

    class Meta:
        indexes = ((("object_type", "object_id"), False),)


def _digest(prev_hash: str, at, actor_id, action, object_type, object_id, ip, detail) -> str:
    fields = [prev_hash, at.isoformat(timespec="microseconds"), "" if actor_id is None else str(actor_id),
              action, object_type or "", object_id or "", ip or "", detail or ""]
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


def record(action: str, *, actor_id: int | None = None, object_type: str | None = None,
           object_id=None, ip: str | None = None, detail: str = "") -> AuditEntry:
    """Append one entry. Call it in the same transaction as the change it records."""
    object_id = None if object_id is None else str(object_id)
    with write_transaction(), serialised(AUDIT_CHAIN_LOCK):
        last = AuditEntry.select(AuditEntry.hash).order_by(AuditEntry.id.desc()).first()
        prev_hash = last.hash if last else GENESIS
        at = clock.utcnow()
        return AuditEntry.create(
            at=at, actor_id=actor_id, action=action, object_type=object_type, object_id=object_id,
            ip=ip, detail=detail[:255], prev_hash=prev_hash,
            hash=_digest(prev_hash, at, actor_id, action, object_type, object_id, ip, detail[:255]),
        )


@dataclass
class ChainReport:
    checked: int
    first_broken_id: int | None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Walk the whole chain in id order, in batches (memory stays flat), and name the first entry
    whose hash does not match its content or whose link to the one before is broken."""
    prev_hash = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = (AuditEntry.select().where(AuditEntry.id > last_id)
                .order_by(AuditEntry.id).limit(batch_size).tuples())
        fields = [f.name for f in AuditEntry._meta.sorted_fields]
        batch = [dict(zip(fields, row)) for row in rows]
        if not batch:
            return ChainReport(checked, None)
        for row in batch:
            if row["prev_hash"] != prev_hash:
                return ChainReport(checked, row["id"], "link")
            expected = _digest(prev_hash, row["at"], row["actor_id"], row["action"], row["object_type"],
                               row["object_id"], row["ip"], row["detail"])
            if expected != row["hash"]:
                return ChainReport(checked, row["id"], "content")
            prev_hash = row["hash"]
            checked += 1
            last_id = row["id"]
