"""Prevention (§4.1): the council term with its briefing, the trainings offered per term, and the new
council read in one go from the municipality's records (a CSV). Plain rules; no Flask."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from enum import Enum

import peewee
from email_validator import EmailNotValidError, validate_email

from models import clock, deadlines
from models.accounts import OFFICE_HOLDER_ROLES, ROLE_LABELS, Role, User, change_role, invite, normalise_email
from models.base import BaseModel
from models.db import write_transaction
from models.deadlines import DeadlineKind
from models.i18n import N_

BRIEFING_WITHIN_DAYS = 56  # the briefing is due eight weeks after the term starts
BRIEFING_REMIND_DAYS = 14  # the clerk is reminded two weeks before
BRIEFING_TOPICS = (
    N_("Veilig en integer werken"),
    N_("De gemeentelijke norm"),
    N_("Dit protocol"),
    N_("Tips voor thuis en online"),
    N_("Beveiligingsscan van uw woning"),
    N_("De gevolgen van agressie"),
)


class SessionKind(str, Enum):
    BRIEFING = "briefing"
    DEESCALATION = "deescalation"
    KEEPING_CALM = "keeping_calm"
    OWN_BOUNDARY = "own_boundary"


SESSION_LABELS = {
    SessionKind.BRIEFING: N_("Voorlichting"),
    SessionKind.DEESCALATION: N_("Training de-escaleren"),
    SessionKind.KEEPING_CALM: N_("Training rustig blijven"),
    SessionKind.OWN_BOUNDARY: N_("Training uw eigen grens"),
}
TRAINING_KINDS = (SessionKind.DEESCALATION, SessionKind.KEEPING_CALM, SessionKind.OWN_BOUNDARY)


class CouncilTerm(BaseModel):
    starts_on = peewee.DateField()
    ends_on = peewee.DateField()
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=clock.utcnow)


class PreventionSession(BaseModel):
    """A briefing or a training held in a term, with who took part (SessionAttendance)."""

    term = peewee.ForeignKeyField(CouncilTerm, backref="sessions", on_delete="CASCADE")
    kind = peewee.CharField(max_length=32)
    held_on = peewee.DateField()
    recorded_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    recorded_at = peewee.DateTimeField(default=clock.utcnow)
    token = peewee.CharField(max_length=32, null=True, unique=True)  # the form sent twice stores one session


class SessionAttendance(BaseModel):
    session = peewee.ForeignKeyField(PreventionSession, backref="attendance", on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, on_delete="CASCADE")

    class Meta:
        indexes = ((("session", "user"), True),)


class BriefingInvitation(BaseModel):
    """An office holder who attended none of the term's briefings, invited to the next one (§4.1):
    when it is, who invited and when the invitation was mailed. Once per person per briefing date."""

    term = peewee.ForeignKeyField(CouncilTerm, backref="invitations", on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    briefing_at = peewee.DateTimeField()  # UTC
    invited_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    invited_at = peewee.DateTimeField(default=clock.utcnow)

    class Meta:
        indexes = ((("term", "user", "briefing_at"), True),)


class GroupMembership(BaseModel):
    """The party group (fractie) an office holder belongs to, as the municipality's records say."""

    user = peewee.ForeignKeyField(User, unique=True, on_delete="CASCADE")
    party_group = peewee.CharField(max_length=200)


class TermOverlaps(Exception):
    message = N_("Deze raadsperiode overlapt met een periode die er al is.")


class BadPeriod(Exception):
    message = N_("De einddatum moet na de begindatum liggen.")


def office_holders() -> peewee.ModelSelect:
    """Who the briefing and the trainings are for: the current office holders."""
    roles = sorted(r.value for r in OFFICE_HOLDER_ROLES)
    return (
        User.select()
        .where(User.role.in_(roles) & (User.is_former == False) & (User.is_active == True))
        .order_by(User.name)
    )  # noqa: E712


def start_term(starts_on: dt.date, ends_on: dt.date, by: User) -> CouncilTerm:
    """A new term, with the briefing of §4.1 planned in the deadline engine (the clerk is reminded once)."""
    if ends_on <= starts_on:
        raise BadPeriod()
    with write_transaction():
        overlap = CouncilTerm.select().where((CouncilTerm.starts_on <= ends_on) & (CouncilTerm.ends_on >= starts_on))
        if overlap.exists():
            raise TermOverlaps()
        term = CouncilTerm.create(starts_on=starts_on, ends_on=ends_on, created_by=by)
        start = dt.datetime.combine(starts_on, dt.time(9, 0))
        due = start + dt.timedelta(days=BRIEFING_WITHIN_DAYS)
        deadlines.schedule(
            None,
            DeadlineKind.TERM_BRIEFING,
            due_at=due,
            remind_at=due - dt.timedelta(days=BRIEFING_REMIND_DAYS),
            remind_roles=(Role.CLERK, Role.DEPUTY_CLERK),
            object_id=term.id,
        )
    return term


