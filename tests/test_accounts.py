"""The admin invites people, resets passwords and two-factor, changes roles; each action audited."""

import re

import pyotp

from models import clock
from models.accounts import AccountToken, Role, User
from models.audit import AuditEntry


def _link_from(mail) -> str:
    return re.search(r"http://portal\.test(/link/\S+)", mail.get_content()).group(1)


def _secret_from(page: str) -> str:
    return re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)


def _code(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def test_invited_person_activates_the_account_and_logs_in(app, client, create_user, login, mailbox):
    admin = create_user(Role.ADMIN)
    login(client, admin)
    response = client.post(
        "/beheer/accounts",
        data={"name": "Kees Raad", "email": "Kees@Gemeente-Test.nl", "role": "council_member", "locale": "nl"},
    )
    assert response.status_code == 302
    [mail] = mailbox.to("kees@gemeente-test.nl")
    assert mail["Subject"] == "Uw account voor Veilig Bestuur"
    link = _link_from(mail)

    person = app.test_client()
    page = person.get(link).get_data(as_text=True)
    assert "Uw account activeren" in page and "<svg" in page
    secret = _secret_from(page)
    done = person.post(
        link,
        data={
            "password": "mijn eigen lange zin 2026",
            "password_repeat": "mijn eigen lange zin 2026",
            "code": _code(secret),
        },
    )
    assert done.status_code == 302
    assert person.get(link).status_code == 404  # the link works once

    with app.app_context():
        kees = User.get(User.email == "kees@gemeente-test.nl")
        assert kees.activated_at is not None and kees.totp_secret == secret
        kees.test_password = "mijn eigen lange zin 2026"
    clock_next = pyotp.TOTP(secret).at(clock.utcnow().timestamp() + 30)  # the first code is used up
    response = person.post(
        "/login", data={"email": "kees@gemeente-test.nl", "password": "mijn eigen lange zin 2026", "code": clock_next}
    )
    assert response.status_code == 302
    with app.app_context():
        actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]
    assert "account_invited" in actions and "account_activate_completed" in actions


def test_a_common_or_short_password_is_refused_with_a_reason(app, client, create_user, login, mailbox):
    login(client, create_user(Role.ADMIN))
    client.post(
        "/beheer/accounts", data={"name": "P", "email": "p@gemeente-test.nl", "role": "alderman", "locale": "nl"}
    )
    link = _link_from(mailbox.to("p@gemeente-test.nl")[0])
    person = app.test_client()
    secret = _secret_from(person.get(link).get_data(as_text=True))
    common = person.post(
        link, data={"password": "password1234", "password_repeat": "password1234", "code": _code(secret)}
    )
    assert "wordt veel gebruikt" in common.get_data(as_text=True)
    short = person.post(link, data={"password": "kort", "password_repeat": "kort", "code": _code(secret)})
    assert "minstens 12 tekens" in short.get_data(as_text=True)
    too_long = person.post(link, data={"password": "é" * 40, "password_repeat": "é" * 40, "code": _code(secret)})
    assert too_long.status_code == 200 and "te lang" in too_long.get_data(as_text=True)
    with app.app_context():
        assert User.get(User.email == "p@gemeente-test.nl").password_hash is None


def test_an_expired_link_does_not_work(app, client, create_user, login, mailbox, clock_at):
    login(client, create_user(Role.ADMIN))
    client.post(
        "/beheer/accounts", data={"name": "Q", "email": "q@gemeente-test.nl", "role": "alderman", "locale": "nl"}
    )
    link = _link_from(mailbox.to("q@gemeente-test.nl")[0])
    clock_at(hours=73)
    response = app.test_client().get(link)
    assert response.status_code == 404 and "werkt niet meer" in response.get_data(as_text=True)


