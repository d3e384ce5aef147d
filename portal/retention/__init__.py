"""Data that does not live forever (AVG): the legal hold on the case page, the admin's view of the
retention settings' effect (a dry run: kinds and counts, never content) with a button to run it now,
and the security officer's inzageverzoek PDF for one perpetrator. The rules are in models.retention."""

from __future__ import annotations

import peewee
from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import audit, retention, settings
from models.accounts import Role
from models.cases import Case
from models.casework import Section
from models.db import write_transaction
from models.perpetrators import Perpetrator
from models.retention import Kind, Tombstone
from models.visibility import Access
from portal import case_panels
from portal.case_panels import back_to, case_or_404, folded, show_again
from portal.retention.forms import LiftHoldForm, PlaceHoldForm, RunForm
from portal.security import client_ip, roles_required

bp = Blueprint("retention", __name__)


# --- legal hold on the case page --------------------------------------------------------------


def panel_context(case: Case, level: Access, user, file):
    hold = file.active_hold
    handler = level >= Access.HANDLER
    if hold is None and not handler:
        return None
    return {
        "hold": hold,
        "handler": handler,
        "place_form": folded("retention", "place", lambda: PlaceHoldForm(formdata=None))
        if handler and hold is None
        else None,
        "lift_form": folded("retention", "lift", lambda: LiftHoldForm(formdata=None))
        if handler and hold is not None
        else None,
        "closed_case_months": settings.get("retention_closed_case_months"),
    }


@bp.route("/zaken/<reference>/bewaren", methods=["POST"])
def place_hold(reference):
    case, _level = case_or_404(reference, Access.HANDLER)
    form = PlaceHoldForm()
    if not form.validate_on_submit():
        return show_again(case, "retention", "place", form)
    try:
        with write_transaction():
            hold = retention.place_hold(case, form.reason.data, current_user)
            audit.record(
                "legal_hold_placed",
                actor_id=current_user.id,
                object_type="case",
                object_id=case.id,
                ip=client_ip(),
                detail=f"hold={hold.id}",
            )
    except retention.HoldRefused as refused:
        flash(_(refused.message), "error")
    else:
        flash(_("De melding wordt bewaard. De gegevens worden niet verwijderd tot u dit opheft."), "success")
    return back_to(case, Section.ACCESS)


@bp.route("/zaken/<reference>/bewaren/opheffen", methods=["POST"])
def lift_hold(reference):
    case, _level = case_or_404(reference, Access.HANDLER)
    form = LiftHoldForm()
    if not form.validate_on_submit():
        return show_again(case, "retention", "lift", form)
    try:
        with write_transaction():
            hold = retention.lift_hold(case, form.reason.data, current_user)
            audit.record(
                "legal_hold_lifted",
                actor_id=current_user.id,
                object_type="case",
                object_id=case.id,
                ip=client_ip(),
                detail=f"hold={hold.id}",
            )
    except retention.HoldRefused as refused:
        flash(_(refused.message), "error")
    else:
        flash(_("De melding wordt niet langer extra bewaard. De gewone bewaartermijn geldt weer."), "success")
    return back_to(case, Section.ACCESS)


# --- the admin: what the settings do ------------------------------------------------------------


@bp.route("/beheer/bewaartermijnen")
@roles_required(Role.ADMIN)
def overview():
    dry_run = retention.plan()
    counts = dry_run.counts()
    rows = []
    for kind in Kind:
        key = retention.KIND_SETTINGS[kind]
        spec = settings.SPECS[key]
        rows.append(
            {
                "kind": kind,
                "label": retention.KIND_LABELS[kind],
                "setting": spec,
                "value": settings.get(key),
                "due": counts[kind],
            }
        )
    done = dict(Tombstone.select(Tombstone.kind, peewee.fn.COUNT(Tombstone.id)).group_by(Tombstone.kind).tuples())
    last_run = Tombstone.select(peewee.fn.MAX(Tombstone.done_at)).scalar()
    audit.record("retention_plan_viewed", actor_id=current_user.id, object_type="retention", ip=client_ip())
    return render_template(
        "retention/overview.html", rows=rows, done=done, last_run=last_run, held=dry_run.held_cases, run_form=RunForm()
    )


@bp.route("/beheer/bewaartermijnen/nu", methods=["POST"])
@roles_required(Role.ADMIN)
def run_now():
    if not RunForm().validate_on_submit():
        abort(400)
    from jobs import tasks

    audit.record("retention_run_requested", actor_id=current_user.id, object_type="retention", ip=client_ip())
    tasks.run_retention_now(current_user.id, client_ip())
    flash(
        _(
            "Het opruimen is gestart. Wat voorbij de bewaartermijn is, wordt verwijderd of geanonimiseerd. "
            "Bekijk deze pagina over een paar minuten opnieuw."
        ),
        "success",
    )
    return redirect(url_for("retention.overview"))


# --- inzageverzoek: everything about one perpetrator ----------------------------------------------


@bp.route("/register/<int:perpetrator_id>/inzage.pdf")
@roles_required(Role.SECURITY_OFFICER)
def subject_access_pdf(perpetrator_id):
    if Perpetrator.get_or_none(Perpetrator.id == perpetrator_id) is None:
        abort(404)
    from portal.retention.pdf import subject_access_pdf as render

    data = retention.subject_access(current_user, perpetrator_id)
    audit.record(
        "subject_access_produced",
        actor_id=current_user.id,
        object_type="perpetrator",
        object_id=perpetrator_id,
        ip=client_ip(),
    )
    return Response(
        render(data),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="inzage-register-{perpetrator_id}.pdf"',
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


def init_app(app):
    app.register_blueprint(bp)
    case_panels.register("retention", "retention/_panel.html", panel_context, Section.ACCESS, order=60)
