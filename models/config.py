"""The portal's configuration from environment variables, all prefixed PORTAL_ (documented in README.md).

One loader for both processes: the web app (portal.create_app) and the Huey consumer (`python -m jobs`)
read the same settings. Plain Python, so the consumer needs no web framework. (What the admin changes in
the portal itself is models.settings.)
"""

from __future__ import annotations

import os
import pathlib
import secrets

TRUE = {"1", "true", "yes", "on"}


def _flag(value: str | None, default: bool) -> bool:
    return default if value is None else value.strip().lower() in TRUE


def _key_from_file(path: pathlib.Path, size: int) -> bytes:
    """Read a key file; create it (mode 0600, random) on first start."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(size))
    return bytes.fromhex(path.read_text().strip())


def load_config(environ: os._Environ | dict | None = None) -> dict:
    env = os.environ if environ is None else environ
    instance = pathlib.Path(env.get("PORTAL_INSTANCE_PATH", "instance")).resolve()
    base_url = env.get("PORTAL_BASE_URL", "http://127.0.0.1:5000").rstrip("/")

    if env.get("PORTAL_SECRET_KEY"):
        secret_key = (
            bytes.fromhex(env["PORTAL_SECRET_KEY"])
            if _is_hex(env["PORTAL_SECRET_KEY"])
            else env["PORTAL_SECRET_KEY"].encode()
        )
    else:
        secret_key = _key_from_file(pathlib.Path(env.get("PORTAL_SECRET_KEY_FILE", instance / "secret.key")), 32)
    if env.get("PORTAL_CONTENT_KEY"):
        content_key = bytes.fromhex(env["PORTAL_CONTENT_KEY"])
    else:
        content_key = _key_from_file(pathlib.Path(env.get("PORTAL_CONTENT_KEY_FILE", instance / "content.key")), 32)

    secure = base_url.startswith("https://")
    max_upload_mb = int(env.get("PORTAL_MAX_UPLOAD_MB", "20"))
    return {
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": env.get("PORTAL_DATABASE_URL", f"sqlite:///{instance / 'portal.db'}"),
        "HUEY_URL": env.get("PORTAL_HUEY_URL", f"sqlite:///{instance / 'portal-huey.db'}"),
        "HUEY_WORKERS": int(env.get("PORTAL_HUEY_WORKERS", "2")),
        "UPLOAD_PATH": env.get("PORTAL_UPLOAD_PATH", str(instance / "uploads")),
        # The audit trail's newest entry, anchored outside the database by the nightly check (models.audit).
        "AUDIT_ANCHOR_PATH": env.get("PORTAL_AUDIT_ANCHOR_PATH", str(instance / "audit-anchor")),
        "MAX_UPLOAD_MB": max_upload_mb,
        # The whole request may hold a few files and the form around them.
        "MAX_CONTENT_LENGTH": (max_upload_mb * 3 + 1) * 1024 * 1024,
        "BASE_URL": base_url,
        "TIMEZONE": env.get("PORTAL_TIMEZONE", "Europe/Amsterdam"),
        "SMTP_HOST": env.get("PORTAL_SMTP_HOST", "127.0.0.1"),
        "SMTP_PORT": int(env.get("PORTAL_SMTP_PORT", "25")),
        "SMTP_USERNAME": env.get("PORTAL_SMTP_USERNAME") or None,
        "SMTP_PASSWORD": env.get("PORTAL_SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": _flag(env.get("PORTAL_SMTP_STARTTLS"), False),
        "MAIL_FROM": env.get("PORTAL_MAIL_FROM", "Veilig Bestuur <noreply@localhost>"),
        # Passkeys: the RP ID (a domain, never an IP address); empty = the host of each request.
        "WEBAUTHN_RP_ID": env.get("PORTAL_WEBAUTHN_RP_ID", "").strip() or None,
        "TRUSTED_PROXIES": int(env.get("PORTAL_TRUSTED_PROXIES", "0")),
        "DEMO": _flag(env.get("PORTAL_DEMO"), False),
        "SECRET_KEY": secret_key,
        "CONTENT_KEY": content_key,
        "SESSION_COOKIE_NAME": "__Host-portal" if secure else "portal",
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Strict",
        "PREFERRED_URL_SCHEME": "https" if secure else "http",
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session, which expires itself
        "HUEY_IMMEDIATE": False,  # tests: a task runs at once, in the caller (jobs.configure)
    }


def _is_hex(value: str) -> bool:
    try:
        bytes.fromhex(value)
        return len(value) >= 32
    except ValueError:
        return False
