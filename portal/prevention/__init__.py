"""Prevention (§4.1): the clerk's council terms with their briefing and trainings, and the admin's
new council in one go from a CSV. The rules are in models.prevention."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from models import audit, clock, prevention
from models.accounts import ROLE_LABELS, Role
from models.db import write_transaction
from models.prevention import OUTCOME_LABELS, SESSION_LABELS, CouncilTerm, Outcome, SessionKind
from portal import mail
from portal.prevention.forms import CouncilConfirmForm, CouncilUploadForm, InvitationForm, SessionForm, TermForm
from portal.security import client_ip, roles_required

bp = Blueprint("prevention", __name__)

CLERKS = (Role.CLERK, Role.DEPUTY_CLERK)


@bp.route("/preventie", methods=["GET", "POST"])
@roles_required(*CLERKS)
def terms():
    form = TermForm()
    if form.validate_on_submit():
        try:
            term = prevention.start_term(form.starts_on.data, form.ends_on.data, current_user)
        except (prevention.BadPeriod, prevention.TermOverlaps) as refused:
            form.ends_on.errors.append(_(refused.message))
        else:
            flash(_("De raadsperiode is aangemaakt. De voorlichting is gepland."), "success")
            return redirect(url_for("prevention.term", term_id=term.id))
    return render_template(
        "prevention/terms.html", form=form, terms=prevention.trainings_per_term(), labels=SESSION_LABELS
    )


def _term_or_404(term_id: int) -> CouncilTerm:
    term = CouncilTerm.get_or_none(CouncilTerm.id == term_id)
    if term is None:
        abort(404)
    return term


def _session_form() -> SessionForm:
    form = SessionForm()
    form.attendees.choices = [(u.id, u.name) for u in prevention.office_holders()]
    if not form.token.data:
        form.token.data = secrets.token_hex(16)
    return form


def _term_page(term: CouncilTerm, form: SessionForm | None = None, invitation_form=None, status: int = 200):
    audit.record(
        "prevention_term_viewed",
        actor_id=current_user.id,
        object_type="council_term",
        object_id=term.id,
        ip=client_ip(),
    )
    held = [(s, prevention.attendees(s)) for s in prevention.sessions(term)]
    return (
        render_template(
            "prevention/term.html",
            term=term,
            form=form or _session_form(),
            invitation_form=invitation_form or InvitationForm(formdata=None, prefix="uitnodiging"),
            deadline=prevention.briefing_deadline(term),
            held=held,
            not_attended=prevention.not_at_a_briefing(term),
            invitations=prevention.invitations(term),
            topics=prevention.BRIEFING_TOPICS,
            labels=SESSION_LABELS,
            briefing=SessionKind.BRIEFING.value,
        ),
        status,
    )


@bp.route("/preventie/<int:term_id>", methods=["GET", "POST"])
@roles_required(*CLERKS)
def term(term_id):
    term = _term_or_404(term_id)
    form = _session_form()
    if form.validate_on_submit():
        kind = SessionKind(form.kind.data)
        with write_transaction():
            session = prevention.record_session(
                term, kind, form.held_on.data, form.attendees.data or [], current_user, token=form.token.data or None
            )
            audit.record(
                "prevention_session_recorded",
                actor_id=current_user.id,
                object_type="prevention_session",
                object_id=session.id,
                ip=client_ip(),
                detail=f"kind={kind.value}",
            )
        flash(_("Opgeslagen: %(what)s.", what=_(SESSION_LABELS[kind])), "success")
        return redirect(url_for("prevention.term", term_id=term.id))
    return _term_page(term, form, status=400 if form.is_submitted() else 200)


@bp.route("/preventie/<int:term_id>/uitnodigen", methods=["POST"])
@roles_required(*CLERKS)
def invite(term_id):
    """Invite who attended no briefing of this term to the next one: a mail with the date and no more."""
    term = _term_or_404(term_id)
    form = InvitationForm(prefix="uitnodiging")
    if form.validate_on_submit():
        briefing_at = clock.to_utc(form.briefing_at.data)
        try:
            with write_transaction():
                invited = prevention.invite_to_next_briefing(term, briefing_at, current_user)
                for person in invited:
                    mail.queue(person.email, person.locale, "briefing_invitation", name=person.name, due_at=briefing_at)
                audit.record(
                    "briefing_invitations_sent",
                    actor_id=current_user.id,
                    object_type="council_term",
                    object_id=term.id,
                    ip=client_ip(),
                    detail=f"invited={len(invited)}",
                )
        except prevention.BriefingInPast as refused:
            form.briefing_at.errors.append(_(refused.message))
        else:
            if invited:
                flash(
                    ngettext(
                        "%(num)d ambtsdrager is uitgenodigd voor de volgende voorlichting.",
                        "%(num)d ambtsdragers zijn uitgenodigd voor de volgende voorlichting.",
                        len(invited),
                    ),
                    "success",
                )
            else:
                flash(
                    _("Iedereen die nog niet bij een voorlichting was, is al uitgenodigd voor deze voorlichting."),
                    "info",
                )
            return redirect(url_for("prevention.term", term_id=term.id, _anchor="uitnodigen"))
    return _term_page(term, invitation_form=form, status=400)


# --- a new council in one go (admin) ---------------------------------------------------------


def _preview(text: str, upload_form):
    rows = prevention.plan_council(text)
    refused = [r for r in rows if r.outcome == Outcome.REFUSED]
    counts = {o: sum(1 for r in rows if r.outcome == o) for o in Outcome}
    return render_template(
        "prevention/council.html",
        upload_form=upload_form,
        confirm_form=CouncilConfirmForm(formdata=None, text=text),
        rows=rows,
        refused=refused,
        counts=counts,
        outcome_labels=OUTCOME_LABELS,
        role_labels=ROLE_LABELS,
        Outcome=Outcome,
    )


@bp.route("/beheer/nieuwe-raad", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def council():
    form = CouncilUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read(1_000_000) if upload else b""
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")  # Excel's own export
        if not text.strip() or "\x00" in text:  # a NUL: a picture or a spreadsheet (the CSV reader stopped: a 500)
            form.file.errors.append(_("Kies een CSV-bestand met de nieuwe raad."))
        else:
            audit.record("council_previewed", actor_id=current_user.id, object_type="council", ip=client_ip())
            return _preview(text, form)
    return render_template("prevention/council.html", upload_form=form, rows=None)


@bp.route("/beheer/nieuwe-raad/bevestigen", methods=["POST"])
@roles_required(Role.ADMIN)
def council_confirm():
    form = CouncilConfirmForm()
    if not form.validate_on_submit() or not form.text.data:
        abort(400)
    base_url = current_app.config["BASE_URL"]
    try:
        with write_transaction():
            rows, invited = prevention.apply_council(form.text.data)
            for user, token in invited:
                link = base_url + url_for("auth.one_time_link", token=token)
                mail.queue(user.email, user.locale, "activation", name=user.name, link=link)
            counts = {o.value: sum(1 for r in rows if r.outcome == o) for o in Outcome}
            audit.record(
                "council_confirmed",
                actor_id=current_user.id,
                object_type="council",
                ip=client_ip(),
                detail=",".join(f"{k}={v}" for k, v in sorted(counts.items())),
            )
    except prevention.CouncilRefused as refused:
        flash(_(refused.message), "error")
        return _preview(form.text.data, CouncilUploadForm(formdata=None))
    flash(
        _(
            "De nieuwe raad is verwerkt: %(new)s nieuw, %(changed)s gewijzigd, %(leaving)s oud-ambtsdrager. De nieuwe mensen hebben een activatielink gekregen.",
            new=counts["new"],
            changed=counts["changed"],
            leaving=counts["leaving"],
        ),
        "success",
    )
    return redirect(url_for("admin.accounts_list"))


def init_app(app):
    app.register_blueprint(bp)
