"""Data that does not live forever (AVG): retention per kind of data, applied to all of them (legal
holds in models.holds, tombstones in models.tombstones), and what the portal holds about one
perpetrator (inzageverzoek).

When a period ends, personal data goes and the structured, anonymous facts the yearly report
needs stay, so past years' reports still add up:

- a closed case (`retention_closed_case_months` after closing) loses its narrative, location,
  the perpetrator's identity, messages and notes, online-entry details, evidence (files
  overwritten, rows deleted), aftercare and referral notes, measure texts, the police's free text
  and registration number, the inspectorate assessment's reason, name and reference, what a
  protection measure is and with whom, who made a statement to the press and what it said, damage
  descriptions, receipts and ledger reasons; the victim's link (reporter, filer, their own timeline
  entries) points to one inactive placeholder account.
  Kept: class and behaviours, dates, channel, platform, target, reporter role, former flag,
  measure types and states, aftercare outcomes and times, police status, notices, deadlines and
  every ledger amount. The perpetrator register keeps its links until its own retention ends.
- evidence files `retention_evidence_months` after upload, also of open cases;
- drafts never submitted `retention_draft_days` after their last change, with their files;
- audit entries `retention_audit_months` old, behind a checkpoint (models.audit.prune_before);
- the perpetrator register after `register_retention_months` (models.perpetrators.expire_due);
- a disrupted meeting's record (models.meetings) `retention_closed_case_months` after it was closed:
  each disrupter's description and name and with whom the police report was decided go; kept: the
  title, the times, the behaviours, the orders to leave and trespass, and the cases it filed (which
  have their own retention). A meeting with a disrupter whose case has a legal hold is skipped.

A case with a legal hold is skipped entirely. `plan()` changes nothing; `apply()` does each object
in its own transaction with its tombstone, so a failure half way leaves no object half done; files
are shredded after the commit that forgets them (as when a reporter removes a file)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import pathlib
import re
from collections import Counter
from dataclasses import dataclass, field

from models import audit, clock, damages, evidence, perpetrators, settings, tombstones, visibility
from models.accounts import Role, User
from models.aftercare import Conversation, Referral
from models.cases import Case, CaseEvent, Draft, Evidence, OnlineEntry, Status
from models.communication import Statement
from models.consent import ConsentRecord
from models.damages import DamageItem, DamageReceipt, LedgerEntry, Recovery, RecoveryStep
from models.db import write_transaction

# Also reached through this module by the case page's hold panel, the admin's page and models.schema.
from models.holds import HoldRefused, LegalHold, active_hold, held_case_ids, lift_hold, place_hold  # noqa: F401
from models.measures import BanViolation, Measure, MeasureHearing, MeasureObjection, forget_measure_texts
from models.meetings import Disrupter, Meeting
from models.notices import InspectorateAssessment
from models.perpetrators import CasePerpetrator, Perpetrator
from models.police import PoliceReport
from models.protection import ProtectionMeasure
from models.tombstones import KIND_LABELS, KIND_SETTINGS, Kind, Tombstone, rule  # noqa: F401

log = logging.getLogger("veilig_bestuur.retention")

PLACEHOLDER_EMAIL = "geanonimiseerd@veilig-bestuur.invalid"
PLACEHOLDER_NAME = "Geanonimiseerd"
# A file nobody refers to (a crash between forgetting and shredding) is shredded after this.
ORPHAN_FILE_AGE = dt.timedelta(days=1)
STORAGE_NAME = re.compile(r"[0-9a-f]{32}")  # models.evidence.store: secrets.token_hex(16)


# --- what would go ----------------------------------------------------------------------------


def _months_ago(now: dt.datetime, key: str) -> dt.datetime:
    # Counted back from now, so at a clamped month end an object is kept a day longer, never shorter.
    return clock.add_months(now, -settings.get(key))


def _tombstoned_ids(object_type: str, kind: Kind) -> set[int]:
    """The objects of this type that this kind of retention already did."""
    return {
        int(row.object_id)
        for row in Tombstone.select(Tombstone.object_id).where(
            (Tombstone.object_type == object_type) & (Tombstone.kind == kind.value)
        )
    }


def _closed_case_condition(now: dt.datetime):
    return (
        (Case.status == Status.CLOSED.value)
        & Case.closed_at.is_null(False)
        & (Case.closed_at < _months_ago(now, "retention_closed_case_months"))
        & Case.id.not_in(held_case_ids())
    )


def _due_closed_cases(now: dt.datetime) -> list[int]:
    done = _tombstoned_ids("case", Kind.CLOSED_CASE)
    return [
        row.id
        for row in Case.select(Case.id).where(_closed_case_condition(now)).order_by(Case.id)
        if row.id not in done
    ]


def _due_evidence(now: dt.datetime, skip_cases: set[int]) -> list[int]:
    rows = (
        Evidence.select(Evidence.id, Evidence.case)
        .where(
            Evidence.case.is_null(False)
            & (Evidence.uploaded_at < _months_ago(now, "retention_evidence_months"))
            & Evidence.case.not_in(held_case_ids())
        )
        .order_by(Evidence.id)
    )
    return [row.id for row in rows if row.case_id not in skip_cases]


def _draft_cutoff(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=settings.get("retention_draft_days"))


def _due_drafts(now: dt.datetime) -> list[int]:
    return [
        row.id
        for row in Draft.select(Draft.id)
        .where(Draft.case.is_null() & (Draft.updated_at < _draft_cutoff(now)))
        .order_by(Draft.id)
    ]


def _stray_evidence(now: dt.datetime) -> list[int]:
    """Files of no case and no draft (their draft went): they go with the drafts."""
    return [
        row.id
        for row in Evidence.select(Evidence.id).where(
            Evidence.case.is_null() & Evidence.draft.is_null() & (Evidence.uploaded_at < _draft_cutoff(now))
        )
    ]


def _due_register(now: dt.datetime) -> list[int]:
    return [row.id for row in perpetrators.due_for_expiry(now)]


def _meeting_condition(now: dt.datetime):
    held_disrupters = Disrupter.select(Disrupter.meeting).where(Disrupter.case.in_(held_case_ids()))
    return (
        Meeting.closed_at.is_null(False)
        & (Meeting.closed_at < _months_ago(now, "retention_closed_case_months"))
        & Meeting.id.not_in(held_disrupters)
    )


def _due_meetings(now: dt.datetime) -> list[int]:
    done = _tombstoned_ids("meeting", Kind.MEETING)
    rows = Meeting.select(Meeting.id).where(_meeting_condition(now)).order_by(Meeting.id)
    return [row.id for row in rows if row.id not in done]


@dataclass
class Plan:
    now: dt.datetime
    closed_cases: list[int] = field(default_factory=list)
    evidence: list[int] = field(default_factory=list)  # of cases not anonymised in this run
    drafts: list[int] = field(default_factory=list)
    stray_evidence: list[int] = field(default_factory=list)
    register: list[int] = field(default_factory=list)
    meetings: list[int] = field(default_factory=list)
    audit_through_id: int | None = None
    audit_count: int = 0
    held_cases: int = 0

    def counts(self) -> dict[Kind, int]:
        return {
            Kind.CLOSED_CASE: len(self.closed_cases),
            Kind.EVIDENCE: len(self.evidence) + len(self.stray_evidence),
            Kind.DRAFT: len(self.drafts),
            Kind.AUDIT: self.audit_count,
            Kind.REGISTER: len(self.register),
            Kind.MEETING: len(self.meetings),
        }

    @property
    def empty(self) -> bool:
        return not any(self.counts().values())


def plan(now: dt.datetime | None = None) -> Plan:
    """What would go now (the dry run): ids and counts only. Changes nothing."""
    now = now or clock.utcnow()
    closed = _due_closed_cases(now)
    through, count = audit.prune_plan(_months_ago(now, "retention_audit_months"))
    held = (
        Case.select()
        .where(
            (Case.status == Status.CLOSED.value)
            & Case.closed_at.is_null(False)
            & (Case.closed_at < _months_ago(now, "retention_closed_case_months"))
            & Case.id.in_(held_case_ids())
        )
        .count()
    )
    return Plan(
        now=now,
        closed_cases=closed,
        evidence=_due_evidence(now, set(closed)),
        drafts=_due_drafts(now),
        stray_evidence=_stray_evidence(now),
        register=_due_register(now),
        meetings=_due_meetings(now),
        audit_through_id=through,
        audit_count=count,
        held_cases=held,
    )


# --- doing it ---------------------------------------------------------------------------------


def is_placeholder(user: User) -> bool:
    """The anonymised cases' stand-in is not a person: not listed, not activated, not changed."""
    return user.email == PLACEHOLDER_EMAIL


