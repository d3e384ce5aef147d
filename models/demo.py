"""A demo municipality to try the portal: one account per role, with known password and TOTP."""
from __future__ import annotations

import secrets

from models import accounts, audit
from models.accounts import Role, User
from models.db import write_transaction

DEMO_PEOPLE = [
    (Role.MAYOR, "burgemeester", "Anna de Vries"),
    (Role.ALDERMAN, "wethouder", "Bram Jansen"),
    (Role.COUNCIL_MEMBER, "raadslid", "Chantal Bakker"),
    (Role.GROUP_MEMBER, "fractiemedewerker", "Daan Visser"),
    (Role.CLERK, "griffier", "Eva Smit"),
    (Role.DEPUTY_CLERK, "plv-griffier", "Fatima El Amrani"),
    (Role.MUNICIPAL_SECRETARY, "gemeentesecretaris", "Gerrit Mulder"),
    (Role.SECURITY_OFFICER, "veiligheid", "Hanna de Boer"),
    (Role.FINANCE_OFFICER, "financien", "Ivo Meijer"),
    (Role.ADMIN, "beheer", "Joost Peters"),
]
DEMO_DOMAIN = "demodorp.nl"


def _demo_password() -> str:
    words = ["zonlicht", "fiets", "molen", "tulpen", "gracht", "dijk", "polder", "kaas", "haring", "sluis"]
    return "-".join(secrets.choice(words) for _ in range(3)) + "-" + str(secrets.randbelow(90) + 10)


def create_demo_accounts() -> list[dict]:
    created = []
    with write_transaction():
        for role, local, name in DEMO_PEOPLE:
            email = f"{local}@{DEMO_DOMAIN}"
            password = _demo_password()
            secret = accounts.new_totp_secret()
            user = User.get_or_none(User.email == email)
            if user is None:
                user = User(email=email, name=name, role=role.value)
            user.password_hash = accounts.hash_password(password)
            user.totp_secret = secret
            user.totp_last_counter = 0
            user.is_active = True
            user.activated_at = user.activated_at or user.created_at
            user.save()
            audit.record("demo_account_created", object_type="user", object_id=user.id, detail=f"role={role.value}")
            created.append({"email": email, "password": password, "totp_secret": secret, "role": role.value})
    return created


def create_demo_case() -> str | None:
    """The demo threat case: the demo council member received a threat on social media."""
    import datetime as dt

    from models import clock, registration
    from models.cases import Case, CaseKind, new_draft

    member = User.get_or_none(User.email == f"raadslid@{DEMO_DOMAIN}")
    if member is None or Case.select().where(Case.reporter == member).exists():
        return None
    draft = new_draft(member, CaseKind.REPORT)
    occurred = clock.utcnow() - dt.timedelta(hours=3)
    case = registration.file_case(draft.id, {
        "behaviours": ["threatening_violence", "insulting"], "after_addressed": "not_addressed", "recurring": False,
        "target": "self", "occurred_at": occurred, "occurred_time_known": True, "channel": "social_media",
        "narrative": "(Demo) Na de raadsvergadering over het azc stuurde een account op X mij berichten dat ik "
                     "'moet oppassen als ik vanavond naar huis fiets' en dat 'ze weten waar ik woon'.",
        "platform": "X", "sender_account": "@demo_boze_burger", "urls": "https://x.example/demo_boze_burger/status/1",
        "message_at": occurred, "reported_to_platform": True, "perpetrator_known": True,
        "perpetrator_name": "Demo Veroorzaker", "perpetrator_birth_date": "1980-01-01",
        "perpetrator_address": "Dorpsstraat 1, Demodorp", "injury_mental": True, "property_damage": True,
        "consent_police_report": True, "consent_inform_others": False,
    })
    audit.record("demo_case_created", object_type="case", object_id=case.id)
    return case.reference
