"""A disrupted meeting (§5): the chair or the clerk keeps the record on a phone; the third order to
leave is trespass (lokaalvredebreuk); a tap sent twice counts once; closing the record files one case
per disrupter, for the chair, routed as any case and with the reporting advice."""

import re

from models.accounts import Role
from models.cases import Case
from models.db import db
from models.meetings import Meeting, OrderToLeave


def _start(client, chair, title="Raadsvergadering over de begroting"):
    response = client.post("/vergadering", data={"title": title, "held_at": "2026-11-20T19:30", "chair": chair.id})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.headers["Location"]


def _add(client, meeting_url, description="Man met rode jas op de tribune", name="", behaviours=("obstruction",)):
    response = client.post(
        f"{meeting_url}/verstoorder", data={"description": description, "name": name, "behaviours": list(behaviours)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"verstoorder-(\d+)", response.headers["Location"]).group(1))


def _order(client, meeting_url, disrupter_id, token, **kwargs):
    return client.post(f"{meeting_url}/verstoorder/{disrupter_id}/opdracht", data={"token": token}, **kwargs)


def test_the_third_order_to_leave_is_trespass_and_the_page_says_so(app, create_user, signed_in):
    mayor = create_user(Role.MAYOR)
    client = signed_in(mayor)
    assert "Vergadering verstoord" in client.get("/").get_data(as_text=True)
    url = _start(client, mayor)
    disrupter = _add(client, url)
    for n in (1, 2):
        page = _order(client, url, disrupter, f"tik-{n}-abcdef", follow_redirects=True).get_data(as_text=True)
        assert f"Opdrachten om te vertrekken: {n}" in page
        assert 'data-trespass role="status" hidden' in page  # not yet trespass
    page = _order(client, url, disrupter, "tik-3-abcdef", follow_redirects=True).get_data(as_text=True)
    assert "Opdrachten om te vertrekken: 3" in page
    assert 'data-trespass role="status" hidden' not in page
    assert "Dit is nu lokaalvredebreuk: de persoon moest na drie opdrachten weg en is gebleven." in page
    with app.app_context():
        db.connect(reuse_if_open=True)
        from models.meetings import Disrupter

        assert Disrupter.get_by_id(disrupter).trespass_at is not None


def test_an_order_sent_twice_is_stored_once(app, create_user, signed_in):
    clerk = create_user(Role.CLERK)
    mayor = create_user(Role.MAYOR)
    client = signed_in(clerk)
    url = _start(client, mayor)
    disrupter = _add(client, url)
    first = _order(client, url, disrupter, "dezelfde-tik-1234", headers={"Accept": "application/json"})
    again = _order(client, url, disrupter, "dezelfde-tik-1234", headers={"Accept": "application/json"})
    assert first.get_json() == {"orders": 1, "trespass": False}
    assert again.get_json() == {"orders": 1, "trespass": False}
    assert "Opdrachten om te vertrekken: 1" in client.get(url).get_data(as_text=True)
    with app.app_context():
        db.connect(reuse_if_open=True)
        assert OrderToLeave.select().count() == 1


