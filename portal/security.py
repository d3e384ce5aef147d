"""Deny by default, sessions the server can revoke, CSRF, and strict headers on every response."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request, session, url_for
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from models import accounts

login_manager = LoginManager()
csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def public(view):
    """Marks a view that anyone may open without logging in. Everything else needs a login."""
    view.is_public = True
    return view


def roles_required(*roles: accounts.Role):
    """Only these roles; others get 403. (Case pages decide with models.visibility and answer 404.)"""
    allowed = {role.value for role in roles}

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def client_ip() -> str:
    return request.remote_addr or "unknown"


def safe_next(target: str | None) -> str | None:
    """Only a path on this site (no scheme, no host, no '//'): never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


STATE_CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str | None:
    """scheme://host[:port] of a URL, lower case, the default port left out (as browsers send Origin);
    None for anything that is not an http(s) URL with a host (such as Origin: null)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    shown_port = "" if port in (None, _DEFAULT_PORTS[scheme]) else f":{port}"
    return f"{scheme}://{parts.hostname.lower()}{shown_port}"


def is_cross_origin(own_urls: tuple[str, ...], origin: str | None, referer: str | None) -> bool:
    """A state-changing request sent from another site: its Origin (or, without Origin, its Referer)
    is none of this site's own origins. Neither header: not refused here, the CSRF token decides
    (Referrer-Policy same-origin makes a browser send both to us)."""
    own = {origin_of(url) for url in own_urls} - {None}
    if origin is not None:
        return origin_of(origin) not in own
    if referer:
        return origin_of(referer) not in own
    return False


def _refuse_cross_origin():
    """Over HTTP as over HTTPS (Flask-WTF checks the Referer over HTTPS only): a form posted from
    another site is refused with the CSRF message, whatever token it carries. This site is the
    request's own host_url, and the configured BASE_URL (the address people use, also behind a
    port forward that the proxy's Host does not show)."""
    if request.method not in STATE_CHANGING_METHODS:
        return None
    own = (request.host_url, current_app.config["BASE_URL"])
    if is_cross_origin(own, request.headers.get("Origin"), request.headers.get("Referer")):
        raise CSRFError("The request came from another website.")
    return None


@login_manager.user_loader
def _load_user(token: str):
    live = accounts.load_session(token)
    if live is None:
        return None
    user = live.user
    user.session_token = token
    return user


def init_app(app):
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    app.before_request(_refuse_cross_origin)  # before the login check: a foreign post is never let in
    login_manager.init_app(app)
    login_manager.session_protection = None  # sessions live in the database and are revoked there
    csrf.init_app(app)

    @app.before_request
    def _deny_by_default():
        if request.endpoint is None:
            return None  # 404/405 follow
        view = app.view_functions.get(request.endpoint)
        if request.endpoint == "static" or getattr(view, "is_public", False):
            return None
        if not current_user.is_authenticated:
            session.pop("_user_id", None)
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return None

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)  # downloads set a stricter one
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        # Same-origin: never sent to another host, but sent back to us — over HTTPS the CSRF check
        # requires a Referer of this site (with "no-referrer" every form post over TLS would fail).
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response
