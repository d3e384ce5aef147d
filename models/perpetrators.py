"""The perpetrator register (§6.2): cases linked to one perpetrator, so a handler sees whether
this is a first or a repeated incident — also against municipal employees.

Identities are stored encrypted; matching uses a keyed blind index (HMAC of the normalised name
and date of birth), never plaintext. Entries expire after a retention period unless renewed."""

from __future__ import annotations

import datetime as dt
import unicodedata

import peewee

from models import audit, clock, crypto, settings, tombstones
from models.accounts import User
from models.base import BaseModel
from models.cases import Case, CaseEvent, EventKind
from models.crypto import EncryptedTextField
from models.db import write_transaction
from models.holds import held_case_ids


def normalise_name(name: str) -> str:
    """Case, spaces and accents do not make another person: 'Jan  de Vries' == 'jan devries'."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(letters.casefold().split())


def identity_index(name: str, birth_date: str | None) -> str | None:
    normalised = normalise_name(name)
    if not normalised:
        return None
    return crypto.blind_index(normalised, (birth_date or "").strip(), purpose="perpetrator")


def name_index(name: str) -> str | None:
    normalised = normalise_name(name)
    return crypto.blind_index(normalised, purpose="perpetrator-name") if normalised else None


class Perpetrator(BaseModel):
    name = EncryptedTextField(null=True)
    birth_date = EncryptedTextField(null=True)
    address = EncryptedTextField(null=True)
    description = EncryptedTextField(null=True)
    identity_index = peewee.CharField(max_length=64, null=True, index=True)
    name_index = peewee.CharField(max_length=64, null=True, index=True)
    created_at = peewee.DateTimeField(default=clock.utcnow)
    retain_until = peewee.DateTimeField(index=True)
    renewed_reason = EncryptedTextField(null=True)
    expired_at = peewee.DateTimeField(null=True)


class CasePerpetrator(BaseModel):
    case = peewee.ForeignKeyField(Case, backref="perpetrator_links", on_delete="CASCADE")
    perpetrator = peewee.ForeignKeyField(Perpetrator, backref="case_links", on_delete="CASCADE")
    linked_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    linked_at = peewee.DateTimeField(default=clock.utcnow)

    class Meta:
        indexes = ((("case", "perpetrator"), True),)


class EmployeeIncident(BaseModel):
    """An incident against a municipal employee by the same person: only what is needed."""

    perpetrator = peewee.ForeignKeyField(Perpetrator, backref="employee_incidents", on_delete="CASCADE")
    occurred_on = peewee.DateField()
    behaviour_class = peewee.CharField(max_length=24)
    summary = EncryptedTextField()
    recorded_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    recorded_at = peewee.DateTimeField(default=clock.utcnow)


def _retention_from(moment: dt.datetime) -> dt.datetime:
    return clock.add_months(moment, settings.get("register_retention_months"))


def find_matches(name: str, birth_date: str | None) -> list[Perpetrator]:
    """Live entries with the same identity; without a date of birth, the same name."""
    live = Perpetrator.select().where(Perpetrator.expired_at.is_null())
    if birth_date:
        return list(live.where(Perpetrator.identity_index == identity_index(name, birth_date)))
    return list(live.where(Perpetrator.name_index == name_index(name)))


def link_case(
    case: Case,
    *,
    name: str,
    birth_date: str | None = None,
    address: str | None = None,
    description: str | None = None,
    actor: User | None = None,
) -> Perpetrator:
    """Link a case to the perpetrator with this identity, creating the entry when it is new."""
    with write_transaction():
        matches = find_matches(name, birth_date)
        if matches:
            perpetrator = matches[0]
            for field, value in (("address", address), ("description", description), ("birth_date", birth_date)):
                if value and not getattr(perpetrator, field):
                    setattr(perpetrator, field, value)
        else:
            perpetrator = Perpetrator(
                name=name.strip(),
                birth_date=birth_date or None,
                address=address or None,
                description=description or None,
            )
        perpetrator.identity_index = identity_index(perpetrator.name, perpetrator.birth_date)
        perpetrator.name_index = name_index(perpetrator.name)
        perpetrator.retain_until = max(perpetrator.retain_until or clock.utcnow(), _retention_from(clock.utcnow()))
        perpetrator.save()
        already = CasePerpetrator.get_or_none(
            (CasePerpetrator.case == case.id) & (CasePerpetrator.perpetrator == perpetrator.id)
        )
        if already is None:
            CasePerpetrator.create(case=case, perpetrator=perpetrator, linked_by=actor)
            CaseEvent.create(case=case, actor=actor, kind=EventKind.PERPETRATOR.value, detail=str(perpetrator.id))
    return perpetrator


def linked_perpetrators(case: Case) -> list[Perpetrator]:
    return list(
        Perpetrator.select().join(CasePerpetrator).where(CasePerpetrator.case == case.id).order_by(CasePerpetrator.id)
    )


def other_cases(perpetrator: Perpetrator, exclude_case_id: int) -> list[Case]:
    return list(
        Case.select()
        .join(CasePerpetrator)
        .where((CasePerpetrator.perpetrator == perpetrator.id) & (Case.id != exclude_case_id))
        .order_by(Case.created_at)
    )


def incident_history(perpetrator: Perpetrator, case: Case) -> dict:
    """First or repeated (§6.2): counts every earlier incident — cases against office holders and
    incidents against employees — whether or not the viewer may open them."""
    earlier_cases = [c for c in other_cases(perpetrator, case.id) if c.created_at <= case.created_at]
    employee = list(perpetrator.employee_incidents)
    total = len(earlier_cases) + len(employee)
    return {"repeated": total > 0, "earlier_cases": earlier_cases, "employee_incidents": employee, "total": total}


def record_employee_incident(
    perpetrator: Perpetrator, occurred_on: dt.date, behaviour_class: str, summary: str, actor: User
) -> EmployeeIncident:
    with write_transaction():
        incident = EmployeeIncident.create(
            perpetrator=perpetrator,
            occurred_on=occurred_on,
            behaviour_class=behaviour_class,
            summary=summary,
            recorded_by=actor,
        )
        perpetrator.retain_until = max(perpetrator.retain_until, _retention_from(clock.utcnow()))
        perpetrator.save(only=[Perpetrator.retain_until])
    return incident


def renew(perpetrator: Perpetrator, reason: str) -> None:
    perpetrator.retain_until = _retention_from(clock.utcnow())
    perpetrator.renewed_reason = reason
    perpetrator.save(only=[Perpetrator.retain_until, Perpetrator.renewed_reason])


def due_for_expiry(now: dt.datetime) -> peewee.ModelSelect:
    """Live entries past their retention — except those linked to a case under legal hold."""
    held = CasePerpetrator.select(CasePerpetrator.perpetrator).where(CasePerpetrator.case.in_(held_case_ids()))
    return (
        Perpetrator.select()
        .where(Perpetrator.expired_at.is_null() & (Perpetrator.retain_until < now) & Perpetrator.id.not_in(held))
        .order_by(Perpetrator.id)
    )


def expire_due(now: dt.datetime, actor_id: int | None = None, ip: str | None = None) -> list[int]:
    """Entries past their retention lose their identity (periodic job). The links to cases and the
    dates and classes of employee incidents stay, anonymous: 'first or repeated' in past yearly
    reports keeps adding up. Each entry with its tombstone and audit entry in one transaction."""
    register_rule = tombstones.rule(tombstones.Kind.REGISTER)
    expired = []
    for perpetrator_id in [row.id for row in due_for_expiry(now).select(Perpetrator.id)]:
        with write_transaction():
            # Checked again inside the transaction: it may have been renewed, or a linked case held.
            if not due_for_expiry(now).where(Perpetrator.id == perpetrator_id).exists():
                continue
            Perpetrator.update(
                name=None,
                birth_date=None,
                address=None,
                description=None,
                identity_index=None,
                name_index=None,
                renewed_reason=None,
                expired_at=now,
            ).where(Perpetrator.id == perpetrator_id).execute()
            EmployeeIncident.update(summary="").where(EmployeeIncident.perpetrator == perpetrator_id).execute()
            tombstones.record(tombstones.Kind.REGISTER, "perpetrator", perpetrator_id, register_rule, now)
            audit.record(
                "perpetrator_expired",
                actor_id=actor_id,
                object_type="perpetrator",
                object_id=perpetrator_id,
                ip=ip,
                detail=register_rule,
            )
        expired.append(perpetrator_id)
    return expired
