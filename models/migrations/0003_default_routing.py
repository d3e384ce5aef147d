"""0003 default_routing: the protocol's routing (§6.1), frozen here as data.

Council and group members -> clerk or deputy clerk, mayor and security officer informed;
aldermen -> mayor or municipal secretary, security officer informed; the mayor -> municipal
secretary, security officer informed."""

ROWS = [
    ("council_member", "clerk", "handles"), ("council_member", "deputy_clerk", "handles"),
    ("council_member", "mayor", "informed"), ("council_member", "security_officer", "informed"),
    ("group_member", "clerk", "handles"), ("group_member", "deputy_clerk", "handles"),
    ("group_member", "mayor", "informed"), ("group_member", "security_officer", "informed"),
    ("alderman", "mayor", "handles"), ("alderman", "municipal_secretary", "handles"),
    ("alderman", "security_officer", "informed"),
    ("mayor", "municipal_secretary", "handles"), ("mayor", "security_officer", "informed"),
]


def up(database, dialect):
    import datetime

    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    param = database.param
    for reporter_role, role, kind in ROWS:
        database.execute_sql(
            f'INSERT INTO "routing_rule" ("reporter_role", "role", "kind", "changed_at") '
            f"VALUES ({param}, {param}, {param}, {param})", (reporter_role, role, kind, now))
