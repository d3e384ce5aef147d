"""Cases: reports and consultations, their timeline, online log entries, evidence and drafts.

Narratives, identities, locations, notes and messages are stored encrypted; structured facts
(dates, class, status, roles) stay queryable for inboxes and the yearly report.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from enum import Enum

import peewee

from models import clock, routing, scheme, settings
from models.accounts import Role, User
from models.base import BaseModel
from models.crypto import EncryptedTextField
from models.db import serialised, write_transaction
from models.i18n import N_

CASE_NUMBER_LOCK = 0x5642_4341  # "VBCA": serialises case numbering on PostgreSQL


class CaseKind(str, Enum):
    REPORT = "report"
    CONSULTATION = "consultation"


class Status(str, Enum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    MEASURES = "measures"
    AFTERCARE = "aftercare"
    CLOSED = "closed"


STATUS_LABELS = {
    Status.NEW: N_("Nieuw"),
    Status.IN_PROGRESS: N_("In behandeling"),
    Status.MEASURES: N_("Maatregelen"),
    Status.AFTERCARE: N_("Nazorg"),
    Status.CLOSED: N_("Afgesloten"),
}

# The workflow: forward step by step (skipping is allowed), and a closed case can be reopened.
# `next_statuses` gives them in workflow order.
TRANSITIONS = {
    Status.NEW: {Status.IN_PROGRESS, Status.MEASURES, Status.AFTERCARE, Status.CLOSED},
    Status.IN_PROGRESS: {Status.MEASURES, Status.AFTERCARE, Status.CLOSED},
    Status.MEASURES: {Status.IN_PROGRESS, Status.AFTERCARE, Status.CLOSED},
    Status.AFTERCARE: {Status.IN_PROGRESS, Status.MEASURES, Status.CLOSED},
    Status.CLOSED: {Status.IN_PROGRESS},  # reopen
}


def next_statuses(current: Status) -> list[Status]:
    return [status for status in Status if status in TRANSITIONS[current]]


class Channel(str, Enum):
    FACE_TO_FACE = "face_to_face"
    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"
    SOCIAL_MEDIA = "social_media"
    MEETING = "meeting"
    AT_HOME = "at_home"
    OTHER = "other"


CHANNEL_LABELS = {
    Channel.FACE_TO_FACE: N_("Persoonlijk, van aangezicht tot aangezicht"),
    Channel.PHONE: N_("Telefoon"),
    Channel.LETTER: N_("Brief of briefje"),
    Channel.EMAIL: N_("E-mail"),
    Channel.SOCIAL_MEDIA: N_("Sociale media, app of ander online kanaal"),
    Channel.MEETING: N_("Tijdens een vergadering of bijeenkomst"),
    Channel.AT_HOME: N_("Bij mij thuis"),
    Channel.OTHER: N_("Anders"),
}
ONLINE_CHANNELS = {Channel.EMAIL, Channel.SOCIAL_MEDIA}


class Target(str, Enum):
    SELF = "self"
    ENVIRONMENT = "environment"
    BOTH = "both"


TARGET_LABELS = {
    Target.SELF: N_("Op mijzelf"),
    Target.ENVIRONMENT: N_("Op mijn omgeving: familie, vrienden, huisdieren of spullen"),
    Target.BOTH: N_("Op mij en op mijn omgeving"),
}


class ActsFor(str, Enum):
    SELF = "self"
    COMPANY = "company"
    ORGANISATION = "organisation"
    GROUP = "group"
    UNKNOWN = "unknown"


ACTS_FOR_LABELS = {
    ActsFor.SELF: N_("Voor zichzelf"),
    ActsFor.COMPANY: N_("Voor een bedrijf"),
    ActsFor.ORGANISATION: N_("Voor een organisatie of instelling"),
    ActsFor.GROUP: N_("Als deel van een groep"),
    ActsFor.UNKNOWN: N_("Weet ik niet"),
}


class Case(BaseModel):
    reference = peewee.CharField(max_length=20, unique=True)
    year = peewee.IntegerField()
    number = peewee.IntegerField()
    kind = peewee.CharField(max_length=16, default=CaseKind.REPORT.value, index=True)
    status = peewee.CharField(max_length=16, default=Status.NEW.value, index=True)
    reporter = peewee.ForeignKeyField(User, backref="cases", on_delete="RESTRICT")
    filed_by = peewee.ForeignKeyField(User, backref="filed_cases", on_delete="RESTRICT")
    reporter_role = peewee.CharField(max_length=32)  # at the time of filing (routing and statistics)
    reporter_is_former = peewee.BooleanField(default=False)
    assigned_to = peewee.ForeignKeyField(User, null=True, backref="assigned_cases", on_delete="SET NULL")
    # What happened (§3)
    behaviour_class = peewee.CharField(max_length=24, null=True, index=True)
    behaviours = peewee.CharField(max_length=500, default="")  # comma-separated codes of scheme.BEHAVIOURS
    after_addressed = peewee.CharField(max_length=16, null=True)
    recurring = peewee.BooleanField(default=False)
    advice = peewee.CharField(max_length=16, null=True)
    target = peewee.CharField(max_length=16, null=True)
    occurred_at = peewee.DateTimeField(null=True, index=True)
    occurred_time_known = peewee.BooleanField(default=False)  # only a date given: show no time
    channel = peewee.CharField(max_length=16, null=True)
    location = EncryptedTextField(null=True)
    narrative = EncryptedTextField(null=True)
    # Online (§6.1)
    platform = peewee.CharField(max_length=64, null=True)
    # Perpetrator (§1)
    perpetrator_known = peewee.BooleanField(default=False)
    perpetrator_name = EncryptedTextField(null=True)
    perpetrator_birth_date = EncryptedTextField(null=True)
    perpetrator_address = EncryptedTextField(null=True)
    perpetrator_description = EncryptedTextField(null=True)
    perpetrator_acts_for = peewee.CharField(max_length=16, null=True)
    perpetrator_organisation = EncryptedTextField(null=True)
    # Council meetings (§5)
    meeting_disrupted = peewee.BooleanField(default=False)
    meeting_orders_out = peewee.IntegerField(default=0)
    livestream_stopped = peewee.BooleanField(default=False)
    # Injury and damage (§6.4)
    injury_physical = peewee.BooleanField(default=False)
    injury_mental = peewee.BooleanField(default=False)
    hospital_admission = peewee.BooleanField(default=False)
    property_damage = peewee.BooleanField(default=False)
    extra_costs = peewee.BooleanField(default=False)
    # Consent (§6.4, §7) is kept per purpose with its history in models.consent (migration 0008).
    serious_harm = peewee.BooleanField(default=False)  # lasting harm to health or death (handler records it)
    created_at = peewee.DateTimeField(default=clock.utcnow, index=True)
    closed_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = (
            (("year", "number"), True),
            (("status", "created_at"), False),
            # an office holder's own open cases, newest first (models.start_pages; migration 0026)
            (("reporter", "status", "created_at"), False),
            # the yearly report's count reads this index only (migration 0007)
            (
                ("kind", "created_at", "behaviour_class", "channel", "reporter_role", "reporter_is_former", "target"),
                False,
            ),
        )

    @property
    def behaviour_codes(self) -> list[str]:
        return [code for code in self.behaviours.split(",") if code]

    @property
    def is_online(self) -> bool:
        return self.channel in {c.value for c in ONLINE_CHANNELS}


class CaseAccess(BaseModel):
    """Who may see a case besides its reporter: roles fixed from the routing at filing, and single
    people a handler granted access to. Revoking keeps the row (history) with revoked_at set."""

    case = peewee.ForeignKeyField(Case, backref="access", on_delete="CASCADE")
    role = peewee.CharField(max_length=32, null=True, index=True)
    user = peewee.ForeignKeyField(User, null=True, backref="granted_cases", on_delete="CASCADE")
    kind = peewee.CharField(max_length=16)  # "handles", "informed", "granted"
    granted_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=clock.utcnow)
    revoked_at = peewee.DateTimeField(null=True)

    class Meta:
        # Whether a person may see a case (models.visibility), answered from the index alone for every
        # case a start list, the inbox or a deadline walk meets (migration 0026).
        indexes = ((("case", "role", "kind", "user", "revoked_at"), False),)


class EventKind(str, Enum):
    SUBMITTED = "submitted"
    STATUS = "status"
    ASSIGNED = "assigned"
    NOTE = "note"  # internal, handlers only
    MESSAGE_TO_REPORTER = "message_to_reporter"
    MESSAGE_FROM_REPORTER = "message_from_reporter"
    EVIDENCE = "evidence"
    ONLINE_ENTRY = "online_entry"
    ACCESS_GRANTED = "access_granted"
    ACCESS_REVOKED = "access_revoked"
    CONVERTED = "converted"
    MEASURE = "measure"
    POLICE = "police"
    NOTIFICATION = "notification"  # inspectorate, OM, NCTV, King's Commissioner, other office holders
    AFTERCARE = "aftercare"
    PERPETRATOR = "perpetrator"
    CONSENT = "consent"  # given or withdrawn (models.consent)
    MEETING = "meeting"  # a disrupted meeting (models.meetings, §5): trespass, the decision on a police report


# Events the reporter sees on their own case; everything else is for handlers only.
REPORTER_VISIBLE_EVENTS = {
    EventKind.SUBMITTED,
    EventKind.STATUS,
    EventKind.MESSAGE_TO_REPORTER,
    EventKind.MESSAGE_FROM_REPORTER,
    EventKind.EVIDENCE,
    EventKind.ONLINE_ENTRY,
    EventKind.CONVERTED,
    EventKind.CONSENT,  # their own consent, given or withdrawn (models.consent)
}


# Who hears of each new timeline entry: models.casework moves the status with the work this way,
# whichever module wrote the entry, without this module importing the areas it reads.
_event_listeners: list = []


def on_event(listener) -> None:
    if listener not in _event_listeners:
        _event_listeners.append(listener)


class CaseEvent(BaseModel):
    """The case's timeline: only ever added to."""

    case = peewee.ForeignKeyField(Case, backref="events", on_delete="CASCADE")
    at = peewee.DateTimeField(default=clock.utcnow)
    actor = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    kind = peewee.CharField(max_length=32)
    detail = peewee.CharField(max_length=120, default="")  # codes only (a status, a role), never content
    body = EncryptedTextField(null=True)
    not_for_press = peewee.BooleanField(default=False)  # §7

    class Meta:
        indexes = ((("case", "at"), False),)

    def save(self, *args, **kwargs):
        created = self._pk is None
        result = super().save(*args, **kwargs)
        if created:
            for listener in _event_listeners:
                listener(self)
        return result


