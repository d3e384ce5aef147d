"""Prevention (§4.1): the clerk's council terms with their briefing and trainings, and the admin's
new council in one go from a CSV. The rules are in models.prevention."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import audit, prevention
from models.accounts import ROLE_LABELS, Role
from models.db import write_transaction
from models.prevention import OUTCOME_LABELS, SESSION_LABELS, CouncilTerm, Outcome, SessionKind
from portal import mail
from portal.prevention.forms import CouncilConfirmForm, CouncilUploadForm, SessionForm, TermForm
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
    rows = list(CouncilTerm.select().order_by(CouncilTerm.starts_on.desc()))
    return render_template("prevention/terms.html", form=form, terms=rows)


def _term_or_404(term_id: int) -> CouncilTerm:
    term = CouncilTerm.get_or_none(CouncilTerm.id == term_id)
    if term is None:
        abort(404)
    return term


def _session_form(formdata=None) -> SessionForm:
    form = SessionForm() if formdata is None else SessionForm(formdata=formdata)
    form.attendees.choices = [(u.id, u.name) for u in prevention.office_holders()]
    return form


@bp.route("/preventie/<int:term_id>", methods=["GET", "POST"])
@roles_required(*CLERKS)
def term(term_id):
    term = _term_or_404(term_id)
    form = _session_form()
    if form.validate_on_submit():
        kind = SessionKind(form.kind.data)
        with write_transaction():
            session = prevention.record_session(term, kind, form.held_on.data, form.attendees.data or [], current_user)
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
    audit.record(
        "prevention_term_viewed",
        actor_id=current_user.id,
        object_type="council_term",
        object_id=term.id,
        ip=client_ip(),
    )
    held = [(s, prevention.attendees(s)) for s in prevention.sessions(term)]
    return render_template(
        "prevention/term.html",
        term=term,
        form=form,
        deadline=prevention.briefing_deadline(term),
        held=held,
        not_attended=prevention.invite_to_next_briefing(term),
        topics=prevention.BRIEFING_TOPICS,
        labels=SESSION_LABELS,
        briefing=SessionKind.BRIEFING.value,
    )


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
