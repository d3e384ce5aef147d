"""Police reports on the case page (§6.4, §7): filing one or more police reports, each fed back to
the victim and made known to the OM, and the dossier for the police. Whom to warn (the checklist,
the labour inspectorate, an acute threat) is portal.notices' panel. The rules are in
models.police, models.police_dossier and models.notices; handlers change, informed see."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, current_app, flash
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from models import audit, clock, consent, deadlines, notices, police, police_dossier
from models.cases import Case, CaseKind, NotAllowed
from models.casework import Section
from models.consent import Purpose
from models.db import write_transaction
from models.police import InvestigationStatus, PoliceReport
from models.visibility import Access
from portal import case_panels
from portal.case_panels import back_to, case_or_404, folded, sent_form, show_again
from portal.police.dossier import pdf_name, render_pdf, render_zip
from portal.police.forms import ActionForm, FeedbackForm, FileForm, ProsecutorForm, StatusForm
from portal.security import client_ip

bp = Blueprint("police", __name__)


def _today() -> dt.date:
    return clock.to_local(clock.utcnow()).date()


# --- the panel ------------------------------------------------------------------------------------


def _feedback_due(case: Case, report: PoliceReport, open_deadlines: list | None = None):
    if open_deadlines is not None:  # the case page's file read them, earliest due first
        kind = deadlines.DeadlineKind.POLICE_FEEDBACK.value
        return next((d for d in open_deadlines if d.kind == kind and d.object_id == report.id), None)
    return (
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


def _report_item(
    case: Case, report: PoliceReport, handler: bool, open_deadlines: list | None = None, last_feedback=None
) -> dict:
    """One police report as the panel and the victim's page show it, with its forms for a handler.
    `open_deadlines` and `last_feedback` (by report id): when the case page's file read them already."""
    last = police.last_feedback(report) if last_feedback is None else last_feedback[report.id]
    item = {
        "report": report,
        "subject": police.SUBJECT_LABELS[police.ReportSubject(report.subject)],
        "status": police.INVESTIGATION_LABELS[InvestigationStatus(report.status)],
        "last_feedback": last,
        "feedback_due": _feedback_due(case, report, open_deadlines),
    }
    if handler:
        item |= {
            "status_form": folded(
                "police",
                f"status-{report.id}",
                lambda: StatusForm(formdata=None, prefix=f"stand-{report.id}", status=report.status),
            ),
            "feedback_form": FeedbackForm(formdata=None, prefix=f"melder-{report.id}", after=last.id if last else 0),
            "prosecutor_form": None
            if report.prosecutor_informed_on
            else sent_form("police", f"prosecutor-{report.id}")
            or ProsecutorForm(formdata=None, prefix=f"om-{report.id}", done_on=_today()),
            "dossier_form": sent_form("police", f"dossier-{report.id}"),
        }
    return item


def panel_context(case: Case, level: Access, user, file):
    if case.kind != CaseKind.REPORT.value:
        return None
    handler = level >= Access.HANDLER
    now = clock.utcnow()
    consent_given = consent.in_force(case, Purpose.POLICE_REPORT, records=file.consent_records)
    open_deadlines = file.open_deadlines
    return {
        "reports": [
            _report_item(case, report, handler, open_deadlines, file.last_feedback)
            for report in file.attach(file.police_reports, "filed_by", "consent_recorded_by")
        ],
        "consent_given": consent_given,
        "handler": handler,
        "action_form": ActionForm(formdata=None),
        "file_form": folded("police", "file", lambda: FileForm(formdata=None, prefix="aangifte", filed_on=_today()))
        if handler
        else None,
        "now": now,
        "date": lambda day: format_date(day, "d MMMM yyyy"),
    }


def _is_report(_user, case: Case, _level) -> bool:
    return case.kind == CaseKind.REPORT.value  # a consultation has no police report


def _handler_case(reference: str) -> Case:
    case, _level = case_or_404(reference, Access.HANDLER, also=_is_report)
    return case


def _audit(action: str, case: Case, detail: str = "") -> None:
    audit.record(action, actor_id=current_user.id, object_type="case", object_id=case.id, ip=client_ip(), detail=detail)


def _refusal(refused: Exception) -> str:
    message = getattr(refused, "message", None)
    return _(message) if message else _("Dit kan nu niet.")


# --- the police reports ---------------------------------------------------------------------------


@bp.route("/zaken/<reference>/aangifte", methods=["POST"])
def file_report(reference):
    case = _handler_case(reference)
    form = FileForm(prefix="aangifte")
    if form.validate_on_submit():
        try:
            with write_transaction():
                report = police.file(
                    case,
                    current_user,
                    filed_on=form.filed_on.data,
                    registration_number=form.registration_number.data,
                    police_station=form.police_station.data,
                    subject=police.ReportSubject(form.subject.data),
                )
                _audit("police_report_filed", case, detail=f"police_report={report.id}")
        except police.AlreadyFiled:
            flash(_("Deze aangifte was al vastgelegd."), "success")
            return back_to(case, Section.POLICE)
        except (police.PoliceReportRefused, NotAllowed) as refused:
            form.form_errors.append(_refusal(refused))
        else:
            flash(_("De aangifte is vastgelegd. De melder moet regelmatig horen hoe het ervoor staat."), "success")
            return back_to(case, Section.POLICE)
    return show_again(case, "police", "file", form, status=400)


