"""The perpetrator on the case page (first or repeated incident, §6.2) and the perpetrator register
for the security officer: entries, incidents against municipal employees (also without a case of
an office holder) and online accounts. Matching and retention live in models.perpetrators; who
sees which linked case comes from models.visibility. The same online account on another case is
shown to the security officer as 'possibly the same person', who decides."""

from __future__ import annotations

import datetime as dt
import secrets

import peewee
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import audit, perpetrators, scheme, visibility
from models.accounts import Role
from models.cases import Case, CaseAccess, NotAllowed
from models.casework import Section
from models.db import write_transaction
from models.perpetrators import CasePerpetrator, EmployeeIncident, NotSamePerson, Perpetrator
from models.visibility import Access, case_access
from portal import case_panels
from portal.case_panels import back_to, case_or_404, sent_form, show_again
from portal.perpetrators.forms import (
    EmployeeIncidentForm,
    LinkForm,
    MatchDecisionForm,
    NewEmployeeIncidentForm,
    OnlineAccountForm,
    RenewForm,
)
from portal.security import client_ip, roles_required

bp = Blueprint("perpetrators", __name__)


def _split_by_access(user, others: list[Case], rows: dict[int, list] | None = None) -> tuple[list[Case], int]:
    """`rows`: the live access rows of these cases (`_access_rows`), read at once for all of them."""
    visible = [
        other
        for other in others
        if case_access(user, other, rows.get(other.id, []) if rows is not None else None) >= Access.INFORMED
    ]
    return visible, len(others) - len(visible)


def _access_rows(others: list[Case]) -> dict[int, list]:
    """The live access rows (kind, role, user) of these cases, by case, in one query instead of one
    per case; models.visibility.case_access still judges them."""
    ids = {other.id for other in others}
    rows: dict[int, list] = {case_id: [] for case_id in ids}
    if ids:
        query = CaseAccess.select(CaseAccess.case, CaseAccess.kind, CaseAccess.role, CaseAccess.user).where(
            CaseAccess.case.in_(ids) & CaseAccess.revoked_at.is_null()
        )
        for case_id, kind, role, user_id in query.tuples():
            rows[case_id].append((kind, role, user_id))
    return rows


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


def _with_token(form):
    if not form.token.data:
        form.token.data = secrets.token_hex(16)
    return form


