"""Due process for measures (§2 hoor en wederhoor, §6.2): the citizen's side is recorded before a
measure against a known perpetrator is decided; the decider sees the security officer's advice (or
that there is none), writes their own reasons and confirms; the ban letter carries its reference,
legal basis, period, what follows a violation and how to object; an objection is recorded with its
outcome; a violation of a ban informs the police and proposes a new police report."""

import datetime as dt

import pytest

from models import clock, consent, measures, perpetrators, texts
from models.accounts import Role
from models.audit import AuditEntry
from models.cases import Case, CaseEvent
from models.consent import How, Purpose
from models.deadlines import Deadline, DeadlineKind
from models.measures import BanViolation, Measure, MeasureHearing, MeasureObjection, MeasureRefused
from tests.test_measures import BAN, MAYORS_REASONS, _client, _decide, _measure, council_case  # noqa: F401


def today() -> dt.date:
    """Asked each time, not once at collection: a suite that runs past midnight moves on a day."""
    return clock.to_local(clock.utcnow()).date()


def yesterday() -> dt.date:
    return today() - dt.timedelta(days=1)


HEARD = {
    "outcome": "heard",
    "held_on": yesterday().isoformat(),
    "heard_by": "Griffier De Boer",
    "account": "Hij zegt dat hij boos was over zijn bouwvergunning en het niet zo bedoelde.",
}


def _propose_ban(app, login, people, **changes):
    clerk = _client(app, login, people[Role.CLERK])
    assert clerk.post(f"/zaken/{changes.pop('reference')}/maatregelen", data={**BAN, **changes}).status_code == 302
    return clerk, _measure(app)


def _hear(client, reference, measure_id, **values):
    data = {f"horen-{measure_id}-{key}": value for key, value in {**HEARD, **values}.items()}
    return client.post(f"/zaken/{reference}/maatregelen/{measure_id}/horen", data=data, follow_redirects=True)


def _page(response) -> str:
    return response.get_data(as_text=True)


# --- hoor en wederhoor (§2) ------------------------------------------------------------------------


def test_a_ban_on_a_known_citizen_is_not_decided_before_their_side_is_recorded(app, council_case, login):
    """§2: the citizen is addressed about their behaviour and gets the chance to tell their side."""
    reference, people = council_case
    clerk, ban = _propose_ban(app, login, people, reference=reference)
    mayor = _client(app, login, people[Role.MAYOR])

    screen = _page(mayor.get(f"/zaken/{reference}/maatregelen/{ban.id}/besluiten"))
    assert "De kant van de burger is nog niet vastgelegd." in screen

    refused = _decide(mayor, reference, ban.id)
    assert refused.status_code == 422
    assert "De kant van de burger is nog niet vastgelegd." in _page(refused)
    assert MAYORS_REASONS in _page(refused)  # what the mayor typed is kept
    assert _measure(app).state == "proposed"
    with app.app_context(), pytest.raises(MeasureRefused, match="De kant van de burger is nog niet vastgelegd"):
        measures.decide(Measure.get_by_id(ban.id), people[Role.MAYOR], reasons=MAYORS_REASONS)

    page = _page(_hear(clerk, reference, ban.id))
    assert "De kant van de burger is vastgelegd." in page
    assert "Hij zegt dat hij boos was over zijn bouwvergunning" in page and "Griffier De Boer" in page

    screen = _page(mayor.get(f"/zaken/{reference}/maatregelen/{ban.id}/besluiten"))
    assert "De kant van de burger is nog niet vastgelegd." not in screen
    assert "De burger is gehoord" in screen and "Hij zegt dat hij boos was over zijn bouwvergunning" in screen

    assert "Het besluit is vastgelegd." in _page(_decide(mayor, reference, ban.id))
    decided = _measure(app)
    assert decided.state == "decided" and decided.decided_by_id == people[Role.MAYOR].id
    assert decided.decision_reasons == MAYORS_REASONS and decided.unheard_reason is None
    with app.app_context():
        hearing = MeasureHearing.get(MeasureHearing.measure == ban.id)
        assert (hearing.outcome, hearing.held_on, hearing.heard_by) == ("heard", yesterday(), "Griffier De Boer")
        assert hearing.recorded_by_id == people[Role.CLERK].id


