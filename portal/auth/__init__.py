"""Logging in and out, one-time links (activation and resets), and one's own account."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from models import accounts, audit, clock
from models.db import write_transaction
from models.i18n import N_
from portal import mail
from portal.auth.forms import ChangePasswordForm, EndSessionForm, LanguageForm, LinkForm, LoginForm
from portal.i18n import LANGUAGES
from portal.security import client_ip, public, safe_next

bp = Blueprint("auth", __name__)

LOGIN_FAILED = N_("E-mailadres, wachtwoord of code klopt niet. Let op: een code kunt u maar één keer gebruiken.")
# One answer over the limit, whatever was typed (models.accounts.attempt_login): it tells a guesser nothing.
LOGIN_THROTTLED = N_(
    "Er is vaak geprobeerd in te loggen op dit account of vanaf dit internetadres. Met het juiste "
    "wachtwoord en een nieuwe code uit de app komt u wel binnen. Lukt het niet? Probeer het over een uur "
    "opnieuw of neem contact op met de functioneel beheerder."
)


def _mail_login_alert(user: accounts.User) -> None:
    """The owner's one mail about failed logins: when, and where to look. Never where from."""
    mail.queue(
        user.email,
        user.locale,
        "login_attempts",
        name=user.name,
        at=clock.utcnow(),
        path=url_for("auth.account", _anchor="inlogpogingen"),
    )


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        ip = client_ip()
        attempt = accounts.attempt_login(form.email.data, form.password.data, form.code.data, ip)
        user = attempt.user
        if attempt.outcome == accounts.LoginOutcome.SUCCESS:
            complete_login(user, ip)
            return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
        with write_transaction():
            action = "login_throttled" if attempt.outcome == accounts.LoginOutcome.THROTTLED else "login_failed"
            audit.record(action, actor_id=user.id if user else None, ip=ip)
            if accounts.record_login_failure(attempt):
                _mail_login_alert(user)
        if attempt.outcome == accounts.LoginOutcome.THROTTLED:
            form.form_errors.append(_(LOGIN_THROTTLED))
            status = 429
        else:
            form.form_errors.append(_(LOGIN_FAILED))
            status = 401
    return render_template("auth/login.html", form=form), status


def complete_login(user: accounts.User, ip: str, detail: str = "") -> None:
    """The one way a person becomes logged in, by password and code or by passkey (portal.passkeys):
    a session the server can revoke, the audit entry, a fresh cookie."""
    # Failures stay (models.accounts.attempt_login): clearing them would hand a guesser fresh guesses.
    with write_transaction():
        token = accounts.start_session(user, ip, request.user_agent.string)
        audit.record("login", actor_id=user.id, object_type="user", object_id=user.id, ip=ip, detail=detail)
    session.clear()
    user.session_token = token
    login_user(user)


@bp.route("/logout", methods=["POST"])
def logout():
    with write_transaction():
        accounts.end_session(current_user.session_token)
        audit.record("logout", actor_id=current_user.id, ip=client_ip())
    logout_user()
    session.clear()
    flash(_("U bent uitgelogd."), "success")
    return redirect(url_for("auth.login"))


LINK_TITLES = {
    accounts.TokenPurpose.ACTIVATE.value: N_("Uw account activeren"),
    accounts.TokenPurpose.RESET_PASSWORD.value: N_("Een nieuw wachtwoord kiezen"),
    accounts.TokenPurpose.RESET_TWO_FACTOR.value: N_("Een nieuwe authenticator-app koppelen"),
}


@bp.route("/link/<token>", methods=["GET", "POST"])
@public
def one_time_link(token):
    row = accounts.find_token(token)
    if row is None:
        return render_template("auth/link_invalid.html"), 404
    form = LinkForm()
    form.account_email = row.user.email
    if row.pending_totp_secret is None:
        del form.code
    if row.purpose == accounts.TokenPurpose.RESET_TWO_FACTOR.value:
        del form.password
        del form.password_repeat
    if form.validate_on_submit():
        password = form.password.data if "password" in form._fields else None
        code = form.code.data if "code" in form._fields else None
        try:
            completed = accounts.complete_token(row, password=password, totp_code=code)
        except accounts.TokenAlreadyUsed:
            return render_template("auth/link_invalid.html"), 404
        if completed:
            audit.record(
                f"account_{row.purpose}_completed",
                actor_id=row.user.id,
                object_type="user",
                object_id=row.user.id,
                ip=client_ip(),
            )
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash(_("Gelukt. U kunt nu inloggen."), "success")
            return redirect(url_for("auth.login"))
        form.code.errors.append(
            _("Deze code klopt niet. Kijk of u de nieuwe code uit de app gebruikt en probeer het opnieuw.")
        )
    qr_svg = None
    if row.pending_totp_secret:
        qr_svg = totp_qr_svg(accounts.totp_uri(row.pending_totp_secret, row.user.email))
    return render_template(
        "auth/link.html",
        form=form,
        row=row,
        title=_(LINK_TITLES[row.purpose]),
        secret=row.pending_totp_secret,
        qr_svg=qr_svg,
    )


