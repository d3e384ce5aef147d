"""Passkeys (WebAuthn): adding and removing them on one's account page, logging in with one, and the
admin's rule that handlers have one. The ceremonies are JSON endpoints for portal/static/passkeys.js,
under the same CSRF protection as every form (the token goes in the X-CSRFToken header); the
challenge lives on the server (models.passkeys) and the session holds only its token, taken once."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import accounts, audit, passkeys
from models.passkeys import PasskeyRefused, Refusal
from portal.auth import complete_login
from portal.security import client_ip, public, safe_next

bp = Blueprint("passkeys", __name__, url_prefix="/passkeys")

CEREMONY = "passkey_ceremony"  # the session key of the current challenge's token

# What a person may still open while the admin's rule sends them to add a passkey first.
OPEN_WHILE_REQUIRED = {"static", "auth.logout"}  # and every public page


def rp_id() -> str:
    """The RP ID: the configured domain, else this request's host without its port."""
    configured = current_app.config.get("WEBAUTHN_RP_ID")
    if configured:
        return configured
    host = request.host
    return host.rsplit(":", 1)[0] if not host.endswith("]") else host


def origin() -> str:
    return request.host_url.rstrip("/")


def _json_body() -> dict:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def _options(token: str, options_json: str):
    session[CEREMONY] = token
    return current_app.response_class(options_json, mimetype="application/json")


def _refused(error: PasskeyRefused, status: int = 400):
    return jsonify(error=_(error.message)), status


@bp.route("/toevoegen/opties", methods=["POST"])
def registration_options():
    try:
        token, options_json = passkeys.begin_registration(
            current_user,
            _json_body().get("name"),
            rp_id(),
            logged_in_at=accounts.load_session(current_user.session_token).created_at,
            previous=session.get(CEREMONY),
        )
    except PasskeyRefused as error:
        return _refused(error)
    return _options(token, options_json)


@bp.route("/toevoegen", methods=["POST"])
def register():
    data = _json_body()
    try:
        passkey = passkeys.finish_registration(
            current_user,
            session.pop(CEREMONY, None),
            data.get("name"),
            data.get("credential"),
            rp_id=rp_id(),
            origin=origin(),
            ip=client_ip(),
        )
    except PasskeyRefused as error:
        return _refused(error)
    flash(_("De passkey ‘%(name)s’ is toegevoegd. Voortaan kunt u daarmee inloggen.", name=passkey.name), "success")
    return jsonify(redirect=safe_next(data.get("next")) or url_for("auth.account"))


@bp.route("/<int:passkey_id>/verwijderen", methods=["POST"])
def remove(passkey_id):
    removed = passkeys.remove(current_user, passkey_id, client_ip())
    if removed is None:
        flash(_("Deze passkey was al verwijderd."), "success")
    else:
        flash(_("De passkey ‘%(name)s’ is verwijderd. U kunt er niet meer mee inloggen.", name=removed.name), "success")
    return redirect(url_for("auth.account"))


@bp.route("/inloggen/opties", methods=["POST"])
@public
def login_options():
    return _options(*passkeys.begin_login(rp_id(), session.get(CEREMONY)))


@bp.route("/inloggen", methods=["POST"])
@public
def login():
    data = _json_body()
    ip = client_ip()
    try:
        user = passkeys.finish_login(
            session.pop(CEREMONY, None), data.get("credential"), rp_id=rp_id(), origin=origin()
        )
    except PasskeyRefused as error:
        action = "passkey_clone_refused" if error.refusal == Refusal.CLONED else "passkey_login_failed"
        audit.record(action, actor_id=error.user.id if error.user else None, ip=ip, detail=error.refusal.value)
        return _refused(error, 401 if error.refusal != Refusal.EXPIRED else 400)
    complete_login(user, ip, detail="passkey")
    return jsonify(redirect=safe_next(data.get("next")) or url_for("home.index"))


@bp.route("/verplicht")
def required():
    """The admin requires a passkey of handlers: this handler adds one before anything else."""
    if not passkeys.must_add_passkey(current_user):
        return redirect(url_for("home.index"))
    return render_template("passkeys/required.html")


def init_app(app):
    app.register_blueprint(bp)

    @app.before_request
    def _handlers_add_a_passkey_first():
        endpoint = request.endpoint
        if (
            endpoint is None
            or endpoint in OPEN_WHILE_REQUIRED
            or endpoint.startswith("passkeys.")
            or getattr(app.view_functions.get(endpoint), "is_public", False)
            or not current_user.is_authenticated
        ):
            return None
        if passkeys.must_add_passkey(current_user):
            return redirect(url_for("passkeys.required"))
        return None

    @app.context_processor
    def _passkeys_in_templates():
        return {"passkeys_of_current_user": lambda: passkeys.passkeys_of(current_user)}
