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
    db.execute_sql(
        'UPDATE "audit_entry" SET "detail" = %s WHERE "id" = %s'.replace("%s", db.param), ("vervalst", entries[1].id)
    )
    db.close()
    result = app.test_cli_runner().invoke(args=["verify-audit"])
    assert result.exit_code == 2
    assert f"BROKEN at entry {entries[1].id}" in result.output


def _old_entries(monkeypatch, count):
    """Entries written long ago: the clock is moved back while they are recorded."""
    import datetime as dt

    from models import clock

    with monkeypatch.context() as patch:
        long_ago = clock.utcnow() - dt.timedelta(days=1200)
        patch.setattr(clock, "utcnow", lambda: long_ago)
        return [audit.record("login", actor_id=n) for n in range(1, count + 1)]


def test_pruning_leaves_a_checkpoint_and_the_rest_of_the_chain_verifies(app, db_session, monkeypatch):
    import datetime as dt

    from models import clock

    old = _old_entries(monkeypatch, 4)
    kept = [audit.record("logout", actor_id=n) for n in range(1, 4)]
    assert audit.prune_before(clock.utcnow() - dt.timedelta(days=365)) == 4
    assert not AuditEntry.select().where(AuditEntry.id.in_([e.id for e in old])).exists()
    checkpoint = audit.AuditCheckpoint.get()
    assert (checkpoint.through_id, checkpoint.through_hash) == (old[-1].id, old[-1].hash)
    last = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert last.action == "audit_pruned" and last.object_id == str(checkpoint.id)
    report = audit.verify_chain(batch_size=2)
    assert report.intact and report.checked == len(kept) + 1


def test_after_pruning_a_changed_or_deleted_row_is_still_detected(app, db_session, monkeypatch):
    import datetime as dt

    from models import clock

    _old_entries(monkeypatch, 3)
    kept = [audit.record("logout", actor_id=n) for n in range(1, 4)]
    audit.prune_before(clock.utcnow() - dt.timedelta(days=365))
    AuditEntry.update(detail="vervalst").where(AuditEntry.id == kept[1].id).execute()
    assert audit.verify_chain().first_broken_id == kept[1].id
    AuditEntry.update(detail="").where(AuditEntry.id == kept[1].id).execute()
    AuditEntry.delete().where(AuditEntry.id == kept[0].id).execute()
    report = audit.verify_chain()
    assert report.first_broken_id == kept[1].id and report.reason == "link"


def test_a_forged_checkpoint_is_detected(app, db_session):
    """Deleting entries and writing a checkpoint by hand: no entry in the chain confirms it."""
    entries = [audit.record("login", actor_id=n) for n in range(1, 6)]
    AuditEntry.delete().where(AuditEntry.id <= entries[1].id).execute()
    audit.AuditCheckpoint.create(
        through_id=entries[1].id, through_hash=entries[1].hash, through_at=entries[1].at, pruned=2
    )
    report = audit.verify_chain()
    assert not report.intact and report.reason == "checkpoint"


def test_the_newest_entry_is_never_pruned(app, db_session, monkeypatch):
    import datetime as dt

    from models import clock

    _old_entries(monkeypatch, 3)
    assert audit.prune_before(clock.utcnow() + dt.timedelta(days=1)) == 2
    assert audit.verify_chain().intact


def test_removing_the_newest_entries_is_caught_by_the_nightly_anchor(app, db_session, mailbox, create_user):
    """The chain alone cannot show that its newest entries were removed. The nightly check anchors the
    newest entry outside the database; the next check warns the admins when it is gone."""
    import pathlib

    from jobs.tasks import verify_audit_chain
    from models.accounts import Role

    admin = create_user(Role.ADMIN)
    anchor_file = pathlib.Path(app.config["AUDIT_ANCHOR_PATH"])
    [audit.record("case_viewed", actor_id=admin.id) for _ in range(3)]
    assert verify_audit_chain.call_local() is True
    newest = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert anchor_file.read_text().split() == [str(newest.id), newest.hash]
    assert oct(anchor_file.stat().st_mode & 0o777) == "0o600"
    later = [audit.record("case_viewed", actor_id=admin.id) for _ in range(2)]
    assert verify_audit_chain.call_local() is True  # the trail grew: fine, the anchor moves on
    assert anchor_file.read_text().split()[0] == str(later[-1].id)
    assert mailbox.messages == []

    AuditEntry.delete().where(AuditEntry.id >= later[0].id).execute()  # someone removes the newest two
    assert audit.verify_chain().intact  # what is left is a perfect chain
    assert verify_audit_chain.call_local() is False
    [mail] = mailbox.messages
    assert mail["To"] == admin.email and f"regel {later[-1].id}" in mail.get_content()
    db.close()
    result = app.test_cli_runner().invoke(args=["verify-audit"])
    assert result.exit_code == 2 and f"entry {later[-1].id}, anchored by the nightly check, is gone" in result.output


def test_the_anchor_survives_pruning_by_retention(app, db_session, monkeypatch):
    import datetime as dt
    import pathlib

    from models import clock

    anchor_file = pathlib.Path(app.config["AUDIT_ANCHOR_PATH"])
    _old_entries(monkeypatch, 4)
    assert audit.verify_with_anchor(anchor_file, move_anchor=True).intact
    audit.record("login", actor_id=1)
    assert audit.prune_before(clock.utcnow() - dt.timedelta(days=365)) == 4  # the anchored entry is pruned
    assert audit.verify_with_anchor(anchor_file, move_anchor=False).intact


def test_a_reads_entry_commits_without_waiting_for_the_disk_a_changes_entry_does_not(app, db_session, monkeypatch):
    """PostgreSQL: the entry of a read (`…_viewed`) in a transaction of its own commits with
    synchronous_commit off, as SQLite commits every transaction; an entry inside a change's transaction,
    and a change's own entry, commit durably. The chain is intact either way."""
    from models.db import is_postgres, write_transaction

    sent = []
    original = db.obj.execute_sql

    def recording(sql, params=None, *args, **kwargs):
        sent.append(sql)
        return original(sql, params, *args, **kwargs)

    monkeypatch.setattr(db.obj, "execute_sql", recording)
    audit.record("case_viewed", actor_id=1, object_type="case", object_id=1)
    read = list(sent)
    sent.clear()
    audit.record("case_status_changed", actor_id=1, object_type="case", object_id=1)
    change = list(sent)
    sent.clear()
    with write_transaction():
        audit.record("case_viewed", actor_id=1, object_type="case", object_id=1)
    nested = list(sent)
    monkeypatch.setattr(db.obj, "execute_sql", original)
    relaxed = [s for s in read + change + nested if "synchronous_commit" in s]
    if is_postgres():
        assert [s for s in read if "synchronous_commit" in s] and relaxed == [
            s for s in read if "synchronous_commit" in s
        ]
    else:
        assert relaxed == []
    report = audit.verify_chain()
    assert report.intact and report.checked >= 3
