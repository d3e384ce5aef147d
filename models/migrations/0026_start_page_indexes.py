"""0026 start_page_indexes: three indexes so that the start pages (models.start_pages, issue 15 item 6)
cost the same at 100 000 cases as at 1 000.

- case_access(case_id, role, kind, user_id, revoked_at): whether a person may see a case (models.visibility)
  is asked of every case a start list, the inbox or a deadline walk meets; with this index the database
  answers it from the index alone instead of reading each of the case's access rows from the table
  (SQLite at 100 000 cases: the list of new cases 0.79 -> 0.21 ms, "informed" 0.95 -> 0.26 ms).
- case(reporter_id, status, created_at): an office holder's own open cases. With only case(reporter_id)
  the database read all of their cases, closed ones too (0.6 ms per list on SQLite; PostgreSQL combined
  it with case(status) and read all 8 000 open cases); now it reads their open ones (0.04 ms).
- deadline(done_at, due_at, remind_roles, escalate_roles) replaces 0020's deadline(done_at, due_at): the
  walk of the open deadlines from now (models.start_pages.open_steps) tests who is reminded on the index
  entry, not on the table row (the security officer, reminded of none of 500 deadlines: 0.85 -> 0.26 ms).

Frozen: edit only by hand with care."""

SQL = {
    "sqlite": [
        'CREATE INDEX "case_access_case_id_role_kind_user_id_revoked_at" ON "case_access" ("case_id", "role", "kind", "user_id", "revoked_at")',
        'CREATE INDEX "case_reporter_id_status_created_at" ON "case" ("reporter_id", "status", "created_at")',
        'DROP INDEX "deadline_done_at_due_at"',
        'CREATE INDEX "deadline_done_at_due_at_remind_roles_escalate_roles" ON "deadline" ("done_at", "due_at", "remind_roles", "escalate_roles")',
    ],
    "postgresql": [
        'CREATE INDEX "case_access_case_id_role_kind_user_id_revoked_at" ON "case_access" ("case_id", "role", "kind", "user_id", "revoked_at")',
        'CREATE INDEX "case_reporter_id_status_created_at" ON "case" ("reporter_id", "status", "created_at")',
        'DROP INDEX "deadline_done_at_due_at"',
        'CREATE INDEX "deadline_done_at_due_at_remind_roles_escalate_roles" ON "deadline" ("done_at", "due_at", "remind_roles", "escalate_roles")',
    ],
}
