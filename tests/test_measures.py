"""Measures against the perpetrator (§6.2): who proposed and decided what, when and why; a building
ban is decided by the mayor only, printed as a letter and reminded before it ends; editable texts.
(Due process — the citizen's side, the decision screen, objection, violation: test_measures_due_process.)"""

import datetime as dt
import re

import pytest

from models import clock, texts
from models.accounts import Role
from models.audit import AuditEntry
from models.cases import Case
from models.deadlines import Deadline, DeadlineKind
from models.measures import Measure

BAN = {
    "type": "building_ban",
    "reasons": "Hij dreigde het raadslid thuis op te zoeken.",
    "description": "Geen toegang tot het gemeentehuis en de bibliotheek.",
    "starts_on": "2027-01-04",
    "ends_on": "2027-04-03",
    "not_for_press": "y",
}
MAYORS_REASONS = "U heeft het raadslid bedreigd. Daarom mag u een tijd niet in de gebouwen van de gemeente komen."
# The citizen could not be heard first: the decision says why (§2). Tests of hearing: test_measures_due_process.
NOT_HEARD = "Spoed: hij staat elke avond bij het huis van het raadslid."


@pytest.fixture
def council_case(app, create_user, login, file_report):
    """A council member's threat case: the clerk handles it, the mayor and security officer are informed."""
    people = {
        role: create_user(role, name=name)
        for role, name in (
            (Role.COUNCIL_MEMBER, "Raadslid Jansen"),
            (Role.CLERK, "Griffier De Boer"),
            (Role.MAYOR, "Burgemeester Van Dam"),
            (Role.SECURITY_OFFICER, "Veiligheid Smit"),
            (Role.ALDERMAN, "Wethouder Bakker"),
        )
    }
    reporter = app.test_client()
    login(reporter, people[Role.COUNCIL_MEMBER])
    reference = file_report(reporter, perpetrator_name="Piet Boos")
    return reference, people


