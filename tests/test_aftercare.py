"""Aftercare (§6.3): three conversations — within 24 hours, within three days, after four to six
weeks — held by the mayor with the municipal secretary or the clerk; confidential notes only for
those who hold them; referrals to outside help with the numbers the admin keeps."""

import datetime as dt
import re

import pytest

from models import clock
from models.accounts import Role
from models.aftercare import Conversation, Referral
from models.audit import AuditEntry
from models.cases import Case
from models.db import db
from models.deadlines import Deadline, DeadlineKind


@pytest.fixture
def people(create_user):
    return {
        role: create_user(role)
        for role in (
            Role.COUNCIL_MEMBER,
            Role.GROUP_MEMBER,
            Role.ALDERMAN,
            Role.MAYOR,
            Role.CLERK,
            Role.DEPUTY_CLERK,
            Role.MUNICIPAL_SECRETARY,
            Role.SECURITY_OFFICER,
            Role.ADMIN,
        )
    }


@pytest.fixture
def council_case(app, people, signed_in, file_report):
    reference = file_report(signed_in(people[Role.COUNCIL_MEMBER]))
    with app.app_context():
        return Case.get(Case.reference == reference)


def _page(client, case, part: str | None = None):
    """The case page; with `part`, with that folded form open (as it is once opened: templates/_part.html)."""
    response = client.get(f"/zaken/{case.reference}", query_string={"open": part} if part else None)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _conversations(case):
    db.connect(reuse_if_open=True)
    return {c.number: c for c in Conversation.select().where(Conversation.case == case.id)}