def panel_context(case, level, user, file):
    sees_employee_incidents = visibility.may_see_employee_incidents(user)
    entries = []
    linked = []
    # Each perpetrator's other cases, incidents against employees and accounts: one read each for all of them.
    others = perpetrators.other_cases_of(file.perpetrators, case.id)
    counts = perpetrators.employee_incident_counts(file.perpetrators)
    accounts = perpetrators.accounts_of_all(file.perpetrators)
    for perpetrator in file.perpetrators:
        history = perpetrators.incident_history(perpetrator, case, others[perpetrator.id], counts[perpetrator.id])
        earlier_ids = {c.id for c in history["earlier_cases"]}
        later = [c for c in others[perpetrator.id] if c.id not in earlier_ids]
        linked.append((perpetrator, history, later))
    rows = _access_rows([c for _p, history, later in linked for c in history["earlier_cases"] + later])
    for perpetrator, history, later in linked:
        earlier_visible, earlier_hidden = _split_by_access(user, history["earlier_cases"], rows)
        later_visible, later_hidden = _split_by_access(user, later, rows)
        entries.append(
            {
                "perpetrator": perpetrator,
                "history": history,
                "earlier_visible": earlier_visible,
                "earlier_hidden": earlier_hidden,
                "later_visible": later_visible,
                "later_hidden": later_hidden,
                "employee_incidents": visibility.employee_incidents(user, perpetrator)
                if sees_employee_incidents and history["employee_count"]
                else [],
                "employee_count": history["employee_count"],
                "accounts": accounts[perpetrator.id],
            }
        )
    may_link = level >= Access.HANDLER
    decides = perpetrators.may_decide_matches(user)
    return {
        "entries": entries,
        "may_link": may_link,
        "sees_employee_incidents": sees_employee_incidents,
        "link_form": sent_form("perpetrators", "link") or (_prefilled_link_form(case) if may_link else None),
        "possible": [
            {"match": match, "form": sent_form("perpetrators", f"match{match.perpetrator.id}")}
            for match in (perpetrators.possibly_same_person(case) if decides else [])
        ],
        "case_accounts": {a.index: a for a in perpetrators.case_accounts(case)} if decides else {},
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
        return back_to(case, Section.PERPETRATOR)
    return show_again(case, "perpetrators", "link", form)


def _may_decide(user, case, level):
    return perpetrators.may_decide_matches(user)


@bp.route("/zaken/<reference>/veroorzaker/<int:perpetrator_id>/zelfde-persoon", methods=["POST"])
def decide_match(reference, perpetrator_id):
    """The security officer's answer to 'possibly the same person': yes links the case to the
    entry, no keeps them apart. Sent twice, the second answer changes nothing."""
    case, _level = case_or_404(reference, Access.INFORMED, also=_may_decide)
    perpetrator = _entry(perpetrator_id)
    form = MatchDecisionForm()
    if not form.validate_on_submit():
        abort(400)
    same = form.decision.data == "same"
    suggested = any(m.perpetrator.id == perpetrator.id for m in perpetrators.possibly_same_person(case))
    already = (
        CasePerpetrator.select().where(
            (CasePerpetrator.case == case.id) & (CasePerpetrator.perpetrator == perpetrator.id)
        )
        if same
        else NotSamePerson.select().where(
            (NotSamePerson.case == case.id) & (NotSamePerson.perpetrator == perpetrator.id)
        )
    ).exists()
    if not suggested and not already:
        abort(404)
    if not already:
        try:
            with write_transaction():
                if same:
                    perpetrators.confirm_same_person(case, perpetrator, current_user)
                else:
                    perpetrators.reject_same_person(case, perpetrator, current_user)
                audit.record(
                    "perpetrator_match_decided",
                    actor_id=current_user.id,
                    object_type="case",
                    object_id=case.id,
                    ip=client_ip(),
                    detail=f"perpetrator={perpetrator.id} same={'yes' if same else 'no'}",
                )
        except NotAllowed as refused:
            form.form_errors.append(_(refused.message))
            return show_again(case, "perpetrators", f"match{perpetrator.id}", form)
    if same:
        flash(_("De melding is gekoppeld aan deze vermelding in het register."), "success")
    else:
        flash(_("Vastgelegd: dit is iemand anders. De melding blijft los van deze vermelding."), "success")
    return back_to(case, Section.PERPETRATOR)


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


@bp.route("/register/incident-medewerker", methods=["GET", "POST"])
@roles_required(Role.SECURITY_OFFICER)
def new_employee_incident():
    """§6.2: an incident against a municipal employee counts too, also when no office holder was
    involved — on the entry of this person, or on a new one."""
    form = NewEmployeeIncidentForm()
    status = 200
    if form.validate_on_submit():
        try:
            with write_transaction():
                incident = perpetrators.register_employee_incident(
                    name=form.name.data,
                    birth_date=form.birth_date.data.isoformat() if form.birth_date.data else None,
                    address=form.address.data or None,
                    description=form.description.data or None,
                    platform=form.platform.data or None,
                    account=form.account.data or None,
                    occurred_on=form.occurred_on.data,
                    behaviour_class=form.behaviour_class.data,
                    summary=form.summary.data,
                    actor=current_user,
                    token=form.token.data or None,
                )
                audit.record(
                    "employee_incident_recorded",
                    actor_id=current_user.id,
                    object_type="perpetrator",
                    object_id=incident.perpetrator_id,
                    ip=client_ip(),
                    detail=f"incident={incident.id}",
                )
        except NotAllowed as refused:
            _refusal_on(form, refused)
            status = 422
        else:
            flash(_("Het incident tegen een medewerker is vastgelegd."), "success")
            return redirect(url_for("perpetrators.entry", perpetrator_id=incident.perpetrator_id))
    elif form.is_submitted():
        status = 422
    return render_template("perpetrators/new_incident.html", form=_with_token(form)), status


def _refusal_on(form, refused: NotAllowed) -> None:
    """A refusal of the rules, next to the field it is about."""
    field = {
        "occurred_in_future": "occurred_on",
        "behaviour_class": "behaviour_class",
        "account_unclear": "account",
    }.get(refused.code)
    if field and field in form:
        form[field].errors = [*form[field].errors, _(refused.message)]
    else:
        form.form_errors.append(_(refused.message) if refused.message else _("Dit mag niet."))


def _render_entry(perpetrator: Perpetrator, incident_form=None, renew_form=None, account_form=None, status=200):
    linked = perpetrators.other_cases(perpetrator, exclude_case_id=0)
    visible, hidden = _split_by_access(current_user, linked)
    incidents = visibility.employee_incidents(current_user, perpetrator)
    return render_template(
        "perpetrators/entry.html",
        perpetrator=perpetrator,
        cases=visible,
        hidden=hidden,
        incidents=incidents,
        accounts=perpetrators.accounts_of(perpetrator),
        sharing=perpetrators.entries_sharing_accounts(perpetrator),
        incident_form=_with_token(incident_form or EmployeeIncidentForm(formdata=None)),
        renew_form=renew_form or RenewForm(formdata=None),
        account_form=account_form or OnlineAccountForm(formdata=None),
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
        flash(_(perpetrators.REGISTER_EXPIRED), "error")
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
    try:
        with write_transaction():
            incident = perpetrators.record_employee_incident(
                perpetrator,
                form.occurred_on.data,
                form.behaviour_class.data,
                form.summary.data,
                current_user,
                token=form.token.data or None,
            )
            audit.record(
                "employee_incident_recorded",
                actor_id=current_user.id,
                object_type="perpetrator",
                object_id=perpetrator.id,
                ip=client_ip(),
                detail=f"incident={incident.id}",
            )
    except NotAllowed as refused:
        _refusal_on(form, refused)
        return _render_entry(perpetrator, incident_form=form, status=422)
    flash(_("Het incident tegen een medewerker is vastgelegd."), "success")
    return redirect(url_for("perpetrators.entry", perpetrator_id=perpetrator.id))


@bp.route("/register/<int:perpetrator_id>/account", methods=["POST"])
@roles_required(Role.SECURITY_OFFICER)
def add_account(perpetrator_id):
    perpetrator = _entry(perpetrator_id)
    if (back := _live_or_back(perpetrator)) is not None:
        return back
    form = OnlineAccountForm()
    if not form.validate_on_submit():
        return _render_entry(perpetrator, account_form=form, status=422)
    try:
        with write_transaction():
            if perpetrators.add_online_account(perpetrator, form.platform.data or "", form.account.data, current_user):
                audit.record(
                    "perpetrator_account_added",
                    actor_id=current_user.id,
                    object_type="perpetrator",
                    object_id=perpetrator.id,
                    ip=client_ip(),
                )
    except NotAllowed as refused:
        _refusal_on(form, refused)
        return _render_entry(perpetrator, account_form=form, status=422)
    flash(_("Het online account is toegevoegd aan deze vermelding."), "success")
    return redirect(url_for("perpetrators.entry", perpetrator_id=perpetrator.id, _anchor="accounts"))


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
    case_panels.register("perpetrators", "perpetrators/_panel.html", panel_context, Section.PERPETRATOR)
