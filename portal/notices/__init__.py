"""Whom to warn, on the case page (§6.4, §7): the labour inspectorate for a serious incident — a
handler assesses it, with the criteria on screen, and records the notice given; an acute, serious
threat, with the security officer told at once and the protection measures the police propose; the
checklist (OM, police, Chief Public Prosecutor, NCTV, King's Commissioner, other office holders).
The rules are in models.notices and models.protection; handlers change, informed see."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from models import audit, clock, consent, notices, protection, settings
from models.cases import Case, CaseKind
from models.casework import Section
from models.consent import Purpose
from models.db import write_transaction
from models.notices import InspectorateState, Notice, NoticeKind
from models.protection import ProtectionMeasure
from models.visibility import Access
from portal import case_panels, mail
from portal.case_panels import back_to, case_or_404, folded, sent_form, show_again
from portal.notices.forms import (
    ActionForm,
    AssessmentForm,
    InspectorateNoticeForm,
    MeasureEndForm,
    NoticeForm,
    ProtectionMeasureForm,
)
from portal.security import client_ip

bp = Blueprint("notices", __name__)
PANEL = "notices"


def _now_local() -> dt.datetime:
    return clock.to_local(clock.utcnow()).replace(tzinfo=None, second=0, microsecond=0)


def _today() -> dt.date:
    return clock.to_local(clock.utcnow()).date()


# --- the panel ------------------------------------------------------------------------------------


def _checklist(case: Case, handler: bool, file) -> list[dict]:
    done = {n.kind: n for n in file.notices}
    items = []
    for kind in notices.checklist(case, acute=file.acute_threat is not None, reports=file.police_reports):
        notice = done.get(kind.value)
        refused = kind == NoticeKind.OTHER_OFFICE_HOLDERS and not consent.in_force(
            case, Purpose.INFORM_OTHERS, records=file.consent_records
        )
        form = sent_form(PANEL, kind.value)
        if form is None and handler and notice is None and not refused:
            form = NoticeForm(formdata=None, prefix=kind.value, done_on=_today())
        items.append(
            {
                "kind": kind.value,
                "label": notices.NOTICE_LABELS[kind],
                "hint": notices.NOTICE_HINTS[kind],
                "notice": notice,
                "form": form,
                "no_consent": refused,
            }
        )
    return items


def _inspectorate(case: Case, handler: bool, file) -> dict:
    status = notices.inspectorate_status(case, assessments=file.inspectorate_assessments, deadline_rows=file.deadlines)
    assessment_form = notice_form = None
    if handler and status.state in (InspectorateState.NOTHING, InspectorateState.TO_ASSESS):
        assessment_form = folded(
            PANEL, "assessment", lambda: AssessmentForm(formdata=None, prefix="beoordeling", known_at=_now_local())
        )
    notice_form = sent_form(PANEL, "inspectorate")  # a form sent back is shown with its message, whatever the state
    if notice_form is None and handler and status.state == InspectorateState.REPORTABLE:
        notice_form = InspectorateNoticeForm(
            formdata=None, prefix="arbeidsinspectie", notified_at=_now_local(), notified_by=current_user.name
        )
    return {
        "status": status,
        "state": status.state.value,
        "hours": settings.get("inspectorate_hours"),
        "criteria": [notices.CRITERION_LABELS[c] for c in notices.Criterion],
        "assessed_criteria": [notices.CRITERION_LABELS[c] for c in status.assessment.criteria_list]
        if status.assessment
        else [],
        "assessment_form": assessment_form,
        "notice_form": notice_form,
    }


def _acute(case: Case, handler: bool, file) -> dict:
    mark = file.acute_threat
    measures = protection.measures(case) if mark else []
    return {
        "mark": mark,
        "measures": [
            {
                "measure": measure,
                "end_form": folded(
                    PANEL,
                    f"end-{measure.id}",
                    lambda measure=measure: MeasureEndForm(formdata=None, prefix=f"einde-{measure.id}"),
                )
                if handler
                else None,
            }
            for measure in measures
        ],
        "measure_form": folded(
            PANEL, "protection", lambda: ProtectionMeasureForm(formdata=None, prefix="beveiliging", starts_on=_today())
        )
        if handler and mark
        else None,
        "officers_informed": bool(protection.security_officers(case)) if mark else None,
    }


def panel_context(case: Case, level: Access, user, file):
    if case.kind != CaseKind.REPORT.value:
        return None  # a consultation is not an incident to warn anyone of
    handler = level >= Access.HANDLER
    return {
        "handler": handler,
        "action_form": ActionForm(formdata=None),
        "inspectorate": _inspectorate(case, handler, file),
        "acute": _acute(case, handler, file),
        "checklist": _checklist(case, handler, file),
        "serious_harm_recorded": case.serious_harm,
        "date": lambda day: format_date(day, "d MMMM yyyy"),
    }


# --- helpers of the views -------------------------------------------------------------------------


def _is_report(_user, case: Case, _level) -> bool:
    return case.kind == CaseKind.REPORT.value


def _handler_case(reference: str) -> Case:
    case, _level = case_or_404(reference, Access.HANDLER, also=_is_report)
    return case


def _audit(action: str, case: Case, detail: str = "") -> None:
    audit.record(action, actor_id=current_user.id, object_type="case", object_id=case.id, ip=client_ip(), detail=detail)


def _refused(form, refused: notices.NoticeRefused | protection.ProtectionRefused) -> None:
    """The model's refusal next to the field it is about, else above the form."""
    field = getattr(refused, "field", None)
    if field and field in form:
        form[field].errors = [*form[field].errors, _(refused.message)]
    else:
        form.form_errors.append(_(refused.message))