def test_closing_files_a_case_per_disrupter_routed_to_the_clerk_with_the_advice(app, create_user, signed_in):
    clerk = create_user(Role.CLERK)
    chair = create_user(Role.COUNCIL_MEMBER, name="Anna Voorzitter")
    create_user(Role.MAYOR)
    security = create_user(Role.SECURITY_OFFICER)
    client = signed_in(clerk)
    url = _start(client, chair)
    first = _add(client, url, description="Man met rode jas", name="Piet Boos", behaviours=("obstruction", "swearing"))
    _add(client, url, description="Vrouw met spandoek")
    for n in range(3):
        _order(client, url, first, f"orde-{n}-abcdefgh")
    assert client.post(f"{url}/livestream").status_code == 302
    assert client.post(f"{url}/politie").status_code == 302
    response = client.post(
        f"{url}/aangifte", data={"decision": "file", "clerk": clerk.id, "security_officer": security.id}
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    decided = re.search(r'<p id="aangifte-besluit">(.*?)</p>', page, re.S).group(1)
    assert "Ja, de gemeente doet aangifte" in decided
    assert f"Anna Voorzitter (voorzitter), {clerk.name} (griffier), {security.name} (ambtenaar Veiligheid)" in decided
    assert f"Vastgelegd door {clerk.name}" in decided
    page = client.post(f"{url}/afsluiten", follow_redirects=True).get_data(as_text=True)
    assert "Er zijn 2 meldingen gemaakt." in page
    references = re.findall(r"VB-\d{4}-\d{4}", page)
    assert len(set(references)) == 2
    with app.app_context():
        db.connect(reuse_if_open=True)
        case = Case.get(Case.reference == references[0])
        assert (case.reporter_id, case.channel, case.meeting_disrupted, case.meeting_orders_out) == (
            chair.id,
            "meeting",
            True,
            3,
        )
        assert case.livestream_stopped and case.behaviour_class == "verbal_aggression"
        assert Meeting.select().first().closed_at is not None
        from models.meetings import Disrupter

        calm_reference = Disrupter.select().where(Disrupter.id != first).get().case.reference
    inbox = client.get("/zaken").get_data(as_text=True)
    assert references[0] in inbox and references[1] in inbox
    case_page = client.get(f"/zaken/{references[0]}").get_data(as_text=True)
    assert "Melden is verplicht" in case_page  # verbal aggression that went on after three orders
    assert "Lokaalvredebreuk" in case_page
    # The timeline of the disrupter's case: the order that made it trespass, and the decision taken.
    assert "Lokaalvredebreuk: na de derde opdracht om te vertrekken bleef de persoon in de zaal" in case_page
    assert "Besluit in de vergadering: de gemeente doet aangifte" in case_page
    other_page = client.get(f"/zaken/{calm_reference}").get_data(as_text=True)
    assert "Lokaalvredebreuk: na de derde opdracht" not in other_page  # no orders: no trespass
    assert "Besluit in de vergadering: de gemeente doet aangifte" in other_page
    with app.app_context():
        db.connect(reuse_if_open=True)
        from models.cases import CaseEvent

        event = CaseEvent.get((CaseEvent.case == case.id) & (CaseEvent.detail == "trespass"))
        assert event.kind == "meeting" and event.actor_id == clerk.id
        assert event.at == Disrupter.get(Disrupter.case == case.id).trespass_at
        third = OrderToLeave.select().order_by(OrderToLeave.at, OrderToLeave.id)[2]
        assert event.at == third.at  # the third order is the one that made it trespass
    assert references[0] in signed_in(security).get("/zaken").get_data(as_text=True)


def test_the_decision_on_a_police_report_names_the_clerk_and_the_security_officer(app, create_user, signed_in):
    mayor = create_user(Role.MAYOR, name="Burgemeester Van Dam")
    clerk = create_user(Role.CLERK, name="Griffier De Boer")
    security = create_user(Role.SECURITY_OFFICER, name="Veiligheid Smit")
    council_member = create_user(Role.COUNCIL_MEMBER, name="Raadslid Jansen")
    client = signed_in(mayor)
    url = _start(client, mayor)
    page = client.get(url).get_data(as_text=True)
    assert "De voorzitter, Burgemeester Van Dam, besluit samen met de griffier en de ambtenaar Veiligheid." in page
    assert "Welke griffier besliste mee?" in page and "Welke ambtenaar Veiligheid besliste mee?" in page
    # A council member is no clerk: refused with a message, the choice made kept.
    response = client.post(
        f"{url}/aangifte", data={"decision": "no_report", "clerk": council_member.id, "security_officer": security.id}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Kies de griffier die mee besliste." in page
    assert "checked" in re.search(r'<input[^>]*value="no_report"[^>]*>', page).group(0)
    response = client.post(f"{url}/aangifte", data={"decision": "", "clerk": clerk.id, "security_officer": security.id})
    assert response.status_code == 400
    assert "Kies of de gemeente aangifte doet." in response.get_data(as_text=True)
    with app.app_context():
        db.connect(reuse_if_open=True)
        assert Meeting.select().first().police_report_decision is None
    response = client.post(
        f"{url}/aangifte",
        data={"decision": "no_report", "clerk": clerk.id, "security_officer": security.id},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Het besluit over aangifte is opgeslagen." in page
    assert (
        "Burgemeester Van Dam (voorzitter), Griffier De Boer (griffier), Veiligheid Smit (ambtenaar Veiligheid)" in page
    )
    with app.app_context():
        db.connect(reuse_if_open=True)
        meeting = Meeting.select().first()
        assert (meeting.decided_clerk_id, meeting.decided_security_officer_id, meeting.decided_by_id) == (
            clerk.id,
            security.id,
            mayor.id,
        )


def test_the_mayor_chairs_and_the_case_goes_to_the_municipal_secretary(app, create_user, signed_in):
    mayor = create_user(Role.MAYOR)
    secretary = create_user(Role.MUNICIPAL_SECRETARY)
    clerk = create_user(Role.CLERK)
    client = signed_in(mayor)
    url = _start(client, mayor)
    _add(client, url)
    page = client.post(f"{url}/afsluiten", follow_redirects=True).get_data(as_text=True)
    reference = re.search(r"VB-\d{4}-\d{4}", page).group(0)
    assert reference in signed_in(secretary).get("/zaken").get_data(as_text=True)
    assert reference not in signed_in(clerk).get("/zaken").get_data(as_text=True)


def test_only_chair_and_clerk_run_the_meeting_mode(app, create_user, signed_in):
    mayor = create_user(Role.MAYOR)
    url = _start(signed_in(mayor), mayor)
    for role in (Role.COUNCIL_MEMBER, Role.SECURITY_OFFICER, Role.ADMIN):
        other = signed_in(create_user(role))
        assert other.get("/vergadering").status_code == 404
        assert other.get(url).status_code == 404
        assert "Vergadering verstoord" not in other.get("/").get_data(as_text=True)


def test_a_missing_description_is_explained(app, create_user, signed_in):
    mayor = create_user(Role.MAYOR)
    client = signed_in(mayor)
    url = _start(client, mayor)
    response = client.post(f"{url}/verstoorder", data={"description": "", "name": ""})
    assert response.status_code == 400
    assert "Beschrijf de persoon." in response.get_data(as_text=True)


def _closed_meeting(app, create_user, signed_in):
    clerk, security = create_user(Role.CLERK), create_user(Role.SECURITY_OFFICER)
    chair = create_user(Role.MAYOR)
    client = signed_in(clerk)
    url = _start(client, chair)
    _add(client, url, description="Man met rode jas", name="Piet Boos")
    response = client.post(
        f"{url}/aangifte", data={"decision": "file", "clerk": clerk.id, "security_officer": security.id}
    )
    assert response.status_code == 302
    page = client.post(f"{url}/afsluiten", follow_redirects=True).get_data(as_text=True)
    return clerk, re.findall(r"VB-\d{4}-\d{4}", page)


def test_a_meeting_closed_past_its_retention_loses_the_disrupters_description_and_name(
    app, create_user, signed_in, clock_at
):
    """The meeting log keeps what a disrupter looked like and their name; after the period of a closed
    case (retention_closed_case_months) those go, with whom the police report was decided, and a
    tombstone says so. The orders to leave, the behaviours and the cases it filed stay."""
    from models import retention, settings
    from models.meetings import Disrupter
    from models.tombstones import Kind, Tombstone

    _clerk, references = _closed_meeting(app, create_user, signed_in)
    with app.app_context():
        db.connect(reuse_if_open=True)
        assert retention.plan().meetings == []  # closed today: kept
        months = settings.get("retention_closed_case_months")
    clock_at(days=31 * months + 1)
    page = signed_in(create_user(Role.ADMIN)).get("/beheer/bewaartermijnen").get_data(as_text=True)
    assert re.search(
        rf"Verstoorde vergaderingen: gegevens van verstoorders verwijderd</td>\s*<td[^>]*>{months} maanden</td>"
        r"\s*<td[^>]*>1</td>",
        page,
    )
    assert "Piet Boos" not in page and "rode jas" not in page
    with app.app_context():
        db.connect(reuse_if_open=True)
        meeting = Meeting.select().first()
        assert retention.plan().meetings == [meeting.id]
        result = retention.apply()
        assert result.counts[Kind.MEETING] == 1
        disrupter = Disrupter.get(Disrupter.meeting == meeting.id)
        assert (disrupter.description, disrupter.name) == ("", None)
        assert Meeting.get_by_id(meeting.id).decided_with is None
        assert disrupter.behaviours and disrupter.case_id is not None  # the facts stay
        assert Tombstone.get(Tombstone.object_type == "meeting").rule == f"retention_closed_case_months={months}"
        assert retention.apply().counts[Kind.MEETING] == 0  # once


def test_a_meeting_with_a_held_case_keeps_its_record(app, create_user, signed_in, clock_at):
    from models import retention, settings
    from models.meetings import Disrupter

    clerk, references = _closed_meeting(app, create_user, signed_in)
    with app.app_context():
        db.connect(reuse_if_open=True)
        retention.place_hold(Case.get(Case.reference == references[0]), "De strafzaak loopt nog.", clerk)
        months = settings.get("retention_closed_case_months")
    clock_at(days=31 * months + 1)
    with app.app_context():
        db.connect(reuse_if_open=True)
        assert retention.plan().meetings == []
        retention.apply()
        assert Disrupter.select().first().name == "Piet Boos"
