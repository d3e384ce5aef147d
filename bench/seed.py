"""Realistic data for the benchmarks, built with the portal's own rules and encryption.

Rows are made by the functions the portal uses when a report is filed (routing.route_for,
scheme.classify and reporting_advice, aftercare.aftercare_due_dates, the encrypted fields of the
models, audit._digest for the hash chain) and written in bulk, because filing 100 000 reports one by
one through `registration.file_case` would take the whole time budget: every value goes through its
model field's `db_value` (so encrypted fields are encrypted by the portal's own code; equal plaintexts
of the small template set are encrypted once and reused), then the rows are written with the driver
directly — `executemany` on SQLite inside one transaction, `COPY … FROM STDIN` on PostgreSQL. Ids are
given in Python (no read-back), and PostgreSQL's sequences are moved past them afterwards.
"""

from __future__ import annotations

import datetime as dt
import io
import queue
import random
import threading

import peewee

from models import aftercare, audit, clock, routing, scheme
from models.accounts import Role, User, hash_password, new_totp_secret
from models.audit import AuditEntry
from models.cases import Case, CaseAccess, CaseEvent, Channel, Evidence, OnlineEntry, Status, format_reference
from models.consent import ConsentRecord
from models.crypto import EncryptedTextField
from models.db import database_from_url, db
from models.deadlines import Deadline, DeadlineKind
from models.measures import Measure
from models.protection import AcuteThreat

TOTAL_CASES = 100_000
SPAN = dt.timedelta(days=3 * 365)  # 100 000 cases over three years: a national deployment
BATCH = 5000
NARRATIVE = (
    "Na de raadsvergadering stond hij bij de uitgang te wachten. Hij zei dat hij wist waar ik woon "
    "en dat ik 'wel zou zien wat er gebeurt' als ik zo zou blijven stemmen."
)
OPEN_STATUSES = [Status.NEW, Status.IN_PROGRESS, Status.MEASURES, Status.AFTERCARE]


def people(password: str = "bench-wachtwoord-lang-genoeg") -> dict:
    """Handlers (one per handling role), 200 office holders who report, and a finance officer."""
    password_hash = hash_password(password)  # one bcrypt hash for all: the cost is not what is measured
    made = {}
    with db.atomic():
        for role in (
            Role.MAYOR,
            Role.MUNICIPAL_SECRETARY,
            Role.CLERK,
            Role.DEPUTY_CLERK,
            Role.SECURITY_OFFICER,
            Role.FINANCE_OFFICER,
        ):
            made[role] = User.create(
                email=f"{role.value}@bench.example",
                name=f"{role.value.title()} Bench",
                role=role.value,
                password_hash=password_hash,
                totp_secret=new_totp_secret(),
                is_active=True,
                activated_at=clock.utcnow(),
            )
        reporters = []
        for n in range(200):
            role = (
                (Role.COUNCIL_MEMBER, Role.ALDERMAN, Role.PARTY_STAFF)[n % 3]
                if hasattr(Role, "PARTY_STAFF")
                else (Role.COUNCIL_MEMBER, Role.ALDERMAN)[n % 2]
            )
            reporters.append(
                User.create(
                    email=f"holder{n}@bench.example",
                    name=f"Raadslid {n}",
                    role=role.value,
                    password_hash=password_hash,
                    totp_secret=new_totp_secret(),
                    is_active=True,
                    activated_at=clock.utcnow(),
                )
            )
    made["reporters"] = reporters
    return made


# --- bulk writing -----------------------------------------------------------------------------------