def test_a_citizen_who_declined_or_could_not_be_reached_is_recorded_and_the_form_says_what_is_missing(
    app, council_case, login
):
    reference, people = council_case
    clerk, ban = _propose_ban(app, login, people, reference=reference)

    response = _hear(clerk, reference, ban.id, outcome="unreachable", account="")
    assert response.status_code == 422
    page = _page(response)
    assert "Schrijf op hoe is geprobeerd de burger te bereiken." in page and "Griffier De Boer" in page
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    response = _hear(clerk, reference, ban.id, held_on=tomorrow)
    assert response.status_code == 422 and "Deze datum ligt in de toekomst." in _page(response)
    with app.app_context():
        assert MeasureHearing.select().count() == 0
        with pytest.raises(MeasureRefused, match="Schrijf op wat de burger zei"):
            measures.record_hearing(
                Measure.get_by_id(ban.id),
                people[Role.CLERK],
                outcome=measures.HearingOutcome.HEARD,
                held_on=yesterday(),
                heard_by="Griffier De Boer",
                account=" ",
            )

    account = "Twee keer gebeld en een brief gestuurd; geen reactie."
    page = _page(_hear(clerk, reference, ban.id, outcome="unreachable", account=account))
    assert "De burger was niet bereikbaar" in page and account in page
    page = _page(_hear(clerk, reference, ban.id, outcome="declined", account=""))
    assert "De burger wilde niet reageren" in page
    mayor = _client(app, login, people[Role.MAYOR])
    assert "Het besluit is vastgelegd." in _page(_decide(mayor, reference, ban.id))


def test_deciding_without_the_citizens_side_needs_a_reason_that_is_kept_with_the_decision(app, council_case, login):
    reference, people = council_case
    _clerk, ban = _propose_ban(app, login, people, reference=reference)
    mayor = _client(app, login, people[Role.MAYOR])
    why = "Acuut gevaar: hij staat elke avond bij het huis van het raadslid."
    page = _page(_decide(mayor, reference, ban.id, unheard_reason=why))
    assert "Het besluit is vastgelegd." in page
    assert "Besloten zonder de burger te horen" in page and why in page
    assert _measure(app).unheard_reason == why


def test_a_measure_without_a_known_perpetrator_needs_no_hearing(app, create_user, login, file_report):
    member, clerk = create_user(Role.COUNCIL_MEMBER), create_user(Role.CLERK)
    reporter = app.test_client()
    login(reporter, member)
    reference = file_report(reporter, perpetrator_known="no", perpetrator_name="")
    client = _client(app, login, clerk)
    client.post(f"/zaken/{reference}/maatregelen", data={"type": "warning_oral", "reasons": "Onbekende afzender."})
    warning = _measure(app)
    screen = _page(client.get(f"/zaken/{reference}/maatregelen/{warning.id}/besluiten"))
    assert "De kant van de burger is nog niet vastgelegd." not in screen
    assert "Het besluit is vastgelegd." in _page(_decide(client, reference, warning.id, reasons="Waarschuwing."))


# --- the decision screen ---------------------------------------------------------------------------


