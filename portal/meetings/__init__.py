"""The meeting mode (§5), for the chair and the clerk on a phone during a disrupted meeting: each
order to leave is one tap (one form post with its own token), the third is trespass; closing the
record files a case per disrupter. The rules are in models.meetings."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from models import audit, clock, meetings
from models.accounts import Role, User
from models.cases import NotAllowed
from models.meetings import Disrupter, PoliceReportDecision
from portal.meetings.forms import ActionForm, DecisionForm, DisrupterForm, OrderForm, StartForm
from portal.security import client_ip

bp = Blueprint("meetings", __name__)


def _allowed_or_404():
    if not meetings.may_run_meetings(current_user):
        abort(404)


def _meeting_or_404(meeting_id: int):
    meeting = meetings.meeting_for(current_user, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _start_form():
    form = StartForm()
    choices = meetings.chair_choices(current_user)
    form.chair.choices = [(u.id, u.name) for u in choices]
    if not form.is_submitted():
        form.held_at.data = clock.to_local(clock.utcnow()).replace(second=0, microsecond=0, tzinfo=None)
        mayors = [u.id for u in choices if u.role == "mayor"]
        form.chair.data = mayors[0] if mayors else current_user.id
    return form


@bp.route("/vergadering", methods=["GET", "POST"])
def index():
    _allowed_or_404()
    form = _start_form()
    if form.validate_on_submit():
        chair = User.get_by_id(form.chair.data)
        meeting = meetings.start(current_user, form.title.data.strip(), clock.to_utc(form.held_at.data), chair)
        return redirect(url_for("meetings.meeting_page", meeting_id=meeting.id))
    audit.record("meetings_viewed", actor_id=current_user.id, ip=client_ip())
    return render_template("meetings/index.html", form=form, open_meetings=meetings.open_meetings())


def _page(meeting, disrupter_form=None, decision_form=None, status=200):
    disrupters = list(meeting.disrupters.order_by(Disrupter.id))
    rows = []
    for disrupter in disrupters:
        rows.append(
            {
                "disrupter": disrupter,
                "orders": list(disrupter.orders.order_by(meetings.OrderToLeave.at)),
                "form": OrderForm(formdata=None, token=secrets.token_hex(16)),
            }
        )
    decision_form = _decision_choices(decision_form or DecisionForm(formdata=None), meeting)
    audit.record(
        "meeting_viewed", actor_id=current_user.id, object_type="meeting", object_id=meeting.id, ip=client_ip()
    )
    return (
        render_template(
            "meetings/meeting.html",
            meeting=meeting,
            rows=rows,
            disrupter_form=disrupter_form or DisrupterForm(formdata=None),
            decision_form=decision_form,
            action_form=ActionForm(formdata=None),
            trespass_after=meetings.TRESPASS_AFTER_ORDERS,
            decision_labels=meetings.DECISION_LABELS,
        ),
        status,
    )


def _decision_choices(form: DecisionForm, meeting) -> DecisionForm:
    """The clerks and security officers to choose from; the ones of an earlier decision preselected."""
    form.clerk.choices = [(u.id, u.name) for u in meetings.decision_clerks()]
    form.security_officer.choices = [(u.id, u.name) for u in meetings.decision_security_officers()]
    if not form.is_submitted():
        form.clerk.data = meeting.decided_clerk_id or (
            current_user.id if current_user.role in (Role.CLERK.value, Role.DEPUTY_CLERK.value) else None
        )
        form.security_officer.data = meeting.decided_security_officer_id
        form.decision.data = form.decision.data or meeting.police_report_decision
    return form


@bp.route("/vergadering/<int:meeting_id>")
def meeting_page(meeting_id):
    return _page(_meeting_or_404(meeting_id))


def _back(meeting, anchor=None):
    return redirect(url_for("meetings.meeting_page", meeting_id=meeting.id, _anchor=anchor))


def _closed(meeting):
    flash(_("Dit verslag is al afgesloten."), "error")
    return _back(meeting)


@bp.route("/vergadering/<int:meeting_id>/verstoorder", methods=["POST"])
def add_disrupter(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = DisrupterForm()
    if not form.validate_on_submit():
        return _page(meeting, disrupter_form=form, status=400)
    try:
        disrupter = meetings.add_disrupter(
            meeting,
            current_user,
            form.description.data.strip(),
            (form.name.data or "").strip(),
            form.behaviours.data or [],
        )
    except NotAllowed:
        return _closed(meeting)
    return _back(meeting, f"verstoorder-{disrupter.id}")


@bp.route("/vergadering/<int:meeting_id>/verstoorder/<int:disrupter_id>/opdracht", methods=["POST"])
def order_to_leave(meeting_id, disrupter_id):
    meeting = _meeting_or_404(meeting_id)
    disrupter = Disrupter.get_or_none((Disrupter.id == disrupter_id) & (Disrupter.meeting == meeting))
    if disrupter is None:
        abort(404)
    form = OrderForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    if not form.validate_on_submit():
        if wants_json:
            return jsonify(error="invalid"), 400
        abort(400)
    try:
        meetings.record_order(disrupter, current_user, form.token.data)
    except NotAllowed:
        return (jsonify(error="closed"), 409) if wants_json else _closed(meeting)
    disrupter = Disrupter.get_by_id(disrupter.id)
    count = meetings.order_count(disrupter)
    if wants_json:
        return jsonify(orders=count, trespass=meetings.is_trespass(disrupter))
    if meetings.is_trespass(disrupter):
        flash(_("Dit is nu lokaalvredebreuk: de persoon moest na drie opdrachten weg en is gebleven."), "warning")
    return _back(meeting, f"verstoorder-{disrupter.id}")


def _action(meeting_id, do, message):
    meeting = _meeting_or_404(meeting_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        do(meeting, current_user)
    except NotAllowed:
        return _closed(meeting)
    flash(message, "success")
    return _back(meeting, "wat-er-gebeurde")


@bp.route("/vergadering/<int:meeting_id>/livestream", methods=["POST"])
def stop_livestream(meeting_id):
    return _action(meeting_id, meetings.stop_livestream, _("Opgeslagen: de livestream is gestopt."))


@bp.route("/vergadering/<int:meeting_id>/politie", methods=["POST"])
def call_police(meeting_id):
    return _action(meeting_id, meetings.call_police, _("Opgeslagen: de politie is gebeld."))


@bp.route("/vergadering/<int:meeting_id>/aangifte", methods=["POST"])
def decide(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = _decision_choices(DecisionForm(), meeting)
    if not form.validate_on_submit():
        return _page(meeting, decision_form=form, status=400)
    clerk = User.get_or_none(User.id == form.clerk.data)
    officer = User.get_or_none(User.id == form.security_officer.data)
    if clerk is None or officer is None:
        form.form_errors.append(_("Kies wie er mee besliste."))
        return _page(meeting, decision_form=form, status=400)
    try:
        meetings.decide_police_report(meeting, current_user, PoliceReportDecision(form.decision.data), clerk, officer)
    except NotAllowed as refused:
        if refused.code == "meeting_closed":
            return _closed(meeting)
        form.form_errors.append(_(refused.message) if refused.message else _("Dit is niet toegestaan."))
        return _page(meeting, decision_form=form, status=400)
    flash(_("Het besluit over aangifte is opgeslagen."), "success")
    return _back(meeting, "aangifte")


@bp.route("/vergadering/<int:meeting_id>/afsluiten", methods=["POST"])
def close(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        filed = meetings.close(meeting, current_user)
    except NotAllowed:
        return _closed(meeting)
    flash(
        ngettext(
            "Het verslag is afgesloten. Er is %(num)d melding gemaakt.",
            "Het verslag is afgesloten. Er zijn %(num)d meldingen gemaakt.",
            len(filed),
        ),
        "success",
    )
    return _back(meeting)


def init_app(app):
    app.register_blueprint(bp)
