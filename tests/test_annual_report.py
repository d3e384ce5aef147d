"""The yearly anonymised report (§4.1): "Jaarlijks wordt een geanonimiseerd verslag gemaakt van de
incidenten." Figures that match a hand count, small counts that cannot be recovered (not even by
subtraction), nothing that points to a person, the same figures on the page, in the CSV and the PDF,
and only the people the setting names may produce it — audited."""

import base64
import csv
import datetime as dt
import html as html_lib
import io
import itertools
import re
import zlib

import pytest

from models import annual_report, clock, measures, police, settings
from models.accounts import Role
from models.aftercare import Conversation, Outcome, record_outcome
from models.annual_report import COMPLEMENT, SMALL, Figure, Period, suppress_small_cells
from models.audit import AuditEntry
from models.cases import CaseKind, new_draft
from models.consent import Purpose
from models.demo import clock_fixed, file_demo_incident

YEAR = 2025


def at(month, day, hour=12):
    """A moment in the municipality's time zone, as stored (UTC)."""
    return clock.to_utc(dt.datetime(YEAR, month, day, hour, 0))


# --- suppression, on its own -----------------------------------------------------------------


def feasible_values(counts, groups, figures, threshold, cell, limit=30):
    """Brute force, independent of the implementation: every value the hidden `cell` can have given
    what the report shows ("< T" = 1..T-1, "×" = anything, a number = itself) and every sum."""
    hidden = [c for c, f in figures.items() if f.value is None]
    ranges = [range(1, threshold) if figures[c].suppressed == SMALL else range(0, limit) for c in hidden]
    possible = set()
    for values in itertools.product(*ranges):
        guess = {c: f.value for c, f in figures.items()} | dict(zip(hidden, values, strict=True))
        if all(guess[total] == sum(guess[p] for p in parts) for total, parts in groups):
            possible.add(guess[cell])
    return possible


def test_a_single_incident_cannot_be_recovered_from_the_total_by_subtraction(app, db_session):
    # 18 incidents: 10 threats, 7 verbal, 1 physical. Shown as 10, 7, "< 5", 18 the 1 would be 18-10-7.
    counts = {"total": 18, "threat": 10, "verbal": 7, "physical": 1, "emotion": 0}
    groups = [("total", ["threat", "verbal", "physical", "emotion"])]
    figures = suppress_small_cells(counts, groups, 5)
    assert figures["physical"] == Figure(None, SMALL)
    assert figures["verbal"] == Figure(None, COMPLEMENT)  # the next smallest is hidden too
    assert figures["total"] == Figure(18) and figures["threat"] == Figure(10) and figures["emotion"] == Figure(0)
    assert feasible_values(counts, groups, figures, 5, "physical") == {1, 2, 3, 4}


def test_months_quarters_and_the_year_are_reasoned_about_together(app, db_session):
    # Jan, Feb and Mar 2 each (small), shown quarter 6: each month would be 2. July alone: the
    # year minus the other quarters gives it away.
    months = {"jan": 2, "feb": 2, "mar": 2, "apr": 3, "may": 3, "jun": 3, "jul": 1}
    counts = {"year": 16, "q1": 6, "q2": 9, "q3": 1, **months}
    groups = [
        ("year", list(months)),
        ("year", ["q1", "q2", "q3"]),
        ("q1", ["jan", "feb", "mar"]),
        ("q2", ["apr", "may", "jun"]),
        ("q3", ["jul"]),
    ]
    figures = suppress_small_cells(counts, groups, 3)
    for cell in ("jan", "feb", "mar", "jul", "q3"):
        assert len(feasible_values(counts, groups, figures, 3, cell, limit=17)) > 1, cell
    assert figures["year"] == Figure(16)


def test_zero_is_shown_and_big_cells_are_left_alone(app, db_session):
    figures = suppress_small_cells({"t": 20, "a": 12, "b": 8, "c": 0}, [("t", ["a", "b", "c"])], 5)
    assert figures == {"t": Figure(20), "a": Figure(12), "b": Figure(8), "c": Figure(0)}


# --- a seeded year, counted by hand -----------------------------------------------------------


