"""A page someone else already acted on: a clear Dutch message and the case as it is now, never a
500 (issue 15: converting a consultation that another handler converted answered 500)."""

from models import cases, registration
from models.accounts import Role
from models.cases import Case, CaseKind
from models.db import db


def test_converting_a_consultation_a_colleague_already_converted_says_so(app, create_user, signed_in):
    member, clerk, deputy = create_user(Role.COUNCIL_MEMBER), create_user(Role.CLERK), create_user(Role.DEPUTY_CLERK)
    with app.app_context(), db.connection_context():
        case = registration.file_case(cases.new_draft(member, CaseKind.CONSULTATION).id, {})
    page = f"/zaken/{case.reference}"
    # Both have the page open; the deputy clerk converts first.
    assert "Omzetten in een melding" in signed_in(clerk).get(page).get_data(as_text=True)
    first = signed_in(deputy).post(f"{page}/omzetten", data={"behaviours": ["threatening"]})
    assert first.status_code == 302
    stale = signed_in(clerk).post(f"{page}/omzetten", data={"behaviours": ["insulting"]}, follow_redirects=True)
    text = stale.get_data(as_text=True)
    assert stale.status_code == 200
    assert "Dit overleg is al omgezet in een melding, misschien door een collega." in text
    with app.app_context(), db.connection_context():
        converted = Case.get_by_id(case.id)
        assert converted.kind == "report" and converted.behaviours == "threatening"  # the first one counts


def test_a_rule_that_says_no_on_a_path_without_its_own_message_is_a_409_in_dutch(app, create_user, signed_in):
    """The safety net: models.cases.NotAllowed reaching the top is a page that says what to do."""
    from flask import Blueprint

    member = create_user(Role.COUNCIL_MEMBER)
    probe = Blueprint("probe", __name__)

    @probe.route("/probe-not-allowed")
    def refuse():
        raise cases.NotAllowed("probe")

    app.register_blueprint(probe)
    response = signed_in(member).get("/probe-not-allowed")
    assert response.status_code == 409
    assert "Dit kan nu niet" in response.get_data(as_text=True)
