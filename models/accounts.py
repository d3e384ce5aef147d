"""Accounts, roles, passwords, two-factor codes, sessions the server can revoke, and login throttling."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from enum import Enum

import bcrypt
import peewee
import pyotp

from models import clock, settings
from models.base import BaseModel
from models.crypto import EncryptedTextField
from models.db import write_transaction
from models.i18n import N_


class Role(str, Enum):
    COUNCIL_MEMBER = "council_member"
    GROUP_MEMBER = "group_member"
    ALDERMAN = "alderman"
    MAYOR = "mayor"
    CLERK = "clerk"
    DEPUTY_CLERK = "deputy_clerk"
    MUNICIPAL_SECRETARY = "municipal_secretary"
    SECURITY_OFFICER = "security_officer"
    FINANCE_OFFICER = "finance_officer"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.COUNCIL_MEMBER: N_("Raadslid"),
    Role.GROUP_MEMBER: N_("Fractievolger of fractiemedewerker"),
    Role.ALDERMAN: N_("Wethouder"),
    Role.MAYOR: N_("Burgemeester"),
    Role.CLERK: N_("Griffier"),
    Role.DEPUTY_CLERK: N_("Plaatsvervangend griffier"),
    Role.MUNICIPAL_SECRETARY: N_("Gemeentesecretaris"),
    Role.SECURITY_OFFICER: N_("Ambtenaar Veiligheid"),
    Role.FINANCE_OFFICER: N_("Medewerker financiën"),
    Role.ADMIN: N_("Functioneel beheerder"),
}

# Political office holders (§ intro): they can report incidents.
OFFICE_HOLDER_ROLES = frozenset({Role.COUNCIL_MEMBER, Role.GROUP_MEMBER, Role.ALDERMAN, Role.MAYOR})


class User(BaseModel):
    email = peewee.CharField(max_length=254, unique=True)
    name = peewee.CharField(max_length=200)
    role = peewee.CharField(max_length=32, choices=[(r.value, r.value) for r in Role], index=True)
    is_former = peewee.BooleanField(default=False)  # former office holder (oud-ambtsdrager)
    locale = peewee.CharField(max_length=8, default="nl")
    password_hash = peewee.CharField(max_length=80, null=True)
    totp_secret = EncryptedTextField(null=True)
    totp_last_counter = peewee.BigIntegerField(default=0)
    is_active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=clock.utcnow)
    activated_at = peewee.DateTimeField(null=True)
    # When the owner was last mailed about failed logins (at most one such mail an hour).
    login_alert_sent_at = peewee.DateTimeField(null=True)

    # What a login manager expects of a signed-in user (duck-typed: models/ imports no Flask).
    # `session_token` is set when the user is loaded from a live LoginSession.
    session_token: str | None = None
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_office_holder(self) -> bool:
        return self.role_enum in OFFICE_HOLDER_ROLES

    @property
    def can_log_in(self) -> bool:
        return self.is_active and self.password_hash is not None and self.totp_secret is not None


def listed() -> peewee.ModelSelect:
    """Accounts as lists, names and access decisions use them: every column except the password
    hash and the TOTP secret, so nothing is decrypted that is not shown (the case page listed every
    account four times over, decrypting each secret)."""
    return User.select(*[f for f in User._meta.sorted_fields if f.name not in ("password_hash", "totp_secret")])


def normalise_email(email: str) -> str:
    return email.strip().lower()


# --- passwords ---------------------------------------------------------------------------------

PASSWORD_MIN_LENGTH = 12
BCRYPT_MAX_BYTES = 72
BCRYPT_ROUNDS = 12  # the test suite lowers this for speed; production keeps 12


class PasswordProblem(str, Enum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    COMMON = "common"
    CONTAINS_EMAIL = "contains_email"


_common_passwords: frozenset[str] | None = None


def _is_common(password: str) -> bool:
    global _common_passwords
    if _common_passwords is None:
        from zxcvbn.frequency_lists import FREQUENCY_LISTS  # 30 000 most used passwords

        _common_passwords = frozenset(FREQUENCY_LISTS["passwords"])
    lowered = password.lower()
    # Also catch a common password padded with digits or repeated ("welkom123welkom123").
    stripped = lowered.rstrip("0123456789!?.")
    half = len(lowered) // 2
    repeated = len(lowered) % 2 == 0 and lowered[:half] == lowered[half:]
    return (
        lowered in _common_passwords
        or stripped in _common_passwords
        or (repeated and lowered[:half] in _common_passwords)
    )


def password_problem(password: str, email: str = "") -> PasswordProblem | None:
    if len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
        return PasswordProblem.TOO_LONG
    if len(password) < PASSWORD_MIN_LENGTH:
        return PasswordProblem.TOO_SHORT
    if _is_common(password):
        return PasswordProblem.COMMON
    local_part = normalise_email(email).split("@")[0]
    if len(local_part) >= 4 and local_part in password.lower():
        return PasswordProblem.CONTAINS_EMAIL
    return None


def hash_password(password: str) -> str:
    encoded = password.encode("utf-8")
    if len(encoded) > BCRYPT_MAX_BYTES:
        raise ValueError("password longer than bcrypt's 72 bytes")
    return bcrypt.hashpw(encoded, bcrypt.gensalt(rounds=BCRYPT_ROUNDS)).decode("ascii")


_DUMMY_HASH = bcrypt.hashpw(b"timing-equaliser", bcrypt.gensalt(rounds=12))


def check_password(user: User | None, password: str) -> bool:
    encoded = password.encode("utf-8")
    if len(encoded) > BCRYPT_MAX_BYTES or user is None or user.password_hash is None:
        bcrypt.checkpw(b"x", _DUMMY_HASH)  # same time whether or not the account exists
        return False
    return bcrypt.checkpw(encoded, user.password_hash.encode("ascii"))


# --- two-factor codes (TOTP, RFC 6238) -----------------------------------------------------------

TOTP_ISSUER = "Veilig Bestuur"


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def totp_counter_for(secret: str, code: str, at: dt.datetime | None = None) -> int | None:
    """The time step a code belongs to (one step of clock drift either way), or None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    moment = (at or clock.utcnow()).replace(tzinfo=dt.UTC)
    now_counter = totp.timecode(moment)
    for counter in (now_counter, now_counter - 1, now_counter + 1):
        if secrets.compare_digest(totp.generate_otp(counter), code):
            return counter
    return None