def test_new_two_factor_secret_is_stored_only_after_the_person_confirms_a_code(
    app, client, create_user, login, mailbox
):
    admin, person = create_user(Role.ADMIN), create_user(Role.ALDERMAN)
    login(client, admin)
    client.post(f"/beheer/accounts/{person.id}/reset_two_factor")
    link = _link_from(mailbox.to(person.email)[0])
    visitor = app.test_client()
    page = visitor.get(link).get_data(as_text=True)
    assert "Nieuw wachtwoord" not in page  # only the app is reset
    new_secret = _secret_from(page)
    with app.app_context():
        assert User.get_by_id(person.id).totp_secret == person.totp_secret  # not yet changed
    wrong = visitor.post(link, data={"code": pyotp.TOTP(person.totp_secret).now()})  # a code of the OLD app
    assert "Deze code klopt niet" in wrong.get_data(as_text=True)
    with app.app_context():
        assert User.get_by_id(person.id).totp_secret == person.totp_secret
    assert visitor.post(link, data={"code": _code(new_secret)}).status_code == 302
    with app.app_context():
        assert User.get_by_id(person.id).totp_secret == new_secret


def test_password_reset_link_sets_a_new_password(app, client, create_user, login, mailbox):
    admin, person = create_user(Role.ADMIN), create_user(Role.CLERK)
    login(client, admin)
    client.post(f"/beheer/accounts/{person.id}/reset_password")
    [mail] = mailbox.to(person.email)
    assert mail["Subject"] == "Een nieuw wachtwoord voor Veilig Bestuur"
    link = _link_from(mail)
    visitor = app.test_client()
    assert "Code die de app nu laat zien" not in visitor.get(link).get_data(as_text=True)
    response = visitor.post(
        link, data={"password": "nieuwe zin voor de griffie", "password_repeat": "nieuwe zin voor de griffie"}
    )
    assert response.status_code == 302
    with app.app_context():
        assert AccountToken.select().where(AccountToken.used_at.is_null()).count() == 0


def test_every_admin_action_is_audited(app, client, create_user, login, mailbox):
    admin, person = create_user(Role.ADMIN), create_user(Role.COUNCIL_MEMBER)
    login(client, admin)
    client.post(f"/beheer/accounts/{person.id}", data={"role": "alderman", "is_former": "y"})
    client.post(f"/beheer/accounts/{person.id}/deactivate")
    client.post(f"/beheer/accounts/{person.id}/reactivate")
    client.post(f"/beheer/accounts/{person.id}/reset_password")
    client.post(f"/beheer/accounts/{person.id}/reset_two_factor")
    with app.app_context():
        entries = list(
            AuditEntry.select()
            .where(
                (AuditEntry.object_type == "user")
                & (AuditEntry.object_id == str(person.id))
                & (AuditEntry.actor_id == admin.id)
            )
            .order_by(AuditEntry.id)
        )
        assert [e.action for e in entries] == [
            "account_role_changed",
            "account_deactivate",
            "account_reactivate",
            "account_reset_password",
            "account_reset_two_factor",
        ]
        assert entries[0].detail == "council_member->alderman former=1"
        person_now = User.get_by_id(person.id)
        assert person_now.role == "alderman" and person_now.is_former


def test_the_admin_cannot_deactivate_themselves(client, create_user, login):
    admin = create_user(Role.ADMIN)
    login(client, admin)
    response = client.post(f"/beheer/accounts/{admin.id}/deactivate", follow_redirects=True)
    assert "U kunt uw eigen account niet uitzetten" in response.get_data(as_text=True)


def test_inviting_an_existing_email_says_so(client, create_user, login):
    login(client, create_user(Role.ADMIN))
    existing = create_user(Role.MAYOR)
    response = client.post(
        "/beheer/accounts", data={"name": "X", "email": existing.email.upper(), "role": "mayor", "locale": "nl"}
    )
    assert "Er is al een account met dit e-mailadres" in response.get_data(as_text=True)


def test_admin_changes_a_setting_and_it_takes_effect(app, client, create_user, login, clock_at):
    from models import settings

    login(client, create_user(Role.ADMIN))
    values = dict(settings.SPECS)
    data = {key: spec.default for key, spec in values.items()}
    data["session_idle_minutes"] = 10
    assert client.post("/beheer/instellingen", data=data).status_code == 302
    bad = dict(data, session_idle_minutes=1)
    assert "Kies een getal van 5 tot en met 240" in client.post("/beheer/instellingen", data=bad).get_data(as_text=True)
    clock_at(minutes=11)
    assert client.get("/").status_code == 302  # idle timeout is now 10 minutes
