"""Damages (§6.4): the municipality first reimburses the victim, then recovers from the perpetrator.

A ledger, not a spreadsheet. Every amount is an append-only `LedgerEntry` in integer cents; nothing
is edited or deleted, a correction is a new entry that reverses an old one. Balances — claimed,
approved, reimbursed, to recover, recovered, written off, outstanding — are computed from the
entries by `balances()` alone (per case, perpetrator, recovery, item or year), and what a
perpetrator still owes by `owed_by()`. The invariants are checked by `check_invariants()` inside the
transaction of every entry, so a write that would break one is never stored. Every entry is audited.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import secrets
from dataclasses import dataclass
from enum import Enum

import peewee

from models import audit, clock, deadlines, settings, texts
from models.accounts import Role, User
from models.base import BaseModel
from models.cases import Case, Evidence, NotAllowed
from models.crypto import EncryptedTextField
from models.db import serialised, write_transaction
from models.deadlines import DeadlineKind
from models.i18n import N_
from models.perpetrators import CasePerpetrator, Perpetrator
from models.visibility import Access, case_access

LEDGER_LOCK = 0x5642_4C45  # "VBLE": serialises ledger writers on PostgreSQL (check, then append)

# Who may assess claims: setting `damages_assessor_role` is a 1-based index into this list.
ASSESSOR_ROLES = [Role.MUNICIPAL_SECRETARY, Role.MAYOR, Role.CLERK]


class Category(str, Enum):
    PROPERTY = "property"
    SECURITY = "security"
    LOST_INCOME = "lost_income"
    MEDICAL = "medical"
    LEGAL = "legal"
    OTHER = "other"


CATEGORY_LABELS = {
    Category.PROPERTY: N_("Schade aan spullen (eigendom)"),
    Category.SECURITY: N_("Extra kosten voor beveiliging"),
    Category.LOST_INCOME: N_("Gemiste inkomsten"),
    Category.MEDICAL: N_("Medische kosten die niet vergoed worden"),
    Category.LEGAL: N_("Kosten voor juridische hulp"),
    Category.OTHER: N_("Andere kosten"),
}


class EntryKind(str, Enum):
    CLAIMED = "claimed"  # the victim asks for this (per item)
    APPROVED = "approved"  # the assessor grants this (per item; 0 when rejected)
    REIMBURSED = "reimbursed"  # the municipality paid the victim (per case)
    TO_RECOVER = "to_recover"  # the municipality claims this from one perpetrator (per recovery)
    RECOVERED = "recovered"  # the perpetrator paid (per recovery)
    WRITTEN_OFF = "written_off"  # will not be recovered, with a reason (per recovery)
    OVERPAID = "overpaid"  # paid beyond what was owed: flagged until refunded (per recovery)
    REFUNDED = "refunded"  # an overpayment paid back to the perpetrator (per recovery)
    BORNE = "borne"  # a cost the municipality bears itself, e.g. professional help (§6.3) (per case)


ENTRY_LABELS = {
    EntryKind.CLAIMED: N_("Gevraagd"),
    EntryKind.APPROVED: N_("Toegekend"),
    EntryKind.REIMBURSED: N_("Uitbetaald aan de melder"),
    EntryKind.TO_RECOVER: N_("Te verhalen"),
    EntryKind.RECOVERED: N_("Ontvangen van de veroorzaker"),
    EntryKind.WRITTEN_OFF: N_("Afgeschreven"),
    EntryKind.OVERPAID: N_("Te veel betaald"),
    EntryKind.REFUNDED: N_("Terugbetaald aan de veroorzaker"),
    EntryKind.BORNE: N_("Kosten die de gemeente zelf draagt"),
}


class Decision(str, Enum):
    FULL = "full"
    PARTIAL = "partial"
    REJECTED = "rejected"


DECISION_LABELS = {
    Decision.FULL: N_("Helemaal toegekend"),
    Decision.PARTIAL: N_("Voor een deel toegekend"),
    Decision.REJECTED: N_("Afgewezen"),
}


class StepKind(str, Enum):
    LETTER_SENT = "letter_sent"
    REMINDER_SENT = "reminder_sent"
    DEMAND_SENT = "demand_sent"
    HANDED_TO_AGENCY = "handed_to_agency"
    HANDED_TO_LAWYER = "handed_to_lawyer"
    JOINED_CRIMINAL_CASE = "joined_criminal_case"  # voeging: the municipality joins as injured party


STEP_LABELS = {
    StepKind.LETTER_SENT: N_("Brief met de vordering verstuurd"),
    StepKind.REMINDER_SENT: N_("Herinnering verstuurd"),
    StepKind.DEMAND_SENT: N_("Aanmaning verstuurd"),
    StepKind.HANDED_TO_AGENCY: N_("Overgedragen aan een incassobureau"),
    StepKind.HANDED_TO_LAWYER: N_("Overgedragen aan een advocaat"),
    StepKind.JOINED_CRIMINAL_CASE: N_("Gevoegd in de strafzaak als benadeelde partij"),
}
# After these, the municipality's own reminders stop: someone else collects.
HANDED_OVER = {StepKind.HANDED_TO_AGENCY, StepKind.HANDED_TO_LAWYER}


# --- tables -----------------------------------------------------------------------------------


class DamageItem(BaseModel):
    """One item of a claim (schadepost): what it is and who asked. Its amounts are in the ledger."""

    case = peewee.ForeignKeyField(Case, backref="damage_items", on_delete="RESTRICT")
    category = peewee.CharField(max_length=16)
    description = EncryptedTextField()
    submitted_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    submitted_at = peewee.DateTimeField(default=clock.utcnow)
    token = peewee.CharField(max_length=32, unique=True)  # a form sent twice stores one item


class DamageReceipt(BaseModel):
    """A receipt or invoice for an item: evidence, stored encrypted like all evidence."""

    item = peewee.ForeignKeyField(DamageItem, backref="receipts", on_delete="RESTRICT")
    evidence = peewee.ForeignKeyField(Evidence, backref="+", unique=True, on_delete="RESTRICT")


class Recovery(BaseModel):
    """Recovering (part of) the damage from one liable perpetrator."""

    case = peewee.ForeignKeyField(Case, backref="recoveries", on_delete="RESTRICT")
    perpetrator = peewee.ForeignKeyField(Perpetrator, backref="recoveries", on_delete="RESTRICT")
    payment_reference = peewee.CharField(max_length=40, unique=True)  # what the perpetrator quotes
    created_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = peewee.DateTimeField(default=clock.utcnow)

    class Meta:
        indexes = ((("case", "perpetrator"), True),)


class Instalment(BaseModel):
    """When the perpetrator must pay what. Arrangement 1 is the claim letter's single due date;
    a payment arrangement adds a higher one that replaces it. An instalment is paid when what was
    settled since the arrangement (`settled_before_cents`) covers it and those before it."""

    recovery = peewee.ForeignKeyField(Recovery, backref="instalments", on_delete="RESTRICT")
    arrangement = peewee.IntegerField()
    number = peewee.IntegerField()
    due_on = peewee.DateField()
    amount_cents = peewee.BigIntegerField(constraints=[peewee.Check("amount_cents > 0")])
    settled_before_cents = peewee.BigIntegerField(default=0)
    agreed_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    agreed_at = peewee.DateTimeField(default=clock.utcnow)

    class Meta:
        indexes = ((("recovery", "arrangement", "number"), True),)


class RecoveryStep(BaseModel):
    """What was done to collect: letters sent, hand-over, joining the criminal case. Only added to."""

    recovery = peewee.ForeignKeyField(Recovery, backref="steps", on_delete="RESTRICT")
    kind = peewee.CharField(max_length=32)
    done_on = peewee.DateField()
    note = EncryptedTextField(null=True)
    recorded_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    recorded_at = peewee.DateTimeField(default=clock.utcnow)


class LedgerEntry(BaseModel):
    """One amount, never changed. A reversal has the same kind and amount and points at the entry it
    undoes (`reverses`); balances count it negatively."""

    case = peewee.ForeignKeyField(Case, backref="ledger", on_delete="RESTRICT")
    kind = peewee.CharField(max_length=16, index=True)
    amount_cents = peewee.BigIntegerField(constraints=[peewee.Check("amount_cents >= 0")])
    reverses = peewee.ForeignKeyField("self", null=True, unique=True, backref="reversals", on_delete="RESTRICT")
    item = peewee.ForeignKeyField(DamageItem, null=True, backref="ledger", on_delete="RESTRICT")
    recovery = peewee.ForeignKeyField(Recovery, null=True, backref="ledger", on_delete="RESTRICT")
    decision = peewee.CharField(max_length=16, null=True)  # approved entries: full, partial, rejected
    reason = EncryptedTextField(null=True)  # partial approval, rejection, write-off, correction
    booked_on = peewee.DateField(index=True)  # payment or decision date (per-year balances)
    reference = peewee.CharField(max_length=64, null=True)  # the bank's payment reference
    # The same payment recorded twice (two handlers at once, a form sent twice) is one entry.
    dedupe_key = peewee.CharField(max_length=160, null=True, unique=True)
    recorded_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    recorded_at = peewee.DateTimeField(default=clock.utcnow)

    @property
    def signed_cents(self) -> int:
        return -self.amount_cents if self.reverses_id else self.amount_cents


class MonthlyOverview(BaseModel):
    """The monthly overview mail to the finance officer: claimed in the transaction that stores it."""

    month = peewee.CharField(max_length=7, unique=True)  # "2026-03"
    sent_at = peewee.DateTimeField()


# --- amounts ----------------------------------------------------------------------------------


class AmountProblem(ValueError):
    def __init__(self, message: str, **values):
        super().__init__(message % values if values else message)
        self.message = message
        self.values = values


AMOUNT_UNCLEAR = N_("Dit bedrag is niet duidelijk. Schrijf het bijvoorbeeld als 1234,56 of 1.234,56.")


def _thousands_groups(parts: list[str]) -> bool:
    return (
        1 <= len(parts[0]) <= 3
        and parts[0].isdigit()
        and not parts[0].startswith("0")
        and all(len(p) == 3 and p.isdigit() for p in parts[1:])
    )


def parse_amount(text: str | None, *, allow_zero: bool = False) -> int:
    """An amount as people write it, in cents: Dutch "1.234,56" and "349,95", English "1,234.56",
    "1200", "€ 1.200". Never float. Raises AmountProblem with a plain Dutch message."""
    cleaned = re.sub(r"\s", "", (text or "").replace("€", "").replace("\u00a0", ""))
    if not cleaned:
        raise AmountProblem(N_("Vul een bedrag in."))
    if cleaned[0] in "-\u2212" or cleaned.endswith("-"):
        raise AmountProblem(N_("Een bedrag kan niet negatief zijn. Vul het bedrag in zonder minteken."))
    cleaned = cleaned.removeprefix("+")
    if not re.fullmatch(r"[0-9.,]+", cleaned) or not re.search(r"[0-9]", cleaned):
        raise AmountProblem(N_("Vul het bedrag in met cijfers, bijvoorbeeld 349,95."))
    last_dot, last_comma = cleaned.rfind("."), cleaned.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        decimal = "." if last_dot > last_comma else ","
        whole, _, fraction = cleaned.rpartition(decimal)
        if decimal in whole or not _thousands_groups(whole.split("," if decimal == "." else ".")):
            raise AmountProblem(AMOUNT_UNCLEAR)
        whole = whole.replace(",", "").replace(".", "")
    elif last_dot >= 0 or last_comma >= 0:
        parts = cleaned.split("." if last_dot >= 0 else ",")
        if last_comma >= 0 and len(parts) == 2 and len(parts[1]) == 3:
            # "349,955": a Dutch reader sees three decimals, an English one thousands — ask
            raise AmountProblem(
                N_(
                    "Een bedrag heeft hoogstens twee cijfers achter de komma. Bedoelt u duizendtallen? "
                    "Schrijf dan een punt, bijvoorbeeld 1.234 of 1.234,56."
                )
            )
        if len(parts) > 2 or (len(parts[-1]) == 3 and _thousands_groups(parts)):
            # "1.200", "1,200", "1.234.567": the separator groups thousands
            if not _thousands_groups(parts):
                raise AmountProblem(AMOUNT_UNCLEAR)
            whole, fraction = "".join(parts), ""
        else:
            whole, fraction = parts
    else:
        whole, fraction = cleaned, ""
    whole = whole or "0"
    if not whole.isdigit() or (fraction and not fraction.isdigit()):
        raise AmountProblem(AMOUNT_UNCLEAR)
    if len(fraction) > 2:
        raise AmountProblem(N_("Een bedrag heeft hoogstens twee cijfers achter de komma, bijvoorbeeld 349,95."))
    limit = settings.get("damages_sanity_limit_euros") * 100
    if len(whole.lstrip("0")) > 15:
        raise AmountProblem(N_("Dit bedrag is hoger dan %(limit)s. Controleer het bedrag."), limit=format_euros(limit))
    cents = int(whole) * 100 + int(fraction.ljust(2, "0") or "0")
    if cents == 0 and not allow_zero:
        raise AmountProblem(N_("Vul een bedrag in dat hoger is dan nul."))
    if cents > limit:
        raise AmountProblem(
            N_(
                "Dit bedrag is hoger dan %(limit)s. Controleer het bedrag. Klopt het toch? "
                "Vraag de functioneel beheerder de grens aan te passen."
            ),
            limit=format_euros(limit),
        )
    return cents


def format_euros(cents: int) -> str:
    """Dutch notation, as in letters: € 1.234,56 (negative: € -1.234,56)."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"€ {sign}{euros:,}".replace(",", ".") + f",{rest:02d}"


