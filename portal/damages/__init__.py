"""Damages (§6.4) on the web: the victim's claim and its status, the assessment, and the finance
officer's pages — the ledger, what to pay and to collect, letters and the CSV export. The rules and
every amount live in models.damages; who sees a case comes from models.visibility. The finance
officer sees money, references and the perpetrator's name and address, never the case itself."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import secrets

from babel.dates import format_date
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import audit, clock, damages, evidence, letters, texts
from models.accounts import ROLE_LABELS, Role, User
from models.cases import Case, Evidence
from models.casework import Section
from models.damages import (
    DamageItem,
    DamageReceipt,
    Decision,
    EntryKind,
    LedgerEntry,
    LedgerRefused,
    Recovery,
    RecoveryStep,
    StepKind,
    balances,
)
from models.db import write_transaction
from models.i18n import N_
from models.letters import Letter
from models.visibility import Access, case_access
from portal import case_panels, mail
from portal.case_panels import back_to, case_or_404
from portal.damages.forms import (
    ArrangementForm,
    AssessForm,
    ClaimForm,
    CorrectionForm,
    PaymentForm,
    ReverseForm,
    StepForm,
    WriteOffForm,
    recovery_form,
)
from portal.evidence_upload import send_evidence, store_files
from portal.forms import YEARS
from portal.letters import pdf_response
from portal.security import client_ip, roles_required

bp = Blueprint("damages", __name__)

# Corrections the finance officer may book; claims and approvals are corrected by the assessor.
# Entries the finance officer corrects one by one. Not the amount to recover: that has its own form
# ("Bedrag te verhalen corrigeren"), which also sets the new due date (reversing the entry alone left
# the recovery at nothing to recover, without due dates).
FINANCE_REVERSIBLE = {
    EntryKind.REIMBURSED,
    EntryKind.RECOVERED,
    EntryKind.WRITTEN_OFF,
    EntryKind.OVERPAID,
    EntryKind.REFUNDED,
}


def euros(cents) -> str:
    return damages.format_euros(int(cents or 0))


def _today() -> dt.date:
    return clock.to_local(clock.utcnow()).date()


def _refused(refusal: LedgerRefused) -> str:
    return _(refusal.message, **refusal.values)


# --- the claim: by the victim, or by a handler for them ---------------------------------------


@bp.route("/mijn-meldingen/<reference>/schade", methods=["GET", "POST"])
@bp.route("/zaken/<reference>/schade", methods=["GET", "POST"], endpoint="claim_for_victim")
def claim(reference):
    case, level = case_or_404(reference, Access.REPORTER, also=damages.may_claim)
    back = (
        url_for("reports.own_case", reference=reference)
        if level == Access.REPORTER
        else url_for("cases.case_page", reference=reference, _anchor=Section.DAMAGES.value)
    )
    form = ClaimForm()
    if request.method == "GET":
        form.token.data = secrets.token_hex(16)
    elif form.validate_on_submit():
        already, on_file = _files_already_there(form.receipts, case)
        stored = store_files(form.receipts, current_user.id, case=case)
        receipts = on_file + stored
        if not form.receipts.errors:
            again = bool(form.token.data) and DamageItem.select().where(DamageItem.token == form.token.data).exists()
            try:
                with write_transaction():  # the item and the mail to the assessors: both or neither
                    damages.submit_item(
                        case,
                        damages.Category(form.category.data),
                        form.description.data,
                        form.amount.cents,
                        current_user,
                        token=form.token.data or None,
                        receipts=receipts,
                        ip=client_ip(),
                    )
                    if not again:
                        _tell_assessors(case)
            except LedgerRefused as refusal:
                form.form_errors.append(_refused(refusal))
            else:
                flash(_("Uw schadeclaim is ingediend. U ziet hier hoe het ermee staat."), "success")
                _say_already_there(already + _forget_unlinked_copies(stored))
                return redirect(back) if level == Access.REPORTER else back_to(case, Section.DAMAGES)
        _say_already_there(already)
    return render_template(
        "damages/claim.html", case=case, form=form, back=back, on_behalf=level != Access.REPORTER
    ), 422 if form.errors or form.form_errors else 200


def _files_already_there(field, case: Case) -> tuple[list[str], list[Evidence]]:
    """Take out of the upload field each file whose bytes (SHA-256) this case already holds, or that
    was chosen twice: it is not stored again. Returns their names and the stored files to link."""
    names, on_file, seen, keep = [], [], set(), []
    for upload in field.data or []:
        if not getattr(upload, "filename", None):
            continue
        data = upload.read()
        upload.stream.seek(0)
        if not data:  # store_files says it is empty
            keep.append(upload)
            continue
        digest = hashlib.sha256(data).hexdigest()
        existing = None if digest in seen else damages.file_on_case(case, digest)
        if digest in seen or existing is not None:
            names.append(upload.filename[:80])
            if existing is not None:
                on_file.append(existing)
        else:
            keep.append(upload)
        seen.add(digest)
    field.data = keep
    return names, on_file


def _say_already_there(names: list[str]) -> None:
    for name in names:
        flash(
            _("Het bestand %(file)s stond al bij deze melding. Het is niet nog een keer opgeslagen.", file=name), "info"
        )


def _forget_unlinked_copies(stored: list[Evidence]) -> list[str]:
    """A file this request stored that the item did not take — its bytes became a receipt of the
    case in the meantime (the same form sent twice at the same moment) — is removed again."""
    linked = {
        r.evidence_id for r in DamageReceipt.select().where(DamageReceipt.evidence.in_([e.id for e in stored] or [0]))
    }
    names = []
    for copy in stored:
        if copy.id not in linked:
            names.append(copy.filename[:80])
            Evidence.delete().where(Evidence.id == copy.id).execute()
            evidence.shred(current_app.config["UPLOAD_PATH"], copy.storage_name)
    return names


def _tell_assessors(case: Case) -> None:
    role = damages.assessor_role().value
    for person in User.select().where((User.role == role) & (User.is_active == True) & (User.id != case.reporter_id)):
        mail.queue(
            person.email, person.locale, "damages_to_assess", name=person.name, path=url_for("damages.assess_list")
        )


def own_case_section(case: Case, level: Access | None = None, *, file=None) -> dict:
    """The victim's view on their own case page: each item, its status, the reason when not all was granted.
    `file`: the case page's models.case_file.CaseFile, whose items and ledger entries are read once."""
    items = []
    if file is not None:
        for item in file.damage_items:
            status, entry = damages.item_status(item, file.ledger_entries)
            items.append(
                {"item": item, "claimed": file.balance_of(item=item).claimed, "status": status, "entry": entry}
            )
        whole = file.balance
    else:
        for item in DamageItem.select().where(DamageItem.case == case.id).order_by(DamageItem.id):
            status, entry = damages.item_status(item)
            items.append({"item": item, "claimed": balances(item=item).claimed, "status": status, "entry": entry})
        whole = balances(case=case)
    return {"items": items, "balance": whole, "may_claim": damages.may_claim(current_user, case, level)}


