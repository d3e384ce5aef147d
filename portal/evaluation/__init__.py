"""The yearly evaluation of §4.1 (next to the yearly report): plan it, record its lessons and the
agreements with the clerk's office and the organisation, and the date of the yearly informal meeting
on impact. The rules are in models.evaluation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import audit, clock, evaluation
from portal.evaluation.forms import EvaluationForm
from portal.security import client_ip, roles_required

bp = Blueprint("evaluation", __name__)


def _this_year() -> int:
    return clock.to_local(clock.utcnow()).year


@bp.route("/jaarverslag/evaluatie")
@roles_required(*evaluation.EVALUATORS)
def overview():
    audit.record("evaluation_list_viewed", actor_id=current_user.id, ip=client_ip())
    rows = evaluation.listed()
    known = {row.year for row in rows}
    return render_template(
        "evaluation/overview.html",
        evaluations=rows,
        this_year=_this_year(),
        this_year_missing=_this_year() not in known,
        today=clock.to_local(clock.utcnow()).date(),
    )


@bp.route("/jaarverslag/evaluatie/<int:year>", methods=["GET", "POST"])
@roles_required(*evaluation.EVALUATORS)
def year(year):
    if not evaluation.FIRST_YEAR <= year <= _this_year() + 1:
        abort(404)
    existing = evaluation.for_year(year)
    form = EvaluationForm(obj=existing)
    if form.validate_on_submit():
        try:
            saved = evaluation.save(
                year,
                by=current_user,
                planned_on=form.planned_on.data,
                held_on=form.held_on.data,
                lessons=form.lessons.data,
                agreements=form.agreements.data,
                organisation_invited=form.organisation_invited.data,
                informal_meeting_on=form.informal_meeting_on.data,
            )
        except evaluation.EvaluationRefused as refused:
            getattr(form, refused.field, form.planned_on).errors.append(_(refused.message))
        else:
            audit.record(
                "evaluation_saved",
                actor_id=current_user.id,
                object_type="yearly_evaluation",
                object_id=saved.id,
                ip=client_ip(),
            )
            flash(_("De evaluatie van %(year)s is opgeslagen.", year=year), "success")
            return redirect(url_for("evaluation.overview"))
    audit.record(
        "evaluation_viewed",
        actor_id=current_user.id,
        object_type="yearly_evaluation",
        object_id=existing.id if existing else None,
        ip=client_ip(),
        detail=f"year={year}",
    )
    return render_template("evaluation/year.html", form=form, year=year, existing=existing)


def init_app(app):
    app.register_blueprint(bp)
    app.add_template_global(evaluation.may_evaluate, "may_evaluate")
