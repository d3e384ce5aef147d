"""The office holder's side: report an incident step by step, ask for a consultation when in doubt,
see one's own cases and add information later. Handlers can file on someone's behalf."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from models import aftercare, audit, cases, clock, perpetrators, registration, routing, scheme, settings, victim_view
from models import evidence as evidence_store
from models.accounts import OFFICE_HOLDER_ROLES, User
from models.cases import (
    AlreadySubmitted,
    Case,
    CaseEvent,
    CaseKind,
    Draft,
    EventKind,
    Evidence,
    NotAllowed,
    OnlineEntry,
    new_draft,
    save_draft_values,
)
from models.db import write_transaction
from models.visibility import Access, VictimPart, own_cases_condition, victim_parts
from portal import notify
from portal.case_panels import case_or_404
from portal.consent.forms import GIVEN, WITHDRAWN, OwnConsentForm
from portal.evidence_upload import store_files
from portal.reports.forms import (
    CONSEQUENCE_FIELDS,
    STEPS,
    AddInformationForm,
    ConsentStep,
    ConsultationForm,
    OnBehalfForm,
    PerpetratorStep,
)
from portal.security import client_ip
from portal.templating import local_datetime, role_label

bp = Blueprint("reports", __name__)

STEP_NAMES = [name for name, _title, _form in STEPS]


@bp.before_request
def _reporters_only():
    # A case's own page answers 404 to whoever may not see it (see own_case), like every case page.
    if request.endpoint != "reports.own_case" and not cases.may_report(current_user):
        abort(403)


@bp.route("/melden", methods=["GET", "POST"])
def start():
    on_behalf = None
    if cases.may_file_on_behalf(current_user):
        on_behalf = OnBehalfForm()
        on_behalf.reporter.choices = [
            (u.id, f"{u.name} ({_role(u)})")
            for u in User.select()
            .where(User.role.in_([r.value for r in OFFICE_HOLDER_ROLES]) & (User.is_active == True))
            .order_by(User.name)
        ]
    if request.method == "POST":
        try:
            kind = CaseKind(request.form.get("kind", "report"))
        except ValueError:  # not a choice this page offers
            abort(400)
        reporter = current_user
        if on_behalf is not None:
            if not on_behalf.validate_on_submit():
                return render_template(
                    "reports/start.html", on_behalf=on_behalf, drafts=_open_drafts(), resume_step=_resume_step
                )
            reporter = User.get_by_id(on_behalf.reporter.data)
        elif not current_user.is_office_holder:
            abort(403)
        draft = new_draft(current_user, kind, reporter)
        if kind == CaseKind.CONSULTATION:
            return redirect(url_for("reports.consultation", token=draft.token))
        return redirect(url_for("reports.step", token=draft.token, name=STEP_NAMES[0]))
    return render_template("reports/start.html", on_behalf=on_behalf, drafts=_open_drafts(), resume_step=_resume_step)


def _role(user):
    return role_label(user.role)


def _open_drafts():
    return list(
        Draft.select()
        .where((Draft.owner == current_user.id) & Draft.case.is_null())
        .order_by(Draft.updated_at.desc())
        .limit(10)
    )


def _draft(token: str) -> Draft:
    draft = Draft.get_or_none((Draft.token == token) & (Draft.owner == current_user.id))
    if draft is None:
        abort(404)
    return draft


# --- the report, step by step -------------------------------------------------------------


def _form_values(form) -> dict:
    """What a step's form holds, as JSON-safe values for the draft (files excluded)."""
    values = {}
    for field in form:
        if field.type in ("CSRFTokenField", "MultipleFileField", "SubmitField"):
            continue
        value = field.data
        if isinstance(value, (dt.date, dt.time)):
            value = value.isoformat()
        values[field.name] = value
    return values


def _raw_values(form) -> dict:
    """What the person typed, also when it is not valid yet (so nothing is lost)."""
    values = {}
    for field in form:
        if field.type in ("CSRFTokenField", "MultipleFileField"):
            continue
        if field.type in ("MultiCheckboxField",):
            values[field.name] = request.form.getlist(field.name)
        elif field.type == "BooleanField":
            values[field.name] = field.name in request.form
        else:
            values[field.name] = request.form.get(field.name)
    return values


def _form_for(step_index: int, draft: Draft, formdata=True):
    name, title, form_class = STEPS[step_index]
    stored = draft.values
    if formdata and request.method == "POST":
        return form_class()
    form = form_class(formdata=None)
    for field in form:
        if field.name in stored and stored[field.name] not in (None, ""):
            raw = stored[field.name]
            try:
                if field.type == "DateField":
                    raw = dt.date.fromisoformat(raw)
                elif field.type == "TimeField":
                    raw = dt.time.fromisoformat(raw)
            except (TypeError, ValueError):
                continue
            field.data = raw
    return form