def panel_context(case, level, user, file):
    """The case page for those who handle or are informed of the case."""
    section = own_case_section(case, level, file=file)
    recoveries = file.recoveries
    linked = {p.id: p for p in file.perpetrators}
    for recovery in recoveries:  # the perpetrator the panel names, from those the page read already
        if recovery.perpetrator_id in linked:
            recovery.__rel__["perpetrator"] = linked[recovery.perpetrator_id]
    section.update(
        may_assess=damages.may_assess(user, case),
        recoveries=[(r, file.balance_of(recovery=r)) for r in recoveries],
        corrected={r.id for r in recoveries if damages.was_corrected(r, file.ledger_entries)},
    )
    # The receipts of all items in one read, each item's in the order they were added.
    receipts = {row["item"].id: [] for row in section["items"]}
    if receipts:
        query = (
            DamageReceipt.select(DamageReceipt, Evidence)
            .join(Evidence)
            .where(DamageReceipt.item.in_(list(receipts)))
            .order_by(DamageReceipt.id)
        )
        for receipt in query:
            receipts[receipt.item_id].append(receipt)
    section["receipts"] = receipts
    return section


# --- assessment -------------------------------------------------------------------------------


def _assessor_only():
    if current_user.role != damages.assessor_role().value:
        abort(403)


