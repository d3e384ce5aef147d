"""The handlers' side: the role-based inbox and the case page. Visibility comes from
models.visibility only; a case someone may not see answers 404, like one that does not exist."""

from __future__ import annotations

import datetime as dt

import peewee
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import accounts, audit, cases, casework, clock, registration, scheme
from models.accounts import User
from models.case_file import CaseFile
from models.cases import Case, CaseAccess, CaseKind, EventKind, Evidence, Status
from models.casework import Section
from models.communication import INFORMED_EVENT
from models.db import write_transaction
from models.visibility import Access, case_access, inbox_condition, may_be_granted, people_with_access
from portal import case_panels, notify
from portal.case_panels import case_or_404
from portal.cases.forms import AssignForm, ConvertForm, GrantForm, InboxFilter, MessageForm, NoteForm, StatusForm
from portal.evidence_upload import send_evidence
from portal.security import client_ip

bp = Blueprint("cases", __name__)
PAGE_SIZE = 50
MAX_PAGE = 100_000  # 5 million cases; a larger page number overflowed the database's OFFSET (500)
SEVERITY_ORDER = {c.value: i for i, c in enumerate(scheme.SEVERITY)}


@bp.route("/zaken")
def inbox():
    form = InboxFilter(request.args)
    # Only the columns the list shows: no encrypted field is read (or decrypted) for an inbox row.
    handler = User.alias()
    columns = [
        Case.id,
        Case.reference,
        Case.kind,
        Case.status,
        Case.behaviour_class,
        Case.created_at,
        Case.reporter_role,
        Case.reporter,
        Case.assigned_to,
        User.id,
        User.name,
        handler.id,
        handler.name,
    ]
    conditions = [inbox_condition(current_user)]
    if form.validate():
        if form.status.data == "all":
            pass
        elif form.status.data:
            conditions.append(Case.status == form.status.data)
        else:  # the open statuses, listed: an IN can use the index on status, a != cannot
            conditions.append(Case.status.in_([s.value for s in Status if s != Status.CLOSED]))
        if form.behaviour_class.data:
            conditions.append(Case.behaviour_class == form.behaviour_class.data)
        if form.date_from.data:
            conditions.append(Case.created_at >= clock.to_utc(dt.datetime.combine(form.date_from.data, dt.time())))
        if form.date_to.data:
            conditions.append(
                Case.created_at < clock.to_utc(dt.datetime.combine(form.date_to.data + dt.timedelta(days=1), dt.time()))
            )
        if form.scope.data == "mine":
            conditions.append(Case.assigned_to == current_user.id)
        elif form.scope.data == "overdue":
            conditions.append(cases.pickup_overdue_condition())
    query = (
        Case.select(*columns)
        .join(User, on=(Case.reporter == User.id))
        .switch(Case)
        .join(handler, peewee.JOIN.LEFT_OUTER, on=(Case.assigned_to == handler.id), attr="assigned_to")
        .where(*conditions)
    )
    if form.sort.data == "oldest":
        query = query.order_by(Case.created_at, Case.id)
    elif form.sort.data == "severity":
        from peewee import Case as SqlCase

        rank = SqlCase(Case.behaviour_class, [(key, -value) for key, value in SEVERITY_ORDER.items()], 1)
        query = query.order_by(rank, Case.created_at.desc())
    else:
        query = query.order_by(Case.created_at.desc(), Case.id.desc())
    # No count over every visible case (at 100 000 cases that alone took 50-110 ms): one row more than
    # a page tells whether there is a next page; the exact number is known on the last page.
    page = min(max(request.args.get("pagina", 1, type=int), 1), MAX_PAGE)  # a huge number: the last pages
    rows = list(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE))
    has_next, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    first = (page - 1) * PAGE_SIZE + 1
    total = None if has_next else first - 1 + len(rows)
    overdue_ids = (
        {c.id for c in Case.select(Case.id).where(Case.id.in_([r.id for r in rows]) & cases.pickup_overdue_condition())}
        if rows
        else set()
    )
    audit.record("inbox_viewed", actor_id=current_user.id, ip=client_ip())
    args = {k: v for k, v in request.args.items() if k != "pagina"}
    return render_template(
        "cases/inbox.html",
        form=form,
        cases=rows,
        total=total,
        page=page,
        first=first,
        last=first - 1 + len(rows),
        has_next=has_next,
        overdue_ids=overdue_ids,
        args=args,
    )


