"""The demo municipality shows §4, §5 and §7 filled in: `flask demo` adds a council term with its
briefing held (who came, who is invited to the next one) and a training, a risk analysis decided and
one waiting, a home screening, a disrupted meeting with its case in the municipal secretary's inbox
(the mayor chaired) and a press statement she agreed to — and this year's report counts them."""

import datetime as dt
import json
import re

import pyotp

from models import annual_report, clock, prevention, risk
from models.db import db


def _log_in(app, account):
    client = app.test_client()
    client.post(
        "/login",
        data={
            "email": account["email"],
            "password": account["password"],
            "code": pyotp.TOTP(account["totp_secret"]).now(),
        },
    )
    return client


def test_the_demo_has_prevention_a_disrupted_meeting_and_a_statement(app, db_session):
    result = app.test_cli_runner().invoke(args=["demo", "--json"])
    assert result.exit_code == 0, result.output
    accounts = {a["role"]: a for a in json.loads(result.output)}
    db.connect(reuse_if_open=True)
    from models.communication import Statement
    from models.meetings import Disrupter, Meeting

    term = prevention.CouncilTerm.get()
    assert term.ends_on == clock.to_local(clock.utcnow()).date() - dt.timedelta(days=1)
    kinds = sorted(s.kind for s in prevention.sessions(term))
    assert kinds == ["briefing", "deescalation"]
    assert [u.name for u in prevention.not_at_a_briefing(term)] == ["Daan Visser"]
    assert sorted(str(a.decision) for a in risk.RiskAnalysis.select()) == ["None", "go_with_measures"]
    assert risk.HomeScreening.get().visited_on is not None
    meeting = Meeting.get()
    disrupter = Disrupter.get()
    assert meeting.closed_at is not None and disrupter.trespass_at is not None and disrupter.case is not None
    reference = disrupter.case.reference
    assert Statement.select().count() == 1
    year = clock.to_local(clock.utcnow()).year
    db.close()

    secretary = _log_in(app, accounts["municipal_secretary"]).get("/zaken").get_data(as_text=True)
    assert reference in secretary
    clerk = _log_in(app, accounts["clerk"])
    assert reference not in clerk.get("/zaken").get_data(as_text=True)
    page = clerk.get("/preventie").get_data(as_text=True)
    assert re.search(r"Raadsperiode .* tot en met", page)
    evaluations = clerk.get("/jaarverslag/evaluatie").get_data(as_text=True)
    assert f"Evaluatie {year - 1}" in evaluations and "Gehouden op" in evaluations
    assert f"Evaluatie {year}" in evaluations and "Informeel overleg gepland op" in evaluations

    # Everything dated in the last weeks counts in this year's report (the briefing, four years ago, not).
    db.connect(reuse_if_open=True)
    months = annual_report.Period.months_between(
        f"{clock.to_local(clock.utcnow()) - dt.timedelta(days=70):%Y-%m}",
        f"{clock.to_local(clock.utcnow()):%Y-%m}",
    )
    counts, _groups = annual_report.raw_counts(months)
    db.close()
    assert counts["trainings", "held"] == 1 and counts["trainings", "participants"] == 3
    assert counts["risk_analyses", "asked"] == 2 and counts["risk_analyses", "go_with_measures"] == 1
    assert counts["home_screenings", "visited"] == 1
    assert counts["meetings", "disrupted"] == 1 and counts["meetings", "trespass"] == 1
    assert counts["meetings", "orders"] == 3 and counts["statements", "statements"] == 1
    assert counts["briefings", "held"] == 0
    assert year  # the demo is dated from today: the same every run


def test_demo_if_empty_adds_nothing_the_second_time(app, db_session):
    assert app.test_cli_runner().invoke(args=["demo", "--if-empty"]).exit_code == 0
    again = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert "no demo created" in again.output
    db.connect(reuse_if_open=True)
    assert prevention.CouncilTerm.select().count() == 1 and risk.RiskAnalysis.select().count() == 2
    db.close()