@pytest.fixture
def people(create_user):
    roles = [
        Role.CLERK,
        Role.DEPUTY_CLERK,
        Role.MUNICIPAL_SECRETARY,
        Role.SECURITY_OFFICER,
        Role.MAYOR,
        Role.ALDERMAN,
        Role.COUNCIL_MEMBER,
        Role.GROUP_MEMBER,
    ]
    people = {role: create_user(role, name=f"Persoon {role.value}") for role in roles}
    people["council_b"] = create_user(Role.COUNCIL_MEMBER, name="Bea Raadslid")
    people["former"] = create_user(Role.COUNCIL_MEMBER, name="Olga Oudraadslid", is_former=True)
    return people


SEED = [  # month, day, reporter, class behaviours, channel, target, perpetrator
    (1, 10, Role.COUNCIL_MEMBER, ["threatening"], "social_media", "self", "Piet Eerst"),
    (1, 20, Role.COUNCIL_MEMBER, ["threatening"], "social_media", "self", "Piet Eerst"),
    (2, 5, "council_b", ["insulting"], "email", "self", None),
    (2, 6, "council_b", ["insulting"], "email", "environment", None),
    (3, 3, Role.GROUP_MEMBER, ["swearing"], "face_to_face", "self", None),
    (3, 4, Role.GROUP_MEMBER, ["intimidation"], "phone", "both", None),
    (4, 1, Role.ALDERMAN, ["insulting"], "social_media", "self", None),
    (4, 2, Role.ALDERMAN, ["insulting"], "social_media", "self", None),
    (4, 3, Role.ALDERMAN, ["threatening"], "email", "self", "Karel Tweede"),
    (5, 5, Role.MAYOR, ["swearing"], "meeting", "self", None),
    (5, 6, Role.MAYOR, ["rudeness"], "letter", "self", None),
    (5, 7, Role.MAYOR, ["threatening"], "social_media", "self", None),
    (6, 1, "former", ["insulting"], "email", "self", None),
    (6, 2, "former", ["accusing"], "email", "self", None),
    (6, 3, "former", ["ridicule"], "social_media", "self", None),
    (7, 1, Role.COUNCIL_MEMBER, ["hitting"], "face_to_face", "self", "Henk Derde"),
]


@pytest.fixture
def seeded_year(app, db_session, people):
    """16 incidents in 2025, one the year before, one after, and a consultation (not an incident)."""
    cases = []
    for month, day, who, behaviours, channel, target, perpetrator in SEED:
        cases.append(
            file_demo_incident(
                people[who],
                at(month, day),
                behaviours=behaviours,
                channel=channel,
                target=target,
                perpetrator=perpetrator,
                consents=[Purpose.POLICE_REPORT] if month in (1, 7) else [],
            )
        )
    file_demo_incident(people[Role.ALDERMAN], clock.to_utc(dt.datetime(2024, 11, 5, 12)), behaviours=["insulting"])
    file_demo_incident(people[Role.ALDERMAN], clock.to_utc(dt.datetime(2026, 1, 5, 12)), behaviours=["insulting"])
    with clock_fixed(at(1, 15)):
        from models import registration

        registration.file_case(
            new_draft(people[Role.MAYOR], CaseKind.CONSULTATION).id,
            {"behaviours": [], "channel": "phone", "narrative": "Twijfel"},
        )
    secretary, mayor = people[Role.MUNICIPAL_SECRETARY], people[Role.MAYOR]
    jan10, jan20, apr3, jul1, mar4 = cases[0], cases[1], cases[8], cases[15], cases[5]
    with clock_fixed(at(1, 12)):
        for case in (jan10, jan20):
            measures.decide(
                measures.propose(case, measures.MeasureType.WARNING_WRITTEN, secretary, reasons="r"),
                secretary,
                reasons="r",
                unheard_reason="r",
            )
        report = police.file(jan10, secretary, filed_on=dt.date(YEAR, 1, 12), registration_number="PL-1")
        police.update_status(report, police.InvestigationStatus.INVESTIGATING, secretary)
    with clock_fixed(at(4, 5)):
        measures.decide(
            measures.propose(apr3, measures.MeasureType.WARNING_WRITTEN, secretary, reasons="r"),
            secretary,
            reasons="r",
            unheard_reason="r",
        )
        measures.propose(mar4, measures.MeasureType.STOP_CONVERSATION, secretary, reasons="r")  # proposed only
    with clock_fixed(at(7, 2)):
        ban = measures.propose(
            jul1,
            measures.MeasureType.BUILDING_BAN,
            secretary,
            reasons="r",
            starts_on=dt.date(YEAR, 7, 2),
            ends_on=dt.date(YEAR, 10, 2),
        )
        measures.decide(ban, mayor, reasons="r", unheard_reason="r")
        police.file(jul1, secretary, filed_on=dt.date(YEAR, 7, 2), registration_number="PL-2")
    # Aftercare: Jan 10 all three held on time; Jan 20 first one held late; Feb 5 declined.
    for conversation in Conversation.select().where(Conversation.case == jan10.id):
        record_outcome(conversation, Outcome.HELD, secretary, conversation.due_at - dt.timedelta(hours=1), None)
    first = Conversation.get((Conversation.case == jan20.id) & (Conversation.number == 1))
    record_outcome(first, Outcome.HELD, secretary, first.due_at + dt.timedelta(hours=3), None)
    declined = Conversation.get((Conversation.case == cases[2].id) & (Conversation.number == 1))
    record_outcome(declined, Outcome.DECLINED, secretary, None, None)
    return cases


