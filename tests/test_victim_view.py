"""The victim sees what is done (issue 15, item 5; DOMAIN.md; §6.3, §6.4): in Mijn meldingen the
office holder reads the status and why, the measures taken (type and date), each police report and
how it stands, the aftercare conversations planned and held, damages, and what is asked of them -
never the internal notes, a measure's reasons or the security advice, a conversation's notes, a
protection measure or anything of another case. What they see is decided in models.visibility."""

import datetime as dt
import os
import pathlib
import re

import pytest

from models import aftercare, cases, casework, clock, consent, measures, police, protection
from models.accounts import Role
from models.aftercare import Conversation, Outcome
from models.cases import Case, CaseEvent, EventKind, Status
from models.db import db
from models.visibility import VictimPart, victim_parts

SECRETS = {
    "note": "INTERN: de buurman kent de veroorzaker",
    "proposal": "Voorstel: hij stuurde al drie mails",
    "advice": "Advies: camera bij de voordeur",
    "hearing": "De burger zegt dat hij boos was",
    "decision": "Besluit: de dreiging is ernstig",
    "conversation": "Slaapt slecht sinds het incident",
    "protection": "Extra surveillance bij de woning",
    "protection_with": "Wijkagent Jansen",
}


@pytest.fixture
def people(create_user):
    return {
        role: create_user(role)
        for role in (Role.COUNCIL_MEMBER, Role.CLERK, Role.MAYOR, Role.SECURITY_OFFICER, Role.MUNICIPAL_SECRETARY)
    }


def _today() -> dt.date:
    return clock.to_local(clock.utcnow()).date()


def _case(reference: str) -> Case:
    db.connect(reuse_if_open=True)
    return Case.get(Case.reference == reference)


