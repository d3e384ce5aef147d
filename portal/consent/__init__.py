"""The victim's consent per purpose (§6.4, §7): given and withdrawn by the victim in Mijn meldingen,
or recorded by a handler when the victim said it by phone or in person; the history and what was
done under each consent on the case page. The rules are in models.consent."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import consent
from models.cases import Case, CaseKind, NotAllowed
from models.casework import Section
from models.consent import Purpose
from models.db import write_transaction
from models.visibility import Access
from portal import case_panels, notify
from portal.case_panels import back_to, case_or_404, folded, show_again
from portal.consent.forms import GIVEN, OwnConsentForm, RecordConsentForm
from portal.security import client_ip

bp = Blueprint("consent", __name__)


def _is_report(case: Case) -> bool:
    return case.kind == CaseKind.REPORT.value  # a consultation asks nothing of the municipality yet


def _change(case: Case, purpose: Purpose, given: bool, how: consent.How) -> bool:
    """Give or withdraw; True when that changed the consent in force (a second send changes nothing)."""
    before = consent.in_force(case, purpose)
    change = consent.give if given else consent.withdraw
    change(case, purpose, current_user, how=how, ip=client_ip())
    return before != given


# --- the victim, in Mijn meldingen ----------------------------------------------------------------


def _purpose(value: str) -> Purpose:
    try:
        return Purpose(value)
    except ValueError:
        abort(404)


@bp.route("/mijn-meldingen/<reference>/toestemming/<purpose>", methods=["POST"])
def own(reference, purpose):
    case, _level = case_or_404(
        reference,
        Access.REPORTER,
        also=lambda user, case, _level: _is_report(case) and consent.may_change_own(user, case),
    )
    purpose = _purpose(purpose)
    form = OwnConsentForm()
    if not form.validate_on_submit():
        abort(400)
    given = form.given.data == GIVEN
    with write_transaction():
        if _change(case, purpose, given, consent.How.PORTAL):
            notify.case_updated(case)
    label = _(consent.PURPOSE_LABELS[purpose])
    if given:
        flash(_("U heeft toestemming gegeven: %(what)s.", what=label), "success")
    else:
        flash(
            _("U heeft uw toestemming ingetrokken: %(what)s.", what=label) + " " + _(consent.STAYS_DONE[purpose]),
            "success",
        )
    return redirect(url_for("reports.own_case", reference=case.reference, _anchor="toestemming"))


# --- the handlers, on the case page ---------------------------------------------------------------


def panel_context(case: Case, level: Access, user, file):
    if not _is_report(case):
        return None
    may_record = level >= Access.HANDLER
    states = consent.states(case, records=file.consent_records, events=file.events)
    for state in states:
        file.attach(state.records, "actor")
    return {
        "states": states,
        "history": sorted((r for state in states for r in state.records), key=lambda r: (r.at, r.id)),
        "form": folded("consent", "record", lambda: RecordConsentForm(formdata=None, prefix="toestemming-vastleggen"))
        if may_record
        else None,
    }


@bp.route("/zaken/<reference>/toestemming", methods=["POST"])
def record(reference):
    case, _level = case_or_404(reference, Access.HANDLER, also=lambda _user, case, _level: _is_report(case))
    form = RecordConsentForm(prefix="toestemming-vastleggen")
    if form.validate_on_submit():
        purpose, given = Purpose(form.purpose.data), form.given.data == GIVEN
        try:
            with write_transaction():
                _change(case, purpose, given, consent.How(form.how.data))
        except NotAllowed as refused:
            form.form_errors.append(_(refused.message) if refused.message else _("Dit kunt u niet vastleggen."))
        else:
            label = _(consent.PURPOSE_LABELS[purpose])
            if given:
                flash(_("Vastgelegd: de ambtsdrager gaf toestemming voor: %(what)s.", what=label), "success")
            else:
                flash(_("Vastgelegd: de ambtsdrager trok de toestemming in voor: %(what)s.", what=label), "success")
            return back_to(case, Section.CONSENT)
    return show_again(case, "consent", "record", form, status=400)


def init_app(app):
    app.register_blueprint(bp)
    case_panels.register("consent", "cases/_consent_panel.html", panel_context, Section.CONSENT)

    @app.context_processor
    def _consent_globals():
        return {
            "consent_model": consent,
        }
