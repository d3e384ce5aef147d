"""Police report and notifications on the case page (§6.4, §7): consent, filing, progress fed back
to the victim, and the checklist of whom to warn — with the labour inspectorate's 24 hours for a
serious incident. The rules are in models.police and models.notices; handlers change, informed see."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from models import audit, clock, deadlines, notices, police, settings
from models.cases import Case, CaseKind
from models.db import write_transaction
from models.notices import Notice, NoticeKind
from models.police import InvestigationStatus, PoliceReport
from models.visibility import Access
from portal import case_panels
from portal.case_panels import case_or_404, sent_form, show_again
from portal.police.forms import ActionForm, FileForm, NoticeForm, StatusForm
from portal.security import client_ip

bp = Blueprint("police", __name__)


def _today() -> dt.date:
    return clock.to_local(clock.utcnow()).date()


# --- the panel ------------------------------------------------------------------------------------


def panel_context(case: Case, level: Access, user):
    if case.kind != CaseKind.REPORT.value:
        return None
    report = PoliceReport.get_or_none(PoliceReport.case == case.id)
    handler = level >= Access.HANDLER
    now = clock.utcnow()
    feedback_due = None
    if report is not None:
        feedback_due = (
            deadlines.Deadline.select()
            .where(
                (deadlines.Deadline.case == case.id)
                & (deadlines.Deadline.kind == deadlines.DeadlineKind.POLICE_FEEDBACK.value)
                & (deadlines.Deadline.object_id == report.id)
                & deadlines.Deadline.done_at.is_null()
            )
            .order_by(deadlines.Deadline.due_at)
            .first()
        )
    done = {n.kind: n for n in Notice.select().where(Notice.case == case.id)}
    items = []
    for kind in notices.checklist(case):
        notice = done.get(kind.value)
        refused = kind == NoticeKind.OTHER_OFFICE_HOLDERS and not case.consent_inform_others
        form = sent_form("police", kind.value)
        if form is None and handler and notice is None and not refused:
            form = NoticeForm(formdata=None, prefix=kind.value, done_on=_today())
        items.append(
            {
                "kind": kind.value,
                "label": notices.NOTICE_LABELS[kind],
                "notice": notice,
                "form": form,
                "no_consent": refused,
            }
        )
    inspectorate = None
    if notices.is_serious(case):
        row = notices.inspectorate_deadline_row(case)
        deadline = notices.inspectorate_deadline(case)
        warned = done.get(NoticeKind.INSPECTORATE.value)
        inspectorate = {
            "deadline": deadline,
            "row": row,
            "warned": warned,
            "hours": settings.get("inspectorate_hours"),
            "overdue": warned is None and now > deadline,
        }
    return {
        "report": report,
        "status_labels": {s.value: label for s, label in police.INVESTIGATION_LABELS.items()},
        "feedback_due": feedback_due,
        "handler": handler,
        "action_form": ActionForm(formdata=None),
        "file_form": (sent_form("police", "file") or FileForm(formdata=None, prefix="aangifte", filed_on=_today()))
        if handler and report is None
        else None,
        "status_form": (
            sent_form("police", "status") or StatusForm(formdata=None, prefix="stand", status=report.status)
        )
        if handler and report is not None
        else None,
        "checklist": items,
        "inspectorate": inspectorate,
        "serious_harm_recorded": case.serious_harm,
        "now": now,
        "date": lambda day: format_date(day, "d MMMM yyyy"),
    }


def _is_report(_user, case: Case, _level) -> bool:
    return case.kind == CaseKind.REPORT.value  # a consultation has no police report


def _handler_case(reference: str) -> Case:
    case, _level = case_or_404(reference, Access.HANDLER, also=_is_report)
    return case


def _back(case: Case, anchor: str = "aangifte"):
    return redirect(url_for("cases.case_page", reference=case.reference) + f"#{anchor}")


def _audit(action: str, case: Case, detail: str = "") -> None:
    audit.record(action, actor_id=current_user.id, object_type="case", object_id=case.id, ip=client_ip(), detail=detail)


# --- the police report ----------------------------------------------------------------------------


@bp.route("/zaken/<reference>/aangifte/toestemming", methods=["POST"])
def record_consent(reference):
    case = _handler_case(reference)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not case.consent_police_report:
        with write_transaction():
            police.record_consent(case, current_user)
            _audit("police_consent_recorded", case)
    flash(_("De toestemming voor aangifte is vastgelegd."), "success")
    return _back(case)


@bp.route("/zaken/<reference>/aangifte", methods=["POST"])
def file_report(reference):
    case = _handler_case(reference)
    form = FileForm(prefix="aangifte")
    if form.validate_on_submit():
        try:
            with write_transaction():
                report = police.file(
                    case, current_user, filed_on=form.filed_on.data, registration_number=form.registration_number.data
                )
                _audit("police_report_filed", case, detail=f"police_report={report.id}")
        except police.PoliceReportRefused as refused:
            form.form_errors.append(_(refused.message))
        else:
            flash(_("De aangifte is vastgelegd. De melder moet regelmatig horen hoe het ervoor staat."), "success")
            return _back(case)
    return show_again(case, "police", "file", form, status=400)


def _report_of(case: Case) -> PoliceReport:
    report = PoliceReport.get_or_none(PoliceReport.case == case.id)
    if report is None:
        abort(404)
    return report


@bp.route("/zaken/<reference>/aangifte/stand", methods=["POST"])
def update_status(reference):
    case = _handler_case(reference)
    report = _report_of(case)
    form = StatusForm(prefix="stand")
    if form.validate_on_submit():
        status = InvestigationStatus(form.status.data)
        with write_transaction():
            police.update_status(
                report, status, current_user, decision=form.decision.data or None, outcome=form.outcome.data or None
            )
            _audit("police_report_status_changed", case, detail=f"status={status.value}")
        flash(_("De stand van de aangifte is bijgewerkt."), "success")
        return _back(case)
    return show_again(case, "police", "status", form, status=400)


@bp.route("/zaken/<reference>/aangifte/melder-geinformeerd", methods=["POST"])
def feedback_given(reference):
    case = _handler_case(reference)
    report = _report_of(case)
    if not ActionForm().validate_on_submit():
        abort(400)
    with write_transaction():
        police.feedback_given(report, current_user)
        _audit("police_feedback_given", case)
    flash(_("Vastgelegd dat de melder is geïnformeerd over de aangifte."), "success")
    return _back(case)


# --- notifications --------------------------------------------------------------------------------


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
    return _back(case, "meldingen")


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
            return _back(case, "meldingen")
        try:
            with write_transaction():
                notices.record(case, notice_kind, current_user, form.done_on.data)
                _audit("notice_recorded", case, detail=f"kind={notice_kind.value}")
        except notices.NoticeRefused as refused:
            form.form_errors.append(_(refused.message))
        else:
            flash(_("Vastgelegd: %(what)s.", what=_(notices.NOTICE_LABELS[notice_kind])), "success")
            return _back(case, "meldingen")
    return show_again(case, "police", notice_kind.value, form, status=400)


def init_app(app):
    app.register_blueprint(bp)
    case_panels.register("police", "police/_panel.html", panel_context, order=25)
