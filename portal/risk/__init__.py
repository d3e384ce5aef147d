"""Prevention (§4.1, §4.2): an office holder asks for a risk analysis or a home screening; the
security officer assesses and decides, and records the screening. Rules in models.risk; who may
see which one in models.visibility (anyone else: 404)."""

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import audit, clock, risk
from models.cases import NotAllowed
from models.damages import AmountProblem, LedgerRefused, format_euros, parse_amount
from models.visibility import may_see_home_screening, may_see_risk_analysis
from portal.risk.forms import DecisionForm, HomeScreeningForm, RiskAnalysisForm, ScreeningRecordForm
from portal.security import client_ip

bp = Blueprint("risk", __name__)


def _office_holder_or_security():
    if not (current_user.is_office_holder or risk.is_security_officer(current_user)):
        abort(403)


def _office_holder():
    if not current_user.is_office_holder:
        abort(403)


@bp.route("/veiligheid-vooraf")
def overview():
    _office_holder_or_security()
    analyses = risk.risk_analyses_for(current_user)
    screenings = risk.home_screenings_for(current_user)
    audit.record("prevention_list_viewed", actor_id=current_user.id, ip=client_ip())
    return render_template(
        "risk/overview.html",
        analyses=analyses,
        screenings=screenings,
        is_security_officer=risk.is_security_officer(current_user),
        risk_labels={k.value: label for k, label in risk.MEETING_LABELS.items()},
        decision_labels={d.value: label for d, label in risk.DECISION_LABELS.items()},
    )


@bp.route("/veiligheid-vooraf/risicoanalyse/aanvragen", methods=["GET", "POST"])
def ask_risk_analysis():
    _office_holder()
    form = RiskAnalysisForm()
    if form.validate_on_submit():
        analysis = risk.ask_risk_analysis(
            current_user,
            kind=risk.MeetingKind(form.kind.data),
            what=form.what.data.strip(),
            location=form.location.data.strip(),
            starts_at=clock.to_utc(form.starts_at.data),
            security_presence=bool(form.security_presence.data),
            security_from=clock.to_utc(form.security_from.data) if form.security_from.data else None,
            token=form.token.data or None,
            ip=client_ip(),
        )
        flash(_("Uw aanvraag is verstuurd. De ambtenaar Veiligheid beoordeelt hem vóór de datum."), "success")
        return redirect(url_for("risk.risk_analysis", analysis_id=analysis.id))
    if not form.token.data:
        form.token.data = secrets.token_hex(16)
    return render_template("risk/ask_analysis.html", form=form)


def _analysis_or_404(analysis_id: int) -> risk.RiskAnalysis:
    analysis = risk.RiskAnalysis.get_or_none(risk.RiskAnalysis.id == analysis_id)
    if analysis is None or not may_see_risk_analysis(current_user, analysis):
        abort(404)
    return analysis


@bp.route("/veiligheid-vooraf/risicoanalyse/<int:analysis_id>", methods=["GET", "POST"])
def risk_analysis(analysis_id: int):
    analysis = _analysis_or_404(analysis_id)
    may_decide = risk.is_security_officer(current_user)
    form = DecisionForm() if may_decide else None
    if form is not None and form.validate_on_submit():
        risk.decide_risk_analysis(
            analysis,
            current_user,
            expected_tension=risk.Tension(form.expected_tension.data),
            location_chosen=form.location_chosen.data.strip(),
            organisational_measures=form.organisational_measures.data.strip(),
            security_present=form.security_present.data == "yes",
            decision=risk.RiskDecision(form.decision.data),
            ip=client_ip(),
        )
        flash(_("Het besluit is opgeslagen."), "success")
        return redirect(url_for("risk.risk_analysis", analysis_id=analysis.id))
    if form is not None and not form.is_submitted() and analysis.decision:
        form.expected_tension.data = analysis.expected_tension
        form.location_chosen.data = analysis.location_chosen
        form.organisational_measures.data = analysis.organisational_measures
        form.security_present.data = "yes" if analysis.security_present else "no"
        form.decision.data = analysis.decision
    audit.record(
        "risk_analysis_viewed",
        actor_id=current_user.id,
        object_type="risk_analysis",
        object_id=analysis.id,
        ip=client_ip(),
    )
    return render_template("risk/analysis.html", analysis=analysis, form=form, risk=risk)


