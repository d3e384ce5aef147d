"""Test fixtures: a real SQLite file per test, and a real PostgreSQL database when
PORTAL_TEST_DATABASE_URL is set (every database test then runs on both); a real SMTP server
(aiosmtpd); factory fixtures in the Indico style (`create_user` returns a callable)."""

from __future__ import annotations

import datetime as dt
import os
import pathlib
import shutil
import socket
import tempfile
import uuid
from email import message_from_bytes, policy
from urllib.parse import urlparse, urlunparse

import pytest

_TMP = pathlib.Path(tempfile.mkdtemp(prefix="vb-tests-"))
# Before anything imports the portal: keys, Huey storage and uploads go to a scratch folder.
os.environ["PORTAL_INSTANCE_PATH"] = str(_TMP / "instance")
os.environ["PORTAL_HUEY_URL"] = f"sqlite:///{_TMP / 'huey.db'}"
os.environ.pop("PORTAL_DATABASE_URL", None)

import peewee  # noqa: E402
import pyotp  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402

from models import accounts as _accounts  # noqa: E402
from models import clock, migrations  # noqa: E402
from models.accounts import Role, User, hash_password, new_totp_secret  # noqa: E402
from models.db import db, init_database  # noqa: E402
from models.schema import MODELS  # noqa: E402

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
_accounts.BCRYPT_ROUNDS = 4  # bcrypt's cost is not what these tests are about; 12 in production
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
DEFAULT_PASSWORD = "lange-veilige-zin-voor-tests"


# --- a real SMTP server ---------------------------------------------------------------------


class Mailbox:
    def __init__(self):
        self.messages = []
        self.peers = []  # the client address of each message: one per connection

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.peers.append(session.peer)
        return "250 OK"

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture(scope="session")
def smtp_server():
    mailbox = Mailbox()
    with socket.socket() as probe:  # a free port for the SMTP server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    _, box = smtp_server
    box.messages.clear()
    box.peers.clear()
    return box


# --- databases --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template():
    """Migrate once into a template file; each test gets a fresh copy."""
    path = _TMP / "template.db"
    init_database(f"sqlite:///{path}")
    with db.connection_context():
        migrations.apply_pending()
    db.close()
    return path


@pytest.fixture(scope="session")
def postgres_database():
    """A scratch PostgreSQL database for this run, migrated once; dropped at the end."""
    if not PG_URL:
        pytest.skip("PORTAL_TEST_DATABASE_URL is not set")
    admin = urlparse(PG_URL)
    name = f"vb_test_{uuid.uuid4().hex[:10]}"
    server = peewee.PostgresqlDatabase(
        admin.path.lstrip("/"), user=admin.username, password=admin.password, host=admin.hostname, port=admin.port
    )
    server.connect()
    server.execute_sql(f'CREATE DATABASE "{name}"')
    url = urlunparse(admin._replace(path=f"/{name}"))
    init_database(url)
    with db.connection_context():
        migrations.apply_pending()
    db.close_all() if hasattr(db.obj, "close_all") else None
    yield url
    if hasattr(db.obj, "close_all"):  # the last test may have left the models on SQLite
        db.obj.close_all()
    server.execute_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server.close()


def _truncate_postgres():
    """Empty every table, then put back the data the migrations ship (the default routing)."""
    tables = ", ".join(f'"{m._meta.table_name}"' for m in MODELS)
    db.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    for _version, path in migrations.available():
        module = migrations._load(path)
        if hasattr(module, "up"):
            module.up(db, "postgresql")


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "portal.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_database")
    init_database(url)
    with db.connection_context():
        _truncate_postgres()
    return url


# --- the app ----------------------------------------------------------------------------------


@pytest.fixture
def make_app(database_url, smtp_server, tmp_path):
    """Build an app (several may share one database, like gunicorn workers)."""
    controller, _ = smtp_server

    def _make(**overrides):
        from portal import create_app

        config = {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "HUEY_IMMEDIATE": True,
            "SMTP_HOST": controller.hostname,
            "SMTP_PORT": controller.port,
            "UPLOAD_PATH": str(tmp_path / "uploads"),
            "AUDIT_ANCHOR_PATH": str(tmp_path / "audit-anchor"),
            "BASE_URL": "http://portal.test",
            "SERVER_NAME": None,
            "WTF_CSRF_ENABLED": False,
        }
        config.update(overrides)
        return create_app(config)

    yield _make
    import jobs

    jobs.huey.immediate = False
    if not db.is_closed():
        db.close()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db_session(app):
    """A database connection for direct use in a test. No app context stays pushed: requests made
    by test clients must each get their own (as in production), or `g` would leak between them."""
    db.connect(reuse_if_open=True)
    yield db
    if not db.is_closed():
        db.close()


# --- factories --------------------------------------------------------------------------------


