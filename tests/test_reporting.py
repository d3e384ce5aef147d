"""An office holder reports an incident; it lands in the inbox of exactly the people the routing names."""

import io
import re

from models import consent
from models.accounts import Role
from models.audit import AuditEntry
from models.cases import Case, CaseEvent, Draft, Evidence, OnlineEntry
from models.consent import Purpose
from models.db import db
from tests.conftest import PNG_SCREENSHOT


def test_a_council_member_reports_a_threat_on_social_media_and_the_clerk_sees_it(
    app, create_user, login, file_report, mailbox
):
    member = create_user(Role.COUNCIL_MEMBER, name="Chantal Bakker")
    clerk, mayor, security = create_user(Role.CLERK), create_user(Role.MAYOR), create_user(Role.SECURITY_OFFICER)
    alderman = create_user(Role.ALDERMAN)
    reporter = app.test_client()
    login(reporter, member)
    reference = file_report(reporter, behaviours=["threatening_violence"])

    receipt = reporter.get(f"/mijn-meldingen/{reference}?nieuw=1").get_data(as_text=True)
    assert "Uw melding is verstuurd" in receipt and f"Het kenmerk is {reference}" in receipt
    assert "Melden is verplicht" in receipt
    assert re.fullmatch(r"VB-\d{4}-0001", reference)
    confirmation = reporter.get(f"/mijn-meldingen/{reference}/verstuurd").get_data(as_text=True)
    assert "<h1" in confirmation and "Uw melding is verstuurd" in confirmation and reference in confirmation
    assert "De griffier of de plaatsvervangend griffier neemt binnen 24 uur contact met u op." in confirmation

    handler = app.test_client()
    login(handler, clerk)
    inbox = handler.get("/zaken").get_data(as_text=True)
    assert reference in inbox and "Chantal Bakker" in inbox and "Bedreiging of intimidatie" in inbox
    page = handler.get(f"/zaken/{reference}").get_data(as_text=True)
    assert "Hij schreef dat hij mij thuis weet te vinden." in page
    assert "@boos" in page and "screenshot.png" in page and "Piet Boos" in page

    assert {m["To"] for m in mailbox.messages} == {clerk.email, mayor.email, security.email}
    outsider = app.test_client()
    login(outsider, alderman)
    assert reference not in outsider.get("/zaken").get_data(as_text=True)
    assert outsider.get(f"/zaken/{reference}").status_code == 404


def test_notification_mails_carry_no_case_content(app, create_user, login, file_report, mailbox):
    member = create_user(Role.COUNCIL_MEMBER, name="Chantal Bakker")
    create_user(Role.CLERK)
    client = app.test_client()
    login(client, member)
    reference = file_report(client, narrative="Geheime details over mijn adres", perpetrator_name="Piet Boos")
    for mail in mailbox.messages:
        text = mail["Subject"] + mail.get_content()
        for secret in ("Geheime details", "Piet Boos", "Chantal", "dreig", "Bedreiging", "@boos", "X"):
            assert secret not in text.replace("Veilig Bestuur", ""), secret
        assert f"http://portal.test/zaken/{reference}" in text