def _is_online(values: dict) -> bool:
    return values.get("channel") in {c.value for c in cases.ONLINE_CHANNELS}


def _at_meeting(values: dict) -> bool:
    return values.get("channel") == cases.Channel.MEETING.value


def applicable_steps(values: dict) -> list[str]:
    """The steps this report asks: the meeting questions only for an incident at a meeting."""
    return [name for name in STEP_NAMES if name != "vergadering" or _at_meeting(values)]


def _step_title(name: str, values: dict) -> str:
    if name == "bewijs" and _is_online(values):
        return _("Online bericht en bewijs")
    return str(dict((n, t) for n, t, _f in STEPS)[name])


def _behaviour_codes(values: dict) -> list[str]:
    return scheme.chosen_behaviours(values.get("situations") or [], values.get("behaviours") or [])


def _advice(draft: Draft):
    values = draft.values
    behaviour_class = scheme.classify(_behaviour_codes(values))
    if behaviour_class is None:
        return None
    after = values.get("after_addressed")
    advice = scheme.reporting_advice(
        behaviour_class,
        scheme.AfterAddressed(after) if after in {a.value for a in scheme.AfterAddressed} else None,
        values.get("recurring") == "yes",
    )
    return {
        "class": behaviour_class,
        "class_label": scheme.CLASS_LABELS[behaviour_class],
        "advice": advice,
        "advice_label": scheme.ADVICE_LABELS[advice],
        "explanation": scheme.advice_explanation(behaviour_class, advice),
    }


# Sent with a step opened from the check page's "Wijzigen": after saving, back to the check page.
BACK_TO_CHECK = "controle"


@bp.route("/melden/<token>/<name>", methods=["GET", "POST"])
def step(token, name):
    draft = _draft(token)
    if draft.case_id:
        return redirect(url_for("reports.confirmation", reference=draft.case.reference))
    if name not in STEP_NAMES:
        abort(404)
    index = STEP_NAMES.index(name)
    form = _form_for(index, draft)
    if request.method == "POST" and request.form.get("_autosave"):
        # Saved while typing (portal.js): keep what is there, check nothing, go nowhere.
        with write_transaction():
            save_draft_values(draft, _raw_values(form))
        return "", 204
    back_to_check = (request.form if request.method == "POST" else request.args).get("_naar") == BACK_TO_CHECK
    if request.method == "POST":
        going_back = "terug" in request.form
        valid = form.validate_on_submit()
        done = set(draft.values.get("_done", []))
        done = done | {name} if valid else done - {name}
        with write_transaction():
            save_draft_values(draft, {**(_form_values(form) if valid else _raw_values(form)), "_done": sorted(done)})
            if "files" in form._fields:
                store_files(form.files, current_user.id, draft=draft)
        files_ok = not ("files" in form._fields and form.files.errors)
        steps = applicable_steps(draft.values)
        position = steps.index(name) if name in steps else 0
        if going_back:
            return redirect(url_for("reports.step", token=token, name=steps[max(position - 1, 0)]))
        if valid and files_ok:
            if name == STEP_NAMES[-1]:
                return _submit(draft)
            if back_to_check:
                # A change can make a step apply that was not answered yet (a meeting): that step first.
                return redirect(url_for("reports.step", token=token, name=_first_incomplete_step(draft) or "versturen"))
            return redirect(url_for("reports.step", token=token, name=steps[position + 1]))
    values = draft.values
    steps = applicable_steps(values)
    if name not in steps:  # the meeting step, for an incident that was not at a meeting
        return redirect(url_for("reports.step", token=token, name=_resume_step(draft)))
    if "files" in form._fields:
        form.files.description = _(
            "Schermafbeeldingen, foto's, PDF's, e-mails (EML) of tekstbestanden. Hoogstens %(mb)s MB per bestand. Op een telefoon kunt u kiezen uit uw foto's.",
            mb=current_app.config["MAX_UPLOAD_MB"],
        )
    done = set(values.get("_done", []))
    return render_template(
        "reports/step.html",
        form=form,
        draft=draft,
        step_name=name,
        step_title=_step_title(name, values),
        position=steps.index(name),
        step_list=[(n, _step_title(n, values), n in done) for n in steps],
        back_to_check=back_to_check,
        is_online=_is_online(values),
        advice=_advice(draft) if index > 0 else None,
        summary=_check_page(draft) if name == STEP_NAMES[-1] else None,
        evidence=list(draft.evidence) if name in ("bewijs", "versturen") else [],
    )


