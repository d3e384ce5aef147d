"""Realistic data for the benchmarks, built with the portal's own rules and encryption.

Rows are made by the functions the portal uses when a report is filed (routing.route_for,
scheme.classify and reporting_advice, aftercare.aftercare_due_dates, the encrypted fields of the
models, audit._digest for the hash chain) and written with `insert_many` in batches, because filing
100 000 reports one by one through `registration.file_case` would take the whole time budget.
"""
from __future__ import annotations

import datetime as dt
import random

from models import aftercare, audit, clock, routing, scheme
from models.accounts import Role, User, hash_password, new_totp_secret
from models.audit import AuditEntry
from models.cases import Case, CaseAccess, CaseEvent, Channel, Evidence, OnlineEntry, Status, format_reference
from models.db import db
from models.deadlines import Deadline, DeadlineKind

TOTAL_CASES = 100_000
SPAN = dt.timedelta(days=3 * 365)  # 100 000 cases over three years: a national deployment
BATCH = 500
NARRATIVE = ("Na de raadsvergadering stond hij bij de uitgang te wachten. Hij zei dat hij wist waar ik woon "
             "en dat ik 'wel zou zien wat er gebeurt' als ik zo zou blijven stemmen.")
OPEN_STATUSES = [Status.NEW, Status.IN_PROGRESS, Status.MEASURES, Status.AFTERCARE]


def people(password: str = "bench-wachtwoord-lang-genoeg") -> dict:
    """Handlers (one per handling role), 200 office holders who report, and a finance officer."""
    password_hash = hash_password(password)  # one bcrypt hash for all: the cost is not what is measured
    made = {}
    with db.atomic():
        for role in (Role.MAYOR, Role.MUNICIPAL_SECRETARY, Role.CLERK, Role.DEPUTY_CLERK, Role.SECURITY_OFFICER,
                     Role.FINANCE_OFFICER):
            made[role] = User.create(email=f"{role.value}@bench.example", name=f"{role.value.title()} Bench",
                                     role=role.value, password_hash=password_hash, totp_secret=new_totp_secret(),
                                     is_active=True, activated_at=clock.utcnow())
        reporters = []
        for n in range(200):
            role = (Role.COUNCIL_MEMBER, Role.ALDERMAN, Role.PARTY_STAFF)[n % 3] if hasattr(Role, "PARTY_STAFF") \
                else (Role.COUNCIL_MEMBER, Role.ALDERMAN)[n % 2]
            reporters.append(User.create(email=f"holder{n}@bench.example", name=f"Raadslid {n}", role=role.value,
                                         password_hash=password_hash, totp_secret=new_totp_secret(),
                                         is_active=True, activated_at=clock.utcnow()))
    made["reporters"] = reporters
    return made


