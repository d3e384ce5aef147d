"""Prevention (§4.1): a council term plans its briefing in the deadline engine (reminded once, no
content), and the admin brings in a new council in one go from a CSV: preview, then all or nothing."""

import datetime as dt
import io
import re

from models.accounts import Role, User
from models.deadlines import Deadline, DeadlineKind


def _run_job(app):
    from jobs.tasks import send_due_reminders

    with app.app_context():
        return send_due_reminders.call_local()


def test_a_terms_briefing_is_planned_and_the_clerk_reminded_once(app, create_user, login, mailbox, clock_at):
    clerk = create_user(Role.CLERK)
    member = create_user(Role.COUNCIL_MEMBER, name="Anna de Vries")
    client = app.test_client()
    login(client, clerk)
    start = dt.date.today()
    page = client.post(
        "/preventie",
        data={"starts_on": start.isoformat(), "ends_on": (start + dt.timedelta(days=4 * 365)).isoformat()},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "De voorlichting is gepland" in page
    assert "Anna de Vries" in page  # not at a briefing yet: invited to the next one
    with app.app_context():
        assert Deadline.select().where(Deadline.kind == DeadlineKind.TERM_BRIEFING.value).count() == 1
    mailbox.messages.clear()
    assert _run_job(app) == 0  # not due yet
    clock_at(days=50)
    assert _run_job(app) == 1
    assert _run_job(app) == 0  # once
    [reminder] = mailbox.to(clerk.email)
    assert "Voorlichting geven aan het begin van de raadsperiode" in reminder.get_content()
    assert "Anna" not in reminder.get_content()
    assert "/preventie" in reminder.get_content()  # where the briefing is recorded (not on the case deadlines page)
    with app.app_context():
        term_id = Deadline.get(Deadline.kind == DeadlineKind.TERM_BRIEFING.value).object_id
    login(client, clerk)
    page = client.post(
        f"/preventie/{term_id}",
        data={"kind": "briefing", "held_on": start.isoformat(), "attendees": [member.id]},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "De voorlichting is gegeven." in page
    assert "Alle ambtsdragers waren bij een voorlichting." in page


def test_only_the_clerk_sees_the_terms(app, create_user, login):
    client = app.test_client()
    login(client, create_user(Role.COUNCIL_MEMBER))
    assert client.get("/preventie").status_code == 403
    assert client.get("/beheer/nieuwe-raad").status_code == 403


COUNCIL = (
    "naam;e-mail;rol;fractie\n"
    "Nieuwe Naam;nieuw@gemeente-test.nl;Raadslid;Groen\n"
    "Blijver Anders;blijver@gemeente-test.nl;wethouder;Rood\n"
)


def _upload(client, text):
    return client.post(
        "/beheer/nieuwe-raad",
        data={"file": (io.BytesIO(text.encode()), "raad.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)


def _people(app):
    with app.app_context():
        return {u.email: (u.name, u.role, u.is_former) for u in User.select()}


def test_the_preview_shows_every_rows_outcome_and_a_refused_rows_reason(app, create_user, login):
    admin = create_user(Role.ADMIN)
    create_user(Role.COUNCIL_MEMBER, email="blijver@gemeente-test.nl", name="Blijver")
    create_user(Role.COUNCIL_MEMBER, email="vertrekker@gemeente-test.nl", name="Vertrekker")
    client = app.test_client()
    login(client, admin)
    before = _people(app)
    page = _upload(client, COUNCIL + "Fout Adres;geen-adres;Raadslid;Groen\nOnbekend;x@gemeente-test.nl;Koning;Blauw\n")
    assert "Nieuw: 1. Gewijzigd: 1. Ongewijzigd: 0. Vertrekt: 1. Geweigerd: 2." in page
    assert "Geweigerd: Dit is geen geldig e-mailadres." in page
    assert "Geweigerd: Deze rol kent het portaal niet." in page
    assert "Vertrekt (wordt oud-ambtsdrager)" in page
    assert "Bevestigen en uitnodigingen versturen" not in page  # nothing to confirm while a row is refused
    assert _people(app) == before  # a preview changes nothing


def test_confirming_creates_changes_and_retires_as_previewed(app, create_user, login, mailbox):
    admin = create_user(Role.ADMIN)
    create_user(Role.COUNCIL_MEMBER, email="blijver@gemeente-test.nl", name="Blijver")
    create_user(Role.COUNCIL_MEMBER, email="vertrekker@gemeente-test.nl", name="Vertrekker")
    client = app.test_client()
    login(client, admin)
    page = _upload(client, COUNCIL)
    assert "Nieuw: 1. Gewijzigd: 1. Ongewijzigd: 0. Vertrekt: 1. Geweigerd: 0." in page
    mailbox.messages.clear()
    page = client.post("/beheer/nieuwe-raad/bevestigen", data={"text": COUNCIL}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "De nieuwe raad is verwerkt: 1 nieuw, 1 gewijzigd, 1 oud-ambtsdrager." in page
    people = _people(app)
    assert people["nieuw@gemeente-test.nl"] == ("Nieuwe Naam", "council_member", False)
    assert people["blijver@gemeente-test.nl"] == ("Blijver Anders", "alderman", False)
    assert people["vertrekker@gemeente-test.nl"] == ("Vertrekker", "council_member", True)
    [activation] = mailbox.to("nieuw@gemeente-test.nl")
    link = re.search(r"\S+/link/\S+", activation.get_content()).group(0)
    activation_page = app.test_client().get("/link/" + link.split("/link/", 1)[1])
    assert "Deze link werkt niet meer" not in activation_page.get_data(as_text=True)  # a working link
    assert mailbox.to("blijver@gemeente-test.nl") == []


def test_a_csv_with_one_bad_row_confirmed_changes_nothing(app, create_user, login, mailbox):
    admin = create_user(Role.ADMIN)
    create_user(Role.COUNCIL_MEMBER, email="vertrekker@gemeente-test.nl", name="Vertrekker")
    client = app.test_client()
    login(client, admin)
    before = _people(app)
    mailbox.messages.clear()
    page = client.post(
        "/beheer/nieuwe-raad/bevestigen",
        data={"text": COUNCIL + "Fout Adres;geen-adres;Raadslid;Groen\n"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Er is niets veranderd." in page
    assert _people(app) == before
    assert mailbox.messages == []


def test_the_clerk_finds_prevention_in_the_menu_and_the_admin_the_new_council(app, create_user, login):
    client = app.test_client()
    login(client, create_user(Role.CLERK))
    assert "Preventie" in client.get("/").get_data(as_text=True)
    admin = app.test_client()
    login(admin, create_user(Role.ADMIN))
    assert "Zet de nieuwe raad in één keer in het portaal" in admin.get("/beheer/accounts").get_data(as_text=True)


def test_the_admin_previews_a_new_council_and_the_clerk_plans_a_term_on_a_phone_and_a_desktop(
    app, create_user, live_server, page, tmp_path
):
    from tests.browser import log_in, screenshot

    def account(user):
        with app.app_context():
            stored = User.get_by_id(user.id)
            return {
                "email": user.email,
                "password": user.test_password,
                "totp_secret": stored.totp_secret,
                "role": user.role,
            }

    admin, clerk = create_user(Role.ADMIN), create_user(Role.CLERK)
    create_user(Role.COUNCIL_MEMBER, email="vertrekker@gemeente-test.nl", name="Vertrekker")
    csv_file = tmp_path / "raad.csv"
    csv_file.write_text(COUNCIL + "Fout Adres;geen-adres;Raadslid;Groen\n", encoding="utf-8")
    log_in(page, live_server.url, account(admin))
    page.goto(live_server.url + "/beheer/nieuwe-raad")
    page.get_by_label("Bestand met de nieuwe raad (CSV)").set_input_files(str(csv_file))
    page.get_by_role("button", name="Bekijken wat er gebeurt").click()
    assert page.get_by_text("Geweigerd: Dit is geen geldig e-mailadres.").is_visible()
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        screenshot(page, f"prevention-council-{width}")
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server.url, account(clerk))
    page.goto(live_server.url + "/preventie")
    page.get_by_label("Eerste dag van de raadsperiode").fill("2026-04-01")
    page.get_by_label("Laatste dag van de raadsperiode").fill("2030-03-31")
    page.get_by_role("button", name="Raadsperiode aanmaken").click()
    assert page.get_by_text("De voorlichting is gepland. Geef die vóór").is_visible()
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        screenshot(page, f"prevention-term-{width}")
    page.set_viewport_size({"width": 360, "height": 800})  # on a phone: a training held, the next briefing
    page.get_by_label("Wat is er gehouden?").select_option("deescalation")
    page.get_by_label("Datum", exact=True).fill("2026-05-01")
    page.get_by_label("Vertrekker").check()
    page.get_by_role("button", name="Opslaan").click()
    assert page.get_by_text("Opgeslagen: Training de-escaleren.").is_visible()
    page.get_by_label("Wanneer is de volgende voorlichting?").fill("2030-01-15T19:30")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    assert page.get_by_text("ambtsdrager is uitgenodigd voor de volgende voorlichting").is_visible()
    assert page.locator("#uitnodigingen").get_by_text("Vertrekker, voor 15 januari 2030, 19:30").is_visible()
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        screenshot(page, f"prevention-invited-{width}")
    page.goto(live_server.url + "/preventie")
    assert page.locator(".trainings").get_by_text("Training de-escaleren").is_visible()
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        screenshot(page, f"prevention-terms-{width}")


# --- a briefing or training recorded once, the next briefing's invitation, the deadlines page ------------


def _term(app, client):
    start = dt.date.today()
    client.post(
        "/preventie",
        data={"starts_on": start.isoformat(), "ends_on": (start + dt.timedelta(days=4 * 365)).isoformat()},
    )
    with app.app_context():
        return Deadline.get(Deadline.kind == DeadlineKind.TERM_BRIEFING.value).object_id


def _session_token(page):
    return re.search(r'name="token" type="hidden" value="([0-9a-f]+)"', page).group(1)


def test_a_briefing_sent_twice_is_stored_once_with_its_attendance(app, create_user, login):
    from models.prevention import PreventionSession, SessionAttendance

    clerk = create_user(Role.CLERK)
    anna = create_user(Role.COUNCIL_MEMBER, name="Anna de Vries")
    client = app.test_client()
    login(client, clerk)
    term_id = _term(app, client)
    token = _session_token(client.get(f"/preventie/{term_id}").get_data(as_text=True))
    data = {"kind": "briefing", "held_on": dt.date.today().isoformat(), "attendees": [anna.id], "token": token}
    assert client.post(f"/preventie/{term_id}", data=data).status_code == 302
    assert client.post(f"/preventie/{term_id}", data=data).status_code == 302  # the same form again
    with app.app_context():
        assert PreventionSession.select().count() == 1
        assert SessionAttendance.select().count() == 1
    # A missing date is explained and who was ticked stays ticked.
    response = client.post(f"/preventie/{term_id}", data={"kind": "deescalation", "attendees": [anna.id]})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Vul de datum in." in page
    assert "checked" in re.search(rf'<input[^>]*value="{anna.id}"[^>]*>', page).group(0)


def test_who_missed_the_briefing_is_invited_to_the_next_one_once(app, create_user, login, mailbox):
    clerk = create_user(Role.CLERK)
    anna = create_user(Role.COUNCIL_MEMBER, name="Anna de Vries")
    bert = create_user(Role.ALDERMAN, name="Bert Bakker")
    create_user(Role.SECURITY_OFFICER, name="Sam Veilig")  # no office holder: not invited
    client = app.test_client()
    login(client, clerk)
    term_id = _term(app, client)
    client.post(
        f"/preventie/{term_id}",
        data={"kind": "briefing", "held_on": dt.date.today().isoformat(), "attendees": [anna.id]},
    )
    page = client.get(f"/preventie/{term_id}").get_data(as_text=True)
    missed = re.search(r'<ul id="niet-geweest">(.*?)</ul>', page, re.S).group(1)
    assert "Bert Bakker" in missed and "Anna de Vries" not in missed
    mailbox.messages.clear()
    when = (dt.date.today() + dt.timedelta(days=30)).isoformat() + "T19:30"
    page = client.post(
        f"/preventie/{term_id}/uitnodigen", data={"uitnodiging-briefing_at": when}, follow_redirects=True
    ).get_data(as_text=True)
    assert "1 ambtsdrager is uitgenodigd voor de volgende voorlichting." in page
    assert re.search(r'<ul id="uitnodigingen">.*Bert Bakker, voor .*19:30', page, re.S)
    [invitation] = mailbox.messages
    assert invitation["To"] == bert.email
    body = invitation.get_content()
    assert "uitgenodigd voor de volgende voorlichting" in body and "19:30" in body
    assert "Anna" not in body
    page = client.post(
        f"/preventie/{term_id}/uitnodigen", data={"uitnodiging-briefing_at": when}, follow_redirects=True
    ).get_data(as_text=True)
    assert "al uitgenodigd voor deze voorlichting" in page
    assert len(mailbox.messages) == 1  # sent twice: invited once
    # A date in the past is explained and kept.
    past = (dt.date.today() - dt.timedelta(days=1)).isoformat() + "T19:30"
    response = client.post(f"/preventie/{term_id}/uitnodigen", data={"uitnodiging-briefing_at": past})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "De volgende voorlichting moet in de toekomst liggen." in page
    assert f'value="{past}"' in page
    assert len(mailbox.messages) == 1


def test_trainings_are_listed_per_term_with_who_took_part(app, create_user, login):
    clerk = create_user(Role.CLERK)
    anna = create_user(Role.COUNCIL_MEMBER, name="Anna de Vries")
    create_user(Role.COUNCIL_MEMBER, name="Carla Thuis")
    client = app.test_client()
    login(client, clerk)
    term_id = _term(app, client)
    client.post(
        f"/preventie/{term_id}",
        data={"kind": "deescalation", "held_on": dt.date.today().isoformat(), "attendees": [anna.id]},
    )
    page = client.get("/preventie").get_data(as_text=True)
    trainings = re.search(r'<ul class="trainings">(.*?)</ul>', page, re.S).group(1)
    assert "Training de-escaleren" in trainings and "Anna de Vries" in trainings
    assert "Carla Thuis" not in trainings


def test_the_briefing_and_a_risk_analysis_are_on_the_deadlines_page_of_who_is_reminded(app, create_user, login):
    from models import clock, risk

    clerk = create_user(Role.CLERK)
    security = create_user(Role.SECURITY_OFFICER)
    alderman = create_user(Role.ALDERMAN)
    client = app.test_client()
    login(client, clerk)
    term_id = _term(app, client)
    with app.app_context():
        analysis = risk.ask_risk_analysis(
            alderman,
            kind=risk.MeetingKind.INFORMATION_EVENING,
            what="Informatieavond over windmolens",
            location="Sporthal",
            starts_at=clock.utcnow() + dt.timedelta(days=10),
        )
    page = client.get("/termijnen").get_data(as_text=True)
    assert "Voorlichting geven aan het begin van de raadsperiode" in page
    assert f'href="/preventie/{term_id}"' in page
    assert "Risicoanalyse voor een bijeenkomst" not in page  # the clerk is not reminded of it
    officer = app.test_client()
    login(officer, security)
    page = officer.get("/termijnen").get_data(as_text=True)
    assert "Risicoanalyse voor een bijeenkomst: beoordelen en besluiten" in page
    assert f'href="/veiligheid-vooraf/risicoanalyse/{analysis.id}"' in page
    assert "windmolens" not in page  # what the analysis is about stays on its own page
    assert "Voorlichting geven" not in page
    holder = app.test_client()
    login(holder, alderman)
    page = holder.get("/termijnen").get_data(as_text=True)
    assert "Risicoanalyse voor een bijeenkomst" not in page and "Voorlichting geven" not in page
    # Done: no longer on the page.
    client.post(f"/preventie/{term_id}", data={"kind": "briefing", "held_on": dt.date.today().isoformat()})
    assert "Voorlichting geven aan het begin" not in client.get("/termijnen").get_data(as_text=True)
