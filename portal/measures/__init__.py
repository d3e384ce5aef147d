"""Measures against the perpetrator (§6.2) on the case page: the citizen's side (§2), the decision
screen, the written decision for a building ban, objections and violations; and the texts the
municipality edits. The rules live in models.measures and models.texts; who sees a case comes from
models.visibility (a case someone may not see answers 404)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict

import jinja2
from babel.dates import format_date
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import meta

from models import audit, clock, letters, measures, perpetrators, police, texts
from models.accounts import Role
from models.casework import Section
from models.db import write_transaction
from models.i18n import N_
from models.letters import Letter
from models.measures import (
    BanViolation,
    Measure,
    MeasureObjection,
    MeasureRefused,
    MeasureState,
    MeasureType,
)
from models.visibility import Access
from portal import case_panels
from portal.case_panels import back_to, case_or_404, folded, sent_form, show_again
from portal.letters import pdf_response
from portal.measures.forms import (
    ActionForm,
    AdviceForm,
    DecideForm,
    ExtendForm,
    HearingForm,
    ObjectionForm,
    ObjectionOutcomeForm,
    ProposeForm,
    ViolationForm,
    texts_form,
)
from portal.security import client_ip, roles_required

bp = Blueprint("measures", __name__)


def may_propose(user, level: Access) -> bool:
    return level >= Access.HANDLER or (level >= Access.INFORMED and user.role_enum == Role.SECURITY_OFFICER)


def may_follow_up(user, level: Access, measure: Measure) -> bool:
    """Carrying out and ending a decided measure: whoever handles the case, or may decide it."""
    return level >= Access.HANDLER or measures.may_decide(user, MeasureType(measure.type))


def may_record(user, level: Access, measure: Measure) -> bool:
    """The citizen's side, an objection that came in, a violation: whoever may propose or decide it."""
    return may_propose(user, level) or measures.may_decide(user, MeasureType(measure.type))


def _today():
    return clock.to_local(clock.utcnow()).date()


def _by_measure(model, rows, order) -> dict:
    grouped = defaultdict(list)
    if rows:
        for row in model.select().where(model.measure.in_([m.id for m in rows])).order_by(*order):
            grouped[row.measure_id].append(row)
    return grouped


def _grouped(rows) -> dict:
    """Rows of the case's measures (the page's file holds them in order), by measure."""
    grouped = defaultdict(list)
    for row in rows:
        grouped[row.measure_id].append(row)
    return grouped


def _refused(form, refusal: MeasureRefused) -> None:
    """The model's refusal on the form: next to its field where it names one, else at the top."""
    message = _(refusal.message, **refusal.params)
    target = form[refusal.field] if refusal.field and refusal.field in form else None
    if target is not None:
        target.errors = [*target.errors, message]
    else:
        form.form_errors.append(message)


def _propose_form(case, form: ProposeForm | None = None, linked: list | None = None) -> ProposeForm:
    linked = perpetrators.linked_perpetrators(case) if linked is None else linked
    if form is None:
        form = ProposeForm(formdata=None, perpetrator=linked[0].id if len(linked) == 1 else 0)
    form.perpetrator.choices = [(0, _("Geen"))] + [(p.id, p.name) for p in linked]
    return form


def _hearing_form(measure: Measure, user) -> HearingForm:
    form = sent_form("measures", f"hearing-{measure.id}")
    if form is None:
        form = HearingForm(formdata=None, prefix=f"horen-{measure.id}", held_on=_today(), heard_by=user.name)
        form.token.data = secrets.token_hex(16)
    return form


def _objection_form(measure: Measure) -> ObjectionForm:
    form = sent_form("measures", f"objection-{measure.id}")
    if form is None:
        form = ObjectionForm(formdata=None, prefix=f"bezwaar-{measure.id}", received_on=_today())
        form.token.data = secrets.token_hex(16)
    return form