@bp.route("/schade/beoordelen")
def assess_list():
    _assessor_only()
    waiting, late = [], []
    for item in DamageItem.select(DamageItem, Case).join(Case).order_by(DamageItem.submitted_at):
        if damages.may_assess(current_user, item.case) and damages.active_assessment(item) is None:
            waiting.append((item, balances(item=item).claimed))
    for recovery in Recovery.select():
        status = damages.dunning_status(recovery)
        if status["escalated_at"] and balances(recovery=recovery).outstanding > 0 and not damages.handed_over(recovery):
            late.append((recovery, balances(recovery=recovery), status))
    audit.record("damages_assessment_list_viewed", actor_id=current_user.id, ip=client_ip())
    return render_template("damages/assess_list.html", waiting=waiting, late=late, euros=euros)


@bp.route("/schade/beoordelen/<int:item_id>", methods=["GET", "POST"])
def assess(item_id):
    _assessor_only()
    item = DamageItem.get_or_none(DamageItem.id == item_id)
    if item is None or not damages.may_assess(current_user, item.case):
        abort(404)
    form = AssessForm()
    if form.validate_on_submit():
        try:
            damages.assess(
                item,
                Decision(form.decision.data),
                current_user,
                approved_cents=form.amount.cents,
                reason=form.reason.data or "",
                ip=client_ip(),
            )
        except LedgerRefused as refusal:
            form.form_errors.append(_refused(refusal))
        else:
            flash(_("Uw besluit is vastgelegd. De melder ziet het op de eigen melding."), "success")
            return redirect(url_for("damages.assess_list"))
    audit.record(
        "damage_item_viewed", actor_id=current_user.id, object_type="damage_item", object_id=item.id, ip=client_ip()
    )
    status, entry = damages.item_status(item)
    receipts = list(DamageReceipt.select(DamageReceipt, Evidence).join(Evidence).where(DamageReceipt.item == item.id))
    return render_template(
        "damages/assess.html",
        item=item,
        form=form,
        claimed=balances(item=item).claimed,
        status=status,
        entry=entry,
        receipts=receipts,
        euros=euros,
    ), 422 if form.errors or form.form_errors else 200


@bp.route("/schade/bon/<int:evidence_id>")
def receipt(evidence_id):
    """A receipt: for the victim and those on the case like all evidence, and for the assessor."""
    row = (
        DamageReceipt.select(DamageReceipt, Evidence)
        .join(Evidence)
        .where(DamageReceipt.evidence == evidence_id)
        .first()
    )
    if row is None:
        abort(404)
    item, file = row.item, row.evidence
    if case_access(current_user, item.case) < Access.REPORTER and not damages.may_assess(current_user, item.case):
        abort(404)
    return send_evidence(file, detail=f"case={item.case_id} receipt", fallback_name="bon")


# --- the finance officer ----------------------------------------------------------------------
# No access to case content (Access.NONE): a case's money pages open when damages.may_see_ledger says so.

finance_only = roles_required(Role.FINANCE_OFFICER)


def _cases_with_ledger():
    ids = LedgerEntry.select(LedgerEntry.case).distinct()
    return list(
        Case.select(Case, User)
        .join(User, on=(Case.reporter == User.id))
        .where(Case.id.in_(ids))
        .order_by(Case.created_at.desc())
    )


@bp.route("/financien")
@finance_only
def finance_overview():
    year = _today().year
    to_pay, to_collect, overpaid = [], [], []
    for case in _cases_with_ledger():
        balance = balances(case=case)
        if balance.to_reimburse > 0:
            to_pay.append((case, balance))
        for recovery in Recovery.select().where(Recovery.case == case.id):
            rb = balances(recovery=recovery)
            if rb.outstanding > 0:
                to_collect.append(
                    (
                        recovery,
                        rb,
                        damages.next_due(recovery),
                        damages.dunning_status(recovery),
                        damages.handed_over(recovery),
                    )
                )
            if rb.overpayment_open > 0:
                overpaid.append((recovery, rb))
    audit.record("finance_overview_viewed", actor_id=current_user.id, ip=client_ip())
    return render_template(
        "damages/finance.html",
        total=balances(),
        this_year=balances(year=year),
        year=year,
        cases=_cases_with_ledger(),
        balances_of=lambda c: balances(case=c),
        to_pay=to_pay,
        to_collect=to_collect,
        overpaid=overpaid,
        euros=euros,
        today=_today(),
    )


