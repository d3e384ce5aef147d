"""Measures against the perpetrator (§6.2) on the case page, the written decision for a building ban,
and the texts the municipality edits. The rules live in models.measures and models.texts; who sees a
case comes from models.visibility (a case someone may not see answers 404)."""

from __future__ import annotations

import jinja2
from babel.dates import format_date
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import meta

from models import audit, clock, measures, perpetrators, texts
from models.accounts import Role
from models.db import write_transaction
from models.measures import Measure, MeasureRefused, MeasureState, MeasureType
from models.visibility import Access
from portal import case_panels
from portal.case_panels import case_or_404, sent_form, show_again
from portal.measures.forms import ActionForm, AdviceForm, ExtendForm, ProposeForm, texts_form
from portal.security import client_ip, roles_required

bp = Blueprint("measures", __name__)

# The fields a letter may use, with sample values to try an edited template before it is saved.


def may_propose(user, level: Access) -> bool:
    return level >= Access.HANDLER or (level >= Access.INFORMED and user.role_enum == Role.SECURITY_OFFICER)


def may_follow_up(user, level: Access, measure: Measure) -> bool:
    """Carrying out and ending a decided measure: whoever handles the case, or may decide it."""
    return level >= Access.HANDLER or measures.may_decide(user, MeasureType(measure.type))


def _propose_form(case, form: ProposeForm | None = None) -> ProposeForm:
    linked = perpetrators.linked_perpetrators(case)
    if form is None:
        form = ProposeForm(formdata=None, perpetrator=linked[0].id if len(linked) == 1 else 0)
    form.perpetrator.choices = [(0, _("Geen"))] + [(p.id, p.name) for p in linked]
    return form


def panel_context(case, level, user):
    rows = list(Measure.select().where(Measure.case == case.id).order_by(Measure.proposed_at, Measure.id))
    return {
        "measures": rows,
        "labels": measures.MEASURE_LABELS,
        "state_labels": measures.STATE_LABELS,
        "MeasureType": MeasureType,
        "MeasureState": MeasureState,
        "period_types": measures.PERIOD_MEASURES,
        "may_propose": may_propose(user, level),
        "propose_form": _propose_form(case, sent_form("measures", "propose")),
        "is_security_officer": user.role_enum == Role.SECURITY_OFFICER,
        "may_decide": {m.id: measures.may_decide(user, MeasureType(m.type)) for m in rows},
        "may_follow_up": {m.id: may_follow_up(user, level, m) for m in rows},
        "advice_form": AdviceForm(formdata=None),
        "extend_form": ExtendForm(formdata=None),
    }


def _measure(reference: str, measure_id: int, minimum: Access = Access.INFORMED):
    case, level = case_or_404(reference, minimum)
    measure = Measure.get_or_none((Measure.id == measure_id) & (Measure.case == case.id))
    if measure is None:
        abort(404)
    return case, level, measure


def _back(case):
    return redirect(url_for("cases.case_page", reference=case.reference, _anchor="maatregelen"))


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
            return _back(case)
    return show_again(case, "measures", "propose", form)


@bp.route("/zaken/<reference>/maatregelen/<int:measure_id>/advies", methods=["POST"])
def advise(reference, measure_id):
    case, _level, measure = _measure(reference, measure_id)
    form = AdviceForm()
    if not form.validate_on_submit():
        flash(_("Schrijf eerst het advies."), "error")
        return _back(case)
    try:
        with write_transaction():
            measures.record_advice(measure, form.advice.data, current_user)
            _audit("measure_advice_recorded", measure)
    except MeasureRefused as refusal:
        flash(_(refusal.message), "error")
        return _back(case)
    flash(_("Het advies is vastgelegd."), "success")
    return _back(case)


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
        return _back(case)
    flash(done_message, "success")
    return _back(case)


@bp.route("/zaken/<reference>/maatregelen/<int:measure_id>/besluiten", methods=["POST"])
def decide(reference, measure_id):
    return _change_state(
        reference, measure_id, measures.decide, "measure_decided", _("Het besluit is vastgelegd."), follow_up=False
    )


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


@bp.route("/zaken/<reference>/maatregelen/<int:measure_id>/verlengen", methods=["POST"])
def extend(reference, measure_id):
    case, _level, measure = _measure(reference, measure_id)
    form = ExtendForm()
    if not form.validate_on_submit():
        flash(_("Vul een geldige nieuwe einddatum in."), "error")
        return _back(case)
    try:
        with write_transaction():
            measures.extend(measure, form.new_end.data, current_user)
            _audit("measure_extended", measure)
    except MeasureRefused as refusal:
        flash(_(refusal.message), "error")
        return _back(case)
    flash(_("De maatregel is verlengd."), "success")
    return _back(case)


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
        "datum_incident": dutch_date(incident_on),
        "begindatum": dutch_date(measure.starts_on),
        "einddatum": dutch_date(measure.ends_on),
        "redenen": measure.reasons or "",
        "burgemeester": measure.decided_by.name if measure.decided_by_id else "",
    }


@bp.route("/zaken/<reference>/maatregelen/<int:measure_id>/brief")
def ban_letter(reference, measure_id):
    case, _level, measure = _measure(reference, measure_id)
    if measure.type != MeasureType.BUILDING_BAN.value or measure.decided_at is None:
        abort(404)
    problem = None
    try:
        letter = texts.render_letter("ban_letter", letter_fields(measure))
    except texts.TemplateProblem:
        letter, problem = "", True
    audit.record(
        "measure_letter_downloaded",
        actor_id=current_user.id,
        object_type="measure",
        object_id=measure.id,
        ip=client_ip(),
        detail=f"case={case.id}",
    )
    return render_template("measures/letter.html", case=case, measure=measure, letter=letter, problem=problem)


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
    return render_template("measures/texts.html", form=form, fields=texts.LETTER_SAMPLES), 422 if form.errors else 200


def init_app(app):
    app.register_blueprint(bp)
    case_panels.register("measures", "measures/_panel.html", panel_context, order=20)