@bp.route("/veiligheid-vooraf/thuisscreening/aanvragen", methods=["GET", "POST"])
def ask_home_screening():
    _office_holder()
    form = HomeScreeningForm()
    if form.validate_on_submit():
        screening = risk.ask_home_screening(
            current_user, reason=(form.reason.data or "").strip(), token=form.token.data or None, ip=client_ip()
        )
        flash(_("Uw aanvraag is verstuurd. De ambtenaar Veiligheid neemt contact met u op."), "success")
        return redirect(url_for("risk.home_screening", screening_id=screening.id))
    if not form.token.data:
        form.token.data = secrets.token_hex(16)
    return render_template("risk/ask_screening.html", form=form)


@bp.route("/veiligheid-vooraf/thuisscreening/<int:screening_id>", methods=["GET", "POST"])
def home_screening(screening_id: int):
    screening = risk.HomeScreening.get_or_none(risk.HomeScreening.id == screening_id)
    if screening is None or not may_see_home_screening(current_user, screening):
        abort(404)
    may_record = risk.is_security_officer(current_user)
    form = ScreeningRecordForm() if may_record else None
    cases = risk.incident_cases(screening, current_user) if may_record else []
    if form is not None:
        form.case.choices = [("", _("Nee, preventief (zonder incident)"))] + [
            (str(case.id), _("Melding %(reference)s", reference=case.reference)) for case in cases
        ]
    if form is not None and form.validate_on_submit():
        try:
            cost = parse_amount(form.cost.data, allow_zero=True) if (form.cost.data or "").strip() else None
        except AmountProblem as problem:
            form.cost.errors = [_(problem.message)]
        else:
            # Only a case offered on the page (any other number, however large, is not one of them).
            case = next((c for c in cases if str(c.id) == (form.case.data or "")), None)
            try:
                if (form.case.data or "") and case is None:
                    raise NotAllowed("home_screening_case", risk.NOT_THIS_CASE)
                risk.record_home_screening(
                    screening,
                    current_user,
                    visited_on=form.visited_on.data,
                    advice=(form.advice.data or "").strip(),
                    measures_taken=(form.measures_taken.data or "").strip(),
                    cost_cents=cost,
                    case=case,
                    ip=client_ip(),
                )
            except NotAllowed as refused:
                form.case.errors = [_(refused.message or risk.NOT_THIS_CASE)]
            except LedgerRefused as refused:
                form.cost.errors = [_(refused.message, **refused.values)]
                screening = risk.HomeScreening.get_by_id(screening.id)  # as stored: nothing was changed
            else:
                flash(_("De screening is opgeslagen."), "success")
                return redirect(url_for("risk.home_screening", screening_id=screening.id))
    if form is not None and not form.is_submitted():
        form.case.data = str(screening.case_id) if screening.case_id else ""
        form.visited_on.data = screening.visited_on
        form.advice.data = screening.advice
        form.measures_taken.data = screening.measures_taken
        if screening.cost_cents is not None:
            form.cost.data = format_euros(screening.cost_cents).replace("€ ", "")
    audit.record(
        "home_screening_viewed",
        actor_id=current_user.id,
        object_type="home_screening",
        object_id=screening.id,
        ip=client_ip(),
    )
    return render_template(
        "risk/screening.html",
        screening=screening,
        form=form,
        format_euros=format_euros,
        booked=screening.ledger_entry,
        case_visible=screening.case is not None and screening.case in cases,
    ), (400 if form is not None and form.is_submitted() else 200)


def init_app(app):
    app.register_blueprint(bp)