def consume_totp(user: User, code: str) -> bool:
    """Accept a code only once: its time step must be newer than the last one used (checked and
    stored in one UPDATE, so two workers cannot both accept the same code)."""
    counter = totp_counter_for(user.totp_secret, code) if user.totp_secret else None
    if counter is None:
        return False
    updated = (
        User.update(totp_last_counter=counter)
        .where((User.id == user.id) & (User.totp_last_counter < counter))
        .execute()
    )
    if updated:
        user.totp_last_counter = counter
    return bool(updated)


# --- sessions the server can revoke ------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()  # UTF-8: a typed non-ASCII token is no match, not a 500


class LoginSession(BaseModel):
    token_hash = peewee.CharField(max_length=64, unique=True)
    user = peewee.ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    created_at = peewee.DateTimeField()
    last_seen_at = peewee.DateTimeField()
    ip = peewee.CharField(max_length=64, null=True)
    user_agent = peewee.CharField(max_length=255, null=True)  # as the browser reported it at login


def start_session(user: User, ip: str | None, user_agent: str | None = None) -> str:
    token = secrets.token_urlsafe(32)
    now = clock.utcnow()
    LoginSession.create(
        token_hash=_token_hash(token),
        user=user,
        created_at=now,
        last_seen_at=now,
        ip=ip,
        user_agent=(user_agent or "")[:255] or None,
    )
    return token


def session_is_expired(session: LoginSession, now: dt.datetime) -> bool:
    idle = dt.timedelta(minutes=settings.get("session_idle_minutes"))
    lifetime = dt.timedelta(hours=settings.get("session_max_hours"))
    return now - session.last_seen_at > idle or now - session.created_at > lifetime


def load_session(token: str) -> LoginSession | None:
    """The live session for a token, or None when it is unknown, ended, expired or its account is off.
    Refreshes the idle clock (the "last active" a person sees) at most once a minute (fewer writes)."""
    session = (
        LoginSession.select(LoginSession, User).join(User).where(LoginSession.token_hash == _token_hash(token)).first()
    )
    if session is None:
        return None
    now = clock.utcnow()
    if session_is_expired(session, now) or not session.user.can_log_in:
        LoginSession.delete().where(LoginSession.id == session.id).execute()
        return None
    if now - session.last_seen_at > dt.timedelta(minutes=1):
        LoginSession.update(last_seen_at=now).where(LoginSession.id == session.id).execute()
        session.last_seen_at = now
    return session


def is_session_of(session: LoginSession, token: str | None) -> bool:
    return token is not None and secrets.compare_digest(session.token_hash, _token_hash(token))


