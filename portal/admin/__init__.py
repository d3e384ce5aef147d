"""The admin (functioneel beheerder): accounts and settings. Never case content."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, ValidationError
from wtforms.validators import InputRequired, NumberRange, Optional

from models import accounts, audit, passkeys, retention, routing, settings
from models.accounts import Role, TokenPurpose, User
from models.audit import AuditEntry
from models.db import write_transaction
from portal import mail
from portal.admin.forms import ActionForm, InviteForm, RoleForm
from portal.security import client_ip, roles_required

bp = Blueprint("admin", __name__, url_prefix="/beheer")


@bp.before_request
@roles_required(Role.ADMIN)
def _admins_only():
    return None


def _link(token: str) -> str:
    return url_for("auth.one_time_link", token=token, _external=False)


def _mail_link(user: User, token: str, kind: str) -> None:
    mail.queue(user.email, user.locale, kind, name=user.name, link=current_app.config["BASE_URL"] + _link(token))


@bp.route("/accounts", methods=["GET", "POST"])
def accounts_list():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            with write_transaction():
                user, token = accounts.invite(
                    form.email.data, form.name.data, Role(form.role.data), form.is_former.data, form.locale.data
                )
                audit.record(
                    "account_invited",
                    actor_id=current_user.id,
                    object_type="user",
                    object_id=user.id,
                    ip=client_ip(),
                    detail=f"role={user.role}",
                )
                _mail_link(user, token, "activation")
        except accounts.EmailTaken:
            form.email.errors.append(_("Er is al een account met dit e-mailadres."))
        else:
            flash(_("%(name)s is uitgenodigd. De activatielink is per e-mail verstuurd.", name=user.name), "success")
            return redirect(url_for("admin.accounts_list"))
    users = (
        User.select()
        .where(User.email != retention.PLACEHOLDER_EMAIL)  # not a person (models.retention)
        .order_by(User.is_active.desc(), User.name)
    )
    return render_template("admin/accounts.html", form=form, users=users, role_labels=accounts.ROLE_LABELS)


def _user_or_404(user_id: int) -> User:
    user = User.get_or_none(User.id == user_id)
    if user is None or retention.is_placeholder(user):
        abort(404)
    return user


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
def account_detail(user_id):
    user = _user_or_404(user_id)
    role_form = RoleForm(obj=user)
    if role_form.validate_on_submit():
        if user.id == current_user.id and role_form.role.data != Role.ADMIN.value:
            flash(_("U kunt uw eigen beheerdersrol niet weghalen. Vraag een andere beheerder."), "error")
        else:
            with write_transaction():
                before = user.role
                accounts.change_role(user, Role(role_form.role.data), role_form.is_former.data)
                audit.record(
                    "account_role_changed",
                    actor_id=current_user.id,
                    object_type="user",
                    object_id=user.id,
                    ip=client_ip(),
                    detail=f"{before}->{user.role} former={int(user.is_former)}",
                )
            flash(_("De rol is gewijzigd. Als de rol anders is, is de persoon overal uitgelogd."), "success")
            return redirect(url_for("admin.account_detail", user_id=user.id))
    return render_template(
        "admin/account.html",
        user=user,
        role_form=role_form,
        action_form=ActionForm(),
        role_labels=accounts.ROLE_LABELS,
        passkey_count=len(passkeys.passkeys_of(user)),
    )


@bp.route("/accounts/<int:user_id>/<action>", methods=["POST"])
def account_action(user_id, action):
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id and action == "deactivate":
        flash(_("U kunt uw eigen account niet uitzetten."), "error")
        return redirect(url_for("admin.account_detail", user_id=user.id))
    detail = ""
    with write_transaction():
        if action == "deactivate":
            accounts.set_active(user, False)
            message = _("Het account is uitgezet. De persoon is overal uitgelogd.")
        elif action == "reactivate":
            accounts.set_active(user, True)
            message = _("Het account staat weer aan.")
        elif action in ("reset_password", "reset_two_factor", "resend_activation"):
            purpose = {
                "reset_password": TokenPurpose.RESET_PASSWORD,
                "reset_two_factor": TokenPurpose.RESET_TWO_FACTOR,
                "resend_activation": TokenPurpose.ACTIVATE,
            }[action]
            if not user.is_active:
                abort(400)
            token = accounts.issue_token(user, purpose)
            _mail_link(user, token, purpose.value)
            message = _("Er is een e-mail met een eenmalige link naar %(email)s gestuurd.", email=user.email)
            # Lost devices: the two-factor reset also takes away every passkey, at once (a stolen one stops working).
            if purpose == TokenPurpose.RESET_TWO_FACTOR and (removed := passkeys.remove_all(user)):
                detail = f"passkeys_removed={removed}"
                message += " " + _(
                    "Ook de passkeys van dit account zijn verwijderd (%(count)s). Na het koppelen van een nieuwe authenticator-app kan de persoon nieuwe passkeys toevoegen.",
                    count=removed,
                )
        else:
            abort(404)
        audit.record(
            f"account_{action}",
            actor_id=current_user.id,
            object_type="user",
            object_id=user.id,
            ip=client_ip(),
            detail=detail,
        )
    flash(message, "success")
    return redirect(url_for("admin.account_detail", user_id=user.id))


def _settings_form():
    class SettingsForm(FlaskForm):
        pass

    values = settings.all_values()
    for key, spec in settings.SPECS.items():
        setattr(
            SettingsForm,
            key,
            IntegerField(
                _l(spec.label),
                default=values[key],
                validators=[
                    InputRequired(_l("Vul een getal in.")),
                    NumberRange(spec.minimum, spec.maximum, _l("Kies een getal van %(min)s tot en met %(max)s.")),
                ],
                description=_l(spec.unit),
            ),
        )
    for key, spec in settings.TEXT_SPECS.items():
        setattr(
            SettingsForm,
            key,
            StringField(
                _l(spec.label),
                default=settings.get_text(key),
                validators=[Optional(), _text_setting_check(key)],
                description=_l(spec.help),
                filters=[lambda value, key=key: settings.normalise_text(key, value or "")],
                render_kw={"type": "date"} if spec.kind == "date" else {"autocomplete": "off"},
            ),
        )
    return SettingsForm()


def _text_setting_check(key: str):
    def check(form, field):
        problem = settings.text_problem(key, field.data or "")
        if problem:
            raise ValidationError(_(problem))

    return check


@bp.route("/instellingen", methods=["GET", "POST"])
def settings_page():
    form = _settings_form()
    if form.validate_on_submit():
        current = settings.all_values()
        with write_transaction():
            for key in settings.SPECS:
                value = form[key].data
                if value != current[key]:
                    settings.change(key, value, current_user.id)
                    audit.record(
                        "setting_changed",
                        actor_id=current_user.id,
                        object_type="setting",
                        object_id=key,
                        ip=client_ip(),
                        detail=f"{current[key]}->{value}",
                    )
            for key in settings.TEXT_SPECS:
                value = form[key].data or ""
                if value != settings.get_text(key):
                    settings.change_text(key, value, current_user.id)
                    audit.record(
                        "setting_changed",
                        actor_id=current_user.id,
                        object_type="setting",
                        object_id=key,
                        ip=client_ip(),
                        detail=value[:255],
                    )
        flash(_("De instellingen zijn opgeslagen."), "success")
        return redirect(url_for("admin.settings_page"))
    return render_template("admin/settings.html", form=form)


@bp.route("/routering", methods=["GET", "POST"])
def routing_page():
    if request.method == "POST":
        try:
            reporter_role = Role(request.form.get("reporter_role", ""))
            handles = {Role(r) for r in request.form.getlist("handles")} & set(routing.HANDLER_ROLES)
            informed = {Role(r) for r in request.form.getlist("informed")} & set(routing.HANDLER_ROLES)
        except ValueError:
            abort(400)
        if reporter_role not in routing.DEFAULT_ROUTING:
            abort(400)
        if not handles:
            flash(
                _("Kies minstens één rol die de melding behandelt. Anders komt een melding nergens terecht."), "error"
            )
        else:
            with write_transaction():
                before, after = routing.replace_rules(reporter_role, handles, informed)
                if before != after:
                    audit.record(
                        "routing_changed",
                        actor_id=current_user.id,
                        object_type="routing",
                        object_id=reporter_role.value,
                        ip=client_ip(),
                        detail=f"{before} -> {after}"[:255],
                    )
            flash(_("De routering is opgeslagen. Dit geldt voor nieuwe meldingen."), "success")
        return redirect(url_for("admin.routing_page"))
    history = AuditEntry.select().where(AuditEntry.action == "routing_changed").order_by(AuditEntry.id.desc()).limit(50)
    return render_template(
        "admin/routing.html",
        table=routing.current_table(),
        handler_roles=routing.HANDLER_ROLES,
        history=list(history),
        users={u.id: u for u in User.select()},
    )


def init_app(app):
    app.register_blueprint(bp)
