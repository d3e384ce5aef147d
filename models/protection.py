"""An acute, serious threat against a person (§6.4): a handler marks the case, the security officer
hears of it at once, and the protection measures the police propose are kept here — what, with whom,
since when and until when. The Chief Public Prosecutor decides on them (models.notices: checklist).

Protection measures are never told to the press (§7) and never go into an export, a letter or the
yearly report: at most their number (count_measures). They are stored encrypted."""

from __future__ import annotations

import datetime as dt

import peewee

from models import clock
from models.accounts import Role, User
from models.base import BaseModel
from models.cases import Case, CaseEvent, CaseKind, EventKind
from models.crypto import EncryptedTextField
from models.db import write_transaction
from models.i18n import N_


class AcuteThreat(BaseModel):
    """A handler's judgement that the case is an acute, serious threat; once per case."""

    case = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE", unique=True)
    marked_at = peewee.DateTimeField(default=clock.utcnow)
    marked_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")


class ProtectionMeasure(BaseModel):
    """A protection measure the police proposed (§6.4). Never in an export, a letter or a report."""

    case = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE")
    description = EncryptedTextField()  # what
    involved = EncryptedTextField()  # with whom: who carries it out or is part of it
    starts_on = peewee.DateField()
    ends_on = peewee.DateField(null=True)  # until further notice when empty
    recorded_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    recorded_at = peewee.DateTimeField(default=clock.utcnow)


class ProtectionRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def acute_threat(case: Case) -> AcuteThreat | None:
    return AcuteThreat.get_or_none(AcuteThreat.case == case.id)


def is_acute(case: Case) -> bool:
    return AcuteThreat.select().where(AcuteThreat.case == case.id).exists()


def mark_acute(case: Case, actor: User) -> tuple[AcuteThreat, bool]:
    """Mark the case an acute, serious threat; (the mark, whether it is new). Sent twice: stored once.
    The caller tells the security officer (security_officers) in the same transaction."""
    if case.kind != CaseKind.REPORT.value:
        raise ProtectionRefused(N_("Alleen een melding kan een acute, ernstige dreiging zijn, geen vraag om overleg."))
    with write_transaction():
        try:
            with write_transaction():  # a savepoint: the same mark sent at the same moment stores once
                mark = AcuteThreat.create(case=case, marked_by=actor)
        except peewee.IntegrityError:
            return AcuteThreat.get(AcuteThreat.case == case.id), False
        CaseEvent.create(
            case=case, actor=actor, kind=EventKind.NOTIFICATION.value, detail="acute_threat", not_for_press=True
        )
    return mark, True


def security_officers(case: Case) -> list[User]:
    """Who hears at once of an acute threat: the security officers who may see the case (the
    routing informs them of every incident, §6.1); nobody gets access by this."""
    from models.visibility import people_with_access

    return [person for person, _level in people_with_access(case) if person.role == Role.SECURITY_OFFICER.value]


def measures(case: Case) -> list[ProtectionMeasure]:
    return list(
        ProtectionMeasure.select()
        .where(ProtectionMeasure.case == case.id)
        .order_by(ProtectionMeasure.starts_on, ProtectionMeasure.id)
    )


def count_measures(case_ids=None) -> int:
    """How many protection measures: the most any report may say about them (§7)."""
    query = ProtectionMeasure.select()
    if case_ids is not None:
        query = query.where(ProtectionMeasure.case.in_(case_ids))
    return query.count()


def _check_period(starts_on: dt.date | None, ends_on: dt.date | None) -> None:
    if starts_on is None:
        raise ProtectionRefused(N_("Vul in sinds wanneer de maatregel geldt."))
    if ends_on is not None and ends_on < starts_on:
        raise ProtectionRefused(N_("De einddatum kan niet voor de begindatum liggen."))


def add_measure(
    case: Case,
    actor: User,
    *,
    description: str,
    involved: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None = None,
) -> ProtectionMeasure:
    """Record a protection measure the police proposed. Only for an acute, serious threat; the same
    measure sent twice (same what, with whom and period) is stored once."""
    description, involved = (description or "").strip(), (involved or "").strip()
    if not description:
        raise ProtectionRefused(N_("Beschrijf de beveiligingsmaatregel."))
    if not involved:
        raise ProtectionRefused(N_("Vul in met wie de maatregel is afgesproken of wie hem uitvoert."))
    _check_period(starts_on, ends_on)
    with write_transaction():
        if not is_acute(case):
            raise ProtectionRefused(
                N_("Beveiligingsmaatregelen horen bij een acute, ernstige dreiging. Markeer die eerst.")
            )
        for existing in measures(case):  # encrypted: compared here, not in SQL
            same = (existing.description, existing.involved, existing.starts_on, existing.ends_on)
            if same == (description, involved, starts_on, ends_on):
                return existing
        measure = ProtectionMeasure.create(
            case=case,
            description=description,
            involved=involved,
            starts_on=starts_on,
            ends_on=ends_on,
            recorded_by=actor,
        )
        CaseEvent.create(
            case=case,
            actor=actor,
            kind=EventKind.NOTIFICATION.value,
            detail=f"protection:{measure.id}",
            not_for_press=True,
        )
    return measure


def end_measure(measure: ProtectionMeasure, actor: User, ends_on: dt.date | None) -> None:
    """Record until when a protection measure runs (it may have started without an end)."""
    if ends_on is None:
        raise ProtectionRefused(N_("Vul de einddatum in."))
    _check_period(measure.starts_on, ends_on)
    with write_transaction():
        if ProtectionMeasure.get_by_id(measure.id).ends_on == ends_on:
            return  # sent twice: stored once
        measure.ends_on = ends_on
        measure.save(only=[ProtectionMeasure.ends_on])
        CaseEvent.create(
            case=measure.case_id,
            actor=actor,
            kind=EventKind.NOTIFICATION.value,
            detail=f"protection_end:{measure.id}",
            not_for_press=True,
        )