class OnlineEntry(BaseModel):
    """One online message (§6.1): platform, sender's account, URLs, date and time. A recurring
    incident gets more entries in the same case: a log."""

    case = peewee.ForeignKeyField(Case, backref="online_entries", on_delete="CASCADE")
    platform = peewee.CharField(max_length=64)
    sender_account = EncryptedTextField(null=True)
    urls = EncryptedTextField(null=True)
    message_at = peewee.DateTimeField(null=True)
    message_time_known = peewee.BooleanField(default=True)  # only a date given: show no time (0013)
    reported_to_platform = peewee.BooleanField(default=False)
    note = EncryptedTextField(null=True)
    added_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    added_at = peewee.DateTimeField(default=clock.utcnow)


class Draft(BaseModel):
    """A report being written, kept on the server so nothing is lost when a phone locks. Submitting
    turns it into a case once: a second submit finds `case` set and shows that case."""

    owner = peewee.ForeignKeyField(User, backref="drafts", on_delete="CASCADE")
    token = peewee.CharField(max_length=32, unique=True)
    kind = peewee.CharField(max_length=16, default=CaseKind.REPORT.value)
    reporter = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="CASCADE")  # on behalf of
    data = EncryptedTextField(default="{}")
    created_at = peewee.DateTimeField(default=clock.utcnow)
    updated_at = peewee.DateTimeField(default=clock.utcnow, index=True)
    case = peewee.ForeignKeyField(Case, null=True, backref="+", on_delete="SET NULL")

    @property
    def values(self) -> dict:
        return json.loads(self.data or "{}")


