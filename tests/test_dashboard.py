"""The handlers' dashboard: open cases by status, what is overdue, my assignments and the trend of the
last twelve months — only over the cases the viewer may see (models.visibility.inbox_condition)."""

import datetime as dt
import re

from models import cases, clock
from models.accounts import Role
from models.demo import file_demo_incident


def figures(html: str, attribute: str) -> dict:
    return dict(re.findall(rf'data-{attribute}="([^"]+)"[^>]*>(\d+)</td>', html))


def test_each_handler_sees_only_the_cases_they_may_see(app, create_user, login, db_session):
    clerk, secretary = create_user(Role.CLERK), create_user(Role.MUNICIPAL_SECRETARY)
    create_user(Role.MAYOR), create_user(Role.SECURITY_OFFICER)
    member, alderman = create_user(Role.COUNCIL_MEMBER), create_user(Role.ALDERMAN)
    two_days_ago = clock.utcnow() - dt.timedelta(days=2)
    first = file_demo_incident(member, two_days_ago, behaviours=["threatening"], hospital_admission=True)
    file_demo_incident(member, two_days_ago, behaviours=["insulting"])
    file_demo_incident(alderman, two_days_ago, behaviours=["insulting"])
    cases.assign(first, clerk, clerk)

    as_clerk = app.test_client()
    login(as_clerk, clerk)
    page = as_clerk.get("/overzicht").get_data(as_text=True)
    assert figures(page, "status") == {"new": "1", "in_progress": "1", "measures": "0", "aftercare": "0", "total": "2"}
    # Overdue: the first aftercare conversation (24 hours) of both cases, and the inspectorate for the admission.
    assert figures(page, "overdue") == {
        "aftercare": "2",
        "inspectorate": "1",
        "ban_ending": "0",
        "payments": "0",
        "police_feedback": "0",
    }
    assert first.reference in page.split("Aan mij toegewezen")[1]
    assert sum(int(n) for n in figures(page, "month").values()) == 2
    assert "<svg" in page and "<desc" in page

    as_secretary = app.test_client()
    login(as_secretary, secretary)
    page = as_secretary.get("/overzicht").get_data(as_text=True)
    assert figures(page, "status")["total"] == "1"  # the alderman's case only, not the council member's
    assert first.reference not in page
    assert sum(int(n) for n in figures(page, "month").values()) == 1


def test_the_dashboard_is_for_handlers_linked_from_their_start_page_below_what_waits(
    app, create_user, login, db_session
):
    alderman, clerk = app.test_client(), app.test_client()
    login(alderman, create_user(Role.ALDERMAN))
    login(clerk, create_user(Role.CLERK))
    assert alderman.get("/overzicht").status_code == 403
    assert "/overzicht" not in alderman.get("/").get_data(as_text=True)
    home = clerk.get("/").get_data(as_text=True)
    # What waits comes first (issue 15); the dashboard is one of the links below it.
    waits, links = home.index("Wat er op u wacht"), home.index("Wat u hier kunt doen")
    assert waits < links
    assert '<a href="/overzicht">Overzicht</a>' in home[links:]
