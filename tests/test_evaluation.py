"""The yearly evaluation of §4.1: planned and reminded once (no content in the mail), its lessons and
agreements recorded (encrypted at rest), the informal meeting kept as a date only, bad dates refused
with a Dutch message and what was typed kept, and only the mayor, secretary and clerk reach it."""

import datetime as dt

from models.accounts import Role
from models.db import db
from models.deadlines import Deadline, DeadlineKind


def _run_job(app):
    from jobs.tasks import send_due_reminders

    with app.app_context():
        return send_due_reminders.call_local()


def _open(app, kind):
    with app.app_context():
        return list(Deadline.select().where((Deadline.kind == kind.value) & Deadline.done_at.is_null()))


def test_the_clerk_plans_the_evaluation_is_reminded_once_and_records_it(app, create_user, login, mailbox, clock_at):
    clerk = create_user(Role.CLERK)
    client = app.test_client()
    login(client, clerk)
    overview = client.get("/jaarverslag/evaluatie").get_data(as_text=True)
    this_year = dt.date.today().year
    assert f"Evaluatie van {this_year} plannen" in overview
    planned = dt.date.today() + dt.timedelta(days=30)
    informal = dt.date.today() + dt.timedelta(days=60)
    page = client.post(
        f"/jaarverslag/evaluatie/{this_year}",
        data={"planned_on": planned.isoformat(), "informal_meeting_on": informal.isoformat()},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f"De evaluatie van {this_year} is opgeslagen." in page
    assert "Gepland op" in page and "Informeel overleg gepland op" in page
    [evaluation_deadline] = _open(app, DeadlineKind.YEARLY_EVALUATION)
    assert evaluation_deadline.case_id is None
    assert len(_open(app, DeadlineKind.INFORMAL_MEETING)) == 1

    mailbox.messages.clear()
    assert _run_job(app) == 0  # a week before is not yet
    clock_at(days=24)
    assert _run_job(app) == 1
    assert _run_job(app) == 0  # once
    [reminder] = mailbox.to(clerk.email)
    assert "Jaarlijkse evaluatie van het protocol" in reminder.get_content()
    assert "/jaarverslag/evaluatie" in reminder.get_content()

    lessons = "Het protocol werkte goed; de terugkoppeling over aangiftes kwam laat."
    login(client, clerk)
    page = client.post(
        f"/jaarverslag/evaluatie/{this_year}",
        data={
            "planned_on": planned.isoformat(),
            "held_on": (dt.date.today() + dt.timedelta(days=24)).isoformat(),
            "lessons": lessons,
            "agreements": "De griffie belt de melder binnen een dag.",
            "organisation_invited": "y",
            "informal_meeting_on": informal.isoformat(),
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Gehouden op" in page
    assert _open(app, DeadlineKind.YEARLY_EVALUATION) == []  # held: nothing to remind of any more
    assert len(_open(app, DeadlineKind.INFORMAL_MEETING)) == 1  # still ahead
    form = client.get(f"/jaarverslag/evaluatie/{this_year}").get_data(as_text=True)
    assert lessons.replace("'", "&#39;") in form
    with app.app_context():
        raw = db.execute_sql("SELECT lessons FROM yearly_evaluation").fetchone()[0]
    assert "terugkoppeling" not in raw  # encrypted at rest


def test_saving_again_changes_the_same_years_evaluation_and_moves_its_reminder(app, create_user, login):
    mayor = create_user(Role.MAYOR)
    client = app.test_client()
    login(client, mayor)
    year = dt.date.today().year
    for days in (20, 40, 40):  # the last one is a double submit
        client.post(
            f"/jaarverslag/evaluatie/{year}",
            data={"planned_on": (dt.date.today() + dt.timedelta(days=days)).isoformat()},
        )
    [deadline] = _open(app, DeadlineKind.YEARLY_EVALUATION)
    assert deadline.due_at.date() == dt.date.today() + dt.timedelta(days=40)
    with app.app_context():
        assert db.execute_sql("SELECT COUNT(*) FROM yearly_evaluation").fetchone()[0] == 1


def test_bad_dates_are_refused_in_dutch_and_what_was_typed_is_kept(app, create_user, login):
    secretary = create_user(Role.MUNICIPAL_SECRETARY)
    client = app.test_client()
    login(client, secretary)
    year = dt.date.today().year
    response = client.post(
        f"/jaarverslag/evaluatie/{year}",
        data={
            "held_on": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
            "lessons": "Mijn getypte les",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "De evaluatie kan niet in de toekomst gehouden zijn." in page
    assert "Mijn getypte les" in page
    page = client.post(f"/jaarverslag/evaluatie/{year}", data={"planned_on": "2026-02-30"}).get_data(as_text=True)
    assert "Ongeldige datum." in page
    assert 'value="2026-02-30"' in page  # what was typed stays, to correct
    assert client.get("/jaarverslag/evaluatie/1999").status_code == 404
    assert client.get(f"/jaarverslag/evaluatie/{year + 2}").status_code == 404
    with app.app_context():
        assert db.execute_sql("SELECT COUNT(*) FROM yearly_evaluation").fetchone()[0] == 0


def test_only_the_mayor_secretary_and_clerk_reach_the_evaluation(app, create_user, login):
    for role in (Role.COUNCIL_MEMBER, Role.SECURITY_OFFICER, Role.ADMIN, Role.FINANCE_OFFICER):
        client = app.test_client()
        login(client, create_user(role))
        assert client.get("/jaarverslag/evaluatie").status_code == 403, role
        assert client.get(f"/jaarverslag/evaluatie/{dt.date.today().year}").status_code == 403, role


def test_the_clerk_plans_the_evaluation_in_the_browser_on_a_phone_and_a_desktop(app, create_user, live_server, page):
    from models.accounts import User
    from tests.browser import log_in, screenshot

    clerk = create_user(Role.CLERK)
    with app.app_context():
        secret = User.get_by_id(clerk.id).totp_secret
    account = {"email": clerk.email, "password": clerk.test_password, "totp_secret": secret, "role": clerk.role}
    log_in(page, live_server.url, account)
    year = dt.date.today().year
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url + "/jaarverslag/evaluatie")
    page.get_by_role("link", name=f"Evaluatie van {year} plannen").click()
    page.get_by_label("Gepland op").fill((dt.date.today() + dt.timedelta(days=30)).isoformat())
    page.get_by_label("Wat hebben we geleerd?").fill("Meldingen kwamen sneller binnen dan vorig jaar.")
    page.get_by_label("De griffie of de ambtelijke organisatie was uitgenodigd").check()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "evaluation-year-360")
    page.get_by_role("button", name="Opslaan").click()
    assert page.get_by_text(f"De evaluatie van {year} is opgeslagen.").is_visible()
    assert page.get_by_text("Informeel overleg nog niet gepland.").is_visible()
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        screenshot(page, f"evaluation-overview-{width}")
    page.goto(live_server.url + f"/jaarverslag/evaluatie/{year}")
    screenshot(page, "evaluation-year-1280")
    assert (
        page.get_by_label("Wat hebben we geleerd?").input_value() == "Meldingen kwamen sneller binnen dan vorig jaar."
    )
    assert page.problems == []


def test_the_evaluation_dates_are_on_the_deadlines_page_and_the_informal_meeting_leaves_it_once_past(
    app, create_user, login, clock_at
):
    clerk = create_user(Role.CLERK)
    client = app.test_client()
    login(client, clerk)
    year = dt.date.today().year
    client.post(
        f"/jaarverslag/evaluatie/{year}",
        data={
            "planned_on": (dt.date.today() + dt.timedelta(days=20)).isoformat(),
            "informal_meeting_on": (dt.date.today() + dt.timedelta(days=10)).isoformat(),
        },
    )
    page = client.get("/termijnen").get_data(as_text=True)
    assert "Jaarlijkse evaluatie van het protocol" in page
    assert "Jaarlijks informeel overleg over de impact van agressie" in page
    assert 'href="/jaarverslag/evaluatie"' in page
    clock_at(days=12)  # the informal meeting's day has passed: nothing left to do for it
    login(client, clerk)
    page = client.get("/termijnen").get_data(as_text=True)
    assert "Jaarlijks informeel overleg over de impact van agressie" not in page
    assert "Jaarlijkse evaluatie van het protocol" in page