def _finance_back(case, anchor=None):
    return redirect(url_for("damages.finance_case", reference=case.reference, _anchor=anchor))


@bp.route("/financien/<reference>")
@finance_only
def finance_case(reference, forms=None):
    case, _level = case_or_404(reference, Access.NONE, also=damages.may_see_ledger)
    linked = damages.liable_perpetrators(case)
    whole = balances(case=case)
    already = {r.perpetrator_id for r in Recovery.select().where(Recovery.case == case.id)}
    open_for = [p for p in linked if p.id not in already]
    room = whole.approved - whole.to_recover
    shares = damages.split_evenly(max(room, 0), len(open_for)) if open_for else []
    defaults = {p.id: damages.format_euros(cents).removeprefix("€ ") for p, cents in zip(open_for, shares, strict=True)}
    forms = forms or {}
    recoveries = []
    for recovery in Recovery.select().where(Recovery.case == case.id).order_by(Recovery.id):
        recoveries.append(
            {
                "recovery": recovery,
                "balance": balances(recovery=recovery),
                "instalments": damages.instalment_state(recovery),
                "dunning": damages.dunning_status(recovery),
                "handed_over": damages.handed_over(recovery),
                "steps": list(
                    RecoveryStep.select().where(RecoveryStep.recovery == recovery.id).order_by(RecoveryStep.done_on)
                ),
                "payment_form": forms.get(("payment", recovery.id))
                or PaymentForm(formdata=None, prefix=_prefix("betaling", recovery), paid_on=_today()),
                "arrangement_form": forms.get(("arrangement", recovery.id))
                or ArrangementForm(formdata=None, prefix=_prefix("regeling", recovery)),
                "write_off_form": forms.get(("write_off", recovery.id))
                or WriteOffForm(formdata=None, prefix=_prefix("afschrijven", recovery)),
                "refund_form": forms.get(("refund", recovery.id))
                or PaymentForm(formdata=None, prefix=_prefix("terugbetalen", recovery), paid_on=_today()),
                "step_form": forms.get(("step", recovery.id))
                or StepForm(formdata=None, prefix=_prefix("stap", recovery), done_on=_today()),
                "correction_form": forms.get(("correction", recovery.id)) or _correction_form(recovery),
                "corrected": damages.was_corrected(recovery),
            }
        )
    items = [
        (item, balances(item=item), damages.item_status(item)[0])
        for item in DamageItem.select().where(DamageItem.case == case.id).order_by(DamageItem.id)
    ]
    entries = list(LedgerEntry.select().where(LedgerEntry.case == case.id).order_by(LedgerEntry.id))
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id}
    audit.record("finance_case_viewed", actor_id=current_user.id, object_type="case", object_id=case.id, ip=client_ip())
    errors = any(f.errors or f.form_errors for f in forms.values())
    return render_template(
        "damages/finance_case.html",
        case=case,
        balance=whole,
        items=items,
        recoveries=recoveries,
        entries=entries,
        reversed_ids=reversed_ids,
        reversible={k.value for k in FINANCE_REVERSIBLE},
        euros=euros,
        reimburse_form=forms.get("reimburse")
        or PaymentForm(
            formdata=None, paid_on=_today(), amount=damages.format_euros(max(whole.to_reimburse, 0)).removeprefix("€ ")
        ),
        recovery_form=forms.get("recovery")
        or (recovery_form(open_for, defaults)(formdata=None) if open_for and room > 0 else None),
        reverse_form=ReverseForm(formdata=None),
    ), 422 if errors else 200