def test_the_decision_screen_shows_the_advice_or_warns_there_is_none_and_asks_for_own_reasons_and_confirmation(
    app, council_case, login
):
    reference, people = council_case
    clerk, ban = _propose_ban(app, login, people, reference=reference)
    _hear(clerk, reference, ban.id)
    mayor = _client(app, login, people[Role.MAYOR])

    screen = _page(mayor.get(f"/zaken/{reference}/maatregelen/{ban.id}/besluiten"))
    assert "Er is geen advies van de ambtenaar Veiligheid." in screen
    assert "Hij dreigde het raadslid thuis op te zoeken." in screen  # the proposal, to read
    assert "Uw redenen voor dit besluit" in screen and "van 4 januari 2027 tot en met 3 april 2027" in screen
    assert "Ik neem dit besluit zonder advies van de ambtenaar Veiligheid." in screen

    response = mayor.post(f"/zaken/{reference}/maatregelen/{ban.id}/besluiten", data={"reasons": "", "confirm": ""})
    assert response.status_code == 422
    page = _page(response)
    assert "Schrijf op waarom u tot deze maatregel besluit." in page and "Bevestig dat u dit besluit neemt." in page
    with app.app_context(), pytest.raises(MeasureRefused, match="Schrijf op waarom u tot deze maatregel besluit"):
        measures.decide(Measure.get_by_id(ban.id), people[Role.MAYOR], reasons="  ")
    assert _measure(app).state == "proposed"

    officer = _client(app, login, people[Role.SECURITY_OFFICER])
    officer.post(f"/zaken/{reference}/maatregelen/{ban.id}/advies", data={"advice": "Drie maanden is passend."})
    screen = _page(mayor.get(f"/zaken/{reference}/maatregelen/{ban.id}/besluiten"))
    assert "Er is geen advies van de ambtenaar Veiligheid." not in screen
    assert "Drie maanden is passend." in screen and "Veiligheid Smit" in screen
    assert "Ik neem dit besluit." in screen
    with app.app_context():
        viewed = AuditEntry.select().where(
            (AuditEntry.action == "case_viewed") & (AuditEntry.actor_id == people[Role.MAYOR].id)
        )
        assert viewed.count() >= 3  # every showing of the decision screen is a view of the case


def test_the_decision_screen_says_whether_the_perpetrator_did_this_before(app, council_case, login, file_report):
    """§6.2: whether it is a first or a repeated incident weighs in the choice of measure."""
    reference, people = council_case
    with app.app_context():
        case = Case.get(Case.reference == reference)
        piet = perpetrators.link_case(case, name="Piet Boos", birth_date="1980-02-03", actor=people[Role.CLERK])
    clerk = _client(app, login, people[Role.CLERK])
    clerk.post(f"/zaken/{reference}/maatregelen", data={**BAN, "perpetrator": str(piet.id)})
    ban = _measure(app)
    assert ban.perpetrator_id == piet.id
    mayor = _client(app, login, people[Role.MAYOR])
    screen = _page(mayor.get(f"/zaken/{reference}/maatregelen/{ban.id}/besluiten"))
    assert "Nee, dit is het eerste incident" in screen

    reporter = _client(app, login, people[Role.COUNCIL_MEMBER])
    later = file_report(reporter, occurred_date=yesterday().isoformat())
    with app.app_context():
        perpetrators.link_case(
            Case.get(Case.reference == later), name="Piet Boos", birth_date="1980-02-03", actor=people[Role.CLERK]
        )
    clerk.post(f"/zaken/{later}/maatregelen", data={**BAN, "perpetrator": str(piet.id)})
    again = _measure(app)
    screen = _page(mayor.get(f"/zaken/{later}/maatregelen/{again.id}/besluiten"))
    assert "Ja. Eerdere incidenten, ook tegen medewerkers van de gemeente: 1" in screen


def test_only_the_mayor_sees_the_decision_form_for_a_ban(app, council_case, login):
    reference, people = council_case
    clerk, ban = _propose_ban(app, login, people, reference=reference)
    _hear(clerk, reference, ban.id)
    case_page = _page(clerk.get(f"/zaken/{reference}"))
    assert f"/maatregelen/{ban.id}/besluiten" not in case_page
    response = clerk.get(f"/zaken/{reference}/maatregelen/{ban.id}/besluiten")
    assert response.status_code == 403
    text = _page(response)
    assert "Alleen de burgemeester kan besluiten tot een ontzegging" in text and "Besluit nemen" not in text
    refused = _decide(clerk, reference, ban.id)
    assert refused.status_code == 403 and "Alleen de burgemeester kan besluiten" in _page(refused)
    assert _measure(app).state == "proposed"
    mayor_page = _page(_client(app, login, people[Role.MAYOR]).get(f"/zaken/{reference}"))
    assert f"/maatregelen/{ban.id}/besluiten" in mayor_page