def _violation_form(measure: Measure) -> ViolationForm:
    form = sent_form("measures", f"violation-{measure.id}")
    if form is None:
        form = ViolationForm(formdata=None, prefix=f"overtreding-{measure.id}", occurred_date=_today())
        form.token.data = secrets.token_hex(16)
    return form


def _outcome_form(objection: MeasureObjection) -> ObjectionOutcomeForm:
    return sent_form("measures", f"objection-outcome-{objection.id}") or ObjectionOutcomeForm(
        formdata=None, prefix=f"beslissing-{objection.id}"
    )


def panel_context(case, level, user, file):
    rows = file.measures  # each with this case: not read again per measure
    file.attach(rows, "proposed_by", "decided_by", "advice_by")  # the accounts the panel names, read once
    hearings = _grouped(file.measure_hearings)
    objections = _grouped(file.measure_objections)
    violations = _by_measure(BanViolation, rows, (BanViolation.occurred_at, BanViolation.id))
    file.attach([o for os in objections.values() for o in os], "decided_by")
    file.attach([v for vs in violations.values() for v in vs], "police_informed_by")
    proposals = {
        v.police_report_proposal_id: v for vs in violations.values() for v in vs if v.police_report_proposal_id
    }
    # The police report filed for a violation (through the police panel): the first one since that day.
    ban_reports = [r for r in file.police_reports if r.subject == police.ReportSubject.BAN_VIOLATED.value]
    filed_for = {
        v.id: next((r for r in ban_reports if r.filed_on >= clock.to_local(v.occurred_at).date()), None)
        for vs in violations.values()
        for v in vs
    }
    may_record_ = {m.id: may_record(user, level, m) for m in rows}
    return {
        "measures": rows,
        "labels": measures.MEASURE_LABELS,
        "state_labels": measures.STATE_LABELS,
        "hearing_labels": {key.value: label for key, label in measures.HEARING_LABELS.items()},
        "objection_labels": {key.value: label for key, label in measures.OBJECTION_LABELS.items()},
        "HearingOutcome": measures.HearingOutcome,
        "ObjectionOutcome": measures.ObjectionOutcome,
        "MeasureType": MeasureType,
        "MeasureState": MeasureState,
        "period_types": measures.PERIOD_MEASURES,
        "objection_types": measures.OBJECTION_MEASURES,
        "may_propose": may_propose(user, level),
        "propose_form": folded("measures", "propose", lambda: _propose_form(case, None, file.perpetrators)),
        "is_security_officer": user.role_enum == Role.SECURITY_OFFICER,
        "may_decide": {m.id: measures.may_decide(user, MeasureType(m.type)) for m in rows},
        "may_follow_up": {m.id: may_follow_up(user, level, m) for m in rows},
        "may_record": may_record_,
        "known": {m.id: measures.against_known_person(m) for m in rows},
        "hearings": hearings,
        "objections": objections,
        "violations": violations,
        "from_violation": proposals,
        "filed_for": filed_for,
        "ban_subject": police.SUBJECT_LABELS[police.ReportSubject.BAN_VIOLATED],
        "reference": {m.id: measures.letter_reference(m) for m in rows if m.type == MeasureType.BUILDING_BAN.value},
        "objection_deadline": {m.id: measures.objection_deadline(m) for m in rows if m.decided_at},
        "objection_late": measures.objection_late,
        "in_force_now": {m.id: measures.in_force_on(m, clock.utcnow()) for m in rows},
        # Each form folded (templates/_part.html): made only when the page writes it.
        "hearing_forms": {
            m.id: folded("measures", f"hearing-{m.id}", lambda m=m: _hearing_form(m, user))
            for m in rows
            if m.state == MeasureState.PROPOSED.value
        },
        "objection_forms": {
            m.id: folded("measures", f"objection-{m.id}", lambda m=m: _objection_form(m)) for m in rows
        },
        "violation_forms": {
            m.id: folded("measures", f"violation-{m.id}", lambda m=m: _violation_form(m)) for m in rows if m.decided_at
        },
        "outcome_forms": {
            o.id: folded("measures", f"objection-outcome-{o.id}", lambda o=o: _outcome_form(o))
            for os in objections.values()
            for o in os
            if o.outcome is None
        },
    }


