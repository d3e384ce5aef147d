"""The communication log on the case page (§7): who speaks for the municipality now, and each
statement or press contact, recorded only with the victim's consent and never naming a security
measure; and the other office holders informed, only with the victim's consent to inform others
in force. The rules are in models.communication; handlers record, informed see."""

from __future__ import annotations

import secrets

from flask import Blueprint, flash
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from models import audit, clock, communication, consent
from models.accounts import Role
from models.cases import Case, CaseKind, NotAllowed
from models.casework import Section
from models.communication import SPOKESPERSON_LABELS, SPOKESPERSON_REASONS, Medium
from models.consent import Purpose
from models.visibility import Access
from portal import case_panels
from portal.case_panels import back_to, case_or_404, sent_form, show_again
from portal.communication.forms import InformedForm, StatementForm
from portal.security import client_ip

bp = Blueprint("communication", __name__)
PANEL = "communication"
PREFIX = "communicatie"
INFORMED_PREFIX = "geinformeerd"


def _today():
    return clock.to_local(clock.utcnow()).date()


def _with_token(form):
    if not form.token.data:
        form.token.data = secrets.token_hex(16)
    return form


def _informed_choices(form: InformedForm, case: Case, users=None, informed=()) -> InformedForm:
    """The office holders to choose from: who was informed already is listed above, not again here."""
    done = {row.office_holder_id for row in informed}
    choices = communication.office_holders_to_inform(case, users=users)
    form.office_holders.choices = [(u.id, u.name) for u in choices if u.id not in done]
    return form


def panel_context(case: Case, level: Access, user, file):
    if case.kind != CaseKind.REPORT.value:
        return None  # a consultation is not an incident to speak about
    handler = level >= Access.HANDLER
    speaker = communication.spokesperson(case, reports=file.police_reports)
    consent_given = consent.in_force(case, Purpose.PUBLIC_STATEMENT, records=file.consent_records)
    form = sent_form(PANEL, "statement")
    if form is None and handler and consent_given:
        form = StatementForm(formdata=None, prefix=PREFIX, made_on=_today())
    statements = file.statements
    if statements:
        audit.record("statements_viewed", actor_id=user.id, object_type="case", object_id=case.id, ip=client_ip())
    others_consent = consent.in_force(case, Purpose.INFORM_OTHERS, records=file.consent_records)
    informed = communication.informed(case, events=file.events)
    if informed:
        audit.record(
            "office_holders_informed_viewed", actor_id=user.id, object_type="case", object_id=case.id, ip=client_ip()
        )
    informed_form = sent_form(PANEL, "informed")
    if informed_form is None and handler and others_consent:
        informed_form = InformedForm(formdata=None, prefix=INFORMED_PREFIX, informed_on=_today())
    if informed_form is not None:
        _informed_choices(_with_token(informed_form), case, informed=informed)  # every office holder: its own read
    return {
        "handler": handler,
        "speaker": SPOKESPERSON_LABELS[speaker],
        "speaker_reason": SPOKESPERSON_REASONS[speaker],
        "mayor_involved": case.reporter_role == Role.MAYOR.value,
        "consent_given": consent_given,
        "statements": statements,
        "form": _with_token(form) if form is not None else None,
        "others_consent": others_consent,
        "informed": informed,
        "informed_form": informed_form,
        "date": lambda day: format_date(day, "d MMMM yyyy"),
    }


@bp.route("/zaken/<reference>/communicatie", methods=["POST"])
def record_statement(reference):
    case, _level = case_or_404(reference, Access.HANDLER, also=lambda _u, c, _l: c.kind == CaseKind.REPORT.value)
    form = StatementForm(prefix=PREFIX)
    if form.validate_on_submit():
        try:
            statement = communication.record_statement(
                case,
                current_user,
                made_on=form.made_on.data,
                medium=Medium(form.medium.data),
                made_by=form.made_by.data,
                text=form.text.data,
                token=form.token.data or None,
            )
        except NotAllowed as refused:
            form.form_errors.append(_(refused.message) if refused.message else _("Dit is niet toegestaan."))
        else:
            audit.record(
                "statement_recorded",
                actor_id=current_user.id,
                object_type="case",
                object_id=case.id,
                ip=client_ip(),
                detail=f"statement={statement.id}",
            )
            flash(_("De verklaring is vastgelegd."), "success")
            return back_to(case, Section.COMMUNICATION)
    return show_again(case, PANEL, "statement", form, status=400)


@bp.route("/zaken/<reference>/communicatie/geinformeerd", methods=["POST"])
def record_informed(reference):
    case, _level = case_or_404(reference, Access.HANDLER, also=lambda _u, c, _l: c.kind == CaseKind.REPORT.value)
    form = _informed_choices(InformedForm(prefix=INFORMED_PREFIX), case)
    if form.validate_on_submit():
        try:
            stored = communication.record_informed(
                case,
                current_user,
                office_holder_ids=form.office_holders.data,
                informed_on=form.informed_on.data,
                token=form.token.data or None,
            )
        except NotAllowed as refused:
            form.form_errors.append(_(refused.message) if refused.message else _("Dit is niet toegestaan."))
        else:
            audit.record(
                "office_holders_informed_recorded",
                actor_id=current_user.id,
                object_type="case",
                object_id=case.id,
                ip=client_ip(),
                detail="users=" + ",".join(str(row.office_holder_id) for row in stored),
            )
            flash(_("Vastgelegd wie er is geïnformeerd."), "success")
            return back_to(case, Section.COMMUNICATION)
    return show_again(case, PANEL, "informed", form, status=400)


def init_app(app):
    app.register_blueprint(bp)
    case_panels.register(PANEL, "communication/_panel.html", panel_context, Section.COMMUNICATION)