def _handlers_for(case: Case, file: CaseFile | None = None) -> list[User]:
    with_access = file.with_access if file else people_with_access(case)
    return [person for person, level in with_access if level == Access.HANDLER]


@bp.route("/zaken/<reference>")
def case_page(reference):
    # The rows several panels need, read once for this showing: the access rows too, which decide the level.
    case, level, file = case_panels.case_file_or_404(reference, Access.REPORTER)
    if level == Access.REPORTER:
        return redirect(url_for("reports.own_case", reference=reference))
    audit.record("case_viewed", actor_id=current_user.id, object_type="case", object_id=case.id, ip=client_ip())
    file.attach([case], "reporter", "filed_by", "assigned_to")
    sections = case_panels.render_context(case, level, current_user, file)
    shown = {section for section, _panels in sections}
    # The steps and the status from one reading of the facts: the rows the panels read already.
    summary = casework.overview(case, current_user, file=file)
    return render_template(
        "cases/case.html",
        case=case,
        level=level,
        Access=Access,
        sections=sections,
        section_labels=casework.SECTION_LABELS,
        saved_section=case_panels.saved_section(),
        steps=summary.steps,
        shown_sections=shown,
        who_label=casework.who_label,
        status_why=summary.status,
        advice=_advice(case),
    )


def _advice(case: Case):
    if not case.behaviour_class:
        return None
    behaviour_class, advice = scheme.BehaviourClass(case.behaviour_class), scheme.Advice(case.advice)
    return {
        "class_label": scheme.CLASS_LABELS[behaviour_class],
        "advice_label": scheme.ADVICE_LABELS[advice],
        "explanation": scheme.handler_explanation(behaviour_class, advice),
    }


# --- the case page's own sections: registered like every other area's panel ------------------------


def _pickup_context(case: Case, level: Access, user, file: CaseFile):
    if level < Access.HANDLER:
        return None
    status_form = case_panels.sent_form("cases", "status") or StatusForm(status=case.status, formdata=None)
    status_form.status.choices = [
        (s.value, _(cases.STATUS_LABELS[s])) for s in cases.next_statuses(Status(case.status))
    ]
    assign_form = AssignForm(handler=case.assigned_to_id or 0, formdata=None)
    assign_form.handler.choices = [(0, _("Niemand"))] + [(u.id, u.name) for u in _handlers_for(case, file)]
    convert_form = None
    if case.kind == CaseKind.CONSULTATION.value:
        convert_form = case_panels.sent_form("cases", "convert") or ConvertForm(formdata=None)
    return {"status_form": status_form, "assign_form": assign_form, "convert_form": convert_form}


def _details_context(case: Case, level: Access, user, file: CaseFile):
    return {"online_entries": file.online_entries, "evidence": file.evidence}


def _messages_context(case: Case, level: Access, user, file: CaseFile):
    messages = [
        e for e in file.events if e.kind in (EventKind.MESSAGE_TO_REPORTER.value, EventKind.MESSAGE_FROM_REPORTER.value)
    ]
    form = None
    if level >= Access.HANDLER:
        form = case_panels.sent_form("cases", "message") or MessageForm(formdata=None)
    return {"messages": messages, "form": form}


def _notes_context(case: Case, level: Access, user, file: CaseFile):
    notes = [e for e in file.events if e.kind == EventKind.NOTE.value]
    return {"notes": notes, "form": case_panels.sent_form("cases", "note") or NoteForm(formdata=None)}


_NAMING_KINDS = {EventKind.ASSIGNED.value, EventKind.ACCESS_GRANTED.value, EventKind.ACCESS_REVOKED.value}


def _timeline_context(case: Case, level: Access, user, file: CaseFile):
    # The people an entry names by id: whom it was assigned to, who got or lost access, who was informed.
    named = []
    for event in file.events:
        if event.kind in _NAMING_KINDS and event.detail.isdigit():
            named.append(int(event.detail))
        elif event.kind == EventKind.NOTIFICATION.value and event.detail.startswith(f"{INFORMED_EVENT}:"):
            named.append(int(event.detail.split(":")[1]))
    return {"events": file.events, "users": file.named(named)}