def live_sessions(user_id: int) -> list[LoginSession]:
    """A person's sessions that still work, the most recently active first."""
    now = clock.utcnow()
    rows = LoginSession.select().where(LoginSession.user == user_id).order_by(LoginSession.last_seen_at.desc())
    return [row for row in rows if not session_is_expired(row, now)]


def end_session(token: str) -> None:
    LoginSession.delete().where(LoginSession.token_hash == _token_hash(token)).execute()


def end_own_session(user_id: int, session_id: int) -> bool:
    """End one of this person's own sessions at once (its next request finds no session). False when
    it is not theirs or already gone."""
    return bool(LoginSession.delete().where((LoginSession.id == session_id) & (LoginSession.user == user_id)).execute())


def end_all_sessions(user_id: int) -> int:
    return LoginSession.delete().where(LoginSession.user == user_id).execute()


# Browsers as the User-Agent names them, the most specific first (Edge and Opera also say "Chrome",
# Chrome also says "Safari"). Brand names: not translated.
_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chromium", "Chromium"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def device_of(user_agent: str | None) -> tuple[str | None, str | None]:
    """A short readable form of a User-Agent: (browser, system), e.g. ("Chrome", "Android"); None
    for a part it does not name. Only for a person to recognise their own devices by."""
    agent = user_agent or ""
    browser = next((name for token, name in _BROWSERS if token in agent), None)
    system = next((name for token, name in _SYSTEMS if token in agent), None)
    return browser, system


# --- login throttling (in the database: holds across worker processes) -------------------------
#
# The limits, per rolling hour (README "Security in short"):
# - password guesses per account, from all addresses together: setting login_guesses_per_hour_account (10);
# - password guesses per address, on all accounts together: setting login_guesses_per_hour_address (30);
# - wrong codes after the right password, per account: CODE_FAILURES_PER_HOUR (10).
THROTTLE_WINDOW = dt.timedelta(hours=1)
CODE_FAILURES_PER_HOUR = 10
# The owner is mailed once failed logins on their account reach this many in the hour (at most one mail an hour).
ALERT_AFTER_FAILURES = 3
ALERT_INTERVAL = dt.timedelta(hours=1)
FAILURES_KEPT = dt.timedelta(days=30)  # shown on the owner's account page this long


