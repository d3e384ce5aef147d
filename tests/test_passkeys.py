"""Passkeys: a person adds one on their account page and logs in with it without password or code;
the device must have verified the person; a challenge works once; a sign counter that goes back (a
copied credential) is refused; the admin's two-factor reset removes them; the admin can require one
of handlers. A small software authenticator (P-256, "none" attestation) stands in for a device."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from models import passkeys, settings
from models.accounts import Role, User
from models.audit import AuditEntry
from models.passkeys import Passkey, PasskeyChallenge, counter_goes_backwards

ORIGIN = "http://localhost"  # the test client's host
RP_ID = "localhost"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftAuthenticator:
    """One discoverable credential on a pretend device, with its own sign counter."""

    def __init__(self, sign_count: int = 0):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(16)
        self.sign_count = sign_count
        self.user_handle = None

    def _auth_data(self, rp_id: str, flags: int, attested: bytes = b"") -> bytes:
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", self.sign_count) + attested

    def create(self, options: dict, *, origin: str = ORIGIN, verified: bool = True) -> dict:
        self.user_handle = unb64url(options["user"]["id"])
        numbers = self.key.public_key().public_numbers()
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})
        attested = bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + cose
        flags = 0x01 | 0x40 | (0x04 if verified else 0)
        auth_data = self._auth_data(options["rp"]["id"], flags, attested)
        client_data = json.dumps(
            {"type": "webauthn.create", "challenge": options["challenge"], "origin": origin, "crossOrigin": False}
        ).encode()
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})),
                "transports": ["internal", "hybrid", "nonsense"],
            },
        }

    def get(self, options: dict, *, origin: str = ORIGIN, verified: bool = True, count: bool = True) -> dict:
        if count:
            self.sign_count += 1
        auth_data = self._auth_data(options["rpId"], 0x01 | (0x04 if verified else 0))
        client_data = json.dumps(
            {"type": "webauthn.get", "challenge": options["challenge"], "origin": origin, "crossOrigin": False}
        ).encode()
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(self.user_handle),
            },
        }


def add_passkey(client, device: SoftAuthenticator, name: str = "Telefoon", next_url: str = "", **create_options):
    options = client.post("/passkeys/toevoegen/opties", json={"name": name})
    assert options.status_code == 200, options.get_data(as_text=True)
    credential = device.create(options.get_json(), **create_options)
    return client.post("/passkeys/toevoegen", json={"name": name, "credential": credential, "next": next_url})


def passkey_login(client, device: SoftAuthenticator, **get_options):
    options = client.post("/passkeys/inloggen/opties", json={})
    assert options.status_code == 200
    return client.post("/passkeys/inloggen", json={"credential": device.get(options.get_json(), **get_options)})


def page(client, path: str) -> str:
    return client.get(path).get_data(as_text=True)


# --- the rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "presented", "refused"),
    [(0, 0, False), (0, 1, False), (5, 6, False), (5, 5, True), (5, 3, True), (5, 0, True), (0, 7, False)],
)
def test_a_sign_counter_that_does_not_go_up_is_refused_unless_the_device_keeps_none(stored, presented, refused):
    assert counter_goes_backwards(stored, presented) is refused


# --- adding, logging in, removing ------------------------------------------------------------


def test_a_person_adds_a_passkey_and_logs_in_with_it_without_password_or_code(
    app, client, create_user, login, db_session
):
    person = create_user(Role.ALDERMAN)
    login(client, person)
    assert "U heeft nog geen passkey." in page(client, "/account")
    device = SoftAuthenticator()
    added = add_passkey(client, device, name="  Mijn telefoon ")
    assert added.status_code == 200 and added.get_json() == {"redirect": "/account"}
    account = page(client, "/account")
    assert "De passkey ‘Mijn telefoon’ is toegevoegd." in account
    assert '<th scope="row">Mijn telefoon</th>' in account and "Nog niet" in account
    stored = Passkey.get(Passkey.user == person.id)
    assert stored.transports == "internal,hybrid"  # what the browser said, minus what WebAuthn does not know
    assert stored.user_handle == b64url(device.user_handle) and person.email.encode() not in device.user_handle

    visitor = app.test_client()
    response = passkey_login(visitor, device)
    assert response.status_code == 200 and response.get_json() == {"redirect": "/"}
    assert f"Welkom, {person.name}" in page(visitor, "/")
    assert Passkey.get_by_id(stored.id).last_used_at is not None
    assert "Nog niet" not in page(visitor, "/account")
    login_entry = AuditEntry.select().where(AuditEntry.action == "login").order_by(AuditEntry.id.desc()).first()
    assert (login_entry.actor_id, login_entry.detail) == (person.id, "passkey")
    assert AuditEntry.select().where(AuditEntry.action == "passkey_added", AuditEntry.actor_id == person.id).exists()


def test_the_login_goes_back_to_the_page_asked_for_but_never_to_another_site(app, create_user, login, client):
    person = create_user(Role.MAYOR)
    login(client, person)
    device = SoftAuthenticator()
    add_passkey(client, device)
    visitor = app.test_client()
    options = visitor.post("/passkeys/inloggen/opties", json={}).get_json()
    response = visitor.post(
        "/passkeys/inloggen", json={"credential": device.get(options), "next": "https://evil.example/"}
    )
    assert response.get_json() == {"redirect": "/"}
    other = app.test_client()
    options = other.post("/passkeys/inloggen/opties", json={}).get_json()
    response = other.post("/passkeys/inloggen", json={"credential": device.get(options), "next": "/account"})
    assert response.get_json() == {"redirect": "/account"}


def test_a_person_removes_their_passkey_and_can_no_longer_log_in_with_it(app, client, create_user, login, db_session):
    person = create_user(Role.COUNCIL_MEMBER)
    login(client, person)
    device = SoftAuthenticator()
    add_passkey(client, device, name="Laptop")
    passkey_id = Passkey.get(Passkey.user == person.id).id
    response = client.post(f"/passkeys/{passkey_id}/verwijderen", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "De passkey ‘Laptop’ is verwijderd." in body and "U heeft nog geen passkey." in body
    assert (
        AuditEntry.select()
        .where(AuditEntry.action == "passkey_removed", AuditEntry.object_id == str(passkey_id))
        .exists()
    )
    again = client.post(f"/passkeys/{passkey_id}/verwijderen", follow_redirects=True)  # a double submit
    assert "Deze passkey was al verwijderd." in again.get_data(as_text=True)

    refused = passkey_login(app.test_client(), device)
    assert refused.status_code == 401
    assert "Deze passkey kent het portaal niet (meer)." in refused.get_json()["error"]


def test_nobody_removes_another_persons_passkey(app, create_user, login, db_session):
    owner, other = create_user(Role.ALDERMAN), create_user(Role.ALDERMAN)
    owner_client, other_client = app.test_client(), app.test_client()
    login(owner_client, owner)
    login(other_client, other)
    add_passkey(owner_client, SoftAuthenticator())
    passkey_id = Passkey.get(Passkey.user == owner.id).id
    response = other_client.post(f"/passkeys/{passkey_id}/verwijderen", follow_redirects=True)
    assert "Deze passkey was al verwijderd." in response.get_data(as_text=True)
    assert Passkey.get_or_none(Passkey.id == passkey_id) is not None
    assert "U heeft nog geen passkey." in page(other_client, "/account")


# --- what is refused -------------------------------------------------------------------------


def test_a_copied_passkey_whose_counter_goes_back_is_refused_with_a_clear_message(
    app, client, create_user, login, db_session
):
    person = create_user(Role.CLERK)
    login(client, person)
    device = SoftAuthenticator()
    add_passkey(client, device)
    assert passkey_login(app.test_client(), device).status_code == 200  # counter 1
    assert passkey_login(app.test_client(), device).status_code == 200  # counter 2
    copy = SoftAuthenticator()
    copy.key, copy.credential_id, copy.user_handle, copy.sign_count = (
        device.key,
        device.credential_id,
        device.user_handle,
        0,
    )
    visitor = app.test_client()
    refused = passkey_login(visitor, copy)  # counter 1, after 2 was seen
    assert refused.status_code == 401
    assert refused.get_json()["error"].startswith(
        "Inloggen met deze passkey is geweigerd: het lijkt erop dat hij is gekopieerd."
    )
    assert visitor.get("/").status_code == 302  # not logged in
    assert Passkey.get(Passkey.user == person.id).sign_count == 2
    entry = AuditEntry.get(AuditEntry.action == "passkey_clone_refused")
    assert (entry.actor_id, entry.detail) == (person.id, "cloned")
    # The same counter again (a replay of a counter already seen) is refused the same way.
    copy.sign_count = 1
    assert passkey_login(app.test_client(), copy).status_code == 401
    # The real device, moving on, still works.
    assert passkey_login(app.test_client(), device).status_code == 200


def test_a_device_that_keeps_no_counter_logs_in_every_time(app, client, create_user, login, db_session):
    person = create_user(Role.ALDERMAN)
    login(client, person)
    device = SoftAuthenticator()
    add_passkey(client, device)
    for _ in range(2):
        assert passkey_login(app.test_client(), device, count=False).status_code == 200
    assert Passkey.get(Passkey.user == person.id).sign_count == 0


def test_the_device_must_have_verified_the_person(app, client, create_user, login, db_session):
    person = create_user(Role.ALDERMAN)
    login(client, person)
    unverified = add_passkey(client, SoftAuthenticator(), verified=False)
    assert unverified.status_code == 400
    assert "Uw apparaat moet u herkennen" in unverified.get_json()["error"]
    assert not Passkey.select().exists()
    device = SoftAuthenticator()
    add_passkey(client, device)
    visitor = app.test_client()
    refused = passkey_login(visitor, device, verified=False)
    assert refused.status_code == 401 and "Uw apparaat moet u herkennen" in refused.get_json()["error"]
    assert visitor.get("/").status_code == 302


def test_an_answer_made_for_another_site_is_refused(app, client, create_user, login, db_session):
    person = create_user(Role.ALDERMAN)
    login(client, person)
    assert add_passkey(client, SoftAuthenticator(), origin="https://evil.example").status_code == 400
    device = SoftAuthenticator()
    add_passkey(client, device)
    assert passkey_login(app.test_client(), device, origin="https://evil.example").status_code == 401


def test_a_challenge_works_once(app, client, create_user, login, db_session):
    person = create_user(Role.ALDERMAN)
    login(client, person)
    device = SoftAuthenticator()
    add_passkey(client, device)
    visitor = app.test_client()
    options = visitor.post("/passkeys/inloggen/opties", json={}).get_json()
    answer = device.get(options)
    cookie = visitor.get_cookie("portal").value  # a copy of the session as it holds the challenge
    assert visitor.post("/passkeys/inloggen", json={"credential": answer}).status_code == 200
    replay = app.test_client()
    replay.set_cookie("portal", cookie)
    refused = replay.post("/passkeys/inloggen", json={"credential": answer})
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "Dit duurde te lang of is al gebruikt. Probeer het opnieuw."
    assert not PasskeyChallenge.select().exists()


def test_a_passkey_answer_must_say_whose_it_is(app, client, create_user, login, db_session):
    first, second = create_user(Role.ALDERMAN), create_user(Role.ALDERMAN)
    login(client, first)
    device = SoftAuthenticator()
    add_passkey(client, device)
    other = app.test_client()
    login(other, second)
    add_passkey(other, SoftAuthenticator())
    for handle in (None, unb64url(Passkey.get(Passkey.user == second.id).user_handle)):
        visitor = app.test_client()
        options = visitor.post("/passkeys/inloggen/opties", json={}).get_json()
        answer = device.get(options)
        answer["response"]["userHandle"] = None if handle is None else b64url(handle)
        assert visitor.post("/passkeys/inloggen", json={"credential": answer}).status_code == 401
        assert visitor.get("/").status_code == 302


def test_a_deactivated_account_cannot_log_in_with_its_passkey(app, client, create_user, login, db_session):
    person = create_user(Role.ALDERMAN)
    login(client, person)
    device = SoftAuthenticator()
    add_passkey(client, device)
    User.update(is_active=False).where(User.id == person.id).execute()
    refused = passkey_login(app.test_client(), device)
    assert refused.status_code == 401
    assert "Met dit account kunt u nu niet inloggen." in refused.get_json()["error"]


@pytest.mark.parametrize(
    "body",
    [
        None,
        {},
        {"credential": "nope"},
        {"credential": {"id": "x", "rawId": "!!!", "response": {}, "type": "public-key"}},
        {
            "credential": {
                "id": "AA",
                "rawId": "AA",
                "type": "public-key",
                "response": {"clientDataJSON": "e30", "authenticatorData": "AA", "signature": "AA"},
            }
        },
        [1, 2, 3],
    ],
)
def test_malformed_answers_get_a_dutch_message_and_never_a_500(app, client, create_user, login, body, db_session):
    visitor = app.test_client()
    visitor.post("/passkeys/inloggen/opties", json={})
    response = visitor.post("/passkeys/inloggen", json=body)
    assert response.status_code in (400, 401) and response.get_json()["error"]
    person = create_user(Role.ALDERMAN)
    login(client, person)
    client.post("/passkeys/toevoegen/opties", json={"name": "Telefoon"})
    response = client.post("/passkeys/toevoegen", json=body)
    assert response.status_code == 400 and response.get_json()["error"]
    assert not Passkey.select().exists()


def test_a_passkey_needs_a_name_of_at_most_100_characters(client, create_user, login):
    login(client, create_user(Role.ALDERMAN))
    empty = client.post("/passkeys/toevoegen/opties", json={"name": "   "})
    assert empty.status_code == 400 and empty.get_json()["error"].startswith("Geef de passkey een naam")
    long = client.post("/passkeys/toevoegen/opties", json={"name": "x" * 101})
    assert long.get_json()["error"] == "De naam mag hoogstens 100 tekens lang zijn."


def test_a_passkey_is_added_only_shortly_after_logging_in(client, create_user, login, clock_at):
    login(client, create_user(Role.ALDERMAN))
    clock_at(minutes=16)  # still logged in (30 minutes idle), but a quarter of an hour has passed
    stale = client.post("/passkeys/toevoegen/opties", json={"name": "Telefoon"})
    assert stale.status_code == 400
    assert stale.get_json()["error"] == (
        "Log voor de zekerheid eerst opnieuw in. Daarna kunt u een kwartier lang een passkey toevoegen."
    )


def test_the_same_device_is_added_once(client, create_user, login, db_session):
    login(client, create_user(Role.ALDERMAN))
    device = SoftAuthenticator()
    assert add_passkey(client, device).status_code == 200
    options = client.post("/passkeys/toevoegen/opties", json={"name": "Nog eens"}).get_json()
    assert [c["id"] for c in options["excludeCredentials"]] == [b64url(device.credential_id)]
    again = client.post("/passkeys/toevoegen", json={"name": "Nog eens", "credential": device.create(options)})
    assert again.status_code == 400 and again.get_json()["error"] == "Deze passkey is al toegevoegd."
    assert Passkey.select().count() == 1


def test_the_ceremonies_ask_for_a_discoverable_credential_that_verifies_the_person(client, create_user, login):
    person = create_user(Role.ALDERMAN)
    login(client, person)
    options = client.post("/passkeys/toevoegen/opties", json={"name": "Telefoon"}).get_json()
    assert options["rp"] == {"id": "localhost", "name": "Veilig Bestuur"}
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["user"]["name"] == person.email
    login_options = client.post("/passkeys/inloggen/opties", json={}).get_json()
    assert login_options["userVerification"] == "required" and login_options["allowCredentials"] == []


def test_the_rp_id_can_be_configured(make_app, create_user, login):
    app = make_app(WEBAUTHN_RP_ID="veilig.gemeente.example")
    visitor = app.test_client()
    assert visitor.post("/passkeys/inloggen/opties", json={}).get_json()["rpId"] == "veilig.gemeente.example"


def test_the_ceremonies_need_the_csrf_token(make_app, create_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    visitor = app.test_client()
    assert visitor.post("/passkeys/inloggen/opties", json={}).status_code == 400
    login_page = visitor.get("/login").get_data(as_text=True)
    token = login_page.split('data-csrf="', 1)[1].split('"', 1)[0]
    assert visitor.post("/passkeys/inloggen/opties", json={}, headers={"X-CSRFToken": token}).status_code == 200


# --- the admin -------------------------------------------------------------------------------


def test_the_admins_two_factor_reset_also_removes_the_passkeys_and_says_so(
    app, client, create_user, login, mailbox, db_session
):
    admin, person = create_user(Role.ADMIN), create_user(Role.MAYOR)
    own = app.test_client()
    login(own, person)
    device = SoftAuthenticator()
    add_passkey(own, device)
    add_passkey(own, SoftAuthenticator(), name="Sleutel")
    login(client, admin)
    detail = page(client, f"/beheer/accounts/{person.id}")
    assert "Link voor nieuwe authenticator-app sturen en passkeys verwijderen" in detail
    response = client.post(f"/beheer/accounts/{person.id}/reset_two_factor", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "Ook de passkeys van dit account zijn verwijderd (2)." in body
    assert not Passkey.select().where(Passkey.user == person.id).exists()
    assert len(mailbox.to(person.email)) == 1
    entry = AuditEntry.get(AuditEntry.action == "account_reset_two_factor")
    assert (entry.actor_id, entry.detail) == (admin.id, "passkeys_removed=2")
    assert passkey_login(app.test_client(), device).status_code == 401
    # Without passkeys the button and its confirmation are as before.
    assert "en passkeys verwijderen" not in page(client, f"/beheer/accounts/{person.id}")
    again = client.post(f"/beheer/accounts/{person.id}/reset_two_factor", follow_redirects=True)
    assert "passkeys" not in again.get_data(as_text=True).split("Er is een e-mail", 1)[1].split("</div>", 1)[0]


def test_the_admin_can_require_a_passkey_of_handlers(app, client, create_user, login, db_session):
    admin, clerk, member = create_user(Role.ADMIN), create_user(Role.CLERK), create_user(Role.COUNCIL_MEMBER)
    login(client, admin)
    form = page(client, "/beheer/instellingen")
    assert "moeten een passkey hebben" in form
    values = {key: value for key, value in settings.all_values().items()}
    values["passkey_required_handlers"] = 1
    assert client.post("/beheer/instellingen", data=values).status_code == 302
    assert settings.get("passkey_required_handlers") == 1

    handler = app.test_client()
    assert login(handler, clerk).headers["Location"] == "/"
    first = handler.get("/")
    assert first.status_code == 302 and first.headers["Location"] == "/passkeys/verplicht"
    assert handler.get("/zaken").headers["Location"] == "/passkeys/verplicht"
    required = page(handler, "/passkeys/verplicht")
    assert "Voeg eerst een passkey toe" in required and 'data-next="/"' in required
    added = add_passkey(handler, SoftAuthenticator(), next_url="/")  # as the page's form sends it
    assert added.get_json() == {"redirect": "/"}
    assert handler.get("/").status_code == 200
    assert handler.get("/passkeys/verplicht").headers["Location"] == "/"

    office_holder = app.test_client()
    login(office_holder, member)
    assert office_holder.get("/").status_code == 200  # only handlers


def test_passkeys_live_in_their_own_tables_on_this_database(db_session, create_user):
    person = create_user(Role.ALDERMAN)
    token, _options = passkeys.begin_login("localhost")
    assert PasskeyChallenge.select().count() == 1
    with pytest.raises(passkeys.PasskeyRefused) as refused:
        passkeys.finish_login(token, {}, rp_id="localhost", origin=ORIGIN)
    assert refused.value.refusal == passkeys.Refusal.NOT_VERIFIED
    assert PasskeyChallenge.select().count() == 0  # taken, even though the answer was refused
    Passkey.create(
        user=person.id, credential_id="abc", public_key=b"\x01\x02", user_handle="h", name="x", sign_count=2**40
    )
    assert Passkey.get(Passkey.credential_id == "abc").sign_count == 2**40  # a 64-bit counter on both databases
    assert bytes(Passkey.get(Passkey.credential_id == "abc").public_key) == b"\x01\x02"
    User.delete().where(User.id == person.id).execute()
    assert not Passkey.select().exists()  # removed with the account
