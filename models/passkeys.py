"""Passkeys (WebAuthn): a person's registered credentials, the challenges of a ceremony, and the rules
a login by passkey must pass — the user verified by the device, and a sign counter that never goes
back (a counter that does is a copied credential: refused).

Verification is py_webauthn's; this module decides what is stored and what is refused, whichever
view calls it. Nothing here knows of Flask: the web layer passes the RP ID and origin it serves."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from enum import Enum

import peewee
import webauthn
from webauthn.helpers import bytes_to_base64url, parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from models import audit, clock, settings
from models.accounts import User
from models.base import BaseModel
from models.db import write_transaction
from models.i18n import N_
from models.routing import HANDLER_ROLES

RP_NAME = "Veilig Bestuur"
NAME_MAX_LENGTH = 100
MAX_PER_USER = 10
CHALLENGE_MINUTES = 5
TIMEOUT_MS = 120_000
# Adding a passkey gives lasting access: only shortly after logging in (a session taken over hours
# later cannot add the attacker's own passkey).
FRESH_LOGIN_MINUTES = 15


class Passkey(BaseModel):
    user = peewee.ForeignKeyField(User, backref="passkeys", on_delete="CASCADE")
    credential_id = peewee.CharField(max_length=1400, unique=True)  # base64url of up to 1023 bytes
    public_key = peewee.BlobField()  # COSE key
    sign_count = peewee.BigIntegerField(default=0)
    # The WebAuthn user.id: random, the same for all of a person's passkeys (never their e-mail).
    user_handle = peewee.CharField(max_length=64, index=True)
    name = peewee.CharField(max_length=NAME_MAX_LENGTH)
    transports = peewee.CharField(max_length=200, default="")  # comma-separated, as the browser said
    added_at = peewee.DateTimeField(default=clock.utcnow)
    last_used_at = peewee.DateTimeField(null=True)


class PasskeyChallenge(BaseModel):
    """A ceremony's challenge, kept on the server and taken once: the browser holds only a random
    token for it (in the session), so an answer cannot be replayed with an old copy of the cookie."""

    token_hash = peewee.CharField(max_length=64, unique=True)
    purpose = peewee.CharField(max_length=16)
    user = peewee.ForeignKeyField(User, null=True, on_delete="CASCADE")
    challenge = peewee.CharField(max_length=128)
    user_handle = peewee.CharField(max_length=64, null=True)  # registration: the handle the new passkey gets
    expires_at = peewee.DateTimeField(index=True)


class Purpose(str, Enum):
    REGISTER = "register"
    LOGIN = "login"


class Refusal(str, Enum):
    NAME_MISSING = "name_missing"
    NAME_TOO_LONG = "name_too_long"
    TOO_MANY = "too_many"
    EXPIRED = "expired"
    NOT_VERIFIED = "not_verified"
    ALREADY_ADDED = "already_added"
    UNKNOWN = "unknown"
    ACCOUNT_OFF = "account_off"
    CLONED = "cloned"
    LOGIN_NOT_FRESH = "login_not_fresh"


MESSAGES = {
    Refusal.NAME_MISSING: N_("Geef de passkey een naam, bijvoorbeeld ‘Telefoon’ of ‘Laptop werk’."),
    Refusal.NAME_TOO_LONG: N_("De naam mag hoogstens 100 tekens lang zijn."),
    Refusal.TOO_MANY: N_("U heeft al 10 passkeys. Verwijder er eerst een die u niet meer gebruikt."),
    Refusal.EXPIRED: N_("Dit duurde te lang of is al gebruikt. Probeer het opnieuw."),
    Refusal.NOT_VERIFIED: N_(
        "Dat is niet gelukt. Uw apparaat moet u herkennen, bijvoorbeeld met uw vingerafdruk, gezicht of pincode. Probeer het opnieuw."
    ),
    Refusal.ALREADY_ADDED: N_("Deze passkey is al toegevoegd."),
    Refusal.UNKNOWN: N_(
        "Deze passkey kent het portaal niet (meer). Misschien is hij verwijderd. Log in met uw wachtwoord en code."
    ),
    Refusal.ACCOUNT_OFF: N_("Met dit account kunt u nu niet inloggen. Neem contact op met de functioneel beheerder."),
    Refusal.CLONED: N_(
        "Inloggen met deze passkey is geweigerd: het lijkt erop dat hij is gekopieerd. Log in met uw wachtwoord en code, en meld dit bij de functioneel beheerder."
    ),
    Refusal.LOGIN_NOT_FRESH: N_(
        "Log voor de zekerheid eerst opnieuw in. Daarna kunt u een kwartier lang een passkey toevoegen."
    ),
}


class PasskeyRefused(Exception):
    def __init__(self, refusal: Refusal, user: User | None = None):
        super().__init__(refusal.value)
        self.refusal = refusal
        self.user = user  # when known: whose passkey was refused (for the audit trail)

    @property
    def message(self) -> str:
        return MESSAGES[self.refusal]


# Malformed input from a browser: anything py_webauthn or base64 decoding raises on it.
_BAD_INPUT = (WebAuthnException, ValueError, TypeError, KeyError, AttributeError)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


# --- challenges -------------------------------------------------------------------------------


def _issue_challenge(
    purpose: Purpose, previous: str | None, user: User | None = None, user_handle: bytes | None = None
) -> tuple[str, bytes]:
    """A new challenge, replacing the session's previous one; returns the token the session keeps and
    the challenge bytes."""
    token = secrets.token_urlsafe(32)
    challenge = secrets.token_bytes(32)
    now = clock.utcnow()
    stale = PasskeyChallenge.expires_at < now
    if previous and isinstance(previous, str):
        stale |= PasskeyChallenge.token_hash == _hash(previous)
    with write_transaction():
        PasskeyChallenge.delete().where(stale).execute()
        PasskeyChallenge.create(
            token_hash=_hash(token),
            purpose=purpose.value,
            user=user,
            challenge=bytes_to_base64url(challenge),
            user_handle=bytes_to_base64url(user_handle) if user_handle else None,
            expires_at=now + dt.timedelta(minutes=CHALLENGE_MINUTES),
        )
    return token, challenge


def _take_challenge(token: str | None, purpose: Purpose, user: User | None = None) -> PasskeyChallenge:
    """The challenge for this token, once: it is deleted in the same step (two requests with the same
    token: one gets it). Refused when unknown, used, expired, or of another purpose or person."""
    if not token or not isinstance(token, str):
        raise PasskeyRefused(Refusal.EXPIRED)
    row = PasskeyChallenge.get_or_none(PasskeyChallenge.token_hash == _hash(token))
    if row is None:
        raise PasskeyRefused(Refusal.EXPIRED)
    taken = PasskeyChallenge.delete().where(PasskeyChallenge.id == row.id).execute()
    if (
        not taken
        or row.expires_at < clock.utcnow()
        or row.purpose != purpose.value
        or row.user_id != (user.id if user else None)
    ):
        raise PasskeyRefused(Refusal.EXPIRED)
    return row


# --- a person's passkeys ------------------------------------------------------------------------


def passkeys_of(user: User) -> list[Passkey]:
    return list(Passkey.select().where(Passkey.user == user).order_by(Passkey.added_at, Passkey.id))


def has_passkey(user: User) -> bool:
    return Passkey.select().where(Passkey.user == user).exists()


def must_add_passkey(user: User) -> bool:
    """The admin requires a passkey of handlers (setting passkey_required_handlers) and this handler
    has none yet: they add one before anything else."""
    return settings.get("passkey_required_handlers") == 1 and user.role_enum in HANDLER_ROLES and not has_passkey(user)


def check_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise PasskeyRefused(Refusal.NAME_MISSING)
    if len(name) > NAME_MAX_LENGTH:
        raise PasskeyRefused(Refusal.NAME_TOO_LONG)
    return name


def _user_handle(user: User) -> bytes:
    existing = Passkey.select(Passkey.user_handle).where(Passkey.user == user).first()
    if existing:
        return webauthn.base64url_to_bytes(existing.user_handle)
    return secrets.token_bytes(32)


def begin_registration(
    user: User, name: str | None, rp_id: str, *, logged_in_at: dt.datetime, previous: str | None = None
) -> tuple[str, str]:
    """Start adding a passkey: the name is checked first (before the device asks anything), then
    the options for navigator.credentials.create() — a discoverable credential (the login needs no
    e-mail address) that verifies the person; the passkeys already added are excluded. Only within
    FRESH_LOGIN_MINUTES of logging in. Returns the challenge's token and the options as JSON."""
    check_name(name)
    if clock.utcnow() - logged_in_at > dt.timedelta(minutes=FRESH_LOGIN_MINUTES):
        raise PasskeyRefused(Refusal.LOGIN_NOT_FRESH)
    if Passkey.select().where(Passkey.user == user).count() >= MAX_PER_USER:
        raise PasskeyRefused(Refusal.TOO_MANY)
    user_handle = _user_handle(user)
    token, challenge = _issue_challenge(Purpose.REGISTER, previous, user, user_handle)
    options = webauthn.generate_registration_options(
        rp_id=rp_id,
        rp_name=RP_NAME,
        user_name=user.email,
        user_display_name=user.name,
        user_id=user_handle,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            require_resident_key=True,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(p.credential_id)) for p in passkeys_of(user)
        ],
    )
    return token, webauthn.options_to_json(options)