def test_the_figures_of_a_seeded_year_match_a_hand_count(seeded_year):
    counts, _groups = annual_report.raw_counts(Period.year(YEAR))
    expected = {
        ("total", "incidents"): 16,
        **{
            ("by_month", f"{YEAR}-{m:02d}"): n
            for m, n in {1: 2, 2: 2, 3: 2, 4: 3, 5: 3, 6: 3, 7: 1, 8: 0, 9: 0, 10: 0, 11: 0, 12: 0}.items()
        },
        ("by_quarter", f"{YEAR}-Q1"): 6,
        ("by_quarter", f"{YEAR}-Q2"): 9,
        ("by_quarter", f"{YEAR}-Q3"): 1,
        ("by_quarter", f"{YEAR}-Q4"): 0,
        ("by_class", "threat"): 5,
        ("by_class", "verbal_aggression"): 9,
        ("by_class", "emotion_policy"): 1,
        ("by_class", "physical_violence"): 1,
        ("by_class", "emotion_self"): 0,
        ("by_class", "unknown"): 0,
        ("online", "online"): 11,
        ("online", "offline"): 5,
        ("online", "unknown"): 0,
        ("by_channel", "social_media"): 6,
        ("by_channel", "email"): 5,
        ("by_channel", "face_to_face"): 2,
        ("by_channel", "phone"): 1,
        ("by_channel", "meeting"): 1,
        ("by_channel", "letter"): 1,
        ("by_channel", "at_home"): 0,
        ("by_channel", "other"): 0,
        ("by_reporter_group", "council_and_groups"): 7,
        ("by_reporter_group", "college"): 3,
        ("by_reporter_group", "mayor"): 3,
        ("by_reporter_group", "former"): 3,
        ("by_target", "self"): 14,
        ("by_target", "environment"): 1,
        ("by_target", "both"): 1,
        ("by_target", "unknown"): 0,
        ("repeat", "first"): 3,
        ("repeat", "repeated"): 1,
        ("repeat", "unknown"): 12,
        ("measures", "total"): 4,
        ("measures", "warning_written"): 3,
        ("measures", "building_ban"): 1,
        ("measures", "stop_conversation"): 0,
        ("police", "filed"): 2,
        ("police", "not_filed"): 14,
        ("police_status", "investigating"): 1,
        ("police_status", "filed"): 1,
        ("aftercare", "offered"): 16,
        ("aftercare", "held"): 2,
        ("aftercare", "held_on_time"): 1,
        ("aftercare", "held_late"): 1,
        ("aftercare", "declined"): 1,
        ("aftercare", "open"): 13,
    }
    for cell, number in expected.items():
        assert counts[cell] == number, cell
    # First or repeated follows the register's own rule, case by case.
    from models import perpetrators

    for case in seeded_year:
        linked = perpetrators.linked_perpetrators(case)
        if linked:
            _known, repeated = annual_report._repeated_cases(annual_report.incident_condition(Period.year(YEAR)))
            assert (case.id in repeated) == any(perpetrators.incident_history(p, case)["repeated"] for p in linked)