def _access_context(case: Case, level: Access, user, file: CaseFile):
    with_access = file.with_access
    grant_form = None
    if level >= Access.HANDLER:
        already = {person.id for person, _level in with_access}
        grant_form = GrantForm(formdata=None)
        grant_form.person.choices = [
            (u.id, u.name)
            for u in file.users.values()
            if may_be_granted(u) and u.id not in already and u.id != case.reporter_id
        ]
    # The case's access rows once: the live grants to a person, and the roles it was routed to.
    grants = [row for row in file.access_rows if row.user_id is not None and row.revoked_at is None]
    routed = [row for row in file.access_rows if row.role is not None]
    return {"grants": grants, "routed": routed, "grant_form": grant_form, "handler": level >= Access.HANDLER}


def _back(case: Case, section: Section):
    return case_panels.back_to(case, section)


@bp.route("/zaken/<reference>/status", methods=["POST"])
def change_status(reference):
    case, _level = case_or_404(reference, Access.HANDLER)
    form = StatusForm()
    # Every status is a choice here: which one may follow the current one is models.casework's to say.
    form.status.choices = [(s.value, _(cases.STATUS_LABELS[s])) for s in Status]
    if form.validate_on_submit():
        before = case.status
        try:
            with write_transaction():
                casework.set_status_by_hand(case, Status(form.status.data), current_user, form.reason.data)
                audit.record(
                    "case_status_changed",
                    actor_id=current_user.id,
                    object_type="case",
                    object_id=case.id,
                    ip=client_ip(),
                    detail=f"{before}->{case.status}",
                )
        except cases.NotAllowed as refused:
            form.form_errors.append(
                _(refused.message) if refused.message else _("Deze status kan nu niet worden gekozen.")
            )
        else:
            flash(_("De status is gewijzigd."), "success")
            return _back(case, Section.PICKUP)
    return case_panels.show_again(case, "cases", "status", form)


@bp.route("/zaken/<reference>/afsluiten", methods=["POST"])
def close_case(reference):
    """'De melding afsluiten' (models.casework: when nothing is open); with steps open, the status form."""
    case, _level = case_or_404(reference, Access.HANDLER)
    try:
        with write_transaction():
            casework.close(case, current_user)
            audit.record("case_closed", actor_id=current_user.id, object_type="case", object_id=case.id, ip=client_ip())
    except cases.NotAllowed as refused:
        flash(_(refused.message), "error")
    else:
        flash(_("De melding is afgesloten."), "success")
    return _back(case, Section.PICKUP)


@bp.route("/zaken/<reference>/toewijzen", methods=["POST"])
def assign(reference):
    case, _level = case_or_404(reference, Access.HANDLER)
    form = AssignForm()
    handlers = {u.id: u for u in _handlers_for(case)}
    form.handler.choices = [(0, "")] + [(i, "") for i in handlers]
    if not form.validate_on_submit():
        abort(400)
    with write_transaction():
        cases.assign(case, handlers.get(form.handler.data), current_user)
        audit.record(
            "case_assigned",
            actor_id=current_user.id,
            object_type="case",
            object_id=case.id,
            ip=client_ip(),
            detail=str(form.handler.data or ""),
        )
    flash(_("De toewijzing is opgeslagen."), "success")
    return _back(case, Section.PICKUP)


@bp.route("/zaken/<reference>/notitie", methods=["POST"])
def add_note(reference):
    case, _level = case_or_404(reference, Access.INFORMED)
    form = NoteForm()
    if not form.validate_on_submit():
        return case_panels.show_again(case, "cases", "note", form)
    with write_transaction():
        cases.add_event(case, current_user, EventKind.NOTE, body=form.body.data)
        audit.record("case_note_added", actor_id=current_user.id, object_type="case", object_id=case.id, ip=client_ip())
    flash(_("De notitie is opgeslagen. Alleen behandelaars lezen haar."), "success")
    return _back(case, Section.NOTES)


