"""/.well-known/security.txt (RFC 9116, issue 19 item 7): public, plain text, with the contact and the
expiry the admin sets among the other settings."""

import datetime as dt

from models import clock, settings
from models.accounts import Role
from models.audit import AuditEntry


def _fields(response):
    return dict(line.split(": ", 1) for line in response.get_data(as_text=True).splitlines() if ": " in line)


def test_security_txt_is_served_to_anyone_as_plain_text_with_a_contact_and_an_expiry(client):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    fields = _fields(response)
    assert fields["Contact"] == "mailto:security@portal.test"  # nobody set one: security@ of the portal's domain
    expires = dt.datetime.fromisoformat(fields["Expires"].replace("Z", "+00:00"))
    days_left = (expires.date() - clock.utcnow().date()).days
    assert 0 < days_left < 365  # RFC 9116: less than a year ahead
    assert fields["Canonical"] == "http://portal.test/.well-known/security.txt"
    assert fields["Preferred-Languages"] == "nl, en"


def _settings_form(**text):
    data = {key: str(value) for key, value in settings.all_values().items()}
    data.update(text)
    return data


def test_the_admin_sets_the_contact_and_the_expiry_among_the_settings(app, client, create_user, login, db_session):
    login(client, create_user(Role.ADMIN))
    page = client.get("/beheer/instellingen").get_data(as_text=True)
    assert "security.txt" in page and 'type="date"' in page
    response = client.post(
        "/beheer/instellingen",
        data=_settings_form(security_contact=" beveiliging@demodorp.nl ", security_expires="2027-06-30"),
        follow_redirects=True,
    )
    assert "De instellingen zijn opgeslagen." in response.get_data(as_text=True)
    fields = _fields(app.test_client().get("/.well-known/security.txt"))
    assert fields["Contact"] == "mailto:beveiliging@demodorp.nl"
    assert fields["Expires"] == "2027-06-30T23:59:59Z"
    changed = {e.object_id for e in AuditEntry.select().where(AuditEntry.action == "setting_changed")}
    assert changed == {"security_contact", "security_expires"}

    client.post(
        "/beheer/instellingen",
        data=_settings_form(security_contact="https://demodorp.nl/kwetsbaarheid", security_expires=""),
    )
    fields = _fields(app.test_client().get("/.well-known/security.txt"))
    assert fields["Contact"] == "https://demodorp.nl/kwetsbaarheid"
    assert "Expires" in fields  # emptied: the rolling half year again
    assert fields["Expires"] != "2027-06-30T23:59:59Z"


def test_a_contact_that_is_no_address_is_refused_with_what_was_typed_kept(client, create_user, login, db_session):
    login(client, create_user(Role.ADMIN))
    response = client.post("/beheer/instellingen", data=_settings_form(security_contact="bel de balie"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Vul één adres in, zonder spaties." in page
    assert 'value="bel de balie"' in page
    assert settings.get_text("security_contact") == ""
    response = client.post("/beheer/instellingen", data=_settings_form(security_contact="ftp://demodorp.nl"))
    assert "Vul een e-mailadres in, of een webadres dat met https begint." in response.get_data(as_text=True)
    response = client.post("/beheer/instellingen", data=_settings_form(security_expires="30 juni"))
    assert "Vul een datum in, bijvoorbeeld 2027-06-30." in response.get_data(as_text=True)
