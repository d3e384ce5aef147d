"""The audit trail: every login, failure, logout and account change; tamper-evident."""
from models import audit
from models.audit import AuditEntry
from models.db import db


def _actions(app):
    with app.app_context():
        return [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]


def test_logins_failures_and_logouts_are_recorded(app, client, create_user, login):
    user = create_user()
    login(client, user, password="fout-fout-fout-fout")
    login(client, user)
    client.post("/logout")
    assert _actions(app)[-3:] == ["login_failed", "login", "logout"]
    with app.app_context():
        last = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
        assert last.actor_id == user.id and last.ip == "127.0.0.1"


def test_the_chain_is_intact_after_normal_use(app, client, create_user, login):
    login(client, create_user())
    with app.app_context():
        report = audit.verify_chain()
    assert report.intact and report.checked >= 1


def test_a_changed_row_is_detected_and_named(app, db_session):
    entries = [audit.record("login", actor_id=n) for n in range(1, 6)]
    AuditEntry.update(actor_id=99).where(AuditEntry.id == entries[2].id).execute()
    report = audit.verify_chain(batch_size=2)
    assert not report.intact
    assert report.first_broken_id == entries[2].id


def test_a_deleted_row_is_detected(app, db_session):
    entries = [audit.record("login", actor_id=n) for n in range(1, 6)]
    AuditEntry.delete().where(AuditEntry.id == entries[1].id).execute()
    report = audit.verify_chain()
    assert report.first_broken_id == entries[2].id


def test_the_command_names_the_first_broken_entry(app, db_session):
    entries = [audit.record("logout", actor_id=n) for n in range(1, 4)]
    db.execute_sql('UPDATE "audit_entry" SET "detail" = %s WHERE "id" = %s'.replace("%s", db.param),
                   ("vervalst", entries[1].id))
    db.close()
    result = app.test_cli_runner().invoke(args=["verify-audit"])
    assert result.exit_code == 2
    assert f"BROKEN at entry {entries[1].id}" in result.output