def test_a_decision_sent_twice_is_stored_once(app, council_case, login):
    reference, people = council_case
    clerk, ban = _propose_ban(app, login, people, reference=reference)
    _hear(clerk, reference, ban.id)
    mayor = _client(app, login, people[Role.MAYOR])
    assert "Het besluit is vastgelegd." in _page(_decide(mayor, reference, ban.id))
    again = _decide(mayor, reference, ban.id)
    assert again.status_code == 200 and "Het besluit is vastgelegd." in _page(again)
    with app.app_context():
        decided = CaseEvent.select().where(CaseEvent.detail == f"{ban.id}:decided").count()
        reminders = Deadline.select().where(Deadline.kind == DeadlineKind.BAN_ENDING.value).count()
        audited = AuditEntry.select().where(AuditEntry.action == "measure_decided").count()
        assert (decided, reminders, audited) == (1, 1, 1)
    other = _decide(mayor, reference, ban.id, reasons="Een ander besluit.")
    assert "Over deze maatregel is al besloten." in _page(other)
    assert _measure(app).decision_reasons == MAYORS_REASONS


# --- the letter ------------------------------------------------------------------------------------


def test_the_ban_letter_carries_the_mayors_reasons_reference_legal_basis_period_violation_and_objection(
    app, council_case, login
):
    reference, people = council_case
    clerk, ban = _propose_ban(app, login, people, reference=reference)
    _hear(clerk, reference, ban.id)
    mayor = _client(app, login, people[Role.MAYOR])
    _decide(mayor, reference, ban.id)
    letter = _page(mayor.get(f"/zaken/{reference}/maatregelen/{ban.id}/brief"))
    kenmerk = f"{reference}-M{ban.id}"
    for expected in (
        f"Kenmerk: {kenmerk}",
        MAYORS_REASONS,
        "artikel 174 van de Gemeentewet",
        "van 4 januari 2027 tot en met 3 april 2027",
        "waarschuwen wij direct de politie",
        "opnieuw aangifte",
        "binnen zes weken",
        "bezwaar maken",
        "Stuur uw bezwaarschrift naar de burgemeester, Raadhuisplein 1",
        "Algemene wet bestuursrecht",
        "Burgemeester Van Dam<br>burgemeester van Demodorp",  # the signature, laid out around the text
    ):
        assert expected in letter, expected
    assert "Hij dreigde het raadslid thuis op te zoeken." not in letter  # the clerk's proposal stays inside
    assert clock.format_local(clock.utcnow(), "d MMMM yyyy", "nl") in letter
    assert kenmerk in _page(mayor.get(f"/zaken/{reference}"))  # the reference is on the case page too


def test_the_texts_page_refuses_a_ban_letter_without_its_reference_period_or_reasons(app, create_user, login):
    client = _client(app, login, create_user(Role.ADMIN))
    page = _page(client.get("/beheer/teksten"))
    assert "Deze velden moeten in de brief blijven staan:" in page and "{{ kenmerk }}" in page
    without = texts.BAN_LETTER.replace("{{ kenmerk }}", "").replace("{{ redenen }}", "")
    response = client.post("/beheer/teksten", data={"municipality_name": "Gemeente Demodorp", "ban_letter": without})
    assert response.status_code == 422
    assert "Deze brief moet deze velden noemen: kenmerk, redenen." in _page(response)
    with app.app_context():
        assert texts.get("ban_letter") == texts.BAN_LETTER
        assert texts.missing_fields("ban_letter", without) == ["kenmerk", "redenen"]


# --- objection (bezwaar, Awb) ----------------------------------------------------------------------


def _decided_ban(app, login, people, reference, **changes):
    clerk, ban = _propose_ban(app, login, people, reference=reference, **changes)
    _hear(clerk, reference, ban.id)
    mayor = _client(app, login, people[Role.MAYOR])
    assert "Het besluit is vastgelegd." in _page(_decide(mayor, reference, ban.id))
    return clerk, mayor, _measure(app)


def _object(client, reference, ban_id, token="t1", **values):
    data = {"received_on": today().isoformat(), "grounds": "Ik heb niemand bedreigd.", "token": token, **values}
    return client.post(
        f"/zaken/{reference}/maatregelen/{ban_id}/bezwaar",
        data={f"bezwaar-{ban_id}-{key}": value for key, value in data.items()},
        follow_redirects=True,
    )


