"""What went, by retention (AVG): per object a Tombstone — which kind, which object, when and under
which setting and value — never what it held. Every module that removes data past its retention
writes here; it imports nothing of them (models.retention applies them all)."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import peewee

from models import settings
from models.base import BaseModel
from models.i18n import N_


class Kind(str, Enum):
    CLOSED_CASE = "closed_case"
    EVIDENCE = "evidence"
    DRAFT = "draft"
    AUDIT = "audit"
    REGISTER = "register"
    MEETING = "meeting"


KIND_LABELS = {
    Kind.CLOSED_CASE: N_("Afgesloten meldingen: persoonsgegevens verwijderd"),
    Kind.EVIDENCE: N_("Bewijsbestanden"),
    Kind.DRAFT: N_("Meldingen die nooit zijn verstuurd"),
    Kind.AUDIT: N_("Regels in het logboek"),
    Kind.REGISTER: N_("Vermeldingen in het register van veroorzakers"),
    Kind.MEETING: N_("Verstoorde vergaderingen: gegevens van verstoorders verwijderd"),
}

# The setting that decides each kind (shown with the dry run, stored in every tombstone).
KIND_SETTINGS = {
    Kind.CLOSED_CASE: "retention_closed_case_months",
    Kind.EVIDENCE: "retention_evidence_months",
    Kind.DRAFT: "retention_draft_days",
    Kind.AUDIT: "retention_audit_months",
    Kind.REGISTER: "register_retention_months",
    # A disrupted meeting's record is kept as long as the cases it filed: the same period.
    Kind.MEETING: "retention_closed_case_months",
}


class Tombstone(BaseModel):
    """What went: which kind of object, when, under which rule. Never what it held."""

    kind = peewee.CharField(max_length=16, index=True)
    object_type = peewee.CharField(max_length=32)
    object_id = peewee.CharField(max_length=64)  # an id; for the audit trail the range "first-last"
    rule = peewee.CharField(max_length=64)  # e.g. "retention_closed_case_months=24"
    done_at = peewee.DateTimeField(index=True)

    class Meta:
        indexes = ((("object_type", "object_id"), False),)


def rule(kind: Kind) -> str:
    key = KIND_SETTINGS[kind]
    return f"{key}={settings.get(key)}"


def record(kind: Kind, object_type: str, object_id, rule_text: str, now: dt.datetime) -> None:
    """Call it in the transaction that removes the object."""
    Tombstone.create(kind=kind.value, object_type=object_type, object_id=str(object_id), rule=rule_text, done_at=now)
