"""Every deadline reminds by mail, exactly once — also when the job runs twice, crashes half way, or
two consumers run at the same time — and escalates when it is about to pass. No case content."""

import datetime as dt
import threading

import pytest

from models import deadlines
from models.accounts import Role
from models.cases import Case
from models.db import db
from models.deadlines import Deadline, DeadlineKind


@pytest.fixture
def threat_case(app, create_user, login, file_report):
    people = {
        role: create_user(role)
        for role in (Role.COUNCIL_MEMBER, Role.CLERK, Role.MAYOR, Role.SECURITY_OFFICER, Role.MUNICIPAL_SECRETARY)
    }
    client = app.test_client()
    login(client, people[Role.COUNCIL_MEMBER])
    reference = file_report(client, narrative="Geheim verhaal", consequences={"hospital_admission": "y"})
    with app.app_context():
        case = Case.get(Case.reference == reference)
    return case, people


def _run_job(app):
    from jobs.tasks import send_due_reminders

    with app.app_context():
        return send_due_reminders.call_local()


def _subjects(mailbox, person):
    return [m["Subject"] for m in mailbox.to(person.email)]


def test_aftercare_reminder_is_sent_once_even_when_the_job_runs_twice(app, threat_case, mailbox, clock_at):
    case, people = threat_case
    mailbox.messages.clear()
    clock_at(hours=13)  # first conversation due at +24h; reminder 12 hours before
    assert _run_job(app) >= 2
    assert _run_job(app) == 0
    reminders = [m for m in mailbox.messages if "Eerste nazorggesprek" in m.get_content()]
    first_round = {m["To"] for m in reminders}
    assert first_round == {people[Role.MAYOR].email, people[Role.CLERK].email}  # the holders (§6.3)
    assert len(reminders) == len(first_round)  # one each
    body = reminders[0].get_content()
    assert "Eerste nazorggesprek" in body and "Geheim verhaal" not in body and case.reference not in body
    # The mail names the step as the case page's "Wat moet er nu gebeuren" does (models.casework).
    assert "Er is een termijn die binnenkort verloopt: Eerste nazorggesprek voeren." in body


def test_a_crash_half_way_sends_nothing_twice(app, threat_case, mailbox, clock_at, monkeypatch):
    import jobs.tasks as tasks

    case, people = threat_case
    mailbox.messages.clear()
    clock_at(hours=13)
    real = tasks._queue_deadline_mail
    calls = {"n": 0}

    def dies_on_second_mail(person, deadline, escalation):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("consumer killed")
        return real(person, deadline, escalation)

    monkeypatch.setattr(tasks, "_queue_deadline_mail", dies_on_second_mail)
    with pytest.raises(RuntimeError):
        _run_job(app)
    assert mailbox.messages == []  # the half-done deadline was rolled back: nothing stored, nothing sent
    monkeypatch.setattr(tasks, "_queue_deadline_mail", real)
    _run_job(app)
    _run_job(app)
    sent = [(m["To"], m.get_content().split("\n")[2]) for m in mailbox.messages]  # recipient and what
    assert len(sent) == 4 and len(set(sent)) == 4  # every reminder once: none lost, none twice