def briefing_deadline(term: CouncilTerm):
    return (
        deadlines.Deadline.select()
        .where(
            deadlines.Deadline.case.is_null()
            & (deadlines.Deadline.kind == DeadlineKind.TERM_BRIEFING.value)
            & (deadlines.Deadline.object_id == term.id)
        )
        .first()
    )


def record_session(
    term: CouncilTerm, kind: SessionKind, held_on: dt.date, attendee_ids, by: User, *, token: str | None = None
) -> PreventionSession:
    """A briefing or training held, with who took part (office holders only). A briefing held
    completes the term's briefing deadline. The same form sent twice (`token`) stores one session."""
    allowed = {u.id for u in office_holders()}
    with write_transaction():
        if token and (existing := PreventionSession.get_or_none(PreventionSession.token == token)) is not None:
            return existing
        session = PreventionSession.create(term=term, kind=kind.value, held_on=held_on, recorded_by=by, token=token)
        for user_id in sorted(set(attendee_ids) & allowed):
            SessionAttendance.create(session=session, user=user_id)
        if kind == SessionKind.BRIEFING:
            deadlines.Deadline.update(done_at=clock.utcnow()).where(
                deadlines.Deadline.case.is_null()
                & (deadlines.Deadline.kind == DeadlineKind.TERM_BRIEFING.value)
                & (deadlines.Deadline.object_id == term.id)
                & deadlines.Deadline.done_at.is_null()
            ).execute()
    return session


def sessions(term: CouncilTerm) -> list[PreventionSession]:
    return list(term.sessions.order_by(PreventionSession.held_on, PreventionSession.id))


def attendees(session: PreventionSession) -> list[User]:
    return list(User.select().join(SessionAttendance).where(SessionAttendance.session == session).order_by(User.name))


def not_at_a_briefing(term: CouncilTerm) -> list[User]:
    """Office holders who attended none of this term's briefings: they are invited to the next one."""
    attended = (
        SessionAttendance.select(SessionAttendance.user)
        .join(PreventionSession)
        .where((PreventionSession.term == term) & (PreventionSession.kind == SessionKind.BRIEFING.value))
    )
    return list(office_holders().where(User.id.not_in(attended)))


class BriefingInPast(Exception):
    message = N_("De volgende voorlichting moet in de toekomst liggen.")


def invite_to_next_briefing(term: CouncilTerm, briefing_at: dt.datetime, by: User) -> list[User]:
    """Invite everyone who attended none of this term's briefings to the next one, at `briefing_at`
    (UTC). Who was invited to this briefing already is not invited again. Returns who is invited now:
    the caller mails them in the same transaction (a date and a link, nothing else)."""
    if briefing_at <= clock.utcnow():
        raise BriefingInPast()
    invited = []
    with write_transaction():
        already = {
            row.user_id
            for row in BriefingInvitation.select(BriefingInvitation.user).where(
                (BriefingInvitation.term == term) & (BriefingInvitation.briefing_at == briefing_at)
            )
        }
        for user in not_at_a_briefing(term):
            if user.id in already:
                continue
            BriefingInvitation.create(term=term, user=user, briefing_at=briefing_at, invited_by=by)
            invited.append(user)
    return invited


def invitations(term: CouncilTerm) -> list[BriefingInvitation]:
    """The invitations to a next briefing, latest briefing first, with who was invited."""
    return list(
        BriefingInvitation.select(BriefingInvitation, User)
        .join(User, on=(BriefingInvitation.user == User.id))
        .where(BriefingInvitation.term == term)
        .order_by(BriefingInvitation.briefing_at.desc(), User.name)
    )


def trainings_per_term() -> list[tuple[CouncilTerm, list[tuple[PreventionSession, list[User]]]]]:
    """Every term, latest first, with its trainings (not the briefings) and who took part in each."""
    out = []
    for term in CouncilTerm.select().order_by(CouncilTerm.starts_on.desc()):
        held = [s for s in sessions(term) if s.kind != SessionKind.BRIEFING.value]
        out.append((term, [(s, attendees(s)) for s in held]))
    return out


# --- a new council in one go ------------------------------------------------------------------