@bp.route("/melden/<token>/bewijs/<int:evidence_id>/verwijderen", methods=["POST"])
def remove_draft_evidence(token, evidence_id):
    draft = _draft(token)
    item = Evidence.get_or_none((Evidence.id == evidence_id) & (Evidence.draft == draft.id) & Evidence.case.is_null())
    if item is None:
        abort(404)
    with write_transaction():
        item.delete_instance()
    evidence_store.shred(current_app.config["UPLOAD_PATH"], item.storage_name)
    return redirect(url_for("reports.step", token=token, name="bewijs"))


def _local_to_utc(date_text, time_text):
    if not date_text:
        return None
    moment = dt.datetime.combine(
        dt.date.fromisoformat(date_text), dt.time.fromisoformat(time_text) if time_text else dt.time(0, 0)
    )
    return clock.to_utc(moment)


def _case_values(values: dict) -> dict:
    """The draft's form values as the case's typed fields. Answers of a step that no longer applies
    (online details after the channel changed to a meeting) are not sent."""
    yes = lambda key: values.get(key) == "yes"  # noqa: E731
    online = _is_online(values)
    meeting = _at_meeting(values)
    only = lambda applies, value: value if applies else None  # noqa: E731
    return {
        "behaviours": _behaviour_codes(values),
        "after_addressed": values.get("after_addressed") or None,
        "recurring": yes("recurring"),
        "target": values.get("target") or None,
        "occurred_at": _local_to_utc(values.get("occurred_date"), values.get("occurred_time")),
        "occurred_time_known": bool(values.get("occurred_time")),
        "channel": values.get("channel"),
        "location": values.get("location"),
        "narrative": values.get("narrative"),
        "platform": only(online, values.get("platform")),
        "sender_account": only(online, values.get("sender_account")),
        "urls": only(online, values.get("urls")),
        "message_at": only(online, _local_to_utc(values.get("message_date"), values.get("message_time"))),
        "message_time_known": bool(values.get("message_time")),
        "reported_to_platform": online and yes("reported_to_platform"),
        # Someone who fills in a name without answering "Weet u wie het deed?" knows something.
        "perpetrator_known": yes("perpetrator_known")
        or (values.get("perpetrator_known") != "no" and any(values.get(key) for key in PERPETRATOR_DETAILS)),
        "perpetrator_name": values.get("perpetrator_name"),
        "perpetrator_birth_date": values.get("perpetrator_birth_date"),
        "perpetrator_address": values.get("perpetrator_address"),
        "perpetrator_description": values.get("perpetrator_description"),
        "perpetrator_acts_for": values.get("perpetrator_acts_for"),
        "perpetrator_organisation": values.get("perpetrator_organisation"),
        "meeting_disrupted": meeting and bool(values.get("meeting_disrupted")),
        "meeting_orders_out": (values.get("meeting_orders_out") or 0) if meeting else 0,
        "livestream_stopped": meeting and bool(values.get("livestream_stopped")),
        "injury_physical": bool(values.get("injury_physical")),
        "injury_mental": bool(values.get("injury_mental")),
        "hospital_admission": bool(values.get("hospital_admission")),
        "property_damage": bool(values.get("property_damage")),
        "extra_costs": bool(values.get("extra_costs")),
        # the consent step (models.consent): each purpose answered yes is given in the report
        "consents": [purpose for purpose in ConsentStep.PURPOSES if yes(f"consent_{purpose.value}")],
    }


PERPETRATOR_DETAILS = (
    "perpetrator_name",
    "perpetrator_birth_date",
    "perpetrator_address",
    "perpetrator_description",
    "perpetrator_organisation",
)


def _check_page(draft: Draft) -> dict:
    """Everything that will be sent, per step, for the check page."""
    values = draft.values
    case = _case_values(values)
    return {
        "case": case,
        "consequences": [str(getattr(PerpetratorStep, key).args[0]) for key in CONSEQUENCE_FIELDS if case[key]],
        "situations": [
            scheme.SITUATION_BY_CODE[c] for c in values.get("situations") or [] if c in scheme.SITUATION_BY_CODE
        ],
        "message_time_known": bool(values.get("message_time")),
        "birth_date": _dutch_date(values.get("perpetrator_birth_date")),
        "online": _is_online(values),
        "meeting": _at_meeting(values),
        "titles": {n: _step_title(n, values) for n in STEP_NAMES},
    }