class Evidence(BaseModel):
    case = peewee.ForeignKeyField(Case, null=True, backref="evidence", on_delete="CASCADE")
    draft = peewee.ForeignKeyField(Draft, null=True, backref="evidence", on_delete="SET NULL")
    online_entry = peewee.ForeignKeyField(OnlineEntry, null=True, backref="evidence", on_delete="SET NULL")
    filename = EncryptedTextField()
    content_type = peewee.CharField(max_length=64)
    size = peewee.IntegerField()
    sha256 = peewee.CharField(max_length=64)
    storage_name = peewee.CharField(max_length=64, unique=True)
    uploaded_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    uploaded_at = peewee.DateTimeField(default=clock.utcnow)


class NotAllowed(Exception):
    """What a protocol rule forbids, refused whichever path asks (a page, a job, a report). `code` says
    which rule; `message` (Dutch, N_) is what a person is told, when a page can lead there at all."""

    def __init__(self, code: str, message: str | None = None):
        super().__init__(code)
        self.code = code
        self.message = message


# --- drafts -----------------------------------------------------------------------------------

# Who may file a report for an office holder (§6.1: taken by phone, for example).
ON_BEHALF_ROLES = frozenset({Role.CLERK, Role.DEPUTY_CLERK, Role.MUNICIPAL_SECRETARY, Role.SECURITY_OFFICER})