def test_an_incident_with_a_second_police_report_counts_once_at_its_latest_stand(seeded_year, people):
    """A ban not kept brings a second police report on the same incident: the report still counts
    incidents with a police report, and the stands add up to that number."""
    jul1 = seeded_year[15]
    with clock_fixed(at(9, 1)):
        second = police.file(
            jul1,
            people[Role.MUNICIPAL_SECRETARY],
            filed_on=dt.date(YEAR, 9, 1),
            registration_number="PL-3",
            subject=police.ReportSubject.BAN_VIOLATED,
        )
        police.update_status(second, police.InvestigationStatus.WITH_PROSECUTOR, people[Role.MUNICIPAL_SECRETARY])
    counts, _groups = annual_report.raw_counts(Period.year(YEAR))
    assert counts["police", "filed"] == 2 and counts["police", "not_filed"] == 14
    assert counts["police_status", "investigating"] == 1  # January's incident
    assert counts["police_status", "with_prosecutor"] == 1  # July's, at its latest report
    assert counts["police_status", "filed"] == 0
    assert sum(counts["police_status", s.value] for s in police.InvestigationStatus) == 2


def test_the_published_figures_hide_small_counts_and_what_would_give_them_away(seeded_year):
    settings.change("report_min_cell", 3, None)
    report = annual_report.build(Period.year(YEAR))
    text = {(s.code, r.code): annual_report.figure_text(r.current, 3) for s in report.sections for r in s.rows}
    assert text["total", "incidents"] == "16"
    # Classes: 1 emotion and 1 physical; 16 - 5 - 9 would leave 2, so the threats are hidden too.
    assert [
        text["by_class", c]
        for c in ("threat", "verbal_aggression", "emotion_policy", "physical_violence", "emotion_self")
    ] == ["×", "9", "< 3", "< 3", "0"]
    assert [text["by_reporter_group", g] for g in ("council_and_groups", "college", "mayor", "former")] == [
        "7",
        "3",
        "3",
        "3",
    ]
    assert text["by_month", f"{YEAR}-04"] == "3" and text["by_month", f"{YEAR}-07"] == "< 3"
    assert text["by_channel", "phone"] == "< 3" and text["online", "offline"] == "5"
    counts, groups = annual_report.raw_counts(Period.year(YEAR))
    figures = {
        cell: (row.current)
        for s in report.sections
        if s.code != "damages"
        for row in s.rows
        for cell in [(s.code, row.code)]
    }
    low, high = annual_report._bounds(counts, groups, {c: f.suppressed for c, f in figures.items() if f.suppressed}, 3)
    pinned = [cell for cell, n in counts.items() if 0 < n < 3 and low[cell] == high[cell]]
    assert pinned == []
    # The year before: 1 incident, shown as "< 3" everywhere it is counted.
    assert annual_report.figure_text(report.section("total").rows[0].previous, 3) == "< 3"


def test_the_mayors_only_physical_assault_cannot_be_traced(app, people, login, db_session):
    """A re-identification attempt: the only physical violence, against the mayor, in March."""
    for day in range(1, 13):  # an ordinary year around it: verbal aggression against council members
        file_demo_incident(people[Role.COUNCIL_MEMBER], at(day, 10), behaviours=["insulting"], channel="email")
    distinctive = file_demo_incident(
        people[Role.MAYOR],
        at(3, 14, hour=17),
        behaviours=["hitting", "spitting"],
        channel="at_home",
        target="both",
        perpetrator="Geert Uniekenaam",
        narrative="Hij sloeg de burgemeester op de Markt bij de kerk.",
        location="Markt 1",
        perpetrator_address="Kerkstraat 99",
    )
    client = app.test_client()
    login(client, people[Role.CLERK])
    html = client.get(f"/jaarverslag?jaar={YEAR}").get_data(as_text=True)
    csv_text = client.get(f"/jaarverslag.csv?jaar={YEAR}").get_data(as_text=True)
    pdf_text = pdf_strings(client.get(f"/jaarverslag.pdf?jaar={YEAR}").data)
    for document in (html, csv_text, pdf_text):
        for secret in (
            "Persoon mayor",
            "Geert",
            "Uniekenaam",
            "sloeg",
            "Markt",
            "Kerkstraat",
            distinctive.reference,
            "VB-2025",
            "14 maart",
            "14-03",
            "2025-03-14",
            "17:00",
            "18:00",
        ):
            assert secret not in document, secret
        assert not re.search(
            r"\b\d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|"
            r"november|december) \d{4}",
            document,
        )
    rows = {
        (r["section"], r["category"], r["period"]): r["value"]
        for r in csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    }
    period = f"{YEAR}-01/{YEAR}-12"
    assert rows["by_class", "physical_violence", period] == "< 5"
    assert rows["by_reporter_group", "mayor", period] == "< 5"
    assert rows["by_channel", "at_home", period] == "< 5"
    assert rows["by_target", "both", period] == "< 5"
    # and neither can be worked out from the totals: 13 incidents, 12 verbal, so the verbal cell is hidden too
    assert rows["total", "incidents", period] == "13"
    assert rows["by_class", "verbal_aggression", period] == "×"
    assert rows["by_reporter_group", "council_and_groups", period] == "×"