def placeholder_user() -> User:
    """The one inactive account anonymised cases point to instead of the victim."""
    user = User.get_or_none(User.email == PLACEHOLDER_EMAIL)
    if user is None:
        user = User.create(
            email=PLACEHOLDER_EMAIL,
            name=PLACEHOLDER_NAME,
            role=Role.COUNCIL_MEMBER.value,
            is_active=False,
            password_hash=None,
            totp_secret=None,
        )
    return user


def _forget_evidence(evidence_ids: list[int], kind: Kind, rule_text: str, now: dt.datetime) -> list[str]:
    """Delete evidence rows (and receipts that point at them); returns the files to shred after commit."""
    if not evidence_ids:
        return []
    names = [row.storage_name for row in Evidence.select(Evidence.storage_name).where(Evidence.id.in_(evidence_ids))]
    DamageReceipt.delete().where(DamageReceipt.evidence.in_(evidence_ids)).execute()
    Evidence.delete().where(Evidence.id.in_(evidence_ids)).execute()
    for evidence_id in evidence_ids:
        tombstones.record(kind, "evidence", evidence_id, rule_text, now)
    return names


def anonymise_case(case_id: int, placeholder: User, rule_text: str, now: dt.datetime) -> list[str]:
    """Remove the personal data of one closed case (call inside a transaction); keep its facts."""
    case = Case.get_by_id(case_id)
    victim = {case.reporter_id, case.filed_by_id}
    Case.update(
        narrative=None,
        location=None,
        perpetrator_name=None,
        perpetrator_birth_date=None,
        perpetrator_address=None,
        perpetrator_description=None,
        perpetrator_organisation=None,
        reporter=placeholder.id,
        filed_by=placeholder.id,
        assigned_to=None,
    ).where(Case.id == case_id).execute()
    CaseEvent.update(body=None).where(CaseEvent.case == case_id).execute()
    CaseEvent.update(actor=placeholder.id).where((CaseEvent.case == case_id) & CaseEvent.actor.in_(victim)).execute()
    OnlineEntry.update(sender_account=None, urls=None, note=None).where(OnlineEntry.case == case_id).execute()
    OnlineEntry.update(added_by=placeholder.id).where(
        (OnlineEntry.case == case_id) & OnlineEntry.added_by.in_(victim)
    ).execute()
    files = _forget_evidence(
        [row.id for row in Evidence.select(Evidence.id).where(Evidence.case == case_id)], Kind.EVIDENCE, rule_text, now
    )
    Draft.delete().where(Draft.case == case_id).execute()  # ties the victim's account to the case
    Conversation.update(notes=None).where(Conversation.case == case_id).execute()
    Referral.update(note=None).where(Referral.case == case_id).execute()
    forget_measure_texts(case_id)
    PoliceReport.update(prosecutor_decision=None, outcome=None, registration_number="").where(
        PoliceReport.case == case_id
    ).execute()
    PoliceReport.update(consent_recorded_by=placeholder.id).where(
        (PoliceReport.case == case_id) & PoliceReport.consent_recorded_by.in_(victim)
    ).execute()
    ConsentRecord.update(actor=placeholder.id).where(
        (ConsentRecord.case == case_id) & ConsentRecord.actor.in_(victim)
    ).execute()
    DamageItem.update(description="").where(DamageItem.case == case_id).execute()
    DamageItem.update(submitted_by=placeholder.id).where(
        (DamageItem.case == case_id) & DamageItem.submitted_by.in_(victim)
    ).execute()
    RecoveryStep.update(note=None).where(
        RecoveryStep.recovery.in_(Recovery.select(Recovery.id).where(Recovery.case == case_id))
    ).execute()
    LedgerEntry.update(reason=None).where(LedgerEntry.case == case_id).execute()
    LegalHold.update(reason=None, lift_reason=None).where(LegalHold.case == case_id).execute()
    InspectorateAssessment.update(reason=None, notified_by=None, notice_reference=None).where(
        InspectorateAssessment.case == case_id
    ).execute()
    # A statement to the press keeps its date and medium (§7); who spoke and what was said go.
    Statement.update(made_by="", text="").where(Statement.case == case_id).execute()
    # Protection measures keep their dates (a count at most, §7); what and with whom go.
    ProtectionMeasure.update(description="", involved="").where(ProtectionMeasure.case == case_id).execute()
    tombstones.record(Kind.CLOSED_CASE, "case", case_id, rule_text, now)
    return files