class BulkWriter:
    """Writes rows for one model with the driver: values converted by the model's own fields
    (`db_value`), ids given here. Encrypted values are cached per plaintext: the seeded texts come from
    a small template set, and AES-GCM over a million equal strings would measure nothing useful."""

    def __init__(self, model):
        self.model = model
        self.fields = [f for f in model._meta.sorted_fields]
        self.names = [f.name for f in self.fields]
        self.columns = [f.column_name for f in self.fields]
        self.next_id = (model.select(peewee.fn.MAX(model._meta.primary_key)).scalar() or 0) + 1
        self.cache: dict[tuple, object] = {}
        self.converters = []
        for field in self.fields:
            default = field.default
            if isinstance(field, EncryptedTextField):
                self.converters.append((field.name, self._encrypted(field), default))
            else:
                self.converters.append((field.name, field.db_value, default))

    def _encrypted(self, field):
        def convert(value, cache=self.cache, name=field.name):
            if value is None:
                return None
            key = (name, value)
            if key not in cache:
                cache[key] = field.db_value(value)
            return cache[key]

        return convert

    def take_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def values(self, row: dict) -> tuple:
        out = []
        for name, convert, default in self.converters:
            if name in row:
                value = row[name]
            elif name == "id":
                value = self.take_id()
                row["id"] = value
            else:
                value = default() if callable(default) else default
            out.append(convert(value))
        return tuple(out)

    def write(self, rows, sinks) -> None:
        """`rows`: dicts (field names); the converted rows go to every sink (database)."""
        tuples = [self.values(r) for r in rows]
        for sink in sinks:
            sink.put(self.model, self.columns, tuples)


class Sink:
    """Writes to one database from a thread of its own, in one transaction from start to `close()`:
    the rows are built once (in the caller's thread) and written to SQLite and PostgreSQL at once,
    PostgreSQL's server working on the other core meanwhile."""

    def __init__(self, database):
        self.database, self.error, self.models = database, None, set()
        self.queue: queue.Queue = queue.Queue(maxsize=4)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def put(self, model, columns, tuples) -> None:
        self.queue.put((model, columns, tuples))

    def _run(self) -> None:
        database = self.database
        database.connect(reuse_if_open=True)
        try:
            if isinstance(database, peewee.SqliteDatabase):  # this connection only: bulk loading
                database.execute_sql("PRAGMA cache_size=-400000")
                database.execute_sql("PRAGMA synchronous=OFF")
            with database.atomic():
                while (item := self.queue.get()) is not None:
                    write_tuples(database, *item)
                    self.models.add(item[0])
                move_sequences(database, self.models)
        except BaseException as error:  # noqa: BLE001 - reported by close()
            self.error = error
            while self.queue.get() is not None:  # keep taking, so the producer never blocks
                pass
        finally:
            database.close()

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error:
            raise self.error


def write_tuples(database, model, columns, tuples) -> int:
    table = model._meta.table_name
    column_list = ", ".join(f'"{c}"' for c in columns)
    if isinstance(database, peewee.PostgresqlDatabase):
        buffer = io.StringIO()
        count = 0
        for values in tuples:
            buffer.write("\t".join(_copy_text(v) for v in values))
            buffer.write("\n")
            count += 1
        buffer.seek(0)
        database.cursor().copy_expert(f'COPY "{table}" ({column_list}) FROM STDIN', buffer)
        return count
    rows = list(tuples)
    marks = ", ".join("?" * len(columns))
    database.cursor().executemany(f'INSERT INTO "{table}" ({column_list}) VALUES ({marks})', rows)
    return len(rows)


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def move_sequences(database, models) -> None:
    """After rows with given ids: PostgreSQL's id sequences continue after the highest id."""
    if not isinstance(database, peewee.PostgresqlDatabase):
        return
    for model in models:
        table = model._meta.table_name
        database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'COALESCE((SELECT MAX("id") FROM "{table}"), 1))'
        )