def cents_as_decimal_text(cents: int) -> str:
    """For exports: 1234.56 (a dot, no thousands separator), exact."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros}.{rest:02d}"


def split_evenly(total_cents: int, parts: int) -> list[int]:
    """Split an amount over perpetrators or instalments; the shares add up to the cent."""
    if parts < 1 or total_cents < 0:
        raise ValueError("split")
    share, rest = divmod(total_cents, parts)
    return [share + (1 if i < rest else 0) for i in range(parts)]


# --- balances: computed from entries, here and nowhere else ---------------------------------


@dataclass(frozen=True)
class Balance:
    claimed: int = 0
    approved: int = 0
    reimbursed: int = 0
    to_recover: int = 0
    recovered: int = 0
    written_off: int = 0
    overpaid: int = 0
    refunded: int = 0
    borne: int = 0

    @property
    def outstanding(self) -> int:
        """Still to be recovered from the perpetrator(s)."""
        return self.to_recover - self.recovered - self.written_off

    @property
    def to_reimburse(self) -> int:
        """Approved but not yet paid to the victim."""
        return self.approved - self.reimbursed

    @property
    def overpayment_open(self) -> int:
        """Paid beyond what was owed and not yet refunded: flagged."""
        return self.overpaid - self.refunded

    @property
    def closed(self) -> bool:
        return self.to_recover > 0 and self.outstanding == 0 and self.overpayment_open == 0


def balances(
    *, case=None, perpetrator=None, recovery=None, item=None, year: int | None = None, entries=None
) -> Balance:
    """The balance of every kind, from the ledger: for a case, a perpetrator (all recoveries from
    them), one recovery, one claim item, and/or one calendar year of `booked_on`."""
    signed = peewee.Case(
        None, [(LedgerEntry.reverses.is_null(), LedgerEntry.amount_cents)], LedgerEntry.amount_cents * -1
    )
    query = LedgerEntry.select(LedgerEntry.kind, peewee.fn.SUM(signed)).group_by(LedgerEntry.kind)
    if case is not None:
        query = query.where(LedgerEntry.case == _id(case))
    if perpetrator is not None:
        query = query.where(
            LedgerEntry.recovery.in_(Recovery.select(Recovery.id).where(Recovery.perpetrator == _id(perpetrator)))
        )
    if recovery is not None:
        query = query.where(LedgerEntry.recovery == _id(recovery))
    if item is not None:
        query = query.where(LedgerEntry.item == _id(item))
    if year is not None:
        query = query.where(
            (LedgerEntry.booked_on >= dt.date(year, 1, 1)) & (LedgerEntry.booked_on < dt.date(year + 1, 1, 1))
        )
    if entries is not None:
        query = query.where(LedgerEntry.id.in_(entries))
    totals = {kind: int(total or 0) for kind, total in query.tuples()}
    return Balance(**{kind.value: totals.get(kind.value, 0) for kind in EntryKind})


def balance_of(rows) -> Balance:
    """`balances` over ledger rows read already (such as all of a case's: models.case_file): the same
    sums, a reversal counting against its kind."""
    totals = {kind.value: 0 for kind in EntryKind}
    for row in rows:
        totals[row.kind] += row.amount_cents if row.reverses_id is None else -row.amount_cents
    return Balance(**totals)


def owed_by(perpetrator) -> int:
    """What is still owed by this perpetrator, over all their recoveries."""
    return balances(perpetrator=perpetrator).outstanding


def _id(thing) -> int:
    return thing if isinstance(thing, int) else thing.id


# --- invariants -------------------------------------------------------------------------------


class LedgerRefused(Exception):
    """A write the ledger does not accept; `message` (Dutch, N_) is shown with `values` filled in."""

    def __init__(self, message: str, **values):
        super().__init__(message % values if values else message)
        self.message = message
        self.values = values


def check_invariants(case_id: int) -> None:
    """No negative balance; per item and per case reimbursed ≤ approved ≤ claimed; to recover ≤
    approved; per recovery recovered + written off ≤ to recover and refunded ≤ overpaid."""
    whole = balances(case=case_id)
    scopes = [whole] + [balances(item=i) for i in DamageItem.select(DamageItem.id).where(DamageItem.case == case_id)]
    for balance in scopes:
        if any(getattr(balance, kind.value) < 0 for kind in EntryKind):
            raise LedgerRefused(N_("Dit kan niet: een bedrag zou negatief worden."))
        if balance.approved > balance.claimed:
            raise LedgerRefused(N_("Dit kan niet: er zou meer worden toegekend dan er is gevraagd."))
    if whole.reimbursed > whole.approved:
        raise LedgerRefused(N_("Dit kan niet: er zou meer worden uitbetaald dan er is toegekend."))
    if whole.to_recover > whole.approved + whole.borne:  # a cost borne is recovered only when a handler decides so
        raise LedgerRefused(
            N_("Dit kan niet: er zou meer worden verhaald dan er is toegekend (%(amount)s)."),
            amount=format_euros(whole.approved + whole.borne),
        )
    for recovery in Recovery.select(Recovery.id).where(Recovery.case == case_id):
        balance = balances(recovery=recovery)
        if any(getattr(balance, kind.value) < 0 for kind in EntryKind):
            raise LedgerRefused(N_("Dit kan niet: een bedrag zou negatief worden."))
        if balance.recovered + balance.written_off > balance.to_recover:
            raise LedgerRefused(
                N_("Dit kan niet: ontvangen en afgeschreven samen zouden meer zijn dan er te verhalen is.")
            )
        if balance.refunded > balance.overpaid:
            raise LedgerRefused(N_("Dit kan niet: er zou meer worden terugbetaald dan er te veel is betaald."))


def _book(
    case: Case,
    kind: EntryKind,
    amount_cents: int,
    actor: User | None,
    *,
    booked_on: dt.date | None = None,
    item: DamageItem | None = None,
    recovery: Recovery | None = None,
    reverses: LedgerEntry | None = None,
    decision: Decision | None = None,
    reason: str | None = None,
    reference: str | None = None,
    dedupe_key: str | None = None,
    ip: str | None = None,
) -> LedgerEntry:
    """Append one entry and audit it. Call inside `_ledger_write()`, which checks the invariants."""
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool) or amount_cents < 0:
        raise LedgerRefused(N_("Een bedrag kan niet negatief zijn."))
    entry = LedgerEntry.create(
        case=case,
        kind=kind.value,
        amount_cents=amount_cents,
        reverses=reverses,
        item=item,
        recovery=recovery,
        decision=decision.value if decision else None,
        reason=reason or None,
        booked_on=booked_on or clock.to_local(clock.utcnow()).date(),
        reference=reference or None,
        dedupe_key=dedupe_key,
        recorded_by=actor,
        recorded_at=clock.utcnow(),
    )
    audit.record(
        "ledger_entry",
        actor_id=actor.id if actor else None,
        object_type="ledger_entry",
        object_id=entry.id,
        ip=ip,
        detail=f"case={case.id} kind={kind.value} cents={amount_cents}"
        + (f" reverses={reverses.id}" if reverses else ""),
    )
    return entry


@contextlib.contextmanager
def _ledger_write(case_id: int):
    """A write transaction holding the ledger lock; the case's invariants are checked before commit."""
    with write_transaction(), serialised(LEDGER_LOCK):
        yield
        check_invariants(case_id)


def _normalise_reference(reference: str) -> str:
    return re.sub(r"\s+", "", reference or "").upper()[:64]


# --- claims and assessment --------------------------------------------------------------------


def file_on_case(case, sha256: str) -> Evidence | None:
    """A file with exactly these bytes (SHA-256) already stored for this case: a receipt sent again
    (or a photo already added to the report) is stored once."""
    return (
        Evidence.select()
        .where((Evidence.case == _id(case)) & (Evidence.sha256 == sha256))
        .order_by(Evidence.id)
        .first()
    )


def _attach_receipts(item: DamageItem, receipts) -> None:
    """Link each file to the item once. A file that is already a receipt of this case — itself, or
    another copy of the same bytes (two sends of one form at the same moment) — is not linked again."""
    for evidence in receipts:
        if DamageReceipt.select().where(DamageReceipt.evidence == evidence.id).exists():
            continue
        same_bytes = (
            DamageReceipt.select()
            .join(Evidence)
            .where((Evidence.case == item.case_id) & (Evidence.sha256 == evidence.sha256))
        )
        if not same_bytes.exists():
            DamageReceipt.create(item=item, evidence=evidence)


def may_claim(user: User, case: Case, access_level: Access | None = None) -> bool:
    """Who asks for damages (§6.4): the victim (or who filed for them) and those who handle the case;
    who is only informed reads. `access_level`: the person's level, when the caller has it already."""
    level = case_access(user, case) if access_level is None else access_level
    return level in (Access.REPORTER, Access.HANDLER)


def submit_item(
    case: Case,
    category: Category,
    description: str,
    amount_cents: int,
    submitted_by: User,
    *,
    token: str | None = None,
    receipts: list[Evidence] = (),
    ip: str | None = None,
) -> DamageItem:
    """The victim (or a handler for them) asks for one item. The same form token twice: one item,
    and the receipts sent with it the second time are added to it (each file once)."""
    if not may_claim(submitted_by, case):
        raise NotAllowed("claim")
    token = token or secrets.token_hex(16)
    with _ledger_write(case.id):
        existing = DamageItem.get_or_none(DamageItem.token == token)
        if existing is not None:
            _attach_receipts(existing, receipts)
            return existing
        item = DamageItem.create(
            case=case, category=category.value, description=description.strip(), submitted_by=submitted_by, token=token
        )
        _attach_receipts(item, receipts)
        _book(case, EntryKind.CLAIMED, amount_cents, submitted_by, item=item, dedupe_key=f"claimed:{item.id}", ip=ip)
        audit.record(
            "damage_claimed",
            actor_id=submitted_by.id,
            object_type="damage_item",
            object_id=item.id,
            ip=ip,
            detail=f"case={case.id} category={category.value}",
        )
    return item


def assessor_role() -> Role:
    return ASSESSOR_ROLES[settings.get("damages_assessor_role") - 1]


def may_see_ledger(user: User, case: Case, access_level: Access | None = None) -> bool:
    """The finance officer sees a case's money — never its content — once the case is in the ledger."""
    return (
        user.is_active
        and user.role == Role.FINANCE_OFFICER.value
        and LedgerEntry.select().where(LedgerEntry.case == case.id).exists()
    )


def may_assess(user: User, case: Case) -> bool:
    """The role the municipality chose (a setting) — never about one's own case."""
    return user.is_active and user.role == assessor_role().value and case.reporter_id != user.id


def active_assessment(item, case_entries: list | None = None) -> LedgerEntry | None:
    """The approval entry that counts for this item (not reversed), if it was assessed.
    `case_entries`: all of the item's case's ledger rows, read already (a reversal is booked on the
    case of what it reverses); then nothing is read."""
    if case_entries is not None:
        reversed_ids = {row.reverses_id for row in case_entries if row.reverses_id is not None}
        approvals = [
            row
            for row in case_entries
            if row.item_id == _id(item)
            and row.kind == EntryKind.APPROVED.value
            and row.reverses_id is None
            and row.id not in reversed_ids
        ]
        return max(approvals, key=lambda row: row.id, default=None)
    reversed_ids = LedgerEntry.select(LedgerEntry.reverses).where(LedgerEntry.reverses.is_null(False))
    return (
        LedgerEntry.select()
        .where(
            (LedgerEntry.item == _id(item))
            & (LedgerEntry.kind == EntryKind.APPROVED.value)
            & LedgerEntry.reverses.is_null()
            & LedgerEntry.id.not_in(reversed_ids)
        )
        .order_by(LedgerEntry.id.desc())
        .first()
    )


def assess(
    item: DamageItem,
    decision: Decision,
    assessor: User,
    *,
    approved_cents: int | None = None,
    reason: str = "",
    ip: str | None = None,
) -> LedgerEntry:
    case = item.case
    if not may_assess(assessor, case):
        raise LedgerRefused(N_("U mag deze schadeclaim niet beoordelen."))
    reason = (reason or "").strip()
    if decision != Decision.FULL and not reason:
        raise LedgerRefused(N_("Schrijf op waarom u de claim niet helemaal toekent. De melder ziet deze reden."))
    with _ledger_write(case.id):
        if active_assessment(item) is not None:
            raise LedgerRefused(N_("Deze schadepost is al beoordeeld."))
        claimed = balances(item=item).claimed
        if decision == Decision.FULL:
            amount = claimed
        elif decision == Decision.REJECTED:
            amount = 0
        else:
            amount = approved_cents if approved_cents is not None else -1
            if not 0 < amount < claimed:
                raise LedgerRefused(
                    N_("Bij een gedeeltelijke toekenning ligt het bedrag tussen nul en %(amount)s."),
                    amount=format_euros(claimed),
                )
        count = (
            LedgerEntry.select()
            .where((LedgerEntry.item == item.id) & (LedgerEntry.kind == EntryKind.APPROVED.value))
            .count()
        )
        return _book(
            case,
            EntryKind.APPROVED,
            amount,
            assessor,
            item=item,
            decision=decision,
            reason=reason,
            dedupe_key=f"approved:{item.id}:{count}",
            ip=ip,
        )


def item_status(item, case_entries: list | None = None) -> tuple[str, LedgerEntry | None]:
    """'waiting' or the decision, with the entry that holds it (amount and reason). `case_entries`:
    as for active_assessment."""
    entry = active_assessment(item, case_entries)
    return (entry.decision if entry else "waiting"), entry


# --- costs the municipality bears -------------------------------------------------------------


def bear_cost(
    case: Case,
    amount_cents: int | None,
    actor: User,
    *,
    reason: str,
    replaces: LedgerEntry | None = None,
    ip: str | None = None,
) -> LedgerEntry | None:
    """A cost the municipality bears itself (§6.3: professional help when recovery stalls, as far as
    the health insurer does not pay it): in the ledger, not a claim of the victim, and recovered
    from the perpetrator only when a handler starts a recovery for it. A new amount reverses the
    entry it `replaces`; None or 0 takes the cost away. Returns the entry in force (None: no cost)."""
    if amount_cents is not None and (
        not isinstance(amount_cents, int) or isinstance(amount_cents, bool) or amount_cents < 0
    ):
        raise LedgerRefused(N_("Een bedrag kan niet negatief zijn."))
    with _ledger_write(case.id):
        if replaces is not None:
            in_force = not LedgerEntry.select().where(LedgerEntry.reverses == replaces.id).exists()
            if in_force and replaces.amount_cents == amount_cents:
                return replaces  # the same amount again (a form sent twice): nothing changes
            if in_force:
                _book(case, EntryKind.BORNE, replaces.amount_cents, actor, reverses=replaces, reason=reason, ip=ip)
        if not amount_cents:
            return None
        return _book(case, EntryKind.BORNE, amount_cents, actor, reason=reason, ip=ip)


# --- reimbursing the victim -------------------------------------------------------------------


def record_reimbursement(
    case: Case, amount_cents: int, paid_on: dt.date, reference: str, actor: User, ip: str | None = None
) -> tuple[LedgerEntry, bool]:
    """The municipality paid the victim. Returns (entry, True) when this payment was already recorded."""
    reference = _normalise_reference(reference)
    if not reference:
        raise LedgerRefused(N_("Vul het betalingskenmerk in."))
    key = f"reimbursed:{case.id}:{reference}"
    return _once(key, lambda: _record_reimbursement(case, amount_cents, paid_on, reference, actor, key, ip), case.id)


def _record_reimbursement(case, amount_cents, paid_on, reference, actor, key, ip):
    if amount_cents <= 0:
        raise LedgerRefused(N_("Vul een bedrag in dat hoger is dan nul."))
    to_reimburse = balances(case=case).to_reimburse
    if amount_cents > to_reimburse:
        raise LedgerRefused(
            N_("Er is nog %(amount)s toegekend en niet uitbetaald. Meer kan niet worden uitbetaald."),
            amount=format_euros(to_reimburse),
        )
    return _book(
        case, EntryKind.REIMBURSED, amount_cents, actor, booked_on=paid_on, reference=reference, dedupe_key=key, ip=ip
    )


def _once(key: str, write, case_id: int):
    """Write an entry keyed `key` once: a second call (also at the same moment, from another
    process) returns the first entry with True."""
    try:
        with _ledger_write(case_id):
            existing = LedgerEntry.get_or_none(LedgerEntry.dedupe_key == key)
            if existing is not None:
                return existing, True
            return write(), False
    except peewee.IntegrityError:
        existing = LedgerEntry.get_or_none(LedgerEntry.dedupe_key == key)
        if existing is None:
            raise
        return existing, True


# --- recovering from the perpetrator ----------------------------------------------------------


def liable_perpetrators(case: Case, *, linked: list[Perpetrator] | None = None) -> list[Perpetrator]:
    """The perpetrators linked to the case whose entry has not expired. `linked`: the case's linked
    perpetrators (models.perpetrators.linked_perpetrators) when the caller has read them already."""
    if linked is not None:
        return [p for p in linked if p.expired_at is None]
    return list(
        Perpetrator.select()
        .join(CasePerpetrator)
        .where((CasePerpetrator.case == case.id) & Perpetrator.expired_at.is_null())
        .order_by(CasePerpetrator.id)
    )


def start_recovery(
    case: Case, shares: dict[int, int], due_on: dt.date, actor: User, ip: str | None = None
) -> list[Recovery]:
    """Claim amounts from one or more perpetrators linked to the case (costs can be split). Each
    gets a payment reference and a single due date (a payment arrangement can replace it)."""
    linked = {p.id: p for p in liable_perpetrators(case)}
    shares = {pid: cents for pid, cents in shares.items() if cents}
    if not shares:
        raise LedgerRefused(N_("Vul voor minstens één veroorzaker een bedrag in."))
    if any(pid not in linked for pid in shares):
        raise LedgerRefused(N_("Deze veroorzaker hoort niet bij deze melding."))
    recoveries = []
    with _ledger_write(case.id):
        for pid, cents in shares.items():
            if Recovery.select().where((Recovery.case == case.id) & (Recovery.perpetrator == pid)).exists():
                raise LedgerRefused(
                    N_("Er loopt al een verhaal op %(name)s. Pas het bedrag aan met een correctie."),
                    name=linked[pid].name or "",
                )
            recovery = Recovery.create(
                case=case,
                perpetrator=pid,
                created_by=actor,
                payment_reference=f"{case.reference}-{secrets.token_hex(3).upper()}",
            )
            _book(case, EntryKind.TO_RECOVER, cents, actor, recovery=recovery, ip=ip)
            _arrange(recovery, [(due_on, cents)], actor)
            audit.record(
                "recovery_started",
                actor_id=actor.id,
                object_type="recovery",
                object_id=recovery.id,
                ip=ip,
                detail=f"case={case.id} perpetrator={pid}",
            )
            recoveries.append(recovery)
    return recoveries


def current_instalments(recovery) -> list[Instalment]:
    latest = (
        Instalment.select(peewee.fn.MAX(Instalment.arrangement)).where(Instalment.recovery == _id(recovery)).scalar()
    )
    return list(
        Instalment.select()
        .where((Instalment.recovery == _id(recovery)) & (Instalment.arrangement == latest))
        .order_by(Instalment.number)
    )


def _settled(balance: Balance) -> int:
    return balance.recovered + balance.written_off


def _arrange(recovery: Recovery, schedule: list[tuple[dt.date, int]], actor: User) -> list[Instalment]:
    for old in current_instalments(recovery):
        _stop_dunning(recovery.case_id, old.id)
    arrangement = (
        Instalment.select(peewee.fn.MAX(Instalment.arrangement)).where(Instalment.recovery == recovery.id).scalar() or 0
    ) + 1
    settled = _settled(balances(recovery=recovery))
    rows = []
    for number, (due_on, cents) in enumerate(sorted(schedule), start=1):
        rows.append(
            Instalment.create(
                recovery=recovery,
                arrangement=arrangement,
                number=number,
                due_on=due_on,
                amount_cents=cents,
                settled_before_cents=settled,
                agreed_by=actor,
            )
        )
    _update_dunning(recovery)  # schedules the reminders of every unpaid instalment
    return rows


def agree_arrangement(
    recovery: Recovery, schedule: list[tuple[dt.date, int]], actor: User, ip: str | None = None
) -> list[Instalment]:
    """A payment arrangement: instalments that together make up what is still outstanding."""
    if not schedule or any(cents <= 0 for _due, cents in schedule):
        raise LedgerRefused(N_("Elke termijn heeft een datum en een bedrag hoger dan nul."))
    with _ledger_write(recovery.case_id):
        outstanding = balances(recovery=recovery).outstanding
        if sum(cents for _due, cents in schedule) != outstanding:
            raise LedgerRefused(
                N_("De termijnen zijn samen %(total)s, maar er staat %(outstanding)s open. Zorg dat ze gelijk zijn."),
                total=format_euros(sum(c for _d, c in schedule)),
                outstanding=format_euros(outstanding),
            )
        rows = _arrange(recovery, schedule, actor)
        audit.record(
            "recovery_arrangement",
            actor_id=actor.id,
            object_type="recovery",
            object_id=recovery.id,
            ip=ip,
            detail=f"instalments={len(rows)}",
        )
    return rows


def instalment_schedule(
    outstanding_cents: int, first_due: dt.date, count: int, every_days: int
) -> list[tuple[dt.date, int]]:
    """What is outstanding in `count` instalments a cent apart at most (the first ones take the odd
    cents), one every `every_days` days from `first_due`; an instalment of nothing is left out."""
    if count < 1 or every_days < 1 or outstanding_cents <= 0:
        return []
    return [
        (first_due + dt.timedelta(days=every_days * n), cents)
        for n, cents in enumerate(split_evenly(outstanding_cents, count))
        if cents
    ]


def agree_instalments(
    recovery: Recovery, first_due: dt.date, count: int, every_days: int, actor: User, ip: str | None = None
) -> list[Instalment]:
    """A payment arrangement in equal instalments of what is outstanding now."""
    with _ledger_write(recovery.case_id):
        schedule = instalment_schedule(balances(recovery=recovery).outstanding, first_due, count, every_days)
        return agree_arrangement(recovery, schedule, actor, ip=ip)


def instalment_state(recovery) -> list[tuple[Instalment, int]]:
    """Each current instalment with what is still unpaid of it (0: paid). Together never more than
    is outstanding (the amount to recover may have been lowered since the arrangement)."""
    balance = balances(recovery=recovery)
    settled, left = _settled(balance), max(balance.outstanding, 0)
    result, cumulative = [], 0
    for instalment in current_instalments(recovery):
        cumulative += instalment.amount_cents
        paid_toward = max(settled - instalment.settled_before_cents, 0)
        unpaid = min(max(min(cumulative - paid_toward, instalment.amount_cents), 0), left)
        left -= unpaid
        result.append((instalment, unpaid))
    return result


def next_due(recovery) -> Instalment | None:
    return next((i for i, unpaid in instalment_state(recovery) if unpaid), None)


def active_to_recover(recovery) -> list[LedgerEntry]:
    """The entries that make up the amount to recover now: not reversed, not themselves a reversal."""
    reversed_ids = LedgerEntry.select(LedgerEntry.reverses).where(LedgerEntry.reverses.is_null(False))
    return list(
        LedgerEntry.select()
        .where(
            (LedgerEntry.recovery == _id(recovery))
            & (LedgerEntry.kind == EntryKind.TO_RECOVER.value)
            & LedgerEntry.reverses.is_null()
            & LedgerEntry.id.not_in(reversed_ids)
        )
        .order_by(LedgerEntry.id)
    )


def was_corrected(recovery, case_entries: list | None = None) -> bool:
    """Whether the amount to recover was ever corrected (a reversed `to_recover` entry).
    `case_entries`: all of the recovery's case's ledger rows, read already."""
    if case_entries is not None:
        return any(
            row.recovery_id == _id(recovery) and row.kind == EntryKind.TO_RECOVER.value and row.reverses_id is not None
            for row in case_entries
        )
    return (
        LedgerEntry.select()
        .where(
            (LedgerEntry.recovery == _id(recovery))
            & (LedgerEntry.kind == EntryKind.TO_RECOVER.value)
            & LedgerEntry.reverses.is_null(False)
        )
        .exists()
    )


def correct_to_recover(
    recovery: Recovery,
    new_cents: int,
    reason: str,
    actor: User,
    *,
    due_on: dt.date | None = None,
    ip: str | None = None,
) -> LedgerEntry | None:
    """Correct the amount to recover from this perpetrator to `new_cents`. Append-only: the entries
    that set the amount are reversed and the new amount is booked, both with the reason. Not lower
    than what was received or written off, not more than was approved. What is then outstanding gets
    one due date (`due_on`); a payment arrangement can replace it. Returns the new entry (None for 0)."""
    reason = (reason or "").strip()
    if not reason:
        raise LedgerRefused(N_("Schrijf op waarom het bedrag wordt gecorrigeerd."))
    if not isinstance(new_cents, int) or isinstance(new_cents, bool) or new_cents < 0:
        raise LedgerRefused(N_("Het bedrag te verhalen kan niet lager zijn dan nul."))
    with _ledger_write(recovery.case_id):
        balance = balances(recovery=recovery)
        if new_cents == balance.to_recover:
            raise LedgerRefused(
                N_("Op deze veroorzaker wordt al %(amount)s verhaald. Vul het nieuwe bedrag in."),
                amount=format_euros(new_cents),
            )
        settled = _settled(balance)
        if new_cents < settled:
            raise LedgerRefused(
                N_(
                    "Er is al %(amount)s ontvangen of afgeschreven. Het bedrag te verhalen kan niet lager zijn dan dat."
                ),
                amount=format_euros(settled),
            )
        whole = balances(case=recovery.case_id)
        others = whole.to_recover - balance.to_recover
        if new_cents > whole.approved - others:
            if others:
                raise LedgerRefused(
                    N_(
                        "Er is %(approved)s toegekend en op andere veroorzakers wordt al %(others)s verhaald. "
                        "Op deze veroorzaker kunt u hoogstens %(amount)s verhalen."
                    ),
                    approved=format_euros(whole.approved),
                    others=format_euros(others),
                    amount=format_euros(max(whole.approved - others, 0)),
                )
            raise LedgerRefused(
                N_("Er is %(approved)s toegekend. Meer kunt u niet verhalen."), approved=format_euros(whole.approved)
            )
        outstanding = new_cents - settled
        if outstanding > 0 and due_on is None:
            raise LedgerRefused(N_("Vul in wanneer de veroorzaker uiterlijk moet betalen."))
        for entry in active_to_recover(recovery):
            _book(
                recovery.case,
                EntryKind.TO_RECOVER,
                entry.amount_cents,
                actor,
                recovery=recovery,
                reverses=entry,
                reason=reason,
                dedupe_key=f"reversal:{entry.id}",
                ip=ip,
            )
        new_entry = (
            _book(recovery.case, EntryKind.TO_RECOVER, new_cents, actor, recovery=recovery, reason=reason, ip=ip)
            if new_cents
            else None
        )
        if outstanding > 0:
            _arrange(recovery, [(due_on, outstanding)], actor)
        else:
            _update_dunning(recovery)
        audit.record(
            "recovery_corrected",
            actor_id=actor.id,
            object_type="recovery",
            object_id=recovery.id,
            ip=ip,
            detail=f"case={recovery.case_id} from={balance.to_recover} to={new_cents}",
        )
    return new_entry


def record_payment(
    recovery: Recovery, amount_cents: int, received_on: dt.date, reference: str, actor: User, ip: str | None = None
) -> tuple[list[LedgerEntry], bool]:
    """A payment by the perpetrator, partial or whole. What exceeds the outstanding amount is booked
    as an overpayment (flagged), never absorbed. The same reference twice: one payment, (entries, True)."""
    reference = _normalise_reference(reference)
    if not reference:
        raise LedgerRefused(N_("Vul het kenmerk van de betaling in, bijvoorbeeld het nummer op het bankafschrift."))
    if amount_cents <= 0:
        raise LedgerRefused(N_("Vul een bedrag in dat hoger is dan nul."))
    key = f"payment:{recovery.id}:{reference}"

    def write():
        outstanding = max(balances(recovery=recovery).outstanding, 0)
        paid, over = min(amount_cents, outstanding), amount_cents - min(amount_cents, outstanding)
        entries = []
        if paid:
            entries.append(
                _book(
                    recovery.case,
                    EntryKind.RECOVERED,
                    paid,
                    actor,
                    booked_on=received_on,
                    recovery=recovery,
                    reference=reference,
                    dedupe_key=key,
                    ip=ip,
                )
            )
        if over:
            entries.append(
                _book(
                    recovery.case,
                    EntryKind.OVERPAID,
                    over,
                    actor,
                    booked_on=received_on,
                    recovery=recovery,
                    reference=reference,
                    dedupe_key=f"{key}:over" if paid else key,
                    ip=ip,
                )
            )
        _update_dunning(recovery)
        return entries[0]

    first, duplicate = _once(key, write, recovery.case_id)
    return list(
        LedgerEntry.select().where(LedgerEntry.dedupe_key.in_([key, f"{key}:over"])).order_by(LedgerEntry.id)
    ), duplicate


def write_off(recovery: Recovery, amount_cents: int, reason: str, actor: User, ip: str | None = None) -> LedgerEntry:
    """Part or all of what is outstanding will not be recovered; the reason is required."""
    if not (reason or "").strip():
        raise LedgerRefused(N_("Schrijf op waarom dit bedrag wordt afgeschreven."))
    if amount_cents <= 0:
        raise LedgerRefused(N_("Vul een bedrag in dat hoger is dan nul."))
    with _ledger_write(recovery.case_id):
        outstanding = balances(recovery=recovery).outstanding
        if amount_cents > outstanding:
            raise LedgerRefused(
                N_("U kunt hoogstens %(amount)s afschrijven: zoveel staat er nog open."),
                amount=format_euros(outstanding),
            )
        entry = _book(
            recovery.case, EntryKind.WRITTEN_OFF, amount_cents, actor, recovery=recovery, reason=reason.strip(), ip=ip
        )
        _update_dunning(recovery)
    return entry


def refund_overpayment(
    recovery: Recovery, amount_cents: int, paid_on: dt.date, reference: str, actor: User, ip: str | None = None
) -> tuple[LedgerEntry, bool]:
    reference = _normalise_reference(reference)
    if not reference:
        raise LedgerRefused(N_("Vul het betalingskenmerk in."))
    if amount_cents <= 0:
        raise LedgerRefused(N_("Vul een bedrag in dat hoger is dan nul."))
    key = f"refund:{recovery.id}:{reference}"
    return _once(
        key,
        lambda: _book(
            recovery.case,
            EntryKind.REFUNDED,
            amount_cents,
            actor,
            booked_on=paid_on,
            recovery=recovery,
            reference=reference,
            dedupe_key=key,
            ip=ip,
        ),
        recovery.case_id,
    )


def reverse(entry: LedgerEntry, reason: str, actor: User, ip: str | None = None) -> LedgerEntry:
    """A correction: a new entry that undoes `entry`. An entry is reversed at most once; a reversal
    that would break an invariant (e.g. an approval already paid out) is refused."""
    if entry.reverses_id is not None:
        raise LedgerRefused(N_("Een correctie kan niet zelf worden teruggedraaid. Boek het bedrag opnieuw."))
    if not (reason or "").strip():
        raise LedgerRefused(N_("Schrijf op waarom deze boeking wordt gecorrigeerd."))
    with _ledger_write(entry.case_id):
        if LedgerEntry.select().where(LedgerEntry.reverses == entry.id).exists():
            raise LedgerRefused(N_("Deze boeking is al gecorrigeerd."))
        reversal = _book(
            entry.case,
            EntryKind(entry.kind),
            entry.amount_cents,
            actor,
            item=entry.item,
            recovery=entry.recovery,
            reverses=entry,
            reason=reason.strip(),
            reference=entry.reference,
            dedupe_key=f"reversal:{entry.id}",
            ip=ip,
        )
        if entry.recovery_id:
            _update_dunning(entry.recovery)
    return reversal


def record_step(
    recovery: Recovery, kind: StepKind, done_on: dt.date, actor: User, note: str = "", ip: str | None = None
) -> RecoveryStep:
    with write_transaction():
        step = RecoveryStep.create(
            recovery=recovery, kind=kind.value, done_on=done_on, note=note.strip() or None, recorded_by=actor
        )
        if kind in HANDED_OVER:  # someone else collects now: the portal stops reminding
            for instalment in current_instalments(recovery):
                _stop_dunning(recovery.case_id, instalment.id)
        audit.record(
            "recovery_step",
            actor_id=actor.id,
            object_type="recovery",
            object_id=recovery.id,
            ip=ip,
            detail=f"case={recovery.case_id} step={kind.value}",
        )
    return step


def handed_over(recovery) -> bool:
    return (
        RecoveryStep.select()
        .where((RecoveryStep.recovery == _id(recovery)) & RecoveryStep.kind.in_([k.value for k in HANDED_OVER]))
        .exists()
    )


# --- the dunning schedule: the one deadlines mechanism ----------------------------------------


def _end_of_day_utc(day: dt.date) -> dt.datetime:
    return clock.to_utc(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def _schedule_dunning(recovery: Recovery, instalment: Instalment) -> None:
    """A late instalment: a reminder (herinnering), later a formal demand (aanmaning), then an
    escalation to the assessor — each sent once by models.deadlines.send_due."""
    due = _end_of_day_utc(instalment.due_on)
    finance = {Role.FINANCE_OFFICER}
    deadlines.schedule(
        recovery.case,
        DeadlineKind.RECOVERY_REMINDER,
        due_at=due,
        remind_at=due + dt.timedelta(days=settings.get("damages_reminder_days")),
        remind_roles=finance,
        escalate_at=due + dt.timedelta(days=settings.get("damages_escalate_days")),
        escalate_roles={assessor_role()},
        object_id=instalment.id,
    )
    deadlines.schedule(
        recovery.case,
        DeadlineKind.RECOVERY_DEMAND,
        due_at=due,
        remind_at=due + dt.timedelta(days=settings.get("damages_demand_days")),
        remind_roles=finance,
        object_id=instalment.id,
    )


def _stop_dunning(case_id: int, instalment_id: int) -> None:
    for kind in deadlines.LEDGER_KINDS:
        deadlines.complete(kind, case_id, object_id=instalment_id)


def _update_dunning(recovery: Recovery) -> None:
    """Paid instalments need no more reminders; when nothing is outstanding, none do. An instalment
    unpaid again (a payment reversed) is scheduled again, unless someone else collects now."""
    nothing_left = balances(recovery=recovery).outstanding <= 0
    collecting = not handed_over(recovery)
    for instalment, unpaid in instalment_state(recovery):
        if nothing_left or not unpaid:
            _stop_dunning(recovery.case_id, instalment.id)
        elif (
            collecting
            and not deadlines.Deadline.select()
            .where(
                (deadlines.Deadline.object_id == instalment.id)
                & deadlines.Deadline.done_at.is_null()
                & deadlines.Deadline.kind.in_([k.value for k in deadlines.LEDGER_KINDS])
            )
            .exists()
        ):
            _schedule_dunning(recovery, instalment)


def dunning_status(recovery) -> dict:
    """Which steps of the schedule came due for the current instalments (from the deadlines)."""
    ids = [i.id for i in current_instalments(recovery)]
    rows = list(
        deadlines.Deadline.select().where(
            deadlines.Deadline.object_id.in_(ids or [0])
            & deadlines.Deadline.kind.in_([k.value for k in deadlines.LEDGER_KINDS])
        )
    )
    reminder = [d.reminded_at for d in rows if d.kind == DeadlineKind.RECOVERY_REMINDER.value and d.reminded_at]
    demand = [d.reminded_at for d in rows if d.kind == DeadlineKind.RECOVERY_DEMAND.value and d.reminded_at]
    escalated = [d.escalated_at for d in rows if d.escalated_at]
    return {
        "reminder_due_since": max(reminder, default=None),
        "demand_due_since": max(demand, default=None),
        "escalated_at": max(escalated, default=None),
    }


# --- letters ----------------------------------------------------------------------------------

LETTER_KEYS = {
    "vordering": "damages_claim_letter",
    "herinnering": "damages_reminder_letter",
    "aanmaning": "damages_demand_letter",
}


def letter_fields(recovery: Recovery, signatory: str, dutch_date) -> dict:
    """The fields the damages letters may use (`dutch_date` formats a date in Dutch)."""
    case, perpetrator = recovery.case, recovery.perpetrator
    municipality = texts.get("municipality_name")
    place = municipality.removeprefix("Gemeente ").removeprefix("gemeente ").strip()
    state = instalment_state(recovery)
    upcoming = next((i for i, unpaid in state if unpaid), None) or (state[-1][0] if state else None)
    schedule = (
        "\n".join(f"- {dutch_date(i.due_on)}: {format_euros(i.amount_cents)}" for i, _u in state)
        if len(state) > 1
        else ""
    )
    balance = balances(recovery=recovery)
    return {
        "gemeente": municipality,
        "naam": perpetrator.name or case.perpetrator_name or "",
        "adres": perpetrator.address or case.perpetrator_address or "",
        "plaats_datum": f"{place}, {dutch_date(clock.to_local(clock.utcnow()).date())}",
        "datum_incident": dutch_date(clock.to_local(case.occurred_at).date()) if case.occurred_at else "",
        "kenmerk": recovery.payment_reference,
        "bedrag": format_euros(balance.to_recover),
        "openstaand": format_euros(max(balance.outstanding, 0)),
        "vervaldatum": dutch_date(upcoming.due_on) if upcoming else "",
        "termijnen": schedule,
        "ondertekenaar": signatory,
    }


# --- the monthly overview ---------------------------------------------------------------------


def claim_monthly_overview(month: str, now: dt.datetime) -> bool:
    """Mark this month's overview as sent unless it was (False); call in the transaction that stores its mails."""
    try:
        with write_transaction():
            MonthlyOverview.create(month=month, sent_at=now)
    except peewee.IntegrityError:
        return False
    return True
