"""The perpetrator register (§6.2): cases linked to one perpetrator, so a handler sees whether
this is a first or a repeated incident — also against municipal employees, which the security
officer registers on an entry of their own when no office holder was involved.

Identities are stored encrypted; matching uses a keyed blind index (HMAC of the normalised name
and date of birth, or of the platform and normalised handle of an online account), never
plaintext. The same name is the same entry; the same online account under another name is only
"possibly the same person" (§6.1: online behaviour counts the same): the security officer
decides, nothing is merged by itself. Entries expire after a retention period unless renewed."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

import peewee

from models import audit, clock, crypto, scheme, settings, tombstones, visibility
from models.accounts import Role, User
from models.base import BaseModel
from models.cases import Case, CaseEvent, EventKind, NotAllowed, OnlineEntry
from models.crypto import EncryptedTextField
from models.db import write_transaction
from models.holds import held_case_ids
from models.i18n import N_


def normalise_name(name: str) -> str:
    """Case, spaces and accents do not make another person: 'Jan  de Vries' == 'jan devries'."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(letters.casefold().split())


def identity_index(name: str, birth_date: str | None) -> str | None:
    normalised = normalise_name(name)
    if not normalised:
        return None
    return crypto.blind_index(normalised, (birth_date or "").strip(), purpose="perpetrator")


def name_index(name: str) -> str | None:
    normalised = normalise_name(name)
    return crypto.blind_index(normalised, purpose="perpetrator-name") if normalised else None


# --- online accounts (§6.1: sender's account, URLs) ---------------------------------------------