def pdf_strings(data: bytes) -> str:
    """The text drawn in a PDF made by ReportLab: its page streams (ASCII85, then Flate) decoded."""
    assert data.startswith(b"%PDF")
    texts = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            content = zlib.decompress(base64.a85decode(stream.strip().removesuffix(b"~>")))
        except (ValueError, zlib.error):
            continue
        texts += [m.decode("cp1252") for m in re.findall(rb"\((.*?)\) Tj", content)]
    assert texts, "no text found in the PDF"
    return "\n".join(t.replace("\\(", "(").replace("\\)", ")") for t in texts)


# --- the same figures everywhere --------------------------------------------------------------


def test_page_csv_and_pdf_give_the_same_figures(app, seeded_year, people, login):
    client = app.test_client()
    login(client, people[Role.CLERK])
    html = client.get(f"/jaarverslag?jaar={YEAR}").get_data(as_text=True)
    on_page = {match[0]: html_lib.unescape(match[1]) for match in re.findall(r'data-cell="([^"]+)">([^<]*)</td>', html)}
    response = client.get(f"/jaarverslag.csv?jaar={YEAR}")
    assert response.headers["Content-Type"].startswith("text/csv")
    reader = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert reader[0] == ["section", "category", "period", "value", "label"]
    current = {(r[0], r[1]): r[3] for r in reader[1:] if r[2] == f"{YEAR}-01/{YEAR}-12"}
    assert current and len(current) == len([k for k in on_page if k.endswith("/current")])
    for (section, category), value in current.items():
        assert on_page[f"{section}/{category}/current"] == value, (section, category)
    previous = [r for r in reader[1:] if r[2] == f"{YEAR - 1}-01/{YEAR - 1}-12"]
    assert ["by_month", f"{YEAR - 1}-11", f"{YEAR - 1}-01/{YEAR - 1}-12", "< 5"] == previous[
        [r[1] for r in previous].index(f"{YEAR - 1}-11")
    ][:4]
    pdf = client.get(f"/jaarverslag.pdf?jaar={YEAR}")
    assert pdf.headers["Content-Type"] == "application/pdf"
    text = pdf_strings(pdf.data)
    for heading in (
        "Jaarverslag normoverschrijdend gedrag",
        "Incidenten per maand",
        "Soort gedrag",
        "Wie het overkwam",
        "Maatregelen tegen veroorzakers",
        "Opvang en nazorg",
        "Schade",
    ):
        assert heading in text, heading
    assert "<svg" in html and "<title" in html and "<desc" in html and "style=" not in html.split("<main", 1)[1]


def test_a_period_of_months_is_compared_with_the_months_before(app, seeded_year, people, login):
    client = app.test_client()
    login(client, people[Role.CLERK])
    response = client.get(f"/jaarverslag.csv?van={YEAR}-04&tot={YEAR}-06")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    values = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    assert values["total", "incidents", f"{YEAR}-04/{YEAR}-06"] == "9"
    assert values["total", "incidents", f"{YEAR}-01/{YEAR}-03"] == "6"
    assert client.get("/jaarverslag?van=2025-13&tot=2025-01").status_code == 400


# --- who may produce it -------------------------------------------------------------------------