def _objection_outcome(client, reference, ban_id, objection_id, **values):
    return client.post(
        f"/zaken/{reference}/maatregelen/{ban_id}/bezwaar/{objection_id}",
        data={f"beslissing-{objection_id}-{key}": value for key, value in values.items()},
        follow_redirects=True,
    )


def test_an_objection_is_recorded_once_and_an_upheld_one_ends_the_ban(app, council_case, login):
    reference, people = council_case
    clerk, mayor, ban = _decided_ban(app, login, people, reference)
    page = _page(clerk.get(f"/zaken/{reference}"))
    deadline = clock.to_local(ban.decided_at).date() + dt.timedelta(weeks=6)
    assert "Bezwaar vastleggen" in page

    response = _object(clerk, reference, ban.id, grounds="")
    assert response.status_code == 422 and "Schrijf op waartegen de burger bezwaar maakt en waarom." in _page(response)
    page = _page(_object(clerk, reference, ban.id))
    assert "Het bezwaar is vastgelegd." in page and "Ik heb niemand bedreigd." in page
    _object(clerk, reference, ban.id)  # the same form sent again
    with app.app_context():
        assert MeasureObjection.select().count() == 1
        objection = MeasureObjection.get()
    assert "Nog niet beslist" in page
    assert format_day(deadline) in page

    refused = _objection_outcome(clerk, reference, ban.id, objection.id, outcome="upheld", reasons="Terecht.")
    assert refused.status_code == 403 and "Alleen de burgemeester beslist op een bezwaar" in _page(refused)
    with app.app_context(), pytest.raises(MeasureRefused, match="Alleen de burgemeester beslist op een bezwaar"):
        measures.decide_objection(
            MeasureObjection.get_by_id(objection.id),
            people[Role.CLERK],
            outcome=measures.ObjectionOutcome.UPHELD,
            reasons="Terecht.",
        )
    response = _objection_outcome(mayor, reference, ban.id, objection.id, outcome="upheld", reasons="")
    assert response.status_code == 422 and "Schrijf op waarom u zo beslist op het bezwaar." in _page(response)

    why = "Bij nader inzien was de dreiging niet gericht tegen het raadslid."
    page = _page(_objection_outcome(mayor, reference, ban.id, objection.id, outcome="upheld", reasons=why))
    assert "De beslissing op het bezwaar is vastgelegd." in page and "Gegrond" in page and why in page
    ended = _measure(app)
    assert ended.state == "ended" and ended.ended_at is not None
    with app.app_context():
        assert Deadline.get(Deadline.kind == DeadlineKind.BAN_ENDING.value).done_at is not None
        decided = MeasureObjection.get_by_id(objection.id)
        assert (decided.outcome, decided.decided_by_id, decided.outcome_reasons) == (
            "upheld",
            people[Role.MAYOR].id,
            why,
        )
    again = _objection_outcome(mayor, reference, ban.id, objection.id, outcome="upheld", reasons=why)
    assert "De beslissing op het bezwaar is vastgelegd." in _page(again)
    with app.app_context():
        assert CaseEvent.select().where(CaseEvent.detail == f"{ban.id}:objection_decided").count() == 1


def format_day(day: dt.date) -> str:
    from babel.dates import format_date

    return format_date(day, "d MMMM yyyy", locale="nl")


