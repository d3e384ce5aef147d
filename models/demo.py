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
