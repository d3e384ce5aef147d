"""The rows the handler's case page reads once per showing, shared by all its panels.

Each panel of the page (portal.case_panels) used to read the same rows again: the accounts behind
every "by whom" (one query per timeline entry, grant, measure, report), the case's access rows, the
people with access, the timeline, and the rows of each area that more than one panel, or a panel
and the steps and status (models.casework.overview), read: measures, police reports, consent
history, notices, the inspectorate assessment, the acute threat, deadlines, the balance. A `CaseFile` reads each of them at most once, when a panel first
asks, and hands the same rows to every panel. It only reads: the rules stay where they are
(models.visibility says who has access; each area's own functions say the rest)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import peewee

from models import accounts, communication, consent, damages, holds, perpetrators, police, protection
from models.accounts import User
from models.aftercare import Conversation, Referral
from models.cases import Case, CaseAccess, CaseEvent, Evidence, OnlineEntry
from models.communication import Statement
from models.consent import ConsentRecord
from models.damages import DamageItem, LedgerEntry, Recovery
from models.db import db, prepared, select_written_once
from models.deadlines import Deadline
from models.holds import LegalHold
from models.measures import Measure, MeasureHearing, MeasureObjection
from models.notices import InspectorateAssessment, Notice
from models.perpetrators import CasePerpetrator, Perpetrator
from models.police import PoliceReport
from models.protection import AcuteThreat
from models.routing import HANDLER_ROLES
from models.visibility import Access, case_access, live_access_rows, people_with_access

# The roles whose accounts a case page names whatever the case: the handlers and the finance officer (a
# few accounts). The office holders are many, and the page names only the case's own.
_NAMED_ROLES = [role.value for role in HANDLER_ROLES] + [accounts.Role.FINANCE_OFFICER.value]

# The areas most cases hold nothing of: `CaseFile.holds` asks of all of them at once whether the case
# has any row there, and an area without one is not read at all (a new case: nearly all of them).
_AREAS = {
    "consent": ConsentRecord,
    "measures": Measure,
    "police": PoliceReport,
    "conversations": Conversation,
    "referrals": Referral,
    "notices": Notice,
    "inspectorate": InspectorateAssessment,
    "acute_threat": AcuteThreat,
    "perpetrators": CasePerpetrator,
    "ledger": LedgerEntry,
    "damage_items": DamageItem,
    "recoveries": Recovery,
    "statements": Statement,
    "legal_holds": LegalHold,
    "online_entries": OnlineEntry,
    "evidence": Evidence,
}


def _probes(case_id) -> list:
    """An EXISTS per area of _AREAS on its index on case_id; `case_id` a number or the column Case.id."""
    return [
        peewee.fn.EXISTS(model.select(peewee.SQL("1")).where(model.case == case_id)).alias(f"holds_{name}")
        for name, model in _AREAS.items()
    ]


_BY_REFERENCE: dict[type, str] = {}  # CaseFile.by_reference's statement, per database kind


@dataclass
class CaseFile:
    case: Case

    @classmethod
    def by_reference(cls, reference: str) -> CaseFile | None:
        """The file of the case with this reference, or None: the case read together with which areas
        it holds anything in (`holds`), in one statement."""
        sql = _BY_REFERENCE.get(type(db.obj))
        if sql is None:  # written once per database kind: building its 16 sub-queries cost ~1 ms a page
            sql, params = Case.select(Case, *_probes(Case.id)).where(Case.reference == reference).sql()
            if params != [reference]:
                raise RuntimeError(f"the case file's statement takes {params!r}, not only the reference")
            _BY_REFERENCE[type(db.obj)] = sql
        case = next(iter(Case.raw(prepared("case_file_by_reference", sql), reference)), None)
        return cls(case) if case is not None else None

    def _of_case(self, model, *order) -> list:
        """All of `model`'s rows of this case, in this order (none given: as the database holds them)."""
        return select_written_once(
            f"case_file:{model.__name__}",
            lambda: model.select().where(model.case == self.case.id).order_by(*order),
            self.case.id,
        )

    @cached_property
    def users(self) -> dict[int, User]:
        """The accounts the page names, by id, ordered by name (without password hash or TOTP
        secret), read at once: the handlers and the finance officer, and the case's own people: its
        reporter, who filed it, whom it is assigned to, and whoever its access rows name (office
        holders are many, and never routed to). An account named elsewhere (rare) is read when a panel asks
        for it (`named`); the choice of office holders to inform reads its own list."""
        case = self.case
        own = [i for i in (case.reporter_id, case.filed_by_id, case.assigned_to_id) if i is not None]
        on_the_case = CaseAccess.select(CaseAccess.user).where(
            (CaseAccess.case == case.id) & CaseAccess.user.is_null(False)
        )
        rows = select_written_once(
            f"case_file:users:{len(own)}",
            lambda: (
                accounts.listed()
                .where(User.role.in_(_NAMED_ROLES) | User.id.in_(own) | User.id.in_(on_the_case))
                .order_by(User.name)
            ),
            *_NAMED_ROLES,
            *own,
            case.id,
        )
        return {u.id: u for u in rows}

    def named(self, ids) -> dict[int, User]:
        """`users`, with these accounts in it too: those it did not hold yet are read at once."""
        users = self.users
        missing = {i for i in ids if i is not None and i not in users}
        if missing:
            users.update({u.id: u for u in accounts.listed().where(User.id.in_(missing))})
        return users

    def attach(self, rows, *fields: str):
        """Give each row's account fields (such as "actor", "decided_by") their account from
        `users`, so that `row.actor.name` in a template reads nothing more. Returns the rows."""
        users = self.named(row.__data__.get(name) for row in rows for name in fields)
        for row in rows:
            for name in fields:
                user_id = row.__data__.get(name)
                if user_id is not None and user_id in users:
                    row.__rel__[name] = users[user_id]
        return rows

    @cached_property
    def events(self) -> list[CaseEvent]:
        """The timeline, oldest first, with each entry's actor (the messages, notes and timeline)."""
        rows = self._of_case(CaseEvent, CaseEvent.at, CaseEvent.id)
        return self.attach(rows, "actor")

    @cached_property
    def access_rows(self) -> list[CaseAccess]:
        """All the case's access rows (routed roles and grants, revoked ones too), with their accounts."""
        rows = self._of_case(CaseAccess, CaseAccess.id)
        return self.attach(rows, "user", "granted_by")

    @property
    def live_access(self) -> list[tuple]:
        """The access rows that are not revoked, as models.visibility.case_access takes them."""
        return live_access_rows(self.access_rows)

    def level_of(self, user: User | None) -> Access:
        """models.visibility.case_access, judged on the access rows read once."""
        return case_access(user, self.case, self.live_access)

    @cached_property
    def with_access(self) -> list[tuple[User, Access]]:
        """models.visibility.people_with_access, judged on the accounts and access rows read once."""
        by_id = sorted(self.users.values(), key=lambda person: person.id)
        return people_with_access(self.case, by_id, self.live_access)

    @cached_property
    def holds(self) -> dict[str, bool]:
        """Whether the case has any row in each of the areas of _AREAS: read with the case when it
        came from `by_reference`, otherwise in one statement of its own."""
        if all(hasattr(self.case, f"holds_{name}") for name in _AREAS):
            row = {f"holds_{name}": getattr(self.case, f"holds_{name}") for name in _AREAS}
        else:
            row = Case.select(*_probes(self.case.id)).where(Case.id == self.case.id).dicts().get()
        return {name: bool(row[f"holds_{name}"]) for name in _AREAS}

    # --- the rows of the areas, each read once: the panels and models.casework.overview share them ---

    @cached_property
    def consent_records(self) -> list[ConsentRecord]:
        """models.consent.history: every consent change, oldest first."""
        return consent.history(self.case) if self.holds["consent"] else []

    @cached_property
    def measures(self) -> list[Measure]:
        """The case's measures, first proposed first, each with this case (not read again per measure)."""
        if not self.holds["measures"]:
            return []
        rows = self._of_case(Measure, Measure.proposed_at, Measure.id)
        for row in rows:
            row.case = self.case
        return rows

    @cached_property
    def measure_hearings(self) -> list[MeasureHearing]:
        """The hearings of the case's measures, in the order they were held."""
        if not self.measures:
            return []
        return list(
            MeasureHearing.select()
            .join(Measure)
            .where(Measure.case == self.case.id)
            .order_by(MeasureHearing.held_on, MeasureHearing.id)
        )

    @cached_property
    def measure_objections(self) -> list[MeasureObjection]:
        """The objections to the case's measures, in the order they came in."""
        if not self.measures:
            return []
        return list(
            MeasureObjection.select()
            .join(Measure)
            .where(Measure.case == self.case.id)
            .order_by(MeasureObjection.received_on, MeasureObjection.id)
        )

    @cached_property
    def police_reports(self) -> list[PoliceReport]:
        """models.police.reports_of: the case's police reports, first filed first."""
        return police.reports_of(self.case) if self.holds["police"] else []

    @cached_property
    def last_feedback(self) -> dict:
        """models.police.last_feedback of each police report, by report id, in one read."""
        return police.last_feedback_of(self.police_reports)

    @cached_property
    def conversations(self) -> list[Conversation]:
        """The aftercare conversations, by number."""
        if not self.holds["conversations"]:
            return []
        return self._of_case(Conversation, Conversation.number)

    @cached_property
    def deadlines(self) -> list[Deadline]:
        """All the case's deadlines, running and done, earliest due first."""
        return self._of_case(Deadline, Deadline.due_at, Deadline.id)

    @property
    def open_deadlines(self) -> list[Deadline]:
        """models.deadlines.open_for this case: the deadlines not done, earliest due first."""
        return [row for row in self.deadlines if row.done_at is None]

    @cached_property
    def notices(self) -> list[Notice]:
        """The notices given (models.notices.Notice)."""
        if not self.holds["notices"]:
            return []
        return self._of_case(Notice)

    @cached_property
    def inspectorate_assessments(self) -> list[InspectorateAssessment]:
        """Every round of the inspectorate assessment, superseded ones too, by number."""
        if not self.holds["inspectorate"]:
            return []
        return list(
            InspectorateAssessment.select()
            .where(InspectorateAssessment.case == self.case.id)
            .order_by(InspectorateAssessment.number)
        )

    @cached_property
    def acute_threat(self) -> AcuteThreat | None:
        """models.protection.acute_threat: the mark of an acute, serious threat, or None."""
        return protection.acute_threat(self.case) if self.holds["acute_threat"] else None

    @cached_property
    def balance(self) -> damages.Balance:
        """models.damages.balances of the whole case."""
        return damages.balance_of(self.ledger_entries)

    @cached_property
    def ledger_entries(self) -> list[LedgerEntry]:
        """All of the case's ledger entries, in the order they were booked: the balances of the case,
        of each item and each recovery, and the assessments, are counted from them."""
        if not self.holds["ledger"]:
            return []
        return self._of_case(LedgerEntry, LedgerEntry.id)

    def balance_of(self, *, item=None, recovery=None) -> damages.Balance:
        """models.damages.balances of one claim item or one recovery, from the entries read once."""
        if item is not None:
            return damages.balance_of(row for row in self.ledger_entries if row.item_id == item.id)
        return damages.balance_of(row for row in self.ledger_entries if row.recovery_id == recovery.id)

    @cached_property
    def perpetrators(self) -> list[Perpetrator]:
        """models.perpetrators.linked_perpetrators: the perpetrators linked to the case."""
        return perpetrators.linked_perpetrators(self.case) if self.holds["perpetrators"] else []

    @cached_property
    def recoveries(self) -> list[Recovery]:
        """The recoveries from the perpetrators, in the order they were started."""
        if not self.holds["recoveries"]:
            return []
        return self._of_case(Recovery, Recovery.id)

    @cached_property
    def damage_items(self) -> list[DamageItem]:
        """The damage items claimed, in the order they were submitted."""
        if not self.holds["damage_items"]:
            return []
        return self._of_case(DamageItem, DamageItem.id)

    @cached_property
    def referrals(self) -> list[Referral]:
        """The aftercare referrals, in the order they were recorded."""
        if not self.holds["referrals"]:
            return []
        return self._of_case(Referral, Referral.recorded_at, Referral.id)

    @cached_property
    def statements(self) -> list[Statement]:
        """models.communication.statements: the public statements, newest first."""
        return communication.statements(self.case) if self.holds["statements"] else []

    @cached_property
    def active_hold(self) -> LegalHold | None:
        """models.holds.active_hold: the legal hold in force, or None."""
        return holds.active_hold(self.case.id) if self.holds["legal_holds"] else None

    @cached_property
    def online_entries(self) -> list[OnlineEntry]:
        """The online messages of the report (its log), as the case holds them."""
        return self._of_case(OnlineEntry) if self.holds["online_entries"] else []

    @cached_property
    def evidence(self) -> list[Evidence]:
        """The evidence files of the case, as the case holds them."""
        return self._of_case(Evidence) if self.holds["evidence"] else []
