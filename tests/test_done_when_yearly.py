"""Issue 6, 'done when': with a year of demo incidents the clerk produces the yearly report as PDF and
CSV and nothing in it points to a person; after the retention period the closed cases hold no
personal data and the report still gives the same figures."""

import datetime as dt
import json

import pyotp

from models import annual_report, clock, retention
from models.cases import Case, Status
from models.db import db


def test_a_demo_year_reported_before_and_after_retention(app, clock_at, tmp_path):
    accounts = {a["role"]: a for a in json.loads(app.test_cli_runner().invoke(args=["demo", "--json"]).output)}
    db.connect(reuse_if_open=True)
    from models.demo import seed_demo_year

    year = clock.to_local(clock.utcnow()).year - 1
    assert seed_demo_year(year) > 20
    period = annual_report.Period.year(year)
    figures_before = {key: (f.value, f.suppressed) for key, f in annual_report.published_figures(period, 5).items()}
    db.close()

    clerk = app.test_client()
    account = accounts["clerk"]
    clerk.post(
        "/login",
        data={
            "email": account["email"],
            "password": account["password"],
            "code": pyotp.TOTP(account["totp_secret"]).now(),
        },
    )
    csv_before = clerk.get(f"/jaarverslag.csv?jaar={year}").get_data(as_text=True)
    pdf = clerk.get(f"/jaarverslag.pdf?jaar={year}").data
    assert pdf.startswith(b"%PDF")
    db.connect(reuse_if_open=True)
    names = [c.reporter.name for c in Case.select()] + [c.perpetrator_name for c in Case.select() if c.perpetrator_name]
    references = [c.reference for c in Case.select()]
    for text in (csv_before, pdf.decode("latin-1")):
        for identifying in set(names + references):
            assert identifying not in text

    # Every case of that year is closed; the retention period passes.
    year_cases = Case.select().where(Case.year == year)
    for case in year_cases:
        Case.update(status=Status.CLOSED.value, closed_at=clock.to_utc(dt.datetime(year, 12, 31, 12))).where(
            Case.id == case.id
        ).execute()
    later = clock.utcnow() + dt.timedelta(days=30 * 25)
    result = retention.apply(later, upload_dir=str(tmp_path / "uploads"))
    assert result.counts[retention.Kind.CLOSED_CASE] == year_cases.count()
    closed = list(Case.select().where(Case.year == year))
    assert closed and all(c.narrative is None and c.location is None and c.perpetrator_name is None for c in closed)
    assert all(c.reporter.name == "Geanonimiseerd" for c in closed)
    figures_after = {key: (f.value, f.suppressed) for key, f in annual_report.published_figures(period, 5).items()}
    db.close()
    assert figures_after == figures_before