def _shred(upload_dir: str | None, names: list[str]) -> None:
    if upload_dir is None:
        return
    for name in names:
        try:
            evidence.shred(upload_dir, name)
        except OSError:  # the orphan sweep of a later run tries again
            log.exception("could not shred an evidence file")


def shred_orphans(upload_dir: str | None, now: dt.datetime) -> int:
    """Files on disk that no evidence row refers to (a crash between commit and shredding)."""
    if upload_dir is None or not pathlib.Path(upload_dir).is_dir():
        return 0
    known = {row.storage_name for row in Evidence.select(Evidence.storage_name)}
    shredded = 0
    for path in pathlib.Path(upload_dir).iterdir():
        if not path.is_file() or not STORAGE_NAME.fullmatch(path.name) or path.name in known:
            continue
        modified = dt.datetime.fromtimestamp(os.stat(path).st_mtime, dt.UTC).replace(tzinfo=None)
        if now - modified > ORPHAN_FILE_AGE:
            _shred(upload_dir, [path.name])
            shredded += 1
    return shredded


@dataclass
class Result:
    counts: Counter
    skipped_held: int = 0


def apply(
    now: dt.datetime | None = None, actor: User | None = None, upload_dir: str | None = None, ip: str | None = None
) -> Result:
    """Do what `plan(now)` lists: each object in its own transaction with its tombstone; held cases
    are skipped (also when a hold was placed since the plan). Audited."""
    now = now or clock.utcnow()
    todo = plan(now)
    actor_id = actor.id if actor else None
    counts: Counter = Counter()
    skipped = 0

    case_rule = rule(Kind.CLOSED_CASE)
    for case_id in todo.closed_cases:
        with write_transaction():
            # Checked again inside the transaction: a hold may have been placed, or the case reopened.
            if not Case.select().where((Case.id == case_id) & _closed_case_condition(now)).exists():
                skipped += 1
                continue
            files = anonymise_case(case_id, placeholder_user(), case_rule, now)
            audit.record(
                "case_anonymised", actor_id=actor_id, object_type="case", object_id=case_id, ip=ip, detail=case_rule
            )
        _shred(upload_dir, files)
        counts[Kind.CLOSED_CASE] += 1

    evidence_rule = rule(Kind.EVIDENCE)
    for evidence_id in todo.evidence:
        with write_transaction():
            row = Evidence.get_or_none(Evidence.id == evidence_id)
            if row is None or row.case_id is None or active_hold(row.case_id) is not None:
                continue
            files = _forget_evidence([evidence_id], Kind.EVIDENCE, evidence_rule, now)
            audit.record(
                "evidence_removed",
                actor_id=actor_id,
                object_type="case",
                object_id=row.case_id,
                ip=ip,
                detail=f"evidence={evidence_id} {evidence_rule}",
            )
        _shred(upload_dir, files)
        counts[Kind.EVIDENCE] += 1

    draft_rule = rule(Kind.DRAFT)
    for draft_id in todo.drafts:
        with write_transaction():
            if (
                not Draft.select()
                .where((Draft.id == draft_id) & Draft.case.is_null() & (Draft.updated_at < _draft_cutoff(now)))
                .exists()
            ):
                continue
            files = _forget_evidence(
                [
                    row.id
                    for row in Evidence.select(Evidence.id).where(
                        (Evidence.draft == draft_id) & Evidence.case.is_null()
                    )
                ],
                Kind.DRAFT,
                draft_rule,
                now,
            )
            Draft.delete().where(Draft.id == draft_id).execute()
            tombstones.record(Kind.DRAFT, "draft", draft_id, draft_rule, now)
        _shred(upload_dir, files)
        counts[Kind.DRAFT] += 1
    for evidence_id in todo.stray_evidence:
        with write_transaction():
            files = _forget_evidence(
                [
                    row.id
                    for row in Evidence.select(Evidence.id).where(
                        (Evidence.id == evidence_id) & Evidence.case.is_null() & Evidence.draft.is_null()
                    )
                ],
                Kind.DRAFT,
                draft_rule,
                now,
            )
        _shred(upload_dir, files)
        counts[Kind.EVIDENCE] += len(files)

    counts[Kind.REGISTER] += len(perpetrators.expire_due(now, actor_id=actor_id, ip=ip))

    meeting_rule = rule(Kind.MEETING)
    for meeting_id in todo.meetings:
        with write_transaction():
            # Checked again inside the transaction: a hold may have been placed on one of its cases.
            if not Meeting.select().where((Meeting.id == meeting_id) & _meeting_condition(now)).exists():
                continue
            Disrupter.update(description="", name=None).where(Disrupter.meeting == meeting_id).execute()
            Meeting.update(decided_with=None).where(Meeting.id == meeting_id).execute()
            tombstones.record(Kind.MEETING, "meeting", meeting_id, meeting_rule, now)
            audit.record(
                "meeting_anonymised",
                actor_id=actor_id,
                object_type="meeting",
                object_id=meeting_id,
                ip=ip,
                detail=meeting_rule,
            )
        counts[Kind.MEETING] += 1

    audit_rule = rule(Kind.AUDIT)
    with write_transaction():
        through, _count = audit.prune_plan(_months_ago(now, "retention_audit_months"))
        first = audit.latest_checkpoint()
        pruned = audit.prune_before(_months_ago(now, "retention_audit_months"), actor_id=actor_id)
        if pruned:
            start = first.through_id + 1 if first else 1
            tombstones.record(Kind.AUDIT, "audit_entry", f"{start}-{through}", audit_rule, now)
            counts[Kind.AUDIT] += pruned

    shred_orphans(upload_dir, now)
    audit.record(
        "retention_applied",
        actor_id=actor_id,
        object_type="retention",
        ip=ip,
        detail=" ".join(f"{kind.value}={counts[kind]}" for kind in Kind) + f" held={todo.held_cases}",
    )
    return Result(counts=counts, skipped_held=skipped)


