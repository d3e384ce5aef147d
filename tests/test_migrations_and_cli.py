"""Migrations build exactly the schema of the models; the command line does what README says."""

import json

import pyotp

from models import migrations
from models.db import db, is_sqlite
from models.schema import MODELS


def test_the_migrated_schema_matches_the_models(app, db_session):
    for model in MODELS:
        table = model._meta.table_name
        columns = {c.name for c in db.get_columns(table)}
        expected = {f.column_name for f in model._meta.sorted_fields}
        assert columns == expected, table
        indexed = {tuple(i.columns) for i in db.get_indexes(table)}
        for field in model._meta.sorted_fields:
            if field.index or field.unique:
                assert (field.column_name,) in indexed, (table, field.name)
        for fields, _unique in model._meta.indexes:  # indexes over several columns (Meta.indexes)
            columns = tuple(model._meta.fields[name].column_name for name in fields)
            assert columns in indexed, (table, columns)


def test_migrate_is_idempotent_and_the_app_never_creates_tables(app, db_session):
    assert migrations.pending() == []
    assert migrations.apply_pending() == []
    result = app.test_cli_runner().invoke(args=["migrate"])
    assert "up to date" in result.output


def test_a_failing_migration_leaves_the_database_as_it_was(app, db_session, tmp_path, monkeypatch):
    """An upgrade's migrations run all or nothing: when the last one fails, the ones before it in
    the same run are undone too, so the release still running finds the schema it knows
    (deploy/README.md, Upgrade)."""
    # A migration that works (a new table, data changed), then one that fails halfway.
    (tmp_path / "0098_probe_table.py").write_text(
        'STATEMENTS = [\'CREATE TABLE "upgrade_probe" ("id" INTEGER)\', \'DELETE FROM "routing_rule"\']\n'
        "SQL = {'sqlite': STATEMENTS, 'postgresql': STATEMENTS}\n"
    )
    (tmp_path / "0099_fails.py").write_text(
        'STATEMENTS = [\'CREATE TABLE "upgrade_probe_2" ("id" INTEGER)\', \'INSERT INTO "no_such_table" VALUES (1)\']\n'
        "SQL = {'sqlite': STATEMENTS, 'postgresql': STATEMENTS}\n"
    )
    real = migrations.available()
    monkeypatch.setattr(
        migrations,
        "available",
        lambda: real + [("0098", tmp_path / "0098_probe_table.py"), ("0099", tmp_path / "0099_fails.py")],
    )
    applied_before = migrations.applied()
    routing_before = db.execute_sql('SELECT COUNT(*) FROM "routing_rule"').fetchone()[0]

    result = app.test_cli_runner().invoke(args=["migrate"])

    assert result.exit_code == 1
    assert "Migration 0099_fails failed" in result.output
    assert "Nothing was applied" in result.output
    assert migrations.applied() == applied_before
    tables = set(db.get_tables())
    assert "upgrade_probe" not in tables and "upgrade_probe_2" not in tables
    assert db.execute_sql('SELECT COUNT(*) FROM "routing_rule"').fetchone()[0] == routing_before
    assert [version for version, _path in migrations.pending()] == ["0098", "0099"]


def test_0014_marks_messages_stored_at_local_midnight_as_without_time(app, db_session, create_user):
    """Before 0013 a message date without its time was stored at midnight (Europe/Amsterdam); 0014
    says so for those entries, and leaves a message with a real time as it is."""
    import datetime as dt

    from models import cases, clock, registration
    from models.accounts import Role
    from models.cases import CaseKind, OnlineEntry

    member = create_user(Role.COUNCIL_MEMBER)
    case = registration.file_case(cases.new_draft(member, CaseKind.REPORT).id, {"behaviours": ["threatening"]})
    at_midnight = OnlineEntry.create(
        case=case, platform="X", message_at=clock.to_utc(dt.datetime(2026, 3, 29, 0, 0)), added_by=member
    )
    with_time = OnlineEntry.create(
        case=case, platform="X", message_at=clock.to_utc(dt.datetime(2026, 3, 29, 21, 30)), added_by=member
    )
    [path] = [path for version, path in migrations.available() if version == "0014"]
    migrations._load(path).up(db, migrations.dialect())
    assert OnlineEntry.get_by_id(at_midnight.id).message_time_known is False
    assert OnlineEntry.get_by_id(with_time.id).message_time_known is True


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app, db_session):
    if not is_sqlite():
        return
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA secure_delete").fetchone()[0] == 1


def test_demo_prints_one_account_per_role_that_can_log_in(app, db_session):
    result = app.test_cli_runner().invoke(args=["demo", "--json"])
    accounts = json.loads(result.output)
    assert {a["role"] for a in accounts} == {
        "council_member",
        "group_member",
        "alderman",
        "mayor",
        "clerk",
        "deputy_clerk",
        "municipal_secretary",
        "security_officer",
        "finance_officer",
        "admin",
    }
    assert all(set(a) == {"email", "password", "totp_secret", "role"} for a in accounts)
    db.close()
    mayor = next(a for a in accounts if a["role"] == "mayor")
    client = app.test_client()
    response = client.post(
        "/login",
        data={"email": mayor["email"], "password": mayor["password"], "code": pyotp.TOTP(mayor["totp_secret"]).now()},
    )
    assert response.status_code == 302
    assert "Welkom" in client.get("/").get_data(as_text=True)


def test_create_admin_prints_a_working_activation_link(app, db_session):
    result = app.test_cli_runner().invoke(args=["create-admin", "it@gemeente-test.nl"])
    link = result.output.strip()
    assert link.startswith("http://portal.test/link/")
    db.close()
    page = app.test_client().get(link.replace("http://portal.test", ""))
    assert page.status_code == 200 and "Uw account activeren" in page.get_data(as_text=True)
    again = app.test_cli_runner().invoke(args=["create-admin", "it@gemeente-test.nl"])
    assert again.exit_code == 1


def test_demo_has_a_threat_case_for_the_clerk_and_not_for_the_alderman(app, db_session):
    result = app.test_cli_runner().invoke(args=["demo", "--json"])
    accounts = {a["role"]: a for a in json.loads(result.output)}
    db.close()

    def log_in(role):
        client = app.test_client()
        account = accounts[role]
        client.post(
            "/login",
            data={
                "email": account["email"],
                "password": account["password"],
                "code": pyotp.TOTP(account["totp_secret"]).now(),
            },
        )
        return client

    clerk_inbox = log_in("clerk").get("/zaken").get_data(as_text=True)
    assert "VB-" in clerk_inbox and "Chantal Bakker" in clerk_inbox and "Bedreiging of intimidatie" in clerk_inbox
    assert "Chantal Bakker" not in log_in("alderman").get("/zaken").get_data(as_text=True)