def _measure(reference: str, measure_id: int, minimum: Access = Access.INFORMED):
    case, level = case_or_404(reference, minimum)
    measure = Measure.get_or_none((Measure.id == measure_id) & (Measure.case == case.id))
    if measure is None:
        abort(404)
    return case, level, measure


def _audit(action: str, measure: Measure, detail: str = ""):
    audit.record(
        action,
        actor_id=current_user.id,
        object_type="measure",
        object_id=measure.id,
        ip=client_ip(),
        detail=detail or f"case={measure.case_id} type={measure.type}",
    )


@bp.route("/zaken/<reference>/maatregelen", methods=["POST"])
def propose(reference):
    case, level = case_or_404(reference, Access.INFORMED)
    if not may_propose(current_user, level):
        abort(403)
    form = _propose_form(case, ProposeForm())
    linked = {p.id: p for p in perpetrators.linked_perpetrators(case)}
    if form.validate_on_submit():
        try:
            with write_transaction():
                measure = measures.propose(
                    case,
                    MeasureType(form.type.data),
                    current_user,
                    reasons=form.reasons.data,
                    description=form.description.data or "",
                    perpetrator=linked.get(form.perpetrator.data),
                    starts_on=form.starts_on.data,
                    ends_on=form.ends_on.data,
                    not_for_press=form.not_for_press.data,
                )
                _audit("measure_proposed", measure)
        except MeasureRefused as refusal:
            form.form_errors.append(_(refusal.message))
        else:
            flash(_("De maatregel is voorgesteld."), "success")
            return back_to(case, Section.MEASURES)
    return show_again(case, "measures", "propose", form)


@bp.route("/zaken/<reference>/maatregelen/<int:measure_id>/advies", methods=["POST"])
def advise(reference, measure_id):
    case, _level, measure = _measure(reference, measure_id)
    form = AdviceForm()
    if not form.validate_on_submit():
        flash(_("Schrijf eerst het advies."), "error")
        return back_to(case, Section.MEASURES)
    try:
        with write_transaction():
            measures.record_advice(measure, form.advice.data, current_user)
            _audit("measure_advice_recorded", measure)
    except MeasureRefused as refusal:
        flash(_(refusal.message), "error")
        return back_to(case, Section.MEASURES)
    flash(_("Het advies is vastgelegd."), "success")
    return back_to(case, Section.MEASURES)