def test_only_the_roles_the_setting_names_may_produce_the_report_and_it_is_audited(app, people, login, db_session):
    member, clerk = app.test_client(), app.test_client()
    login(member, people[Role.COUNCIL_MEMBER])
    login(clerk, people[Role.CLERK])
    for url in ("/jaarverslag?jaar=2025", "/jaarverslag.csv?jaar=2025", "/jaarverslag.pdf?jaar=2025"):
        assert member.get(url).status_code == 403
        assert clerk.get(url).status_code == 200
    actions = [
        (e.action, e.detail)
        for e in AuditEntry.select().where(AuditEntry.actor_id == people[Role.CLERK].id).order_by(AuditEntry.id)
        if e.action.startswith("annual_report")
    ]
    assert actions == [
        ("annual_report_viewed", "period=2025-01/2025-12"),
        ("annual_report_downloaded", "format=csv period=2025-01/2025-12"),
        ("annual_report_downloaded", "format=pdf period=2025-01/2025-12"),
    ]
    assert "Jaarverslag" in clerk.get("/").get_data(as_text=True)
    assert "/jaarverslag" not in member.get("/").get_data(as_text=True)
    settings.change("annual_report_clerk", 0, None)
    assert clerk.get("/jaarverslag?jaar=2025").status_code == 403
    deputy = app.test_client()
    login(deputy, people[Role.DEPUTY_CLERK])
    assert deputy.get("/jaarverslag?jaar=2025").status_code == 403  # not by default
    settings.change("annual_report_deputy_clerk", 1, None)
    assert deputy.get("/jaarverslag?jaar=2025").status_code == 200


def test_damages_come_from_the_ledger_and_one_persons_amount_is_not_shown(app, seeded_year, people, db_session):
    from models import damages, perpetrators

    settings.change("report_min_cell", 3, None)
    assert annual_report.damages_figures(Period.year(YEAR), 3)["reimbursed"] == Figure(0)
    secretary = people[Role.MUNICIPAL_SECRETARY]
    jan10, jan20, apr3, jul1 = seeded_year[0], seeded_year[1], seeded_year[8], seeded_year[15]
    with clock_fixed(at(8, 1)):
        for case in (jan10, jan20, apr3, jul1):
            item = damages.submit_item(case, damages.Category.PROPERTY, "Ruit bij Piet", 10000, case.reporter)
            damages.assess(item, damages.Decision.FULL, secretary)
            damages.record_reimbursement(case, 10000, dt.date(YEAR, 8, 1), f"R-{case.id}", secretary)
            recovery = damages.start_recovery(
                case, {perpetrators.linked_perpetrators(case)[0].id: 10000}, dt.date(YEAR, 9, 1), secretary
            )[0]
            paid = 5000 if case in (jan10, jan20) else 10000
            damages.record_payment(recovery, paid, dt.date(YEAR, 8, 15), f"B-{case.id}", secretary)
            if case == jan10:
                damages.write_off(recovery, 5000, "Kan niet betalen", secretary)
    figures = annual_report.damages_figures(Period.year(YEAR), 3)
    assert figures == {
        "incidents": Figure(4),
        "reimbursed": Figure(40000),
        "recovered": Figure(30000),
        "written_off": Figure(None, COMPLEMENT),  # one write-off: one person's amount
        "outstanding": Figure(5000),
    }
    rows = {(r[0], r[1], r[2]): r[3] for r in annual_report.build(Period.year(YEAR)).cells()}
    assert rows["damages", "reimbursed", f"{YEAR}-01/{YEAR}-12"] == Figure(40000)
    assert annual_report.figure_text(Figure(40000), 3, "cents") == "400.00"


# --- periods of calendar months ---------------------------------------------------------------