def _report_of(case: Case, report_id: int) -> PoliceReport:
    report = PoliceReport.get_or_none((PoliceReport.id == report_id) & (PoliceReport.case == case.id))
    if report is None:
        abort(404)
    return report


@bp.route("/zaken/<reference>/aangifte/<int:report_id>/stand", methods=["POST"])
def update_status(reference, report_id):
    case = _handler_case(reference)
    report = _report_of(case, report_id)
    form = StatusForm(prefix=f"stand-{report.id}")
    if form.validate_on_submit():
        status = InvestigationStatus(form.status.data)
        with write_transaction():
            police.update_status(
                report, status, current_user, decision=form.decision.data or None, outcome=form.outcome.data or None
            )
            _audit("police_report_status_changed", case, detail=f"police_report={report.id} status={status.value}")
        flash(_("De stand van de aangifte is bijgewerkt."), "success")
        return back_to(case, Section.POLICE)
    return show_again(case, "police", f"status-{report.id}", form, status=400)


@bp.route("/zaken/<reference>/aangifte/<int:report_id>/melder-geinformeerd", methods=["POST"])
def feedback_given(reference, report_id):
    case = _handler_case(reference)
    report = _report_of(case, report_id)
    form = FeedbackForm(prefix=f"melder-{report.id}")
    if not form.validate_on_submit():
        abort(400)
    with write_transaction():
        feedback = police.feedback_given(report, current_user, after=form.after.data)
        _audit("police_feedback_given", case, detail=f"police_report={report.id} feedback={feedback.id}")
    flash(_("Vastgelegd dat de melder is geïnformeerd over de aangifte."), "success")
    return back_to(case, Section.POLICE)


@bp.route("/zaken/<reference>/aangifte/<int:report_id>/om", methods=["POST"])
def prosecutor_informed(reference, report_id):
    case = _handler_case(reference)
    report = _report_of(case, report_id)
    form = ProsecutorForm(prefix=f"om-{report.id}")
    if form.validate_on_submit():
        try:
            with write_transaction():
                police.record_prosecutor_informed(report, current_user, form.done_on.data)
                _audit("police_prosecutor_informed", case, detail=f"police_report={report.id}")
        except (police.PoliceReportRefused, notices.NoticeRefused) as refused:
            form.form_errors.append(_refusal(refused))
        else:
            flash(_("Vastgelegd dat het Openbaar Ministerie op de hoogte is van deze aangifte."), "success")
            return back_to(case, Section.POLICE)
    return show_again(case, "police", f"prosecutor-{report.id}", form, status=400)


# --- the dossier for the police -------------------------------------------------------------------


def _dossier(case: Case, report: PoliceReport):
    """The dossier, or the case page again with why not (no consent in force, a changed file)."""
    try:
        return police_dossier.build(report, current_user, current_app.config["UPLOAD_PATH"], ip=client_ip()), None
    except police_dossier.EvidenceChanged as changed:
        message = _(changed.message, name=changed.item.filename)
        status = 409
    except NotAllowed as refused:
        message, status = _refusal(refused), 403
    _audit("police_dossier_refused", case, detail=f"police_report={report.id}")
    form = ActionForm(formdata=None)
    form.form_errors.append(message)
    return None, show_again(case, "police", f"dossier-{report.id}", form, status=status)


def _download(data: bytes, mimetype: str, name: str) -> Response:
    return Response(
        data,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


@bp.route("/zaken/<reference>/aangifte/<int:report_id>/dossier.pdf")
def dossier_pdf(reference, report_id):
    case = _handler_case(reference)
    report = _report_of(case, report_id)
    dossier, refused = _dossier(case, report)
    if refused is not None:
        return refused
    pdf = render_pdf(dossier)
    _audit("police_dossier_downloaded", case, detail=f"police_report={report.id} format=pdf files={len(dossier.files)}")
    return _download(pdf, "application/pdf", pdf_name(dossier))


@bp.route("/zaken/<reference>/aangifte/<int:report_id>/dossier.zip")
def dossier_zip(reference, report_id):
    case = _handler_case(reference)
    report = _report_of(case, report_id)
    dossier, refused = _dossier(case, report)
    if refused is not None:
        return refused
    package = render_zip(dossier, render_pdf(dossier))
    _audit("police_dossier_downloaded", case, detail=f"police_report={report.id} format=zip files={len(dossier.files)}")
    return _download(package, "application/zip", pdf_name(dossier).removesuffix(".pdf") + ".zip")


def init_app(app):
    app.register_blueprint(bp)
    case_panels.register("police", "police/_panel.html", panel_context, Section.POLICE)