def throttle_address(ip: str) -> str:
    """The address as the per-address limit counts it: an IPv6 address by its /64 (one connection
    usually gets a whole /64, so counting single addresses would be no limit at all)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip[:64]
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


class FailureKind(str, Enum):
    PASSWORD = "password"  # noqa: S105 - the kind of a failure, not a password
    CODE = "code"  # the right password, a wrong or used code


FAILURE_LABELS = {
    FailureKind.PASSWORD: N_("Wachtwoord klopte niet"),
    FailureKind.CODE: N_("Wachtwoord klopte, de code niet"),
}


class LoginFailure(BaseModel):
    at = peewee.DateTimeField(index=True)
    email = peewee.CharField(max_length=254, index=True)
    ip = peewee.CharField(max_length=64, index=True)
    kind = peewee.CharField(max_length=16, default=FailureKind.PASSWORD.value)


class LoginOutcome(str, Enum):
    SUCCESS = "success"
    FAILED = "failed"  # 401: "e-mail, password or code is wrong"
    THROTTLED = "throttled"  # 429: the same answer whatever was typed, unless it was all right


@dataclass(frozen=True)
class LoginAttempt:
    outcome: LoginOutcome
    user: User | None
    email: str
    ip: str
    at: dt.datetime
    failure: FailureKind | None = None  # what went wrong; None on success
    counted: bool = False  # the failure counts towards the limits (record_login_failure stores it)


def attempt_login(email: str, password: str, code: str, ip: str) -> LoginAttempt:
    """Check one login: the throttle that stops guessing but never the owner.

    Someone who knows only an e-mail address must not be able to keep its owner out, and must not be
    able to guess the password either. So the throttle limits what a guess can *teach*, never what the
    right answer *gets*:

    - Under the limits a wrong password and a wrong code get the same answer ("e-mail, password or
      code is wrong"), so no answer says the password was right.
    - Over a limit (too many failures on this account in the hour from anywhere, or from this address
      on any account) the password and the code are still checked, and a right password with a right,
      unused code logs in as always. Every other answer is the same "too many attempts" message, and
      a wrong password is not even counted any more: a guess gains nothing, and the attacker's extra
      attempts do not lengthen anything for the owner. (bcrypt runs for every attempt, known account
      or not, so the time taken says nothing either.)
    - A right password with a wrong code is counted always, also over the limit: that is someone who
      knows the password trying codes. After CODE_FAILURES_PER_HOUR of those in the hour nothing gets
      in on that account — otherwise "over the limit, the right pair still works" would let a
      password thief try codes without end (a million codes, three valid at a time). Only someone who
      knows the password can cause that; the owner is mailed and changes the password (which clears
      these failures), or the admin resets it.

    Failures stay FAILURES_KEPT for the owner's account page; a login does not clear them (clearing
    would hand an attacker a fresh set of guesses each time the owner logs in).

    Reads only (and uses the code when all is right): bcrypt runs outside any write transaction, so
    a stream of attempts never holds SQLite's write lock. The caller stores a failure with
    record_login_failure, in the transaction of its audit entry.
    """
    email = normalise_email(email)[:254]
    ip = throttle_address(ip)
    user = User.get_or_none(User.email == email)
    now = clock.utcnow()
    recent = LoginFailure.select().where(LoginFailure.at > now - THROTTLE_WINDOW)
    throttled = recent.where(LoginFailure.email == email).count() >= settings.get(
        "login_guesses_per_hour_account"
    ) or recent.where(LoginFailure.ip == ip).count() >= settings.get("login_guesses_per_hour_address")
    codes_locked = (
        recent.where((LoginFailure.email == email) & (LoginFailure.kind == FailureKind.CODE.value)).count()
        >= CODE_FAILURES_PER_HOUR
    )
    password_right = check_password(user, password) and user.can_log_in
    if password_right and not codes_locked and consume_totp(user, code):
        return LoginAttempt(LoginOutcome.SUCCESS, user, email, ip, now)
    kind = FailureKind.CODE if password_right else FailureKind.PASSWORD
    counted = not codes_locked and (kind == FailureKind.CODE or not throttled)
    outcome = LoginOutcome.THROTTLED if throttled or codes_locked else LoginOutcome.FAILED
    return LoginAttempt(outcome, user, email, ip, now, kind, counted)


def record_login_failure(attempt: LoginAttempt) -> bool:
    """Store a failed attempt that counts (in the caller's write transaction). True when the owner
    is to be mailed now about failed logins on their account."""
    if attempt.counted:
        LoginFailure.create(at=attempt.at, email=attempt.email, ip=attempt.ip, kind=attempt.failure.value)
    user = attempt.user
    return user is not None and user.is_active and _claim_owner_alert(user, attempt.at)


def _claim_owner_alert(user: User, now: dt.datetime) -> bool:
    """True for the one attempt that should mail the owner: the failures in the hour reached
    ALERT_AFTER_FAILURES and no such mail went out in the last hour (claimed in one UPDATE, so two
    workers never both mail)."""
    failures = (
        LoginFailure.select()
        .where((LoginFailure.email == user.email) & (LoginFailure.at > now - THROTTLE_WINDOW))
        .count()
    )
    if failures < ALERT_AFTER_FAILURES:
        return False
    claimed = (
        User.update(login_alert_sent_at=now)
        .where(
            (User.id == user.id)
            & (User.login_alert_sent_at.is_null() | (User.login_alert_sent_at <= now - ALERT_INTERVAL))
        )
        .execute()
    )
    return bool(claimed)


def recent_login_failures(user: User, limit: int = 20) -> tuple[list[LoginFailure], int]:
    """The failed logins on this account that the owner sees (newest first, at most `limit`), and how
    many there were in all in the kept period. Never the address they came from."""
    rows = LoginFailure.select(LoginFailure.at, LoginFailure.kind).where(
        (LoginFailure.email == user.email) & (LoginFailure.at > clock.utcnow() - FAILURES_KEPT)
    )
    return list(rows.order_by(LoginFailure.at.desc()).limit(limit)), rows.count()


def forget_code_failures(email: str) -> None:
    """A new password voids what a password thief knew: their wrong codes no longer lock the account."""
    LoginFailure.delete().where(
        (LoginFailure.email == normalise_email(email)) & (LoginFailure.kind == FailureKind.CODE.value)
    ).execute()


def purge_expired_logins() -> tuple[int, int]:
    """Forget old login failures and ended sessions (periodic job)."""
    now = clock.utcnow()
    failures = LoginFailure.delete().where(LoginFailure.at < now - FAILURES_KEPT).execute()
    idle_cutoff = now - dt.timedelta(minutes=settings.get("session_idle_minutes"))
    life_cutoff = now - dt.timedelta(hours=settings.get("session_max_hours"))
    sessions = (
        LoginSession.delete()
        .where((LoginSession.last_seen_at < idle_cutoff) | (LoginSession.created_at < life_cutoff))
        .execute()
    )
    return failures, sessions


# --- one-time links: activation, password reset, two-factor reset -------------------------------


class TokenPurpose(str, Enum):
    ACTIVATE = "activate"
    RESET_PASSWORD = "reset_password"  # noqa: S105 - the name of a token's purpose, not a password
    RESET_TWO_FACTOR = "reset_two_factor"


class AccountToken(BaseModel):
    token_hash = peewee.CharField(max_length=64, unique=True)
    user = peewee.ForeignKeyField(User, backref="tokens", on_delete="CASCADE")
    purpose = peewee.CharField(max_length=32)
    created_at = peewee.DateTimeField()
    expires_at = peewee.DateTimeField()
    used_at = peewee.DateTimeField(null=True)
    # The TOTP secret on offer: it becomes the account's only once a code from it is confirmed.
    pending_totp_secret = EncryptedTextField(null=True)


def issue_token(user: User, purpose: TokenPurpose) -> str:
    """A new one-time link token; earlier unused tokens of the same purpose stop working."""
    token = secrets.token_urlsafe(32)
    now = clock.utcnow()
    with write_transaction():
        (
            AccountToken.update(used_at=now)
            .where(
                (AccountToken.user == user) & (AccountToken.purpose == purpose.value) & AccountToken.used_at.is_null()
            )
            .execute()
        )
        AccountToken.create(
            token_hash=_token_hash(token),
            user=user,
            purpose=purpose.value,
            created_at=now,
            expires_at=now + dt.timedelta(hours=settings.get("activation_link_hours")),
            pending_totp_secret=None if purpose == TokenPurpose.RESET_PASSWORD else new_totp_secret(),
        )
    return token


def find_token(token: str) -> AccountToken | None:
    """A usable token: known, not used, not expired, its account active."""
    row = (
        AccountToken.select(AccountToken, User).join(User).where(AccountToken.token_hash == _token_hash(token)).first()
    )
    if row is None or row.used_at is not None or row.expires_at < clock.utcnow() or not row.user.is_active:
        return None
    return row


class TokenAlreadyUsed(Exception):
    pass


def complete_token(row: AccountToken, *, password: str | None, totp_code: str | None) -> bool:
    """Use a one-time link: set the new password and/or confirm the new TOTP secret with a code
    from it. Returns False (and changes nothing) when the code does not match."""
    user = row.user
    with write_transaction():
        if row.pending_totp_secret is not None:
            counter = totp_counter_for(row.pending_totp_secret, totp_code or "")
            if counter is None:
                return False
            user.totp_secret = row.pending_totp_secret
            user.totp_last_counter = counter  # this code is now used
        if password is not None:
            user.password_hash = hash_password(password)
            forget_code_failures(user.email)
        if user.activated_at is None:
            user.activated_at = clock.utcnow()
        user.save()
        used = (
            AccountToken.update(used_at=clock.utcnow())
            .where((AccountToken.id == row.id) & AccountToken.used_at.is_null())
            .execute()
        )
        if not used:  # the same link used twice at once: the second one loses, nothing changes
            raise TokenAlreadyUsed()
        end_all_sessions(user.id)
    return True


# --- account management by the admin ----------------------------------------------------------


class EmailTaken(Exception):
    pass


def invite(email: str, name: str, role: Role, is_former: bool = False, locale: str = "nl") -> tuple[User, str]:
    """A new account without password or two-factor: the person sets both through the link."""
    email = normalise_email(email)
    with write_transaction():
        if User.select().where(User.email == email).exists():
            raise EmailTaken(email)
        user = User.create(email=email, name=name.strip(), role=role.value, is_former=is_former, locale=locale)
        token = issue_token(user, TokenPurpose.ACTIVATE)
    return user, token


def set_active(user: User, active: bool) -> None:
    """Deactivation ends the person's open sessions at once (they are checked on every request)."""
    with write_transaction():
        user.is_active = active
        user.save(only=[User.is_active])
        if not active:
            end_all_sessions(user.id)


def change_role(user: User, role: Role, is_former: bool) -> None:
    with write_transaction():
        role_changed = user.role != role.value
        user.role = role.value
        user.is_former = is_former
        user.save(only=[User.role, User.is_former])
        if role_changed:
            end_all_sessions(user.id)