def _transports(credential: dict) -> str:
    known = {t.value for t in AuthenticatorTransport}
    given = (credential.get("response") or {}).get("transports") or []
    return ",".join(t for t in given if isinstance(t, str) and t in known)[:200]


def finish_registration(
    user: User, token: str | None, name: str | None, credential: dict, *, rp_id: str, origin: str, ip: str | None
) -> Passkey:
    """Verify a new passkey's attestation against its challenge (taken once; the user verified, this
    RP, this origin) and store it."""
    name = check_name(name)
    ceremony = _take_challenge(token, Purpose.REGISTER, user)
    if not isinstance(credential, dict):
        raise PasskeyRefused(Refusal.NOT_VERIFIED)
    try:
        verified = webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=webauthn.base64url_to_bytes(ceremony.challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
            require_user_verification=True,
        )
    except _BAD_INPUT as error:
        raise PasskeyRefused(Refusal.NOT_VERIFIED) from error
    credential_id = bytes_to_base64url(verified.credential_id)
    with write_transaction():
        if Passkey.select().where(Passkey.credential_id == credential_id).exists():
            raise PasskeyRefused(Refusal.ALREADY_ADDED)
        if Passkey.select().where(Passkey.user == user).count() >= MAX_PER_USER:
            raise PasskeyRefused(Refusal.TOO_MANY)
        passkey = Passkey.create(
            user=user,
            credential_id=credential_id,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            user_handle=ceremony.user_handle,
            name=name,
            transports=_transports(credential),
            added_at=clock.utcnow(),
        )
        audit.record("passkey_added", actor_id=user.id, object_type="passkey", object_id=passkey.id, ip=ip)
    return passkey