def test_a_partly_upheld_objection_shortens_the_ban_and_a_rejected_one_changes_nothing(app, council_case, login):
    reference, people = council_case
    clerk, mayor, ban = _decided_ban(app, login, people, reference)
    _object(clerk, reference, ban.id, token="eerste")
    _object(clerk, reference, ban.id, token="tweede", grounds="Drie maanden is te lang.")
    with app.app_context():
        first, second = list(MeasureObjection.select().order_by(MeasureObjection.id))

    response = _objection_outcome(mayor, reference, ban.id, second.id, outcome="partly", reasons="Korter is genoeg.")
    assert response.status_code == 422
    assert "Vul in wat er verandert" in _page(response)
    later = _objection_outcome(
        mayor, reference, ban.id, second.id, outcome="partly", reasons="Korter.", new_ends_on="2027-05-01"
    )
    assert later.status_code == 422 and "De nieuwe einddatum moet vóór de huidige einddatum liggen" in _page(later)
    page = _page(
        _objection_outcome(
            mayor,
            reference,
            ban.id,
            second.id,
            outcome="partly",
            reasons="Eén maand is genoeg.",
            new_ends_on="2027-02-03",
        )
    )
    assert "Gedeeltelijk gegrond" in page and "tot en met 3 februari 2027" in page
    shortened = _measure(app)
    assert shortened.state == "decided" and shortened.ends_on == dt.date(2027, 2, 3)
    with app.app_context():
        open_reminder = Deadline.get(
            (Deadline.kind == DeadlineKind.BAN_ENDING.value)
            & Deadline.done_at.is_null()
            & (Deadline.object_id == ban.id)
        )
        assert clock.to_local(open_reminder.due_at).date() == dt.date(2027, 2, 3)
        assert MeasureObjection.get_by_id(second.id).previous_ends_on == dt.date(2027, 4, 3)

    page = _page(_objection_outcome(mayor, reference, ban.id, first.id, outcome="rejected", reasons="Het blijft."))
    assert "Ongegrond" in page
    assert _measure(app).ends_on == dt.date(2027, 2, 3) and _measure(app).state == "decided"


def test_no_objection_before_a_decision_nor_against_a_warning(app, council_case, login):
    reference, people = council_case
    clerk, ban = _propose_ban(app, login, people, reference=reference)
    response = _object(clerk, reference, ban.id)
    assert response.status_code == 422 and "Bezwaar kan pas als over de maatregel is besloten." in _page(response)
    with app.app_context(), pytest.raises(MeasureRefused):
        measures.record_objection(
            Measure.get_by_id(ban.id), people[Role.CLERK], received_on=today(), grounds="Nee.", token="x"
        )
    with app.app_context():
        assert MeasureObjection.select().count() == 0
    clerk.post(f"/zaken/{reference}/maatregelen", data={"type": "warning_written", "reasons": "Eerste keer."})
    warning = _measure(app)
    with app.app_context(), pytest.raises(MeasureRefused, match="Bezwaar vastleggen kan bij een ontzegging"):
        measures.record_objection(warning, people[Role.CLERK], received_on=today(), grounds="Nee.", token="y")


# --- a violation of a ban (§6.2) --------------------------------------------------------------------


def _violate(client, reference, ban_id, token="v1", **values):
    data = {
        "occurred_date": yesterday().isoformat(),
        "occurred_time": "10:15",
        "location": "Gemeentehuis, publiekshal",
        "seen_by": "Baliemedewerker Yilmaz",
        "account": "Hij kwam binnen en vroeg naar het raadslid.",
        "police_informed": "no",
        "token": token,
        **values,
    }
    return client.post(
        f"/zaken/{reference}/maatregelen/{ban_id}/overtreding",
        data={f"overtreding-{ban_id}-{key}": value for key, value in data.items()},
        follow_redirects=True,
    )


def _consent_to_police_report(app, reference, clerk):
    """The council member's consent to a police report, as the clerk records it (§6.4)."""
    with app.app_context():
        case = Case.get(Case.reference == reference)
        consent.give(case, Purpose.POLICE_REPORT, clerk, how=How.PHONE)


