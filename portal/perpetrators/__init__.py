"""The perpetrator on the case page (first or repeated incident, §6.2) and the perpetrator register
for the security officer. Matching and retention live in models.perpetrators; who sees which
linked case comes from models.visibility."""

from __future__ import annotations

import datetime as dt

import peewee
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import audit, perpetrators, scheme, visibility
from models.accounts import Role
from models.cases import Case
from models.db import write_transaction
from models.perpetrators import CasePerpetrator, EmployeeIncident, Perpetrator
from models.visibility import Access, case_access
from portal import case_panels
from portal.case_panels import case_or_404, sent_form, show_again
from portal.perpetrators.forms import EmployeeIncidentForm, LinkForm, RenewForm
from portal.security import client_ip, roles_required

bp = Blueprint("perpetrators", __name__)


def _split_by_access(user, others: list[Case]) -> tuple[list[Case], int]:
    visible = [other for other in others if case_access(user, other) >= Access.INFORMED]
    return visible, len(others) - len(visible)


def _prefilled_link_form(case: Case) -> LinkForm:
    try:
        birth_date = dt.date.fromisoformat(case.perpetrator_birth_date) if case.perpetrator_birth_date else None
    except ValueError:
        birth_date = None
    return LinkForm(
        formdata=None,
        name=case.perpetrator_name,
        birth_date=birth_date,
        address=case.perpetrator_address,
        description=case.perpetrator_description,
    )


def panel_context(case, level, user):
    sees_employee_incidents = visibility.may_see_employee_incidents(user)
    entries = []
    for perpetrator in perpetrators.linked_perpetrators(case):
        history = perpetrators.incident_history(perpetrator, case)
        earlier_ids = {c.id for c in history["earlier_cases"]}
        later = [c for c in perpetrators.other_cases(perpetrator, case.id) if c.id not in earlier_ids]
        earlier_visible, earlier_hidden = _split_by_access(user, history["earlier_cases"])
        later_visible, later_hidden = _split_by_access(user, later)
        entries.append(
            {
                "perpetrator": perpetrator,
                "history": history,
                "earlier_visible": earlier_visible,
                "earlier_hidden": earlier_hidden,
                "later_visible": later_visible,
                "later_hidden": later_hidden,
                "employee_incidents": visibility.employee_incidents(user, perpetrator)
                if sees_employee_incidents
                else [],
                "employee_count": len(history["employee_incidents"]),
            }
        )
    may_link = level >= Access.HANDLER
    return {
        "entries": entries,
        "may_link": may_link,
        "sees_employee_incidents": sees_employee_incidents,
        "link_form": sent_form("perpetrators", "link") or (_prefilled_link_form(case) if may_link else None),
        "class_labels": scheme.CLASS_LABELS,
        "BehaviourClass": scheme.BehaviourClass,
        "has_perpetrator_data": bool(case.perpetrator_name),
    }


@bp.route("/zaken/<reference>/veroorzaker", methods=["POST"])
def link(reference):
    case, _level = case_or_404(reference, Access.HANDLER)
    form = LinkForm()
    if form.validate_on_submit():
        with write_transaction():
            perpetrator = perpetrators.link_case(
                case,
                name=form.name.data,
                birth_date=form.birth_date.data.isoformat() if form.birth_date.data else None,
                address=form.address.data or None,
                description=form.description.data or None,
                actor=current_user,
            )
            audit.record(
                "perpetrator_linked",
                actor_id=current_user.id,
                object_type="case",
                object_id=case.id,
                ip=client_ip(),
                detail=f"perpetrator={perpetrator.id}",
            )
        flash(_("De melding is gekoppeld aan het register van veroorzakers."), "success")
        return redirect(url_for("cases.case_page", reference=case.reference, _anchor="veroorzaker"))
    return show_again(case, "perpetrators", "link", form)


# --- the register: the security officer only -------------------------------------------------------


def _entry(perpetrator_id: int) -> Perpetrator:
    perpetrator = Perpetrator.get_or_none(Perpetrator.id == perpetrator_id)
    if perpetrator is None:
        abort(404)
    return perpetrator