class CaseSeeder:
    """Cases spread evenly over three years; `add(n)` adds the next n of a fixed random order, so
    1 000, 10 000 and 100 000 cases all look alike (same spread of dates, classes and statuses)."""

    def __init__(self, reporters, now: dt.datetime, seed: int = 9):
        self.rng = random.Random(seed)
        self.work_rng = random.Random(seed + 1)  # measures and threats, without changing the cases' draws
        self.history_rng = random.Random(seed + 2)  # measures of closed cases, without changing either
        self.now = now
        self.reporters = reporters
        self.routes = {r.id: routing.route_for(r) for r in reporters}
        start = now - SPAN
        moments = sorted(
            start + dt.timedelta(seconds=self.rng.uniform(0, SPAN.total_seconds())) for _ in range(TOTAL_CASES)
        )
        numbers, self.slots = {}, []
        for moment in moments:  # numbered in time order, per local year, as the portal does
            year = clock.to_local(moment).year
            numbers[year] = numbers.get(year, 0) + 1
            self.slots.append((moment, year, numbers[year]))
        self.rng.shuffle(self.slots)
        self.added = 0

    def add(self, count: int, sinks) -> None:
        """Build the next `count` cases once and hand them to every sink (database)."""
        from models import settings
        from models.aftercare import Conversation

        chosen, self.added = self.slots[self.added : self.added + count], self.added + count
        read, cache = settings.get, {}
        settings.get = lambda key: (
            cache[key] if key in cache else cache.setdefault(key, read(key))
        )  # one read per setting
        models = (
            Case,
            CaseAccess,
            CaseEvent,
            OnlineEntry,
            Evidence,
            Conversation,
            Deadline,
            ConsentRecord,
            Measure,
            AcuteThreat,
        )
        self.sinks = sinks
        try:
            self.writers = {model: BulkWriter(model) for model in models}
            for first in range(0, len(chosen), BATCH):
                self._write(chosen[first : first + BATCH])
        finally:
            settings.get = read

    def _write(self, slots) -> None:
        rng, work_rng, history_rng = self.rng, self.work_rng, self.history_rng
        rows, meta = [], []
        for created_at, year, number in slots:
            reporter = rng.choice(self.reporters)
            codes = rng.sample(
                [
                    "complaining",
                    "threatening",
                    "insulting",
                    "swearing",
                    "intimidating",
                    "hitting",
                    "stalking",
                    "doxing",
                ],
                k=rng.randint(1, 2),
            )
            codes = [c for c in codes if c in scheme.BEHAVIOUR_BY_CODE] or [scheme.BEHAVIOURS[0].code]
            behaviour_class = scheme.classify(codes)
            after = rng.choice(list(scheme.AfterAddressed))
            recurring = rng.random() < 0.2
            age = self.now - created_at
            status = Status.CLOSED if age > dt.timedelta(days=90) else rng.choice(OPEN_STATUSES)
            channel = rng.choice(list(Channel))
            consented = rng.random() < 0.4  # to a police report, in the report (models.consent)
            rows.append(
                dict(
                    reference=format_reference(year, number),
                    year=year,
                    number=number,
                    kind="report",
                    status=status.value,
                    reporter=reporter.id,
                    filed_by=reporter.id,
                    reporter_role=reporter.role,
                    behaviour_class=behaviour_class.value,
                    behaviours=",".join(codes),
                    after_addressed=after.value,
                    recurring=recurring,
                    advice=scheme.reporting_advice(behaviour_class, after, recurring).value,
                    target="self",
                    occurred_at=created_at - dt.timedelta(hours=rng.randint(1, 72)),
                    occurred_time_known=True,
                    channel=channel.value,
                    location="Stadhuis, ingang Markt",
                    narrative=NARRATIVE,
                    platform="X" if channel == Channel.SOCIAL_MEDIA else None,
                    perpetrator_known=rng.random() < 0.5,
                    perpetrator_name="Piet de Boer",
                    created_at=created_at,
                    closed_at=created_at + dt.timedelta(days=60) if status == Status.CLOSED else None,
                )
            )
            meta.append((reporter, created_at, channel, consented))
        self.writers[Case].write(rows, self.sinks)  # gives each row its id
        access, events, entries, evidence, conversations, due, consents = [], [], [], [], [], [], []
        proposed, acute = [], []
        for row, (reporter, created_at, channel, consented) in zip(rows, meta, strict=True):
            case_id = row["id"]
            route = self.routes[reporter.id]
            access += [
                dict(case=case_id, role=role.value, kind=routing.HANDLES, created_at=created_at)
                for role in route.handles
            ]
            access += [
                dict(case=case_id, role=role.value, kind=routing.INFORMED, created_at=created_at)
                for role in route.informed
            ]
            events.append(dict(case=case_id, at=created_at, actor=reporter.id, kind="submitted", detail=""))
            if consented:
                consents.append(
                    dict(
                        case=case_id,
                        purpose="police_report",
                        given=True,
                        at=created_at,
                        actor=reporter.id,
                        how="in_report",
                        recorded_at=created_at,
                    )
                )
            events.append(
                dict(
                    case=case_id,
                    at=created_at + dt.timedelta(hours=2),
                    actor=reporter.id,
                    kind="note",
                    detail="",
                    body="Gebeld met de melder; politie is ingelicht.",
                )
            )
            evidence.append(
                dict(
                    case=case_id,
                    filename="schermafbeelding.png",
                    content_type="image/png",
                    size=48_213,
                    sha256="0" * 64,
                    storage_name=f"bench{case_id:010d}",
                    uploaded_by=reporter.id,
                    uploaded_at=created_at,
                )
            )
            if channel in (Channel.SOCIAL_MEDIA, Channel.EMAIL):
                entries.append(
                    dict(
                        case=case_id,
                        platform="X",
                        sender_account="@boze_burger",
                        urls="https://x.example/status/1",
                        message_at=created_at,
                        added_by=reporter.id,
                        added_at=created_at,
                    )
                )
            # What the start pages count (issue 15): on one open case in twenty a measure waits for a
            # decision without the security officer's advice (half of them a building ban, the mayor's),
            # and one in fifty is an acute threat. A separate generator: the cases stay as they were.
            if row["status"] != Status.CLOSED.value:
                if work_rng.random() < 0.05:
                    ban = work_rng.random() < 0.5
                    proposed.append(
                        dict(
                            case=case_id,
                            type="building_ban" if ban else "warning_written",
                            state="proposed",
                            reasons="Hij dreigde het raadslid thuis op te zoeken.",
                            proposed_by=reporter.id,
                            proposed_at=created_at + dt.timedelta(hours=3),
                            starts_on=(created_at + dt.timedelta(days=7)).date() if ban else None,
                            ends_on=(created_at + dt.timedelta(days=97)).date() if ban else None,
                        )
                    )
                if work_rng.random() < 0.02:
                    acute.append(
                        dict(case=case_id, marked_at=created_at + dt.timedelta(hours=1), marked_by=reporter.id)
                    )
            # History (session 8): one closed case in four had a written warning, decided and ended, so the
            # measure table grows with the cases as it does in a municipality and a list of the measures
            # waiting shows whether it reads only those.
            elif history_rng.random() < 0.25:
                proposed.append(
                    dict(
                        case=case_id,
                        type="warning_written",
                        state="ended",
                        reasons="Hij schold het raadslid uit op straat.",
                        proposed_by=reporter.id,
                        proposed_at=created_at + dt.timedelta(hours=3),
                        decided_by=reporter.id,
                        decided_at=created_at + dt.timedelta(days=2),
                        ended_at=created_at + dt.timedelta(days=30),
                    )
                )
            holders = ",".join(sorted(r.value for r in aftercare.aftercare_holders(reporter.role)))
            for conversation in aftercare.aftercare_due_dates(created_at):
                held = row["status"] == Status.CLOSED.value
                conversations.append(
                    dict(
                        case=case_id,
                        number=conversation.number,
                        due_from=conversation.due_from,
                        due_at=conversation.due_at,
                        holder_roles=holders,
                        outcome="held" if held else "planned",
                        held_at=conversation.due_at if held else None,
                    )
                )
                due.append(
                    dict(
                        case=case_id,
                        kind=DeadlineKind(f"aftercare_{conversation.number}").value,
                        due_at=conversation.due_at,
                        remind_at=conversation.due_at - dt.timedelta(hours=24),
                        escalate_at=conversation.due_at,
                        remind_roles=holders,
                        escalate_roles="mayor,municipal_secretary",
                        reminded_at=conversation.due_at,
                        done_at=conversation.due_at if held else None,
                    )
                )
        from models.aftercare import Conversation

        for model, batch in (
            (CaseAccess, access),
            (CaseEvent, events),
            (OnlineEntry, entries),
            (Evidence, evidence),
            (Conversation, conversations),
            (Deadline, due),
            (ConsentRecord, consents),
            (Measure, proposed),
            (AcuteThreat, acute),
        ):
            self.writers[model].write(batch, self.sinks)