def test_a_violation_of_a_ban_is_recorded_and_proposes_a_new_police_report(app, council_case, login):
    """§6.2: not complying with a written ban: the police are informed at once, and it is again a
    criminal offence of which a police report is filed."""
    reference, people = council_case
    _consent_to_police_report(app, reference, people[Role.CLERK])
    start = today() - dt.timedelta(days=10)
    clerk, _mayor, ban = _decided_ban(
        app, login, people, reference, starts_on=start.isoformat(), ends_on=(start + dt.timedelta(days=90)).isoformat()
    )
    response = _violate(clerk, reference, ban.id, location="")
    assert response.status_code == 422 and "Vul in waar het gebeurde." in _page(response)
    before = _violate(clerk, reference, ban.id, occurred_date=(start - dt.timedelta(days=1)).isoformat())
    assert before.status_code == 422 and "Op dat moment gold de ontzegging niet." in _page(before)

    page = _page(_violate(clerk, reference, ban.id))
    assert "De overtreding is vastgelegd." in page
    assert "Gemeentehuis, publiekshal" in page and "Baliemedewerker Yilmaz" in page
    assert "De politie is nog niet ingelicht." in page
    assert "Aangifte doen bij de politie" in page and 'href="#aangifte"' in page
    _violate(clerk, reference, ban.id)  # sent twice
    with app.app_context():
        violation = BanViolation.get()
        assert BanViolation.select().count() == 1
        proposal = Measure.get_by_id(violation.police_report_proposal_id)
        assert (proposal.type, proposal.state, proposal.perpetrator_id) == ("police_report", "proposed", None)
        assert f"{reference}-M{ban.id}" in proposal.reasons
        assert Measure.select().where(Measure.type == "police_report").count() == 1
        assert clock.to_local(violation.occurred_at).replace(tzinfo=None) == dt.datetime.combine(
            yesterday(), dt.time(10, 15)
        )

    page = _page(
        clerk.post(f"/zaken/{reference}/maatregelen/{ban.id}/overtreding/{violation.id}/politie", follow_redirects=True)
    )
    assert "Vastgelegd: de politie is ingelicht." in page
    assert "kies bij Waarover: De veroorzaker hield zich niet aan een ontzegging of verbod" in page

    # The police report itself is filed through the police panel (§6.4); the violation shows it.
    filed = clerk.post(
        f"/zaken/{reference}/aangifte",
        data={
            "aangifte-subject": "ban_violated",
            "aangifte-filed_on": today().isoformat(),
            "aangifte-police_station": "Politiebureau Demodorp",
            "aangifte-registration_number": "PL0900-2026-555",
        },
        follow_redirects=True,
    )
    assert f"Aangifte gedaan op {format_day(today())}, registratienummer PL0900-2026-555." in _page(filed)
    assert "De politie is nog niet ingelicht." not in page and "Politie ingelicht op" in page
    with app.app_context():
        assert BanViolation.get_by_id(violation.id).police_informed_by_id == people[Role.CLERK].id
        with pytest.raises(MeasureRefused, match="Op dat moment gold de ontzegging niet"):
            measures.record_violation(
                Measure.get_by_id(ban.id),
                people[Role.CLERK],
                occurred_at=clock.utcnow() - dt.timedelta(days=30),
                location="Bibliotheek",
                seen_by="Beveiliger",
                police_informed=True,
                token="v9",
            )


def test_a_violation_with_the_police_already_informed_says_so(app, council_case, login):
    reference, people = council_case
    start = today() - dt.timedelta(days=3)
    clerk, _mayor, ban = _decided_ban(
        app, login, people, reference, starts_on=start.isoformat(), ends_on=(start + dt.timedelta(days=30)).isoformat()
    )
    page = _page(_violate(clerk, reference, ban.id, police_informed="yes"))
    assert "Politie ingelicht op" in page and "De politie is nog niet ingelicht." not in page
    with app.app_context():
        assert BanViolation.get().police_informed_at is not None


def test_a_violation_without_the_victims_consent_is_recorded_and_says_why_no_police_report_is_proposed(
    app, create_user, login, file_report
):
    """A police report is made only with the victim's consent (§6.4): the violation is still recorded."""
    member, clerk, mayor = create_user(Role.COUNCIL_MEMBER), create_user(Role.CLERK), create_user(Role.MAYOR)
    reporter = app.test_client()
    login(reporter, member)
    reference = file_report(reporter, consent_police_report="no")
    start = today() - dt.timedelta(days=3)
    people = {Role.CLERK: clerk, Role.MAYOR: mayor}
    clerk_client, _mayor, ban = _decided_ban(
        app, login, people, reference, starts_on=start.isoformat(), ends_on=(start + dt.timedelta(days=30)).isoformat()
    )
    page = _page(_violate(clerk_client, reference, ban.id))
    assert "De overtreding is vastgelegd." in page
    assert "Er is geen nieuwe aangifte voorgesteld: Zonder toestemming van de ambtsdrager" in page
    with app.app_context():
        assert BanViolation.get().police_report_proposal_id is None
        assert Measure.select().where(Measure.type == "police_report").count() == 0