@bp.route("/register")
@roles_required(Role.SECURITY_OFFICER)
def register():
    entries = list(Perpetrator.select().order_by(Perpetrator.expired_at.is_null(False), Perpetrator.created_at.desc()))
    case_counts = {
        row.perpetrator_id: row.n
        for row in CasePerpetrator.select(
            CasePerpetrator.perpetrator, peewee.fn.COUNT(CasePerpetrator.id).alias("n")
        ).group_by(CasePerpetrator.perpetrator)
    }
    incident_counts = {
        row.perpetrator_id: row.n
        for row in EmployeeIncident.select(
            EmployeeIncident.perpetrator, peewee.fn.COUNT(EmployeeIncident.id).alias("n")
        ).group_by(EmployeeIncident.perpetrator)
    }
    audit.record("register_viewed", actor_id=current_user.id, object_type="register", ip=client_ip())
    return render_template(
        "perpetrators/register.html", entries=entries, case_counts=case_counts, incident_counts=incident_counts
    )


def _render_entry(perpetrator: Perpetrator, incident_form=None, renew_form=None, status=200):
    linked = perpetrators.other_cases(perpetrator, exclude_case_id=0)
    visible, hidden = _split_by_access(current_user, linked)
    incidents = visibility.employee_incidents(current_user, perpetrator)
    return render_template(
        "perpetrators/entry.html",
        perpetrator=perpetrator,
        cases=visible,
        hidden=hidden,
        incidents=incidents,
        incident_form=incident_form or EmployeeIncidentForm(formdata=None),
        renew_form=renew_form or RenewForm(formdata=None),
        class_labels=scheme.CLASS_LABELS,
        BehaviourClass=scheme.BehaviourClass,
    ), status


@bp.route("/register/<int:perpetrator_id>")
@roles_required(Role.SECURITY_OFFICER)
def entry(perpetrator_id):
    perpetrator = _entry(perpetrator_id)
    audit.record(
        "perpetrator_viewed",
        actor_id=current_user.id,
        object_type="perpetrator",
        object_id=perpetrator.id,
        ip=client_ip(),
    )
    return _render_entry(perpetrator)


def _live_or_back(perpetrator: Perpetrator):
    if perpetrator.expired_at is not None:
        flash(_("Deze vermelding is verlopen. Er kan niets meer aan worden toegevoegd."), "error")
        return redirect(url_for("perpetrators.entry", perpetrator_id=perpetrator.id))
    return None


@bp.route("/register/<int:perpetrator_id>/incident", methods=["POST"])
@roles_required(Role.SECURITY_OFFICER)
def record_incident(perpetrator_id):
    perpetrator = _entry(perpetrator_id)
    if (back := _live_or_back(perpetrator)) is not None:
        return back
    form = EmployeeIncidentForm()
    if not form.validate_on_submit():
        return _render_entry(perpetrator, incident_form=form, status=422)
    with write_transaction():
        incident = perpetrators.record_employee_incident(
            perpetrator, form.occurred_on.data, form.behaviour_class.data, form.summary.data, current_user
        )
        audit.record(
            "employee_incident_recorded",
            actor_id=current_user.id,
            object_type="perpetrator",
            object_id=perpetrator.id,
            ip=client_ip(),
            detail=f"incident={incident.id}",
        )
    flash(_("Het incident tegen een medewerker is vastgelegd."), "success")
    return redirect(url_for("perpetrators.entry", perpetrator_id=perpetrator.id))


@bp.route("/register/<int:perpetrator_id>/bewaren", methods=["POST"])
@roles_required(Role.SECURITY_OFFICER)
def renew(perpetrator_id):
    perpetrator = _entry(perpetrator_id)
    if (back := _live_or_back(perpetrator)) is not None:
        return back
    form = RenewForm()
    if not form.validate_on_submit():
        return _render_entry(perpetrator, renew_form=form, status=422)
    with write_transaction():
        perpetrators.renew(perpetrator, form.reason.data)
        audit.record(
            "perpetrator_renewed",
            actor_id=current_user.id,
            object_type="perpetrator",
            object_id=perpetrator.id,
            ip=client_ip(),
        )
    flash(_("De vermelding blijft langer bewaard."), "success")
    return redirect(url_for("perpetrators.entry", perpetrator_id=perpetrator.id))


def init_app(app):
    app.register_blueprint(bp)
    case_panels.register("perpetrators", "perpetrators/_panel.html", panel_context, order=10)