def _seen(html: str) -> str:
    """The page's text as a person reads it: without tags, spaces (also non-breaking) as one."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html.replace("<br>", " ")))


def _local_input(moment_utc: dt.datetime) -> str:
    return clock.to_local(moment_utc).strftime("%Y-%m-%dT%H:%M")


# --- the three dates across the clock change ----------------------------------------------------


def _file_at(monkeypatch, moment_utc, client_for, person, file_report, occurred_date, occurred_time="23:30"):
    monkeypatch.setattr(clock, "utcnow", lambda: moment_utc)
    client = client_for(person)
    reference = file_report(client, occurred_date=occurred_date, occurred_time=occurred_time)
    db.connect(reuse_if_open=True)
    case = Case.get(Case.reference == reference)
    assert case.created_at == moment_utc
    return case, client


def test_three_conversations_for_an_incident_at_2330_on_the_last_sunday_of_october(
    app, people, signed_in, file_report, monkeypatch
):
    # Sunday 25 October 2026, 23:30 in Amsterdam: winter time since 03:00 that night (UTC+1).
    case, _ = _file_at(
        monkeypatch,
        dt.datetime(2026, 10, 25, 22, 30),
        signed_in,
        people[Role.COUNCIL_MEMBER],
        file_report,
        "2026-10-25",
    )
    first, second, third = (_conversations(case)[n] for n in (1, 2, 3))
    assert first.due_at == dt.datetime(2026, 10, 26, 22, 30)  # Monday 26 Oct, 23:30 local
    assert second.due_at == dt.datetime(2026, 10, 28, 22, 30)  # Wednesday 28 Oct, 23:30 local
    assert third.due_from == dt.datetime(2026, 11, 22, 22, 30)  # four weeks: 22 Nov, 23:30 local
    assert third.due_at == dt.datetime(2026, 12, 6, 22, 30)  # six weeks: 6 Dec, 23:30 local
    reminders = {d.kind: d for d in Deadline.select().where(Deadline.case == case.id)}
    assert reminders[DeadlineKind.AFTERCARE_1.value].due_at == first.due_at
    assert reminders[DeadlineKind.AFTERCARE_3.value].due_at == third.due_at
    page = _page(signed_in(people[Role.CLERK]), case)
    assert "Uiterlijk 26 oktober 2026, 23:30" in page
    assert "Uiterlijk 28 oktober 2026, 23:30" in page
    assert "Van 22 november 2026, 23:30 tot en met 6 december 2026, 23:30" in page


def test_the_first_conversation_is_24_real_hours_later_when_the_clocks_go_back_in_between(
    app, people, signed_in, file_report, monkeypatch
):
    # Saturday 24 October 2026, 23:30 summer time (UTC+2); that night the clocks go back one hour.
    case, _ = _file_at(
        monkeypatch,
        dt.datetime(2026, 10, 24, 21, 30),
        signed_in,
        people[Role.COUNCIL_MEMBER],
        file_report,
        "2026-10-24",
    )
    first, second, third = (_conversations(case)[n] for n in (1, 2, 3))
    assert first.due_at == dt.datetime(2026, 10, 25, 21, 30)  # 24 real hours: 25 Oct, 22:30 local
    assert second.due_at == dt.datetime(2026, 10, 27, 22, 30)  # three calendar days: 27 Oct, 23:30 local
    assert third.due_from == dt.datetime(2026, 11, 21, 22, 30)
    page = _page(signed_in(people[Role.CLERK]), case)
    assert "Uiterlijk 25 oktober 2026, 22:30" in page
    assert "Uiterlijk 27 oktober 2026, 23:30" in page


# --- who holds them -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reporter_role, viewer_role, holders",
    [
        (Role.COUNCIL_MEMBER, Role.CLERK, "Burgemeester en Griffier"),
        (Role.GROUP_MEMBER, Role.CLERK, "Burgemeester en Griffier"),
        (Role.ALDERMAN, Role.MUNICIPAL_SECRETARY, "Burgemeester en Gemeentesecretaris"),
        (Role.MAYOR, Role.MUNICIPAL_SECRETARY, "Burgemeester en Gemeentesecretaris"),
    ],
)
def test_the_holders_follow_the_reporters_role(
    app, people, signed_in, file_report, reporter_role, viewer_role, holders
):
    reference = file_report(signed_in(people[reporter_role]))
    page = signed_in(people[viewer_role]).get(f"/zaken/{reference}").get_data(as_text=True)
    assert "Opvang en nazorg" in page
    assert page.count(f'<td data-label="Gevoerd door">{holders}</td>') == 3


# --- recording a conversation ---------------------------------------------------------------------


def test_recording_held_marks_the_deadline_done_and_shows_on_time(app, people, signed_in, council_case):
    clerk = signed_in(people[Role.CLERK])
    held = clock.utcnow() - dt.timedelta(hours=1)
    response = clerk.post(
        f"/zaken/{council_case.reference}/nazorg/gesprek/1",
        data={
            "gesprek1-outcome": "held",
            "gesprek1-moment": _local_input(held),
            "gesprek1-notes": "Slaapt slecht sinds het incident.",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        conversation = _conversations(council_case)[1]
        assert conversation.outcome == "held" and conversation.updated_by_id == people[Role.CLERK].id
        assert conversation.held_at == held.replace(second=0, microsecond=0)
        deadline = Deadline.get((Deadline.case == council_case.id) & (Deadline.kind == DeadlineKind.AFTERCARE_1.value))
        assert deadline.done_at is not None
        second = Deadline.get((Deadline.case == council_case.id) & (Deadline.kind == DeadlineKind.AFTERCARE_2.value))
        assert second.done_at is None
        entry = AuditEntry.get(AuditEntry.action == "aftercare_conversation_recorded")
        assert entry.actor_id == people[Role.CLERK].id and "Slaapt" not in entry.detail
    page = _page(clerk, council_case)
    assert "Gevoerd" in page and "op tijd" in page


def test_a_conversation_held_too_late_shows_te_laat(app, people, signed_in, council_case, clock_at):
    clock_at(hours=30)
    mayor = signed_in(people[Role.MAYOR])
    held = clock.utcnow() - dt.timedelta(minutes=30)
    mayor.post(
        f"/zaken/{council_case.reference}/nazorg/gesprek/1",
        data={"gesprek1-outcome": "held", "gesprek1-moment": _local_input(held)},
    )
    page = _page(mayor, council_case)
    assert "te laat" in page


def test_the_moment_is_not_called_optional_where_a_held_conversation_needs_it(app, people, signed_in, council_case):
    """A held conversation is refused without its moment, so the form must not call it "niet verplicht";
    it says when it is needed."""
    clerk = signed_in(people[Role.CLERK])
    response = clerk.post(f"/zaken/{council_case.reference}/nazorg/gesprek/2", data={"gesprek2-outcome": "held"})
    label = re.search(r'<label[^>]*for="gesprek2-moment"[^>]*>(.*?)</label>', response.get_data(as_text=True), re.S)
    assert label and "Datum en tijd" in label.group(1)
    assert "niet verplicht" not in label.group(1)
    help_text = re.search(r'id="gesprek2-moment-hulp"[^>]*>(.*?)<', response.get_data(as_text=True), re.S).group(1)
    assert "Is het gesprek gevoerd? Vul dan in wanneer." in help_text


def test_held_needs_a_moment_in_the_past(app, people, signed_in, council_case):
    clerk = signed_in(people[Role.CLERK])
    response = clerk.post(f"/zaken/{council_case.reference}/nazorg/gesprek/2", data={"gesprek2-outcome": "held"})
    assert response.status_code == 400
    assert "Vul in wanneer het gesprek is gevoerd." in response.get_data(as_text=True)
    future = clock.utcnow() + dt.timedelta(days=1)
    response = clerk.post(
        f"/zaken/{council_case.reference}/nazorg/gesprek/2",
        data={"gesprek2-outcome": "held", "gesprek2-moment": _local_input(future)},
    )
    assert response.status_code == 400
    assert "Een gevoerd gesprek ligt niet in de toekomst" in response.get_data(as_text=True)
    with app.app_context():
        assert _conversations(council_case)[2].outcome == "planned"


def test_planning_and_declining(app, people, signed_in, council_case):
    clerk = signed_in(people[Role.CLERK])
    planned = clock.utcnow() + dt.timedelta(days=2)
    clerk.post(
        f"/zaken/{council_case.reference}/nazorg/gesprek/2",
        data={"gesprek2-outcome": "planned", "gesprek2-moment": _local_input(planned)},
    )
    clerk.post(f"/zaken/{council_case.reference}/nazorg/gesprek/3", data={"gesprek3-outcome": "declined"})
    with app.app_context():
        conversations = _conversations(council_case)
        assert conversations[2].planned_at == planned.replace(second=0, microsecond=0)
        third = Deadline.get((Deadline.case == council_case.id) & (Deadline.kind == DeadlineKind.AFTERCARE_3.value))
        assert conversations[3].outcome == "declined" and third.done_at is not None
    page = _page(clerk, council_case)
    assert "gepland op" in page and "Afgeslagen door de ambtsdrager" in page


# --- confidential notes ---------------------------------------------------------------------------


def test_notes_are_for_the_holders_only(app, people, signed_in, council_case, db_session):
    secret = "Vertelt over angst om de kinderen naar school te brengen."
    mayor = signed_in(people[Role.MAYOR])  # informed of the council member's case, and holds the conversation
    response = mayor.post(
        f"/zaken/{council_case.reference}/nazorg/gesprek/1",
        data={
            "gesprek1-outcome": "held",
            "gesprek1-moment": _local_input(clock.utcnow() - dt.timedelta(hours=2)),
            "gesprek1-notes": secret,
        },
    )
    assert response.status_code == 302
    raw = db.execute_sql(
        f"SELECT notes FROM conversation WHERE case_id = {db.param} AND number = 1",  # noqa: S608
        (council_case.id,),
    ).fetchone()[0]
    assert secret not in raw  # stored encrypted
    first = "formulier-gesprek-1"  # the conversation's folded form, opened
    assert secret not in _page(mayor, council_case)  # folded: the notes are in the form
    assert secret in _page(mayor, council_case, first)
    assert secret in _page(signed_in(people[Role.CLERK]), council_case, first)  # handler and holder
    officer_page = _page(signed_in(people[Role.SECURITY_OFFICER]), council_case, first)  # informed, does not hold it
    assert "Opvang en nazorg" in officer_page and secret not in officer_page
    assert "Vertrouwelijke aantekeningen" not in officer_page
    deputy_page = _page(signed_in(people[Role.DEPUTY_CLERK]), council_case, first)  # handles, does not hold it
    assert secret not in deputy_page and "Gesprek 1 bijwerken" in deputy_page
    reporter = signed_in(people[Role.COUNCIL_MEMBER])
    own = reporter.get(f"/mijn-meldingen/{council_case.reference}", follow_redirects=True).get_data(as_text=True)
    assert secret not in own


def test_someone_who_may_not_read_the_notes_cannot_overwrite_them(app, people, signed_in, council_case, db_session):
    mayor = signed_in(people[Role.MAYOR])
    mayor.post(
        f"/zaken/{council_case.reference}/nazorg/gesprek/1",
        data={"gesprek1-outcome": "postponed", "gesprek1-notes": "Wil volgende week praten."},
    )
    deputy = signed_in(people[Role.DEPUTY_CLERK])
    response = deputy.post(
        f"/zaken/{council_case.reference}/nazorg/gesprek/1",
        data={"gesprek1-outcome": "planned", "gesprek1-notes": "overschreven"},
    )
    assert response.status_code == 302
    conversation = _conversations(council_case)[1]
    assert conversation.outcome == "planned" and conversation.notes == "Wil volgende week praten."


# --- referrals ------------------------------------------------------------------------------------


def test_referrals_with_the_protocols_numbers_and_costs_for_professional_help(app, people, signed_in, council_case):
    clerk = signed_in(people[Role.CLERK])
    page = _page(clerk, council_case, "formulier-verwijzing")
    assert "Slachtofferhulp Nederland — 0900 0101" in page
    assert "0800 2800 200" in page
    response = clerk.post(
        f"/zaken/{council_case.reference}/nazorg/verwijzing",
        data={
            "verwijzing-kind": "professional_help",
            "verwijzing-status": "requested",
            "verwijzing-costs_covered": "y",
            "verwijzing-note": "Psycholoog via de huisarts.",
        },
    )
    assert response.status_code == 302
    clerk.post(
        f"/zaken/{council_case.reference}/nazorg/verwijzing",
        data={"verwijzing-kind": "home_screening", "verwijzing-status": "requested"},
    )
    with app.app_context():
        db.connect(reuse_if_open=True)
        referrals = {r.kind: r for r in Referral.select().where(Referral.case == council_case.id)}
        assert referrals["professional_help"].costs_covered and referrals["professional_help"].status == "requested"
        screening = referrals["home_screening"]
        assert screening.status == "requested" and not screening.costs_covered
    response = clerk.post(
        f"/zaken/{council_case.reference}/nazorg/verwijzing/{screening.id}",
        data={f"verwijzing{screening.id}-status": "done"},
    )
    assert response.status_code == 302
    page = _page(clerk, council_case)
    assert "Veiligheidsscreening van huis en thuisomgeving" in page and "Gedaan" in page
    assert "De gemeente betaalt" in page and "Psycholoog via de huisarts." in page
    officer_page = _page(signed_in(people[Role.SECURITY_OFFICER]), council_case)
    assert "Veiligheidsscreening" in officer_page and "Psycholoog via de huisarts." not in officer_page


def test_the_municipality_pays_only_for_professional_help(app, people, signed_in, council_case):
    clerk = signed_in(people[Role.CLERK])
    response = clerk.post(
        f"/zaken/{council_case.reference}/nazorg/verwijzing",
        data={"verwijzing-kind": "slachtofferhulp", "verwijzing-status": "offered", "verwijzing-costs_covered": "y"},
    )
    assert response.status_code == 400
    assert "Alleen bij professionele hulp betaalt de gemeente de kosten." in response.get_data(as_text=True)
    with app.app_context():
        db.connect(reuse_if_open=True)
        assert Referral.select().where(Referral.case == council_case.id).count() == 0


def test_the_admin_edits_the_referral_numbers(app, people, signed_in, council_case):
    admin = signed_in(people[Role.ADMIN])
    page = admin.get("/beheer/hulpverlening").get_data(as_text=True)
    assert "0900 0101" in page and "Hulpverlening" in page
    response = admin.post(
        "/beheer/hulpverlening",
        data={"slachtofferhulp": "0900 0101 (24/7)", "nvr_ambassadors": "raadsleden.nl/ambassadeurs"},
    )
    assert response.status_code == 302
    with app.app_context():
        db.connect(reuse_if_open=True)
        changed = {e.object_id for e in AuditEntry.select().where(AuditEntry.action == "referral_contact_changed")}
    assert changed == {"slachtofferhulp", "nvr_ambassadors"}
    page = _page(signed_in(people[Role.CLERK]), council_case, "formulier-verwijzing")
    assert "Slachtofferhulp Nederland — 0900 0101 (24/7)" in page and "raadsleden.nl/ambassadeurs" in page
    assert signed_in(people[Role.CLERK]).get("/beheer/hulpverlening").status_code == 403


# --- nobody else ----------------------------------------------------------------------------------


def test_outsiders_get_404_on_every_aftercare_url(app, people, signed_in, council_case, create_user):
    clerk = signed_in(people[Role.CLERK])
    clerk.post(
        f"/zaken/{council_case.reference}/nazorg/verwijzing",
        data={"verwijzing-kind": "slachtofferhulp", "verwijzing-status": "offered"},
    )
    with app.app_context():
        db.connect(reuse_if_open=True)
        referral = Referral.get(Referral.case == council_case.id)
    urls = [
        f"/zaken/{council_case.reference}/nazorg/gesprek/1",
        f"/zaken/{council_case.reference}/nazorg/verwijzing",
        f"/zaken/{council_case.reference}/nazorg/verwijzing/{referral.id}",
    ]
    outsiders = [
        create_user(Role.COUNCIL_MEMBER),
        people[Role.ALDERMAN],
        people[Role.MUNICIPAL_SECRETARY],
        people[Role.SECURITY_OFFICER],  # informed, but neither handles the case nor holds the conversations
        people[Role.COUNCIL_MEMBER],
    ]  # the reporter
    for person in outsiders:
        client = signed_in(person)
        for url in urls:
            assert (
                client.post(
                    url,
                    data={
                        "gesprek1-outcome": "held",
                        "verwijzing-kind": "slachtofferhulp",
                        "verwijzing-status": "done",
                    },
                ).status_code
                == 404
            ), (person.role, url)
    assert signed_in(people[Role.CLERK]).post("/zaken/VB-2099-0001/nazorg/gesprek/1").status_code == 404
    with app.app_context():
        db.connect(reuse_if_open=True)
        assert _conversations(council_case)[1].outcome == "planned"
        assert Referral.get_by_id(referral.id).status == "offered"


# --- the rules themselves, whichever path asks (models.aftercare) -----------------------------------


def test_a_held_conversation_lies_in_the_past_whichever_path_records_it(app, people, council_case, db_session):
    from models import aftercare
    from models.aftercare import Outcome
    from models.cases import NotAllowed

    conversation, clerk = _conversations(council_case)[2], people[Role.CLERK]
    for held_at, message in (
        (
            clock.utcnow() + dt.timedelta(minutes=5),
            "Een gevoerd gesprek ligt niet in de toekomst. Kies 'Gepland' of vul een eerdere tijd in.",
        ),
        (None, "Vul in wanneer het gesprek is gevoerd."),
    ):
        with pytest.raises(NotAllowed) as refused:
            aftercare.record_outcome(conversation, Outcome.HELD, clerk, held_at=held_at, notes=None)
        assert refused.value.message == message
        assert _conversations(council_case)[2].outcome == "planned"
    held = clock.utcnow() - dt.timedelta(minutes=5)
    aftercare.record_outcome(conversation, Outcome.HELD, clerk, held_at=held, notes=None)
    assert _conversations(council_case)[2].held_at == held
    aftercare.record_outcome(
        _conversations(council_case)[3],
        Outcome.PLANNED,
        clerk,
        held_at=None,
        notes=None,
        planned_at=clock.utcnow() + dt.timedelta(weeks=5),
    )  # planning ahead is fine


def test_on_time_means_held_by_the_due_time_on_the_case_page_and_in_the_yearly_report(
    app, people, council_case, db_session
):
    """One rule (models.aftercare.timeliness, held_late): held by its due time is on time; held after
    it, or still open after it, is late; the yearly report counts held late by the same rule."""
    from models import aftercare
    from models.aftercare import Outcome, Timeliness

    first, second, third = (_conversations(council_case)[n] for n in (1, 2, 3))
    now = clock.utcnow()
    assert aftercare.timeliness(first, now) is None  # planned, not due yet
    assert aftercare.timeliness(first, first.due_at + dt.timedelta(minutes=1)) == Timeliness.LATE
    first.outcome, first.held_at = Outcome.HELD.value, first.due_at
    assert aftercare.timeliness(first, now) == Timeliness.ON_TIME and first.on_time
    second.outcome, second.held_at = Outcome.HELD.value, second.due_at + dt.timedelta(seconds=1)
    assert aftercare.timeliness(second, now) == Timeliness.LATE and second.on_time is False
    third.outcome = Outcome.DECLINED.value
    assert aftercare.timeliness(third, third.due_at + dt.timedelta(days=1)) is None
    for conversation in (first, second, third):
        conversation.save()
    late = Conversation.select().where(
        (Conversation.case == council_case.id) & aftercare.held_late(Conversation.held_at, Conversation.due_at)
    )
    assert [c.number for c in late] == [2]


# --- counted from the incident (§6.3) -------------------------------------------------------------


def test_aftercare_due_dates_for_an_incident_reported_ten_days_late():
    """§6.3: the first conversation within 24 hours, the second within three days after the incident,
    the third after four to six weeks. The municipality learned of this incident ten days late: the
    first and second are due as soon as possible from registration (with their own 24 hours and three
    days), the third still four to six weeks after the incident."""
    from models.aftercare import aftercare_due_dates

    incident = dt.datetime(2026, 11, 20, 20, 30)  # Friday 20 November 2026, 21:30 in Amsterdam
    registered = dt.datetime(2026, 11, 30, 9, 0)  # Monday 30 November, 10:00
    first, second, third = aftercare_due_dates(registered, incident)
    assert (first.as_soon_as_possible, first.due_from, first.due_at) == (True, registered, dt.datetime(2026, 12, 1, 9))
    assert (second.as_soon_as_possible, second.due_from, second.due_at) == (
        True,
        registered,
        dt.datetime(2026, 12, 3, 9),
    )
    assert (third.as_soon_as_possible, third.due_from, third.due_at) == (
        False,
        dt.datetime(2026, 12, 18, 20, 30),  # four weeks after the incident
        dt.datetime(2027, 1, 1, 20, 30),  # six weeks after the incident
    )

    # Reported the same evening: all three count from the incident.
    first, second, third = aftercare_due_dates(incident + dt.timedelta(hours=2), incident)
    assert first.due_at == incident + dt.timedelta(hours=24) and second.due_at == dt.datetime(2026, 11, 23, 20, 30)
    assert third.due_from == dt.datetime(2026, 12, 18, 20, 30) and not any(
        d.as_soon_as_possible for d in (first, second, third)
    )
    # Two days late: the first is past (as soon as possible), the second is still within its three days.
    first, second, _third = aftercare_due_dates(incident + dt.timedelta(days=2), incident)
    assert first.as_soon_as_possible and not second.as_soon_as_possible
    assert second.due_at == dt.datetime(2026, 11, 23, 20, 30)
    # Seven weeks late: the third is past too, and gets its two weeks from registration.
    late = dt.datetime(2027, 1, 8, 9, 0)
    *_, third = aftercare_due_dates(late, incident)
    assert (third.as_soon_as_possible, third.due_from, third.due_at) == (True, late, dt.datetime(2027, 1, 22, 9))
    # A moment of the incident after registration (a typing error) counts from registration.
    first, *_ = aftercare_due_dates(registered, registered + dt.timedelta(days=1))
    assert first.due_at == registered + dt.timedelta(hours=24) and not first.as_soon_as_possible


def test_a_late_report_shows_as_soon_as_possible_to_the_holders_and_the_victim(
    app, people, signed_in, file_report, monkeypatch
):
    case, reporter = _file_at(
        monkeypatch,
        dt.datetime(2026, 11, 30, 9, 0),
        signed_in,
        people[Role.COUNCIL_MEMBER],
        file_report,
        "2026-11-20",
        occurred_time="21:30",
    )
    first, second, third = (_conversations(case)[n] for n in (1, 2, 3))
    assert first.as_soon_as_possible and second.as_soon_as_possible and not third.as_soon_as_possible
    reminders = {d.kind: d for d in Deadline.select().where(Deadline.case == case.id)}
    assert reminders[DeadlineKind.AFTERCARE_1.value].due_at == dt.datetime(2026, 12, 1, 9, 0)
    assert reminders[DeadlineKind.AFTERCARE_3.value].due_at == dt.datetime(2027, 1, 1, 20, 30)
    for page in (_page(signed_in(people[Role.CLERK]), case), reporter.get(f"/mijn-meldingen/{case.reference}")):
        text = page if isinstance(page, str) else page.get_data(as_text=True)
        assert "Zo snel mogelijk, uiterlijk 1 december 2026, 10:00" in text
        assert "Zo snel mogelijk, uiterlijk 3 december 2026, 10:00" in text
        assert "Van 18 december 2026, 21:30 tot en met 1 januari 2027, 21:30" in text


def test_a_consultation_turned_into_a_report_counts_as_soon_as_possible_from_the_conversion(
    app, people, signed_in, monkeypatch, db_session
):
    from models import registration
    from models.cases import CaseKind, new_draft

    filed = dt.datetime(2026, 11, 2, 9, 0)
    monkeypatch.setattr(clock, "utcnow", lambda: filed)
    member = people[Role.COUNCIL_MEMBER]
    draft = new_draft(member, CaseKind.CONSULTATION)
    case = registration.file_case(draft.id, {"narrative": "Iemand blijft mij mailen.", "occurred_at": filed})
    assert _conversations(case) == {}  # a consultation: no aftercare yet
    converted = dt.datetime(2026, 11, 30, 9, 0)
    monkeypatch.setattr(clock, "utcnow", lambda: converted)
    registration.convert_consultation(case, ["threatening"], people[Role.CLERK])
    first, second, third = (_conversations(case)[n] for n in (1, 2, 3))
    assert (first.as_soon_as_possible, first.due_at) == (True, dt.datetime(2026, 12, 1, 9, 0))
    assert (second.as_soon_as_possible, second.due_at) == (True, dt.datetime(2026, 12, 3, 9, 0))
    assert (third.as_soon_as_possible, third.due_from, third.due_at) == (
        False,
        converted,
        dt.datetime(2026, 12, 14, 9, 0),  # six weeks after the incident
    )


# --- the victim's view (Mijn meldingen) -----------------------------------------------------------


def test_the_victim_sees_the_conversations_planned_and_held_but_not_the_notes(app, people, signed_in, council_case):
    clerk = signed_in(people[Role.CLERK])
    held = (clock.utcnow() - dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    planned = (clock.utcnow() + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    reference = council_case.reference
    for number, data in (
        (1, {"outcome": "held", "moment": _local_input(held), "notes": "Slaapt slecht sinds het incident."}),
        (2, {"outcome": "planned", "moment": _local_input(planned), "notes": "Wil thuis praten."}),
    ):
        data = {f"gesprek{number}-{key}": value for key, value in data.items()}
        assert clerk.post(f"/zaken/{reference}/nazorg/gesprek/{number}", data=data).status_code == 302
    clerk.post(
        f"/zaken/{reference}/nazorg/verwijzing",
        data={"verwijzing-kind": "slachtofferhulp", "verwijzing-status": "requested", "verwijzing-note": "Belt zelf."},
    )
    reporter = signed_in(people[Role.COUNCIL_MEMBER])
    page = reporter.get(f"/mijn-meldingen/{reference}").get_data(as_text=True)
    assert "Opvang en nazorg" in page and "Uw nazorggesprekken" in page
    assert f"Gevoerd op {clock.format_local(held, 'd MMMM yyyy, HH:mm', 'nl')}" in page
    assert f"Afspraak op {clock.format_local(planned, 'd MMMM yyyy, HH:mm', 'nl')}" in page
    assert "Nog geen afspraak" in page  # the third
    assert "Slachtofferhulp Nederland Stand: aangevraagd" in _seen(page) and "0900 0101" in page
    for secret in ("Slaapt slecht", "Wil thuis praten", "Belt zelf", "Vertrouwelijke aantekeningen"):
        assert secret not in page


# --- professional help: its cost in the damages ledger (§6.3, §6.4) --------------------------------


def test_professional_help_gets_an_amount_booked_as_a_cost_the_municipality_bears(
    app, people, signed_in, council_case, create_user
):
    """§6.3: when recovery stalls, professional help; the municipality covers what the health insurer
    does not. The amount goes into the damages ledger as the municipality's own cost: not the victim's
    claim, and not recovered from the perpetrator unless a handler decides so."""
    from models import damages, perpetrators
    from models.damages import LedgerEntry

    clerk = signed_in(people[Role.CLERK])
    reference = council_case.reference
    data = {
        "verwijzing-token": "a" * 32,
        "verwijzing-kind": "professional_help",
        "verwijzing-status": "requested",
        "verwijzing-costs_covered": "y",
        "verwijzing-cost": "450,00",
    }
    assert clerk.post(f"/zaken/{reference}/nazorg/verwijzing", data=data).status_code == 302
    assert clerk.post(f"/zaken/{reference}/nazorg/verwijzing", data=data).status_code == 302  # sent twice
    with app.app_context():
        db.connect(reuse_if_open=True)
        referral = Referral.get(Referral.case == council_case.id)
        assert Referral.select().count() == 1 and referral.cost_cents == 45000
        whole = damages.balances(case=council_case)
        assert (whole.borne, whole.claimed, whole.approved, whole.to_recover) == (45000, 0, 0, 0)
    assert "De gemeente betaalt: € 450,00" in _seen(_page(clerk, council_case))
    own = signed_in(people[Role.COUNCIL_MEMBER]).get(f"/mijn-meldingen/{reference}").get_data(as_text=True)
    assert "De gemeente betaalt € 450,00." in _seen(own)
    finance = signed_in(create_user(Role.FINANCE_OFFICER)).get(f"/financien/{reference}")
    assert finance.status_code == 200
    assert "Kosten die de gemeente zelf draagt" in finance.get_data(as_text=True)

    # Another amount: a correction in the ledger, append-only.
    update = f"/zaken/{reference}/nazorg/verwijzing/{referral.id}"
    prefix = f"verwijzing{referral.id}"
    # The form shows the amount in force.
    assert 'value="450,00"' in _page(clerk, council_case, f"formulier-verwijzing-{referral.id}")
    data = {f"{prefix}-status": "done", f"{prefix}-costs_covered": "y", f"{prefix}-cost": "520"}
    assert clerk.post(update, data=data).status_code == 302
    assert clerk.post(update, data=data).status_code == 302  # the same amount again changes nothing
    with app.app_context():
        db.connect(reuse_if_open=True)
        borne = LedgerEntry.select().where(LedgerEntry.kind == "borne").order_by(LedgerEntry.id)
        assert [(e.amount_cents, e.reverses_id is not None) for e in borne] == [
            (45000, False),
            (45000, True),
            (52000, False),
        ]
        assert damages.balances(case=council_case).borne == 52000

        # Recovered from the perpetrator only when a handler decides so, and at most what was borne.
        perpetrator = perpetrators.link_case(council_case, name="Piet Boos", actor=people[Role.CLERK])
        due = dt.date(2027, 1, 31)
        with pytest.raises(damages.LedgerRefused):
            damages.start_recovery(council_case, {perpetrator.id: 52001}, due, people[Role.CLERK])
        damages.start_recovery(council_case, {perpetrator.id: 52000}, due, people[Role.CLERK])
        assert damages.balances(case=council_case).to_recover == 52000


def test_an_amount_only_when_the_municipality_pays_for_professional_help(app, people, signed_in, council_case):
    from models import aftercare
    from models.aftercare import ReferralKind

    clerk = signed_in(people[Role.CLERK])
    response = clerk.post(
        f"/zaken/{council_case.reference}/nazorg/verwijzing",
        data={"verwijzing-kind": "professional_help", "verwijzing-status": "requested", "verwijzing-cost": "100"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Vul alleen een bedrag in als de gemeente de kosten betaalt. Zet dan het vinkje aan." in page
    assert 'value="100"' in page  # what was typed stays
    response = clerk.post(
        f"/zaken/{council_case.reference}/nazorg/verwijzing",
        data={
            "verwijzing-kind": "professional_help",
            "verwijzing-status": "requested",
            "verwijzing-costs_covered": "y",
            "verwijzing-cost": "-5",
        },
    )
    assert response.status_code == 400 and "Een bedrag kan niet negatief zijn." in response.get_data(as_text=True)
    with app.app_context():
        db.connect(reuse_if_open=True)
        assert Referral.select().count() == 0
        for kind, covered in ((ReferralKind.SLACHTOFFERHULP, True), (ReferralKind.PROFESSIONAL_HELP, False)):
            with pytest.raises(aftercare.ReferralRefused):
                aftercare.add_referral(council_case, kind, people[Role.CLERK], costs_covered=covered, cost_cents=10000)
        assert Referral.select().count() == 0

    # No longer paid by the municipality: the cost leaves the ledger (a reversal).
    with app.app_context():
        db.connect(reuse_if_open=True)
        referral = aftercare.add_referral(
            council_case, ReferralKind.PROFESSIONAL_HELP, people[Role.CLERK], costs_covered=True, cost_cents=30000
        )
    prefix = f"verwijzing{referral.id}"
    response = clerk.post(
        f"/zaken/{council_case.reference}/nazorg/verwijzing/{referral.id}",
        data={f"{prefix}-status": "declined", f"{prefix}-cost": ""},
    )
    assert response.status_code == 302
    with app.app_context():
        from models import damages

        db.connect(reuse_if_open=True)
        assert damages.balances(case=council_case).borne == 0 and Referral.get_by_id(referral.id).cost_entry is None


def test_a_folded_form_without_javascript_opens_on_its_own_showing_of_the_page(app, people, signed_in, council_case):
    """A folded form (templates/_part.html) is not written into the page; its details hold a link to
    the case page with that form open, at its place. Opening it is a showing of the case: audited."""
    clerk = signed_in(people[Role.CLERK])
    folded = _page(clerk, council_case)
    link = f'href="/zaken/{council_case.reference}?open=formulier-gesprek-1#formulier-gesprek-1"'
    assert link in folded and "Formulier openen" in folded
    assert 'name="gesprek1-outcome"' not in folded
    with app.app_context():
        db.connect(reuse_if_open=True)
        before = AuditEntry.select().where(AuditEntry.action == "case_viewed").count()
    opened = _page(clerk, council_case, "formulier-gesprek-1")
    assert '<details id="formulier-gesprek-1" class="propose" open>' in opened and 'name="gesprek1-outcome"' in opened
    assert 'name="gesprek2-outcome"' not in opened  # only the one asked for
    with app.app_context():
        db.connect(reuse_if_open=True)
        assert AuditEntry.select().where(AuditEntry.action == "case_viewed").count() == before + 1
    # A form sent back with an error is written open, without being asked for.
    response = clerk.post(f"/zaken/{council_case.reference}/nazorg/gesprek/2", data={"gesprek2-outcome": ""})
    page = response.get_data(as_text=True)
    assert response.status_code in (400, 422)
    assert '<details id="formulier-gesprek-2" class="propose" open>' in page and "Kies hoe het gesprek staat." in page