def totp_qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG markup (no script, no other host, no inline style)."""
    import io

    import qrcode
    import qrcode.image.svg

    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    return svg[svg.index("<svg") :]


@bp.route("/account", methods=["GET", "POST"])
def account():
    password_form = ChangePasswordForm(prefix="pw")
    password_form.account_email = current_user.email
    language_form = LanguageForm(prefix="lang", language=current_user.locale)
    if request.method == "POST":
        if password_form.validate_on_submit():
            if not (
                accounts.check_password(current_user, password_form.current_password.data)
                and accounts.consume_totp(current_user, password_form.code.data)
            ):
                password_form.current_password.errors.append(_("Uw huidige wachtwoord of de code klopt niet."))
            else:
                with write_transaction():
                    current_user.password_hash = accounts.hash_password(password_form.password.data)
                    current_user.save()
                    accounts.forget_code_failures(current_user.email)
                    accounts.end_all_sessions(current_user.id)
                    audit.record(
                        "password_changed",
                        actor_id=current_user.id,
                        object_type="user",
                        object_id=current_user.id,
                        ip=client_ip(),
                    )
                logout_user()
                session.clear()
                flash(_("Uw wachtwoord is gewijzigd. Log opnieuw in met uw nieuwe wachtwoord."), "success")
                return redirect(url_for("auth.login"))
    return render_template(
        "auth/account.html", password_form=password_form, language_form=language_form, **_sessions_and_failures()
    )


def _sessions_and_failures() -> dict:
    """What the account page shows of one's own logins: the sessions that work (this one marked) and
    the recent failed attempts on the account."""
    failures, failure_count = accounts.recent_login_failures(current_user)
    return {
        "login_sessions": accounts.live_sessions(current_user.id),
        "current_token": current_user.session_token,
        "is_session_of": accounts.is_session_of,
        "device_of": accounts.device_of,
        "login_failures": failures,
        "login_failure_count": failure_count,
        "failure_labels": {kind.value: label for kind, label in accounts.FAILURE_LABELS.items()},
    }


@bp.route("/account/sessies/<int:session_id>/beeindigen", methods=["POST"])
def end_session(session_id):
    """End one of one's own sessions at once: that device is logged out at its next request. Ending
    the session in use is logging out."""
    if not EndSessionForm().validate_on_submit():
        abort(400)
    with write_transaction():
        live = accounts.LoginSession.get_or_none(
            (accounts.LoginSession.id == session_id) & (accounts.LoginSession.user == current_user.id)
        )
        ended = live is not None and accounts.end_own_session(current_user.id, session_id)
        if ended:
            audit.record(
                "session_ended",
                actor_id=current_user.id,
                object_type="login_session",
                object_id=session_id,
                ip=client_ip(),
            )
    if not ended:  # a second click, or not one's own: nothing to end
        flash(_("Deze sessie was al beëindigd."), "success")
        return redirect(url_for("auth.account", _anchor="sessies"))
    if accounts.is_session_of(live, current_user.session_token):
        logout_user()
        session.clear()
        flash(_("U bent uitgelogd."), "success")
        return redirect(url_for("auth.login"))
    flash(_("De sessie is beëindigd. Dat apparaat is nu uitgelogd."), "success")
    return redirect(url_for("auth.account", _anchor="sessies"))


@bp.route("/taal", methods=["POST"])
@public
def set_language():
    form = LanguageForm(prefix="lang")
    if not form.validate_on_submit() or form.language.data not in LANGUAGES:
        abort(400)
    session["lang"] = form.language.data
    if current_user.is_authenticated:
        current_user.locale = form.language.data
        current_user.save(only=[accounts.User.locale])
    return redirect(safe_next(request.form.get("next")) or url_for("home.index"))


@bp.route("/health")
@public
def health():
    accounts.User.select().limit(1).count()
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


def init_app(app):
    app.register_blueprint(bp)
