"""The yearly evaluation of §4.1, next to the yearly report: once a year the experiences and dilemmas
of the approach are discussed from the yearly report and the cases, the protocol is evaluated to learn
from it, and — where relevant — the clerk's office and the organisation are invited to make
agreements for the future. Once a year there is also an informal meeting, with its own status and no
political agenda, about the impact of aggression on the person: the portal keeps only its date (no
minutes: what is said there stays there).

Both dates go through the one deadline engine (models.deadlines): the producers of the yearly report
are reminded once, a week ahead, with no content in the mail."""

from __future__ import annotations

import datetime as dt

import peewee

from models import clock, deadlines
from models.accounts import Role, User
from models.base import BaseModel
from models.crypto import EncryptedTextField
from models.db import write_transaction
from models.deadlines import DeadlineKind
from models.i18n import N_

# Who plans and records the evaluation: the people who produce the yearly report it starts from.
EVALUATORS = (Role.MAYOR, Role.MUNICIPAL_SECRETARY, Role.CLERK, Role.DEPUTY_CLERK)
REMIND_DAYS_BEFORE = 7
FIRST_YEAR = 2000
TEXT_LIMIT = 20_000  # characters of lessons or agreements: pages of text, not a book


class YearlyEvaluation(BaseModel):
    year = peewee.IntegerField(unique=True)
    planned_on = peewee.DateField(null=True)  # the evaluation meeting
    held_on = peewee.DateField(null=True)
    lessons = EncryptedTextField(null=True)  # what was learnt about (the working of) the protocol
    agreements = EncryptedTextField(null=True)  # agreements with the clerk's office and the organisation
    organisation_invited = peewee.BooleanField(default=False)
    informal_meeting_on = peewee.DateField(null=True)  # date only: the informal meeting has no minutes here
    updated_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    updated_at = peewee.DateTimeField(null=True)


def _today() -> dt.date:
    return clock.to_local(clock.utcnow()).date()


class EvaluationRefused(Exception):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message, self.field = message, field


def may_evaluate(user: User) -> bool:
    return bool(user.is_active and user.role in {role.value for role in EVALUATORS})


def for_year(year: int) -> YearlyEvaluation | None:
    return YearlyEvaluation.get_or_none(YearlyEvaluation.year == year)


def listed() -> list[YearlyEvaluation]:
    return list(YearlyEvaluation.select().order_by(YearlyEvaluation.year.desc()))


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= _today().year + 1:
        raise EvaluationRefused(N_("Kies een jaar tussen 2000 en volgend jaar."), "year")


def _check_date(value: dt.date | None, field: str) -> None:
    if value is not None and not FIRST_YEAR <= value.year <= _today().year + 2:
        raise EvaluationRefused(N_("Deze datum ligt te ver in het verleden of de toekomst."), field)


def _open_deadline(kind: DeadlineKind, evaluation: YearlyEvaluation):
    return (
        deadlines.Deadline.select()
        .where(
            deadlines.Deadline.case.is_null()
            & (deadlines.Deadline.kind == kind.value)
            & (deadlines.Deadline.object_id == evaluation.id)
            & deadlines.Deadline.done_at.is_null()
        )
        .first()
    )


def _plan(kind: DeadlineKind, evaluation: YearlyEvaluation, on: dt.date | None, done: bool) -> None:
    """One open deadline per date: moved when the date moves, closed when it is done or cleared."""
    open_one = _open_deadline(kind, evaluation)
    if open_one is not None:
        if on is not None and not done and open_one.due_at.date() == on:
            return
        deadlines.Deadline.update(done_at=clock.utcnow()).where(deadlines.Deadline.id == open_one.id).execute()
    if on is None or done:
        return
    due = dt.datetime.combine(on, dt.time(9, 0))
    deadlines.schedule(
        None,
        kind,
        due_at=due,
        remind_at=due - dt.timedelta(days=REMIND_DAYS_BEFORE),
        remind_roles=EVALUATORS,
        object_id=evaluation.id,
    )


def save(
    year: int,
    *,
    by: User,
    planned_on: dt.date | None = None,
    held_on: dt.date | None = None,
    lessons: str = "",
    agreements: str = "",
    organisation_invited: bool = False,
    informal_meeting_on: dt.date | None = None,
) -> YearlyEvaluation:
    """Plan or record the year's evaluation (one per year: saving again changes the same one)."""
    if not may_evaluate(by):
        raise EvaluationRefused(
            N_("Alleen de burgemeester, de gemeentesecretaris en de griffie leggen de evaluatie vast."), "year"
        )
    _check_year(year)
    for value, field in (
        (planned_on, "planned_on"),
        (held_on, "held_on"),
        (informal_meeting_on, "informal_meeting_on"),
    ):
        _check_date(value, field)
    if held_on is not None and held_on > _today():
        raise EvaluationRefused(
            N_("De evaluatie kan niet in de toekomst gehouden zijn. Vul dan 'Gepland op' in."), "held_on"
        )
    lessons, agreements = (lessons or "").strip(), (agreements or "").strip()
    for text, field in ((lessons, "lessons"), (agreements, "agreements")):
        if len(text) > TEXT_LIMIT:
            raise EvaluationRefused(N_("Deze tekst is te lang. Houd het korter dan 20.000 tekens."), field)
    with write_transaction():
        evaluation = for_year(year) or YearlyEvaluation(year=year)
        evaluation.planned_on = planned_on
        evaluation.held_on = held_on
        evaluation.lessons = lessons or None
        evaluation.agreements = agreements or None
        evaluation.organisation_invited = bool(organisation_invited)
        evaluation.informal_meeting_on = informal_meeting_on
        evaluation.updated_by = by
        evaluation.updated_at = clock.utcnow()
        evaluation.save()
        _plan(DeadlineKind.YEARLY_EVALUATION, evaluation, planned_on or held_on, done=held_on is not None)
        informal_past = informal_meeting_on is not None and informal_meeting_on < _today()
        _plan(DeadlineKind.INFORMAL_MEETING, evaluation, informal_meeting_on, done=informal_past)
    return evaluation