def remove(user: User, passkey_id: int, ip: str | None) -> Passkey | None:
    """Remove one of this person's own passkeys; None when it is not theirs or already gone."""
    with write_transaction():
        row = Passkey.get_or_none((Passkey.id == passkey_id) & (Passkey.user == user))
        if row is None or not Passkey.delete().where(Passkey.id == row.id).execute():
            return None
        audit.record("passkey_removed", actor_id=user.id, object_type="passkey", object_id=row.id, ip=ip)
    return row


def remove_all(user: User) -> int:
    """Every passkey of this person (the admin's two-factor reset: the person lost their devices)."""
    return Passkey.delete().where(Passkey.user == user).execute()


# --- logging in -------------------------------------------------------------------------------


def begin_login(rp_id: str, previous: str | None = None) -> tuple[str, str]:
    """Start a login: options for navigator.credentials.get() that accept any passkey of this site
    (discoverable, so the person picks their account on the device) and require the device to
    verify the person. Returns the challenge's token and the options as JSON."""
    token, challenge = _issue_challenge(Purpose.LOGIN, previous)
    options = webauthn.generate_authentication_options(
        rp_id=rp_id,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        allow_credentials=[],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return token, webauthn.options_to_json(options)


def counter_goes_backwards(stored: int, presented: int) -> bool:
    """A counter that did not go up since the last login means a second copy of the credential is in
    use (WebAuthn §6.1.1). Devices that keep no counter send 0 every time: that is allowed."""
    return (stored > 0 or presented > 0) and presented <= stored


def finish_login(token: str | None, credential: dict, *, rp_id: str, origin: str) -> User:
    """The person a passkey login belongs to, after every check: a passkey this portal knows, its
    signature over this challenge, this RP and origin, the user verified, the counter up, the account
    able to log in. The new counter and the time of use are stored (at most once per counter)."""
    ceremony = _take_challenge(token, Purpose.LOGIN)
    try:
        parsed = parse_authentication_credential_json(credential if isinstance(credential, dict) else {})
    except _BAD_INPUT as error:
        raise PasskeyRefused(Refusal.NOT_VERIFIED) from error
    passkey = (
        Passkey.select(Passkey, User)
        .join(User)
        .where(Passkey.credential_id == bytes_to_base64url(parsed.raw_id))
        .first()
    )
    if passkey is None:
        raise PasskeyRefused(Refusal.UNKNOWN)
    user = passkey.user
    # Nobody was named before the ceremony, so the device must say whose passkey it is (WebAuthn §7.2).
    handle = parsed.response.user_handle
    if handle is None or bytes_to_base64url(handle) != passkey.user_handle:
        raise PasskeyRefused(Refusal.NOT_VERIFIED, user)
    try:
        verified = webauthn.verify_authentication_response(
            credential=parsed,
            expected_challenge=webauthn.base64url_to_bytes(ceremony.challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=0,  # the counter rule is ours (below), after the signature holds
            require_user_verification=True,
        )
    except _BAD_INPUT as error:
        raise PasskeyRefused(Refusal.NOT_VERIFIED, user) from error
    if not verified.user_verified:
        raise PasskeyRefused(Refusal.NOT_VERIFIED, user)
    if counter_goes_backwards(passkey.sign_count, verified.new_sign_count):
        raise PasskeyRefused(Refusal.CLONED, user)
    if not user.can_log_in:
        raise PasskeyRefused(Refusal.ACCOUNT_OFF, user)
    # Checked and stored in one UPDATE: two logins presenting the same counter cannot both pass.
    counter_ok = Passkey.sign_count < verified.new_sign_count
    if verified.new_sign_count == 0:
        counter_ok = Passkey.sign_count == 0
    updated = (
        Passkey.update(sign_count=verified.new_sign_count, last_used_at=clock.utcnow())
        .where((Passkey.id == passkey.id) & counter_ok)
        .execute()
    )
    if not updated:
        raise PasskeyRefused(Refusal.CLONED, user)
    return user