def _dutch_date(text):
    """ "4 mei 1980", like every date on the portal; what was typed when it is no date."""
    try:
        return format_date(dt.date.fromisoformat(text), "d MMMM yyyy") if text else None
    except (TypeError, ValueError):
        return text


def _resume_step(draft: Draft) -> str:
    """Where a person continues a draft: the first step not done yet."""
    return _first_incomplete_step(draft) or STEP_NAMES[-1]


def _first_incomplete_step(draft: Draft) -> str | None:
    """The first step that applies and is not yet completed with valid answers (each step records
    itself as done)."""
    values = draft.values
    done = set(values.get("_done", []))
    return next((name for name in applicable_steps(values) if name not in done), None)


def _submit(draft: Draft):
    missing = _first_incomplete_step(draft)
    if missing:
        return redirect(url_for("reports.step", token=draft.token, name=missing))
    try:
        with write_transaction():
            case = registration.file_case(draft.id, _case_values(draft.values), ip=client_ip())
            audit.record(
                "case_submitted",
                actor_id=current_user.id,
                object_type="case",
                object_id=case.id,
                ip=client_ip(),
                detail="on_behalf" if case.filed_by_id != case.reporter_id else "",
            )
            notify.new_case(case)
    except AlreadySubmitted as already:
        case = already.case
    except NotAllowed:
        abort(403)  # filed for someone else by a role that may not (changed since the draft was started)
    return redirect(url_for("reports.confirmation", reference=case.reference))


@bp.route("/mijn-meldingen/<reference>/verstuurd")
def confirmation(reference):
    """After sending: the reference, who will contact the reporter and within what time (the
    routing and the pick-up setting), what happens next, and where to call in acute need."""
    case = Case.get_or_none(Case.reference == reference)
    if case is None or current_user.id not in (case.reporter_id, case.filed_by_id):
        abort(404)
    route = routing.route_for(case.reporter)
    contacts = aftercare.referral_contacts()
    return render_template(
        "reports/confirmation.html",
        case=case,
        handlers=_either(route.handles),
        informed=_both(route.informed),
        informed_count=len(route.informed),
        pickup_hours=settings.get("case_pickup_hours"),
        acute=[
            (aftercare.REFERRAL_LABELS[kind], contacts[kind])
            for kind in (aftercare.ReferralKind.VERTROUWENSLIJN, aftercare.ReferralKind.SLACHTOFFERHULP)
            if contacts[kind]
        ],
    )


def _role_names(roles) -> list[str]:
    order = [r.value for r in routing.HANDLER_ROLES]
    ordered = sorted((r.value for r in roles), key=lambda v: order.index(v) if v in order else len(order))
    # "de ambtenaar Veiligheid": only the first letter in lower case, inside a sentence
    return [_("de %(role)s", role=(label := role_label(value))[:1].lower() + label[1:]) for value in ordered]


def _either(roles) -> str:
    """ "de griffier of de plaatsvervangend griffier"."""
    names = _role_names(roles)
    return _("%(some)s of %(last)s", some=", ".join(names[:-1]), last=names[-1]) if len(names) > 1 else "".join(names)


def _both(roles) -> str:
    names = _role_names(roles)
    return _("%(some)s en %(last)s", some=", ".join(names[:-1]), last=names[-1]) if len(names) > 1 else "".join(names)


# --- consultation (§6.1: in doubt) ------------------------------------------------------------


@bp.route("/overleg/<token>", methods=["GET", "POST"])
def consultation(token):
    draft = _draft(token)
    if draft.case_id:
        return redirect(url_for("reports.confirmation", reference=draft.case.reference))
    form = ConsultationForm()
    if form.validate_on_submit():
        values = {
            "narrative": form.question.data,
            "channel": form.channel.data or None,
            "occurred_at": _local_to_utc(
                form.occurred_date.data.isoformat() if form.occurred_date.data else None, None
            ),
        }
        try:
            with write_transaction():
                case = registration.file_case(draft.id, values)
                audit.record(
                    "consultation_submitted",
                    actor_id=current_user.id,
                    object_type="case",
                    object_id=case.id,
                    ip=client_ip(),
                )
                notify.new_case(case)
        except AlreadySubmitted as already:
            case = already.case
        except NotAllowed:
            abort(403)
        return redirect(url_for("reports.confirmation", reference=case.reference))
    return render_template("reports/consultation.html", form=form, draft=draft)


# --- my cases -------------------------------------------------------------------------------


