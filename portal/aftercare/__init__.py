"""Aftercare on the case page (§6.3): the three conversations and the referrals, recorded by the
handlers and by the people who hold the conversations. Confidential conversation notes only for
those who hold them (models.aftercare.may_read_notes). The admin keeps the referral numbers."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import aftercare, audit, clock, damages
from models.accounts import Role
from models.aftercare import Conversation, Outcome, Referral, ReferralKind, ReferralStatus
from models.cases import Case, NotAllowed
from models.casework import Section
from models.db import write_transaction
from models.visibility import Access
from portal import case_panels
from portal.aftercare.forms import (
    ConversationForm,
    ReferralForm,
    ReferralUpdateForm,
    referral_contacts_form,
    referral_kind_choices,
)
from portal.case_panels import back_to, case_or_404, folded, show_again
from portal.security import client_ip, roles_required

bp = Blueprint("aftercare", __name__)


# --- the panel ------------------------------------------------------------------------------------


# Forms are shown unbound (formdata=None): the page may be rendered during another form's POST.
def _conversation_form(conversation: Conversation, may_read: bool, submitted: bool = False) -> ConversationForm:
    if submitted:
        form = ConversationForm(prefix=f"gesprek{conversation.number}")
    else:
        moment = conversation.held_at or conversation.planned_at
        form = ConversationForm(
            formdata=None,
            prefix=f"gesprek{conversation.number}",
            outcome=conversation.outcome,
            moment=clock.to_local(moment).replace(tzinfo=None) if moment else None,
            notes=conversation.notes if may_read else None,
        )
    if not may_read:
        del form.notes
    return form


def _referral_form(submitted: bool = False, contacts: dict | None = None) -> ReferralForm:
    if submitted:
        form = ReferralForm(prefix="verwijzing")
    else:
        form = ReferralForm(formdata=None, prefix="verwijzing", token=secrets.token_hex(16))
    form.kind.choices = referral_kind_choices(aftercare.referral_contacts() if contacts is None else contacts)
    return form


def _referral_update_form(referral: Referral, submitted: bool = False) -> ReferralUpdateForm:
    if submitted:
        return ReferralUpdateForm(prefix=f"verwijzing{referral.id}")
    cost = referral.cost_cents
    return ReferralUpdateForm(
        formdata=None,
        prefix=f"verwijzing{referral.id}",
        status=referral.status,
        costs_covered=referral.costs_covered,
        cost=damages.format_euros(cost).removeprefix("€ ") if cost else "",
    )


def panel_context(case: Case, level: Access, user, file):
    conversations = file.conversations
    if not conversations:
        return None  # a consultation: aftercare is planned when it becomes a report
    may_record = aftercare.may_record(user, case, level)
    now = clock.utcnow()
    rows = []
    for conversation in conversations:
        may_read = aftercare.may_read_notes(user, conversation, level)
        form = None
        if may_record:
            form = folded(
                "aftercare",
                f"gesprek{conversation.number}",
                lambda conversation=conversation, may_read=may_read: _conversation_form(conversation, may_read),
            )
        rows.append(
            {
                "conversation": conversation,
                "may_read_notes": may_read,
                "form": form,
                "timeliness": aftercare.timeliness(conversation, now),
                "holders": sorted(conversation.holders, key=lambda role: (role != Role.MAYOR.value, role)),
            }
        )
    referrals = file.referrals
    # The numbers of the help on offer: in the table of referrals, and in the referral form when it is
    # written (folded: it reads them itself then). Read once, and only when there is a referral.
    contacts = aftercare.referral_contacts() if referrals else None
    return {
        "rows": rows,
        "outcome_labels": {o.value: label for o, label in aftercare.OUTCOME_LABELS.items()},
        "referrals": [
            {
                "referral": r,
                "form": folded("aftercare", f"verwijzing{r.id}", lambda r=r: _referral_update_form(r))
                if may_record
                else None,
            }
            for r in referrals
        ],
        "referral_labels": {k.value: label for k, label in aftercare.REFERRAL_LABELS.items()},
        "referral_status_labels": {s.value: label for s, label in aftercare.REFERRAL_STATUS_LABELS.items()},
        "contacts": {k.value: number for k, number in contacts.items()} if contacts else {},
        "euros": damages.format_euros,
        "referral_form": folded("aftercare", "verwijzing", lambda: _referral_form(contacts=contacts))
        if may_record
        else None,
        "may_record": may_record,
        "created_at": case.created_at,
    }


# --- conversations --------------------------------------------------------------------------------


@bp.route("/zaken/<reference>/nazorg/gesprek/<int:number>", methods=["POST"])
def record_conversation(reference, number):
    case, level = case_or_404(reference, Access.INFORMED, also=aftercare.may_record)
    conversation = Conversation.get_or_none((Conversation.case == case.id) & (Conversation.number == number))
    if conversation is None:
        abort(404)
    may_read = aftercare.may_read_notes(current_user, conversation, level)
    form = _conversation_form(conversation, may_read, submitted=True)
    if form.validate_on_submit():
        outcome, moment = Outcome(form.outcome.data), form.moment.data
        moment_utc = clock.to_utc(moment) if moment else None
        try:
            with write_transaction():
                aftercare.record_outcome(
                    conversation,
                    outcome,
                    current_user,
                    held_at=moment_utc if outcome == Outcome.HELD else None,
                    notes=form.notes.data if may_read else None,
                    planned_at=moment_utc if outcome != Outcome.HELD else None,
                )
                audit.record(
                    "aftercare_conversation_recorded",
                    actor_id=current_user.id,
                    object_type="case",
                    object_id=case.id,
                    ip=client_ip(),
                    detail=f"conversation={number} outcome={outcome.value}",
                )
        except NotAllowed as refused:
            form.moment.errors.append(_(refused.message))
        else:
            flash(_("Het nazorggesprek is bijgewerkt."), "success")
            return back_to(case, Section.AFTERCARE)
    return show_again(case, "aftercare", f"gesprek{number}", form, status=400)


# --- referrals ------------------------------------------------------------------------------------


def _refused_on(form, refused: aftercare.ReferralRefused) -> None:
    """About the amount when one was given, else about whether the municipality pays."""
    field = form.cost if form.cost.data and form.costs_covered.data else form.costs_covered
    field.errors.append(_(refused.message, **refused.values))


@bp.route("/zaken/<reference>/nazorg/verwijzing", methods=["POST"])
def add_referral(reference):
    case, _level = case_or_404(reference, Access.INFORMED, also=aftercare.may_record)
    form = _referral_form(submitted=True)
    if form.validate_on_submit():
        try:
            with write_transaction():
                referral = aftercare.add_referral(
                    case,
                    ReferralKind(form.kind.data),
                    current_user,
                    status=ReferralStatus(form.status.data),
                    costs_covered=form.costs_covered.data,
                    note=form.note.data,
                    cost_cents=form.cost.cents,
                    token=form.token.data or None,
                    ip=client_ip(),
                )
                audit.record(
                    "aftercare_referral_added",
                    actor_id=current_user.id,
                    object_type="case",
                    object_id=case.id,
                    ip=client_ip(),
                    detail=f"referral={referral.id} kind={referral.kind}",
                )
        except aftercare.ReferralRefused as refused:
            _refused_on(form, refused)
        except NotAllowed as refused:  # the NVR ambassadors without the victim's consent
            form.kind.errors.append(_(refused.message))
        else:
            flash(_("De verwijzing is opgeslagen."), "success")
            return back_to(case, Section.AFTERCARE)
    return show_again(case, "aftercare", "verwijzing", form, status=400)


@bp.route("/zaken/<reference>/nazorg/verwijzing/<int:referral_id>", methods=["POST"])
def update_referral(reference, referral_id):
    case, _level = case_or_404(reference, Access.INFORMED, also=aftercare.may_record)
    referral = Referral.get_or_none((Referral.id == referral_id) & (Referral.case == case.id))
    if referral is None:
        abort(404)
    form = _referral_update_form(referral, submitted=True)
    if form.validate_on_submit():
        try:
            with write_transaction():
                aftercare.update_referral(
                    referral,
                    current_user,
                    status=ReferralStatus(form.status.data),
                    costs_covered=form.costs_covered.data,
                    note=form.note.data,
                    cost_cents=form.cost.cents,
                    ip=client_ip(),
                )
                audit.record(
                    "aftercare_referral_updated",
                    actor_id=current_user.id,
                    object_type="case",
                    object_id=case.id,
                    ip=client_ip(),
                    detail=f"referral={referral.id} status={referral.status}",
                )
        except aftercare.ReferralRefused as refused:
            _refused_on(form, refused)
        else:
            flash(_("De verwijzing is bijgewerkt."), "success")
            return back_to(case, Section.AFTERCARE)
    return show_again(case, "aftercare", f"verwijzing{referral.id}", form, status=400)


# --- the admin's numbers --------------------------------------------------------------------------


@bp.route("/beheer/hulpverlening", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def referral_contacts_page():
    form = referral_contacts_form(aftercare.referral_contacts())
    if form.validate_on_submit():
        with write_transaction():
            for kind in ReferralKind:
                if aftercare.set_referral_contact(kind, form[kind.value].data or ""):
                    audit.record(
                        "referral_contact_changed",
                        actor_id=current_user.id,
                        object_type="referral_contact",
                        object_id=kind.value,
                        ip=client_ip(),
                    )
        flash(_("De gegevens van de hulpverlening zijn opgeslagen."), "success")
        return redirect(url_for("aftercare.referral_contacts_page"))
    return render_template("aftercare/contacts.html", form=form)


def init_app(app):
    app.register_blueprint(bp)
    case_panels.register("aftercare", "aftercare/_panel.html", panel_context, Section.AFTERCARE)