@pytest.fixture
def create_user(app):
    counter = {"n": 0}

    def _create(
        role: Role = Role.COUNCIL_MEMBER,
        *,
        email=None,
        name=None,
        password=DEFAULT_PASSWORD,
        is_former=False,
        locale="nl",
        active=True,
    ):
        counter["n"] += 1
        with app.app_context():
            user = User.create(
                email=email or f"{role.value}{counter['n']}@gemeente-test.nl",
                name=name or f"{role.value.replace('_', ' ').title()} {counter['n']}",
                role=role.value,
                is_former=is_former,
                locale=locale,
                password_hash=hash_password(password),
                totp_secret=new_totp_secret(),
                is_active=active,
                activated_at=clock.utcnow(),
            )
            user.test_password = password
            return user

    return _create


def fresh_code(user) -> str:
    """A code not used yet: each login consumes one time step, so tests move on to the next."""
    from models.accounts import User as U

    stored = U.get_by_id(user.id)
    totp = pyotp.TOTP(stored.totp_secret)
    step = totp.timecode(clock.utcnow().replace(tzinfo=dt.UTC))
    # The current step, else the next (the previous one could fall out of the window mid-request).
    for candidate in (step, step + 1):
        if candidate > stored.totp_last_counter:
            return totp.generate_otp(candidate)
    raise AssertionError("no unused TOTP code left in the window: move the test clock on (see `clock`)")


@pytest.fixture
def clock_at(monkeypatch):
    """Move the portal's clock: `clock_at(minutes=31)` puts it that far ahead of real time."""

    def _move(**delta):
        target = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(**delta)
        monkeypatch.setattr(clock, "utcnow", lambda: target)
        return target

    return _move


@pytest.fixture
def login(app):
    def _login(client, user, password=None, code=None):
        with app.app_context():
            db.connect(reuse_if_open=True)
            code = code or fresh_code(user)
        return client.post(
            "/login",
            data={"email": user.email, "password": password or user.test_password, "code": code},
            follow_redirects=False,
        )

    return _login


# --- reporting through the form, as a person would ----------------------------------------------

PNG_SCREENSHOT = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


@pytest.fixture
def file_report():
    """Fill in every step of the report form that applies and submit; returns the case reference.
    The plain first answers (situations) are the ones that hold the given behaviours; `consequences`
    may hold the meeting questions (posted to the meeting step when the channel is a meeting) and
    the consequences (posted with who did it)."""
    import io
    import re

    from models import scheme

    MEETING_FIELDS = {"meeting_disrupted", "meeting_orders_out", "livestream_stopped"}

    def _file(
        client,
        *,
        behaviours=("threatening",),
        after_addressed="persisted",
        recurring="no",
        occurred_date="2026-11-20",
        occurred_time="21:30",
        channel="social_media",
        target="self",
        narrative="Hij schreef dat hij mij thuis weet te vinden.",
        platform="X",
        sender_account="@boos",
        urls="https://x.example/status/1",
        files=(("screenshot.png", PNG_SCREENSHOT),),
        perpetrator_known="yes",
        perpetrator_name="Piet Boos",
        consequences=None,
        consent_police_report="yes",
        consent_inform_others="no",
        on_behalf_of=None,
    ):
        start = {"kind": "report"}
        if on_behalf_of is not None:
            start["reporter"] = on_behalf_of.id
        response = client.post("/melden", data=start)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        base = response.headers["Location"].rsplit("/", 1)[0]
        consequences = dict(consequences or {})
        meeting = {key: consequences.pop(key) for key in list(consequences) if key in MEETING_FIELDS}
        steps = [
            (
                "wat",
                {
                    "situations": scheme.situations_of(behaviours),
                    "behaviours": list(behaviours),
                    "after_addressed": after_addressed,
                    "recurring": recurring,
                },
            ),
            (
                "wanneer",
                {
                    "occurred_date": occurred_date,
                    "occurred_time": occurred_time,
                    "channel": channel,
                    "target": target,
                    "narrative": narrative,
                },
            ),
            *([("vergadering", meeting)] if channel == "meeting" else []),
            (
                "bewijs",
                {
                    "platform": platform,
                    "sender_account": sender_account,
                    "urls": urls,
                    "message_date": occurred_date,
                    "reported_to_platform": "yes",
                    "files": [(io.BytesIO(data), name) for name, data in files],
                },
            ),
            ("wie", {"perpetrator_known": perpetrator_known, "perpetrator_name": perpetrator_name, **consequences}),
            (
                "versturen",
                {"consent_police_report": consent_police_report, "consent_inform_others": consent_inform_others},
            ),
        ]
        for name, data in steps:
            response = client.post(f"{base}/{name}", data=data, content_type="multipart/form-data")
            assert response.status_code == 302, (name, response.get_data(as_text=True)[:2000])
        match = re.search(r"/mijn-meldingen/(VB-\d{4}-\d{4})", response.headers["Location"])
        assert match, response.headers["Location"]
        return match.group(1)

    return _file


from tests.browser import browser, live_server, page  # noqa: E402,F401  (browser fixtures, defined once)


@pytest.fixture
def signed_in(app, login):
    """A logged-in test client per person: each logs in once (a TOTP code works only once)."""
    clients = {}

    def _client(person):
        if person.id not in clients:
            clients[person.id] = app.test_client()
            assert login(clients[person.id], person).status_code == 302
        return clients[person.id]

    return _client
