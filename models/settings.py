"""Settings a municipality can change (deadlines, timeouts, limits), with the protocol's defaults.

A setting is declared once here with its default; the admin changes it in the portal; every
reader calls `get()` so views, jobs and reports use the same value.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from contextvars import ContextVar
from dataclasses import dataclass

import peewee

from models import clock
from models.base import BaseModel
from models.db import select_written_once, write_transaction
from models.i18n import N_


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: int
    label: str
    unit: str
    minimum: int = 1
    maximum: int = 10_000


SPECS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in [
        SettingSpec(
            "session_idle_minutes", 30, N_("Uitloggen na zoveel minuten zonder activiteit"), N_("minuten"), 5, 240
        ),
        SettingSpec("session_max_hours", 12, N_("Maximale duur van een sessie"), N_("uren"), 1, 24),
        # Password guesses per rolling hour (models.accounts.attempt_login): over a limit only the right
        # password with a right code still gets in, so the owner is never locked out by someone else.
        SettingSpec(
            "login_guesses_per_hour_account",
            10,
            N_("Wachtwoordpogingen per uur op één account (vanaf alle internetadressen samen)"),
            N_("pogingen per uur"),
            3,
            100,
        ),
        SettingSpec(
            "login_guesses_per_hour_address",
            30,
            N_("Wachtwoordpogingen per uur vanaf één internetadres (op alle accounts samen)"),
            N_("pogingen per uur"),
            5,
            1000,
        ),
        SettingSpec(
            "case_pickup_hours", 24, N_("Een nieuwe melding geldt als te laat opgepakt na"), N_("uren"), 1, 336
        ),
        SettingSpec("aftercare_first_hours", 24, N_("Eerste nazorggesprek binnen"), N_("uren"), 1, 168),
        SettingSpec("aftercare_second_days", 3, N_("Tweede nazorggesprek binnen"), N_("dagen"), 1, 30),
        SettingSpec("aftercare_third_from_weeks", 4, N_("Derde nazorggesprek op zijn vroegst na"), N_("weken"), 1, 26),
        SettingSpec("aftercare_third_until_weeks", 6, N_("Derde nazorggesprek op zijn laatst na"), N_("weken"), 1, 52),
        SettingSpec(
            "aftercare_remind_hours",
            12,
            N_("Herinnering voor een nazorggesprek, zoveel uren van tevoren"),
            N_("uren"),
            1,
            336,
        ),
        SettingSpec("inspectorate_hours", 24, N_("De Arbeidsinspectie waarschuwen binnen"), N_("uren"), 1, 168),
        SettingSpec(
            "inspectorate_remind_hours",
            6,
            N_("Herinnering voor de Arbeidsinspectie, zoveel uren na registratie"),
            N_("uren"),
            1,
            168,
        ),
        SettingSpec(
            "inspectorate_escalate_hours",
            18,
            N_("Escalatie naar burgemeester en gemeentesecretaris, zoveel uren na registratie"),
            N_("uren"),
            1,
            168,
        ),
        SettingSpec(
            "ban_remind_days",
            14,
            N_("Herinnering voor het einde van een gebiedsverbod, zoveel dagen van tevoren"),
            N_("dagen"),
            1,
            180,
        ),
        SettingSpec("police_feedback_days", 28, N_("De melder informeren over de aangifte, elke"), N_("dagen"), 1, 180),
        SettingSpec(
            "register_retention_months",
            24,
            N_("Bewaartermijn van het register van veroorzakers"),
            N_("maanden"),
            1,
            120,
        ),
        # Retention (AVG): what goes when is decided in models.retention; README "Retention (AVG)".
        SettingSpec(
            "retention_closed_case_months",
            24,
            N_("Persoonsgegevens uit een afgesloten melding verwijderen, zoveel maanden na het afsluiten"),
            N_("maanden"),
            1,
            120,
        ),
        SettingSpec(
            "retention_evidence_months",
            36,
            N_("Bewijsbestanden verwijderen, zoveel maanden na het toevoegen (ook als de melding nog open is)"),
            N_("maanden"),
            1,
            120,
        ),
        SettingSpec(
            "retention_audit_months",
            36,
            N_("Bewaartermijn van het logboek (wie wat deed in het portaal)"),
            N_("maanden"),
            6,
            240,
        ),
        SettingSpec(
            "retention_draft_days",
            30,
            N_("Een melding die nooit is verstuurd verwijderen, zoveel dagen na de laatste wijziging"),
            N_("dagen"),
            1,
            365,
        ),
        # Passkeys (models.passkeys.must_add_passkey): a handler without one adds one after logging in.
        SettingSpec(
            "passkey_required_handlers",
            0,
            N_(
                "Behandelaars (griffie, burgemeester, gemeentesecretaris, Veiligheid) moeten een passkey hebben: 1 = ja, 0 = nee"
            ),
            N_("keuze"),
            0,
            1,
        ),
        SettingSpec("activation_link_hours", 72, N_("Geldigheid van een activatielink"), N_("uren"), 1, 336),
        # Damages (§6.4): who assesses claims (1 gemeentesecretaris, 2 burgemeester, 3 griffier: models.damages.ASSESSOR_ROLES), the recovery schedule and a sanity limit.
        SettingSpec(
            "damages_assessor_role",
            1,
            N_("Wie beoordeelt schadeclaims: 1 = gemeentesecretaris, 2 = burgemeester, 3 = griffier"),
            N_("keuze"),
            1,
            3,
        ),
        SettingSpec(
            "damages_payment_days",
            30,
            N_("Betaaltermijn voor de veroorzaker na de brief met de vordering"),
            N_("dagen"),
            1,
            180,
        ),
        SettingSpec(
            "damages_reminder_days",
            14,
            N_("Herinnering aan de veroorzaker, zoveel dagen na de vervaldatum"),
            N_("dagen"),
            1,
            180,
        ),
        SettingSpec(
            "damages_demand_days",
            28,
            N_("Aanmaning aan de veroorzaker, zoveel dagen na de vervaldatum"),
            N_("dagen"),
            1,
            365,
        ),
        SettingSpec(
            "damages_escalate_days",
            42,
            N_("Escalatie naar wie schadeclaims beoordeelt, zoveel dagen na de vervaldatum"),
            N_("dagen"),
            1,
            365,
        ),
        SettingSpec(
            "damages_sanity_limit_euros",
            50_000,
            N_("Hoogste bedrag dat in één keer kan worden ingevuld"),
            N_("euro"),
            100,
            10_000_000,
        ),
        # The yearly report (§4.1): small counts hidden (models.annual_report.suppress_small_cells); who may produce it.
        SettingSpec(
            "report_min_cell",
            5,
            N_("Jaarverslag: aantallen kleiner dan dit getal worden niet getoond"),
            N_("meldingen"),
            3,
            100,
        ),
        SettingSpec(
            "annual_report_mayor",
            1,
            N_("De burgemeester mag het jaarverslag maken: 1 = ja, 0 = nee"),
            N_("keuze"),
            0,
            1,
        ),
        SettingSpec(
            "annual_report_municipal_secretary",
            1,
            N_("De gemeentesecretaris mag het jaarverslag maken: 1 = ja, 0 = nee"),
            N_("keuze"),
            0,
            1,
        ),
        SettingSpec(
            "annual_report_clerk", 1, N_("De griffier mag het jaarverslag maken: 1 = ja, 0 = nee"), N_("keuze"), 0, 1
        ),
        SettingSpec(
            "annual_report_deputy_clerk",
            0,
            N_("De plaatsvervangend griffier mag het jaarverslag maken: 1 = ja, 0 = nee"),
            N_("keuze"),
            0,
            1,
        ),
        SettingSpec(
            "annual_report_security_officer",
            1,
            N_("De ambtenaar Veiligheid mag het jaarverslag maken: 1 = ja, 0 = nee"),
            N_("keuze"),
            0,
            1,
        ),
    ]
}


class Setting(BaseModel):
    key = peewee.CharField(max_length=64, primary_key=True)
    value = peewee.IntegerField()
    changed_at = peewee.DateTimeField(default=clock.utcnow)
    changed_by = peewee.IntegerField(null=True)


# Inside `read_once()` (one web request): every setting read in one query, the first time one is needed.
_scope: ContextVar[dict | None] = ContextVar("settings_scope", default=None)


@contextlib.contextmanager
def read_once():
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def get(key: str) -> int:
    scope = _scope.get()
    if scope is not None:
        if not scope:
            scope.update(all_values())
        return scope[key]
    spec = SPECS[key]
    row = Setting.get_or_none(Setting.key == key)
    return spec.default if row is None else row.value


def all_values() -> dict[str, int]:
    stored = {row.key: row.value for row in select_written_once("settings:all", Setting.select)}
    return {key: stored.get(key, spec.default) for key, spec in SPECS.items()}


def change(key: str, value: int, changed_by: int | None) -> None:
    spec = SPECS[key]
    if not spec.minimum <= value <= spec.maximum:
        raise ValueError(key)
    with write_transaction():
        (
            Setting.insert(key=key, value=value, changed_at=clock.utcnow(), changed_by=changed_by)
            .on_conflict(
                conflict_target=[Setting.key],
                update={Setting.value: value, Setting.changed_at: clock.utcnow(), Setting.changed_by: changed_by},
            )
            .execute()
        )
    if (scope := _scope.get()) is not None:
        scope.clear()  # read again, with the new value


# --- settings that are a text: the contact and expiry of /.well-known/security.txt (RFC 9116) -----


@dataclass(frozen=True)
class TextSettingSpec:
    key: str
    label: str
    help: str
    kind: str  # "contact": a mailto: or https: address; "date": a day, stored as YYYY-MM-DD


TEXT_SPECS: dict[str, TextSettingSpec] = {
    spec.key: spec
    for spec in [
        TextSettingSpec(
            "security_contact",
            N_("Contact voor wie een beveiligingsprobleem in het portaal vindt (security.txt)"),
            N_(
                "Een e-mailadres, of een webadres dat met https begint. Leeg: security@ met het domein van het portaal."
            ),
            "contact",
        ),
        TextSettingSpec(
            "security_expires",
            N_("Deze contactgegevens zijn geldig tot (security.txt)"),
            N_(
                "Een datum, het liefst binnen een jaar. Kijk dan opnieuw of het contact nog klopt. Leeg: steeds een half jaar vanaf vandaag."
            ),
            "date",
        ),
    ]
}

# Without a date set, security.txt expires this long after the day it is read (RFC 9116: less than a year).
SECURITY_EXPIRES_DEFAULT_DAYS = 182


class TextSetting(BaseModel):
    key = peewee.CharField(max_length=64, primary_key=True)
    value = peewee.CharField(max_length=255)
    changed_at = peewee.DateTimeField(default=clock.utcnow)
    changed_by = peewee.IntegerField(null=True)


def get_text(key: str) -> str:
    """The stored text, or "" when nobody set it (the reader then uses its documented fallback)."""
    if key not in TEXT_SPECS:
        raise KeyError(key)
    row = TextSetting.get_or_none(TextSetting.key == key)
    return row.value if row else ""


def normalise_text(key: str, value: str) -> str:
    value = (value or "").strip()
    if TEXT_SPECS[key].kind == "contact" and value and ":" not in value and "@" in value:
        value = "mailto:" + value  # a plain e-mail address
    return value


def text_problem(key: str, value: str) -> str | None:
    """Why this (normalised) value cannot be stored, as a Dutch sentence to show; None when it can."""
    spec = TEXT_SPECS[key]
    if not value:
        return None
    if spec.kind == "contact":
        if len(value) > 255 or not value.isprintable() or any(ch.isspace() for ch in value):
            return N_("Vul één adres in, zonder spaties.")
        address = value.removeprefix("mailto:")
        if value.startswith("mailto:") and address.count("@") == 1 and "." in address.split("@")[1]:
            return None
        if value.startswith("https://") and len(value) > len("https://"):
            return None
        return N_("Vul een e-mailadres in, of een webadres dat met https begint.")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return N_("Vul een datum in, bijvoorbeeld 2027-06-30.")
    return None


def change_text(key: str, value: str, changed_by: int | None) -> None:
    value = normalise_text(key, value)
    if text_problem(key, value):
        raise ValueError(key)
    with write_transaction():
        if not value:
            TextSetting.delete().where(TextSetting.key == key).execute()
            return
        (
            TextSetting.insert(key=key, value=value, changed_at=clock.utcnow(), changed_by=changed_by)
            .on_conflict(
                conflict_target=[TextSetting.key],
                update={
                    TextSetting.value: value,
                    TextSetting.changed_at: clock.utcnow(),
                    TextSetting.changed_by: changed_by,
                },
            )
            .execute()
        )


def security_txt(host: str, canonical_url: str, today: dt.date) -> str:
    """/.well-known/security.txt (RFC 9116): Contact and Expires from the settings, or their fallbacks."""
    contact = get_text("security_contact") or f"mailto:security@{host}"
    expires_text = get_text("security_expires")
    expires = (
        dt.date.fromisoformat(expires_text)
        if expires_text
        else today + dt.timedelta(days=SECURITY_EXPIRES_DEFAULT_DAYS)
    )
    return (
        f"Contact: {contact}\n"
        f"Expires: {expires.isoformat()}T23:59:59Z\n"
        "Preferred-Languages: nl, en\n"
        f"Canonical: {canonical_url}\n"
    )