@bp.route("/financien/<reference>/uitbetaling", methods=["POST"])
@finance_only
def reimburse(reference):
    case, _level = case_or_404(reference, Access.NONE, also=damages.may_see_ledger)
    form = PaymentForm()
    if form.validate_on_submit():
        try:
            _entry, duplicate = damages.record_reimbursement(
                case, form.amount.cents, form.paid_on.data, form.reference.data, current_user, ip=client_ip()
            )
        except LedgerRefused as refusal:
            form.form_errors.append(_refused(refusal))
        else:
            flash(
                _("Deze betaling was al geboekt; er is niets dubbel geboekt.")
                if duplicate
                else _("De uitbetaling aan de melder is geboekt."),
                "success",
            )
            return _finance_back(case)
    return finance_case(reference, forms={"reimburse": form})


@bp.route("/financien/<reference>/verhalen", methods=["POST"])
@finance_only
def start_recovery(reference):
    case, _level = case_or_404(reference, Access.NONE, also=damages.may_see_ledger)
    linked = damages.liable_perpetrators(case)
    form = recovery_form(linked, {})()
    if form.validate_on_submit():
        shares = {p.id: getattr(form, f"share_{p.id}").cents or 0 for p in linked}
        try:
            damages.start_recovery(case, shares, form.due_on.data, current_user, ip=client_ip())
        except LedgerRefused as refusal:
            form.form_errors.append(_refused(refusal))
        else:
            flash(_("Het verhaal is gestart. Druk de brief met de vordering af en verstuur hem."), "success")
            return _finance_back(case, "verhaal")
    return finance_case(reference, forms={"recovery": form})


def _recovery(reference: str, recovery_id: int) -> tuple[Case, Recovery]:
    case, _level = case_or_404(reference, Access.NONE, also=damages.may_see_ledger)
    recovery = Recovery.get_or_none((Recovery.id == recovery_id) & (Recovery.case == case.id))
    if recovery is None:
        abort(404)
    return case, recovery


@bp.route("/financien/<reference>/verhaal/<int:recovery_id>/<action>", methods=["POST"])
@finance_only
def recovery_action(reference, recovery_id, action):
    case, recovery = _recovery(reference, recovery_id)
    form_class = {
        "betaling": PaymentForm,
        "regeling": ArrangementForm,
        "afschrijven": WriteOffForm,
        "terugbetalen": PaymentForm,
        "stap": StepForm,
        "bedrag": CorrectionForm,
    }.get(action)
    if form_class is None:
        abort(404)
    form = form_class(prefix=_prefix(action, recovery))
    key = {
        "betaling": "payment",
        "regeling": "arrangement",
        "afschrijven": "write_off",
        "terugbetalen": "refund",
        "stap": "step",
        "bedrag": "correction",
    }[action]
    if form.validate_on_submit():
        try:
            message = _do_recovery_action(action, recovery, form)
        except LedgerRefused as refusal:
            form.form_errors.append(_refused(refusal))
        else:
            flash(message, "success")
            return _finance_back(case, f"verhaal-{recovery.id}")
    return finance_case(reference, forms={(key, recovery.id): form})


def _prefix(action: str, recovery: Recovery) -> str:
    """The page holds each form once per recovery (and a payout form besides): fields are named per
    action and recovery, so every label points at its own field."""
    return f"{'correctie' if action == 'bedrag' else action}-{recovery.id}"


def _correction_form(recovery: Recovery) -> CorrectionForm:
    """Filled in with the amount to recover now and the next due date (or the last one)."""
    upcoming = damages.next_due(recovery) or next(iter(reversed(damages.current_instalments(recovery))), None)
    return CorrectionForm(
        formdata=None,
        prefix=_prefix("bedrag", recovery),
        amount=euros(balances(recovery=recovery).to_recover).removeprefix("€ "),
        due_on=upcoming.due_on if upcoming else None,
    )


