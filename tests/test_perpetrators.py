"""The perpetrator register (§6.2): a first or a repeated incident — also against municipal employees —
found through a blind index although identities are encrypted; need-to-know access, audited, with
a retention period."""

import datetime as dt
import re

import pytest

from models import clock, perpetrators, retention, settings
from models.accounts import Role
from models.audit import AuditEntry
from models.cases import Case, NotAllowed
from models.db import db
from models.perpetrators import CasePerpetrator, EmployeeIncident, NotSamePerson, OnlineAccount, Perpetrator
from models.tombstones import Tombstone


@pytest.fixture
def people(create_user):
    return {
        role: create_user(role, name=name)
        for role, name in (
            (Role.COUNCIL_MEMBER, "Raadslid Jansen"),
            (Role.CLERK, "Griffier De Boer"),
            (Role.MAYOR, "Burgemeester Van Dam"),
            (Role.SECURITY_OFFICER, "Veiligheid Smit"),
            (Role.ALDERMAN, "Wethouder Bakker"),
            (Role.MUNICIPAL_SECRETARY, "Secretaris Visser"),
            (Role.ADMIN, "Beheer Mulder"),
        )
    }


def _client(app, login, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def _seen(html: str) -> str:
    """The page's text as a person reads it: without tags, spaces (also non-breaking) as one."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html.replace("<br>", " ")))


def _link(client, reference, name, birth_date="1980-02-03", **extra):
    return client.post(
        f"/zaken/{reference}/veroorzaker", data={"name": name, "birth_date": birth_date, **extra}, follow_redirects=True
    )


def test_a_repeat_offender_is_found_although_the_names_differ_in_case_and_spaces(app, people, login, file_report):
    reporter = _client(app, login, people[Role.COUNCIL_MEMBER])
    first = file_report(reporter, perpetrator_name="Piet  de Vries")
    second = file_report(reporter, perpetrator_name="piet devries")
    clerk = _client(app, login, people[Role.CLERK])

    page = clerk.get(f"/zaken/{first}").get_data(as_text=True)
    assert 'value="Piet  de Vries"' in page  # the link form is filled in from the report
    page = _link(clerk, first, "Piet  de Vries", address="Kerkstraat 4").get_data(as_text=True)
    assert "De melding is gekoppeld aan het register van veroorzakers." in page and "Eerste incident" in page

    page = _link(clerk, second, "piet devries").get_data(as_text=True)
    assert "Herhaald incident: 1 eerdere" in page
    assert f'href="/zaken/{first}"' in page
    page = clerk.get(f"/zaken/{first}").get_data(as_text=True)
    assert "Eerste incident" in page and "Latere meldingen over deze persoon" in page and second in page

    with app.app_context():
        db.connect(reuse_if_open=True)
        assert Perpetrator.select().count() == 1
        stored = Perpetrator.get()
        assert stored.name == "Piet  de Vries" and stored.address == "Kerkstraat 4"
        raw = db.execute_sql("SELECT name, identity_index FROM perpetrator").fetchone()
        assert "Vries" not in raw[0] and "vries" not in raw[1]  # encrypted, matched by a keyed hash
        assert CasePerpetrator.select().count() == 2
        entries = list(AuditEntry.select().where(AuditEntry.action == "perpetrator_linked"))
        assert len(entries) == 2 and all("Vries" not in e.detail for e in entries)

    # Another birth date is another person.
    third = file_report(reporter, perpetrator_name="Piet de Vries")
    page = _link(clerk, third, "Piet de Vries", birth_date="1991-07-07").get_data(as_text=True)
    assert "Eerste incident" in page
    missing = clerk.post(f"/zaken/{third}/veroorzaker", data={"name": ""})
    assert missing.status_code == 422 and "Vul de naam in." in missing.get_data(as_text=True)


def test_earlier_cases_the_viewer_may_not_see_are_counted_not_shown(app, people, login, file_report):
    alderman = _client(app, login, people[Role.ALDERMAN])
    hidden = file_report(alderman, perpetrator_name="Karel Klaag")  # the mayor and secretary handle this one
    member = _client(app, login, people[Role.COUNCIL_MEMBER])
    visible = file_report(member, perpetrator_name="Karel Klaag")
    secretary = _client(app, login, people[Role.MUNICIPAL_SECRETARY])
    _link(secretary, hidden, "Karel Klaag")
    clerk = _client(app, login, people[Role.CLERK])
    page = _link(clerk, visible, "karel klaag").get_data(as_text=True)
    assert "Herhaald incident: 1 eerdere" in page
    assert "1 eerdere melding mag u niet inzien." in page and hidden not in page
    # The security officer is informed of both and sees the link.
    officer = _client(app, login, people[Role.SECURITY_OFFICER])
    page = officer.get(f"/zaken/{visible}").get_data(as_text=True)
    assert f'href="/zaken/{hidden}"' in page and "mag u niet inzien" not in page


def test_employee_incidents_count_in_the_history_and_only_the_security_officer_sees_them(
    app, people, login, file_report
):
    reporter = _client(app, login, people[Role.COUNCIL_MEMBER])
    reference = file_report(reporter, perpetrator_name="Anna Agressief")
    clerk = _client(app, login, people[Role.CLERK])
    assert "Eerste incident" in _link(clerk, reference, "Anna Agressief").get_data(as_text=True)
    with app.app_context():
        perpetrator_id = Perpetrator.get().id

    officer = _client(app, login, people[Role.SECURITY_OFFICER])
    response = officer.post(
        f"/register/{perpetrator_id}/incident", data={"occurred_on": "", "behaviour_class": "threat", "summary": ""}
    )
    assert response.status_code == 422 and "Schrijf kort op wat er gebeurde." in response.get_data(as_text=True)
    page = officer.post(
        f"/register/{perpetrator_id}/incident",
        data={
            "occurred_on": "2026-10-02",
            "behaviour_class": "threat",
            "summary": "Dreigde een baliemedewerker te slaan.",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Het incident tegen een medewerker is vastgelegd." in page
    assert "2 oktober 2026" in page and "Bedreiging of intimidatie" in page

    page = clerk.get(f"/zaken/{reference}").get_data(as_text=True)
    assert "Herhaald incident: 1 eerdere" in page
    assert "1 incident tegen een medewerker. Alleen de ambtenaar Veiligheid ziet de gegevens." in page
    assert "baliemedewerker" not in page
    page = officer.get(f"/zaken/{reference}").get_data(as_text=True)
    assert "Herhaald incident: 1 eerdere" in page and "Dreigde een baliemedewerker te slaan." in page
    with app.app_context():
        history = perpetrators.incident_history(Perpetrator.get(), Case.get(Case.reference == reference))
        assert history["repeated"] and history["total"] == 1 and history["employee_count"] == 1
        assert "employee_incidents" not in history  # only how many: what they were is for the security officer
        assert AuditEntry.select().where(AuditEntry.action == "employee_incident_recorded").count() == 1


def test_the_register_is_for_the_security_officer_only_and_every_view_is_audited(app, people, login, file_report):
    reporter = _client(app, login, people[Role.COUNCIL_MEMBER])
    reference = file_report(reporter, perpetrator_name="Bram Brutaal")
    clerk = _client(app, login, people[Role.CLERK])
    _link(clerk, reference, "Bram Brutaal")
    with app.app_context():
        perpetrator_id = Perpetrator.get().id
    for role in (Role.CLERK, Role.MAYOR, Role.MUNICIPAL_SECRETARY, Role.ALDERMAN, Role.ADMIN):
        client = clerk if role == Role.CLERK else _client(app, login, people[role])
        for path in ("/register", f"/register/{perpetrator_id}"):
            assert client.get(path).status_code == 403, (role, path)
        assert client.post(f"/register/{perpetrator_id}/bewaren", data={"reason": "x"}).status_code == 403
        assert client.post(f"/register/{perpetrator_id}/incident", data={}).status_code == 403
    assert reporter.get("/register").status_code == 403

    officer = _client(app, login, people[Role.SECURITY_OFFICER])
    page = officer.get("/").get_data(as_text=True)
    assert 'href="/register"' in page
    page = officer.get("/register").get_data(as_text=True)
    assert "Bram Brutaal" in page
    page = officer.get(f"/register/{perpetrator_id}").get_data(as_text=True)
    assert "Bram Brutaal" in page and f'href="/zaken/{reference}"' in page
    with app.app_context():
        assert AuditEntry.select().where(AuditEntry.action == "register_viewed").count() == 1
        viewed = AuditEntry.get(AuditEntry.action == "perpetrator_viewed")
        assert viewed.actor_id == people[Role.SECURITY_OFFICER].id and viewed.object_id == str(perpetrator_id)


def test_an_outsider_gets_404_on_the_link_address(app, people, login, file_report):
    reporter = _client(app, login, people[Role.COUNCIL_MEMBER])
    reference = file_report(reporter, perpetrator_name="Piet Boos")
    outsider = _client(app, login, people[Role.ALDERMAN])
    assert outsider.post(f"/zaken/{reference}/veroorzaker", data={"name": "Piet Boos"}).status_code == 404
    assert reporter.post(f"/zaken/{reference}/veroorzaker", data={"name": "Piet Boos"}).status_code == 404
    # Informed, not handling: the mayor sees the panel but cannot link.
    mayor = _client(app, login, people[Role.MAYOR])
    assert "Koppelen aan het register" not in mayor.get(f"/zaken/{reference}").get_data(as_text=True)
    assert mayor.post(f"/zaken/{reference}/veroorzaker", data={"name": "Piet Boos"}).status_code == 404
    with app.app_context():
        assert Perpetrator.select().count() == 0


def test_an_entry_past_retention_loses_its_identity_unless_renewed(app, people, login, file_report):
    reporter = _client(app, login, people[Role.COUNCIL_MEMBER])
    kept_case = file_report(reporter, perpetrator_name="Karin Blijft")
    gone_case = file_report(reporter, perpetrator_name="Gert Gaat")
    clerk = _client(app, login, people[Role.CLERK])
    _link(clerk, kept_case, "Karin Blijft")
    _link(clerk, gone_case, "Gert Gaat", address="Laan 9")
    with app.app_context():
        kept = Perpetrator.get(Perpetrator.name_index == perpetrators.name_index("Karin Blijft"))
        gone = Perpetrator.get(Perpetrator.name_index == perpetrators.name_index("Gert Gaat"))
        assert kept.retain_until > clock.utcnow() + dt.timedelta(days=700)  # 24 months by default

    officer = _client(app, login, people[Role.SECURITY_OFFICER])
    response = officer.post(f"/register/{kept.id}/bewaren", data={"reason": ""})
    assert response.status_code == 422
    assert "Schrijf op waarom de vermelding langer bewaard blijft." in response.get_data(as_text=True)
    later = clock.utcnow() + dt.timedelta(days=700)
    with app.app_context():
        original = clock.utcnow
        clock.utcnow = lambda: later  # renewed near the end of the period, through the model
        try:
            perpetrators.renew(Perpetrator.get_by_id(kept.id), "Nieuwe dreiging bij de gemeente verwacht.")
        finally:
            clock.utcnow = original
        assert perpetrators.expire_due(later + dt.timedelta(days=60)) == [gone.id]
        stone = Tombstone.get(Tombstone.object_type == "perpetrator")  # with its tombstone and audit entry
        assert (stone.object_id, stone.rule) == (str(gone.id), "register_retention_months=24")
        assert AuditEntry.get(AuditEntry.action == "perpetrator_expired").object_id == str(gone.id)
        gone_now, kept_now = Perpetrator.get_by_id(gone.id), Perpetrator.get_by_id(kept.id)
        assert gone_now.expired_at is not None
        assert (gone_now.name, gone_now.birth_date, gone_now.address, gone_now.identity_index) == (
            None,
            None,
            None,
            None,
        )
        # The link stays, anonymous: past yearly reports keep their "first or repeated" figures.
        assert CasePerpetrator.select().where(CasePerpetrator.perpetrator == gone.id).count() == 1
        assert kept_now.expired_at is None and kept_now.name == "Karin Blijft"
        assert kept_now.renewed_reason == "Nieuwe dreiging bij de gemeente verwacht."

    page = officer.get("/register").get_data(as_text=True)
    assert "verlopen" in page and "Gert Gaat" not in page and "Karin Blijft" in page
    page = officer.get(f"/register/{gone.id}").get_data(as_text=True)
    assert "Verlopen vermelding" in page and "Laan 9" not in page
    case_page = clerk.get(f"/zaken/{gone_case}").get_data(as_text=True)
    assert "Verlopen vermelding" in case_page  # the case keeps its own report until the case's retention

    page = officer.post(
        f"/register/{kept.id}/bewaren", data={"reason": "Nog steeds nodig."}, follow_redirects=True
    ).get_data(as_text=True)
    assert "De vermelding blijft langer bewaard." in page and "Nog steeds nodig." in page
    with app.app_context():
        assert AuditEntry.select().where(AuditEntry.action == "perpetrator_renewed").count() == 1
        assert EmployeeIncident.select().count() == 0


def test_an_entry_is_kept_until_the_same_calendar_date_its_months_later(app, people, login, file_report, monkeypatch):
    """Linked on 31 January 2024, kept 24 months: until 31 January 2026, not 24 x 30 days (20 January);
    renewed on a leap day for 12 months: until 28 February 2025."""
    reference = file_report(_client(app, login, people[Role.COUNCIL_MEMBER]), perpetrator_name="Piet Boos")
    with app.app_context():
        db.connect(reuse_if_open=True)
        case = Case.get(Case.reference == reference)
        monkeypatch.setattr(clock, "utcnow", lambda: dt.datetime(2024, 1, 31, 9, 0))
        entry = perpetrators.link_case(case, name="Piet Boos", actor=people[Role.CLERK])
        assert Perpetrator.get_by_id(entry.id).retain_until == dt.datetime(2026, 1, 31, 9, 0)
        assert perpetrators.expire_due(dt.datetime(2026, 1, 25, 12, 0)) == []
        assert perpetrators.expire_due(dt.datetime(2026, 1, 31, 8, 59)) == []

        settings.change("register_retention_months", 12, None)
        monkeypatch.setattr(clock, "utcnow", lambda: dt.datetime(2024, 2, 29, 9, 0))
        perpetrators.renew(Perpetrator.get_by_id(entry.id), "Nieuwe dreiging verwacht.")
        assert Perpetrator.get_by_id(entry.id).retain_until == dt.datetime(2025, 2, 28, 9, 0)
        assert perpetrators.expire_due(dt.datetime(2025, 2, 28, 8, 59)) == []
        assert perpetrators.expire_due(dt.datetime(2025, 2, 28, 9, 1)) == [entry.id]


def test_incidents_against_employees_are_for_the_security_officer_only_whichever_path_asks(app, people, db_session):
    """§6.2: they count in the history of everyone who sees the case; what they were, only the
    security officer sees (models.visibility decides, for a page, an export or a job alike)."""
    from models import visibility
    from models.cases import NotAllowed

    perpetrator = Perpetrator.create(name="Anna Agressief", retain_until=clock.utcnow() + dt.timedelta(days=30))
    officer = people[Role.SECURITY_OFFICER]
    perpetrators.record_employee_incident(
        perpetrator, dt.date(2026, 10, 2), "threat", "Dreigde een baliemedewerker.", officer
    )
    assert [i.summary for i in visibility.employee_incidents(officer, perpetrator)] == ["Dreigde een baliemedewerker."]
    for role in (Role.CLERK, Role.MAYOR, Role.MUNICIPAL_SECRETARY, Role.ALDERMAN, Role.COUNCIL_MEMBER, Role.ADMIN):
        assert not visibility.may_see_employee_incidents(people[role])
        with pytest.raises(NotAllowed):
            visibility.employee_incidents(people[role], perpetrator)
    officer.is_active = False  # an account that was switched off sees nothing
    with pytest.raises(NotAllowed):
        visibility.employee_incidents(officer, perpetrator)


# --- the same person online (§6.1) ----------------------------------------------------------------


@pytest.mark.parametrize(
    "platform, account",
    [
        ("X", "@Boze_Burger"),
        ("twitter", "boze_burger"),
        ("X (Twitter)", " @ boze_burger "),
        ("", "https://x.com/Boze_Burger"),
        ("X", "twitter.com/boze_burger/status/1855"),
        ("x", "https://mobile.twitter.com/Boze_Burger?s=20"),
    ],
)
def test_an_account_is_the_same_however_it_is_written(platform, account):
    """Case, '@', spaces and the forms of a profile link do not make another account."""
    assert perpetrators.normalise_account(platform, account) == ("x", "boze_burger")


def test_other_platforms_and_their_link_forms():
    same = perpetrators.normalise_account
    assert (
        same("Instagram", "instagram.com/Karel.Klaag/") == same("insta", "@karel.klaag") == ("instagram", "karel.klaag")
    )
    assert same("Facebook", "https://www.facebook.com/profile.php?id=100012345") == same("fb", "100012345")
    assert same("Facebook", "facebook.com/karel.klaag") == same("facebook", "KarelKlaag")  # Facebook ignores dots
    assert same("WhatsApp", "+31 6 1234 5678") == same("whatsapp", "06-12345678") == same("", "wa.me/31612345678")
    assert same("TikTok", "https://www.tiktok.com/@Karel?lang=nl") == ("tiktok", "karel")
    # Another platform is another account; a link to a post names no account; no platform, nothing to match.
    assert same("Instagram", "@boze_burger") != same("X", "@boze_burger")
    assert same("Instagram", "https://instagram.com/p/C0ffee") is None
    assert same("", "@boze_burger") is None and same("X", "  ") is None


def _decide(client, reference, perpetrator_id, decision):
    return client.post(
        f"/zaken/{reference}/veroorzaker/{perpetrator_id}/zelfde-persoon",
        data={"decision": decision},
        follow_redirects=True,
    )


def test_the_same_account_on_another_case_is_possibly_the_same_person_and_the_security_officer_decides(
    app, people, login, file_report
):
    """The register also matches on online accounts: the security officer sees 'possibly the same
    person as …' and decides. Nothing is linked or merged by itself."""
    reporter = _client(app, login, people[Role.COUNCIL_MEMBER])
    first = file_report(reporter, platform="X", sender_account="@Boze_Burger", perpetrator_name="Piet Boos")
    second = file_report(
        reporter,
        platform="Twitter",
        sender_account="https://x.com/boze_burger/status/1855",
        perpetrator_known="no",
        perpetrator_name="",
    )
    clerk = _client(app, login, people[Role.CLERK])
    _link(clerk, first, "Piet Boos")
    with app.app_context():
        entry = Perpetrator.get()
        second_case = Case.get(Case.reference == second)

    officer = _client(app, login, people[Role.SECURITY_OFFICER])
    page = officer.get(f"/zaken/{second}").get_data(as_text=True)
    assert "Mogelijk dezelfde persoon als Piet Boos" in page
    seen = _seen(page)
    assert "X: @Boze_Burger (in deze melding: https://x.com/boze_burger/status/1855)" in seen
    assert "Deze melding is nog niet gekoppeld aan het register van veroorzakers." in page  # not linked by itself
    assert "Mogelijk dezelfde persoon" not in clerk.get(f"/zaken/{second}").get_data(as_text=True)
    with app.app_context():
        assert CasePerpetrator.select().where(CasePerpetrator.case == second_case.id).count() == 0
        raw = db.execute_sql("SELECT account, account_index FROM online_account").fetchone()
        assert "Boze" not in raw[0] and "boze" not in raw[1]  # encrypted, matched by a keyed hash

    # Only the security officer decides, whichever path.
    assert (
        clerk.post(f"/zaken/{second}/veroorzaker/{entry.id}/zelfde-persoon", data={"decision": "same"}).status_code
        == 404
    )
    with app.app_context():
        with pytest.raises(NotAllowed):
            perpetrators.confirm_same_person(second_case, entry, people[Role.CLERK])
        with pytest.raises(NotAllowed):
            perpetrators.reject_same_person(second_case, entry, people[Role.MAYOR])

    page = _decide(officer, second, entry.id, "same").get_data(as_text=True)
    assert "De melding is gekoppeld aan deze vermelding in het register." in page
    assert "Herhaald incident: 1 eerdere" in page and "Mogelijk dezelfde persoon" not in page
    again = _decide(officer, second, entry.id, "same")  # sent twice: linked once
    assert again.status_code == 200 and "De melding is gekoppeld" in again.get_data(as_text=True)
    with app.app_context():
        assert CasePerpetrator.select().where(CasePerpetrator.case == second_case.id).count() == 1

    # A third case with the account, under another name: the security officer says it is someone else.
    third = file_report(reporter, platform="x", sender_account="boze_burger", perpetrator_name="Jan Anders")
    assert "Mogelijk dezelfde persoon als Piet Boos" in officer.get(f"/zaken/{third}").get_data(as_text=True)
    page = _decide(officer, third, entry.id, "other").get_data(as_text=True)
    assert "Vastgelegd: dit is iemand anders." in page and "Mogelijk dezelfde persoon" not in page
    assert "Herhaald incident" not in page
    with app.app_context():
        third_case = Case.get(Case.reference == third)
        assert CasePerpetrator.select().where(CasePerpetrator.case == third_case.id).count() == 0
        assert NotSamePerson.select().where(NotSamePerson.case == third_case.id).count() == 1
        decided = AuditEntry.select().where(AuditEntry.action == "perpetrator_match_decided")
        assert sorted(e.detail for e in decided) == [
            f"perpetrator={entry.id} same=no",
            f"perpetrator={entry.id} same=yes",
        ]


def test_an_account_added_to_a_linked_case_later_is_known_to_the_register(app, people, login, file_report):
    reporter = _client(app, login, people[Role.COUNCIL_MEMBER])
    first = file_report(reporter, platform="X", sender_account="@boze_burger", perpetrator_name="Piet Boos")
    clerk = _client(app, login, people[Role.CLERK])
    _link(clerk, first, "Piet Boos")
    # The reporter adds a new online message from a second account (the log of §6.1).
    response = reporter.post(
        f"/mijn-meldingen/{first}", data={"platform": "Instagram", "sender_account": "instagram.com/piet.boos.2/"}
    )
    assert response.status_code == 302
    page = clerk.get(f"/zaken/{first}").get_data(as_text=True)
    assert "Online accounts" in _seen(page) and "Instagram: instagram.com/piet.boos.2/" in _seen(page)
    later = file_report(reporter, platform="Instagram", sender_account="@Piet.Boos.2", perpetrator_name="")
    officer = _client(app, login, people[Role.SECURITY_OFFICER])
    assert "Mogelijk dezelfde persoon als Piet Boos" in officer.get(f"/zaken/{later}").get_data(as_text=True)


# --- incidents against municipal employees, also without a case (§6.2) -----------------------------


def _token(page: str) -> str:
    return re.search(r'name="token" type="hidden" value="([0-9a-f]+)"', page).group(1)


def test_an_incident_against_an_employee_is_registered_without_an_office_holders_case(app, people, login, file_report):
    """§6.2: whether it is a first or a repeated incident — against office holders or against
    municipal employees — weighs in the choice of measure. The security officer registers an incident
    against an employee on its own; a later case about the same person is a repeated one."""
    officer = _client(app, login, people[Role.SECURITY_OFFICER])
    assert 'href="/register/incident-medewerker"' in officer.get("/register").get_data(as_text=True)
    token = _token(officer.get("/register/incident-medewerker").get_data(as_text=True))
    data = {
        "token": token,
        "name": "Karel Klaag",
        "occurred_on": "",
        "behaviour_class": "threat",
        "summary": "Dreigde een baliemedewerker op te wachten.",
        "platform": "Instagram",
        "account": "instagram.com/karel.klaag/",
    }
    response = officer.post("/register/incident-medewerker", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Vul een geldige datum in." in page
    assert 'value="Karel Klaag"' in page and "Dreigde een baliemedewerker op te wachten." in page  # kept
    tomorrow = clock.to_local(clock.utcnow()).date() + dt.timedelta(days=1)
    response = officer.post("/register/incident-medewerker", data={**data, "occurred_on": tomorrow.isoformat()})
    assert response.status_code == 422
    assert "Deze datum ligt in de toekomst." in response.get_data(as_text=True)

    data["occurred_on"] = "2026-10-02"
    page = officer.post("/register/incident-medewerker", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Het incident tegen een medewerker is vastgelegd." in page and "<h1" in page and "Karel Klaag" in page
    assert "2 oktober 2026" in _seen(page) and "Instagram: instagram.com/karel.klaag/" in _seen(page)
    assert officer.post("/register/incident-medewerker", data=data).status_code == 302  # sent twice
    with app.app_context():
        assert Perpetrator.select().count() == 1 and EmployeeIncident.select().count() == 1
        assert CasePerpetrator.select().count() == 0  # no case of an office holder

    # A case with the same account, the name unknown: possibly the same person, for the officer.
    reporter = _client(app, login, people[Role.COUNCIL_MEMBER])
    online = file_report(reporter, platform="insta", sender_account="@Karel.Klaag", perpetrator_name="")
    assert "Mogelijk dezelfde persoon als Karel Klaag" in officer.get(f"/zaken/{online}").get_data(as_text=True)
    # Linked under another name, it is another entry (never merged) — and the register says so.
    clerk = _client(app, login, people[Role.CLERK])
    assert "Eerste incident" in _link(clerk, online, "K. Klaag", birth_date="").get_data(as_text=True)
    with app.app_context():
        other = Perpetrator.get(Perpetrator.name_index == perpetrators.name_index("K. Klaag"))
    page = officer.get(f"/register/{other.id}").get_data(as_text=True)
    assert "Mogelijk dezelfde persoon als Karel Klaag" in page

    # A later case about Karel Klaag by name: a repeated incident, counted for everyone who sees it.
    later = file_report(reporter, perpetrator_name="Karel Klaag", platform="", sender_account="", urls="")
    page = _link(clerk, later, "karel klaag", birth_date="").get_data(as_text=True)
    assert "Herhaald incident: 1 eerdere" in page
    assert "1 incident tegen een medewerker. Alleen de ambtenaar Veiligheid ziet de gegevens." in page
    assert "baliemedewerker" not in page


def test_only_the_security_officer_records_incidents_against_employees_whichever_path(app, people, db_session):
    perpetrator = Perpetrator.create(name="Anna Agressief", retain_until=clock.utcnow() + dt.timedelta(days=30))
    for role in (Role.CLERK, Role.MAYOR, Role.MUNICIPAL_SECRETARY, Role.ALDERMAN, Role.ADMIN):
        with pytest.raises(NotAllowed):
            perpetrators.record_employee_incident(perpetrator, dt.date(2026, 10, 2), "threat", "x", people[role])
        with pytest.raises(NotAllowed):
            perpetrators.register_employee_incident(
                name="Bert Nieuw",
                occurred_on=dt.date(2026, 10, 2),
                behaviour_class="threat",
                summary="x",
                actor=people[role],
            )
    officer = people[Role.SECURITY_OFFICER]
    with pytest.raises(NotAllowed):  # an incident lies in the past
        perpetrators.record_employee_incident(
            perpetrator, clock.to_local(clock.utcnow()).date() + dt.timedelta(days=3), "threat", "x", officer
        )
    first = perpetrators.record_employee_incident(
        perpetrator, dt.date(2026, 10, 2), "threat", "Dreigde.", officer, token="t" * 32
    )
    assert (
        perpetrators.record_employee_incident(
            perpetrator, dt.date(2026, 10, 2), "threat", "Dreigde.", officer, token="t" * 32
        )
        == first
    )
    assert EmployeeIncident.select().count() == 1 and Perpetrator.select().count() == 1
    officer.is_active = False
    with pytest.raises(NotAllowed):
        perpetrators.record_employee_incident(perpetrator, dt.date(2026, 10, 3), "threat", "x", officer)


def test_a_pages_refusal_for_others_on_the_new_incident_page(app, people, login):
    for role in (Role.CLERK, Role.MAYOR, Role.ADMIN):
        client = _client(app, login, people[role])
        assert client.get("/register/incident-medewerker").status_code == 403
        assert client.post("/register/incident-medewerker", data={"name": "x"}).status_code == 403


def test_the_subject_access_request_reads_the_employee_incidents_through_visibility(app, people, login, db_session):
    officer = people[Role.SECURITY_OFFICER]
    perpetrator = Perpetrator.create(name="Anna Agressief", retain_until=clock.utcnow() + dt.timedelta(days=30))
    perpetrators.record_employee_incident(perpetrator, dt.date(2026, 10, 2), "threat", "Dreigde.", officer)
    perpetrators.add_online_account(perpetrator, "X", "@anna", officer)
    data = retention.subject_access(officer, perpetrator.id)
    assert [i["summary"] for i in data["employee_incidents"]] == ["Dreigde."]
    assert data["online_accounts"] == [{"platform": "X", "account": "@anna"}]
    for role in (Role.CLERK, Role.MUNICIPAL_SECRETARY, Role.ADMIN):
        with pytest.raises(NotAllowed):
            retention.subject_access(people[role], perpetrator.id)
    response = _client(app, login, officer).get(f"/register/{perpetrator.id}/inzage.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"


def test_the_security_officer_adds_an_account_to_an_entry(app, people, login, db_session):
    perpetrator = Perpetrator.create(name="Anna Agressief", retain_until=clock.utcnow() + dt.timedelta(days=30))
    officer = _client(app, login, people[Role.SECURITY_OFFICER])
    response = officer.post(f"/register/{perpetrator.id}/account", data={"platform": "X", "account": ""})
    assert response.status_code == 422 and "Vul het account in." in response.get_data(as_text=True)
    response = officer.post(f"/register/{perpetrator.id}/account", data={"platform": "", "account": "@anna"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Het register herkent dit account niet." in page and 'value="@anna"' in page
    page = officer.post(
        f"/register/{perpetrator.id}/account", data={"platform": "X", "account": "@Anna"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Het online account is toegevoegd aan deze vermelding." in _seen(page) and "X: @Anna" in _seen(page)
    officer.post(f"/register/{perpetrator.id}/account", data={"platform": "twitter", "account": "x.com/anna"})
    assert OnlineAccount.select().count() == 1  # the same account, written otherwise
    with pytest.raises(NotAllowed):
        perpetrators.add_online_account(Perpetrator.get_by_id(perpetrator.id), "X", "@b", people[Role.CLERK])


def test_an_expired_entry_loses_its_online_accounts(app, people, db_session):
    perpetrator = Perpetrator.create(name="Gert Gaat", retain_until=clock.utcnow() + dt.timedelta(days=1))
    perpetrators.add_online_account(perpetrator, "X", "@gert", people[Role.SECURITY_OFFICER])
    assert perpetrators.expire_due(clock.add_months(clock.utcnow(), 25)) == [perpetrator.id]
    assert OnlineAccount.select().count() == 0
