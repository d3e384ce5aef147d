"""Deny by default, sessions the server can revoke, CSRF, and strict headers on every response."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, redirect, request, session, url_for
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
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