def _utc(local_moment: dt.datetime | None) -> dt.datetime | None:
    return clock.to_utc(local_moment) if local_moment else None


# --- the labour inspectorate ----------------------------------------------------------------------


@bp.route("/zaken/<reference>/meldingen/arbeidsinspectie/beoordeling", methods=["POST"])
def assess(reference):
    case = _handler_case(reference)
    form = AssessmentForm(prefix="beoordeling")
    if form.validate_on_submit():
        if notices.current_assessment(case) is not None:
            flash(_("Dit was al vastgelegd."), "success")
            return back_to(case, Section.NOTICES)
        reportable = form.reportable.data == "yes"
        try:
            with write_transaction():
                notices.assess(
                    case,
                    current_user,
                    reportable=reportable,
                    criteria=form.criteria.data or [],
                    reason=form.reason.data or "",
                    known_at=_utc(form.known_at.data),
                )
                _audit("inspectorate_assessed", case, detail=f"reportable={'yes' if reportable else 'no'}")
        except notices.NoticeRefused as refused:
            _refused(form, refused)
        else:
            if reportable:
                flash(_("Vastgelegd: een ernstig incident. Waarschuw de Arbeidsinspectie op tijd."), "success")
            else:
                flash(_("Vastgelegd: geen melding aan de Arbeidsinspectie nodig."), "success")
            return back_to(case, Section.NOTICES)
    return show_again(case, PANEL, "assessment", form, status=400)


@bp.route("/zaken/<reference>/meldingen/arbeidsinspectie/gewaarschuwd", methods=["POST"])
def inspectorate_notice(reference):
    case = _handler_case(reference)
    form = InspectorateNoticeForm(prefix="arbeidsinspectie")
    if form.validate_on_submit():
        current = notices.current_assessment(case)
        if current is not None and current.notified_at is not None:
            flash(_("Dit was al vastgelegd."), "success")
            return back_to(case, Section.NOTICES)
        try:
            with write_transaction():
                notices.record_inspectorate_notice(
                    case,
                    current_user,
                    notified_at=_utc(form.notified_at.data),
                    notified_by=form.notified_by.data,
                    reference=form.reference.data,
                )
                _audit("inspectorate_notified", case)
        except notices.NoticeRefused as refused:
            _refused(form, refused)
        else:
            flash(_("Vastgelegd: de Arbeidsinspectie is gewaarschuwd."), "success")
            return back_to(case, Section.NOTICES)
    return show_again(case, PANEL, "inspectorate", form, status=400)


@bp.route("/zaken/<reference>/meldingen/ernstige-schade", methods=["POST"])
def serious_harm(reference):
    case = _handler_case(reference)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not case.serious_harm:
        with write_transaction():
            notices.mark_serious_harm(case, current_user)
            _audit("serious_harm_recorded", case)
    flash(
        _(
            "Vastgelegd: blijvende schade of overlijden. Waarschuw de Arbeidsinspectie op tijd; de termijn staat hieronder."
        ),
        "success",
    )
    return back_to(case, Section.NOTICES)