def test_the_case_is_stored_with_its_online_entry_evidence_and_timeline(app, create_user, login, file_report):
    member = create_user(Role.GROUP_MEMBER)
    create_user(Role.CLERK)
    client = app.test_client()
    login(client, member)
    reference = file_report(
        client, behaviours=["swearing", "stalking"], consequences={"injury_mental": "y", "property_damage": "y"}
    )
    with app.app_context():
        case = Case.get(Case.reference == reference)
        assert case.behaviour_class == "threat" and case.advice == "required"
        assert case.reporter_role == "group_member" and case.channel == "social_media" and case.is_online
        assert case.injury_mental and case.property_damage and not case.injury_physical
        assert consent.in_force(case, Purpose.POLICE_REPORT) and not consent.in_force(case, Purpose.INFORM_OTHERS)
        [given] = consent.history(case)  # consent to a police report, given in the report by who filed it
        assert (given.purpose, given.how, given.actor_id, given.at) == (
            "police_report",
            "in_report",
            member.id,
            case.created_at,
        )
        assert case.occurred_at.hour == 20 and case.occurred_at.minute == 30  # 21:30 in Amsterdam = 20:30 UTC
        [entry] = OnlineEntry.select().where(OnlineEntry.case == case)
        assert entry.platform == "X" and entry.sender_account == "@boos" and entry.reported_to_platform
        [item] = Evidence.select().where(Evidence.case == case)
        assert item.content_type == "image/png" and item.online_entry_id == entry.id
        assert [e.kind for e in CaseEvent.select().where(CaseEvent.case == case)] == ["submitted"]


def _online_draft(client) -> str:
    """A draft up to the evidence step of a report about a message on social media (the online
    questions are asked only for an online channel); the draft's address."""
    base = client.post("/melden", data={"kind": "report"}).headers["Location"].rsplit("/", 1)[0]
    client.post(f"{base}/wanneer", data={"occurred_date": "2026-11-20", "channel": "social_media"})
    return base


