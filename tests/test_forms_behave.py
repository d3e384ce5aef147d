"""Forms that behave (issue 16.5), in the shared macros (portal/templates/_forms.html): "Fout:" in
the title while errors show and on every error page; aria-invalid on a field and on a group in
error; a message several questions share names its question; amounts open the keyboard with a
comma; dates in Dutch and no time where none was known."""

from __future__ import annotations

import datetime as dt
import re

from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import DataRequired

from models import clock
from models.db import db


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def test_error_pages_and_pages_with_errors_say_fout_in_their_title(client):
    missing = client.get("/bestaat-niet")
    assert missing.status_code == 404
    assert _title(missing.get_data(as_text=True)).startswith("Fout: Deze pagina bestaat niet")
    page = client.get("/login")
    assert not _title(page.get_data(as_text=True)).startswith("Fout")
    refused = client.post("/login", data={"email": "", "password": "", "code": ""})
    html = refused.get_data(as_text=True)
    assert 'id="foutmeldingen"' in html and _title(html).startswith("Fout: ")
    assert 'aria-invalid="true"' in html


class _TwoQuestions(FlaskForm):
    class Meta:
        csrf = False

    police = RadioField(
        "Mag de gemeente aangifte doen?",
        choices=[("yes", "Ja"), ("no", "Nee")],
        validators=[DataRequired("Kies ja of nee.")],
    )
    others = RadioField(
        "Mogen anderen het weten?", choices=[("yes", "Ja"), ("no", "Nee")], validators=[DataRequired("Kies ja of nee.")]
    )


def test_a_group_in_error_is_invalid_and_a_shared_message_names_its_question(app):
    page = """{% from "_forms.html" import error_summary, radios %}{{ error_summary([form]) }}{{ radios(form.police) }}{{ radios(form.others) }}"""
    with app.test_request_context("/", method="POST", data={}):
        form = _TwoQuestions()
        assert not form.validate()
        html = render_template_string(page, form=form)
    assert re.search(r'<fieldset[^>]*id="police"[^>]*aria-invalid="true"', html)
    assert re.search(
        r'<input[^>]*aria-invalid="true"[^>]*name="police"|<input[^>]*name="police"[^>]*aria-invalid="true"', html
    )
    summary = html.split("</ul>")[0]
    assert '<a href="#police">Mag de gemeente aangifte doen?: Kies ja of nee.</a>' in summary
    assert '<a href="#others">Mogen anderen het weten?: Kies ja of nee.</a>' in summary


def test_amount_fields_ask_for_a_decimal_keyboard(app):
    from portal.aftercare.forms import ReferralForm
    from portal.damages.forms import AssessForm, CorrectionForm, PaymentForm, WriteOffForm

    with app.test_request_context("/"):
        for form, name in (
            (PaymentForm(), "amount"),
            (AssessForm(), "amount"),
            (WriteOffForm(), "amount"),
            (CorrectionForm(), "amount"),
        ):
            assert 'inputmode="decimal"' in str(form[name]()), type(form).__name__
        referral = ReferralForm()
        assert 'inputmode="decimal"' in str(referral.cost())


def test_the_damages_assessment_says_when_amount_and_reason_are_needed(app):
    from portal.damages.forms import AssessForm

    with app.test_request_context("/"):
        form = AssessForm()
        html = render_template_string(
            '{% from "_forms.html" import field %}{{ field(form.amount) }}{{ field(form.reason) }}', form=form
        )
    assert "niet verplicht" not in html
    assert "Alleen nodig als u een deel of niets toekent." in html
    assert "Alleen invullen als u een deel toekent." in html


def test_dates_in_dutch_and_no_time_when_none_was_known(app):
    from portal.templating import local_date, local_moment

    with app.test_request_context("/"):
        assert local_date("1980-05-04") == "4 mei 1980"
        assert local_date(dt.date(2026, 3, 1)) == "1 maart 2026"
        assert local_date("ergens in 1980") == "ergens in 1980"
        midnight = clock.to_utc(dt.datetime(2026, 3, 1, 0, 0))
        assert local_moment(midnight, time_known=False) == "1 maart 2026"
        assert local_moment(midnight) == "1 maart 2026, 00:00"  # a message really sent at midnight
        assert local_moment(clock.to_utc(dt.datetime(2026, 3, 1, 14, 5))) == "1 maart 2026, 14:05"


def test_a_message_added_without_its_time_shows_its_date_only(app, create_user, file_report, signed_in):
    """Mijn meldingen: a new online message with a date and no time; the handler's logbook shows the
    day, never a made-up "00:00". One given at 00:00 keeps its time."""
    from models.accounts import Role
    from models.cases import Case, OnlineEntry

    member, clerk = create_user(Role.COUNCIL_MEMBER), create_user(Role.CLERK)
    reference = file_report(signed_in(member))
    own = signed_in(member)
    for sender, time in (("@zonder_tijd", ""), ("@om_middernacht", "00:00")):
        sent = {"platform": "X", "sender_account": sender, "message_date": "2026-11-01", "message_time": time}
        assert own.post(f"/mijn-meldingen/{reference}", data=sent).status_code in (200, 302)
    with app.app_context():
        db.connect(reuse_if_open=True)
        case = Case.get(Case.reference == reference)
        known = {e.sender_account: e.message_time_known for e in OnlineEntry.select().where(OnlineEntry.case == case)}
        db.close()
    assert known["@zonder_tijd"] is False and known["@om_middernacht"] is True
    page = signed_in(clerk).get(f"/zaken/{reference}").get_data(as_text=True)
    row = page.split("@zonder_tijd")[1].split("</tr>")[0]
    assert "1 november 2026" in row and "00:00" not in row
    assert "1 november 2026, 00:00" in page.split("@om_middernacht")[1].split("</tr>")[0]


def test_the_case_page_shows_the_birth_date_in_dutch(app, db_session, signed_in):
    from models.accounts import User
    from models.demo import DEMO_DOMAIN, create_demo_accounts, create_demo_case

    with app.app_context():
        accounts = {a["role"]: a for a in create_demo_accounts()}
        reference = create_demo_case()
    clerk = User.get(User.email == accounts["clerk"]["email"])
    clerk.test_password = accounts["clerk"]["password"]
    assert DEMO_DOMAIN in clerk.email
    html = signed_in(clerk).get(f"/zaken/{reference}").get_data(as_text=True)
    db.close()
    assert "geboren 1 januari 1980" in html and "geboren 1980-01-01" not in html  # (a date field keeps ISO)
