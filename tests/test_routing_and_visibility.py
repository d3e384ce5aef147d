"""Who reports to whom (§6.1), and a matrix proving who sees which case — and that nobody else does."""

import importlib.util
import pathlib

import pytest

from models import routing
from models.accounts import Role
from models.audit import AuditEntry
from models.cases import Case, CaseAccess, Evidence
from models.routing import DEFAULT_ROUTING, INFORMED
from tests.conftest import PNG_SCREENSHOT


def test_the_shipped_routing_is_the_protocols(app, db_session):
    assert routing.current_table() == DEFAULT_ROUTING
    spec = importlib.util.spec_from_file_location("m3", pathlib.Path("models/migrations/0003_default_routing.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert sorted(module.ROWS) == sorted((r["reporter_role"], r["role"], r["kind"]) for r in routing.default_rows())


@pytest.mark.parametrize(
    "reporter_role, handles, informed",
    [
        (Role.COUNCIL_MEMBER, {Role.CLERK, Role.DEPUTY_CLERK}, {Role.MAYOR, Role.SECURITY_OFFICER}),
        (Role.GROUP_MEMBER, {Role.CLERK, Role.DEPUTY_CLERK}, {Role.MAYOR, Role.SECURITY_OFFICER}),
        (Role.ALDERMAN, {Role.MAYOR, Role.MUNICIPAL_SECRETARY}, {Role.SECURITY_OFFICER}),
        (Role.MAYOR, {Role.MUNICIPAL_SECRETARY}, {Role.SECURITY_OFFICER}),
    ],
)
def test_default_routing_for_every_reporter_role(app, db_session, create_user, reporter_role, handles, informed):
    for role in (Role.CLERK, Role.DEPUTY_CLERK, Role.MAYOR, Role.MUNICIPAL_SECRETARY, Role.SECURITY_OFFICER):
        create_user(role)
    reporter = create_user(reporter_role)
    route = routing.route_for(reporter)
    assert route.handles == handles and route.informed == informed


def test_the_security_officer_is_informed_of_every_case(app, db_session):
    assert all(Role.SECURITY_OFFICER in kinds[INFORMED] for kinds in DEFAULT_ROUTING.values())


def test_a_handler_reporting_about_themselves_goes_to_the_next_in_line(app, create_user, login, file_report):
    mayor, secretary = create_user(Role.MAYOR), create_user(Role.MUNICIPAL_SECRETARY)
    with app.app_context():  # a municipality routed the mayor's own reports to the mayor only
        routing.replace_rules(Role.MAYOR, {Role.MAYOR}, {Role.SECURITY_OFFICER})
        route = routing.route_for(mayor)
    assert route.handles == {Role.MAYOR, Role.MUNICIPAL_SECRETARY}
    client = app.test_client()
    login(client, mayor)
    reference = file_report(client)
    assert reference not in client.get("/zaken").get_data(as_text=True)  # not in the mayor's own inbox
    assert client.get(f"/zaken/{reference}").status_code == 302  # only the reporter's view
    other = app.test_client()
    login(other, secretary)
    assert other.get(f"/zaken/{reference}").status_code == 200


def test_changing_the_routing_is_audited_shown_and_does_not_widen_existing_cases(app, create_user, login, file_report):
    admin, member, alderman = (
        create_user(Role.ADMIN),
        create_user(Role.COUNCIL_MEMBER),
        create_user(Role.MUNICIPAL_SECRETARY),
    )
    create_user(Role.CLERK)  # someone holds the handling role, so nothing goes to the next in line
    client = app.test_client()
    login(client, member)
    before = file_report(client)
    manager = app.test_client()
    login(manager, admin)
    manager.post(
        "/beheer/routering",
        data={
            "reporter_role": "council_member",
            "handles": ["clerk", "municipal_secretary"],
            "informed": ["security_officer"],
        },
    )
    page = manager.get("/beheer/routering").get_data(as_text=True)
    assert "Een wijziging geldt alleen voor nieuwe meldingen" in page
    assert "handles=clerk,deputy_clerk informed=mayor,security_officer -&gt; handles=clerk,municipal_secretary" in page
    with app.app_context():
        entry = AuditEntry.get(AuditEntry.action == "routing_changed")
        assert entry.actor_id == admin.id and entry.object_id == "council_member"
    after = file_report(client)
    secretary = app.test_client()
    login(secretary, alderman)
    assert secretary.get(f"/zaken/{before}").status_code == 404  # existing case: unchanged access
    assert secretary.get(f"/zaken/{after}").status_code == 200  # new case: the new routing


def test_a_routing_without_handlers_is_refused(app, create_user, login):
    admin = create_user(Role.ADMIN)
    client = app.test_client()
    login(client, admin)
    response = client.post(
        "/beheer/routering", data={"reporter_role": "alderman", "informed": ["security_officer"]}, follow_redirects=True
    )
    assert "Kies minstens één rol die de melding behandelt" in response.get_data(as_text=True)
    with app.app_context():
        assert routing.current_table()[Role.ALDERMAN] == DEFAULT_ROUTING[Role.ALDERMAN]


# --- the matrix ---------------------------------------------------------------------------------

ALL_ROLES = list(Role)


@pytest.fixture
def municipality(app, create_user, login, file_report):
    """One person per role (two council members), and one case from each reporter role, one filed
    on behalf, one with access granted to a single person."""
    people = {role: create_user(role) for role in ALL_ROLES}
    people["other_council_member"] = create_user(Role.COUNCIL_MEMBER)
    people["former_alderman"] = create_user(Role.ALDERMAN, is_former=True)
    cases = {}
    for key in (Role.COUNCIL_MEMBER, Role.GROUP_MEMBER, Role.ALDERMAN, Role.MAYOR, "former_alderman"):
        client = app.test_client()
        login(client, people[key])
        cases[key] = file_report(client)
    clerk = app.test_client()
    login(clerk, people[Role.CLERK])
    cases["on_behalf"] = file_report(clerk, on_behalf_of=people["other_council_member"])
    secretary = app.test_client()
    login(secretary, people[Role.MUNICIPAL_SECRETARY])
    secretary.post(f"/zaken/{cases[Role.ALDERMAN]}/toegang", data={"person": people[Role.CLERK].id})
    return people, cases


# The protocol's answer (§6.1), written out by hand — not taken from the code's routing table: who
# handles (HND) and who is informed (INF) of a case, per reporter. The clerk files the on-behalf case and
# handles council members' cases anyway; the municipal secretary granted the clerk the alderman's case.
HND, INF, REP = "handler", "informed", "reporter"
# fmt: off
EXPECTED = {
    # person                    council  group    alderman mayor    former   on behalf
    Role.COUNCIL_MEMBER:        (REP,     None,    None,    None,    None,    None),
    Role.GROUP_MEMBER:          (None,    REP,     None,    None,    None,    None),
    Role.ALDERMAN:              (None,    None,    REP,     None,    None,    None),
    Role.MAYOR:                 (INF,     INF,     HND,     REP,     HND,     INF),
    Role.CLERK:                 (HND,     HND,     INF,     None,    None,    HND),
    Role.DEPUTY_CLERK:          (HND,     HND,     None,    None,    None,    HND),
    Role.MUNICIPAL_SECRETARY:   (None,    None,    HND,     HND,     HND,     None),
    Role.SECURITY_OFFICER:      (INF,     INF,     INF,     INF,     INF,     INF),
    Role.FINANCE_OFFICER:       (None,    None,    None,    None,    None,    None),
    Role.ADMIN:                 (None,    None,    None,    None,    None,    None),
    "other_council_member":     (None,    None,    None,    None,    None,    REP),
    "former_alderman":          (None,    None,    None,    None,    REP,     None),
}
# fmt: on
CASE_KEYS = (Role.COUNCIL_MEMBER, Role.GROUP_MEMBER, Role.ALDERMAN, Role.MAYOR, "former_alderman", "on_behalf")


def expected_level(person_key, case_key):
    """'handler', 'informed', 'reporter' or None, from the table above."""
    return EXPECTED[person_key][CASE_KEYS.index(case_key)]


def test_who_sees_which_case_on_every_case_url_and_download_url(app, municipality, login):
    people, cases = municipality
    with app.app_context():
        evidence_by_case = {
            ref: Evidence.get(Evidence.case == Case.get(Case.reference == ref).id).id for ref in cases.values()
        }
    checked = 0
    for person_key, person in people.items():
        client = app.test_client()
        login(client, person)
        inbox = client.get("/zaken").get_data(as_text=True) if person.role != "admin" else ""
        own = client.get("/mijn-meldingen")
        for case_key, reference in cases.items():
            level = expected_level(person_key, case_key)
            page = client.get(f"/zaken/{reference}")
            download = client.get(f"/bewijs/{evidence_by_case[reference]}")
            reporter_page = client.get(f"/mijn-meldingen/{reference}")
            note = client.post(f"/zaken/{reference}/notitie", data={"body": "x"})
            with app.app_context():  # another open status than the one it has: the change itself is allowed
                current = Case.get(Case.reference == reference).status
            other = "measures" if current == "in_progress" else "in_progress"
            status = client.post(f"/zaken/{reference}/status", data={"status": other, "reason": "Besproken."})
            context = (person_key, case_key, level)
            if level is None:
                assert page.status_code == 404, context
                assert download.status_code == 404, context
                assert reporter_page.status_code == 404, context
                assert note.status_code == 404 and status.status_code == 404, context
                assert reference not in inbox, context
            elif level == "reporter":
                assert page.status_code == 302, context  # to the reporter's own view
                assert download.status_code == 200, context
                assert reporter_page.status_code == 200, context
                assert note.status_code == 404 and status.status_code == 404, context
                assert reference not in inbox and reference in own.get_data(as_text=True), context
            else:
                assert page.status_code == 200, context
                assert download.status_code == 200 and download.data == PNG_SCREENSHOT, context
                assert note.status_code == 302, context
                assert status.status_code == (302 if level == "handler" else 404), context
                assert reference in inbox, context
            checked += 1
    assert checked == len(people) * len(cases)


def test_revoking_a_grant_takes_access_away(app, municipality, login):
    people, cases = municipality
    reference = cases[Role.ALDERMAN]
    clerk, secretary = app.test_client(), app.test_client()
    login(clerk, people[Role.CLERK])
    login(secretary, people[Role.MUNICIPAL_SECRETARY])
    assert clerk.get(f"/zaken/{reference}").status_code == 200
    with app.app_context():
        grant = CaseAccess.get(CaseAccess.user == people[Role.CLERK].id)
    secretary.post(f"/zaken/{reference}/toegang/{grant.id}/intrekken")
    assert clerk.get(f"/zaken/{reference}").status_code == 404
    with app.app_context():
        actions = [e.action for e in AuditEntry.select().where(AuditEntry.action.startswith("case_access"))]
    assert actions == ["case_access_granted", "case_access_revoked"]


def test_the_admin_and_the_finance_officer_see_no_case_content(app, municipality, login):
    people, cases = municipality
    for role in (Role.ADMIN, Role.FINANCE_OFFICER):
        client = app.test_client()
        login(client, people[role])
        for reference in cases.values():
            assert client.get(f"/zaken/{reference}").status_code == 404