@bp.route("/zaken/<reference>/bericht", methods=["POST"])
def message_reporter(reference):
    case, _level = case_or_404(reference, Access.HANDLER)
    form = MessageForm()
    if not form.validate_on_submit():
        return case_panels.show_again(case, "cases", "message", form)
    with write_transaction():
        cases.add_event(case, current_user, EventKind.MESSAGE_TO_REPORTER, body=form.body.data)
        audit.record(
            "case_message_sent", actor_id=current_user.id, object_type="case", object_id=case.id, ip=client_ip()
        )
        notify.message_to_reporter(case)
    flash(_("Het bericht is verstuurd. De melder krijgt een e-mail zonder de inhoud."), "success")
    return _back(case, Section.MESSAGES)


@bp.route("/zaken/<reference>/toegang", methods=["POST"])
def grant(reference):
    case, _level = case_or_404(reference, Access.HANDLER)
    form = GrantForm()
    candidates = {u.id: u for u in accounts.listed() if may_be_granted(u) and u.id != case.reporter_id}
    form.person.choices = [(i, "") for i in candidates]
    if not form.validate_on_submit():
        abort(400)
    person = candidates[form.person.data]
    with write_transaction():
        cases.grant_access(case, person, current_user)
        audit.record(
            "case_access_granted",
            actor_id=current_user.id,
            object_type="case",
            object_id=case.id,
            ip=client_ip(),
            detail=f"user={person.id}",
        )
        notify.access_granted(case, person)
    flash(_("%(name)s heeft nu toegang tot deze melding.", name=person.name), "success")
    return _back(case, Section.ACCESS)


@bp.route("/zaken/<reference>/toegang/<int:grant_id>/intrekken", methods=["POST"])
def revoke(reference, grant_id):
    case, _level = case_or_404(reference, Access.HANDLER)
    row = CaseAccess.get_or_none(
        (CaseAccess.id == grant_id)
        & (CaseAccess.case == case.id)
        & CaseAccess.user.is_null(False)
        & CaseAccess.revoked_at.is_null()
    )
    if row is None:
        abort(404)
    with write_transaction():
        cases.revoke_access(row, current_user)
        audit.record(
            "case_access_revoked",
            actor_id=current_user.id,
            object_type="case",
            object_id=case.id,
            ip=client_ip(),
            detail=f"user={row.user_id}",
        )
    flash(_("De toegang is ingetrokken."), "success")
    return _back(case, Section.ACCESS)


@bp.route("/zaken/<reference>/omzetten", methods=["POST"])
def convert(reference):
    case, _level = case_or_404(reference, Access.HANDLER)
    form = ConvertForm()
    if not form.validate_on_submit():
        return case_panels.show_again(case, "cases", "convert", form)
    try:
        with write_transaction():
            registration.convert_consultation(case, form.behaviours.data, current_user)
            audit.record(
                "case_converted", actor_id=current_user.id, object_type="case", object_id=case.id, ip=client_ip()
            )
    except cases.NotAllowed as refused:  # converted by someone else meanwhile: say so, show the case as it is now
        flash(_(refused.message), "error")
        return _back(case, Section.PICKUP)
    flash(_("Het overleg is nu een melding."), "success")
    return _back(case, Section.PICKUP)


@bp.route("/bewijs/<int:evidence_id>")
def download_evidence(evidence_id):
    """Evidence is served only after the visibility check, always as a download (never shown as a
    page), and every download is audited."""
    item = Evidence.get_or_none(Evidence.id == evidence_id)
    if item is None or item.case_id is None or case_access(current_user, item.case) < Access.REPORTER:
        abort(404)
    return send_evidence(item, detail=f"case={item.case_id}")


def init_app(app):
    app.register_blueprint(bp)
    # The case page's own sections; "cases" is the panel name its forms come back under (show_again).
    case_panels.register("cases", "cases/_pickup.html", _pickup_context, Section.PICKUP)
    case_panels.register("details", "cases/_details_section.html", _details_context, Section.DETAILS)
    case_panels.register("messages", "cases/_messages.html", _messages_context, Section.MESSAGES)
    case_panels.register("notes", "cases/_notes.html", _notes_context, Section.NOTES)
    case_panels.register("timeline", "cases/_timeline_section.html", _timeline_context, Section.TIMELINE)
    case_panels.register("access", "cases/_access.html", _access_context, Section.ACCESS)