@bp.route("/mijn-meldingen")
def own_cases():
    rows = list(Case.select().where(own_cases_condition(current_user)).order_by(Case.created_at.desc()))
    audit.record("own_cases_viewed", actor_id=current_user.id, ip=client_ip())
    summaries = [victim_view.summary(current_user, case) for case in rows]
    return render_template("reports/own_cases.html", cases=summaries, drafts=_open_drafts(), say=_say)


@bp.route("/mijn-meldingen/<reference>", methods=["GET", "POST"])
def own_case(reference):
    case, level = case_or_404(reference, Access.REPORTER)
    if not victim_parts(current_user, case, level):  # informed or handling, not about them: the case page
        return redirect(url_for("cases.case_page", reference=reference))
    form = AddInformationForm()
    if form.validate_on_submit():
        with write_transaction():
            entry = None
            if form.platform.data or form.sender_account.data or form.urls.data:
                entry = OnlineEntry.create(
                    case=case,
                    platform=form.platform.data or "",
                    sender_account=form.sender_account.data or None,
                    urls=form.urls.data or None,
                    message_at=_local_to_utc(
                        form.message_date.data.isoformat() if form.message_date.data else None,
                        form.message_time.data.isoformat() if form.message_time.data else None,
                    ),
                    message_time_known=form.message_time.data is not None,
                    reported_to_platform=form.reported_to_platform.data,
                    added_by=current_user.id,
                )
                CaseEvent.create(
                    case=case, actor=current_user.id, kind=EventKind.ONLINE_ENTRY.value, detail=str(entry.id)
                )
                perpetrators.record_case_accounts(case)  # the register knows the account from now on
            stored = store_files(form.files, current_user.id, case=case, online_entry=entry)
            for item in stored:
                CaseEvent.create(case=case, actor=current_user.id, kind=EventKind.EVIDENCE.value, detail=str(item.id))
            if form.message.data:
                CaseEvent.create(
                    case=case, actor=current_user.id, kind=EventKind.MESSAGE_FROM_REPORTER.value, body=form.message.data
                )
            changed = bool(entry or stored or form.message.data)
            if changed:
                audit.record(
                    "case_information_added",
                    actor_id=current_user.id,
                    object_type="case",
                    object_id=case.id,
                    ip=client_ip(),
                )
                notify.case_updated(case)
        if not form.files.errors:
            return redirect(url_for("reports.own_case", reference=reference, toegevoegd=1 if changed else None))
    audit.record(
        "case_viewed",
        actor_id=current_user.id,
        object_type="case",
        object_id=case.id,
        ip=client_ip(),
        detail="as_reporter",
    )
    view = victim_view.victim_view(current_user, case, level)
    return render_template(
        "reports/own_case.html",
        case=case,
        view=view,
        parts=VictimPart,
        form=form,
        consent_form=OwnConsentForm(formdata=None) if view.may_change_consent else None,
        GIVEN=GIVEN,
        WITHDRAWN=WITHDRAWN,
        say=_say,
        advice=_case_advice(case),
        just_submitted=request.args.get("nieuw"),
        added=request.args.get("toegevoegd"),
    )


def _who(role: str | None) -> str:
    """Someone at the municipality, by role only (a name is not the victim's business): "De griffier"."""
    if not role:
        return _(victim_view.THE_MUNICIPALITY)
    return _("De %(role)s", role=role_label(role).lower())


def _say(text: str, params: dict | None = None) -> str:
    """A sentence from models.victim_view in the person's language: a role becomes "De griffier", a
    moment a date in the municipality's time zone, a label its translation."""
    values = {}
    for name, value in (params or {}).items():
        if name == "who":
            value = _who(value)
        elif isinstance(value, dt.datetime):
            value = local_datetime(value, "d MMMM yyyy")
        elif isinstance(value, dt.date):
            value = format_date(value, "d MMMM yyyy")
        elif isinstance(value, str):
            value = _(value)  # a label from models/ (a measure's type, "eerste")
        values[name] = value
    return _(text, **values)


def _case_advice(case: Case):
    if not case.behaviour_class:
        return None
    behaviour_class = scheme.BehaviourClass(case.behaviour_class)
    advice = scheme.Advice(case.advice)
    return {
        "class": behaviour_class,
        "class_label": scheme.CLASS_LABELS[behaviour_class],
        "advice": advice,
        "advice_label": scheme.ADVICE_LABELS[advice],
        "explanation": scheme.advice_explanation(behaviour_class, advice),
    }


def init_app(app):
    app.register_blueprint(bp)

    @app.context_processor
    def _reports_globals():
        return {"may_report": cases.may_report}