def audit_entries(count: int, actor_ids: list[int], case_ids: list[int], urls: list[str], batch: int = 50_000) -> str:
    """`count` entries appended to the (empty) hash chain of every database, chained with the
    portal's own digest. One process per database, so SQLite and PostgreSQL load at the same time on
    two cores (threads of one process spent most of the time waiting for each other's GIL). Each
    process makes the same chain from the same random seed; the audit table's secondary indexes are
    dropped during the load and built again afterwards (five million rows into four b-trees one by
    one took most of the time)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")  # the children inherit the imported portal
    start = clock.utcnow() - dt.timedelta(days=3 * 365)
    children = [
        context.Process(target=_load_audit, args=(url, count, actor_ids, case_ids, start, batch), daemon=True)
        for url in urls
    ]
    for child in children:
        child.start()
    for child, url in zip(children, urls, strict=True):
        child.join()
        if child.exitcode != 0:
            raise RuntimeError(f"loading audit entries into {url} failed (exit code {child.exitcode})")
    newest = set()
    for url in urls:
        database = database_from_url(url)
        with database.connection_context():
            newest.add(
                database.execute_sql(
                    f'SELECT "hash" FROM "{AuditEntry._meta.table_name}" ORDER BY "id" DESC LIMIT 1'
                ).fetchone()[0]
            )
    if len(newest) != 1:
        raise RuntimeError("the databases' audit chains differ after loading")
    return newest.pop()


def _load_audit(
    url: str, count: int, actor_ids: list[int], case_ids: list[int], start: dt.datetime, batch: int
) -> None:
    database = database_from_url(url)  # a connection of this process's own, never the parent's
    table = AuditEntry._meta.table_name
    postgres = isinstance(database, peewee.PostgresqlDatabase)
    database.connect()
    try:
        if postgres:
            indexes = database.execute_sql(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE '%%pkey'",
                (table,),
            ).fetchall()
        else:
            database.execute_sql("PRAGMA cache_size=-400000")
            database.execute_sql("PRAGMA synchronous=OFF")
            indexes = database.execute_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                (table,),
            ).fetchall()
        with database.atomic():
            for name, _definition in indexes:
                database.execute_sql(f'DROP INDEX "{name}"')
            columns = [
                "id",
                "at",
                "actor_id",
                "action",
                "object_type",
                "object_id",
                "ip",
                "detail",
                "prev_hash",
                "hash",
            ]
            for rows in _audit_chain(count, actor_ids, case_ids, start, batch):
                write_tuples(database, AuditEntry, columns, rows)
            for _name, definition in indexes:
                database.execute_sql(definition)
            move_sequences(database, [AuditEntry])
    finally:
        database.close()


def _audit_chain(count: int, actor_ids: list[int], case_ids: list[int], at: dt.datetime, batch: int):
    """The chain, `batch` rows at a time (memory stays flat): views, logins, changes."""
    rng = random.Random(4)
    prev_hash, next_id = audit.GENESIS, 1
    step = dt.timedelta(days=3 * 365) / max(count, 1)
    actions = ["case_viewed"] * 6 + ["inbox_viewed"] * 3 + ["login", "case_note_added", "evidence_downloaded"]
    case_actions = {a for a in actions if a.startswith(("case", "evidence"))}
    ips = [f"10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}" for _ in range(4096)]
    digest = audit._digest
    written = 0
    choice, randrange = rng.choice, rng.randrange
    while written < count:
        rows = []
        for _ in range(min(batch, count - written)):
            at += step
            actor, action = choice(actor_ids), choice(actions)
            if action in case_actions:
                object_type, object_id = "case", str(choice(case_ids))
            else:
                object_type = object_id = None
            ip = ips[randrange(4096)]
            hashed = digest(prev_hash, at, actor, action, object_type, object_id, ip, "")
            rows.append((next_id, at, actor, action, object_type, object_id, ip, "", prev_hash, hashed))
            prev_hash = hashed
            next_id += 1
            written += 1
        yield rows
