"""Aftercare (§6.3): always offered. Three internal conversations — within 24 hours, within three
days, after four to six weeks — held by the mayor with the municipal secretary (aldermen and the
mayor) or with the clerk (council and group members); referrals to outside help."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

import peewee

from models import clock, consent, damages, deadlines, settings
from models.accounts import Role, User
from models.base import BaseModel
from models.cases import Case, CaseEvent, EventKind, NotAllowed
from models.crypto import EncryptedTextField
from models.damages import LedgerEntry
from models.db import select_written_once, write_transaction
from models.i18n import N_


@dataclass(frozen=True)
class ConversationDue:
    number: int
    due_from: dt.datetime  # UTC
    due_at: dt.datetime  # UTC
    as_soon_as_possible: bool = False  # its time had passed when the municipality learned of the incident


def aftercare_due_dates(registered_at: dt.datetime, occurred_at: dt.datetime | None = None) -> list[ConversationDue]:
    """When the three conversations are due (§6.3): counted from the incident (`occurred_at`, UTC),
    or from registration when the moment of the incident is unknown or lies after it.

    The municipality may learn of an incident late. A conversation whose time had already passed at
    registration is due as soon as possible: it counts from registration, with the time the
    protocol gives it (the first within 24 hours, the second within three days, the third within
    the two weeks from four to six weeks). A conversation still to come keeps its time from the
    incident, and is never due before registration.

    Hours are real hours; days and weeks are calendar days on the municipality's clock (so a
    conversation 'within three days' of 23:30 is due at 23:30 three days later, also across a
    change to or from summer time)."""

    def days_later(moment: dt.datetime, days: int) -> dt.datetime:
        wall = clock.to_local(moment).replace(tzinfo=None) + dt.timedelta(days=days)
        return clock.to_utc(wall)

    first_hours = dt.timedelta(hours=settings.get("aftercare_first_hours"))
    second_days = settings.get("aftercare_second_days")
    third_from, third_until = settings.get("aftercare_third_from_weeks"), settings.get("aftercare_third_until_weeks")
    incident = min(occurred_at or registered_at, registered_at)
    from_incident = [
        (incident, incident + first_hours),
        (incident, days_later(incident, second_days)),
        (days_later(incident, 7 * third_from), days_later(incident, 7 * third_until)),
    ]
    from_registration = [
        registered_at + first_hours,
        days_later(registered_at, second_days),
        days_later(registered_at, 7 * (third_until - third_from)),
    ]
    dues = []
    for number, ((due_from, due_at), late_due_at) in enumerate(zip(from_incident, from_registration, strict=True), 1):
        if due_at > registered_at:
            dues.append(ConversationDue(number, max(due_from, registered_at), due_at))
        else:
            dues.append(ConversationDue(number, registered_at, late_due_at, as_soon_as_possible=True))
    return dues


def aftercare_holders(reporter_role: str) -> frozenset[Role]:
    """Who holds the conversations (§6.3). Nobody holds their own: the mayor as victim is supported
    by the municipal secretary (and the visibility rule keeps the mayor out of the handling side)."""
    if reporter_role in (Role.ALDERMAN.value, Role.MAYOR.value):
        return frozenset({Role.MAYOR, Role.MUNICIPAL_SECRETARY})
    return frozenset({Role.MAYOR, Role.CLERK})


class Outcome(str, Enum):
    PLANNED = "planned"
    HELD = "held"
    DECLINED = "declined"
    POSTPONED = "postponed"


OUTCOME_LABELS = {
    Outcome.PLANNED: N_("Gepland"),
    Outcome.HELD: N_("Gevoerd"),
    Outcome.DECLINED: N_("Afgeslagen door de ambtsdrager"),
    Outcome.POSTPONED: N_("Uitgesteld"),
}


class Timeliness(str, Enum):
    ON_TIME = "on_time"
    LATE = "late"


def held_late(held_at, due_at):
    """§6.3: a conversation held after its due time is late; held by it, on time. The one rule, for
    values (one conversation) and for columns (a query condition, as the yearly report counts)."""
    return held_at > due_at


class Conversation(BaseModel):
    case = peewee.ForeignKeyField(Case, backref="conversations", on_delete="CASCADE")
    number = peewee.IntegerField()
    due_from = peewee.DateTimeField()
    due_at = peewee.DateTimeField()
    holder_roles = peewee.CharField(max_length=100)
    as_soon_as_possible = peewee.BooleanField(default=False)  # see aftercare_due_dates
    outcome = peewee.CharField(max_length=16, default=Outcome.PLANNED.value)
    planned_at = peewee.DateTimeField(null=True)
    held_at = peewee.DateTimeField(null=True)
    notes = EncryptedTextField(null=True)  # confidential: only for those who hold it
    updated_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    updated_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = (
            (("case", "number"), True),
            (("case", "outcome", "held_at", "due_at"), False),
        )  # the yearly report, index only (0007)

    @property
    def holders(self) -> set[str]:
        return set(self.holder_roles.split(","))

    @property
    def on_time(self) -> bool | None:
        if self.outcome != Outcome.HELD.value or self.held_at is None:
            return None
        return not held_late(self.held_at, self.due_at)


def timeliness(conversation: Conversation, now: dt.datetime) -> Timeliness | None:
    """On time or late for a held conversation; late too for one still open (planned, postponed) after
    its due time — held now, it would be late. A declined one is neither."""
    if conversation.outcome == Outcome.HELD.value:
        return Timeliness.ON_TIME if conversation.on_time else Timeliness.LATE
    still_open = conversation.outcome in (Outcome.PLANNED.value, Outcome.POSTPONED.value)
    if still_open and held_late(now, conversation.due_at):
        return Timeliness.LATE
    return None


def schedule_conversations(case: Case) -> list[Conversation]:
    """Plan the three conversations when a case is registered as a report (filed, or a consultation
    converted now), counted from the incident, each with its reminder and, when it is overdue, an
    escalation to the municipal secretary."""
    holders = aftercare_holders(case.reporter_role)
    remind_before = dt.timedelta(hours=settings.get("aftercare_remind_hours"))
    converted = CaseEvent.select().where((CaseEvent.case == case.id) & (CaseEvent.kind == EventKind.CONVERTED.value))
    registered_at = max(case.created_at, clock.utcnow()) if converted.exists() else case.created_at  # a report now
    planned = []
    with write_transaction():
        for due in aftercare_due_dates(registered_at, case.occurred_at):
            conversation = Conversation.create(
                case=case,
                number=due.number,
                due_from=due.due_from,
                due_at=due.due_at,
                as_soon_as_possible=due.as_soon_as_possible,
                holder_roles=",".join(sorted(r.value for r in holders)),
            )
            deadlines.schedule(
                case,
                deadlines.DeadlineKind(f"aftercare_{due.number}"),
                due.due_at,
                max(due.due_at - remind_before, due.due_from),
                holders,
                escalate_at=due.due_at,
                escalate_roles={Role.MUNICIPAL_SECRETARY, Role.MAYOR},
                object_id=conversation.id,
            )
            planned.append(conversation)
    return planned


def may_read_notes(user: User, conversation: Conversation, access_level) -> bool:
    """Confidential notes: only for people who hold the conversation (and may see the case)."""
    from models.visibility import Access

    return access_level >= Access.INFORMED and user.role in conversation.holders


def may_record(user: User, case: Case, access_level) -> bool:
    """Who records aftercare (outcomes, referrals): the case's handlers, and the people who hold the
    conversations when they are informed of the case."""
    from models.visibility import Access

    if access_level >= Access.HANDLER:
        return True
    return access_level >= Access.INFORMED and user.role in {r.value for r in aftercare_holders(case.reporter_role)}


def record_outcome(
    conversation: Conversation,
    outcome: Outcome,
    actor: User,
    held_at: dt.datetime | None,
    notes: str | None,
    planned_at: dt.datetime | None = None,
) -> None:
    if outcome == Outcome.HELD and held_at is None:
        raise NotAllowed("held_without_time", N_("Vul in wanneer het gesprek is gevoerd."))
    if outcome == Outcome.HELD and held_at > clock.utcnow():  # a held conversation lies in the past
        raise NotAllowed(
            "held_in_future",
            N_("Een gevoerd gesprek ligt niet in de toekomst. Kies 'Gepland' of vul een eerdere tijd in."),
        )
    with write_transaction():
        conversation.outcome = outcome.value
        conversation.held_at = held_at if outcome == Outcome.HELD else None
        conversation.planned_at = planned_at or conversation.planned_at
        if notes is not None:  # None leaves the notes alone (someone who may not read them); "" clears them
            conversation.notes = notes.strip() or None
        conversation.updated_by = actor
        conversation.updated_at = clock.utcnow()
        conversation.save()
        CaseEvent.create(
            case=conversation.case_id,
            actor=actor,
            kind=EventKind.AFTERCARE.value,
            detail=f"conversation:{conversation.number}:{outcome.value}",
        )
        if outcome in (Outcome.HELD, Outcome.DECLINED):
            deadlines.complete(
                deadlines.DeadlineKind(f"aftercare_{conversation.number}"), conversation.case_id, conversation.id
            )


# --- referrals ----------------------------------------------------------------------------------


class ReferralKind(str, Enum):
    SLACHTOFFERHULP = "slachtofferhulp"
    PSYCHOTRAUMA = "psychotrauma"
    VERTROUWENSLIJN = "vertrouwenslijn"
    NVR = "nvr_ambassadors"
    OCCUPATIONAL_HEALTH = "occupational_health"
    PROFESSIONAL_HELP = "professional_help"
    HOME_SCREENING = "home_screening"
    LEGAL_SUPPORT = "legal_support"


REFERRAL_LABELS = {
    ReferralKind.SLACHTOFFERHULP: N_("Slachtofferhulp Nederland"),
    ReferralKind.PSYCHOTRAUMA: N_("Instituut voor Psychotrauma (acute psychosociale steun, 24/7)"),
    ReferralKind.VERTROUWENSLIJN: N_("Vertrouwenslijn voor politieke ambtsdragers"),
    ReferralKind.NVR: N_("Ambassadeursnetwerk van de Nederlandse Vereniging voor Raadsleden"),
    ReferralKind.OCCUPATIONAL_HEALTH: N_("Arbodienst (ook voor het thuisfront)"),
    ReferralKind.PROFESSIONAL_HELP: N_("Professionele hulp; de gemeente betaalt wat de zorgverzekering niet vergoedt"),
    ReferralKind.HOME_SCREENING: N_("Veiligheidsscreening van huis en thuisomgeving"),
    ReferralKind.LEGAL_SUPPORT: N_("Juridische hulp: een advocaat via de gemeente"),
}

# The numbers the protocol gives (§6.3); the admin can change them.
DEFAULT_CONTACTS = {
    ReferralKind.SLACHTOFFERHULP: "0900 0101",
    ReferralKind.PSYCHOTRAUMA: "020 840 76 20 (kantooruren), 088 33 05 112 (buiten kantooruren)",
    ReferralKind.VERTROUWENSLIJN: "0800 2800 200 (anoniem, dagelijks 10.00–17.00), kantoorlijn 088 5543 218",
    ReferralKind.NVR: "",
    ReferralKind.OCCUPATIONAL_HEALTH: "",
    ReferralKind.PROFESSIONAL_HELP: "",
    ReferralKind.HOME_SCREENING: "",
    ReferralKind.LEGAL_SUPPORT: "",
}


# Only for professional help does the municipality pay the costs (§6.3).
COSTS_COVERED_KINDS = {ReferralKind.PROFESSIONAL_HELP}


class ReferralContact(BaseModel):
    kind = peewee.CharField(max_length=32, primary_key=True)
    contact = peewee.CharField(max_length=300)


def referral_contacts() -> dict[ReferralKind, str]:
    stored = {row.kind: row.contact for row in select_written_once("aftercare:contacts", ReferralContact.select)}
    return {kind: stored.get(kind.value, default) for kind, default in DEFAULT_CONTACTS.items()}


def set_referral_contact(kind: ReferralKind, contact: str) -> bool:
    """The admin changes a number; returns whether anything changed."""
    contact = contact.strip()
    if referral_contacts()[kind] == contact:
        return False
    with write_transaction():
        ReferralContact.insert(kind=kind.value, contact=contact).on_conflict(
            conflict_target=[ReferralContact.kind], update={ReferralContact.contact: contact}
        ).execute()
    return True


class ReferralStatus(str, Enum):
    OFFERED = "offered"
    REQUESTED = "requested"
    DONE = "done"
    DECLINED = "declined"


REFERRAL_STATUS_LABELS = {
    ReferralStatus.OFFERED: N_("Aangeboden"),
    ReferralStatus.REQUESTED: N_("Aangevraagd"),
    ReferralStatus.DONE: N_("Gedaan"),
    ReferralStatus.DECLINED: N_("Niet gewenst"),
}


class Referral(BaseModel):
    case = peewee.ForeignKeyField(Case, backref="referrals", on_delete="CASCADE")
    kind = peewee.CharField(max_length=32)
    status = peewee.CharField(max_length=16, default=ReferralStatus.OFFERED.value)
    costs_covered = peewee.BooleanField(default=False)
    note = EncryptedTextField(null=True)
    recorded_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    recorded_at = peewee.DateTimeField(default=clock.utcnow)
    # What the municipality pays for it: the ledger entry in force (models.damages.bear_cost).
    cost_entry = peewee.ForeignKeyField(LedgerEntry, null=True, backref="+", on_delete="RESTRICT")
    token = peewee.CharField(max_length=32, null=True, unique=True)  # a form sent twice stores one referral

    @property
    def cost_cents(self) -> int | None:
        return self.cost_entry.amount_cents if self.cost_entry_id else None


class ReferralRefused(Exception):
    """`message` (Dutch, N_) is shown with `values` filled in."""

    def __init__(self, message: str, **values):
        super().__init__(message % values if values else message)
        self.message = message
        self.values = values


def _check_costs(kind: ReferralKind, costs_covered: bool, cost_cents: int | None = None) -> None:
    if costs_covered and kind not in COSTS_COVERED_KINDS:
        raise ReferralRefused(N_("Alleen bij professionele hulp betaalt de gemeente de kosten."))
    if cost_cents and not costs_covered:
        raise ReferralRefused(N_("Vul alleen een bedrag in als de gemeente de kosten betaalt. Zet dan het vinkje aan."))


def _bear(referral: Referral, cost_cents: int | None, actor: User, ip: str | None) -> None:
    """The cost of professional help goes into the damages ledger as a cost the municipality bears
    (§6.3): not the victim's claim, and not recovered from the perpetrator unless a handler decides
    so. A changed amount is a correction in the ledger; no amount, or no longer paid, takes it away."""
    wanted = cost_cents if referral.costs_covered else None
    if wanted == referral.cost_cents:
        return
    try:
        entry = damages.bear_cost(
            referral.case,
            wanted,
            actor,
            reason=f"referral:{referral.id}:{referral.kind}",
            replaces=referral.cost_entry if referral.cost_entry_id else None,
            ip=ip,
        )
    except damages.LedgerRefused as refused:
        raise ReferralRefused(refused.message, **refused.values) from None
    referral.cost_entry = entry
    referral.save(only=[Referral.cost_entry])


def add_referral(
    case: Case,
    kind: ReferralKind,
    actor: User,
    *,
    status: ReferralStatus = ReferralStatus.OFFERED,
    costs_covered: bool = False,
    note: str | None = None,
    cost_cents: int | None = None,
    token: str | None = None,
    ip: str | None = None,
) -> Referral:
    """A referral to outside help; for professional help with its cost to the municipality
    (`cost_cents`, booked in the damages ledger). The same form token twice: one referral."""
    _check_costs(kind, costs_covered, cost_cents)
    with write_transaction():
        if token and (existing := Referral.get_or_none(Referral.token == token)) is not None:
            return existing
        if kind == ReferralKind.NVR:  # an ambassador is asked only with the victim's consent (§6.3, §7)
            consent.require(case, consent.Purpose.PEER_SUPPORT)
        referral = Referral.create(
            case=case,
            kind=kind.value,
            status=status.value,
            costs_covered=costs_covered,
            note=(note or "").strip() or None,
            recorded_by=actor,
            recorded_at=clock.utcnow(),
            token=token or None,
        )
        CaseEvent.create(case=case, actor=actor, kind=EventKind.AFTERCARE.value, detail=f"referral:{kind.value}")
        _bear(referral, cost_cents, actor, ip)
    return referral


def update_referral(
    referral: Referral,
    actor: User,
    *,
    status: ReferralStatus,
    costs_covered: bool,
    note: str | None = None,
    cost_cents: int | None = None,
    ip: str | None = None,
) -> None:
    """A referral moves on (requested, done, …). A note, when given, replaces the old one. The cost
    is what the municipality pays now: a new amount corrects the ledger, none takes it away."""
    _check_costs(ReferralKind(referral.kind), costs_covered, cost_cents)
    with write_transaction():
        referral.status = status.value
        referral.costs_covered = costs_covered
        if note and note.strip():
            referral.note = note.strip()
        referral.save(only=[Referral.status, Referral.costs_covered, Referral.note])
        CaseEvent.create(
            case=referral.case_id,
            actor=actor,
            kind=EventKind.AFTERCARE.value,
            detail=f"referral:{referral.kind}:{status.value}",
        )
        _bear(referral, cost_cents, actor, ip)