def test_a_rejected_upload_keeps_everything_else_that_was_typed(app, create_user, login):
    member = create_user(Role.COUNCIL_MEMBER)
    client = app.test_client()
    login(client, member)
    base = _online_draft(client)
    html = b"<html><script>alert(1)</script></html>"
    response = client.post(
        f"{base}/bewijs",
        content_type="multipart/form-data",
        data={
            "platform": "Instagram",
            "sender_account": "@anoniem123",
            "urls": "https://instagram.example/p/9",
            "files": [(io.BytesIO(html), "bewijs.png")],
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dit soort bestand kan niet worden toegevoegd" in body and "bewijs.png" in body
    assert 'value="Instagram"' in body and 'value="@anoniem123"' in body and "https://instagram.example/p/9" in body
    # The typed values are also kept on the server: coming back later shows them.
    again = client.get(f"{base}/bewijs").get_data(as_text=True)
    assert 'value="@anoniem123"' in again


def test_a_too_large_upload_says_how_large_it_may_be(make_app, create_user, login):
    app = make_app(MAX_UPLOAD_MB=1)
    member = create_user(Role.COUNCIL_MEMBER)
    client = app.test_client()
    login(client, member)
    base = _online_draft(client)
    big = PNG_SCREENSHOT + b"\x00" * (1024 * 1024)
    response = client.post(
        f"{base}/bewijs",
        content_type="multipart/form-data",
        data={"platform": "TikTok", "files": [(io.BytesIO(big), "groot.png")]},
    )
    body = response.get_data(as_text=True)
    assert "Het bestand is te groot. Het mag hoogstens 1 MB zijn." in body and 'value="TikTok"' in body


def test_a_double_submit_makes_one_case(app, create_user, login, file_report):
    member = create_user(Role.ALDERMAN)
    create_user(Role.MAYOR)
    client = app.test_client()
    login(client, member)
    reference = file_report(client)
    with app.app_context():
        draft = Draft.get(Draft.case.is_null(False))
    again = client.post(
        f"/melden/{draft.token}/versturen", data={"consent_police_report": "yes", "consent_inform_others": "no"}
    )
    assert again.status_code == 302 and reference in again.headers["Location"]
    with app.app_context():
        assert Case.select().count() == 1


def test_concurrent_double_submit_makes_one_case(app, create_user, login):
    """Two submissions of the same draft at the same moment (a double tap): one case."""
    import threading

    from models import cases

    member = create_user(Role.MAYOR)
    with app.app_context():
        db.connect(reuse_if_open=True)
        draft = cases.new_draft(member, cases.CaseKind.REPORT)
        db.close()
    results = []

    def submit():
        with app.app_context():
            db.connect(reuse_if_open=True)
            try:
                results.append(cases.submit_draft(draft.id, {"behaviours": ["hitting"]}).reference)
            except cases.AlreadySubmitted as already:
                results.append("again:" + already.case.reference)
            finally:
                db.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    with app.app_context():
        assert Case.select().count() == 1
    assert sorted(r.split(":")[-1] for r in results) == [results[0].split(":")[-1]] * 2


def test_a_crash_while_filing_leaves_no_half_case(app, create_user, db_session, monkeypatch):
    from models import cases, routing

    member = create_user(Role.COUNCIL_MEMBER)
    draft = cases.new_draft(member, cases.CaseKind.REPORT)
    monkeypatch.setattr(routing, "route_for", lambda reporter: (_ for _ in ()).throw(RuntimeError("crash")))
    try:
        cases.submit_draft(draft.id, {"behaviours": ["hitting"]})
    except RuntimeError:
        pass
    assert Case.select().count() == 0 and CaseEvent.select().count() == 0
    assert Draft.get_by_id(draft.id).case_id is None  # the draft is still there to try again


def test_stored_evidence_does_not_contain_the_original_bytes(app, create_user, login, file_report, tmp_path):
    member = create_user(Role.COUNCIL_MEMBER)
    client = app.test_client()
    login(client, member)
    reference = file_report(client)
    with app.app_context():
        item = Evidence.get()
    stored = (tmp_path / "uploads" / item.storage_name).read_bytes()
    assert PNG_SCREENSHOT not in stored and PNG_SCREENSHOT[:16] not in stored
    import hashlib

    assert item.sha256 == hashlib.sha256(PNG_SCREENSHOT).hexdigest()
    download = client.get(f"/bewijs/{item.id}")
    assert download.data == PNG_SCREENSHOT
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in download.headers["Content-Security-Policy"]
    with app.app_context():
        assert AuditEntry.select().where(AuditEntry.action == "evidence_downloaded").count() == 1
        assert item.case.reference == reference  # the file is kept with the case it was sent with


def test_narrative_and_identity_are_encrypted_in_the_database(app, create_user, login, file_report):
    member = create_user(Role.COUNCIL_MEMBER)
    client = app.test_client()
    login(client, member)
    file_report(client, narrative="Zeer persoonlijke beschrijving", perpetrator_name="Piet Boos")
    with app.app_context():
        db.connect(reuse_if_open=True)
        row = db.execute_sql('SELECT "narrative", "perpetrator_name", "behaviour_class" FROM "case"').fetchone()
    assert "persoonlijke" not in row[0] and "Piet" not in row[1]
    assert row[2] == "threat"  # structured facts stay queryable


def test_every_view_of_a_case_is_audited(app, create_user, login, file_report):
    member, clerk = create_user(Role.COUNCIL_MEMBER), create_user(Role.CLERK)
    client = app.test_client()
    login(client, member)
    reference = file_report(client)
    handler = app.test_client()
    login(handler, clerk)
    handler.get(f"/zaken/{reference}")
    handler.get(f"/zaken/{reference}")
    with app.app_context():
        case = Case.get(Case.reference == reference)
        views = AuditEntry.select().where(
            (AuditEntry.action == "case_viewed")
            & (AuditEntry.object_id == str(case.id))
            & (AuditEntry.actor_id == clerk.id)
        )
        assert views.count() == 2


def test_the_draft_is_kept_when_the_phone_locks(app, create_user, login):
    member = create_user(Role.COUNCIL_MEMBER)
    client = app.test_client()
    login(client, member)
    base = client.post("/melden", data={"kind": "report"}).headers["Location"].rsplit("/", 1)[0]
    client.post(
        f"{base}/wat",
        data={
            "situations": ["harassed"],
            "behaviours": ["stalking"],
            "after_addressed": "persisted",
            "recurring": "yes",
        },
    )
    client.post(f"{base}/wanneer", data={"narrative": "Half getypt verhaal", "channel": "phone"})  # no date yet
    later = app.test_client()
    login(later, member)
    start = later.get("/melden").get_data(as_text=True)
    assert "Verder met een melding die u nog niet heeft verstuurd" in start
    page = later.get(f"{base}/wanneer").get_data(as_text=True)
    assert "Half getypt verhaal" in page
    assert re.search(r'<input checked[^>]*value="phone"', page)
    assert "Melden is verplicht" in page  # stalking: always report
    submit = later.post(f"{base}/versturen", data={"consent_police_report": "no", "consent_inform_others": "no"})
    assert submit.headers["Location"].endswith("/wanneer")  # the missing date is asked first


def test_the_reporter_sees_status_and_messages_but_not_internal_notes(app, create_user, login, file_report, mailbox):
    member, clerk = create_user(Role.COUNCIL_MEMBER), create_user(Role.CLERK)
    reporter = app.test_client()
    login(reporter, member)
    reference = file_report(reporter)
    handler = app.test_client()
    login(handler, clerk)
    handler.post(f"/zaken/{reference}/notitie", data={"body": "Interne inschatting: hoog risico"})
    handler.post(f"/zaken/{reference}/bericht", data={"body": "Wij bellen u morgen om 10 uur."})
    handler.post(f"/zaken/{reference}/status", data={"status": "in_progress"})
    mailbox.messages.clear()
    page = reporter.get(f"/mijn-meldingen/{reference}").get_data(as_text=True)
    assert "Wij bellen u morgen om 10 uur." in page and "In behandeling" in page
    assert "Interne inschatting" not in page
    assert reporter.get(f"/zaken/{reference}").status_code == 302  # the reporter's view, not the handler's

    reporter.post(
        f"/mijn-meldingen/{reference}",
        content_type="multipart/form-data",
        data={
            "message": "Hij heeft weer gebeld.",
            "platform": "WhatsApp",
            "sender_account": "+31600000000",
            "files": [(io.BytesIO(PNG_SCREENSHOT), "tweede.png")],
        },
    )
    handler_page = handler.get(f"/zaken/{reference}").get_data(as_text=True)
    assert "Hij heeft weer gebeld." in handler_page and "WhatsApp" in handler_page and "tweede.png" in handler_page
    assert [m["To"] for m in mailbox.messages] == [clerk.email]


def test_a_clerk_files_a_report_on_behalf_of_an_office_holder(app, create_user, login, file_report):
    clerk, alderman, mayor = (
        create_user(Role.CLERK, name="Eva Smit"),
        create_user(Role.ALDERMAN, name="Bram Jansen"),
        create_user(Role.MAYOR),
    )
    client = app.test_client()
    login(client, clerk)
    reference = file_report(client, on_behalf_of=alderman)
    with app.app_context():
        case = Case.get(Case.reference == reference)
        assert case.reporter_id == alderman.id and case.filed_by_id == clerk.id and case.reporter_role == "alderman"
    handler = app.test_client()
    login(handler, mayor)
    page = handler.get(f"/zaken/{reference}").get_data(as_text=True)
    assert "Bram Jansen" in page and "gemeld door Eva Smit" in page
    victim = app.test_client()
    login(victim, alderman)
    assert reference in victim.get("/mijn-meldingen").get_data(as_text=True)


def test_in_doubt_a_consultation_goes_to_the_same_people_and_can_become_a_report(app, create_user, login, mailbox):
    member, clerk, mayor = create_user(Role.COUNCIL_MEMBER), create_user(Role.CLERK), create_user(Role.MAYOR)
    client = app.test_client()
    login(client, member)
    location = client.post("/melden", data={"kind": "consultation"}).headers["Location"]
    assert "/overleg/" in location
    done = client.post(
        location, data={"question": "Iemand blijft mij na de vergadering aanspreken.", "channel": "meeting"}
    )
    reference = re.search(r"VB-\d{4}-\d{4}", done.headers["Location"]).group(0)
    assert {m["To"] for m in mailbox.messages} >= {clerk.email, mayor.email}
    handler = app.test_client()
    login(handler, clerk)
    assert "Overleg (twijfel)" in handler.get("/zaken").get_data(as_text=True)
    handler.post(f"/zaken/{reference}/omzetten", data={"behaviours": ["intimidation"]})
    with app.app_context():
        case = Case.get(Case.reference == reference)
        assert case.kind == "report" and case.behaviour_class == "threat"


def test_status_workflow_assignment_and_reopen(app, create_user, login, file_report):
    member, clerk, deputy = (
        create_user(Role.COUNCIL_MEMBER),
        create_user(Role.CLERK),
        create_user(Role.DEPUTY_CLERK, name="Fatima"),
    )
    client = app.test_client()
    login(client, member)
    reference = file_report(client)
    handler = app.test_client()
    login(handler, clerk)
    handler.post(f"/zaken/{reference}/toewijzen", data={"handler": deputy.id})
    for status in ("measures", "aftercare", "closed", "in_progress"):
        sent = {"status": status, "reason": "Besproken in het teamoverleg."}
        assert handler.post(f"/zaken/{reference}/status", data=sent).status_code == 302
    refused = handler.post(
        f"/zaken/{reference}/status", data={"status": "new", "reason": "Terug naar af."}, follow_redirects=True
    )
    assert "Deze status kan nu niet worden gekozen" in refused.get_data(as_text=True)
    with app.app_context():
        case = Case.get(Case.reference == reference)
        assert case.assigned_to_id == deputy.id and case.status == "in_progress" and case.closed_at is None
        kinds = [(e.kind, e.detail) for e in CaseEvent.select().where(CaseEvent.case == case).order_by(CaseEvent.id)]
    assert kinds[1:] == [
        ("assigned", str(deputy.id)),
        ("status", "new->in_progress"),  # picked up: the status follows the work
        ("status", "in_progress->measures;hand=in_progress"),  # set by hand: the work said "in progress"
        ("status", "measures->aftercare;hand=in_progress"),
        ("status", "aftercare->closed;hand=in_progress"),
        ("status", "closed->in_progress;hand=in_progress"),
    ]
    mine = app.test_client()
    login(mine, deputy)
    assert reference in mine.get("/zaken?scope=mine").get_data(as_text=True)


def test_inbox_filters_and_sorting(app, create_user, login, file_report):
    member, clerk = create_user(Role.COUNCIL_MEMBER), create_user(Role.CLERK)
    client = app.test_client()
    login(client, member)
    threat = file_report(client, behaviours=["threatening"])
    insult = file_report(client, behaviours=["insulting"], after_addressed="not_addressed")
    handler = app.test_client()
    login(handler, clerk)
    assert threat in handler.get("/zaken?behaviour_class=threat").get_data(as_text=True)
    assert insult not in handler.get("/zaken?behaviour_class=threat").get_data(as_text=True)
    assert "2 meldingen gevonden" in handler.get("/zaken").get_data(as_text=True)
    severity = handler.get("/zaken?sort=severity").get_data(as_text=True)
    assert severity.index(threat) < severity.index(insult)
    import datetime as dt

    with app.app_context():  # nobody picked the threat up for 25 hours
        case = Case.get(Case.reference == threat)
        Case.update(created_at=case.created_at - dt.timedelta(hours=25)).where(Case.id == case.id).execute()
    overdue = handler.get("/zaken?scope=overdue").get_data(as_text=True)
    assert threat in overdue and insult not in overdue and "te laat opgepakt" in overdue


def test_inbox_pages_through_many_reports_without_counting_them_all(app, create_user, login):
    """A long inbox shows 50 per page with Vorige/Volgende; the number is exact once it is known
    (the last page), and a page past the end says so with a way back."""
    import datetime as dt

    from models import clock
    from models.demo import file_demo_incident

    member, clerk = create_user(Role.COUNCIL_MEMBER), create_user(Role.CLERK)
    start = clock.utcnow() - dt.timedelta(days=30)
    with app.app_context(), db.connection_context():
        references = [
            file_demo_incident(member, start + dt.timedelta(hours=n), behaviours=["insulting"]).reference
            for n in range(53)
        ]
    handler = app.test_client()
    login(handler, clerk)
    first = handler.get("/zaken").get_data(as_text=True)
    assert "Meldingen 1 tot en met 50. Op de volgende pagina staan er meer." in first
    assert references[-1] in first and references[2] not in first  # newest first
    assert "pagina=2" in first and "Vorige" not in first
    second = handler.get("/zaken?pagina=2").get_data(as_text=True)
    assert "Meldingen 51 tot en met 53 van 53" in second and "Volgende" not in second and "Vorige" in second
    assert all(reference in second for reference in references[:3])
    beyond = handler.get("/zaken?pagina=9").get_data(as_text=True)
    assert "Op deze pagina staan geen meldingen meer." in beyond and "Naar de eerste pagina" in beyond
    filtered = handler.get("/zaken?behaviour_class=threat").get_data(as_text=True)
    assert "0 meldingen gevonden" in filtered


# --- the rules themselves, whichever path asks (models/) -----------------------------------------


def test_a_new_case_nobody_picks_up_within_the_pickup_hours_is_overdue(app, create_user):
    import datetime as dt

    from models import cases, registration, settings
    from models.cases import CaseKind

    member, clerk = create_user(Role.COUNCIL_MEMBER), create_user(Role.CLERK)
    with app.app_context(), db.connection_context():
        case = registration.file_case(cases.new_draft(member, CaseKind.REPORT).id, {"behaviours": ["threatening"]})
        overdue = lambda: Case.select().where((Case.id == case.id) & cases.pickup_overdue_condition()).exists()  # noqa: E731
        assert not overdue()
        hours = settings.get("case_pickup_hours")
        Case.update(created_at=case.created_at - dt.timedelta(hours=hours, minutes=1)).where(
            Case.id == case.id
        ).execute()
        assert overdue()
        cases.assign(Case.get_by_id(case.id), clerk, clerk)  # picked up
        assert not overdue()


def test_only_the_clerks_the_municipal_secretary_and_the_security_officer_file_on_someones_behalf(app, create_user):
    """§6.1: a report can be taken for an office holder (by phone, say) — by these roles only,
    whichever path files it."""
    import pytest

    from models import cases, registration
    from models.cases import CaseKind, NotAllowed

    member, alderman = create_user(Role.COUNCIL_MEMBER), create_user(Role.ALDERMAN)
    may = [
        create_user(role) for role in (Role.CLERK, Role.DEPUTY_CLERK, Role.MUNICIPAL_SECRETARY, Role.SECURITY_OFFICER)
    ]
    may_not = [create_user(role) for role in (Role.MAYOR, Role.GROUP_MEMBER, Role.FINANCE_OFFICER, Role.ADMIN)]
    with app.app_context(), db.connection_context():
        with pytest.raises(NotAllowed):
            cases.new_draft(alderman, CaseKind.REPORT, member)
        draft = Draft.create(owner=alderman, reporter=member, token="a" * 24, kind=CaseKind.REPORT.value)
        with pytest.raises(NotAllowed):
            registration.file_case(draft.id, {"behaviours": ["threatening"]})
        assert Case.select().count() == 0 and Draft.get_by_id(draft.id).case_id is None
        for filer in may:
            assert cases.may_file_on_behalf(filer)
            case = registration.file_case(
                cases.new_draft(filer, CaseKind.REPORT, member).id, {"behaviours": ["threatening"]}
            )
            assert case.reporter_id == member.id and case.filed_by_id == filer.id
        assert not any(cases.may_file_on_behalf(person) for person in [alderman, member] + may_not)
