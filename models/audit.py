"""The audit trail: append-only, tamper-evident (each entry's hash chains to the one before).

Entries say who did what to which object, when and from where — never case content. Entries
older than their retention are pruned (`prune_before`); an `AuditCheckpoint` keeps the hash of the
last pruned entry, so the chain is verified from there on, and the pruning is itself an entry in
the chain that names the checkpoint (a forged checkpoint is detected).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pathlib
from dataclasses import dataclass

import peewee

from models import clock
from models.base import BaseModel
from models.db import AUDIT_CHAIN_LOCK, db, select_written_once, serialised, write_transaction

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


_VERIFY_FIELDS = (
    AuditEntry.id,
    AuditEntry.at,
    AuditEntry.actor_id,
    AuditEntry.action,
    AuditEntry.object_type,
    AuditEntry.object_id,
    AuditEntry.ip,
    AuditEntry.detail,
    AuditEntry.prev_hash,
    AuditEntry.hash,
)


class AuditCheckpoint(BaseModel):
    """Where the chain starts after pruning: the last pruned entry's id and hash."""

    through_id = peewee.IntegerField(unique=True)
    through_hash = peewee.CharField(max_length=64)
    through_at = peewee.DateTimeField()
    pruned = peewee.IntegerField()
    created_at = peewee.DateTimeField(default=clock.utcnow)


PRUNED_ACTION = "audit_pruned"


def _digest(prev_hash: str, at, actor_id, action, object_type, object_id, ip, detail) -> str:
    fields = [
        prev_hash,
        at.isoformat(timespec="microseconds"),
        "" if actor_id is None else str(actor_id),
        action,
        object_type or "",
        object_id or "",
        ip or "",
        detail or "",
    ]
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


