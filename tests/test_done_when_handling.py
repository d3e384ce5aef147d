"""Issue 4, 'done when', on the demo municipality: a handler takes the demo threat case, decides a
warning and (as mayor) a three-month building ban with its letter, files a police report with
consent, and sees the three aftercare conversations planned; the reminders arrive by mail in
time, once each."""

import datetime as dt
import json
import re

import pyotp

from models import clock
from models.cases import Case
from models.db import db
from models.measures import Measure


def _log_in(app, account):
    client = app.test_client()
    response = client.post(
        "/login",
        data={
            "email": account["email"],
            "password": account["password"],
            "code": pyotp.TOTP(account["totp_secret"]).now(),
        },
    )
    assert response.status_code == 302
    return client


def test_the_demo_threat_case_is_handled_end_to_end(app, mailbox, clock_at):
    accounts = {a["role"]: a for a in json.loads(app.test_cli_runner().invoke(args=["demo", "--json"]).output)}
    db.connect(reuse_if_open=True)
    case = Case.get(Case.reporter_role == "council_member")
    db.close()
    reference = case.reference
    mailbox.messages.clear()

    clerk = _log_in(app, accounts["clerk"])
    assert reference in clerk.get("/zaken").get_data(as_text=True)
    clerk.post(f"/zaken/{reference}/toewijzen", data={"handler": _user_id(app, accounts["clerk"])})

    # A written warning, proposed and decided by the clerk.
    clerk.post(
        f"/zaken/{reference}/maatregelen",
        data={"type": "warning_written", "reasons": "Bedreiging van een raadslid via X."},
    )
    warning = _last_measure(app, case)
    decision = {"reasons": "Ik waarschuw u: dit moet stoppen.", "confirm": "y"}
    clerk.post(
        f"/zaken/{reference}/maatregelen/{warning.id}/besluiten",
        data={**decision, "unheard_reason": "De waarschuwing is zelf het gesprek met hem."},
    )
    # A three-month building ban: the clerk proposes, only the mayor decides.
    today = clock.to_local(clock.utcnow()).date()
    ends = today + dt.timedelta(days=91)
    clerk.post(
        f"/zaken/{reference}/maatregelen",
        data={
            "type": "building_ban",
            "reasons": "Herhaalde dreiging na de raadsvergadering.",
            "starts_on": today.isoformat(),
            "ends_on": ends.isoformat(),
        },
    )
    ban = _last_measure(app, case)
    heard = {"outcome": "heard", "held_on": today.isoformat(), "heard_by": "Griffier", "account": "Hij was boos."}
    clerk.post(
        f"/zaken/{reference}/maatregelen/{ban.id}/horen", data={f"horen-{ban.id}-{k}": v for k, v in heard.items()}
    )
    refused = clerk.post(f"/zaken/{reference}/maatregelen/{ban.id}/besluiten", data=decision, follow_redirects=True)
    assert "Alleen de burgemeester kan besluiten" in refused.get_data(as_text=True)

    # The police report, with the consent the council member gave in the report.
    clerk.post(
        f"/zaken/{reference}/aangifte",
        data={
            "aangifte-filed_on": today.isoformat(),
            "aangifte-police_station": "Politiebureau Demodorp",
            "aangifte-registration_number": "PL0900-2026123456",
        },
    )

    mayor = _log_in(app, accounts["mayor"])
    mayor.post(f"/zaken/{reference}/maatregelen/{ban.id}/besluiten", data=decision)
    letter = mayor.get(f"/zaken/{reference}/maatregelen/{ban.id}/brief").get_data(as_text=True)
    assert "Demo Veroorzaker" in letter and "Dorpsstraat 1<br>Demodorp" in letter  # the addressee block
    assert "Anna de Vries" in letter and "burgemeester van Demodorp" in letter  # the signature block
    assert re.search(r"van \d{1,2} \w+ \d{4} tot en met \d{1,2} \w+ \d{4}", letter)

    page = clerk.get(f"/zaken/{reference}").get_data(as_text=True)
    assert "Schriftelijke waarschuwing" in page and "Toegang tot gemeentelijke gebouwen ontzeggen" in page
    assert page.count("Besloten") >= 2 and "PL0900-2026123456" in page
    assert all(f"Gesprek {n}" in page for n in (1, 2, 3)) and "Burgemeester en Griffier" in page
    db.connect(reuse_if_open=True)
    from models.aftercare import Conversation

    conversations = list(Conversation.select().where(Conversation.case == case.id).order_by(Conversation.number))
    db.close()
    assert [c.number for c in conversations] == [1, 2, 3] and all(c.outcome == "planned" for c in conversations)

    # Reminders arrive in time, once each: just before the first conversation is due.
    from jobs.tasks import send_due_reminders

    mailbox.messages.clear()
    clock_at(hours=13)
    with app.app_context():
        send_due_reminders.call_local()
        send_due_reminders.call_local()
    first = [m for m in mailbox.messages if "Eerste nazorggesprek" in m.get_content()]
    assert sorted(m["To"] for m in first) == sorted({accounts["mayor"]["email"], accounts["clerk"]["email"]})
    for message in mailbox.messages:
        assert "Demo Veroorzaker" not in message.get_content() and reference not in message.get_content()


def _user_id(app, account):
    from models.accounts import User

    db.connect(reuse_if_open=True)
    try:
        return User.get(User.email == account["email"]).id
    finally:
        db.close()


def _last_measure(app, case):
    db.connect(reuse_if_open=True)
    try:
        return Measure.select().where(Measure.case == case.id).order_by(Measure.id.desc()).first()
    finally:
        db.close()
