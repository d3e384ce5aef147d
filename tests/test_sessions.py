"""My sessions (issue 19 item 3): a person sees where they are logged in (device, started, last
active), this device marked, and ends any of them at once."""

import pytest

from models import accounts, clock
from models.accounts import LoginSession, Role
from models.audit import AuditEntry

PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
LAPTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"


def _device(app, login, person, agent, address="198.51.100.7"):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    client.environ_base["REMOTE_ADDR"] = address
    assert login(client, person).status_code == 302
    return client


def _session_of(person, agent):
    return LoginSession.get((LoginSession.user == person.id) & (LoginSession.user_agent == agent))


def _sessions_section(page):
    page = page.get_data(as_text=True)
    return page[page.index('id="sessies"') : page.index("</section>", page.index('id="sessies"'))]


def test_a_person_sees_each_session_with_device_start_and_last_activity_and_this_one_marked(
    app, create_user, login, clock_at
):
    mayor = create_user(Role.MAYOR)
    _device(app, login, mayor, PHONE)
    clock_at(seconds=35)
    laptop = _device(app, login, mayor, LAPTOP)
    section = _sessions_section(laptop.get("/account"))
    assert "Waar u bent ingelogd" in section
    assert "Chrome op Android" in section and "Firefox op Windows" in section
    phone_row, laptop_row = (section[section.index(name) :] for name in ("Chrome op Android", "Firefox op Windows"))
    assert "Dit apparaat" in laptop_row[: laptop_row.index("</tr>")]
    assert "Dit apparaat" not in phone_row[: phone_row.index("</tr>")]
    today = clock.format_local(clock.utcnow(), "d MMMM yyyy", "nl")
    assert section.count(today) == 4  # started and last active, for each
    assert 'Beëindigen<span class="visually-hidden">: Chrome op Android</span>' in section
    assert 'Beëindigen<span class="visually-hidden">: Firefox op Windows, dit apparaat</span>' in section


def test_ending_a_session_from_another_logs_that_device_out_at_its_next_request(
    app, db_session, create_user, login, clock_at
):
    mayor = create_user(Role.MAYOR)
    phone = _device(app, login, mayor, PHONE)
    clock_at(seconds=35)
    laptop = _device(app, login, mayor, LAPTOP)
    assert phone.get("/").status_code == 200
    phone_session = _session_of(mayor, PHONE)

    response = laptop.post(f"/account/sessies/{phone_session.id}/beeindigen", follow_redirects=True)
    assert "De sessie is beëindigd. Dat apparaat is nu uitgelogd." in response.get_data(as_text=True)
    assert "Chrome op Android" not in _sessions_section(response)

    ended = phone.get("/")
    assert ended.status_code == 302 and "/login" in ended.headers["Location"]
    assert laptop.get("/").status_code == 200  # the session that ended it goes on
    entry = AuditEntry.select().where(AuditEntry.action == "session_ended").get()
    assert (entry.actor_id, entry.object_type, entry.object_id) == (mayor.id, "login_session", str(phone_session.id))

    again = laptop.post(f"/account/sessies/{phone_session.id}/beeindigen", follow_redirects=True)
    assert "Deze sessie was al beëindigd." in again.get_data(as_text=True)
    assert AuditEntry.select().where(AuditEntry.action == "session_ended").count() == 1


def test_nobody_ends_someone_else_s_session(app, db_session, create_user, login):
    mayor, clerk = create_user(Role.MAYOR), create_user(Role.CLERK)
    phone = _device(app, login, mayor, PHONE)
    clerk_client = _device(app, login, clerk, LAPTOP)
    response = clerk_client.post(f"/account/sessies/{_session_of(mayor, PHONE).id}/beeindigen", follow_redirects=True)
    assert "Deze sessie was al beëindigd." in response.get_data(as_text=True)
    assert phone.get("/").status_code == 200
    assert AuditEntry.select().where(AuditEntry.action == "session_ended").count() == 0


def test_ending_this_session_is_logging_out(app, db_session, create_user, login):
    mayor = create_user(Role.MAYOR)
    laptop = _device(app, login, mayor, LAPTOP)
    response = laptop.post(f"/account/sessies/{_session_of(mayor, LAPTOP).id}/beeindigen", follow_redirects=True)
    assert "U bent uitgelogd." in response.get_data(as_text=True)
    assert laptop.get("/").status_code == 302


def test_ending_a_session_is_a_post(app, create_user, login):
    mayor = create_user(Role.MAYOR)
    laptop = _device(app, login, mayor, LAPTOP)
    assert laptop.get("/account/sessies/1/beeindigen").status_code == 405


def test_last_active_is_written_at_most_once_a_minute(app, db_session, create_user, login, clock_at):
    mayor = create_user(Role.MAYOR)
    laptop = _device(app, login, mayor, LAPTOP)
    started = _session_of(mayor, LAPTOP).last_seen_at
    clock_at(seconds=40)
    laptop.get("/")
    assert _session_of(mayor, LAPTOP).last_seen_at == started  # no write for every request
    later = clock_at(seconds=90)
    laptop.get("/")
    assert _session_of(mayor, LAPTOP).last_seen_at == later


@pytest.mark.parametrize(
    ("agent", "device"),
    [
        (PHONE, ("Chrome", "Android")),
        (LAPTOP, ("Firefox", "Windows")),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.4 Mobile/15E148 Safari/604.1",
            ("Safari", "iPhone"),
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
            "Safari/537.36 Edg/124.0.2478.80",
            ("Edge", "Windows"),
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.4 Safari/605.1.15",
            ("Safari", "macOS"),
        ),
        ("curl/8.5.0", (None, None)),
        (None, (None, None)),
    ],
)
def test_the_device_is_named_as_a_person_recognises_it(agent, device):
    assert accounts.device_of(agent) == device