class Outcome(str, Enum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    LEAVING = "leaving"
    REFUSED = "refused"


OUTCOME_LABELS = {
    Outcome.NEW: N_("Nieuw"),
    Outcome.CHANGED: N_("Gewijzigd"),
    Outcome.UNCHANGED: N_("Ongewijzigd"),
    Outcome.LEAVING: N_("Vertrekt (wordt oud-ambtsdrager)"),
    Outcome.REFUSED: N_("Geweigerd"),
}

COUNCIL_ROLES = (Role.COUNCIL_MEMBER, Role.GROUP_MEMBER, Role.ALDERMAN, Role.MAYOR)


@dataclass
class Row:
    line: int | None  # line in the file; None for someone who is not in it (leaving)
    name: str
    email: str
    role: Role | None
    party_group: str
    outcome: Outcome
    reason: str = ""  # N_ msgid, for a refused row
    user_id: int | None = None


def _role(value: str) -> Role | None:
    wanted = value.strip().lower()
    for role in COUNCIL_ROLES:
        if wanted in (role.value, ROLE_LABELS[role].lower()):
            return role
    return None


def _groups() -> dict[int, str]:
    return {m.user_id: m.party_group for m in GroupMembership.select()}


def plan_council(text: str) -> list[Row]:
    """Every row's outcome, without changing anything: what confirming would do."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";" if text.count(";") > text.count(",") else ",")
    existing = {u.email: u for u in User.select()}
    groups = _groups()
    rows: list[Row] = []
    seen: set[str] = set()
    for line, fields in enumerate(reader, start=1):
        if not any(f.strip() for f in fields):
            continue
        if line == 1 and fields and fields[0].strip().lower() in ("naam", "name"):
            continue  # the header
        fields = [f.strip() for f in fields] + [""] * 4
        name, email, role_text, group = fields[:4]
        role = _role(role_text)
        row = Row(line, name, email, role, group, Outcome.NEW)
        try:
            email = row.email = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            row.outcome, row.reason = Outcome.REFUSED, N_("Dit is geen geldig e-mailadres.")
        if row.outcome != Outcome.REFUSED:
            if not name:
                row.outcome, row.reason = Outcome.REFUSED, N_("De naam ontbreekt.")
            elif role is None:
                row.outcome, row.reason = Outcome.REFUSED, N_("Deze rol kent het portaal niet.")
            elif email in seen:
                row.outcome, row.reason = Outcome.REFUSED, N_("Dit e-mailadres staat twee keer in het bestand.")
            elif email in existing and not existing[email].is_office_holder:
                row.outcome, row.reason = (
                    Outcome.REFUSED,
                    N_("Dit e-mailadres hoort bij een medewerker, niet bij een ambtsdrager."),
                )
            elif email in existing:
                user = existing[email]
                row.user_id = user.id
                same = (
                    user.name == name
                    and user.role == role.value
                    and not user.is_former
                    and groups.get(user.id, "") == group
                )
                row.outcome = Outcome.UNCHANGED if same else Outcome.CHANGED
        seen.add(normalise_email(row.email))
        rows.append(row)
    for user in office_holders():
        if user.email not in seen:
            rows.append(
                Row(
                    None,
                    user.name,
                    user.email,
                    user.role_enum,
                    groups.get(user.id, ""),
                    Outcome.LEAVING,
                    user_id=user.id,
                )
            )
    return rows


class CouncilRefused(Exception):
    message = N_(
        "Het bestand heeft rijen die niet kloppen. Er is niets veranderd. Verbeter het bestand en probeer het opnieuw."
    )


def apply_council(text: str) -> tuple[list[Row], list[tuple[User, str]]]:
    """Confirm a new council: everything of the plan in one transaction, or nothing. Returns the plan
    and the new accounts with their activation tokens (the caller mails the links in the same transaction)."""
    invited: list[tuple[User, str]] = []
    with write_transaction():
        rows = plan_council(text)
        if any(row.outcome == Outcome.REFUSED for row in rows):
            raise CouncilRefused()
        for row in rows:
            if row.outcome == Outcome.NEW:
                user, token = invite(row.email, row.name, row.role)
                invited.append((user, token))
                row.user_id = user.id
            elif row.outcome == Outcome.CHANGED:
                change_role(User.get_by_id(row.user_id), row.role, is_former=False)  # ends sessions on a new role
                User.update(name=row.name).where(User.id == row.user_id).execute()
            elif row.outcome == Outcome.LEAVING:
                User.update(is_former=True).where(User.id == row.user_id).execute()  # their cases stay
            if row.outcome in (Outcome.NEW, Outcome.CHANGED):
                GroupMembership.delete().where(GroupMembership.user == row.user_id).execute()
                if row.party_group:
                    GroupMembership.create(user=row.user_id, party_group=row.party_group)
    return rows, invited
