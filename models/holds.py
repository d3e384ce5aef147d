"""Legal hold: a case that must be kept, for example while a prosecution runs. Retention skips a
held case entirely (models.retention), and the register keeps the entries linked to it
(models.perpetrators.due_for_expiry)."""

from __future__ import annotations

import peewee

from models import clock
from models.accounts import User
from models.base import BaseModel
from models.cases import Case
from models.crypto import EncryptedTextField
from models.db import write_transaction
from models.i18n import N_


class LegalHold(BaseModel):
    """A case that must be kept, for example while a prosecution runs. Lifting keeps the row."""

    case = peewee.ForeignKeyField(Case, backref="legal_holds", on_delete="CASCADE")
    reason = EncryptedTextField(null=True)  # cleared when the case is anonymised
    placed_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    placed_at = peewee.DateTimeField(default=clock.utcnow)
    lifted_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    lifted_at = peewee.DateTimeField(null=True, index=True)
    lift_reason = EncryptedTextField(null=True)


class HoldRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def active_hold(case_id: int) -> LegalHold | None:
    return LegalHold.select().where((LegalHold.case == case_id) & LegalHold.lifted_at.is_null()).first()


def held_case_ids():
    return LegalHold.select(LegalHold.case).where(LegalHold.lifted_at.is_null())


def place_hold(case: Case, reason: str, actor: User) -> LegalHold:
    if not (reason or "").strip():
        raise HoldRefused(N_("Schrijf op waarom deze melding bewaard moet blijven."))
    with write_transaction():
        if active_hold(case.id) is not None:
            raise HoldRefused(N_("Deze melding wordt al bewaard."))
        return LegalHold.create(case=case, reason=reason.strip(), placed_by=actor, placed_at=clock.utcnow())


def lift_hold(case: Case, reason: str, actor: User) -> LegalHold:
    if not (reason or "").strip():
        raise HoldRefused(N_("Schrijf op waarom de melding niet langer bewaard hoeft te blijven."))
    with write_transaction():
        hold = active_hold(case.id)
        if hold is None:
            raise HoldRefused(N_("Deze melding wordt niet bewaard."))
        hold.lifted_by = actor
        hold.lifted_at = clock.utcnow()
        hold.lift_reason = reason.strip()
        hold.save(only=[LegalHold.lifted_by, LegalHold.lifted_at, LegalHold.lift_reason])
        return hold