def _client(app, login, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def _measure(app):
    with app.app_context():
        return Measure.select().order_by(Measure.id.desc()).first()


def _decide(client, reference, measure_id, **values):
    """The decision screen sent: the decider's own reasons, confirmed."""
    data = {"reasons": MAYORS_REASONS, "confirm": "y", **values}
    return client.post(f"/zaken/{reference}/maatregelen/{measure_id}/besluiten", data=data, follow_redirects=True)


def test_only_the_mayor_decides_a_building_ban_and_the_letter_is_in_dutch(app, council_case, login):
    reference, people = council_case
    clerk = _client(app, login, people[Role.CLERK])
    page = clerk.post(f"/zaken/{reference}/maatregelen", data=BAN, follow_redirects=True).get_data(as_text=True)
    assert "De maatregel is voorgesteld." in page and "Voorgesteld" in page
    measure = _measure(app)
    assert measure.proposed_by_id == people[Role.CLERK].id and measure.not_for_press

    page = _decide(clerk, reference, measure.id, unheard_reason=NOT_HEARD).get_data(as_text=True)
    assert "Alleen de burgemeester kan besluiten tot een ontzegging van de toegang tot gemeentelijke gebouwen." in page
    assert _measure(app).state == "proposed" and _measure(app).decided_by_id is None
    assert clerk.get(f"/zaken/{reference}/maatregelen/{measure.id}/brief").status_code == 404  # not decided yet

    mayor = _client(app, login, people[Role.MAYOR])
    page = _decide(mayor, reference, measure.id, unheard_reason=NOT_HEARD).get_data(as_text=True)
    assert "Het besluit is vastgelegd." in page and "Burgemeester Van Dam" in page
    decided = _measure(app)
    assert decided.state == "decided" and decided.decided_by_id == people[Role.MAYOR].id and decided.decided_at

    letter = mayor.get(f"/zaken/{reference}/maatregelen/{measure.id}/brief")
    assert letter.status_code == 200
    text = letter.get_data(as_text=True)
    for expected in (
        "Gemeente Demodorp",
        "Piet Boos",
        "van 4 januari 2027 tot en met 3 april 2027",
        MAYORS_REASONS,
        "Op 20 november 2026 heeft u",
        "Burgemeester Van Dam<br>burgemeester van Demodorp",  # the signature, laid out around the text
        "Datum: ",
    ):
        assert expected in text, expected
    assert "<script" not in text
    assert "Hij dreigde het raadslid thuis op te zoeken." not in text  # the clerk's proposal is internal
    with app.app_context():
        entry = AuditEntry.select().where(AuditEntry.action == "measure_letter_downloaded").get()
        assert entry.actor_id == people[Role.MAYOR].id and entry.object_id == str(measure.id)
        assert "Piet" not in entry.detail
    # The clerk, who may see the case, may print the decided letter too.
    assert clerk.get(f"/zaken/{reference}/maatregelen/{measure.id}/brief").status_code == 200


def test_deciding_a_ban_schedules_a_reminder_fourteen_days_before_it_ends(app, council_case, login):
    reference, people = council_case
    _client(app, login, people[Role.CLERK]).post(f"/zaken/{reference}/maatregelen", data=BAN)
    measure = _measure(app)
    mayor = _client(app, login, people[Role.MAYOR])
    _decide(mayor, reference, measure.id, unheard_reason=NOT_HEARD)
    with app.app_context():
        deadline = Deadline.get((Deadline.kind == DeadlineKind.BAN_ENDING.value) & (Deadline.object_id == measure.id))
        assert clock.to_local(deadline.due_at).date() == dt.date(2027, 4, 3)
        assert deadline.due_at - deadline.remind_at == dt.timedelta(days=14)
        assert deadline.done_at is None

    page = mayor.post(
        f"/zaken/{reference}/maatregelen/{measure.id}/verlengen", data={"new_end": "2027-07-03"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "De maatregel is verlengd." in page and "tot en met 3 juli 2027" in page
    with app.app_context():
        rows = list(
            Deadline.select()
            .where((Deadline.kind == DeadlineKind.BAN_ENDING.value) & (Deadline.object_id == measure.id))
            .order_by(Deadline.id)
        )
        assert [r.done_at is None for r in rows] == [False, True]
        assert clock.to_local(rows[1].due_at).date() == dt.date(2027, 7, 3)
        assert rows[1].due_at - rows[1].remind_at == dt.timedelta(days=14)

    mayor.post(f"/zaken/{reference}/maatregelen/{measure.id}/uitgevoerd")
    assert _measure(app).state == "carried_out"
    page = mayor.post(f"/zaken/{reference}/maatregelen/{measure.id}/beeindigen", follow_redirects=True).get_data(
        as_text=True
    )
    assert "De maatregel is beëindigd." in page
    assert _measure(app).state == "ended"
    with app.app_context():
        assert (
            Deadline.select()
            .where((Deadline.kind == DeadlineKind.BAN_ENDING.value) & Deadline.done_at.is_null())
            .count()
            == 0
        )
        actions = [
            e.action for e in AuditEntry.select().where(AuditEntry.object_type == "measure").order_by(AuditEntry.id)
        ]
        assert actions == [
            "measure_proposed",
            "measure_decided",
            "measure_extended",
            "measure_carried_out",
            "measure_ended",
        ]


def test_a_clerk_decides_a_warning_and_the_proposal_form_says_what_is_missing(app, council_case, login):
    reference, people = council_case
    clerk = _client(app, login, people[Role.CLERK])
    response = clerk.post(f"/zaken/{reference}/maatregelen", data={"type": "building_ban", "reasons": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Schrijf op waarom deze maatregel nodig is." in page
    assert "Vul deze datum in. Deze maatregel geldt voor een bepaalde tijd." in page
    with app.app_context():
        assert Measure.select().count() == 0

    clerk.post(
        f"/zaken/{reference}/maatregelen",
        data={"type": "warning_written", "reasons": "Tweede keer.", "not_for_press": ""},
    )
    measure = _measure(app)
    assert measure.not_for_press is False and measure.starts_on is None
    page = _decide(clerk, reference, measure.id, reasons="Tweede keer.", unheard_reason=NOT_HEARD).get_data(
        as_text=True
    )
    assert "Schriftelijke waarschuwing" in page and "Besloten" in page
    assert _measure(app).decided_by_id == people[Role.CLERK].id
    assert clerk.get(f"/zaken/{reference}/maatregelen/{measure.id}/brief").status_code == 404  # letters: bans only


def test_security_advice_is_recorded_only_by_the_security_officer(app, council_case, login):
    reference, people = council_case
    clerk = _client(app, login, people[Role.CLERK])
    clerk.post(f"/zaken/{reference}/maatregelen", data=BAN)
    measure = _measure(app)
    page = clerk.post(
        f"/zaken/{reference}/maatregelen/{measure.id}/advies", data={"advice": "Doen."}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Alleen de ambtenaar Veiligheid geeft advies over maatregelen." in page
    assert _measure(app).security_advice is None

    officer = _client(app, login, people[Role.SECURITY_OFFICER])
    page = officer.get(f"/zaken/{reference}").get_data(as_text=True)
    assert "Uw advies als ambtenaar Veiligheid" in page
    page = officer.post(
        f"/zaken/{reference}/maatregelen/{measure.id}/advies",
        data={"advice": "Ontzegging voor drie maanden is passend."},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Het advies is vastgelegd." in page and "Ontzegging voor drie maanden is passend." in page
    stored = _measure(app)
    assert stored.security_advice == "Ontzegging voor drie maanden is passend."
    assert stored.advice_by_id == people[Role.SECURITY_OFFICER].id
    # The security officer, informed of the case, may also propose a measure (§6.2), but not decide a ban.
    officer.post(f"/zaken/{reference}/maatregelen", data={"type": "stop_conversation", "reasons": "Patroon."})
    assert _measure(app).type == "stop_conversation"
    _decide(officer, reference, measure.id, unheard_reason=NOT_HEARD)
    with app.app_context():
        assert Measure.get_by_id(measure.id).state == "proposed"
    assert "niet voor de pers" in clerk.get(f"/zaken/{reference}").get_data(as_text=True)


def test_an_outsider_gets_404_on_every_measure_address(app, council_case, login):
    reference, people = council_case
    _client(app, login, people[Role.CLERK]).post(f"/zaken/{reference}/maatregelen", data=BAN)
    measure = _measure(app)
    _decide(_client(app, login, people[Role.MAYOR]), reference, measure.id, unheard_reason=NOT_HEARD)
    outsider = _client(app, login, people[Role.ALDERMAN])
    base = f"/zaken/{reference}/maatregelen"
    assert outsider.get(f"{base}/{measure.id}/brief").status_code == 404
    assert outsider.get(f"{base}/{measure.id}/besluiten").status_code == 404
    for path, data in (
        (base, BAN),
        (f"{base}/{measure.id}/advies", {"advice": "x"}),
        (f"{base}/{measure.id}/besluiten", {"reasons": "x", "confirm": "y", "unheard_reason": "x"}),
        (f"{base}/{measure.id}/horen", {f"horen-{measure.id}-outcome": "declined"}),
        (f"{base}/{measure.id}/bezwaar", {f"bezwaar-{measure.id}-grounds": "x"}),
        (f"{base}/{measure.id}/overtreding", {f"overtreding-{measure.id}-location": "x"}),
        (f"{base}/{measure.id}/bezwaar/1", {}),
        (f"{base}/{measure.id}/overtreding/1/politie", {}),
        (f"{base}/{measure.id}/uitgevoerd", {}),
        (f"{base}/{measure.id}/beeindigen", {}),
        (f"{base}/{measure.id}/verlengen", {"new_end": "2028-01-01"}),
    ):
        assert outsider.post(path, data=data).status_code == 404, path
    assert _measure(app).state == "decided"
    # The reporter sees no measures: the case page sends them to their own view.
    reporter = _client(app, login, people[Role.COUNCIL_MEMBER])
    assert reporter.get(f"{base}/{measure.id}/brief").status_code == 404
    # A measure of another case is not found through this case.
    with app.app_context():
        assert Case.select().count() == 1
    assert _client(app, login, people[Role.CLERK]).get(f"/zaken/{reference}/maatregelen/999/brief").status_code == 404


def test_the_texts_page_refuses_a_broken_template_and_saves_a_good_one(app, create_user, login):
    admin, clerk = create_user(Role.ADMIN), create_user(Role.CLERK)
    assert _client(app, login, clerk).get("/beheer/teksten").status_code == 403
    client = _client(app, login, admin)
    page = client.get("/beheer/teksten").get_data(as_text=True)
    assert "Brief: ontzegging van de toegang tot gemeentelijke gebouwen" in page and "{{ naam }}" in page

    broken = texts.BAN_LETTER.replace("{{ datum_incident }}", "{{ datum_incident ")
    response = client.post("/beheer/teksten", data={"municipality_name": "Gemeente Demodorp", "ban_letter": broken})
    assert response.status_code == 422
    assert "Deze tekst kan niet worden gebruikt." in response.get_data(as_text=True)
    typo = texts.BAN_LETTER.replace("{{ datum_incident }}", "{{ nam }}")
    response = client.post("/beheer/teksten", data={"municipality_name": "Gemeente Demodorp", "ban_letter": typo})
    assert response.status_code == 422 and "Deze velden bestaan niet: nam." in response.get_data(as_text=True)
    sandbox_escape = "{{ naam.__class__.__mro__ }}"
    response = client.post(
        "/beheer/teksten", data={"municipality_name": "Gemeente Demodorp", "ban_letter": sandbox_escape}
    )
    assert response.status_code == 422
    with app.app_context():
        assert texts.get("ban_letter") == texts.BAN_LETTER
        assert AuditEntry.select().where(AuditEntry.action == "text_changed").count() == 0

    better = texts.BAN_LETTER.replace("Geachte heer/mevrouw,", "Beste {{ naam }},")
    page = client.post(
        "/beheer/teksten",
        data={"municipality_name": "Gemeente Veilighaven", "ban_letter": better},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "De teksten zijn opgeslagen." in page
    with app.app_context():
        assert texts.get("ban_letter") == better and texts.get("municipality_name") == "Gemeente Veilighaven"
        assert sorted(e.object_id for e in AuditEntry.select().where(AuditEntry.action == "text_changed")) == [
            "ban_letter",
            "municipality_name",
        ]


def test_the_letter_uses_the_edited_template(app, council_case, login):
    reference, people = council_case
    with app.app_context():
        texts.change("municipality_name", "Gemeente Veilighaven", people[Role.MAYOR].id)
        texts.change(
            "ban_letter",
            "Beste {{ naam }}, van {{ begindatum }} tot {{ einddatum }}. {{ plaats_datum }}",
            people[Role.MAYOR].id,
        )
    _client(app, login, people[Role.CLERK]).post(f"/zaken/{reference}/maatregelen", data=BAN)
    measure = _measure(app)
    mayor = _client(app, login, people[Role.MAYOR])
    _decide(mayor, reference, measure.id, unheard_reason=NOT_HEARD)
    text = mayor.get(f"/zaken/{reference}/maatregelen/{measure.id}/brief").get_data(as_text=True)
    assert "Beste Piet Boos, van 4 januari 2027 tot 3 april 2027." in text
    assert re.search(r"Veilighaven, \d{1,2} [a-z]+ 20\d\d", text)


def test_the_damages_letters_can_be_edited_with_their_own_fields(app, create_user, login):
    from models import texts

    admin = create_user(Role.ADMIN)
    client = app.test_client()
    login(client, admin)
    data = {key: texts.get(key) for key in texts.DEFAULTS}
    data["damages_reminder_letter"] = data["damages_reminder_letter"] + "\nMet dank, {{ gemeente }}"
    response = client.post("/beheer/teksten", data=data)
    assert response.status_code == 302
    with app.app_context():
        assert texts.get("damages_reminder_letter").endswith("{{ gemeente }}")
    data["damages_claim_letter"] = "Beste {{ naam_die_niet_bestaat }}"
    refused = client.post("/beheer/teksten", data=data)
    assert refused.status_code == 422 and "Deze velden bestaan niet: naam_die_niet_bestaat" in refused.get_data(
        as_text=True
    )