def test_a_period_is_whole_calendar_months_and_the_one_before_rolls_over_the_year():
    quarter = Period.months_between("2026-01", "2026-03")
    assert quarter.months == [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    assert quarter.previous() == Period(dt.date(2025, 10, 1), dt.date(2025, 12, 1))
    assert Period.year(2024).previous() == Period.year(2023)
    assert Period.months_between("2024-02", "2024-02").utc_bounds() == (
        clock.to_utc(dt.datetime(2024, 2, 1)),
        clock.to_utc(dt.datetime(2024, 3, 1)),
    )
    assert Period.year(2025).utc_bounds()[1] == clock.to_utc(dt.datetime(2026, 1, 1))


# --- prevention and what happened in public (§4, §5, §7) -------------------------------------------

DISRUPTER = "Man met rode jas op de tribune"
STATEMENT_TEXT = "De gemeente accepteert geen intimidatie van haar raadsleden."


@pytest.fixture
def public_year(app, db_session, people):
    """In 2025: a council term begun with its briefing (4 of the 5 office holders came), three
    trainings, two disrupted meetings (three disrupters, two of them trespass after the third order),
    three statements to the press about two incidents. Around it, the same in 2024 and 2026."""
    from models import communication, consent, meetings, prevention
    from models.consent import How

    clerk, mayor = people[Role.CLERK], people[Role.MAYOR]
    holders = [people[r] for r in (Role.MAYOR, Role.ALDERMAN, Role.COUNCIL_MEMBER, Role.GROUP_MEMBER)]
    term = prevention.start_term(dt.date(YEAR, 3, 27), dt.date(YEAR + 4, 3, 26), clerk)
    earlier = prevention.start_term(dt.date(YEAR - 4, 3, 27), dt.date(YEAR, 3, 26), clerk)
    briefing = prevention.SessionKind.BRIEFING
    prevention.record_session(term, briefing, dt.date(YEAR, 5, 12), [u.id for u in holders], clerk)
    prevention.record_session(earlier, briefing, dt.date(YEAR - 1, 5, 12), [holders[0].id], clerk)
    deescalation, calm = prevention.SessionKind.DEESCALATION, prevention.SessionKind.KEEPING_CALM
    prevention.record_session(term, deescalation, dt.date(YEAR, 9, 1), [u.id for u in holders[:3]], clerk)
    prevention.record_session(term, deescalation, dt.date(YEAR, 10, 1), [u.id for u in holders[2:]], clerk)
    prevention.record_session(term, calm, dt.date(YEAR, 11, 1), [holders[1].id], clerk)
    prevention.record_session(term, calm, dt.date(YEAR + 1, 1, 5), [holders[1].id], clerk)

    def meeting(month, day, orders_per_disrupter, stop_and_call=False):
        held = clock.to_utc(dt.datetime(month[0], month[1], day, 20, 0))
        with clock_fixed(held):
            record = meetings.start(clerk, "Raadsvergadering", held, mayor)
            for number, orders in enumerate(orders_per_disrupter):
                disrupter = meetings.add_disrupter(record, clerk, f"{DISRUPTER} {number}", "Jan Verstoorder", [])
                for order in range(orders):
                    meetings.record_order(disrupter, clerk, f"{record.id}-{number}-{order}")
            if stop_and_call:
                meetings.stop_livestream(record, clerk)
                meetings.call_police(record, clerk)
        return record

    meeting((YEAR, 6), 12, [3, 1], stop_and_call=True)
    meeting((YEAR, 9), 18, [4])
    meeting((YEAR - 1, 12), 18, [3])
    meeting((YEAR + 1, 1), 8, [3])
    with clock_fixed(at(2, 1)):
        meetings.start(clerk, "Rustige vergadering", at(2, 1), mayor)  # nobody disrupted it: not counted

    first = file_demo_incident(people[Role.COUNCIL_MEMBER], at(3, 1), behaviours=["threatening"])
    second = file_demo_incident(people[Role.ALDERMAN], at(4, 1), behaviours=["insulting"])
    for case in (first, second):
        consent.give(case, Purpose.PUBLIC_STATEMENT, case.reporter, how=How.PORTAL)
    for case, made_on in ((first, dt.date(YEAR, 3, 2)), (first, dt.date(YEAR, 3, 9)), (second, dt.date(YEAR, 4, 2))):
        communication.record_statement(
            case,
            clerk,
            made_on=made_on,
            medium=communication.Medium.PRESS_RELEASE,
            made_by="Burgemeester",
            text=STATEMENT_TEXT,
        )
    communication.record_statement(
        first,
        clerk,
        made_on=dt.date(YEAR + 1, 1, 3),
        medium=communication.Medium.INTERVIEW,
        made_by="Burgemeester",
        text=STATEMENT_TEXT,
    )


def test_briefings_trainings_disrupted_meetings_and_statements_are_counted_in_their_year(public_year):
    counts, _groups = annual_report.raw_counts(Period.year(YEAR))
    section = {key[1]: value for key, value in counts.items() if key[0] == "briefings"}
    # 5 office holders in function (the former council member is not invited); 4 came.
    assert section == {"planned": 1, "held": 1, "invited": 5, "attended": 4, "absent": 1}
    section = {key[1]: value for key, value in counts.items() if key[0] == "trainings"}
    assert section == {"held": 3, "deescalation": 2, "keeping_calm": 1, "own_boundary": 0, "participants": 6}
    section = {key[1]: value for key, value in counts.items() if key[0] == "meetings"}
    assert section == {
        "disrupted": 2,
        "disrupters": 3,
        "trespass": 2,  # the third order makes it trespass; one left after the first
        "no_trespass": 1,
        "orders": 8,
        "livestream_stopped": 1,
        "police_called": 1,
    }
    assert counts["statements", "statements"] == 3 and counts["statements", "incidents"] == 2
    before, _groups = annual_report.raw_counts(Period.year(YEAR - 1))
    assert (before["briefings", "held"], before["briefings", "planned"]) == (1, 0)  # that term began in 2021
    assert (before["meetings", "disrupted"], before["meetings", "trespass"], before["meetings", "orders"]) == (1, 1, 3)
    assert before["trainings", "held"] == 0 and before["statements", "statements"] == 0


def test_the_new_figures_are_hidden_below_the_threshold_and_cannot_be_worked_out(public_year):
    settings.change("report_min_cell", 3, None)
    report = annual_report.build(Period.year(YEAR))
    text = {(s.code, r.code): annual_report.figure_text(r.current, 3) for s in report.sections for r in s.rows}
    # 5 invited, 4 came: the one who stayed away would be 5 - 4, so the 4 is hidden too.
    assert text["briefings", "invited"] == "5" and text["briefings", "absent"] == "< 3"
    assert text["briefings", "attended"] == "×" and text["briefings", "held"] == "< 3"
    assert text["trainings", "held"] == "3" and text["trainings", "participants"] == "6"
    assert text["trainings", "deescalation"] == "< 3" and text["trainings", "keeping_calm"] == "< 3"
    assert text["trainings", "own_boundary"] == "0"
    assert text["meetings", "disrupters"] == "3" and text["meetings", "orders"] == "8"
    assert text["meetings", "trespass"] == "< 3" and text["meetings", "no_trespass"] == "< 3"
    assert text["meetings", "disrupted"] == "< 3"
    assert text["statements", "statements"] == "3" and text["statements", "incidents"] == "< 3"
    counts, groups = annual_report.raw_counts(Period.year(YEAR))
    figures = annual_report.published_figures(Period.year(YEAR), 3)
    for cell in (("briefings", "absent"), ("meetings", "trespass"), ("trainings", "keeping_calm")):
        # Brute force over the sums of the cell's own section (these sections share no sum with others).
        own = [(total, parts) for total, parts in groups if total[0] == cell[0]]
        shown = {c: f for c, f in figures.items() if c[0] == cell[0]}
        section_counts = {c: n for c, n in counts.items() if c[0] == cell[0]}
        assert len(feasible_values(section_counts, own, shown, 3, cell)) > 1, cell
    # At the default threshold of 5 nearly everything of one small year is "< 5".
    settings.change("report_min_cell", 5, None)
    report = annual_report.build(Period.year(YEAR))
    text = {(s.code, r.code): annual_report.figure_text(r.current, 5) for s in report.sections for r in s.rows}
    assert text["meetings", "orders"] == "8" and text["meetings", "disrupters"] == "< 5"
    assert text["statements", "statements"] == "< 5" and text["briefings", "invited"] == "5"


def test_the_new_figures_are_on_the_page_and_in_the_csv_without_a_name_or_a_word_said(app, public_year, people, login):
    client = app.test_client()
    login(client, people[Role.CLERK])
    html = client.get(f"/jaarverslag?jaar={YEAR}").get_data(as_text=True)
    for heading in ("Voorlichting aan het begin van de raadsperiode", "Trainingen", "Verstoorde vergaderingen"):
        assert heading in html, heading
    assert "Contact met de pers" in html and "lokaalvredebreuk" in html
    on_page = {match[0]: html_lib.unescape(match[1]) for match in re.findall(r'data-cell="([^"]+)">([^<]*)</td>', html)}
    assert on_page["meetings/orders/current"] == "8" and on_page["meetings/orders/previous"] == "< 5"
    exported = client.get(f"/jaarverslag.csv?jaar={YEAR}").get_data(as_text=True)
    rows = {(r[0], r[1], r[2]): r[3] for r in csv.reader(io.StringIO(exported.lstrip("\ufeff")))}
    assert rows["meetings", "orders", f"{YEAR}-01/{YEAR}-12"] == "8"
    assert rows["trainings", "participants", f"{YEAR}-01/{YEAR}-12"] == "6"
    pdf = pdf_strings(client.get(f"/jaarverslag.pdf?jaar={YEAR}").data)
    assert "Verstoorde vergaderingen" in pdf and "Trainingen" in pdf
    for text in (html, exported, pdf):
        for identifying in (DISRUPTER, "Jan Verstoorder", STATEMENT_TEXT, "Burgemeester Persoon", "Persoon mayor"):
            assert identifying not in text, identifying