# --- inzageverzoek (AVG art. 15) ------------------------------------------------------------------


def subject_access(user: User, perpetrator_id: int) -> dict:
    """Everything the portal holds about one perpetrator, as their own personal data only, put
    together by `user` (incidents against employees through models.visibility, which refuses
    anyone but the security officer).

    Included: the register entry; per linked case the date, kind of behaviour, channel and what
    the case records about the perpetrator (name, date of birth, address, description,
    organisation, their online accounts and links); incidents against employees; measures against
    them (type, state, dates, description and reasons — the basis of a decision about them);
    police reports filed (date and status); what they owe (recoveries, instalments, payments,
    steps). Left out, as other people's data or internal security advice: who the victim is,
    the narrative, location, notes, messages, aftercare, evidence files, the security officer's
    advice on measures, and names of employees."""
    person = Perpetrator.get_by_id(perpetrator_id)
    links = list(
        CasePerpetrator.select()
        .where(CasePerpetrator.perpetrator == perpetrator_id)
        .order_by(CasePerpetrator.linked_at)
    )
    cases = []
    for link in links:
        case = Case.get_by_id(link.case_id)
        reports = (
            PoliceReport.select().where(PoliceReport.case == case.id).order_by(PoliceReport.filed_on, PoliceReport.id)
        )
        cases.append(
            {
                "reference": case.reference,
                "occurred_at": case.occurred_at,
                "created_at": case.created_at,
                "behaviour_class": case.behaviour_class,
                "channel": case.channel,
                "platform": case.platform,
                "perpetrator_name": case.perpetrator_name,
                "perpetrator_birth_date": case.perpetrator_birth_date,
                "perpetrator_address": case.perpetrator_address,
                "perpetrator_description": case.perpetrator_description,
                "perpetrator_organisation": case.perpetrator_organisation,
                "perpetrator_acts_for": case.perpetrator_acts_for,
                "online": [
                    {
                        "platform": entry.platform,
                        "sender_account": entry.sender_account,
                        "urls": entry.urls,
                        "message_at": entry.message_at,
                    }
                    for entry in case.online_entries.order_by(OnlineEntry.id)
                ],
                "police": [{"filed_on": report.filed_on, "status": report.status} for report in reports],
                "linked_at": link.linked_at,
            }
        )
    measures = [
        {
            "type": m.type,
            "state": m.state,
            "proposed_at": m.proposed_at,
            "decided_at": m.decided_at,
            "starts_on": m.starts_on,
            "ends_on": m.ends_on,
            "description": m.description,
            "reasons": m.reasons,
            "decision_reasons": m.decision_reasons,
            # Their side as they gave it, their objections and the decisions on them, the violations of a
            # ban; not who heard them or who saw a violation (employees' names are other people's data).
            "hearings": [
                {"held_on": h.held_on, "outcome": h.outcome, "account": h.account}
                for h in m.hearings.order_by(MeasureHearing.held_on, MeasureHearing.id)
            ],
            "objections": [
                {"received_on": o.received_on, "grounds": o.grounds, "outcome": o.outcome, "reasons": o.outcome_reasons}
                for o in m.objections.order_by(MeasureObjection.received_on, MeasureObjection.id)
            ],
            "violations": [
                {"occurred_at": v.occurred_at, "location": v.location}
                for v in m.violations.order_by(BanViolation.occurred_at, BanViolation.id)
            ],
        }
        for m in Measure.select().where(Measure.perpetrator == perpetrator_id).order_by(Measure.proposed_at)
    ]
    incidents = [
        {"occurred_on": i.occurred_on, "behaviour_class": i.behaviour_class, "summary": i.summary}
        for i in visibility.employee_incidents(user, person)
    ]
    accounts = [{"platform": a.platform, "account": a.account} for a in perpetrators.accounts_of(person)]
    recoveries = []
    for recovery in Recovery.select().where(Recovery.perpetrator == perpetrator_id).order_by(Recovery.id):
        balance = damages.balances(recovery=recovery)
        recoveries.append(
            {
                "payment_reference": recovery.payment_reference,
                "created_at": recovery.created_at,
                "to_recover": balance.to_recover,
                "recovered": balance.recovered,
                "written_off": balance.written_off,
                "outstanding": balance.outstanding,
                "overpaid_open": balance.overpayment_open,
                "instalments": [
                    {"due_on": i.due_on, "amount_cents": i.amount_cents} for i in damages.current_instalments(recovery)
                ],
                "payments": [
                    {"booked_on": e.booked_on, "kind": e.kind, "cents": e.signed_cents}
                    for e in recovery.ledger.order_by(LedgerEntry.booked_on, LedgerEntry.id)
                ],
                "steps": [
                    {"kind": s.kind, "done_on": s.done_on, "note": s.note}
                    for s in recovery.steps.order_by(RecoveryStep.done_on, RecoveryStep.id)
                ],
            }
        )
    return {
        "perpetrator": person,
        "cases": cases,
        "measures": measures,
        "employee_incidents": incidents,
        "online_accounts": accounts,
        "recoveries": recoveries,
        "owed_cents": damages.owed_by(perpetrator_id),
    }