# --- an acute, serious threat ---------------------------------------------------------------------


@bp.route("/zaken/<reference>/meldingen/acute-dreiging", methods=["POST"])
def mark_acute(reference):
    case = _handler_case(reference)
    if not ActionForm().validate_on_submit():
        abort(400)
    with write_transaction():
        _mark, new = protection.mark_acute(case, current_user)
        if new:
            _audit("acute_threat_marked", case)
            path = url_for("cases.case_page", reference=case.reference)
            for officer in protection.security_officers(case):  # at once, without case content
                mail.queue(officer.email, officer.locale, "acute_threat", name=officer.name, path=path)
    flash(
        _("Vastgelegd: een acute, ernstige dreiging. Licht de politie en de Hoofdofficier van Justitie in."), "success"
    )
    return back_to(case, Section.NOTICES)


@bp.route("/zaken/<reference>/meldingen/beveiligingsmaatregelen", methods=["POST"])
def add_protection(reference):
    case = _handler_case(reference)
    if not protection.is_acute(case):
        abort(404)  # no protection measures without an acute threat (models.protection refuses too)
    form = ProtectionMeasureForm(prefix="beveiliging")
    if form.validate_on_submit():
        try:
            with write_transaction():
                measure = protection.add_measure(
                    case,
                    current_user,
                    description=form.description.data,
                    involved=form.involved.data,
                    starts_on=form.starts_on.data,
                    ends_on=form.ends_on.data,
                )
                _audit("protection_measure_recorded", case, detail=f"measure={measure.id}")
        except protection.ProtectionRefused as refused:
            _refused(form, refused)
        else:
            flash(_("De beveiligingsmaatregel is vastgelegd."), "success")
            return back_to(case, Section.NOTICES)
    return show_again(case, PANEL, "protection", form, status=400)


@bp.route("/zaken/<reference>/meldingen/beveiligingsmaatregelen/<int:measure_id>/einde", methods=["POST"])
def end_protection(reference, measure_id):
    case = _handler_case(reference)
    measure = ProtectionMeasure.get_or_none((ProtectionMeasure.id == measure_id) & (ProtectionMeasure.case == case.id))
    if measure is None:
        abort(404)
    form = MeasureEndForm(prefix=f"einde-{measure.id}")
    if form.validate_on_submit():
        try:
            with write_transaction():
                protection.end_measure(measure, current_user, form.ends_on.data)
                _audit("protection_measure_ended", case, detail=f"measure={measure.id}")
        except protection.ProtectionRefused as refused:
            _refused(form, refused)
        else:
            flash(_("De einddatum van de beveiligingsmaatregel is vastgelegd."), "success")
            return back_to(case, Section.NOTICES)
    return show_again(case, PANEL, f"end-{measure.id}", form, status=400)


# --- the checklist --------------------------------------------------------------------------------


@bp.route("/zaken/<reference>/meldingen/<kind>", methods=["POST"])
def record_notice(reference, kind):
    case = _handler_case(reference)
    try:
        notice_kind = NoticeKind(kind)
    except ValueError:
        abort(404)
    if notice_kind not in notices.checklist(case):
        abort(404)  # not a notice this case has
    form = NoticeForm(prefix=notice_kind.value)
    if form.validate_on_submit():
        if Notice.select().where((Notice.case == case.id) & (Notice.kind == notice_kind.value)).exists():
            flash(_("Dit was al vastgelegd."), "success")
            return back_to(case, Section.NOTICES)
        try:
            with write_transaction():
                notices.record(case, notice_kind, current_user, form.done_on.data)
                _audit("notice_recorded", case, detail=f"kind={notice_kind.value}")
        except notices.NoticeRefused as refused:
            _refused(form, refused)
        else:
            flash(_("Vastgelegd: %(what)s.", what=_(notices.NOTICE_LABELS[notice_kind])), "success")
            return back_to(case, Section.NOTICES)
    return show_again(case, PANEL, notice_kind.value, form, status=400)


def init_app(app):
    app.register_blueprint(bp)
    case_panels.register(PANEL, "notices/_panel.html", panel_context, Section.NOTICES)
