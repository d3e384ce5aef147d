"""The perpetrator register (§6.2): a first or a repeated incident — also against municipal employees —
found through a blind index although identities are encrypted; need-to-know access, audited, with
a retention period."""

import datetime as dt

import pytest

from models import clock, perpetrators, settings
from models.accounts import Role
from models.audit import AuditEntry
from models.cases import Case
from models.db import db
from models.perpetrators import CasePerpetrator, EmployeeIncident, Perpetrator
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
        assert history["repeated"] and history["total"] == 1 and len(history["employee_incidents"]) == 1
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
