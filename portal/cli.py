"""Command line: `flask --app app <command>`."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app, url_for
from flask.cli import with_appcontext

from models import accounts, audit, migrations
from models.accounts import Role, User
from models.db import db, refresh_statistics
from models.schema import MODELS


def _activation_url(token: str) -> str:
    with current_app.test_request_context():
        return current_app.config["BASE_URL"] + url_for("auth.one_time_link", token=token)


@click.command("migrate")
@with_appcontext
def migrate_command():
    """Apply pending schema migrations."""
    with db.connection_context():
        try:
            done = migrations.apply_pending()
        except migrations.MigrationFailed as failed:
            click.echo(f"Migration {failed.name} failed: {failed.error}", err=True)
            click.echo("Nothing was applied: the database is as it was before this command.", err=True)
            sys.exit(1)
        refresh_statistics()
    click.echo(f"Applied: {', '.join(done)}" if done else "The database is up to date.")


@click.command("make-migration")
@with_appcontext
@click.argument("name")
@click.argument("tables", nargs=-1, required=True)
@click.option("--description", default="new tables")
def make_migration_command(name, tables, description):
    """Freeze the DDL of new tables (model table names) into a new migration file."""
    by_table = {model._meta.table_name: model for model in MODELS}
    path = migrations.write_migration(name, [by_table[t] for t in tables], description)
    click.echo(f"Wrote {path}")


@click.command("create-admin")
@with_appcontext
@click.argument("email")
@click.option("--name", default="Functioneel beheerder")
def create_admin_command(email, name):
    """Create an admin account and print its one-time activation link."""
    with db.connection_context():
        try:
            user, token = accounts.invite(email, name, Role.ADMIN)
        except accounts.EmailTaken:
            click.echo(f"An account for {email} exists already.", err=True)
            sys.exit(1)
        audit.record("account_invited", object_type="user", object_id=user.id, detail="role=admin via cli")
    click.echo(_activation_url(token))


@click.command("verify-audit")
@with_appcontext
def verify_audit_command():
    """Check the audit trail's hash chain; name the first broken entry."""
    from jobs.tasks import audit_anchor_path

    with db.connection_context():
        report = audit.verify_with_anchor(audit_anchor_path(), move_anchor=False)
    if report.intact:
        click.echo(f"Audit trail intact: {report.checked} entries checked.")
    elif report.reason == "anchor":
        click.echo(
            f"Audit trail BROKEN: entry {report.first_broken_id}, anchored by the nightly check, is gone or "
            f"changed (newest entries removed or the trail rewritten).",
            err=True,
        )
        sys.exit(2)
    else:
        click.echo(
            f"Audit trail BROKEN at entry {report.first_broken_id} ({report.reason}); "
            f"{report.checked} entries before it are intact.",
            err=True,
        )
        sys.exit(2)


@click.command("demo")
@with_appcontext
@click.option("--json", "as_json", is_flag=True, help="Print the accounts as a JSON list.")
@click.option("--if-empty", is_flag=True, help="Do nothing when accounts exist already.")
@click.option("--seed-year", type=int, default=None, help="Only add a year of demo incidents (e.g. 2025).")
def demo_command(as_json, if_empty, seed_year):
    """Create a demo municipality: one account per role; prints e-mail, password and TOTP secret."""
    from models.demo import create_demo_accounts, create_demo_case, create_demo_public, seed_demo_year

    with db.connection_context():
        if seed_year is not None:
            count = seed_demo_year(seed_year)
            click.echo(f"Demo year {seed_year}: {count} incidents filed.")
            return
        if if_empty and User.select().exists():
            if not as_json:
                click.echo("Accounts exist already: no demo created.")
            return
        created = create_demo_accounts()
        demo_case = create_demo_case()
        public = create_demo_public()
    if as_json:
        click.echo(json.dumps(created, indent=2))
        return
    click.echo("DEMO municipality 'Demodorp' — these accounts are for trying the portal only.")
    click.echo(
        "Add the TOTP secret to an authenticator app (or: .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('SECRET').now())\")."
    )
    for row in created:
        click.echo(f"  {row['role']:<20} {row['email']:<36} {row['password']:<24} {row['totp_secret']}")
    if demo_case:
        click.echo(f"Demo case {demo_case}: a threat received on social media by the council member.")
    if public:
        click.echo(
            "Also: a council term with its briefing and a training, two risk analyses, a home screening, "
            "a disrupted council meeting with its case and a press statement."
        )


@click.command("retention")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Only list what would go (counts per kind); change nothing.")
def retention_command(dry_run):
    """Anonymise or delete what is past its retention (AVG); with --dry-run only count it."""
    from models import clock, retention

    with db.connection_context():
        if dry_run:
            counts = retention.plan(clock.utcnow()).counts()
        else:
            counts = retention.apply(clock.utcnow(), upload_dir=current_app.config["UPLOAD_PATH"]).counts
    click.echo("Would go (dry run):" if dry_run else "Done:")
    for kind in retention.Kind:
        click.echo(f"  {kind.value:<12} {counts.get(kind, 0)}")


def init_app(app):
    for command in (
        migrate_command,
        make_migration_command,
        create_admin_command,
        verify_audit_command,
        demo_command,
        retention_command,
    ):
        app.cli.add_command(command)