def record(
    action: str,
    *,
    actor_id: int | None = None,
    object_type: str | None = None,
    object_id=None,
    ip: str | None = None,
    detail: str = "",
) -> AuditEntry:
    """Append one entry. Call it in the same transaction as the change it records."""
    object_id = None if object_id is None else str(object_id)
    # A read (the action ends in "_viewed") in a transaction of its own: its commit does not wait for
    # PostgreSQL's disk (3 ms of a case page), like every commit on SQLite. A change's entry commits
    # with the change, durably.
    durable = not action.endswith("_viewed") or db.in_transaction()
    with write_transaction(), serialised(AUDIT_CHAIN_LOCK, durable=durable):
        last = select_written_once(
            "audit:last", lambda: AuditEntry.select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1), 1
        )
        prev_hash = last[0].hash if last else GENESIS
        at = clock.utcnow()
        return AuditEntry.create(
            at=at,
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            ip=ip,
            detail=detail[:255],
            prev_hash=prev_hash,
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


def latest_checkpoint() -> AuditCheckpoint | None:
    return AuditCheckpoint.select().order_by(AuditCheckpoint.through_id.desc()).first()


def _checkpoint_detail(checkpoint: AuditCheckpoint) -> str:
    return f"through={checkpoint.through_id} hash={checkpoint.through_hash} pruned={checkpoint.pruned}"


def _entries_after(last_id: int, batch_size: int) -> list[tuple]:
    """The next entries in id order as plain tuples: over millions of entries, building model rows
    took most of the walk's time."""
    columns = ", ".join(f'"{f.column_name}"' for f in _VERIFY_FIELDS)
    # Names from the model, values bound as parameters.
    rows = db.execute_sql(
        f'SELECT {columns} FROM "{AuditEntry._meta.table_name}" WHERE "id" > {db.param} '  # noqa: S608
        f'ORDER BY "id" LIMIT {db.param}',
        (last_id, batch_size),
    ).fetchall()
    if rows and isinstance(rows[0][1], str):  # SQLite gives the timestamp as text
        rows = [(row[0], _timestamp(row[1]), *row[2:]) for row in rows]
    return rows


def _timestamp(text: str):
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return AuditEntry.at.python_value(text)


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Walk the chain in id order, in batches (memory stays flat), and name the first entry whose
    hash does not match its content or whose link to the one before is broken. After pruning the
    walk starts at the latest checkpoint, which a later entry in the chain must confirm."""
    checkpoint = latest_checkpoint()
    prev_hash = checkpoint.through_hash if checkpoint else GENESIS
    last_id = checkpoint.through_id if checkpoint else 0
    confirmed = checkpoint is None
    first_id = None
    checked = 0
    while True:
        batch = _entries_after(last_id, batch_size)
        if not batch:
            if not confirmed:
                return ChainReport(checked, first_id or checkpoint.through_id, "checkpoint")
            return ChainReport(checked, None)
        for entry_id, at, actor_id, action, object_type, object_id, ip, detail, entry_prev, entry_hash in batch:
            first_id = first_id or entry_id
            if entry_prev != prev_hash:
                return ChainReport(checked, entry_id, "link")
            expected = _digest(prev_hash, at, actor_id, action, object_type, object_id, ip, detail)
            if expected != entry_hash:
                return ChainReport(checked, entry_id, "content")
            if (
                not confirmed
                and action == PRUNED_ACTION
                and object_type == "audit_checkpoint"
                and object_id == str(checkpoint.id)
                and detail == _checkpoint_detail(checkpoint)
            ):
                confirmed = True
            prev_hash = entry_hash
            checked += 1
            last_id = entry_id


def prune_plan(cutoff) -> tuple[int | None, int]:
    """Which entries pruning at `cutoff` removes: (the last id, how many). Only an unbroken run from
    the start, all older than the cutoff; the newest entry always stays (the chain continues from it)."""
    checkpoint = latest_checkpoint()
    start = checkpoint.through_id if checkpoint else 0
    newest = AuditEntry.select(peewee.fn.MAX(AuditEntry.id)).scalar()
    if newest is None:
        return None, 0
    first_kept = (
        AuditEntry.select(peewee.fn.MIN(AuditEntry.id))
        .where((AuditEntry.id > start) & (AuditEntry.at >= cutoff))
        .scalar()
    )
    limit = min(first_kept if first_kept is not None else newest, newest)
    through = (
        AuditEntry.select(peewee.fn.MAX(AuditEntry.id))
        .where((AuditEntry.id > start) & (AuditEntry.id < limit))
        .scalar()
    )
    if through is None:
        return None, 0
    count = AuditEntry.select().where((AuditEntry.id > start) & (AuditEntry.id <= through)).count()
    return through, count


def prune_before(cutoff, actor_id: int | None = None) -> int:
    """Delete entries older than `cutoff` (retention), leaving a checkpoint and an entry naming it,
    in one transaction. Returns how many were pruned."""
    with write_transaction(), serialised(AUDIT_CHAIN_LOCK):
        through, count = prune_plan(cutoff)
        if through is None:
            return 0
        last = AuditEntry.get_by_id(through)
        checkpoint = AuditCheckpoint.create(
            through_id=last.id, through_hash=last.hash, through_at=last.at, pruned=count
        )
        AuditEntry.delete().where(AuditEntry.id <= through).execute()
        record(
            PRUNED_ACTION,
            actor_id=actor_id,
            object_type="audit_checkpoint",
            object_id=checkpoint.id,
            detail=_checkpoint_detail(checkpoint),
        )
    return count


# --- the anchor: the newest entry, kept outside the database ------------------------------------
# The chain alone shows a changed or removed entry in its middle, not removed newest entries (nor a
# chain rewritten from some point on, since anyone can compute SHA-256). The nightly check writes the
# newest entry's id and hash to a file outside the database (the instance folder); the next check
# requires the trail still to hold that entry with that hash. What can go unnoticed is at most what
# was written since the last check.


def read_anchor(path: pathlib.Path) -> tuple[int, str] | None:
    try:
        entry_id, entry_hash = path.read_text().split()
        return int(entry_id), entry_hash
    except FileNotFoundError:
        return None
    except ValueError:
        return 0, "unreadable"  # a damaged anchor is reported, never ignored


def write_anchor(path: pathlib.Path) -> None:
    newest = AuditEntry.select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).first()
    if newest is None:
        return
    partial = path.with_name(path.name + ".new")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(f"{newest.id} {newest.hash}\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)


def verify_with_anchor(anchor_path: pathlib.Path, *, move_anchor: bool) -> ChainReport:
    """verify_chain, and the anchored entry still there unchanged (or pruned under a checkpoint that
    covers it). `move_anchor`: afterwards anchor the newest entry (the nightly check does; a manual
    check only reads)."""
    report = verify_chain()
    if not report.intact:
        return report
    anchor = read_anchor(anchor_path)
    if anchor is not None:
        anchor_id, anchor_hash = anchor
        kept = AuditEntry.select(AuditEntry.hash).where(AuditEntry.id == anchor_id).first()
        checkpoint = latest_checkpoint()
        if kept is not None:
            holds = kept.hash == anchor_hash
        elif checkpoint is not None and checkpoint.through_id >= anchor_id:  # pruned by retention
            holds = checkpoint.through_id > anchor_id or checkpoint.through_hash == anchor_hash
        else:
            holds = False  # removed: the newest entries are gone
        if not holds:
            return ChainReport(report.checked, anchor_id, "anchor")
    if move_anchor:
        write_anchor(anchor_path)
    return report
