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

from models import accounts, consent, damages, perpetrators, police, protection
from models.accounts import User
from models.aftercare import Conversation
from models.cases import Case, CaseAccess, CaseEvent
from models.consent import ConsentRecord
from models.damages import Recovery
from models.deadlines import Deadline
from models.measures import Measure, MeasureHearing, MeasureObjection
from models.notices import InspectorateAssessment, Notice
from models.perpetrators import Perpetrator
from models.police import PoliceReport
from models.protection import AcuteThreat
from models.visibility import Access, people_with_access


@dataclass
class CaseFile:
    case: Case

    @cached_property
    def users(self) -> dict[int, User]:
        """Every account, by id, ordered by name (without password hash or TOTP secret): the
        accounts the page names are few, and one read of them all replaces one read per name."""
        return {u.id: u for u in accounts.listed().order_by(User.name)}

    def attach(self, rows, *fields: str):
        """Give each row's account fields (such as "actor", "decided_by") their account from
        `users`, so that `row.actor.name` in a template reads nothing more. Returns the rows."""
        users = self.users
        for row in rows:
            for name in fields:
                user_id = row.__data__.get(name)
                if user_id is not None and user_id in users:
                    row.__rel__[name] = users[user_id]
        return rows

    @cached_property
    def events(self) -> list[CaseEvent]:
        """The timeline, oldest first, with each entry's actor (the messages, notes and timeline)."""
        rows = list(CaseEvent.select().where(CaseEvent.case == self.case.id).order_by(CaseEvent.at, CaseEvent.id))
        return self.attach(rows, "actor")

    @cached_property
    def access_rows(self) -> list[CaseAccess]:
        """All the case's access rows (routed roles and grants, revoked ones too), with their accounts."""
        rows = list(CaseAccess.select().where(CaseAccess.case == self.case.id).order_by(CaseAccess.id))
        return self.attach(rows, "user", "granted_by")

    @cached_property
    def with_access(self) -> list[tuple[User, Access]]:
        """models.visibility.people_with_access, read once."""
        return people_with_access(self.case)

    # --- the rows of the areas, each read once: the panels and models.casework.overview share them ---

    @cached_property
    def consent_records(self) -> list[ConsentRecord]:
        """models.consent.history: every consent change, oldest first."""
        return consent.history(self.case)

    @cached_property
    def measures(self) -> list[Measure]:
        """The case's measures, first proposed first, each with this case (not read again per measure)."""
        rows = list(Measure.select().where(Measure.case == self.case.id).order_by(Measure.proposed_at, Measure.id))
        for row in rows:
            row.case = self.case
        return rows

    @cached_property
    def measure_hearings(self) -> list[MeasureHearing]:
        """The hearings of the case's measures, in the order they were held."""
        return list(
            MeasureHearing.select()
            .join(Measure)
            .where(Measure.case == self.case.id)
            .order_by(MeasureHearing.held_on, MeasureHearing.id)
        )

    @cached_property
    def measure_objections(self) -> list[MeasureObjection]:
        """The objections to the case's measures, in the order they came in."""
        return list(
            MeasureObjection.select()
            .join(Measure)
            .where(Measure.case == self.case.id)
            .order_by(MeasureObjection.received_on, MeasureObjection.id)
        )

    @cached_property
    def police_reports(self) -> list[PoliceReport]:
        """models.police.reports_of: the case's police reports, first filed first."""
        return police.reports_of(self.case)

    @cached_property
    def conversations(self) -> list[Conversation]:
        """The aftercare conversations, by number."""
        return list(Conversation.select().where(Conversation.case == self.case.id).order_by(Conversation.number))

    @cached_property
    def deadlines(self) -> list[Deadline]:
        """All the case's deadlines, running and done, earliest due first."""
        return list(Deadline.select().where(Deadline.case == self.case.id).order_by(Deadline.due_at, Deadline.id))

    @property
    def open_deadlines(self) -> list[Deadline]:
        """models.deadlines.open_for this case: the deadlines not done, earliest due first."""
        return [row for row in self.deadlines if row.done_at is None]

    @cached_property
    def notices(self) -> list[Notice]:
        """The notices given (models.notices.Notice)."""
        return list(Notice.select().where(Notice.case == self.case.id))

    @cached_property
    def inspectorate_assessments(self) -> list[InspectorateAssessment]:
        """Every round of the inspectorate assessment, superseded ones too, by number."""
        return list(
            InspectorateAssessment.select()
            .where(InspectorateAssessment.case == self.case.id)
            .order_by(InspectorateAssessment.number)
        )

    @cached_property
    def acute_threat(self) -> AcuteThreat | None:
        """models.protection.acute_threat: the mark of an acute, serious threat, or None."""
        return protection.acute_threat(self.case)

    @cached_property
    def balance(self) -> damages.Balance:
        """models.damages.balances of the whole case."""
        return damages.balances(case=self.case)

    @cached_property
    def perpetrators(self) -> list[Perpetrator]:
        """models.perpetrators.linked_perpetrators: the perpetrators linked to the case."""
        return perpetrators.linked_perpetrators(self.case)

    @cached_property
    def recoveries(self) -> list[Recovery]:
        """The recoveries from the perpetrators, in the order they were started."""
        return list(Recovery.select().where(Recovery.case == self.case.id).order_by(Recovery.id))