def test_two_consumers_at_once_send_each_reminder_once(app, threat_case, mailbox, clock_at):
    case, people = threat_case
    mailbox.messages.clear()
    clock_at(hours=13)
    barrier = threading.Barrier(2)
    errors = []

    def consumer():
        try:
            barrier.wait()
            _run_job(app)
        except Exception as error:  # pragma: no cover - shown in the assertion below
            errors.append(error)
        finally:
            db.close()

    threads = [threading.Thread(target=consumer) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == []
    sent = [(m["To"], m.get_content().split("\n")[2]) for m in mailbox.messages]  # recipient and what
    assert len(sent) == 4 and len(set(sent)) == 4  # aftercare: mayor, clerk; inspectorate: clerk, security officer


def test_the_inspectorate_deadline_reminds_then_escalates(app, threat_case, mailbox, clock_at):
    case, people = threat_case
    with app.app_context():
        deadline = Deadline.get((Deadline.case == case.id) & (Deadline.kind == DeadlineKind.INSPECTORATE.value))
        assert deadline.due_at == case.created_at + dt.timedelta(hours=24)
    mailbox.messages.clear()
    clock_at(hours=6, minutes=1)
    _run_job(app)
    inspectorate_reminders = {m["To"] for m in mailbox.messages if "Arbeidsinspectie" in m.get_content()}
    assert inspectorate_reminders == {people[Role.CLERK].email, people[Role.SECURITY_OFFICER].email}
    mailbox.messages.clear()
    clock_at(hours=18, minutes=1)
    _run_job(app)
    escalated = {
        m["To"] for m in mailbox.messages if "Let op" in m["Subject"] and "Arbeidsinspectie" in m.get_content()
    }
    # Escalation goes to the mayor and the municipal secretary — of those, only to who may see the
    # case: for a council member's case that is the mayor (need-to-know wins).
    assert escalated == {people[Role.MAYOR].email}
    mailbox.messages.clear()
    clock_at(hours=30)
    _run_job(app)
    assert not [m for m in mailbox.messages if "Arbeidsinspectie" in m.get_content()]  # each step once


def test_a_done_deadline_reminds_nobody(app, threat_case, mailbox, clock_at):
    case, people = threat_case
    with app.app_context():
        db.connect(reuse_if_open=True)
        deadlines.complete(DeadlineKind.INSPECTORATE, case.id)
        db.close()
    mailbox.messages.clear()
    clock_at(hours=19)
    _run_job(app)
    assert not [m for m in mailbox.messages if "Arbeidsinspectie" in m.get_content()]


def test_closing_the_case_stops_its_reminders(app, threat_case, login, mailbox, clock_at):
    case, people = threat_case
    handler = app.test_client()
    login(handler, people[Role.CLERK])
    closed = handler.post(
        f"/zaken/{case.reference}/status", data={"status": "closed", "reason": "De melder wil geen nazorg meer."}
    )
    assert closed.status_code == 302
    mailbox.messages.clear()
    clock_at(days=50)
    _run_job(app)
    assert mailbox.messages == []


def test_my_deadlines_lists_what_is_open_for_me(app, threat_case, login):
    case, people = threat_case
    client = app.test_client()
    login(client, people[Role.CLERK])
    page = client.get("/termijnen").get_data(as_text=True)
    assert "Eerste nazorggesprek" in page and "Arbeidsinspectie waarschuwen" in page and case.reference in page
    other = app.test_client()
    login(other, people[Role.COUNCIL_MEMBER])
    assert case.reference not in other.get("/termijnen").get_data(as_text=True)


def test_aftercare_is_planned_when_a_report_is_registered(app, threat_case):
    case, _people = threat_case
    from models.aftercare import Conversation

    with app.app_context():
        numbers = [
            c.number for c in Conversation.select().where(Conversation.case == case.id).order_by(Conversation.number)
        ]
        kinds = sorted(d.kind for d in Deadline.select().where(Deadline.case == case.id))
    assert numbers == [1, 2, 3]
    assert kinds == ["aftercare_1", "aftercare_2", "aftercare_3", "inspectorate"]


def test_an_aldermans_serious_case_escalates_to_mayor_and_secretary(
    app, create_user, login, file_report, mailbox, clock_at
):
    alderman, mayor, secretary = (
        create_user(Role.ALDERMAN),
        create_user(Role.MAYOR),
        create_user(Role.MUNICIPAL_SECRETARY),
    )
    client = app.test_client()
    login(client, alderman)
    file_report(client, consequences={"hospital_admission": "y"})
    mailbox.messages.clear()
    clock_at(hours=18, minutes=1)
    _run_job(app)
    escalated = {
        m["To"] for m in mailbox.messages if "Let op" in m["Subject"] and "Arbeidsinspectie" in m.get_content()
    }
    assert escalated == {mayor.email, secretary.email}