def may_file_on_behalf(user: User) -> bool:
    return user.is_active and user.role_enum in ON_BEHALF_ROLES


def may_report(user: User) -> bool:
    """Who uses the reporting side: office holders about themselves, the roles of §6.1 for them."""
    return user.is_office_holder or may_file_on_behalf(user)


def _check_filer(owner: User, reporter: User) -> None:
    if owner.id != reporter.id and not may_file_on_behalf(owner):
        raise NotAllowed(f"file_on_behalf:{owner.role}")


def new_draft(owner: User, kind: CaseKind, reporter: User | None = None) -> Draft:
    _check_filer(owner, reporter or owner)
    return Draft.create(owner=owner, token=secrets.token_hex(12), kind=kind.value, reporter=reporter or owner)


def save_draft_values(draft: Draft, values: dict) -> None:
    merged = draft.values
    merged.update(values)
    draft.data = json.dumps(merged, default=str)
    draft.updated_at = clock.utcnow()
    draft.save(only=[Draft.data, Draft.updated_at])


# --- filing -----------------------------------------------------------------------------------


def _next_number(year: int) -> int:
    last = Case.select(peewee.fn.MAX(Case.number)).where(Case.year == year).scalar()
    return (last or 0) + 1


def format_reference(year: int, number: int) -> str:
    return f"VB-{year}-{number:04d}"


class AlreadySubmitted(Exception):
    def __init__(self, case: Case):
        super().__init__(case.reference)
        self.case = case


def submit_draft(draft_id: int, values: dict) -> Case:
    """Turn a draft into a case in one transaction: the case, its access (from the routing now),
    its first timeline entry, its online entry and its evidence — all of it, or nothing.
    `values` are the case's fields, typed (datetimes in UTC, booleans, lists of codes)."""
    with write_transaction(), serialised(CASE_NUMBER_LOCK):
        draft = Draft.get_by_id(draft_id)
        if draft.case_id is not None:
            raise AlreadySubmitted(draft.case)
        reporter = draft.reporter
        _check_filer(draft.owner, reporter)
        now = clock.utcnow()
        local_year = clock.to_local(now).year
        number = _next_number(local_year)
        codes = [code for code in values.get("behaviours", []) if code in scheme.BEHAVIOUR_BY_CODE]
        behaviour_class = scheme.classify(codes)
        after = values.get("after_addressed")
        after_enum = scheme.AfterAddressed(after) if after else None
        recurring = bool(values.get("recurring"))
        case = Case.create(
            reference=format_reference(local_year, number),
            year=local_year,
            number=number,
            kind=draft.kind,
            status=Status.NEW.value,
            reporter=reporter,
            filed_by=draft.owner,
            reporter_role=reporter.role,
            reporter_is_former=reporter.is_former,
            behaviour_class=behaviour_class.value if behaviour_class else None,
            behaviours=",".join(codes),
            after_addressed=after,
            recurring=recurring,
            advice=scheme.reporting_advice(behaviour_class, after_enum, recurring).value if behaviour_class else None,
            target=values.get("target"),
            occurred_at=values.get("occurred_at"),
            occurred_time_known=bool(values.get("occurred_time_known")),
            channel=values.get("channel"),
            location=values.get("location") or None,
            narrative=values.get("narrative") or None,
            platform=values.get("platform") or None,
            perpetrator_known=bool(values.get("perpetrator_known")),
            perpetrator_name=values.get("perpetrator_name") or None,
            perpetrator_birth_date=values.get("perpetrator_birth_date") or None,
            perpetrator_address=values.get("perpetrator_address") or None,
            perpetrator_description=values.get("perpetrator_description") or None,
            perpetrator_acts_for=values.get("perpetrator_acts_for") or None,
            perpetrator_organisation=values.get("perpetrator_organisation") or None,
            meeting_disrupted=bool(values.get("meeting_disrupted")),
            meeting_orders_out=int(values.get("meeting_orders_out") or 0),
            livestream_stopped=bool(values.get("livestream_stopped")),
            injury_physical=bool(values.get("injury_physical")),
            injury_mental=bool(values.get("injury_mental")),
            hospital_admission=bool(values.get("hospital_admission")),
            property_damage=bool(values.get("property_damage")),
            extra_costs=bool(values.get("extra_costs")),
            created_at=now,
        )
        route = routing.route_for(reporter)
        for role in route.handles:
            CaseAccess.create(case=case, role=role.value, kind=routing.HANDLES, created_at=now)
        for role in route.informed:
            CaseAccess.create(case=case, role=role.value, kind=routing.INFORMED, created_at=now)
        CaseEvent.create(
            case=case,
            at=now,
            actor=draft.owner,
            kind=EventKind.SUBMITTED.value,
            detail="" if draft.owner_id == reporter.id else "on_behalf",
        )
        entry = None
        if values.get("platform") or values.get("sender_account") or values.get("urls"):
            entry = OnlineEntry.create(
                case=case,
                platform=values.get("platform") or "",
                sender_account=values.get("sender_account") or None,
                urls=values.get("urls") or None,
                message_at=values.get("message_at"),
                message_time_known=bool(values.get("message_time_known", True)),
                reported_to_platform=bool(values.get("reported_to_platform")),
                added_by=draft.owner,
                added_at=now,
            )
        (Evidence.update(case=case, online_entry=entry, draft=None).where(Evidence.draft == draft).execute())
        draft.case = case
        draft.data = "{}"  # the content now lives in the case only
        draft.save(only=[Draft.case, Draft.data])
        return case


