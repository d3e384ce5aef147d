"""The handler's case page sends a fixed number of statements, whatever the case holds (issue 15,
speed). A query count is deterministic, not a timing: it fails the moment a panel reads a row per
row again (an account per timeline entry, the access rows per panel).

Target: 15 statements. Reached so far (the clerk; PostgreSQL sends one statement more than SQLite):
the demo threat case 12 / 13 (65 / 66 at first, 31 / 32 before issue 15's speed item), a case with a
measure, police report, aftercare and damages 26 / 27 (116 / 117 at first, 44 / 45 before).
models.case_file.CaseFile reads each area's rows once for all panels and for
models.casework.overview; the case's access rows once (the viewer's level, the people with access
and the access panel judge the same rows, through models.visibility); the case is read together with
whether it holds anything in each of the areas most cases hold nothing of (measures, police reports,
damages, perpetrators, ...), and an empty area is not read; the damages panel counts the balances,
assessments and corrections of every item and recovery from the case's ledger entries read once; the
perpetrators panel reads the other cases, the incidents against employees and the accounts of all
linked perpetrators at once, the police panel the last feedback of all reports at once.
What is left: the session, the settings, the case, the access rows, the accounts, the audit entry (2),
the timeline and the deadlines (9; the referral contacts only when
the case has a referral or its folded form is opened), and one read per area the case holds
something in, with one more per kind of row below it for all its rows at once (the measures'
hearings, objections and violations; the police reports' feedback; the perpetrators' other cases,
their access rows, incidents against employees and accounts; the damage items' receipts)."""

from __future__ import annotations

import pytest

from models.db import db, is_postgres

# The clerk's page, measured on SQLite; lower these as the page reads less, never raise them.
LIMIT_DEMO_THREAT_CASE = 12
LIMIT_CASE_WITH_EVERYTHING = 26
POSTGRES_EXTRA = 1  # PostgreSQL sends one statement more for the same page


@pytest.fixture
def demo(app, db_session):
    from models import migrations
    from models.accounts import User
    from models.aftercare import Conversation
    from models.cases import Case
    from models.damages import DamageItem
    from models.demo import create_demo_accounts, create_demo_case, seed_demo_year
    from models.measures import Measure
    from models.police import PoliceReport

    migrations.apply_pending()
    create_demo_accounts()
    threat = create_demo_case()
    seed_demo_year(2026)
    with_all = (
        Case.select(Case.reference)
        .where(
            Case.id.in_(Measure.select(Measure.case))
            & Case.id.in_(PoliceReport.select(PoliceReport.case))
            & Case.id.in_(Conversation.select(Conversation.case))
            & Case.id.in_(DamageItem.select(DamageItem.case))
        )
        .order_by(Case.id)
        .first()
    )
    assert with_all is not None, "the demo year has no case with a measure, police report, aftercare and damages"
    clerk = User.get(User.role == "clerk")
    db.close()
    return clerk, threat, with_all.reference


def _statements(app, client, path: str, monkeypatch) -> int:
    assert client.get(path).status_code == 200  # warm: templates, translations, settings
    sent = []
    original = db.obj.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        sent.append(sql)
        return original(sql, params, *args, **kwargs)

    monkeypatch.setattr(db.obj, "execute_sql", counting)
    response = client.get(path)
    monkeypatch.setattr(db.obj, "execute_sql", original)
    assert response.status_code == 200
    return len(sent)


def test_the_case_page_reads_a_fixed_number_of_times(app, demo, monkeypatch):
    from bench.pages import logged_in_client

    clerk, threat, with_all = demo
    client = logged_in_client(app, clerk)
    threat_count = _statements(app, client, f"/zaken/{threat}", monkeypatch)
    with_all_count = _statements(app, client, f"/zaken/{with_all}", monkeypatch)
    extra = POSTGRES_EXTRA if is_postgres() else 0
    assert threat_count <= LIMIT_DEMO_THREAT_CASE + extra, threat_count
    assert with_all_count <= LIMIT_CASE_WITH_EVERYTHING + extra, with_all_count


def test_the_case_file_statement_is_prepared_once_per_connection(app, demo, monkeypatch):
    """PostgreSQL plans a statement each time it is sent; the case file's (16 sub-queries) is prepared
    once per connection and then only executed, with the same rows as the statement itself."""
    from bench.pages import logged_in_client
    from models.case_file import CaseFile

    clerk, threat, _with_all = demo
    client = logged_in_client(app, clerk)
    assert client.get(f"/zaken/{threat}").status_code == 200
    sent = []
    original = db.obj.execute_sql

    def recording(sql, params=None, *args, **kwargs):
        sent.append(sql)
        return original(sql, params, *args, **kwargs)

    monkeypatch.setattr(db.obj, "execute_sql", recording)
    for _ in range(3):
        assert client.get(f"/zaken/{threat}").status_code == 200
    monkeypatch.setattr(db.obj, "execute_sql", original)
    if is_postgres():
        assert [s for s in sent if s.startswith("EXECUTE case_file_by_reference")] and not [
            s for s in sent if s.startswith("PREPARE")
        ], sent
    else:
        assert not [s for s in sent if s.startswith(("PREPARE", "EXECUTE"))]
    with app.app_context():
        db.connect(reuse_if_open=True)
        file = CaseFile.by_reference(threat)
        assert file is not None and file.case.reference == threat and file.holds["conversations"]
        assert CaseFile.by_reference("VB-0000-0000") is None