class CaseSeeder:
    """Cases spread evenly over three years; `add(n)` adds the next n of a fixed random order, so
    1 000, 10 000 and 100 000 cases all look alike (same spread of dates, classes and statuses)."""

    def __init__(self, reporters, now: dt.datetime, seed: int = 9):
        self.rng = random.Random(seed)
        self.now = now
        self.reporters = reporters
        self.routes = {r.id: routing.route_for(r) for r in reporters}
        start = now - SPAN
        moments = sorted(start + dt.timedelta(seconds=self.rng.uniform(0, SPAN.total_seconds()))
                         for _ in range(TOTAL_CASES))
        numbers, self.slots = {}, []
        for moment in moments:  # numbered in time order, per local year, as the portal does
            year = clock.to_local(moment).year
            numbers[year] = numbers.get(year, 0) + 1
            self.slots.append((moment, year, numbers[year]))
        self.rng.shuffle(self.slots)
        self.added = 0

    def add(self, count: int) -> None:
        from models import settings

        chosen, self.added = self.slots[self.added:self.added + count], self.added + count
        read, cache = settings.get, {}
        settings.get = lambda key: cache[key] if key in cache else cache.setdefault(key, read(key))  # one read per setting
        try:
            for first in range(0, len(chosen), BATCH):
                with db.atomic():
                    self._write(chosen[first:first + BATCH])
        finally:
            settings.get = read

    def _write(self, slots) -> None:
        rng = self.rng
        rows, meta = [], []
        for created_at, year, number in slots:
            reporter = rng.choice(self.reporters)
            codes = rng.sample(["complaining", "threatening", "insulting", "swearing", "intimidating",
                                "hitting", "stalking", "doxing"], k=rng.randint(1, 2))
            codes = [c for c in codes if c in scheme.BEHAVIOUR_BY_CODE] or [scheme.BEHAVIOURS[0].code]
            behaviour_class = scheme.classify(codes)
            after = rng.choice(list(scheme.AfterAddressed))
            recurring = rng.random() < 0.2
            age = self.now - created_at
            status = Status.CLOSED if age > dt.timedelta(days=90) else rng.choice(OPEN_STATUSES)
            channel = rng.choice(list(Channel))
            rows.append(dict(
                reference=format_reference(year, number), year=year, number=number, kind="report",
                status=status.value, reporter=reporter.id, filed_by=reporter.id, reporter_role=reporter.role,
                behaviour_class=behaviour_class.value, behaviours=",".join(codes), after_addressed=after.value,
                recurring=recurring, advice=scheme.reporting_advice(behaviour_class, after, recurring).value,
                target="self", occurred_at=created_at - dt.timedelta(hours=rng.randint(1, 72)),
                occurred_time_known=True, channel=channel.value, location="Stadhuis, ingang Markt",
                narrative=NARRATIVE, platform="X" if channel == Channel.SOCIAL_MEDIA else None,
                perpetrator_known=rng.random() < 0.5, perpetrator_name="Piet de Boer",
                consent_police_report=rng.random() < 0.4, created_at=created_at,
                closed_at=created_at + dt.timedelta(days=60) if status == Status.CLOSED else None))
            meta.append((reporter, created_at, channel))
        Case.insert_many(rows).execute()
        references = [row["reference"] for row in rows]
        ids = dict(Case.select(Case.reference, Case.id).where(Case.reference.in_(references)).tuples())
        access, events, entries, evidence, conversations, due = [], [], [], [], [], []
        for row, (reporter, created_at, channel) in zip(rows, meta):
            case_id = ids[row["reference"]]
            route = self.routes[reporter.id]
            access += [dict(case=case_id, role=role.value, kind=routing.HANDLES, created_at=created_at)
                       for role in route.handles]
            access += [dict(case=case_id, role=role.value, kind=routing.INFORMED, created_at=created_at)
                       for role in route.informed]
            events.append(dict(case=case_id, at=created_at, actor=reporter.id, kind="submitted", detail=""))
            events.append(dict(case=case_id, at=created_at + dt.timedelta(hours=2), actor=reporter.id, kind="note",
                               detail="", body="Gebeld met de melder; politie is ingelicht."))
            evidence.append(dict(case=case_id, filename="schermafbeelding.png", content_type="image/png",
                                 size=48_213, sha256="0" * 64, storage_name=f"bench{case_id:010d}",
                                 uploaded_by=reporter.id, uploaded_at=created_at))
            if channel in (Channel.SOCIAL_MEDIA, Channel.EMAIL):
                entries.append(dict(case=case_id, platform="X", sender_account="@boze_burger",
                                    urls="https://x.example/status/1", message_at=created_at,
                                    added_by=reporter.id, added_at=created_at))
            holders = ",".join(sorted(r.value for r in aftercare.aftercare_holders(reporter.role)))
            for conversation in aftercare.aftercare_due_dates(created_at):
                held = row["status"] == Status.CLOSED.value
                conversations.append(dict(case=case_id, number=conversation.number, due_from=conversation.due_from,
                                          due_at=conversation.due_at, holder_roles=holders,
                                          outcome="held" if held else "planned",
                                          held_at=conversation.due_at if held else None))
                due.append(dict(case=case_id, kind=DeadlineKind(f"aftercare_{conversation.number}").value,
                                due_at=conversation.due_at, remind_at=conversation.due_at - dt.timedelta(hours=24),
                                escalate_at=conversation.due_at, remind_roles=holders,
                                escalate_roles="mayor,municipal_secretary", reminded_at=conversation.due_at,
                                done_at=conversation.due_at if held else None))
        from models.aftercare import Conversation

        for model, batch in ((CaseAccess, access), (CaseEvent, events), (OnlineEntry, entries),
                             (Evidence, evidence), (Conversation, conversations), (Deadline, due)):
            for first in range(0, len(batch), BATCH):
                model.insert_many(batch[first:first + BATCH]).execute()


def audit_entries(count: int, actor_ids: list[int], case_ids: list[int], batch: int = 2000) -> None:
    """`count` entries appended to the hash chain (views, logins, changes), chained with the
    portal's own digest."""
    rng = random.Random(4)
    last = AuditEntry.select(AuditEntry.hash).order_by(AuditEntry.id.desc()).first()
    prev_hash = last.hash if last else audit.GENESIS
    at = clock.utcnow() - dt.timedelta(days=3 * 365)
    step = dt.timedelta(days=3 * 365) / max(count, 1)
    actions = ["case_viewed"] * 6 + ["inbox_viewed"] * 3 + ["login", "case_note_added", "evidence_downloaded"]
    written = 0
    while written < count:
        rows = []
        for _ in range(min(batch, count - written)):
            at += step
            at = at.replace(microsecond=at.microsecond)
            actor, action = rng.choice(actor_ids), rng.choice(actions)
            object_type, object_id = ("case", str(rng.choice(case_ids))) if action.startswith(("case", "evidence")) \
                else (None, None)
            ip = f"10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
            digest = audit._digest(prev_hash, at, actor, action, object_type, object_id, ip, "")
            rows.append((at, actor, action, object_type, object_id, ip, "", prev_hash, digest))
            prev_hash = digest
            written += 1
        with db.atomic():
            AuditEntry.insert_many(rows, fields=[AuditEntry.at, AuditEntry.actor_id, AuditEntry.action,
                                                 AuditEntry.object_type, AuditEntry.object_id, AuditEntry.ip,
                                                 AuditEntry.detail, AuditEntry.prev_hash, AuditEntry.hash]).execute()