# --- handling ---------------------------------------------------------------------------------


def pickup_due(case: Case) -> dt.datetime:
    """When a new case must have been picked up (setting `case_pickup_hours`)."""
    return case.created_at + dt.timedelta(hours=settings.get("case_pickup_hours"))


def pickup_overdue_condition() -> peewee.Expression:
    """New cases nobody picked up in time (setting `case_pickup_hours`), as a query condition."""
    cutoff = clock.utcnow() - dt.timedelta(hours=settings.get("case_pickup_hours"))
    return (Case.status == Status.NEW.value) & (Case.created_at < cutoff)


def assign(case: Case, handler: User | None, actor: User) -> None:
    with write_transaction():
        case.assigned_to = handler
        case.save(only=[Case.assigned_to])
        CaseEvent.create(
            case=case, actor=actor, kind=EventKind.ASSIGNED.value, detail=str(handler.id) if handler else ""
        )


def add_event(case: Case, actor: User, kind: EventKind, body: str | None = None, detail: str = "") -> CaseEvent:
    return CaseEvent.create(case=case, actor=actor, kind=kind.value, body=body, detail=detail)


def grant_access(case: Case, person: User, actor: User) -> CaseAccess:
    with write_transaction():
        grant = CaseAccess.create(case=case, user=person, kind="granted", granted_by=actor)
        CaseEvent.create(case=case, actor=actor, kind=EventKind.ACCESS_GRANTED.value, detail=str(person.id))
    return grant


def revoke_access(grant: CaseAccess, actor: User) -> None:
    with write_transaction():
        grant.revoked_at = clock.utcnow()
        grant.save(only=[CaseAccess.revoked_at])
        CaseEvent.create(case=grant.case, actor=actor, kind=EventKind.ACCESS_REVOKED.value, detail=str(grant.user_id))


def convert_to_report(case: Case, behaviour_codes: list[str], actor: User) -> None:
    """A consultation (§6.1, in doubt) becomes a report; the handler records what happened."""
    codes = [c for c in behaviour_codes if c in scheme.BEHAVIOUR_BY_CODE]
    behaviour_class = scheme.classify(codes)
    if case.kind != CaseKind.CONSULTATION.value:  # a stale page: someone converted it meanwhile
        raise NotAllowed("convert_done", N_("Dit overleg is al omgezet in een melding, misschien door een collega."))
    if behaviour_class is None:
        raise NotAllowed("convert", N_("Kies minstens één gedraging om het overleg om te zetten in een melding."))
    with write_transaction():
        case.kind = CaseKind.REPORT.value
        case.behaviours = ",".join(codes)
        case.behaviour_class = behaviour_class.value
        case.advice = scheme.reporting_advice(behaviour_class, None, case.recurring).value
        case.save(only=[Case.kind, Case.behaviours, Case.behaviour_class, Case.advice])
        CaseEvent.create(case=case, actor=actor, kind=EventKind.CONVERTED.value, detail=behaviour_class.value)