def _do_recovery_action(action: str, recovery: Recovery, form) -> str:
    ip = client_ip()
    if action == "betaling":
        entries, duplicate = damages.record_payment(
            recovery, form.amount.cents, form.paid_on.data, form.reference.data, current_user, ip=ip
        )
        if duplicate:
            return _("Deze betaling was al geboekt; er is niets dubbel geboekt.")
        if any(e.kind == EntryKind.OVERPAID.value for e in entries):
            return _("De betaling is geboekt. Let op: er is te veel betaald. Betaal het verschil terug.")
        return _("De betaling is geboekt.")
    if action == "regeling":
        damages.agree_instalments(
            recovery, form.first_due.data, form.count.data, form.every_days.data, current_user, ip=ip
        )
        return _("De betalingsregeling is vastgelegd.")
    if action == "afschrijven":
        damages.write_off(recovery, form.amount.cents, form.reason.data, current_user, ip=ip)
        return _("Het bedrag is afgeschreven.")
    if action == "bedrag":
        damages.correct_to_recover(
            recovery, form.amount.cents, form.reason.data, current_user, due_on=form.due_on.data, ip=ip
        )
        return _(
            "Het bedrag te verhalen is gecorrigeerd. Er staat nu %(amount)s open.",
            amount=euros(max(balances(recovery=recovery).outstanding, 0)),
        )
    if action == "terugbetalen":
        damages.refund_overpayment(
            recovery, form.amount.cents, form.paid_on.data, form.reference.data, current_user, ip=ip
        )
        return _("De terugbetaling aan de veroorzaker is geboekt.")
    damages.record_step(
        recovery, StepKind(form.kind.data), form.done_on.data, current_user, form.note.data or "", ip=ip
    )
    return _("Vastgelegd.")


@bp.route("/financien/<reference>/boeking/<int:entry_id>/corrigeren", methods=["POST"])
@finance_only
def reverse(reference, entry_id):
    case, _level = case_or_404(reference, Access.NONE, also=damages.may_see_ledger)
    entry = LedgerEntry.get_or_none((LedgerEntry.id == entry_id) & (LedgerEntry.case == case.id))
    if entry is None or EntryKind(entry.kind) not in FINANCE_REVERSIBLE:
        abort(404)
    form = ReverseForm()
    if not form.validate_on_submit():
        flash(_("Schrijf op waarom deze boeking wordt gecorrigeerd."), "error")
        return _finance_back(case, "boekingen")
    try:
        damages.reverse(entry, form.reason.data, current_user, ip=client_ip())
    except LedgerRefused as refusal:
        flash(_refused(refusal), "error")
    else:
        flash(_("De correctie is geboekt."), "success")
    return _finance_back(case, "boekingen")


def dutch_date(value) -> str:
    """Letters are Dutch, whatever language the reader chose for the portal."""
    return format_date(value, "d MMMM yyyy", locale="nl") if value else ""


# Letters are Dutch whatever language the reader chose: these are printed as written, never translated.
LETTER_SUBJECTS = {
    "vordering": N_("Vergoeding van schade"),
    "herinnering": N_("Herinnering"),
    "aanmaning": N_("Aanmaning"),
}
SIGNATORY_FUNCTION = N_("%(role)s van de gemeente %(place)s")


def letter_document(recovery: Recovery, kind: str) -> Letter:
    """A damages letter as the municipality sends it, signed by the finance officer; raises texts.TemplateProblem."""
    fields = damages.letter_fields(recovery, current_user.name, dutch_date)
    return letters.compose(
        damages.LETTER_KEYS[kind],
        fields,
        kenmerk=fields["kenmerk"],
        date=dutch_date(clock.to_local(clock.utcnow()).date()),
        subject=LETTER_SUBJECTS[kind],
        addressee_name=fields["naam"],
        addressee_address=fields["adres"],
        signatory=current_user.name,
        function=SIGNATORY_FUNCTION
        % {"role": ROLE_LABELS[current_user.role_enum], "place": letters.place_of(fields["gemeente"])},
        home=letters.victim_home(recovery.case),
    )


def _letter_of(reference, recovery_id, kind):
    if kind not in damages.LETTER_KEYS:
        abort(404)
    return _recovery(reference, recovery_id)


def _audit_letter(case, recovery, kind: str, form: str) -> None:
    audit.record(
        "recovery_letter_printed",
        actor_id=current_user.id,
        object_type="recovery",
        object_id=recovery.id,
        ip=client_ip(),
        detail=f"case={case.id} letter={kind} format={form}",
    )