def _change_state(reference, measure_id, change, audit_action: str, done_message: str, follow_up: bool):
    """One state change of a measure: the rule in models.measures decides; a refusal is shown."""
    case, level, measure = _measure(reference, measure_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if follow_up and not may_follow_up(current_user, level, measure):
        abort(403)
    try:
        with write_transaction():
            change(measure, current_user)
            _audit(audit_action, measure)
    except MeasureRefused as refusal:
        flash(_(refusal.message), "error")
        return back_to(case, Section.MEASURES)
    flash(done_message, "success")
    return back_to(case, Section.MEASURES)


@bp.route("/zaken/<reference>/maatregelen/<int:measure_id>/horen", methods=["POST"])
def hear(reference, measure_id):
    """Hoor en wederhoor (§2): the citizen's side, recorded before the measure is decided."""
    case, level, measure = _measure(reference, measure_id)
    if not may_record(current_user, level, measure):
        abort(403)
    form = HearingForm(prefix=f"horen-{measure.id}")
    if form.validate_on_submit():
        try:
            with write_transaction():
                hearing = measures.record_hearing(
                    measure,
                    current_user,
                    outcome=measures.HearingOutcome(form.outcome.data),
                    held_on=form.held_on.data,
                    heard_by=form.heard_by.data,
                    account=form.account.data or "",
                    token=form.token.data or None,
                )
                _audit("measure_hearing_recorded", measure, detail=f"case={case.id} hearing={hearing.id}")
        except MeasureRefused as refusal:
            _refused(form, refusal)
        else:
            flash(_("De kant van de burger is vastgelegd."), "success")
            return back_to(case, Section.MEASURES)
    return show_again(case, "measures", f"hearing-{measure.id}", form)


@bp.route("/zaken/<reference>/maatregelen/<int:measure_id>/besluiten", methods=["GET", "POST"])
def decide(reference, measure_id):
    """The decision screen: the proposal, the citizen's side and the security officer's advice (or
    that they are missing); the decider writes their own reasons and confirms."""
    case, _level, measure = _measure(reference, measure_id)
    measure_type = MeasureType(measure.type)
    not_decider = measures.why_not_decider(current_user, measure_type)
    hearing = measures.latest_hearing(measure)
    form = DecideForm() if request.method == "POST" else DecideForm(formdata=None)
    if measure_type == MeasureType.BUILDING_BAN:
        form.reasons.description = _(
            "Deze redenen komen in de brief aan de burger. Schrijf in de ik-vorm en spreek de burger aan met u."
        )
    if not measure.security_advice:
        form.confirm.label.text = _("Ik neem dit besluit zonder advies van de ambtenaar Veiligheid.")
    status = 403 if not_decider else 200
    if request.method == "POST" and not not_decider:
        if form.validate_on_submit():
            try:
                with write_transaction():
                    if measures.decide(
                        measure, current_user, reasons=form.reasons.data, unheard_reason=form.unheard_reason.data or ""
                    ):
                        _audit("measure_decided", measure)
            except MeasureRefused as refusal:
                _refused(form, refusal)
            else:
                flash(_("Het besluit is vastgelegd."), "success")
                return back_to(case, Section.MEASURES)
        status = 422
    elif request.method == "POST":
        form.form_errors.append(_(not_decider))
    audit.record(
        "case_viewed",
        actor_id=current_user.id,
        object_type="case",
        object_id=case.id,
        ip=client_ip(),
        detail=f"measure={measure.id} decision",
    )
    history = perpetrators.incident_history(measure.perpetrator, case) if measure.perpetrator_id else None
    return render_template(
        "measures/decide.html",
        case=case,
        measure=measure,
        measure_type=measure_type,
        labels=measures.MEASURE_LABELS,
        hearing_labels={key.value: label for key, label in measures.HEARING_LABELS.items()},
        hearing=hearing,
        known=measures.against_known_person(measure),
        history=history,
        not_decider=not_decider,
        form=form,
        proposed=measure.state == MeasureState.PROPOSED.value,
    ), status


@bp.route("/zaken/<reference>/maatregelen/<int:measure_id>/uitgevoerd", methods=["POST"])
def carry_out(reference, measure_id):
    return _change_state(
        reference,
        measure_id,
        measures.carry_out,
        "measure_carried_out",
        _("Vastgelegd: de maatregel is uitgevoerd."),
        follow_up=True,
    )


@bp.route("/zaken/<reference>/maatregelen/<int:measure_id>/beeindigen", methods=["POST"])
def end(reference, measure_id):
    return _change_state(
        reference, measure_id, measures.end, "measure_ended", _("De maatregel is beëindigd."), follow_up=True
    )


@bp.route("/zaken/<reference>/maatregelen/<int:measure_id>/bezwaar", methods=["POST"])
def record_objection(reference, measure_id):
    """An objection (bezwaar) against the decision came in."""
    case, level, measure = _measure(reference, measure_id)
    if not may_record(current_user, level, measure):
        abort(403)
    form = ObjectionForm(prefix=f"bezwaar-{measure.id}")
    if form.validate_on_submit():
        try:
            with write_transaction():
                objection = measures.record_objection(
                    measure,
                    current_user,
                    received_on=form.received_on.data,
                    grounds=form.grounds.data,
                    token=form.token.data or None,
                )
                _audit("measure_objection_recorded", measure, detail=f"case={case.id} objection={objection.id}")
        except MeasureRefused as refusal:
            _refused(form, refusal)
        else:
            flash(_("Het bezwaar is vastgelegd."), "success")
            return back_to(case, Section.MEASURES)
    return show_again(case, "measures", f"objection-{measure.id}", form)


@bp.route("/zaken/<reference>/maatregelen/<int:measure_id>/bezwaar/<int:objection_id>", methods=["POST"])
def decide_objection(reference, measure_id, objection_id):
    """The decision on an objection: by whoever may decide the measure (the mayor for a ban)."""
    case, _level, measure = _measure(reference, measure_id)
    objection = MeasureObjection.get_or_none(
        (MeasureObjection.id == objection_id) & (MeasureObjection.measure == measure.id)
    )
    if objection is None:
        abort(404)
    form = ObjectionOutcomeForm(prefix=f"beslissing-{objection.id}")
    key = f"objection-outcome-{objection.id}"
    if not measures.may_decide(current_user, MeasureType(measure.type)):
        form.form_errors.append(
            _("Alleen de burgemeester beslist op een bezwaar tegen een ontzegging.")
            if measure.type == MeasureType.BUILDING_BAN.value
            else _("U kunt niet beslissen op dit bezwaar.")
        )
        return show_again(case, "measures", key, form, status=403)
    if form.validate_on_submit():
        try:
            with write_transaction():
                if measures.decide_objection(
                    objection,
                    current_user,
                    outcome=measures.ObjectionOutcome(form.outcome.data),
                    reasons=form.reasons.data,
                    new_ends_on=form.new_ends_on.data,
                    new_description=form.new_description.data or "",
                ):
                    _audit("measure_objection_decided", measure, detail=f"case={case.id} objection={objection.id}")
        except MeasureRefused as refusal:
            _refused(form, refusal)
        else:
            flash(_("De beslissing op het bezwaar is vastgelegd."), "success")
            return back_to(case, Section.MEASURES)
    return show_again(case, "measures", key, form)


@bp.route("/zaken/<reference>/maatregelen/<int:measure_id>/overtreding", methods=["POST"])
def record_violation(reference, measure_id):
    """A ban not complied with (§6.2): the police informed, a new police report proposed."""
    case, level, measure = _measure(reference, measure_id)
    if not may_record(current_user, level, measure):
        abort(403)
    form = ViolationForm(prefix=f"overtreding-{measure.id}")
    if form.validate_on_submit():
        occurred_at = clock.to_utc(dt.datetime.combine(form.occurred_date.data, form.occurred_time.data))
        try:
            with write_transaction():
                violation, not_proposed = measures.record_violation(
                    measure,
                    current_user,
                    occurred_at=occurred_at,
                    location=form.location.data,
                    seen_by=form.seen_by.data,
                    account=form.account.data or "",
                    police_informed=form.police_informed.data == "yes",
                    token=form.token.data or None,
                )
                _audit("measure_violation_recorded", measure, detail=f"case={case.id} violation={violation.id}")
        except MeasureRefused as refusal:
            _refused(form, refusal)
        else:
            flash(_("De overtreding is vastgelegd."), "success")
            if not_proposed:
                flash(_("Er is geen nieuwe aangifte voorgesteld: %(why)s", why=_(not_proposed)), "error")
            return back_to(case, Section.MEASURES)
    return show_again(case, "measures", f"violation-{measure.id}", form)


@bp.route("/zaken/<reference>/maatregelen/<int:measure_id>/overtreding/<int:violation_id>/politie", methods=["POST"])
def police_informed(reference, measure_id, violation_id):
    case, level, measure = _measure(reference, measure_id)
    violation = BanViolation.get_or_none((BanViolation.id == violation_id) & (BanViolation.measure == measure.id))
    if violation is None:
        abort(404)
    if not may_record(current_user, level, measure) or not ActionForm().validate_on_submit():
        abort(403)
    with write_transaction():
        measures.police_informed(violation, current_user)
        _audit("measure_violation_police_informed", measure, detail=f"case={case.id} violation={violation.id}")
    flash(_("Vastgelegd: de politie is ingelicht."), "success")
    return back_to(case, Section.MEASURES)


@bp.route("/zaken/<reference>/maatregelen/<int:measure_id>/verlengen", methods=["POST"])
def extend(reference, measure_id):
    case, _level, measure = _measure(reference, measure_id)
    form = ExtendForm()
    if not form.validate_on_submit():
        flash(_("Vul een geldige nieuwe einddatum in."), "error")
        return back_to(case, Section.MEASURES)
    try:
        with write_transaction():
            measures.extend(measure, form.new_end.data, current_user)
            _audit("measure_extended", measure)
    except MeasureRefused as refusal:
        flash(_(refusal.message), "error")
        return back_to(case, Section.MEASURES)
    flash(_("De maatregel is verlengd."), "success")
    return back_to(case, Section.MEASURES)


def dutch_date(value) -> str:
    """Letters are Dutch, whatever language the reader chose for the portal."""
    return format_date(value, "d MMMM yyyy", locale="nl") if value else ""


def letter_fields(measure: Measure) -> dict:
    case = measure.case
    perpetrator = measure.perpetrator if measure.perpetrator_id else None
    name = (perpetrator.name if perpetrator and perpetrator.name else None) or case.perpetrator_name or ""
    address = (perpetrator.address if perpetrator and perpetrator.address else None) or case.perpetrator_address or ""
    municipality = texts.get("municipality_name")
    place = municipality.removeprefix("Gemeente ").removeprefix("gemeente ").strip()
    decided_on = clock.to_local(measure.decided_at).date()
    incident_on = clock.to_local(case.occurred_at).date() if case.occurred_at else None
    return {
        "gemeente": municipality,
        "naam": name,
        "adres": address,
        "plaats_datum": f"{place}, {dutch_date(decided_on)}",
        "kenmerk": measures.letter_reference(measure),
        "adres_gemeente": texts.get("municipality_address"),
        "datum_incident": dutch_date(incident_on),
        "begindatum": dutch_date(measure.starts_on),
        "einddatum": dutch_date(measure.ends_on),
        # The decider's own words; a ban decided before they were asked for had only the proposal's.
        "redenen": measure.decision_reasons if measure.decision_reasons is not None else measure.reasons or "",
        "burgemeester": measure.decided_by.name if measure.decided_by_id else "",
    }


# Letters are Dutch whatever language the reader chose: these are printed as written, never translated.
BAN_SUBJECT = N_("Besluit ontzegging toegang gemeentelijke gebouwen")
MAYOR_FUNCTION = N_("burgemeester van %(place)s")


def ban_letter_document(measure: Measure) -> Letter:
    """The mayor's decision as the letter the municipality sends; raises texts.TemplateProblem."""
    fields = letter_fields(measure)
    return letters.compose(
        "ban_letter",
        fields,
        kenmerk=fields["kenmerk"],
        date=dutch_date(clock.to_local(measure.decided_at).date()),
        subject=BAN_SUBJECT,
        addressee_name=fields["naam"],
        addressee_address=fields["adres"],
        signatory=fields["burgemeester"],
        function=MAYOR_FUNCTION % {"place": letters.place_of(fields["gemeente"])},
        home=letters.victim_home(measure.case),
    )


def _decided_ban(reference, measure_id):
    case, _level, measure = _measure(reference, measure_id)
    if measure.type != MeasureType.BUILDING_BAN.value or measure.decided_at is None:
        abort(404)
    return case, measure


def _audit_letter(case, measure, form: str) -> None:
    audit.record(
        "measure_letter_downloaded",
        actor_id=current_user.id,
        object_type="measure",
        object_id=measure.id,
        ip=client_ip(),
        detail=f"case={case.id} format={form}",
    )


@bp.route("/zaken/<reference>/maatregelen/<int:measure_id>/brief")
def ban_letter(reference, measure_id):
    """The letter as a page to check before downloading it (the PDF is the document)."""
    case, measure = _decided_ban(reference, measure_id)
    problem = None
    try:
        letter = ban_letter_document(measure)
    except texts.TemplateProblem:
        letter, problem = None, True
    missing = texts.missing_fields("ban_letter", texts.get("ban_letter"))
    _audit_letter(case, measure, "html")
    return render_template(
        "measures/letter.html", case=case, measure=measure, letter=letter, problem=problem, missing=missing
    )


@bp.route("/zaken/<reference>/maatregelen/<int:measure_id>/brief.pdf")
def ban_letter_pdf(reference, measure_id):
    case, measure = _decided_ban(reference, measure_id)
    try:
        letter = ban_letter_document(measure)
    except texts.TemplateProblem:
        flash(_("De brief kan niet worden gemaakt, omdat de tekst van de brief een fout bevat."), "error")
        return redirect(url_for("measures.ban_letter", reference=reference, measure_id=measure_id))
    _audit_letter(case, measure, "pdf")
    return pdf_response(letter, f"besluit-{letter.kenmerk}.pdf")


def template_problem(key: str, body: str) -> str | None:
    """Why an edited text cannot be used, in plain Dutch; None when it works."""
    fields = texts.LETTER_SAMPLES[key]
    try:
        used = meta.find_undeclared_variables(jinja2.Environment().parse(body))  # noqa: S701 - parsed, never rendered
        texts.render_letter(key, fields, body=body)
    except (jinja2.TemplateSyntaxError, texts.TemplateProblem) as error:
        return _(
            "Deze tekst kan niet worden gebruikt. Controleer de velden tussen {{ en }} en de regels tussen {%% en %%}. "
            "Melding van het systeem: %(error)s",
            error=str(error),
        )
    unknown = sorted(used - set(fields))
    if unknown:
        return _(
            "Deze velden bestaan niet: %(unknown)s. U kunt gebruiken: %(known)s.",
            unknown=", ".join(unknown),
            known=", ".join(fields) or "—",
        )
    missing = texts.missing_fields(key, body)
    if missing:
        return _("Deze brief moet deze velden noemen: %(missing)s.", missing=", ".join(missing))
    return None


@bp.route("/beheer/teksten", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def texts_page():
    current = {key: texts.get(key) for key in texts.DEFAULTS}
    form = texts_form(current, texts.DEFAULTS)
    if form.validate_on_submit():
        problems = {
            key: template_problem(key, form[key].data) for key in texts.DEFAULTS if form[key].data != current[key]
        }
        for key, problem in problems.items():
            if problem:
                form[key].errors.append(problem)
        if not any(problems.values()):
            with write_transaction():
                for key in problems:
                    texts.change(key, form[key].data, current_user.id)
                    audit.record(
                        "text_changed", actor_id=current_user.id, object_type="text", object_id=key, ip=client_ip()
                    )
            flash(_("De teksten zijn opgeslagen."), "success")
            return redirect(url_for("measures.texts_page"))
    return render_template(
        "measures/texts.html", form=form, fields=texts.LETTER_SAMPLES, required=texts.REQUIRED_FIELDS
    ), 422 if form.errors else 200


def init_app(app):
    app.register_blueprint(bp)
    case_panels.register("measures", "measures/_panel.html", panel_context, Section.MEASURES)