# Platforms under the names people write for them ("Twitter", "X (Twitter)", "insta") ...
_PLATFORM_NAMES = {
    "x": "x",
    "twitter": "x",
    "xtwitter": "x",
    "twitterx": "x",
    "xcom": "x",
    "instagram": "instagram",
    "insta": "instagram",
    "ig": "instagram",
    "facebook": "facebook",
    "fb": "facebook",
    "messenger": "facebook",
    "facebookmessenger": "facebook",
    "tiktok": "tiktok",
    "youtube": "youtube",
    "linkedin": "linkedin",
    "whatsapp": "whatsapp",
    "telegram": "telegram",
    "signal": "signal",
    "snapchat": "snapchat",
    "threads": "threads",
    "bluesky": "bluesky",
    "bsky": "bluesky",
    "reddit": "reddit",
    "mastodon": "mastodon",
}
# ... and under their web addresses (a pasted profile link names the platform itself).
_PLATFORM_HOSTS = {
    "x.com": "x",
    "twitter.com": "x",
    "instagram.com": "instagram",
    "instagr.am": "instagram",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "fb.me": "facebook",
    "messenger.com": "facebook",
    "tiktok.com": "tiktok",
    "youtube.com": "youtube",
    "linkedin.com": "linkedin",
    "wa.me": "whatsapp",
    "t.me": "telegram",
    "telegram.me": "telegram",
    "snapchat.com": "snapchat",
    "threads.net": "threads",
    "bsky.app": "bluesky",
    "reddit.com": "reddit",
}
_HOST_PREFIXES = ("www.", "m.", "mobile.", "mbasic.", "web.", "touch.")
# Path parts before the account (linkedin.com/in/<account>, youtube.com/c/<account>, ...).
_PATH_PREFIXES = {"in", "c", "channel", "user", "u", "add", "stories", "profile"}
# Path parts that mean the link is not to an account (a post, a search, a hashtag).
_NOT_AN_ACCOUNT = {"p", "reel", "reels", "tv", "status", "i", "intent", "home", "search", "explore", "hashtag"}
# A link has a scheme, 'www.' or a path: 'jan.boos' is an account name, 'instagram.com/jan.boos' a link.
_LOOKS_LIKE_LINK = re.compile(r"^(https?://|www\.)|^([a-z0-9-]+\.)+[a-z]{2,}/", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[\d\s().-]{8,}$")


def normalise_platform(platform: str | None) -> str | None:
    """'X (Twitter)', 'twitter' and 'X' are one platform; an unknown one keeps its letters and digits."""
    decomposed = unicodedata.normalize("NFKD", platform or "")
    letters = "".join(ch for ch in decomposed.casefold() if ch.isalnum())
    if not letters:
        return None
    return _PLATFORM_NAMES.get(letters) or _PLATFORM_NAMES.get(letters.removesuffix("com")) or letters


def _handle_from_link(text: str) -> tuple[str | None, str | None]:
    """(platform, account) from a profile link: x.com/Handle, instagram.com/handle/,
    facebook.com/profile.php?id=..., wa.me/316..."""
    parts = urlsplit(text if "://" in text else f"https://{text}")
    host = (parts.hostname or "").casefold()
    for prefix in _HOST_PREFIXES:
        host = host.removeprefix(prefix)
    platform = _PLATFORM_HOSTS.get(host)
    segments = [unquote(segment) for segment in parts.path.split("/") if segment]
    if platform == "facebook" and segments[:1] == ["profile.php"]:
        return platform, (parse_qs(parts.query).get("id") or [None])[0]
    if platform == "facebook" and segments[:1] == ["people"] and len(segments) >= 3:
        return platform, segments[2]  # facebook.com/people/<name>/<number>
    while segments and segments[0].casefold() in _PATH_PREFIXES:
        segments = segments[1:]
    if not segments or segments[0].casefold() in _NOT_AN_ACCOUNT:
        return platform, None
    return platform, segments[0]


def normalise_account(platform: str | None, account: str | None) -> tuple[str, str] | None:
    """The platform and the account as the platform itself tells them apart: no case, no '@', no
    spaces, a profile link read as the account it points to, a phone number as its digits
    ('+31 6 1234 5678' == '06-12345678'). None when there is no account or no platform to match on."""
    text = (account or "").strip()
    if not text:
        return None
    platform_key = normalise_platform(platform)
    if _LOOKS_LIKE_LINK.match(text) or text.casefold().removeprefix("www.") in _PLATFORM_HOSTS:
        link_platform, text = _handle_from_link(text)
        platform_key = link_platform or platform_key
        if not text:
            return None
    if _PHONE.match(text):
        digits = re.sub(r"\D", "", text).removeprefix("00")
        handle = "0" + digits[2:] if digits.startswith("31") else digits
    else:
        handle = "".join(unicodedata.normalize("NFKC", text).casefold().split()).lstrip("@")
        if platform_key == "facebook":
            handle = handle.replace(".", "")  # Facebook: dots in a username do not count
    if not handle or not platform_key:
        return None
    return platform_key, handle


def account_index(platform: str | None, account: str | None) -> str | None:
    normalised = normalise_account(platform, account)
    return crypto.blind_index(*normalised, purpose="online-account") if normalised else None


class Perpetrator(BaseModel):
    name = EncryptedTextField(null=True)
    birth_date = EncryptedTextField(null=True)
    address = EncryptedTextField(null=True)
    description = EncryptedTextField(null=True)
    identity_index = peewee.CharField(max_length=64, null=True, index=True)
    name_index = peewee.CharField(max_length=64, null=True, index=True)
    created_at = peewee.DateTimeField(default=clock.utcnow)
    retain_until = peewee.DateTimeField(index=True)
    renewed_reason = EncryptedTextField(null=True)
    expired_at = peewee.DateTimeField(null=True)


class CasePerpetrator(BaseModel):
    case = peewee.ForeignKeyField(Case, backref="perpetrator_links", on_delete="CASCADE")
    perpetrator = peewee.ForeignKeyField(Perpetrator, backref="case_links", on_delete="CASCADE")
    linked_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    linked_at = peewee.DateTimeField(default=clock.utcnow)

    class Meta:
        indexes = ((("case", "perpetrator"), True),)


class EmployeeIncident(BaseModel):
    """An incident against a municipal employee by the same person: only what is needed."""

    perpetrator = peewee.ForeignKeyField(Perpetrator, backref="employee_incidents", on_delete="CASCADE")
    occurred_on = peewee.DateField()
    behaviour_class = peewee.CharField(max_length=24)
    summary = EncryptedTextField()
    recorded_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    recorded_at = peewee.DateTimeField(default=clock.utcnow)
    token = peewee.CharField(max_length=32, null=True, unique=True)  # a form sent twice stores one incident


class OnlineAccount(BaseModel):
    """An online account the register knows this person by: as written, and its blind index."""

    perpetrator = peewee.ForeignKeyField(Perpetrator, backref="online_accounts", on_delete="CASCADE")
    platform = EncryptedTextField()
    account = EncryptedTextField()
    account_index = peewee.CharField(max_length=64, index=True)
    case = peewee.ForeignKeyField(Case, null=True, backref="+", on_delete="SET NULL")  # where it was seen
    added_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    added_at = peewee.DateTimeField(default=clock.utcnow)

    class Meta:
        indexes = ((("perpetrator", "account_index"), True),)


class NotSamePerson(BaseModel):
    """The security officer decided that a case with the same online account is not about this
    person: the register stops saying 'possibly the same person'."""

    case = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE")
    perpetrator = peewee.ForeignKeyField(Perpetrator, backref="+", on_delete="CASCADE")
    decided_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decided_at = peewee.DateTimeField(default=clock.utcnow)

    class Meta:
        indexes = ((("case", "perpetrator"), True),)


REGISTER_EXPIRED = N_("Deze vermelding is verlopen. Er kan niets meer aan worden toegevoegd.")
ACCOUNT_UNCLEAR = N_(
    "Het register herkent dit account niet. Vul het platform in (bijvoorbeeld X of Instagram) en de "
    "accountnaam of de link naar het profiel."
)


def may_decide_matches(user: User | None) -> bool:
    """The register is the security officer's: who decides whether two records are one person."""
    return user is not None and user.is_active and user.role == Role.SECURITY_OFFICER.value


def _retention_from(moment: dt.datetime) -> dt.datetime:
    return clock.add_months(moment, settings.get("register_retention_months"))


def _keep_longer(perpetrator: Perpetrator) -> None:
    """Something new about this person: the entry is kept for the full period from now."""
    perpetrator.retain_until = max(perpetrator.retain_until or clock.utcnow(), _retention_from(clock.utcnow()))


def find_matches(name: str, birth_date: str | None) -> list[Perpetrator]:
    """Live entries with the same identity; without a date of birth, the same name."""
    live = Perpetrator.select().where(Perpetrator.expired_at.is_null())
    if birth_date:
        return list(live.where(Perpetrator.identity_index == identity_index(name, birth_date)))
    return list(live.where(Perpetrator.name_index == name_index(name)))


def _identify(name: str, birth_date: str | None, address: str | None, description: str | None) -> Perpetrator:
    """The live entry with this identity, completed with what it lacked, or a new entry."""
    matches = find_matches(name, birth_date)
    if matches:
        perpetrator = matches[0]
        for field, value in (("address", address), ("description", description), ("birth_date", birth_date)):
            if value and not getattr(perpetrator, field):
                setattr(perpetrator, field, value)
    else:
        perpetrator = Perpetrator(
            name=name.strip(),
            birth_date=birth_date or None,
            address=address or None,
            description=description or None,
        )
    perpetrator.identity_index = identity_index(perpetrator.name, perpetrator.birth_date)
    perpetrator.name_index = name_index(perpetrator.name)
    _keep_longer(perpetrator)
    perpetrator.save()
    return perpetrator


def _link(case: Case, perpetrator: Perpetrator, actor: User | None) -> None:
    already = CasePerpetrator.get_or_none(
        (CasePerpetrator.case == case.id) & (CasePerpetrator.perpetrator == perpetrator.id)
    )
    if already is None:
        CasePerpetrator.create(case=case, perpetrator=perpetrator, linked_by=actor)
        CaseEvent.create(case=case, actor=actor, kind=EventKind.PERPETRATOR.value, detail=str(perpetrator.id))
    record_case_accounts(case, perpetrator, actor)


def link_case(
    case: Case,
    *,
    name: str,
    birth_date: str | None = None,
    address: str | None = None,
    description: str | None = None,
    actor: User | None = None,
) -> Perpetrator:
    """Link a case to the perpetrator with this identity, creating the entry when it is new. The
    case's online accounts become the entry's; an account another entry has too is not a reason
    to link to that one (see possibly_same_person)."""
    with write_transaction():
        perpetrator = _identify(name, birth_date, address, description)
        _link(case, perpetrator, actor)
    return perpetrator


def linked_perpetrators(case: Case) -> list[Perpetrator]:
    return list(
        Perpetrator.select().join(CasePerpetrator).where(CasePerpetrator.case == case.id).order_by(CasePerpetrator.id)
    )


def other_cases(perpetrator: Perpetrator, exclude_case_id: int) -> list[Case]:
    return list(
        Case.select()
        .join(CasePerpetrator)
        .where((CasePerpetrator.perpetrator == perpetrator.id) & (Case.id != exclude_case_id))
        .order_by(Case.created_at)
    )


def other_cases_of(perpetrators: list[Perpetrator], exclude_case_id: int) -> dict[int, list[Case]]:
    """other_cases of several perpetrators in one read: by perpetrator id, each list oldest first."""
    found: dict[int, list[Case]] = {p.id: [] for p in perpetrators}
    if found:
        query = (
            Case.select(Case, CasePerpetrator.perpetrator.alias("linked_perpetrator_id"))
            .join(CasePerpetrator)
            .where(CasePerpetrator.perpetrator.in_(list(found)) & (Case.id != exclude_case_id))
            .order_by(Case.created_at)
            .objects()
        )
        for other in query:
            found[other.linked_perpetrator_id].append(other)
    return found


def employee_incident_counts(perpetrators: list[Perpetrator]) -> dict[int, int]:
    """The number of incidents against employees of several perpetrators in one read, by id."""
    counts = {p.id: 0 for p in perpetrators}
    if counts:
        query = (
            EmployeeIncident.select(EmployeeIncident.perpetrator, peewee.fn.COUNT(EmployeeIncident.id))
            .where(EmployeeIncident.perpetrator.in_(list(counts)))
            .group_by(EmployeeIncident.perpetrator)
        )
        counts.update(dict(query.tuples()))
    return counts


def incident_history(
    perpetrator: Perpetrator, case: Case, others: list[Case] | None = None, employee_count: int | None = None
) -> dict:
    """First or repeated (§6.2): counts every earlier incident — cases against office holders and
    incidents against employees — whether or not the viewer may open them. Of the incidents against
    employees only their number: what they were is for models.visibility.employee_incidents.
    `others` (other_cases) and `employee_count`, when the caller read them already for several
    perpetrators at once (other_cases_of, employee_incident_counts)."""
    if others is None:
        others = other_cases(perpetrator, case.id)
    earlier_cases = [c for c in others if c.created_at <= case.created_at]
    if employee_count is None:
        employee_count = EmployeeIncident.select().where(EmployeeIncident.perpetrator == perpetrator.id).count()
    total = len(earlier_cases) + employee_count
    return {"repeated": total > 0, "earlier_cases": earlier_cases, "employee_count": employee_count, "total": total}


# --- online accounts: possibly the same person -----------------------------------------------------


@dataclass(frozen=True)
class CaseAccount:
    platform: str
    account: str
    index: str


def case_accounts(case: Case) -> list[CaseAccount]:
    """The senders' accounts on the case's online entries that can be matched, each once."""
    found: dict[str, CaseAccount] = {}
    for entry in OnlineEntry.select().where(OnlineEntry.case == case.id).order_by(OnlineEntry.id):
        platform = entry.platform or case.platform or ""
        index = account_index(platform, entry.sender_account)
        if index and index not in found:
            found[index] = CaseAccount(platform, entry.sender_account.strip(), index)
    return list(found.values())


def _add_account(
    perpetrator: Perpetrator, platform: str, account: str, actor: User | None, case: Case | None = None
) -> bool:
    """Returns whether the entry did not know this account yet."""
    index = account_index(platform, account)
    if index is None:
        return False
    added = (
        OnlineAccount.insert(
            perpetrator=perpetrator.id,
            platform=(platform or "").strip(),
            account=account.strip(),
            account_index=index,
            case=case.id if case else None,
            added_by=actor.id if actor else None,
            added_at=clock.utcnow(),
        )
        .on_conflict_ignore()
        .execute()
    )
    return bool(added)


def record_case_accounts(case: Case, perpetrator: Perpetrator | None = None, actor: User | None = None) -> int:
    """The case's online accounts become accounts of the live entries it is linked to (also those
    added to the case after it was linked). Returns how many were new."""
    targets = [perpetrator] if perpetrator is not None else linked_perpetrators(case)
    targets = [p for p in targets if p.expired_at is None]
    if not targets:
        return 0
    known = {
        (row.perpetrator_id, row.account_index)
        for row in OnlineAccount.select(OnlineAccount.perpetrator, OnlineAccount.account_index).where(
            OnlineAccount.perpetrator.in_([p.id for p in targets])
        )
    }
    missing = [(p, a) for a in case_accounts(case) for p in targets if (p.id, a.index) not in known]
    if not missing:
        return 0
    with write_transaction():
        return sum(_add_account(p, a.platform, a.account, actor, case) for p, a in missing)


def add_online_account(perpetrator: Perpetrator, platform: str, account: str, actor: User) -> bool:
    """The security officer adds an account the person uses (seen in an incident against an
    employee, for example). Returns whether it was new."""
    if not may_decide_matches(actor):
        raise NotAllowed("register")
    if perpetrator.expired_at is not None:
        raise NotAllowed("register_expired", REGISTER_EXPIRED)
    if account_index(platform, account) is None:
        raise NotAllowed("account_unclear", ACCOUNT_UNCLEAR)
    with write_transaction():
        added = _add_account(perpetrator, platform, account, actor)
        if added:
            _keep_longer(perpetrator)
            perpetrator.save(only=[Perpetrator.retain_until])
    return added


def accounts_of(perpetrator: Perpetrator) -> list[OnlineAccount]:
    return list(OnlineAccount.select().where(OnlineAccount.perpetrator == perpetrator.id).order_by(OnlineAccount.id))


def accounts_of_all(perpetrators: list[Perpetrator]) -> dict[int, list[OnlineAccount]]:
    """accounts_of several perpetrators in one read, by perpetrator id."""
    found: dict[int, list[OnlineAccount]] = {p.id: [] for p in perpetrators}
    if found:
        query = OnlineAccount.select().where(OnlineAccount.perpetrator.in_(list(found))).order_by(OnlineAccount.id)
        for account in query:
            found[account.perpetrator_id].append(account)
    return found


@dataclass(frozen=True)
class PossibleMatch:
    """A register entry that is possibly the same person, with the accounts they have in common
    (as the register wrote them down)."""

    perpetrator: Perpetrator
    accounts: list[OnlineAccount]


def _group(rows) -> list[PossibleMatch]:
    grouped: dict[int, PossibleMatch] = {}
    for row in rows:
        match = grouped.setdefault(row.perpetrator.id, PossibleMatch(row.perpetrator, []))
        match.accounts.append(row)
    return list(grouped.values())


def possibly_same_person(case: Case) -> list[PossibleMatch]:
    """Live register entries with an online account that is on this case too, when the case is not
    linked to them and the security officer did not decide it is someone else. Only a suggestion:
    nothing is linked or merged until the security officer decides (confirm_same_person)."""
    indexes = [a.index for a in case_accounts(case)]
    if not indexes:
        return []
    linked = CasePerpetrator.select(CasePerpetrator.perpetrator).where(CasePerpetrator.case == case.id)
    rejected = NotSamePerson.select(NotSamePerson.perpetrator).where(NotSamePerson.case == case.id)
    rows = (
        OnlineAccount.select(OnlineAccount, Perpetrator)
        .join(Perpetrator)
        .where(
            OnlineAccount.account_index.in_(indexes)
            & Perpetrator.expired_at.is_null()
            & Perpetrator.id.not_in(linked)
            & Perpetrator.id.not_in(rejected)
        )
        .order_by(Perpetrator.id, OnlineAccount.id)
    )
    return _group(rows)


def entries_sharing_accounts(perpetrator: Perpetrator) -> list[PossibleMatch]:
    """Other live entries with one of this entry's online accounts: possibly the same person under
    another name. The security officer compares them; the register never merges them."""
    mine = OnlineAccount.select(OnlineAccount.account_index).where(OnlineAccount.perpetrator == perpetrator.id)
    rows = (
        OnlineAccount.select(OnlineAccount, Perpetrator)
        .join(Perpetrator)
        .where(
            OnlineAccount.account_index.in_(mine)
            & (Perpetrator.id != perpetrator.id)
            & Perpetrator.expired_at.is_null()
        )
        .order_by(Perpetrator.id, OnlineAccount.id)
    )
    return _group(rows)


def _check_decider(case: Case, perpetrator: Perpetrator, actor: User) -> None:
    if not may_decide_matches(actor) or visibility.case_access(actor, case) < visibility.Access.INFORMED:
        raise NotAllowed("decide_match", N_("Alleen de ambtenaar Veiligheid beslist of het dezelfde persoon is."))
    if perpetrator.expired_at is not None:
        raise NotAllowed("register_expired", REGISTER_EXPIRED)


def confirm_same_person(case: Case, perpetrator: Perpetrator, actor: User) -> None:
    """The security officer decides it is the same person: the case is linked to this entry."""
    _check_decider(case, perpetrator, actor)
    with write_transaction():
        NotSamePerson.delete().where(
            (NotSamePerson.case == case.id) & (NotSamePerson.perpetrator == perpetrator.id)
        ).execute()
        _link(case, perpetrator, actor)
        _keep_longer(perpetrator)
        perpetrator.save(only=[Perpetrator.retain_until])


def reject_same_person(case: Case, perpetrator: Perpetrator, actor: User) -> None:
    """The security officer decides it is someone else: the suggestion goes, the case stays apart."""
    _check_decider(case, perpetrator, actor)
    with write_transaction():
        NotSamePerson.insert(
            case=case.id, perpetrator=perpetrator.id, decided_by=actor.id, decided_at=clock.utcnow()
        ).on_conflict_ignore().execute()


# --- incidents against municipal employees (§6.2) ------------------------------------------------


def _check_incident(actor: User, occurred_on: dt.date, behaviour_class: str) -> None:
    if not visibility.may_see_employee_incidents(actor):
        raise NotAllowed(
            "employee_incident", N_("Alleen de ambtenaar Veiligheid legt incidenten tegen medewerkers vast.")
        )
    if behaviour_class not in {c.value for c in scheme.BehaviourClass}:
        raise NotAllowed("behaviour_class", N_("Kies de soort gedrag."))
    if occurred_on > clock.to_local(clock.utcnow()).date():
        raise NotAllowed(
            "occurred_in_future", N_("Deze datum ligt in de toekomst. Vul de datum in waarop het incident gebeurde.")
        )


def record_employee_incident(
    perpetrator: Perpetrator,
    occurred_on: dt.date,
    behaviour_class: str,
    summary: str,
    actor: User,
    *,
    token: str | None = None,
) -> EmployeeIncident:
    """An incident against a municipal employee by this person. Only the security officer records
    them (models.visibility.may_see_employee_incidents); the same form token twice is one incident."""
    _check_incident(actor, occurred_on, behaviour_class)
    if perpetrator.expired_at is not None:
        raise NotAllowed("register_expired", REGISTER_EXPIRED)
    with write_transaction():
        if token and (existing := EmployeeIncident.get_or_none(EmployeeIncident.token == token)) is not None:
            return existing
        incident = EmployeeIncident.create(
            perpetrator=perpetrator,
            occurred_on=occurred_on,
            behaviour_class=behaviour_class,
            summary=summary.strip(),
            recorded_by=actor,
            token=token or None,
        )
        _keep_longer(perpetrator)
        perpetrator.save(only=[Perpetrator.retain_until])
    return incident


def register_employee_incident(
    *,
    name: str,
    occurred_on: dt.date,
    behaviour_class: str,
    summary: str,
    actor: User,
    birth_date: str | None = None,
    address: str | None = None,
    description: str | None = None,
    platform: str | None = None,
    account: str | None = None,
    token: str | None = None,
) -> EmployeeIncident:
    """An incident against a municipal employee without a case of an office holder (§6.2: repeated
    against office holders or employees): on the entry with this identity, or on a new one. An
    online account the person used is kept with the entry, for matching."""
    _check_incident(actor, occurred_on, behaviour_class)
    if account and account_index(platform, account) is None:
        raise NotAllowed("account_unclear", ACCOUNT_UNCLEAR)
    with write_transaction():
        if token and (existing := EmployeeIncident.get_or_none(EmployeeIncident.token == token)) is not None:
            return existing
        perpetrator = _identify(name, birth_date, address, description)
        incident = record_employee_incident(perpetrator, occurred_on, behaviour_class, summary, actor, token=token)
        if account:
            _add_account(perpetrator, platform or "", account, actor)
    return incident


def renew(perpetrator: Perpetrator, reason: str) -> None:
    perpetrator.retain_until = _retention_from(clock.utcnow())
    perpetrator.renewed_reason = reason
    perpetrator.save(only=[Perpetrator.retain_until, Perpetrator.renewed_reason])


def due_for_expiry(now: dt.datetime) -> peewee.ModelSelect:
    """Live entries past their retention — except those linked to a case under legal hold."""
    held = CasePerpetrator.select(CasePerpetrator.perpetrator).where(CasePerpetrator.case.in_(held_case_ids()))
    return (
        Perpetrator.select()
        .where(Perpetrator.expired_at.is_null() & (Perpetrator.retain_until < now) & Perpetrator.id.not_in(held))
        .order_by(Perpetrator.id)
    )


def expire_due(now: dt.datetime, actor_id: int | None = None, ip: str | None = None) -> list[int]:
    """Entries past their retention lose their identity (periodic job). The links to cases and the
    dates and classes of employee incidents stay, anonymous: 'first or repeated' in past yearly
    reports keeps adding up. Each entry with its tombstone and audit entry in one transaction."""
    register_rule = tombstones.rule(tombstones.Kind.REGISTER)
    expired = []
    for perpetrator_id in [row.id for row in due_for_expiry(now).select(Perpetrator.id)]:
        with write_transaction():
            # Checked again inside the transaction: it may have been renewed, or a linked case held.
            if not due_for_expiry(now).where(Perpetrator.id == perpetrator_id).exists():
                continue
            Perpetrator.update(
                name=None,
                birth_date=None,
                address=None,
                description=None,
                identity_index=None,
                name_index=None,
                renewed_reason=None,
                expired_at=now,
            ).where(Perpetrator.id == perpetrator_id).execute()
            EmployeeIncident.update(summary="").where(EmployeeIncident.perpetrator == perpetrator_id).execute()
            OnlineAccount.delete().where(OnlineAccount.perpetrator == perpetrator_id).execute()
            tombstones.record(tombstones.Kind.REGISTER, "perpetrator", perpetrator_id, register_rule, now)
            audit.record(
                "perpetrator_expired",
                actor_id=actor_id,
                object_type="perpetrator",
                object_id=perpetrator_id,
                ip=ip,
                detail=register_rule,
            )
        expired.append(perpetrator_id)
    return expired