@bp.route("/financien/<reference>/verhaal/<int:recovery_id>/brief/<kind>")
@finance_only
def letter(reference, recovery_id, kind):
    """The letter as a page to check before downloading it (the PDF is the document)."""
    case, recovery = _letter_of(reference, recovery_id, kind)
    problem = None
    try:
        document = letter_document(recovery, kind)
    except texts.TemplateProblem:
        document, problem = None, True
    _audit_letter(case, recovery, kind, "html")
    return render_template(
        "damages/letter.html", case=case, recovery=recovery, letter=document, problem=problem, kind=kind
    )


@bp.route("/financien/<reference>/verhaal/<int:recovery_id>/brief/<kind>.pdf")
@finance_only
def letter_pdf(reference, recovery_id, kind):
    case, recovery = _letter_of(reference, recovery_id, kind)
    try:
        document = letter_document(recovery, kind)
    except texts.TemplateProblem:
        flash(_("De brief kan niet worden gemaakt, omdat de tekst van de brief een fout bevat."), "error")
        return redirect(url_for("damages.letter", reference=reference, recovery_id=recovery_id, kind=kind))
    _audit_letter(case, recovery, kind, "pdf")
    return pdf_response(document, f"{kind}-{document.kenmerk}.pdf")


# --- the CSV export: a stable layout, documented in README.md ("Damages ledger CSV") -----------

CSV_COLUMNS = [
    "entry_id",
    "booked_on",
    "recorded_at_utc",
    "case_reference",
    "kind",
    "reverses_entry_id",
    "amount_cents",
    "signed_amount_cents",
    "signed_amount_eur",
    "payment_reference",
    "recovery_reference",
    "party_role",
    "party_name",
    "category",
    "decision",
    "recorded_by",
]


_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _cell(value) -> str:
    """No spreadsheet formulas from names (CSV injection); a number (a negative amount) stays a number."""
    text = "" if value is None else str(value)
    if _NUMBER.fullmatch(text):
        return text
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def ledger_rows(year: int | None = None):
    query = LedgerEntry.select(LedgerEntry, Case).join(Case).order_by(LedgerEntry.id)
    if year:
        query = query.where(
            (LedgerEntry.booked_on >= dt.date(year, 1, 1)) & (LedgerEntry.booked_on < dt.date(year + 1, 1, 1))
        )
    users = {u.id: u for u in User.select()}
    for entry in query:
        recovery = entry.recovery if entry.recovery_id else None
        if recovery is not None:
            party_role, party_name = "perpetrator", recovery.perpetrator.name or ""
        else:
            party_role, party_name = "victim", users[entry.case.reporter_id].name
        yield [
            entry.id,
            entry.booked_on.isoformat(),
            entry.recorded_at.isoformat(timespec="seconds"),
            entry.case.reference,
            entry.kind,
            entry.reverses_id or "",
            entry.amount_cents,
            entry.signed_cents,
            damages.cents_as_decimal_text(entry.signed_cents),
            entry.reference or "",
            recovery.payment_reference if recovery else "",
            party_role,
            party_name,
            entry.item.category if entry.item_id else "",
            entry.decision or "",
            users[entry.recorded_by_id].name if entry.recorded_by_id in users else "",
        ]


@bp.route("/financien/export.csv")
@finance_only
def export_csv():
    year = request.args.get("jaar", type=int)
    if year is not None and year not in YEARS:  # no year of a booking: dt.date(year, 1, 1) was a 500
        abort(400)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in ledger_rows(year):
        writer.writerow([_cell(value) for value in row])
    audit.record("ledger_exported", actor_id=current_user.id, ip=client_ip(), detail=f"year={year or 'all'}")
    name = f"schadeboekingen-{year or 'alle'}.csv"
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


def init_app(app):
    app.register_blueprint(bp)
    case_panels.register("damages", "damages/_panel.html", panel_context, Section.DAMAGES)

    @app.context_processor
    def _damages_globals():
        return {
            "damages_euros": euros,
            "damages_model": damages,
            "damages_may_assess_role": lambda user: user.role == damages.assessor_role().value,
        }