def _seen(html: str) -> str:
    """The page's text as a person reads it: without tags, spaces (also non-breaking) as one."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _own(client, reference: str) -> str:
    response = client.get(f"/mijn-meldingen/{reference}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _date(moment: dt.datetime) -> str:
    return clock.format_local(moment, "d MMMM yyyy", "nl")


def _everything_done(case: Case, people) -> dict:
    """The municipality at work on the case: a note, a police report with feedback, a held aftercare
    conversation, a measure proposed, advised on, the citizen heard and decided, a protection measure."""
    clerk, mayor, officer = people[Role.CLERK], people[Role.MAYOR], people[Role.SECURITY_OFFICER]
    cases.add_event(case, clerk, EventKind.NOTE, body=SECRETS["note"])
    consent.give(case, consent.Purpose.POLICE_REPORT, people[Role.COUNCIL_MEMBER], how=consent.How.PORTAL)
    report = police.file(
        case, clerk, filed_on=_today(), registration_number="PL0900-2026-4711", police_station="Politiebureau Demodorp"
    )
    police.update_status(report, police.InvestigationStatus.INVESTIGATING, clerk)
    police.feedback_given(report, clerk)
    first = Conversation.get((Conversation.case == case.id) & (Conversation.number == 1))
    held_at = clock.utcnow().replace(microsecond=0) - dt.timedelta(hours=2)
    aftercare.record_outcome(first, Outcome.HELD, mayor, held_at=held_at, notes=SECRETS["conversation"])
    measure = measures.propose(
        case, measures.MeasureType.WARNING_WRITTEN, clerk, reasons=SECRETS["proposal"], description="Een brief"
    )
    measures.record_advice(measure, SECRETS["advice"], officer)
    measures.record_hearing(
        measure,
        clerk,
        outcome=measures.HearingOutcome.HEARD,
        held_on=_today(),
        heard_by="Griffier",
        account=SECRETS["hearing"],
    )
    measures.decide(measure, clerk, reasons=SECRETS["decision"])
    protection.mark_acute(case, officer)
    protection.add_measure(
        case, officer, description=SECRETS["protection"], involved=SECRETS["protection_with"], starts_on=_today()
    )
    return {"report": police.reports_of(case)[0], "held_at": held_at, "measure": measures.Measure.get_by_id(measure.id)}


def test_the_council_member_sees_the_police_report_the_conversation_and_the_measure_never_the_internal_side(
    app, people, signed_in, file_report
):
    member = signed_in(people[Role.COUNCIL_MEMBER])
    reference = file_report(member, consent_police_report="yes")
    done = _everything_done(_case(reference), people)

    page = _own(member, reference)
    text = _seen(page)
    # The police report and how it stands, with the feedback given (§6.4).
    assert "Aangifte bij de politie" in text and "PL0900-2026-4711" in text and "Politiebureau Demodorp" in text
    assert "Stand Politie onderzoekt" in text
    assert f"Laatst met u besproken {clock.format_local(clock.utcnow(), 'd MMMM yyyy', 'nl')}" in text
    # The held conversation with its date, never its notes (§6.3).
    assert f"Gesprek 1 Gevoerd op {clock.format_local(done['held_at'], 'd MMMM yyyy, HH:mm', 'nl')}" in text
    # The measure: type and date only.
    assert f"Schriftelijke waarschuwing Besloten op {_date(done['measure'].decided_at)}" in text
    # The status and why, in their words.
    assert "Status: Maatregelen" in text
    assert "De gemeente heeft besloten tot een maatregel: Schriftelijke waarschuwing. Die wordt nu uitgevoerd." in text
    for secret in SECRETS.values():
        assert secret not in page, secret
    assert "Een brief" not in page  # the measure's description is not theirs either
    assert "Beveiligingsmaatregel" not in text and "acute" not in text.lower()
    assert people[Role.CLERK].name not in page and people[Role.MAYOR].name not in page  # roles, never names


def test_a_proposed_measure_is_not_shown_until_it_is_decided(app, people, signed_in, file_report):
    member = signed_in(people[Role.COUNCIL_MEMBER])
    reference = file_report(member)
    case = _case(reference)
    measures.propose(
        case,
        measures.MeasureType.BUILDING_BAN,
        people[Role.CLERK],
        reasons="x",
        starts_on=_today(),
        ends_on=_today() + dt.timedelta(days=90),
    )
    text = _seen(_own(member, reference))
    assert "Toegang tot gemeentelijke gebouwen ontzeggen" not in text
    assert "De gemeente heeft nog geen maatregel genomen." in text
    assert "De gemeente bekijkt welke maatregel nodig is tegen wie dit deed." in text  # the status says no more


def test_what_is_asked_links_to_where_they_answer_it_and_goes_once_answered(app, people, signed_in, file_report):
    member = signed_in(people[Role.COUNCIL_MEMBER])
    reference = file_report(member, consent_police_report="no")  # a threat: reporting is required (§3)
    page = _own(member, reference)
    asked = page[page.index('id="gevraagd"') : page.index("</section>", page.index('id="gevraagd"'))]
    assert "Zeg of de gemeente aangifte mag doen" in asked
    assert 'href="#toestemming-police_report"' in asked and 'id="toestemming-police_report"' in page
    assert "Geef hier uw antwoord" in asked

    case = _case(reference)
    message = cases.add_event(case, people[Role.CLERK], EventKind.MESSAGE_TO_REPORTER, body="Kunt u ons morgen bellen?")
    page = _own(member, reference)
    assert f'href="#bericht-{message.id}"' in page and f'id="bericht-{message.id}"' in page
    assert "Kunt u ons morgen bellen?" in page and "Bericht van de gemeente aan u" in page
    listing = _seen(member.get("/mijn-meldingen").get_data(as_text=True))
    assert "Er zijn 2 vragen aan u" in listing

    member.post(f"/mijn-meldingen/{reference}/toestemming/police_report", data={"given": "ja"})
    member.post(f"/mijn-meldingen/{reference}", data={"message": "Ja, ik bel om tien uur."})
    page = _own(member, reference)
    assert "Wij vragen nu niets van u." in page and "Zeg of de gemeente aangifte mag doen" not in page
    assert "Er is 1 vraag aan u" not in _seen(member.get("/mijn-meldingen").get_data(as_text=True))


def test_the_status_says_who_picked_it_up_by_role_and_never_a_handlers_own_reason(app, people, signed_in, file_report):
    member = signed_in(people[Role.COUNCIL_MEMBER])
    reference = file_report(member)
    assert "Uw melding is binnen. De gemeente pakt hem zo snel mogelijk op." in _seen(_own(member, reference))
    case = _case(reference)
    clerk = people[Role.CLERK]
    cases.assign(case, clerk, clerk)
    picked_up = CaseEvent.select().where(CaseEvent.case == case.id).order_by(CaseEvent.id.desc()).first().at
    text = _seen(_own(member, reference))
    assert f"Status: In behandeling De griffier heeft uw melding opgepakt op {_date(picked_up)}." in text
    assert clerk.name not in text

    casework.set_status_by_hand(_case(reference), Status.AFTERCARE, clerk, reason="Intern: wacht op de politie")
    page = _own(member, reference)
    assert "Status: Nazorg" in _seen(page) and "De griffier heeft de status veranderd op" in _seen(page)
    assert "wacht op de politie" not in page


def test_nothing_of_another_case_and_nobody_else_sees_the_victims_view(
    app, people, signed_in, file_report, create_user
):
    member = signed_in(people[Role.COUNCIL_MEMBER])
    first = file_report(member, consent_police_report="yes")
    second = file_report(member, consent_police_report="yes", narrative="Een tweede keer.")
    police.file(_case(second), people[Role.CLERK], filed_on=_today(), registration_number="PL-TWEEDE-ZAAK")
    cases.add_event(_case(second), people[Role.CLERK], EventKind.MESSAGE_TO_REPORTER, body="Over de tweede zaak")
    page = _own(member, first)
    assert "PL-TWEEDE-ZAAK" not in page and "Over de tweede zaak" not in page and "Een tweede keer." not in page

    other = signed_in(create_user(Role.COUNCIL_MEMBER))
    assert other.get(f"/mijn-meldingen/{first}").status_code == 404
    informed = signed_in(people[Role.MAYOR]).get(f"/mijn-meldingen/{first}")  # informed: the case page instead
    assert informed.status_code == 302 and informed.headers["Location"].endswith(f"/zaken/{first}")


def test_who_filed_for_someone_sees_how_it_is_handled_not_the_victims_aftercare_or_consent(
    app, people, signed_in, file_report
):
    clerk = signed_in(people[Role.CLERK])
    reference = file_report(clerk, on_behalf_of=people[Role.COUNCIL_MEMBER])
    case = _case(reference)
    assert victim_parts(people[Role.COUNCIL_MEMBER], case) == frozenset(VictimPart)
    assert VictimPart.AFTERCARE not in victim_parts(people[Role.CLERK], case)
    assert VictimPart.CONSENT not in victim_parts(people[Role.CLERK], case)
    assert victim_parts(people[Role.MAYOR], case) == frozenset()  # informed: reads the case page
    assert victim_parts(people[Role.MUNICIPAL_SECRETARY], case) == frozenset()  # nothing to do with it
    page = _seen(_own(clerk, reference))
    assert "Status:" in page and "Opvang en nazorg" not in page and "Uw toestemming" not in page
    assert "Wat wij van u vragen" not in page


def test_the_own_case_page_has_no_two_elements_with_one_id(app, people, signed_in, file_report):
    member = signed_in(people[Role.COUNCIL_MEMBER])
    reference = file_report(member, consent_police_report="no")
    cases.add_event(_case(reference), people[Role.CLERK], EventKind.MESSAGE_TO_REPORTER, body="Hoi")
    ids = re.findall(r'\sid="([^"]+)"', _own(member, reference))
    assert ids and len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


# --- on a phone and on a screen ---------------------------------------------------------------------

SHOTS = pathlib.Path(os.environ.get("PORTAL_VICTIM_SHOTS", "/tmp/shots-victim"))
# What sticks out on the right of the screen (tests/test_browser_register_aftercare.py).
WIDE_JS = """() => [...document.querySelectorAll('main *')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && el.children.length === 0)
  .slice(0, 10).map(el => `${el.tagName}.${el.className} in #${el.closest('[id]')?.id}: ${el.textContent.slice(0, 50)}`)"""


@pytest.mark.browser
def test_the_victims_case_page_on_a_phone_and_a_screen(app, live_server, browser, people, signed_in, file_report):
    from playwright.sync_api import expect

    from models import damages
    from tests.browser import log_in
    from tests.conftest import fresh_code

    member = people[Role.COUNCIL_MEMBER]
    reference = file_report(signed_in(member), consent_police_report="yes")
    case = _case(reference)
    _everything_done(case, people)
    item = damages.submit_item(case, damages.Category.PROPERTY, "De ruit van de voordeur", 34995, member)
    damages.assess(
        item, damages.Decision.PARTIAL, people[Role.MUNICIPAL_SECRETARY], approved_cents=30000, reason="Zonder btw."
    )
    cases.add_event(case, people[Role.CLERK], EventKind.MESSAGE_TO_REPORTER, body="Wilt u ons morgen bellen?")

    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    page = context.new_page()
    db.connect(reuse_if_open=True)
    account = {"email": member.email, "password": member.test_password, "role": member.role}
    log_in(page, live_server.url, account, code=fresh_code(member))
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.url}/mijn-meldingen/{reference}")
        page.screenshot(path=str(SHOTS / f"own-case-{width}.png"), full_page=True)
        assert page.evaluate(WIDE_JS) == [], width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        expect(page.get_by_role("heading", name="Status: Maatregelen")).to_be_visible()
        page.get_by_role("link", name="Lees het bericht").click()
        expect(page.get_by_text("Wilt u ons morgen bellen?")).to_be_in_viewport()
        page.goto(f"{live_server.url}/mijn-meldingen")
        page.screenshot(path=str(SHOTS / f"own-cases-{width}.png"), full_page=True)
        assert page.evaluate(WIDE_JS) == [], width
    context.close()


def test_every_status_sentence_casework_writes_has_the_victims_words():
    """models.casework explains a status to handlers; the victim reads their own sentence for each
    (models.victim_view.VICTIM_WHY). A new handlers' sentence without one would fall back to the bare
    status: this says which to add."""
    import ast
    import inspect

    from models import victim_view

    tree = ast.parse(inspect.getsource(casework))
    written = {
        call.args[1].args[0].value
        for call in ast.walk(tree)
        if isinstance(call, ast.Call)
        and getattr(call.func, "id", None) == "StatusWhy"
        and len(call.args) > 1
        and isinstance(call.args[1], ast.Call)
        and getattr(call.args[1].func, "id", None) == "N_"
    }
    assert written, "casework.StatusWhy is no longer built with an N_ sentence: read this test again"
    by_hand = {w for w in written if "met de hand" in w}
    assert written - by_hand - set(victim_view.VICTIM_WHY) == set()
